#include "agent_config.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ini_config.h"
#include "log.h"
#include "text.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define UNIT_MAX      64  /* as the server's unit codes */
#define COUNTER_MAX   128 /* bytes of UTF-8 */

#define SNAPSHOT_INTERVAL_DEFAULT 300u
#define OUTBOX_CAP_DEFAULT        ((size_t)64 << 20)

/* clang-format 14 and 19 lay out a braced list in a macro differently */
// clang-format off
#define KEY(section, name, type, field, min, max)                                                  \
        { section, name, type, offsetof(struct agent_config, field), min, max }
// clang-format on

static const struct ini_key keys[] = {
        KEY("agent", "unit", INI_STRING, unit, 0, 0),
        KEY("agent", "counter", INI_STRING, counter, 0, 0),
        KEY("agent", "user", INI_STRING, user, 0, 0),
        KEY("agent", "snapshot_interval", INI_UINT, snapshot_interval, 30, 86400),
        KEY("agent", "policy", INI_STRING, policy_path, 0, 0),
        KEY("server", "url", INI_STRING, server_url, 0, 0),
        KEY("server", "ca", INI_STRING, ca_file, 0, 0),
        KEY("server", "credential", INI_STRING, credential, 0, 0),
        KEY("outbox", "path", INI_STRING, outbox_path, 0, 0),
        KEY("outbox", "cap", INI_SIZE, outbox_cap, 0, 0),
        KEY("sessions", "max", INI_UINT, sessions_max, 1, 100000),
        KEY("sessions", "max_days", INI_UINT, sessions_max_days, 1, 3650),
};

void agent_config_free(struct agent_config *c) {
        if (!c)
                return;
        free(c->unit);
        free(c->counter);
        free(c->user);
        free(c->policy_path);
        free(c->server_url);
        free(c->ca_file);
        free(c->credential);
        free(c->outbox_path);
        *c = (struct agent_config){0};
}

static int set_default(char **field, const char *value) {
        if (*field)
                return 0;
        *field = strdup(value);
        return *field ? 0 : -ENOMEM;
}

static int defaults(struct agent_config *c) {
        if (!c->snapshot_interval)
                c->snapshot_interval = SNAPSHOT_INTERVAL_DEFAULT;
        if (!c->outbox_cap)
                c->outbox_cap = OUTBOX_CAP_DEFAULT;
        if (set_default(&c->user, "counterguard") < 0 ||
            set_default(&c->credential, AGENT_STATE_DIR "/credential") < 0 ||
            set_default(&c->outbox_path, AGENT_STATE_DIR "/outbox.db") < 0)
                return -ENOMEM;
        return 0;
}

/* https://host[:port][/], nothing else: the agent speaks to its server over TLS only. */
static bool valid_server_url(const char *s) {
        const char *host = s + strlen("https://");

        if (strncmp(s, "https://", 8) != 0 || !*host || strlen(s) > 512)
                return false;
        for (const char *p = host; *p; p++)
                if ((unsigned char)*p <= ' ' || *p == '?' || *p == '#' || *p == '@' || *p == '\\')
                        return false;
        return true;
}

static bool valid_unit(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > UNIT_MAX)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z') || strchr("._-", s[i])))
                        return false;
        return true;
}

/* What must hold once the file is read; the whole file is refused otherwise. */
static int check(const char *name, struct agent_config *c) {
        if (c->unit && !valid_unit(c->unit)) {
                log_error("%s: [agent] unit: '%.80s' is not a unit code (1 to %d letters, digits, "
                          "'.', '_' or '-')",
                          name, c->unit, UNIT_MAX);
                return -EINVAL;
        }
        if (c->server_url && !valid_server_url(c->server_url)) {
                log_error("%s: [server] url: '%.80s' is not an https:// URL", name, c->server_url);
                return -EINVAL;
        }
        {
                const struct {
                        const char *key, *value;
                } paths[] = {
                        {"[server] ca", c->ca_file},
                        {"[server] credential", c->credential},
                        {"[outbox] path", c->outbox_path},
                };
                for (size_t i = 0; i < ELEMENTSOF(paths); i++)
                        if (paths[i].value && paths[i].value[0] != '/') {
                                log_error("%s: %s: '%.80s' is not an absolute path", name,
                                          paths[i].key, paths[i].value);
                                return -EINVAL;
                        }
        }
        if (c->counter) {
                char *clean = text_sanitize(c->counter, strlen(c->counter), COUNTER_MAX);
                bool same = clean && strcmp(clean, c->counter) == 0;
                free(clean);
                if (!clean)
                        return -ENOMEM;
                if (!same) {
                        log_error("%s: [agent] counter: not valid UTF-8, or longer than %d bytes",
                                  name, COUNTER_MAX);
                        return -EINVAL;
                }
        }
        return 0;
}

static int finish(const char *name, int r, struct agent_config *ret) {
        if (r == 0)
                r = check(name, ret);
        if (r == 0)
                r = defaults(ret);
        if (r < 0)
                agent_config_free(ret);
        return r;
}

int agent_config_load_string(const char *name, const char *text, struct agent_config *ret) {
        return finish(name, ini_config_load_string(name, text, keys, ELEMENTSOF(keys), ret), ret);
}

int agent_config_load(const char *path, bool required, struct agent_config *ret) {
        /* Without --config, a PC that has no agent.ini yet is fine: it reports no unit. */
        if (!required && access(path, F_OK) < 0 && errno == ENOENT)
                return defaults(ret) < 0 ? -ENOMEM : -ENOENT;
        return finish(path, ini_config_load(path, keys, ELEMENTSOF(keys), ret), ret);
}

int agent_config_locate(const struct agent_config *c, struct report *r) {
        struct report_host *h = report_ensure_host(r);

        if (!h)
                return -ENOMEM;
        if ((c->unit && !(h->unit = strdup(c->unit))) ||
            (c->counter && !(h->counter = strdup(c->counter))))
                return -ENOMEM;
        return 0;
}
