/* The schema and its migrations, written once for both backends: only types and statements
 * that SQLite and PostgreSQL read the same way (TEXT, BIGINT, SMALLINT, composite primary
 * keys instead of auto-increment, ON CONFLICT upserts). Times are RFC 3339 UTC text, which
 * sorts by time in both. A migration is appended, never edited once released. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "timefmt.h"

struct migration {
        int64_t version;
        const char *sql;
};

static const struct migration migrations[] = {
        {1,
         /* The unit tree: province > department | district > commune | ward > counter. */
         "CREATE TABLE units ("
         " code TEXT PRIMARY KEY,"
         " name TEXT NOT NULL,"
         " kind TEXT NOT NULL CHECK (kind IN ('province','department','district','commune',"
         "  'ward','counter')),"
         " parent_code TEXT REFERENCES units(code),"
         " created_at TEXT NOT NULL);"
         "CREATE INDEX units_parent ON units(parent_code);"
         /* Only hashes of tokens and credentials are kept. */
         "CREATE TABLE enroll_tokens ("
         " token_hash TEXT PRIMARY KEY,"
         " id TEXT NOT NULL UNIQUE,"
         " unit_code TEXT NOT NULL REFERENCES units(code),"
         " uses_left BIGINT NOT NULL,"
         " uses_total BIGINT NOT NULL,"
         " expires_at TEXT,"
         " created_at TEXT NOT NULL);"
         "CREATE TABLE agents ("
         " id TEXT PRIMARY KEY,"
         " unit_code TEXT NOT NULL REFERENCES units(code),"
         " secret_hash TEXT NOT NULL,"
         " token_id TEXT,"
         " enrolled_at TEXT NOT NULL,"
         " last_seen TEXT,"
         " last_seq BIGINT NOT NULL DEFAULT 0,"
         " revoked_at TEXT);"
         "CREATE INDEX agents_unit ON agents(unit_code);"
         "CREATE TABLE hosts ("
         " agent_id TEXT PRIMARY KEY REFERENCES agents(id),"
         " unit_code TEXT NOT NULL,"
         " machine_id TEXT, hostname TEXT, counter_label TEXT, reported_unit TEXT,"
         " os_id TEXT, os_name TEXT, os_version TEXT, kernel TEXT, arch TEXT,"
         " dmi_vendor TEXT, dmi_model TEXT, dmi_serial TEXT, dmi_asset_tag TEXT,"
         " ipv4 TEXT, ipv6 TEXT, macs TEXT, uptime_s BIGINT,"
         " agent_version TEXT, policy_version TEXT,"
         " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, snapshot_seq BIGINT);"
         "CREATE INDEX hosts_unit ON hosts(unit_code);"
         "CREATE INDEX hosts_last_seen ON hosts(last_seen);"
         "CREATE TABLE devices ("
         " agent_id TEXT NOT NULL REFERENCES agents(id),"
         " device_key TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " kinds TEXT, bus TEXT, port TEXT, vendor_id TEXT, product_id TEXT, vendor TEXT,"
         " product TEXT, serial TEXT, usb_version TEXT, speed_mbps BIGINT, device_class BIGINT,"
         " interfaces TEXT, disks TEXT, verdict TEXT,"
         " connected SMALLINT NOT NULL,"
         " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, disconnected_at TEXT,"
         " seen_seq BIGINT NOT NULL,"
         " PRIMARY KEY (agent_id, device_key));"
         "CREATE INDEX devices_unit ON devices(unit_code, last_seen);"
         "CREATE INDEX devices_ids ON devices(vendor_id, product_id);"
         "CREATE TABLE device_events ("
         " agent_id TEXT NOT NULL REFERENCES agents(id),"
         " seq BIGINT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " event_time TEXT NOT NULL, event TEXT NOT NULL, device_key TEXT,"
         " kinds TEXT, vendor_id TEXT, product_id TEXT, vendor TEXT, product TEXT, serial TEXT,"
         " verdict TEXT,"
         " PRIMARY KEY (agent_id, seq));"
         "CREATE INDEX device_events_unit ON device_events(unit_code, event_time);"
         "CREATE INDEX device_events_time ON device_events(event_time);"
         "CREATE TABLE printers ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), name TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " make_model TEXT, uri TEXT, connection TEXT, location TEXT, info TEXT, state TEXT,"
         " is_default SMALLINT, accepting SMALLINT, present SMALLINT NOT NULL,"
         " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, seen_seq BIGINT NOT NULL,"
         " PRIMARY KEY (agent_id, name));"
         "CREATE INDEX printers_unit ON printers(unit_code);"
         "CREATE TABLE scanners ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), name TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " vendor TEXT, model TEXT, scanner_type TEXT, connection TEXT,"
         " present SMALLINT NOT NULL,"
         " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, seen_seq BIGINT NOT NULL,"
         " PRIMARY KEY (agent_id, name));"
         "CREATE INDEX scanners_unit ON scanners(unit_code);"
         "CREATE TABLE antivirus_states ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), seq BIGINT NOT NULL,"
         " product TEXT NOT NULL, state_time TEXT NOT NULL,"
         " installed SMALLINT, running SMALLINT, realtime SMALLINT, managed SMALLINT,"
         " signature_version TEXT, signature_time TEXT, signature_age_days BIGINT,"
         " PRIMARY KEY (agent_id, seq, product));"
         "CREATE INDEX antivirus_states_time ON antivirus_states(agent_id, state_time);"
         "CREATE TABLE firewall_states ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), seq BIGINT NOT NULL,"
         " state_time TEXT NOT NULL, backend TEXT, active SMALLINT, default_inbound TEXT,"
         " open_ports TEXT,"
         " PRIMARY KEY (agent_id, seq));"
         "CREATE INDEX firewall_states_time ON firewall_states(agent_id, state_time);"
         "CREATE TABLE accounts ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), name TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " uid BIGINT, is_admin SMALLINT, is_locked SMALLINT, is_system SMALLINT, shell TEXT,"
         " password_changed TEXT, last_login TEXT, present SMALLINT NOT NULL,"
         " first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, seen_seq BIGINT NOT NULL,"
         " PRIMARY KEY (agent_id, name));"
         "CREATE INDEX accounts_unit ON accounts(unit_code);"
         "CREATE TABLE sessions ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), session_key TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " user_name TEXT NOT NULL, tty TEXT, remote_address TEXT, login_time TEXT,"
         " logout_time TEXT, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,"
         " PRIMARY KEY (agent_id, session_key));"
         "CREATE INDEX sessions_unit ON sessions(unit_code, login_time);"
         "CREATE TABLE lookups ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), lookup_key TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " lookup_time TEXT NOT NULL, exe TEXT, sha256 TEXT, user_name TEXT, pid BIGINT,"
         " dest_ip TEXT, dest_port BIGINT, server_name TEXT, verdict TEXT,"
         " PRIMARY KEY (agent_id, lookup_key));"
         "CREATE INDEX lookups_unit ON lookups(unit_code, lookup_time);"
         "CREATE INDEX lookups_time ON lookups(lookup_time);"
         "CREATE TABLE findings ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), finding_key TEXT NOT NULL,"
         " unit_code TEXT NOT NULL,"
         " rule_id TEXT NOT NULL, severity TEXT NOT NULL, message_vi TEXT, message_en TEXT,"
         " evidence TEXT, legal_ref TEXT,"
         " state TEXT NOT NULL CHECK (state IN ('open','resolved')),"
         " opened_at TEXT NOT NULL, last_seen TEXT NOT NULL, resolved_at TEXT,"
         " seen_seq BIGINT NOT NULL,"
         " PRIMARY KEY (agent_id, finding_key));"
         "CREATE INDEX findings_unit ON findings(unit_code, state, severity);"
         /* Every accepted record as received: the idempotency key (agent_id, seq). */
         "CREATE TABLE raw_records ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), seq BIGINT NOT NULL,"
         " record_type TEXT NOT NULL, record_time TEXT NOT NULL, received_at TEXT NOT NULL,"
         " body TEXT NOT NULL,"
         " PRIMARY KEY (agent_id, seq));"
         "CREATE INDEX raw_records_received ON raw_records(received_at);"},
        {2,
         /* Unchanged snapshots (docs/wire-protocol.md): the content hash of the snapshot the
          * host's current state was applied from, NULL when an event moved that state since;
          * and, instead of a raw body, one small row per snapshot found unchanged, so its
          * (agent, seq) stays taken and a resend is told from a reuse. No index beyond the
          * key: every index is one more page written per snapshot; the hourly purge scans. */
         "ALTER TABLE hosts ADD COLUMN snapshot_hash TEXT;"
         "CREATE TABLE snapshot_repeats ("
         " agent_id TEXT NOT NULL REFERENCES agents(id), seq BIGINT NOT NULL,"
         " received_at TEXT NOT NULL, content_hash TEXT NOT NULL,"
         " PRIMARY KEY (agent_id, seq));"
         /* last_seen out of the devices' unit index: it moves on every snapshot, so each
          * one rewrote that index's pages (SQLite) and made every device update a non-HOT
          * one adding index entries (PostgreSQL); a unit's few devices are filtered by time
          * after the lookup just as well. */
         "DROP INDEX devices_unit;"
         "CREATE INDEX devices_unit ON devices(unit_code);"
         /* The same for hosts' last_seen, indexed alone: rewritten on every snapshot of every
          * PC for a query no code runs yet ("PCs not seen since"), which a scan of hosts, one
          * row per PC, can answer. */
         "DROP INDEX hosts_last_seen;"},
};

