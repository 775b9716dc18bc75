/* The report's accounts, from the facts read: who is an administrator and why, human or
 * system, last login and days inactive (accounts_lastlog.c), automatic login and guest (display
 * managers). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "array.h"
#include "model.h"
#include "timefmt.h"

/* Groups whose members may become root (Debian's sudo, Red Hat's wheel, old Ubuntu's admin). */
static const char *const admin_groups[] = {"sudo", "wheel", "admin", NULL};

static struct report_account *add_account(struct report *r) {
        struct report_account *a = ARRAY_APPEND(r->accounts, r->n_accounts, REPORT_MAX_LIST);

        if (a)
                model_init(model_find_desc("account"), a);
        return a;
}

static int dup_into(char **slot, const char *s) {
        if (!s)
                return 0;
        *slot = strdup(s);
        return *slot ? 0 : -ENOMEM;
}

/* Whether a sudoers user spec names u: its name, a %group it is in, ALL, or a User_Alias
 * holding one of those (aliases of aliases, a few levels deep). *budget bounds the work a
 * file of aliases naming each other can cause. */
static bool grant_matches(const struct accounts_facts *f, const char *who,
                          const struct accounts_user *u, unsigned depth, unsigned *budget) {
        if (*budget == 0)
                return false;
        --*budget;
        if (who[0] == '%') {
                const struct accounts_group *g = accounts_db_group(&f->db, who + 1);
                return g && accounts_db_in_group(g, u);
        }
        if (strcmp(who, u->name) == 0 || strcmp(who, "ALL") == 0)
                return true;
        for (size_t i = 0; depth < 4 && i < f->n_aliases; i++)
                if (strcmp(f->aliases[i].name, who) == 0 &&
                    grant_matches(f, f->aliases[i].member, u, depth + 1, budget))
                        return true;
        return false;
}

static int admin_facts(const struct accounts_facts *f, const struct accounts_user *u,
                       struct report_account *a) {
        char via[700];
        int r = 0;

        a->admin = 0;
        if (u->uid == 0) /* the superuser itself, whatever its name */
                r = strv_append(&a->admin_via, &a->n_admin_via, "uid 0");
        for (size_t i = 0; admin_groups[i] && r == 0; i++) {
                const struct accounts_group *g = accounts_db_group(&f->db, admin_groups[i]);
                if (g && accounts_db_in_group(g, u)) {
                        snprintf(via, sizeof(via), "group %s", admin_groups[i]);
                        r = strv_append(&a->admin_via, &a->n_admin_via, via);
                }
        }
        for (size_t i = 0; i < f->n_grants && r == 0; i++) {
                unsigned budget = 4096;

                if (grant_matches(f, f->grants[i].who, u, 0, &budget)) {
                        snprintf(via, sizeof(via), "sudoers %s", f->grants[i].where);
                        r = strv_append(&a->admin_via, &a->n_admin_via, via);
                }
        }
        if (a->n_admin_via)
                a->admin = 1;
        const struct accounts_group *adm = accounts_db_group(&f->db, "adm");
        a->log_reader = adm && accounts_db_in_group(adm, u);
        return r;
}

static int date_of_days(int64_t days, char **ret) {
        time_t t = (time_t)(days * 86400);
        struct tm tm;
        char buf[16];

        if (!gmtime_r(&t, &tm) || strftime(buf, sizeof(buf), "%Y-%m-%d", &tm) == 0)
                return 0;
        *ret = strdup(buf);
        return *ret ? 0 : -ENOMEM;
}

struct autologin {
        const struct accounts_facts *f;
        struct report *r;
        size_t first; /* this build's accounts start here */
};

static int on_autologin(const char *user, enum accounts_dm_kind k, void *userdata) {
        struct autologin *al = userdata;
        struct report_account *a = NULL;

        for (size_t i = al->first; i < al->r->n_accounts; i++)
                if (strcmp(al->r->accounts[i].name, user) == 0)
                        a = &al->r->accounts[i];
        if (!a) { /* a display manager set to log in an account that does not exist */
                a = add_account(al->r);
                if (!a || dup_into(&a->name, user) < 0)
                        return -ENOMEM;
        }
        a->autologin = 1;
        if (!a->autologin_by)
                return dup_into(&a->autologin_by, accounts_dm_name(k));
        return 0;
}

int accounts_build(struct collector_ctx *ctx, const struct accounts_facts *f, struct report *r,
                   time_t now) {
        struct autologin al = {f, r, r->n_accounts};
        int e = 0;

        for (size_t i = 0; i < f->db.n_users && e == 0; i++) {
                const struct accounts_user *u = &f->db.users[i];
                struct report_account *a = add_account(r);

                if (!a) {
                        e = -ENOMEM;
                        break;
                }
                a->uid = u->uid;
                a->system = u->uid < f->db.uid_min || u->uid > f->db.uid_max;
                a->locked = u->locked;
                a->password_empty = u->password_empty;
                a->password_max_days = u->max_days;
                a->autologin = 0;
                a->guest = 0;
                /* 0 is "must change at next login", not a date */
                if (u->changed_days != REPORT_UNSET && u->changed_days > 0)
                        e = date_of_days(u->changed_days, &a->password_changed);
                if (e == 0)
                        e = dup_into(&a->name, u->name);
                if (e == 0)
                        e = dup_into(&a->gecos, u->gecos);
                if (e == 0)
                        e = dup_into(&a->shell, u->shell);
                if (e == 0)
                        e = admin_facts(f, u, a);
        }
        if (e == 0)
                e = accounts_last_logins(ctx, r, al.first, now);
        if (e == 0)
                e = accounts_dm_autologins(&f->dm, on_autologin, &al);
        if (e == 0 && f->dm.lightdm_guest == 1) {
                /* LightDM makes a throwaway guest-XXXXXX account at each guest login */
                struct report_account *a = add_account(r);
                if (!a || dup_into(&a->name, "guest") < 0)
                        return -ENOMEM;
                a->guest = 1;
                a->system = 0;
        }
        return e;
}
