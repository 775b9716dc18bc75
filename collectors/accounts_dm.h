/* Display managers' automatic login and guest sessions: LightDM, GDM, SDDM configuration. */
#pragma once

#include <stddef.h>
#include <stdint.h>

enum accounts_dm_kind {
        ACCOUNTS_DM_LIGHTDM,
        ACCOUNTS_DM_GDM,
        ACCOUNTS_DM_SDDM,
        ACCOUNTS_DM_MAX,
};

struct accounts_dm {
        char *lightdm_user;   /* [Seat:*] autologin-user */
        int8_t lightdm_guest; /* allow-guest / greeter-allow-guest, REPORT_UNKNOWN if unset */
        char *gdm_user;       /* [daemon] AutomaticLogin, with AutomaticLoginEnable */
        int8_t gdm_enable;
        char *gdm_timed_user; /* [daemon] TimedLogin, with TimedLoginEnable */
        int8_t gdm_timed_enable;
        char *sddm_user; /* [Autologin] User */
};

void accounts_dm_init(struct accounts_dm *dm);
void accounts_dm_free(struct accounts_dm *dm);

const char *accounts_dm_name(enum accounts_dm_kind k); /* "lightdm", "gdm", "sddm" */

/* One configuration file's text, applied over what dm holds (a later file overrides). name is
 * for the log. Returns 0, -ENOMEM, or the line (> 0) of the first line inih could not parse
 * (the rest is still applied). */
int accounts_dm_parse(struct accounts_dm *dm, enum accounts_dm_kind k, const char *text);

/* Read every configuration file of every display manager installed (world-readable files),
 * in each one's order of precedence. A file that cannot be read or parsed is given to
 * unreadable(path, why). 0 or -ENOMEM. */
typedef void (*accounts_dm_unreadable_fn)(const char *path, const char *why, void *userdata);
int accounts_dm_read(struct accounts_dm *dm, accounts_dm_unreadable_fn unreadable, void *userdata);

/* The user each display manager logs in automatically: fn(user, dm) for each; 0 or fn's. */
typedef int (*accounts_dm_autologin_fn)(const char *user, enum accounts_dm_kind k, void *userdata);
int accounts_dm_autologins(const struct accounts_dm *dm, accounts_dm_autologin_fn fn,
                           void *userdata);
