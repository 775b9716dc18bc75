/* LightDM, GDM and SDDM configuration (accounts_dm.h). All three are INI files: inih parses
 * them, leniently (these are other programs' files: an unknown key is theirs, not an error),
 * which is why common/ini_config.c's strict tables do not fit here. */
#include "accounts_dm.h"

#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "accounts_io.h"
#include "report.h"
#include "text.h"

#define DM_MAX_DROPINS 64

static const char *const dm_names[ACCOUNTS_DM_MAX] = {"lightdm", "gdm", "sddm"};

const char *accounts_dm_name(enum accounts_dm_kind k) {
        return (unsigned)k < ACCOUNTS_DM_MAX ? dm_names[k] : "?";
}

void accounts_dm_init(struct accounts_dm *dm) {
        memset(dm, 0, sizeof(*dm));
        dm->lightdm_guest = REPORT_UNKNOWN;
        dm->gdm_enable = REPORT_UNKNOWN;
        dm->gdm_timed_enable = REPORT_UNKNOWN;
}

void accounts_dm_free(struct accounts_dm *dm) {
        if (!dm)
                return;
        free(dm->lightdm_user);
        free(dm->gdm_user);
        free(dm->gdm_timed_user);
        free(dm->sddm_user);
        accounts_dm_init(dm);
}

/* GLib's and Qt's booleans: true/false, and GDM also takes 1/0 */
static int8_t parse_bool(const char *v) {
        if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
                return 1;
        if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
                return 0;
        return REPORT_UNKNOWN;
}

/* Replace *slot with a sanitized copy of v (an empty value clears it). */
static int set_string(char **slot, const char *v) {
        char *c = NULL;

        if (*v) {
                c = text_sanitize(v, strlen(v), REPORT_MAX_STRING);
                if (!c)
                        return -ENOMEM;
        }
        free(*slot);
        *slot = c;
        return 0;
}

struct parse {
        struct accounts_dm *dm;
        enum accounts_dm_kind kind;
        int error;
};

/* inih's handler: nonzero is "fine"; we never stop it, errors are kept in p->error. */
static int on_key(void *userdata, const char *section, const char *key, const char *value) {
        struct parse *p = userdata;
        struct accounts_dm *dm = p->dm;
        int r = 0;

        switch (p->kind) {
        case ACCOUNTS_DM_LIGHTDM:
                /* [Seat:*], [Seat:seat0] and the old [SeatDefaults] */
                if (strncmp(section, "Seat", 4) != 0)
                        break;
                if (strcmp(key, "autologin-user") == 0)
                        r = set_string(&dm->lightdm_user, value);
                else if (strcmp(key, "allow-guest") == 0 ||
                         strcmp(key, "greeter-allow-guest") == 0) {
                        int8_t b = parse_bool(value);
                        /* either one off means no guest login offered */
                        if (b != REPORT_UNKNOWN && (dm->lightdm_guest == REPORT_UNKNOWN || b == 0 ||
                                                    strcmp(key, "allow-guest") == 0))
                                dm->lightdm_guest = b;
                }
                break;
        case ACCOUNTS_DM_GDM:
                if (strcmp(section, "daemon") != 0)
                        break;
                if (strcmp(key, "AutomaticLoginEnable") == 0)
                        dm->gdm_enable = parse_bool(value);
                else if (strcmp(key, "AutomaticLogin") == 0)
                        r = set_string(&dm->gdm_user, value);
                else if (strcmp(key, "TimedLoginEnable") == 0)
                        dm->gdm_timed_enable = parse_bool(value);
                else if (strcmp(key, "TimedLogin") == 0)
                        r = set_string(&dm->gdm_timed_user, value);
                break;
        case ACCOUNTS_DM_SDDM:
                if (strcmp(section, "Autologin") == 0 && strcmp(key, "User") == 0)
                        r = set_string(&dm->sddm_user, value);
                break;
        case ACCOUNTS_DM_MAX:
                break;
        }
        if (r < 0 && !p->error)
                p->error = r;
        return 1;
}

int accounts_dm_parse(struct accounts_dm *dm, enum accounts_dm_kind k, const char *text) {
        struct parse p = {dm, k, 0};
        int line = ini_parse_string(text, on_key, &p);

        if (p.error)
                return p.error;
        return line > 0 ? line : line < 0 ? -ENOMEM : 0;
}

