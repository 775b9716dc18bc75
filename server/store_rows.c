/* The per-table writers of ingest: printers, scanners and accounts (current state with first
 * and last seen), sessions, lookups and findings (keyed so a repeat is an update), antivirus
 * and firewall states (history, one row per snapshot). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "store_ingest.h"

/* Every row of these tables starts with its agent, its key within the agent, and the unit. */
static void begin_row(struct store_params *p, const struct ingest_ctx *c, const char *key) {
        store_params_init(p);
        store_param_str(p, c->agent_id);
        store_param_str(p, key);
        store_param_str(p, c->unit);
}

int store_upsert_printer(struct ingest_ctx *c, const struct report_printer *x) {
        struct store_params p;

        begin_row(&p, c, x->name);
        store_param_fields(&p, "printer", x,
                           (const char *const[]){"make_model", "uri", "connection", "location",
                                                 "info", "state", "is_default", "accepting", NULL});
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        return store_exec(c->s,
                          "INSERT INTO printers (agent_id, name, unit_code, make_model, uri, "
                          "connection, location, info, state, is_default, accepting, present, "
                          "first_seen, last_seen, seen_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                          "$8, $9, $10, $11, 1, $12, $12, $13) ON CONFLICT (agent_id, name) DO "
                          "UPDATE SET make_model = excluded.make_model, uri = excluded.uri, "
                          "connection = excluded.connection, location = excluded.location, "
                          "info = excluded.info, state = excluded.state, "
                          "is_default = excluded.is_default, accepting = excluded.accepting, "
                          "present = 1, last_seen = excluded.last_seen, "
                          "seen_seq = excluded.seen_seq",
                          &p, NULL, NULL);
}

int store_upsert_scanner(struct ingest_ctx *c, const struct report_scanner *x) {
        struct store_params p;

        begin_row(&p, c, x->name);
        store_param_fields(&p, "scanner", x,
                           (const char *const[]){"vendor", "model", "type", "connection", NULL});
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        return store_exec(c->s,
                          "INSERT INTO scanners (agent_id, name, unit_code, vendor, model, "
                          "scanner_type, connection, present, first_seen, last_seen, seen_seq) "
                          "VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9) "
                          "ON CONFLICT (agent_id, name) DO UPDATE SET vendor = excluded.vendor, "
                          "model = excluded.model, scanner_type = excluded.scanner_type, "
                          "connection = excluded.connection, present = 1, "
                          "last_seen = excluded.last_seen, seen_seq = excluded.seen_seq",
                          &p, NULL, NULL);
}

int store_upsert_account(struct ingest_ctx *c, const struct report_account *x) {
        struct store_params p;

        begin_row(&p, c, x->name);
        store_param_fields(&p, "account", x,
                           (const char *const[]){"uid", "admin", "locked", "system", "shell",
                                                 "password_changed", "last_login", NULL});
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        return store_exec(c->s,
                          "INSERT INTO accounts (agent_id, name, unit_code, uid, is_admin, "
                          "is_locked, is_system, shell, password_changed, last_login, present, "
                          "first_seen, last_seen, seen_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                          "$8, $9, $10, 1, $11, $11, $12) ON CONFLICT (agent_id, name) DO UPDATE "
                          "SET uid = excluded.uid, is_admin = excluded.is_admin, "
                          "is_locked = excluded.is_locked, is_system = excluded.is_system, "
                          "shell = excluded.shell, password_changed = excluded.password_changed, "
                          "last_login = excluded.last_login, present = 1, "
                          "last_seen = excluded.last_seen, seen_seq = excluded.seen_seq",
                          &p, NULL, NULL);
}

int store_upsert_session(struct ingest_ctx *c, const struct report_session *x) {
        struct store_params p;
        char *key = NULL;
        int r;

        if (asprintf(&key, "%s|%s|%s", x->user, x->tty ? x->tty : "",
                     x->login_time ? x->login_time : "") < 0)
                return -ENOMEM;
        begin_row(&p, c, key);
        store_param_fields(&p, "session", x,
                           (const char *const[]){"user", "tty", "remote_address", "login_time",
                                                 "logout_time", NULL});
        store_param_str(&p, c->time);
        r = store_exec(c->s,
                       "INSERT INTO sessions (agent_id, session_key, unit_code, user_name, tty, "
                       "remote_address, login_time, logout_time, first_seen, last_seen) VALUES "
                       "($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (agent_id, "
                       "session_key) DO UPDATE SET remote_address = COALESCE("
                       "excluded.remote_address, sessions.remote_address), logout_time = "
                       "COALESCE(excluded.logout_time, sessions.logout_time), "
                       "last_seen = excluded.last_seen",
                       &p, NULL, NULL);
        free(key);
        return r;
}

