/* Records into tables. A snapshot refreshes the PC's current state (host, devices, printers,
 * scanners, accounts, findings: first seen kept, last seen moved, what is absent marked
 * disconnected or resolved) and appends to the histories (antivirus, firewall); an event
 * appends to its log and moves the current state. Everything of one batch is one
 * transaction, and raw_records' primary key (agent_id, seq) makes a replay a no-op. A
 * snapshot equal to the one the current state came from (times aside, snapshot_hash.c) is
 * kept as a row of snapshot_repeats instead, which takes its seq as surely. */
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "log.h"
#include "model.h"
#include "store.h"
#include "store_ingest.h"
#include "timefmt.h"

static char *join(const char *const *v, size_t n) {
        size_t len = 1;
        char *out, *p;

        if (n == 0)
                return NULL;
        for (size_t i = 0; i < n; i++)
                len += strlen(v[i]) + 1;
        out = malloc(len);
        if (!out)
                return NULL;
        p = out;
        for (size_t i = 0; i < n; i++) {
                size_t l = strlen(v[i]);
                if (i)
                        *p++ = ',';
                memcpy(p, v[i], l);
                p += l;
        }
        *p = '\0';
        return out;
}

static char *kinds_text(uint32_t kinds) {
        const char *v[DEVICE_KIND_MAX] = {0};
        size_t n = 0;

        for (int k = 0; k < DEVICE_KIND_MAX; k++)
                if (kinds & (1u << k))
                        v[n++] = device_kind_to_string((enum device_kind)k);
        return join(v, n);
}

int store_upsert_host(struct store *s, const char *agent_id, const char *unit,
                      const struct report_host *h, const char *time, int64_t seq) {
        char *ipv4 = NULL, *ipv6 = NULL, *macs = NULL;
        const char *v4[64] = {NULL}, *v6[64] = {NULL}, *mac[64] = {NULL};
        size_t n4 = 0, n6 = 0, nm = 0;
        struct store_params p;
        int r;

        /* Flattened for the register's columns; the full host stays in raw_records. */
        for (size_t i = 0; i < h->n_netifs; i++) {
                const struct report_netif *n = &h->netifs[i];
                if (n->mac && nm < 64)
                        mac[nm++] = n->mac;
                for (size_t j = 0; j < n->n_ipv4 && n4 < 64; j++)
                        v4[n4++] = n->ipv4[j];
                for (size_t j = 0; j < n->n_ipv6 && n6 < 64; j++)
                        v6[n6++] = n->ipv6[j];
        }
        ipv4 = join(v4, n4);
        ipv6 = join(v6, n6);
        macs = join(mac, nm);
        if ((n4 && !ipv4) || (n6 && !ipv6) || (nm && !macs)) {
                r = -ENOMEM;
                goto out;
        }
        store_params_init(&p);
        store_param_str(&p, agent_id);
        store_param_str(&p, unit);
        store_param_fields(&p, "host", h,
                           (const char *const[]){"machine_id", "hostname", "counter", "unit",
                                                 "os_id", "os_name", "os_version", "kernel", "arch",
                                                 "dmi_vendor", "dmi_model", "dmi_serial",
                                                 "dmi_asset_tag", NULL});
        store_param_str(&p, ipv4);
        store_param_str(&p, ipv6);
        store_param_str(&p, macs);
        store_param_fields(
                &p, "host", h,
                (const char *const[]){"uptime_s", "agent_version", "policy_version", NULL});
        store_param_str(&p, time);
        store_param_int(&p, seq);
        r = store_exec(s,
                       "INSERT INTO hosts (agent_id, unit_code, machine_id, hostname, "
                       "counter_label, reported_unit, os_id, os_name, os_version, kernel, arch, "
                       "dmi_vendor, dmi_model, dmi_serial, dmi_asset_tag, ipv4, ipv6, macs, "
                       "uptime_s, agent_version, policy_version, first_seen, last_seen, "
                       "snapshot_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                       "$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, $23) "
                       "ON CONFLICT (agent_id) DO UPDATE SET machine_id = excluded.machine_id, "
                       "hostname = excluded.hostname, counter_label = excluded.counter_label, "
                       "reported_unit = excluded.reported_unit, os_id = excluded.os_id, "
                       "os_name = excluded.os_name, os_version = excluded.os_version, "
                       "kernel = excluded.kernel, arch = excluded.arch, "
                       "dmi_vendor = excluded.dmi_vendor, dmi_model = excluded.dmi_model, "
                       "dmi_serial = excluded.dmi_serial, dmi_asset_tag = excluded.dmi_asset_tag, "
                       "ipv4 = excluded.ipv4, ipv6 = excluded.ipv6, macs = excluded.macs, "
                       "uptime_s = excluded.uptime_s, agent_version = excluded.agent_version, "
                       "policy_version = excluded.policy_version, last_seen = excluded.last_seen, "
                       "snapshot_seq = excluded.snapshot_seq",
                       &p, NULL, NULL);
