/* Export and retention. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "timefmt.h"

/* Static statements, one per table (never SQL assembled from names at run time). */
static const struct {
        const char *table;
        const char *sql;
} dump_tables[] = {
        {"schema_migrations", "SELECT * FROM schema_migrations ORDER BY 1"},
        {"units", "SELECT * FROM units ORDER BY 1"},
        {"enroll_tokens", "SELECT * FROM enroll_tokens ORDER BY created_at, id"},
        {"agents", "SELECT * FROM agents ORDER BY 1"},
        {"hosts", "SELECT * FROM hosts ORDER BY 1"},
        {"devices", "SELECT * FROM devices ORDER BY 1, 2"},
        {"device_events", "SELECT * FROM device_events ORDER BY 1, 2"},
        {"printers", "SELECT * FROM printers ORDER BY 1, 2"},
        {"scanners", "SELECT * FROM scanners ORDER BY 1, 2"},
        {"antivirus_states", "SELECT * FROM antivirus_states ORDER BY 1, 2, 3"},
        {"firewall_states", "SELECT * FROM firewall_states ORDER BY 1, 2"},
        {"accounts", "SELECT * FROM accounts ORDER BY 1, 2"},
        {"sessions", "SELECT * FROM sessions ORDER BY 1, 2"},
        {"lookups", "SELECT * FROM lookups ORDER BY 1, 2"},
        {"findings", "SELECT * FROM findings ORDER BY 1, 2"},
        {"raw_records", "SELECT * FROM raw_records ORDER BY 1, 2"},
        {"snapshot_repeats", "SELECT * FROM snapshot_repeats ORDER BY 1, 2"},
};

struct dump_ctx {
        FILE *out;
        const char *table;
};

static int dump_row(void *userdata, size_t n, const char *const *columns,
                    const char *const *values) {
        struct dump_ctx *d = userdata;
        json_t *row = json_object(), *line = json_object();
        int r = -ENOMEM;

        if (!row || !line)
                goto out;
        for (size_t i = 0; i < n; i++) {
                /* Hashes of secrets stay in the database: a dump is for reading. */
                if (strcmp(columns[i], "secret_hash") == 0 || strcmp(columns[i], "token_hash") == 0)
                        continue;
                if (json_object_set_new(row, columns[i],
                                        values[i] ? json_string(values[i]) : json_null()) < 0)
                        goto out;
        }
        if (json_object_set_new(line, "table", json_string(d->table)) < 0 ||
            json_object_set(line, "row", row) < 0)
                goto out;
        if (json_dumpf(line, d->out, JSON_COMPACT) < 0)
                r = -EIO;
        else {
                fputc('\n', d->out);
                r = 0;
        }
out:
        json_decref(row);
        json_decref(line);
        return r;
}

int store_dump(struct store *s, FILE *out) {
        for (size_t i = 0; i < sizeof(dump_tables) / sizeof(dump_tables[0]); i++) {
                struct dump_ctx d = {out, dump_tables[i].table};
                int r = store_exec(s, dump_tables[i].sql, NULL, dump_row, &d);
                if (r < 0)
                        return r;
        }
        return fflush(out) == 0 ? 0 : -EIO;
}

int store_purge(struct store *s, unsigned retention_days) {
        static const char *const sql[] = {
                "DELETE FROM raw_records WHERE received_at < $1",
                "DELETE FROM snapshot_repeats WHERE received_at < $1",
                "DELETE FROM device_events WHERE event_time < $1",
                "DELETE FROM antivirus_states WHERE state_time < $1",
                "DELETE FROM firewall_states WHERE state_time < $1",
                "DELETE FROM lookups WHERE lookup_time < $1",
                "DELETE FROM sessions WHERE last_seen < $1",
                "DELETE FROM findings WHERE state = 'resolved' AND resolved_at < $1",
                "DELETE FROM devices WHERE connected = 0 AND last_seen < $1",
        };
        char cutoff[TIMEFMT_RFC3339_SIZE];
        struct store_params p;
        struct timespec ts;
        long total = 0;

        if (retention_days == 0)
                return 0;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec -= (time_t)retention_days * 86400;
        timefmt_rfc3339(&ts, cutoff);
        store_params_init(&p);
        store_param_str(&p, cutoff);
        /* Each table on its own: a purge must not hold the write lock for long. */
        for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
                int r = store_exec(s, sql[i], &p, NULL, NULL);
                if (r < 0)
                        return r;
                total += r;
        }
        if (total > 0)
                log_info("store: retention removed %ld rows older than %s", total, cutoff);
        return 0;
}