#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

int64_t store_schema_latest(void) {
        return migrations[N_MIGRATIONS - 1].version;
}

static const char create_versions[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                      " version BIGINT PRIMARY KEY,"
                                      " applied_at TEXT NOT NULL)";

static int read_version(struct store *s, int64_t *ret) {
        char *v = NULL;
        int r = store_query_one(s, "SELECT MAX(version) FROM schema_migrations", NULL, &v);

        if (r < 0)
                return r;
        *ret = v ? strtoll(v, NULL, 10) : 0;
        free(v);
        return 0;
}

int store_schema_version(struct store *s, int64_t *ret) {
        int r;

        r = s->ops->script(s, create_versions);
        /* PostgreSQL's IF NOT EXISTS is not atomic: a concurrent creator makes it fail with a
         * unique violation on its catalog, and then the table is there. */
        if (r < 0 && r != -EEXIST)
                return r;
        return read_version(s, ret);
}

/* One migration in its own transaction. The version is read again inside it, after the
 * backend's migration lock, so two `migrate` runs at once (two servers starting on one
 * PostgreSQL) apply each migration once: the second waits, then finds it done. */
static int apply(struct store *s, const struct migration *m) {
        char now[TIMEFMT_RFC3339_SIZE];
        struct store_params p;
        int64_t current = 0;
        int r;

        r = s->ops->begin(s);
        if (r < 0)
                return r;
        if (s->ops->migration_lock)
                r = s->ops->script(s, s->ops->migration_lock);
        if (r >= 0)
                r = read_version(s, &current);
        if (r >= 0 && m->version <= current) {
                r = s->ops->commit(s);
                return r < 0 ? r : 0;
        }
        timefmt_now_rfc3339(now);
        store_params_init(&p);
        store_param_int(&p, m->version);
        store_param_str(&p, now);
        if (r >= 0)
                r = s->ops->script(s, m->sql);
        if (r >= 0)
                r = store_exec(s,
                               "INSERT INTO schema_migrations (version, applied_at) "
                               "VALUES ($1, $2)",
                               &p, NULL, NULL);
        if (r >= 0)
                r = s->ops->commit(s);
        if (r < 0) {
                s->ops->rollback(s);
                return log_error_errno(r, "migration %" PRId64 " failed", m->version);
        }
        log_info("store: migrated to schema version %" PRId64, m->version);
        return 1;
}

int store_migrate(struct store *s) {
        int64_t current;
        int r;

        r = store_schema_version(s, &current);
        if (r < 0)
                return r;
        for (size_t i = 0; i < N_MIGRATIONS; i++) {
                if (migrations[i].version <= current)
                        continue;
                r = apply(s, &migrations[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

int store_check_schema(struct store *s) {
        int64_t v;
        int r = store_schema_version(s, &v);

        if (r < 0)
                return r;
        if (v < store_schema_latest()) {
                log_error("store: schema version %" PRId64 ", this server needs %" PRId64
                          ": run 'counterguard-server migrate' first",
                          v, store_schema_latest());
                return -ESTALE;
        }
        if (v > store_schema_latest()) {
                log_error("store: schema version %" PRId64 " is newer than this server's %" PRId64
                          ": upgrade the server",
                          v, store_schema_latest());
                return -ESTALE;
        }
        return 0;
}