out:
        free(ipv4);
        free(ipv6);
        free(macs);
        return r < 0 ? r : 0;
}

/* The identity of a device across snapshots: its ids and serial, or its port when it has no
 * serial (two identical serial-less sticks are told apart by where they are plugged). */
static char *device_key(const struct report_device *d) {
        char *k = NULL;

        if (asprintf(&k, "%s:%s:%s%s%s", d->bus ? d->bus : "?", d->vendor_id ? d->vendor_id : "?",
                     d->product_id ? d->product_id : "?", d->serial ? ":" : "@",
                     d->serial ? d->serial : (d->port ? d->port : "?")) < 0)
                return NULL;
        return k;
}

/* A list of sub-objects as compact JSON, built from that list alone (not the whole device:
 * this runs for every device of every snapshot, on the store's thread). */
static char *list_json(const char *desc_name, const void *items, size_t size, size_t n) {
        const struct object_desc *d = model_find_desc(desc_name);
        json_t *a = json_array();
        char *s = NULL;

        if (!d || !a)
                goto out;
        for (size_t i = 0; i < n; i++)
                if (json_array_append_new(a, model_to_json(d, (const char *)items + i * size)) < 0)
                        goto out;
        s = json_dumps(a, JSON_COMPACT);
out:
        json_decref(a);
        return s;
}

static int upsert_device(struct ingest_ctx *c, const struct report_device *d, int connected) {
        char *key = device_key(d), *kinds = kinds_text(d->kinds);
        char *ifs = d->n_interfaces ? list_json("interface", d->interfaces, sizeof(*d->interfaces),
                                                d->n_interfaces)
                                    : NULL;
        char *disks =
                d->n_disks ? list_json("disk", d->disks, sizeof(*d->disks), d->n_disks) : NULL;
        struct store_params p;
        int r;

        if (!key || (d->kinds && !kinds) || (d->n_interfaces && !ifs) || (d->n_disks && !disks)) {
                r = -ENOMEM;
                goto out;
        }
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_str(&p, key);
        store_param_str(&p, c->unit);
        store_param_str(&p, kinds);
        store_param_fields(&p, "device", d,
                           (const char *const[]){"bus", "port", "vendor_id", "product_id", "vendor",
                                                 "product", "serial", "usb_version", "speed_mbps",
                                                 "device_class", NULL});
        store_param_str(&p, ifs);
        store_param_str(&p, disks);
        store_param_str(&p, d->verdict);
        store_param_int(&p, connected);
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        store_param_str(&p, connected ? NULL : c->time);
        r = store_exec(c->s,
                       "INSERT INTO devices (agent_id, device_key, unit_code, kinds, bus, port, "
                       "vendor_id, product_id, vendor, product, serial, usb_version, speed_mbps, "
                       "device_class, interfaces, disks, verdict, connected, first_seen, "
                       "last_seen, disconnected_at, seen_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                       "$8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $21, $20) "
                       "ON CONFLICT (agent_id, device_key) DO UPDATE SET kinds = excluded.kinds, "
                       "port = excluded.port, vendor = excluded.vendor, "
                       "product = excluded.product, usb_version = excluded.usb_version, "
                       "speed_mbps = excluded.speed_mbps, device_class = excluded.device_class, "
                       "interfaces = excluded.interfaces, disks = excluded.disks, "
                       "verdict = COALESCE(excluded.verdict, devices.verdict), "
                       "connected = excluded.connected, last_seen = excluded.last_seen, "
                       "disconnected_at = excluded.disconnected_at, seen_seq = excluded.seen_seq",
                       &p, NULL, NULL);
out:
        free(key);
        free(kinds);
        free(ifs);
        free(disks);
        return r;
}

