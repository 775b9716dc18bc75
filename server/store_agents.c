/* Enrollment tokens, agents and their credentials. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "timefmt.h"

static void time_in_days(int64_t days, char buf[TIMEFMT_RFC3339_SIZE]) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += (time_t)(days * 86400);
        timefmt_rfc3339(&ts, buf);
}

/* Prints rows as tab-separated text under a header line. */
struct table_printer {
        FILE *out;
        bool header_done;
};

static int print_row(void *userdata, size_t n, const char *const *columns,
                     const char *const *values) {
        struct table_printer *t = userdata;

        if (!t->header_done) {
                for (size_t i = 0; i < n; i++)
                        fprintf(t->out, "%s%s", i ? "\t" : "", columns[i]);
                fputc('\n', t->out);
                t->header_done = true;
        }
        for (size_t i = 0; i < n; i++) {
                /* values come from agents (hostnames...): no control character reaches the
                 * admin's terminal, and a tab or newline cannot shift the columns */
                char *v = text_printable(values[i], 4096);
                if (values[i] && !v)
                        return -ENOMEM;
                fprintf(t->out, "%s%s", i ? "\t" : "", v ? v : "-");
                free(v);
        }
        fputc('\n', t->out);
        return 0;
}

int store_print_table(struct store *s, const char *sql, const struct store_params *p, FILE *out) {
        struct table_printer t = {out, false};
        int r = store_exec(s, sql, p, print_row, &t);

        return r < 0 ? r : 0;
}

int store_token_create(struct store *s, const char *unit, int64_t uses, int64_t expires_days,
                       char **ret_token) {
        char token[AUTH_SECRET_HEX + 1], hash[AUTH_HASH_HEX + 1], now[TIMEFMT_RFC3339_SIZE];
        char expires[TIMEFMT_RFC3339_SIZE], id[13];
        struct store_params p;
        char *found = NULL, *copy;
        int r;

        if (uses < 1 || expires_days < 0)
                return -EINVAL;
        store_params_init(&p);
        store_param_str(&p, unit);
        r = store_query_one(s, "SELECT code FROM units WHERE code = $1", &p, &found);
        free(found);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENOENT;

        r = auth_random_hex(AUTH_SECRET_HEX / 2, token, sizeof(token));
        if (r < 0)
                return r;
        r = auth_hash_hex(token, hash);
        if (r < 0)
                return r;
        /* A short public handle for listings; the token itself is never shown again. */
        memcpy(id, hash, 12);
        id[12] = '\0';
        timefmt_now_rfc3339(now);
        if (expires_days > 0)
                time_in_days(expires_days, expires);

        store_params_init(&p);
        store_param_str(&p, hash);
        store_param_str(&p, id);
        store_param_str(&p, unit);
        store_param_int(&p, uses);
        store_param_str(&p, expires_days > 0 ? expires : NULL);
        store_param_str(&p, now);
        r = store_exec(s,
                       "INSERT INTO enroll_tokens (token_hash, id, unit_code, uses_left, "
                       "uses_total, expires_at, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6)",
                       &p, NULL, NULL);
        if (r < 0)
                return r;
        copy = strdup(token);
        explicit_bzero(token, sizeof(token));
        if (!copy)
                return -ENOMEM;
        *ret_token = copy;
        return 0;
}

int store_tokens_list(struct store *s, FILE *out) {
        return store_print_table(s,
                                 "SELECT id, unit_code AS unit, uses_left, uses_total, "
                                 "expires_at, created_at FROM enroll_tokens ORDER BY created_at",
                                 NULL, out);
}

int store_token_revoke(struct store *s, const char *id) {
        struct store_params p;
        int r = store_row_exists(s, "SELECT id FROM enroll_tokens WHERE id = $1", id);

        if (r == 0)
                return log_error_errno(-ENOENT, "no token '%s' (see 'token list')", id);
        if (r < 0)
                return r;
        store_params_init(&p);
        store_param_str(&p, id);
        /* spent rather than deleted: token list still shows it, with no use left */
        return store_exec(s, "UPDATE enroll_tokens SET uses_left = 0 WHERE id = $1", &p, NULL,
                          NULL);
}

struct token_row {
        char *unit;
        int64_t uses_left;
        char *expires_at;
        bool found;
};

static int read_token(void *userdata, size_t n, const char *const *columns,
                      const char *const *values) {
        struct token_row *t = userdata;

        (void)columns;
        if (n < 3 || !values[0] || !values[1])
                return -EIO;
        t->unit = strdup(values[0]);
        t->uses_left = strtoll(values[1], NULL, 10);
        t->expires_at = values[2] ? strdup(values[2]) : NULL;
        t->found = true;
        if (!t->unit || (values[2] && !t->expires_at))
                return -ENOMEM;
        return 1;
}