int store_insert_lookup(struct ingest_ctx *c, const struct report_lookup *x) {
        struct store_params p;
        char *key = NULL;
        int r;

        if (asprintf(&key, "%s|%lld|%s|%lld|%s", x->time, (long long)x->pid,
                     x->dest_ip ? x->dest_ip : "", (long long)x->dest_port,
                     x->exe ? x->exe : "") < 0)
                return -ENOMEM;
        begin_row(&p, c, key);
        store_param_fields(&p, "lookup", x,
                           (const char *const[]){"time", "exe", "sha256", "user", "pid", "dest_ip",
                                                 "dest_port", "server_name", "verdict", NULL});
        r = store_exec(c->s,
                       "INSERT INTO lookups (agent_id, lookup_key, unit_code, lookup_time, exe, "
                       "sha256, user_name, pid, dest_ip, dest_port, server_name, verdict) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                       "ON CONFLICT (agent_id, lookup_key) DO NOTHING",
                       &p, NULL, NULL);
        free(key);
        return r;
}

static char *finding_key(const struct report_finding *x) {
        char *key = NULL;

        if (asprintf(&key, "%s|%s", x->rule_id, x->evidence ? x->evidence : "") < 0)
                return NULL;
        return key;
}

int store_open_finding(struct ingest_ctx *c, const struct report_finding *x) {
        struct store_params p;
        char *key = finding_key(x);
        int r;

        if (!key)
                return -ENOMEM;
        begin_row(&p, c, key);
        store_param_fields(&p, "finding", x,
                           (const char *const[]){"rule_id", "severity", "message_vi", "message_en",
                                                 "evidence", "legal_ref", NULL});
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        /* A resolved finding that comes back is opened anew. */
        r = store_exec(c->s,
                       "INSERT INTO findings (agent_id, finding_key, unit_code, rule_id, "
                       "severity, message_vi, message_en, evidence, legal_ref, state, opened_at, "
                       "last_seen, seen_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', "
                       "$10, $10, $11) ON CONFLICT (agent_id, finding_key) DO UPDATE SET "
                       "severity = excluded.severity, message_vi = excluded.message_vi, "
                       "message_en = excluded.message_en, legal_ref = excluded.legal_ref, "
                       "opened_at = CASE WHEN findings.state = 'resolved' THEN excluded.opened_at "
                       "ELSE findings.opened_at END, state = 'open', resolved_at = NULL, "
                       "last_seen = excluded.last_seen, seen_seq = excluded.seen_seq",
                       &p, NULL, NULL);
        free(key);
        return r;
}

int store_resolve_finding(struct ingest_ctx *c, const struct report_finding *x) {
        struct store_params p;
        char *key = finding_key(x);
        int r;

        if (!key)
                return -ENOMEM;
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_str(&p, key);
        store_param_str(&p, c->time);
        r = store_exec(c->s,
                       "UPDATE findings SET state = 'resolved', resolved_at = $3 "
                       "WHERE agent_id = $1 AND finding_key = $2 AND state = 'open'",
                       &p, NULL, NULL);
        free(key);
        return r;
}

int store_insert_antivirus(struct ingest_ctx *c, const struct report_antivirus *x) {
        struct store_params p;

        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_int(&p, c->seq);
        store_param_str(&p, x->product);
        store_param_str(&p, c->time);
        store_param_fields(&p, "antivirus", x,
                           (const char *const[]){"installed", "running", "realtime", "managed",
                                                 "signature_version", "signature_time",
                                                 "signature_age_days", NULL});
        return store_exec(c->s,
                          "INSERT INTO antivirus_states (agent_id, seq, product, state_time, "
                          "installed, running, realtime, managed, signature_version, "
                          "signature_time, signature_age_days) VALUES ($1, $2, $3, $4, $5, $6, "
                          "$7, $8, $9, $10, $11) ON CONFLICT (agent_id, seq, product) DO NOTHING",
                          &p, NULL, NULL);
}

int store_insert_firewall(struct ingest_ctx *c, const struct report *rep) {
        const struct report_firewall *x = rep->firewall;
        json_t *j = model_to_json(&report_desc, rep);
        json_t *ports = j ? json_object_get(json_object_get(j, "firewall"), "open_ports") : NULL;
        char *ports_text = ports ? json_dumps(ports, JSON_COMPACT) : NULL;
        struct store_params p;
        int r;

        json_decref(j);
        if (!j || (x->n_open_ports && !ports_text)) {
                free(ports_text);
                return -ENOMEM;
        }
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_int(&p, c->seq);
        store_param_str(&p, c->time);
        store_param_str(&p, x->backend);
        store_param_bool(&p, x->active);
        store_param_str(&p, x->default_inbound);
        store_param_str(&p, ports_text);
        r = store_exec(c->s,
                       "INSERT INTO firewall_states (agent_id, seq, state_time, backend, active, "
                       "default_inbound, open_ports) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                       "ON CONFLICT (agent_id, seq) DO NOTHING",
                       &p, NULL, NULL);
        free(ports_text);
        return r;
}