/* Rows of this agent not refreshed by the snapshot being applied are gone from the PC. */
static int mark_absent(struct ingest_ctx *c) {
        static const char *const with_time[] = {
                "UPDATE devices SET connected = 0, disconnected_at = $2 "
                "WHERE agent_id = $1 AND connected = 1 AND seen_seq <> $3",
                "UPDATE findings SET state = 'resolved', resolved_at = $2 "
                "WHERE agent_id = $1 AND state = 'open' AND seen_seq <> $3",
        };
        static const char *const without_time[] = {
                "UPDATE printers SET present = 0 WHERE agent_id = $1 AND present = 1 "
                "AND seen_seq <> $2",
                "UPDATE scanners SET present = 0 WHERE agent_id = $1 AND present = 1 "
                "AND seen_seq <> $2",
                "UPDATE accounts SET present = 0 WHERE agent_id = $1 AND present = 1 "
                "AND seen_seq <> $2",
        };
        struct store_params p3, p2;

        store_params_init(&p3);
        store_param_str(&p3, c->agent_id);
        store_param_str(&p3, c->time);
        store_param_int(&p3, c->seq);
        store_params_init(&p2);
        store_param_str(&p2, c->agent_id);
        store_param_int(&p2, c->seq);
        for (size_t i = 0; i < sizeof(with_time) / sizeof(with_time[0]); i++)
                TRY(store_exec(c->s, with_time[i], &p3, NULL, NULL));
        for (size_t i = 0; i < sizeof(without_time) / sizeof(without_time[0]); i++)
                TRY(store_exec(c->s, without_time[i], &p2, NULL, NULL));
        return 0;
}

static int apply_snapshot(struct ingest_ctx *c, const struct report *rep) {
        struct store_params p;
        char *current = NULL;
        bool newest;
        int r;

        /* Histories take every snapshot; the current state only the newest one, so a late
         * retry of an old snapshot cannot roll the register back. */
        for (size_t i = 0; i < rep->n_antivirus; i++)
                TRY(store_insert_antivirus(c, &rep->antivirus[i]));
        if (rep->firewall)
                TRY(store_insert_firewall(c, rep));
        for (size_t i = 0; i < rep->n_lookups; i++)
                TRY(store_insert_lookup(c, &rep->lookups[i]));
        for (size_t i = 0; i < rep->n_sessions; i++)
                TRY(store_upsert_session(c, &rep->sessions[i]));

        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        r = store_query_one(c->s, "SELECT snapshot_seq FROM hosts WHERE agent_id = $1", &p,
                            &current);
        if (r < 0)
                return r;
        newest = !current || strtoll(current, NULL, 10) < c->seq;
        free(current);
        if (!newest)
                return 0;

        TRY(store_upsert_host(c->s, c->agent_id, c->unit, rep->host, c->time, c->seq));
        /* What the next snapshot is compared with (unchanged_snapshot). */
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_str(&p, c->content_hash);
        TRY(store_exec(c->s, "UPDATE hosts SET snapshot_hash = $2 WHERE agent_id = $1", &p, NULL,
                       NULL));
        for (size_t i = 0; i < rep->n_devices; i++)
                TRY(upsert_device(c, &rep->devices[i], rep->devices[i].connected == 0 ? 0 : 1));
        for (size_t i = 0; i < rep->n_printers; i++)
                TRY(store_upsert_printer(c, &rep->printers[i]));
        for (size_t i = 0; i < rep->n_scanners; i++)
                TRY(store_upsert_scanner(c, &rep->scanners[i]));
        for (size_t i = 0; i < rep->n_accounts; i++)
                TRY(store_upsert_account(c, &rep->accounts[i]));
        for (size_t i = 0; i < rep->n_findings; i++)
                TRY(store_open_finding(c, &rep->findings[i]));
        return mark_absent(c);
}