static int enroll_locked(struct store *s, const char *hash, const struct report_host *host,
                         char **ret_agent_id, char **ret_credential) {
        char id[AUTH_ID_HEX + 1], secret[AUTH_SECRET_HEX + 1], secret_hash[AUTH_HASH_HEX + 1];
        char now[TIMEFMT_RFC3339_SIZE], token_id[13];
        struct token_row t = {0};
        struct store_params p;
        char *credential = NULL, *agent = NULL;
        int r;

        store_params_init(&p);
        store_param_str(&p, hash);
        r = store_exec(s,
                       "SELECT unit_code, uses_left, expires_at FROM enroll_tokens "
                       "WHERE token_hash = $1",
                       &p, read_token, &t);
        if (r < 0)
                goto out;
        timefmt_now_rfc3339(now);
        if (!t.found || t.uses_left < 1 || (t.expires_at && strcmp(t.expires_at, now) <= 0)) {
                r = -EACCES;
                goto out;
        }
        /* The guard in WHERE keeps two concurrent enrollments from spending one last use
         * twice on PostgreSQL, where this transaction does not lock the row on SELECT. */
        r = store_exec(s,
                       "UPDATE enroll_tokens SET uses_left = uses_left - 1 "
                       "WHERE token_hash = $1 AND uses_left > 0",
                       &p, NULL, NULL);
        if (r < 0)
                goto out;
        if (r == 0) {
                r = -EACCES;
                goto out;
        }

        r = auth_random_hex(AUTH_ID_HEX / 2, id, sizeof(id));
        if (r >= 0)
                r = auth_random_hex(AUTH_SECRET_HEX / 2, secret, sizeof(secret));
        if (r >= 0)
                r = auth_hash_hex(secret, secret_hash);
        if (r < 0)
                goto out;
        memcpy(token_id, hash, 12);
        token_id[12] = '\0';
        store_params_init(&p);
        store_param_str(&p, id);
        store_param_str(&p, t.unit);
        store_param_str(&p, secret_hash);
        store_param_str(&p, token_id);
        store_param_str(&p, now);
        r = store_exec(s,
                       "INSERT INTO agents (id, unit_code, secret_hash, token_id, enrolled_at) "
                       "VALUES ($1, $2, $3, $4, $5)",
                       &p, NULL, NULL);
        if (r < 0)
                goto out;
        if (host) {
                r = store_upsert_host(s, id, t.unit, host, now, REPORT_UNSET);
                if (r < 0)
                        goto out;
        }
        if (asprintf(&credential, "%s.%s", id, secret) < 0) {
                credential = NULL;
                r = -ENOMEM;
                goto out;
        }
        agent = strdup(id);
        if (!agent) {
                r = -ENOMEM;
                goto out;
        }
        *ret_agent_id = agent;
        *ret_credential = credential;
        agent = credential = NULL;
        r = 0;
out:
        explicit_bzero(secret, sizeof(secret));
        free(credential);
        free(agent);
        free(t.unit);
        free(t.expires_at);
        return r;
}

int store_enroll(struct store *s, const char *token, const struct report_host *host,
                 char **ret_agent_id, char **ret_credential) {
        char hash[AUTH_HASH_HEX + 1];
        int r;

        r = auth_hash_hex(token, hash);
        if (r < 0)
                return r;
        r = s->ops->begin(s);
        if (r < 0)
                return r;
        r = enroll_locked(s, hash, host, ret_agent_id, ret_credential);
        if (r >= 0)
                r = s->ops->commit(s);
        if (r < 0) {
                s->ops->rollback(s);
                /* A credential handed out but rolled back must not be used. */
                return r;
        }
        return 0;
}

struct agent_row {
        char hash[AUTH_HASH_HEX + 1];
        char *unit;
        bool revoked;
        bool found;
};

static int read_agent(void *userdata, size_t n, const char *const *columns,
                      const char *const *values) {
        struct agent_row *a = userdata;

        (void)columns;
        if (n < 3 || !values[0] || !values[1] || strlen(values[0]) != AUTH_HASH_HEX)
                return -EIO;
        memcpy(a->hash, values[0], AUTH_HASH_HEX + 1);
        a->unit = strdup(values[1]);
        a->revoked = values[2] != NULL;
        a->found = true;
        return a->unit ? 1 : -ENOMEM;
}

int store_authenticate(struct store *s, const char *agent_id, const char *secret, char **ret_unit) {
        char hash[AUTH_HASH_HEX + 1];
        struct agent_row a = {0};
        struct store_params p;
        bool ok;
        int r;

        r = auth_hash_hex(secret, hash);
        if (r < 0)
                return r;
        store_params_init(&p);
        store_param_str(&p, agent_id);
        r = store_exec(s, "SELECT secret_hash, unit_code, revoked_at FROM agents WHERE id = $1", &p,
                       read_agent, &a);
        if (r < 0) {
                free(a.unit);
                return r;
        }
        if (!a.found)
                /* Compare anyway, so an unknown id costs the same as a wrong secret. */
                memset(a.hash, '0', AUTH_HASH_HEX);
        ok = auth_equal(a.hash, hash, AUTH_HASH_HEX) && a.found;
        if (!ok) {
                free(a.unit);
                return -EACCES;
        }
        if (a.revoked) {
                free(a.unit);
                return -EPERM;
        }
        *ret_unit = a.unit;
        return 0;
}

int store_agents_list(struct store *s, FILE *out) {
        return store_print_table(s,
                                 "SELECT a.id, a.unit_code AS unit, h.hostname, h.counter_label "
                                 "AS counter, a.enrolled_at, a.last_seen, a.last_seq, "
                                 "a.revoked_at FROM agents a LEFT JOIN hosts h ON "
                                 "h.agent_id = a.id ORDER BY a.unit_code, a.enrolled_at",
                                 NULL, out);
}

int store_agent_revoke(struct store *s, const char *agent_id) {
        char now[TIMEFMT_RFC3339_SIZE];
        struct store_params p;
        int r;

        timefmt_now_rfc3339(now);
        store_params_init(&p);
        store_param_str(&p, agent_id);
        store_param_str(&p, now);
        r = store_exec(s, "UPDATE agents SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1",
                       &p, NULL, NULL);
        if (r < 0)
                return r;
        return r == 0 ? -ENOENT : 0;
}