static int read_one(struct accounts_dm *dm, enum accounts_dm_kind k, const char *path,
                    accounts_dm_unreadable_fn unreadable, void *userdata) {
        char *text = NULL, why[64];
        size_t len;
        int r = accounts_read_path(path, ACCOUNTS_MAX_FILE, &text, &len);

        if (r == -ENOENT || r == -ENOTDIR)
                return 0; /* not installed: nothing configured */
        if (r < 0 && r != -EFBIG) {
                if (unreadable)
                        unreadable(path, strerror(-r), userdata);
                return r == -ENOMEM ? r : 0;
        }
        if (r == -EFBIG && unreadable)
                unreadable(path, "too large, read in part", userdata);
        r = accounts_dm_parse(dm, k, text);
        free(text);
        if (r > 0) {
                snprintf(why, sizeof(why), "line %d not understood, the rest read", r);
                if (unreadable)
                        unreadable(path, why, userdata);
                return 0;
        }
        return r;
}

static int by_name(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir's *.conf files, in name order (how each of these DMs reads its drop-ins). */
static int read_dropins(struct accounts_dm *dm, enum accounts_dm_kind k, const char *dir,
                        accounts_dm_unreadable_fn unreadable, void *userdata) {
        char *names[DM_MAX_DROPINS];
        size_t n = 0;
        struct dirent *e;
        DIR *d = opendir(dir);
        int r = 0;

        if (!d)
                return 0; /* none */
        while ((e = readdir(d)) && n < DM_MAX_DROPINS) {
                size_t len = strlen(e->d_name);
                if (len > 5 && strcmp(e->d_name + len - 5, ".conf") == 0) {
                        names[n] = strdup(e->d_name);
                        if (!names[n]) {
                                r = -ENOMEM;
                                break;
                        }
                        n++;
                }
        }
        closedir(d);
        if (n)
                qsort(names, n, sizeof(*names), by_name);
        for (size_t i = 0; i < n; i++) {
                char path[512];
                if (r == 0 &&
                    snprintf(path, sizeof(path), "%s/%s", dir, names[i]) < (int)sizeof(path))
                        r = read_one(dm, k, path, unreadable, userdata);
                free(names[i]);
        }
        return r;
}

int accounts_dm_read(struct accounts_dm *dm, accounts_dm_unreadable_fn unreadable, void *userdata) {
        static const struct {
                enum accounts_dm_kind kind;
                bool dir;
                const char *path;
        } sources[] = {
                {ACCOUNTS_DM_LIGHTDM, true, "/usr/share/lightdm/lightdm.conf.d"},
                {ACCOUNTS_DM_LIGHTDM, true, "/etc/lightdm/lightdm.conf.d"},
                {ACCOUNTS_DM_LIGHTDM, false, "/etc/lightdm/lightdm.conf"},
                {ACCOUNTS_DM_GDM, false, "/etc/gdm3/daemon.conf"}, /* Debian */
                {ACCOUNTS_DM_GDM, false, "/etc/gdm3/custom.conf"}, /* Ubuntu */
                {ACCOUNTS_DM_GDM, false, "/etc/gdm/custom.conf"},  /* Fedora, upstream */
                {ACCOUNTS_DM_SDDM, true, "/usr/lib/sddm/sddm.conf.d"},
                {ACCOUNTS_DM_SDDM, true, "/etc/sddm.conf.d"},
                {ACCOUNTS_DM_SDDM, false, "/etc/sddm.conf"},
        };
        for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
                int r = sources[i].dir ? read_dropins(dm, sources[i].kind, sources[i].path,
                                                      unreadable, userdata)
                                       : read_one(dm, sources[i].kind, sources[i].path, unreadable,
                                                  userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

int accounts_dm_autologins(const struct accounts_dm *dm, accounts_dm_autologin_fn fn,
                           void *userdata) {
        int r = 0;

        if (dm->lightdm_user)
                r = fn(dm->lightdm_user, ACCOUNTS_DM_LIGHTDM, userdata);
        if (r == 0 && dm->gdm_user && dm->gdm_enable == 1)
                r = fn(dm->gdm_user, ACCOUNTS_DM_GDM, userdata);
        if (r == 0 && dm->gdm_timed_user && dm->gdm_timed_enable == 1)
                r = fn(dm->gdm_timed_user, ACCOUNTS_DM_GDM, userdata);
        if (r == 0 && dm->sddm_user)
                r = fn(dm->sddm_user, ACCOUNTS_DM_SDDM, userdata);
        return r;
}