static int insert_device_event(struct ingest_ctx *c, const struct report_event *e) {
        const struct report_device *d = e->device;
        char *key = device_key(d), *kinds = kinds_text(d->kinds);
        struct store_params p;
        int r;

        if (!key || (d->kinds && !kinds)) {
                free(key);
                free(kinds);
                return -ENOMEM;
        }
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_int(&p, c->seq);
        store_param_str(&p, c->unit);
        store_param_str(&p, e->time);
        store_param_str(&p, e->event);
        store_param_str(&p, key);
        store_param_str(&p, kinds);
        store_param_str(&p, d->vendor_id);
        store_param_str(&p, d->product_id);
        store_param_str(&p, d->vendor);
        store_param_str(&p, d->product);
        store_param_str(&p, d->serial);
        store_param_str(&p, d->verdict);
        r = store_exec(c->s,
                       "INSERT INTO device_events (agent_id, seq, unit_code, event_time, event, "
                       "device_key, kinds, vendor_id, product_id, vendor, product, serial, "
                       "verdict) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                       "ON CONFLICT (agent_id, seq) DO NOTHING",
                       &p, NULL, NULL);
        free(key);
        free(kinds);
        return r;
}

static int apply_event(struct ingest_ctx *c, const struct report_event *e) {
        struct store_params p;

        /* The current state no longer is the last snapshot's: the next snapshot is applied in
         * full even if it equals that one (a removal whose event was lost, say, must still
         * mark the device absent). One row written once per run of events. */
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        TRY(store_exec(c->s,
                       "UPDATE hosts SET snapshot_hash = NULL "
                       "WHERE agent_id = $1 AND snapshot_hash IS NOT NULL",
                       &p, NULL, NULL));
        if (e->device) {
                TRY(insert_device_event(c, e));
                TRY(upsert_device(c, e->device, strcmp(e->event, "device_removed") == 0 ? 0 : 1));
        }
        if (e->session)
                TRY(store_upsert_session(c, e->session));
        if (e->lookup)
                TRY(store_insert_lookup(c, e->lookup));
        if (e->finding) {
                if (strcmp(e->event, "finding_resolved") == 0)
                        TRY(store_resolve_finding(c, e->finding));
                else
                        TRY(store_open_finding(c, e->finding));
        }
        return 0;
}

static int compare_stored(void *userdata, size_t n, const char *const *columns,
                          const char *const *values) {
        const struct batch_record *rec = userdata;

        (void)columns;
        if (n < 3 || !values[0] || !values[1] || !values[2])
                return -EIO;
        /* 1: the same record again (a resend); 2: other content under that seq */
        return strcmp(values[0], record_type_to_string(rec->type)) == 0 &&
                               strcmp(values[1], rec->time) == 0 &&
                               strcmp(values[2], rec->body_json) == 0
                       ? 1
                       : 2;
}

static int compare_repeat(void *userdata, size_t n, const char *const *columns,
                          const char *const *values) {
        const struct batch_record *rec = userdata;

        (void)columns;
        if (n < 1 || !values[0])
                return -EIO;
        /* A snapshot stored as unchanged: the same content again is a resend, whatever its
         * times (they are not kept); anything else under that seq is a reuse. */
        return rec->type == RECORD_SNAPSHOT && strcmp(values[0], rec->content_hash) == 0 ? 1 : 2;
}

/* Is the record's seq stored already, in full or as an unchanged snapshot? 0 no, 1 yes and
 * it is this record (a resend), -ENOTUNIQ yes with other content. */
static int check_replay(struct store *s, const char *agent_id, const struct batch_record *rec,
                        bool in_raw) {
        struct store_params p;
        int r;

        store_params_init(&p);
        store_param_str(&p, agent_id);
        store_param_int(&p, rec->seq);
        if (in_raw)
                r = store_exec(s,
                               "SELECT record_type, record_time, body FROM raw_records "
                               "WHERE agent_id = $1 AND seq = $2",
                               &p, compare_stored, (void *)(uintptr_t)rec);
        else
                r = store_exec(s,
                               "SELECT content_hash FROM snapshot_repeats "
                               "WHERE agent_id = $1 AND seq = $2",
                               &p, compare_repeat, (void *)(uintptr_t)rec);
        if (r < 0)
                return r;
        return r == 2 ? -ENOTUNIQ : r;
}

static int read_current(void *userdata, size_t n, const char *const *columns,
                        const char *const *values) {
        const struct batch_record *rec = userdata;

        (void)columns;
        /* 1: rec is newer than the snapshot the current state came from, and has its content */
        return n >= 2 && values[0] && values[1] && strtoll(values[0], NULL, 10) < rec->seq &&
                               strcmp(values[1], rec->content_hash) == 0
                       ? 1
                       : 2;
}

/* A snapshot whose content is the current state's (times aside) stores no body and moves
 * only last seen in the registers: a small row keeps its seq. 1 when it was one (done), 0
 * when it must be stored and applied in full. */
static int unchanged_snapshot(struct ingest_ctx *c, const struct batch_record *rec,
                              const char *now) {
        static const char *const seen[] = {
                "UPDATE devices SET last_seen = $2, seen_seq = $3 "
                "WHERE agent_id = $1 AND connected = 1",
                "UPDATE printers SET last_seen = $2, seen_seq = $3 "
                "WHERE agent_id = $1 AND present = 1",
                "UPDATE scanners SET last_seen = $2, seen_seq = $3 "
                "WHERE agent_id = $1 AND present = 1",
                "UPDATE accounts SET last_seen = $2, seen_seq = $3 "
                "WHERE agent_id = $1 AND present = 1",
                "UPDATE findings SET last_seen = $2, seen_seq = $3 "
                "WHERE agent_id = $1 AND state = 'open'",
        };
        struct store_params p;
        int r;

        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        r = store_exec(c->s, "SELECT snapshot_seq, snapshot_hash FROM hosts WHERE agent_id = $1",
                       &p, read_current, (void *)(uintptr_t)rec);
        if (r != 1)
                return r < 0 ? r : 0;
        /* Its seq may be a raw record's already (a resend of an event's seq, say). */
        r = check_replay(c->s, c->agent_id, rec, true);
        if (r != 0)
                return r < 0 ? r : 1;

        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_int(&p, rec->seq);
        store_param_str(&p, now);
        store_param_str(&p, rec->content_hash);
        TRY(store_exec(c->s,
                       "INSERT INTO snapshot_repeats (agent_id, seq, received_at, content_hash) "
                       "VALUES ($1, $2, $3, $4)",
                       &p, NULL, NULL));
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        store_param_int(&p, rec->snapshot.host->uptime_s);
        /* snapshot_seq moves too, so a late retry of an older snapshot still cannot roll the
         * register back past this one. */
        TRY(store_exec(c->s,
                       "UPDATE hosts SET last_seen = $2, snapshot_seq = $3, uptime_s = $4 "
                       "WHERE agent_id = $1",
                       &p, NULL, NULL));
        store_params_init(&p);
        store_param_str(&p, c->agent_id);
        store_param_str(&p, c->time);
        store_param_int(&p, c->seq);
        for (size_t i = 0; i < sizeof(seen) / sizeof(seen[0]); i++)
                TRY(store_exec(c->s, seen[i], &p, NULL, NULL));
        return 1;
}

static int read_range(void *userdata, size_t n, const char *const *columns,
                      const char *const *values) {
        struct ingest_conflict *c = userdata;

        (void)columns;
        c->first = n > 0 && values[0] ? strtoll(values[0], NULL, 10) : -1;
        c->last = n > 1 && values[1] ? strtoll(values[1], NULL, 10) : -1;
        return 1;
}

/* After the batch is rolled back: the seqs stored, for the agent to go on past them. */
static int stored_range(struct store *s, const char *agent_id, struct ingest_conflict *c) {
        struct store_params p;
        int r;

        store_params_init(&p);
        store_param_str(&p, agent_id);
        r = store_exec(s,
                       "SELECT MIN(seq), (SELECT last_seq FROM agents WHERE id = $1) FROM "
                       "(SELECT seq FROM raw_records WHERE agent_id = $1 UNION ALL "
                       "SELECT seq FROM snapshot_repeats WHERE agent_id = $1) AS kept",
                       &p, read_range, c);
        return r < 0 ? r : 0;
}

static int ingest_records(struct store *s, const char *agent_id, const char *unit,
                          const struct batch *b, int64_t *ret_acked,
                          struct ingest_conflict *ret_conflict) {
        char now[TIMEFMT_RFC3339_SIZE];
        struct store_params p;
        int64_t max_seq = -1;
        int r;

        timefmt_now_rfc3339(now);
        for (size_t i = 0; i < b->n_records; i++)
                if (b->records[i].seq > max_seq)
                        max_seq = b->records[i].seq;
        /* The agent's row first: on PostgreSQL this locks it, so two batches of one agent
         * (a retry while the first is still being stored) queue here instead of taking the
         * rows of raw_records and devices in opposite orders and deadlocking; and the store
         * queue orders a shared transaction by agent, so different agents cannot either. */
        store_params_init(&p);
        store_param_str(&p, agent_id);
        store_param_str(&p, now);
        store_param_int(&p, max_seq < 0 ? 0 : max_seq);
        r = store_exec(s,
                       "UPDATE agents SET last_seen = $2, last_seq = CASE WHEN last_seq < $3 "
                       "THEN $3 ELSE last_seq END WHERE id = $1",
                       &p, NULL, NULL);
        if (r < 0)
                return r;

        for (size_t i = 0; i < b->n_records; i++) {
                const struct batch_record *rec = &b->records[i];
                struct ingest_ctx c = {s, agent_id, unit, rec->seq, rec->time, rec->content_hash};

                /* A seq kept as an unchanged snapshot is taken as surely as a stored one. */
                r = check_replay(s, agent_id, rec, false);
                if (r == 0 && rec->type == RECORD_SNAPSHOT)
                        r = unchanged_snapshot(&c, rec, now);
                if (r == -ENOTUNIQ)
                        *ret_conflict = (struct ingest_conflict){i, rec->seq, -1, -1};
                if (r < 0)
                        return r;
                if (r > 0)
                        continue;

                store_params_init(&p);
                store_param_str(&p, agent_id);
                store_param_int(&p, rec->seq);
                store_param_str(&p, record_type_to_string(rec->type));
                store_param_str(&p, rec->time);
                store_param_str(&p, now);
                store_param_str(&p, rec->body_json);
                r = store_exec(s,
                               "INSERT INTO raw_records (agent_id, seq, record_type, record_time, "
                               "received_at, body) VALUES ($1, $2, $3, $4, $5, $6) "
                               "ON CONFLICT (agent_id, seq) DO NOTHING",
                               &p, NULL, NULL);
                if (r < 0)
                        return r;
                if (r == 0) {
                        /* stored before: a replay, unless the content differs */
                        r = check_replay(s, agent_id, rec, true);
                        if (r == -ENOTUNIQ)
                                *ret_conflict = (struct ingest_conflict){i, rec->seq, -1, -1};
                        if (r < 0)
                                return r;
                        continue;
                }
                r = rec->type == RECORD_SNAPSHOT ? apply_snapshot(&c, &rec->snapshot)
                                                 : apply_event(&c, &rec->event);
                if (r < 0)
                        return r;
        }
        if (max_seq < 0) {
                char *v = NULL;
                store_params_init(&p);
                store_param_str(&p, agent_id);
                r = store_query_one(s, "SELECT last_seq FROM agents WHERE id = $1", &p, &v);
                if (r < 0)
                        return r;
                max_seq = v ? strtoll(v, NULL, 10) : 0;
                free(v);
        }
        *ret_acked = max_seq;
        return 0;
}

int store_ingest_in_tx(struct store *s, const char *agent_id, const char *unit,
                       const struct batch *b, int64_t *ret_acked,
                       struct ingest_conflict *ret_conflict) {
        struct ingest_conflict c = {0, 0, -1, -1};
        int r;

        /* Its own savepoint: on a conflict, what the batch changed goes before the stored
         * range is read. */
        r = s->ops->script(s, "SAVEPOINT ingest");
        if (r < 0)
                return r;
        r = ingest_records(s, agent_id, unit, b, ret_acked, &c);
        if (r == -ENOTUNIQ) {
                int k = s->ops->script(s, "ROLLBACK TO SAVEPOINT ingest");
                if (k >= 0)
                        k = stored_range(s, agent_id, &c);
                if (k < 0)
                        r = k;
                if (ret_conflict)
                        *ret_conflict = c;
        }
        if (r >= 0 || r == -ENOTUNIQ) {
                int k = s->ops->script(s, "RELEASE SAVEPOINT ingest");
                if (k < 0)
                        r = k;
        }
        return r;
}

int store_ingest(struct store *s, const char *agent_id, const char *unit, const struct batch *b,
                 int64_t *ret_acked) {
        int r = -EBUSY;

        /* A deadlock or serialisation failure on PostgreSQL is worth one more try. */
        for (int attempt = 0; attempt < 3 && r == -EBUSY; attempt++) {
                r = s->ops->begin(s);
                if (r < 0)
                        continue;
                r = store_ingest_in_tx(s, agent_id, unit, b, ret_acked, NULL);
                if (r >= 0)
                        r = s->ops->commit(s);
                if (r < 0)
                        s->ops->rollback(s);
        }
        return r;
}
