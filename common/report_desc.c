/* The report model, schema v1, as tables: one line per field. See common/model.h. */
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "report.h"

#define ENTRIES(a) (sizeof(a) / sizeof((a)[0]))
#define OBJECT_DESC(var, name_, tag, doc_, type, table)                                            \
        const struct object_desc var = {name_, tag, doc_, sizeof(type), table, ENTRIES(table)}

/* clang-format 14 and 19 format these differently: as they are */
/* clang-format off */
#define STR(T, f, ...)                                                                             \
        { #f, FIELD_STRING, offsetof(T, f), 0, NULL, __VA_ARGS__ }
#define INT(T, f, flags, lo, hi)                                                                   \
        { #f, FIELD_INT, offsetof(T, f), 0, NULL, flags, FORMAT_NONE, NULL, lo, hi }
#define BOOL(T, f)                                                                                 \
        { #f, FIELD_BOOL, offsetof(T, f), 0, NULL, 0, FORMAT_NONE, NULL, 0, 0 }
#define STRS(T, f, fmt)                                                                            \
        { #f, FIELD_STRINGS, offsetof(T, f), offsetof(T, n_##f), NULL, 0, fmt, NULL, 0, 0 }
#define OBJ(T, f, d, flags)                                                                        \
        { #f, FIELD_OBJECT, offsetof(T, f), 0, &(d), flags, FORMAT_NONE, NULL, 0, 0 }
#define ARR(T, f, d)                                                                               \
        { #f, FIELD_ARRAY, offsetof(T, f), offsetof(T, n_##f), &(d), 0, FORMAT_NONE, NULL, 0, 0 }
/* clang-format on */

#define ANY            0, FORMAT_NONE, NULL, 0, 0
#define NEED           FIELD_REQUIRED, FORMAT_NONE, NULL, 0, 0
#define FMT(fmt)       0, fmt, NULL, 0, 0
#define ONE_OF(v)      0, FORMAT_NONE, v, 0, 0
#define NEED_ONE_OF(v) FIELD_REQUIRED, FORMAT_NONE, v, 0, 0

#define U16 0xffff
#define U8  0xff
#define I32 INT32_MAX
#define BIG INT64_MAX

static const char *const connections[] = {"usb", "network", "file", "other", NULL};
static const char *const verdicts[] = {"approved", "unapproved", "blocked", NULL};
static const char *const severities[] = {"info", "low", "medium", "high", "critical", NULL};
static const char *const printer_states[] = {"idle", "processing", "stopped", NULL};
static const char *const policies[] = {"accept", "drop", "reject", "unknown", NULL};
static const char *const protocols[] = {"tcp", "udp", NULL};
static const char *const backends[] = {"nftables", "iptables", "ufw", "firewalld", "none", NULL};
static const char *const frontends[] = {"ufw", "firewalld", "iptables", "nftables", "none", NULL};
static const char *const families[] = {"ipv4", "ipv6", NULL};
static const char *const fw_families[] = {"ip", "ip6", "inet", "iptables-legacy", NULL};
/* one per line: each collector's branch adds its own */
/* clang-format off */
static const char *const events[] = {
        "device_added",
        "device_removed",
        "device_changed",
        "login",
        "logout",
        "account_added",
        "account_removed",
        "account_changed",
        "lookup",
        "finding_opened",
        "finding_resolved",
        "records_dropped",
        "printer_added",
        "printer_changed",
        "printer_removed",
        "scanner_added",
        "scanner_removed",
        "firewall_changed",
        "antivirus_started",
        "antivirus_stopped",
        "antivirus_changed",
        NULL,
};
/* clang-format on */
static const char *const av_roles[] = {"daemon", "realtime", "updater", "manager", NULL};
static const char *const update_results[] = {"updated", "up-to-date", "failed", NULL};

static const struct field_desc missing_fields[] = {
        STR(struct report_missing, fact, NEED),
        STR(struct report_missing, reason, ANY),
};
OBJECT_DESC(report_missing_desc, "missing", NULL, "A fact that could not be read, and why.",
            struct report_missing, missing_fields);

static const struct field_desc netif_fields[] = {
        STR(struct report_netif, name, NEED),
        STR(struct report_netif, mac, FMT(FORMAT_MAC)),
        STRS(struct report_netif, ipv4, FORMAT_IPV4),
        STRS(struct report_netif, ipv6, FORMAT_IPV6),
};
OBJECT_DESC(report_netif_desc, "netif", NULL, "A network interface and its addresses.",
            struct report_netif, netif_fields);

static const struct field_desc host_fields[] = {
        STR(struct report_host, machine_id, ANY),
        STR(struct report_host, hostname, ANY),
        STR(struct report_host, unit, ANY),
        STR(struct report_host, counter, ANY),
        STR(struct report_host, os_id, ANY),
        STR(struct report_host, os_name, ANY),
        STR(struct report_host, os_version, ANY),
        STR(struct report_host, kernel, ANY),
        STR(struct report_host, arch, ANY),
        STR(struct report_host, dmi_vendor, ANY),
        STR(struct report_host, dmi_model, ANY),
        STR(struct report_host, dmi_serial, ANY),
        STR(struct report_host, dmi_asset_tag, ANY),
        ARR(struct report_host, netifs, report_netif_desc),
        INT(struct report_host, uptime_s, 0, 0, BIG),
        STR(struct report_host, agent_version, ANY),
        STR(struct report_host, policy_version, ANY),
};
OBJECT_DESC(report_host_desc, "host", NULL, "The PC: identity, operating system, network.",
            struct report_host, host_fields);

static const struct field_desc partition_fields[] = {
        STR(struct report_partition, name, NEED),
        INT(struct report_partition, size_bytes, 0, 0, BIG),
        STR(struct report_partition, fs_type, ANY),
        STR(struct report_partition, fs_label, ANY),
        STR(struct report_partition, fs_uuid, ANY),
};
OBJECT_DESC(report_partition_desc, "partition", NULL, "A partition of a USB disk.",
            struct report_partition, partition_fields);

static const struct field_desc disk_fields[] = {
        STR(struct report_disk, name, NEED),
        STR(struct report_disk, devnode, ANY),
        INT(struct report_disk, size_bytes, 0, 0, BIG),
        STR(struct report_disk, vendor, ANY),
        STR(struct report_disk, model, ANY),
        STR(struct report_disk, serial, ANY),
        BOOL(struct report_disk, removable),
        ARR(struct report_disk, partitions, report_partition_desc),
};
OBJECT_DESC(report_disk_desc, "disk", NULL, "A block device behind a USB device.",
            struct report_disk, disk_fields);

static const struct field_desc interface_fields[] = {
        STR(struct report_interface, number, FMT(FORMAT_HEX2)),
        {"class", FIELD_INT, offsetof(struct report_interface, class_), 0, NULL, FIELD_REQUIRED,
         FORMAT_NONE, NULL, 0, 0xff},
        INT(struct report_interface, subclass, 0, 0, U8),
        INT(struct report_interface, protocol, 0, 0, U8),
        STR(struct report_interface, driver, ANY),
        STR(struct report_interface, label, ANY),
};
OBJECT_DESC(report_interface_desc, "interface", NULL, "A USB interface of a device.",
            struct report_interface, interface_fields);

static const struct field_desc device_fields[] = {
        {"kinds", FIELD_KINDS, offsetof(struct report_device, kinds), 0, NULL, FIELD_REQUIRED,
         FORMAT_NONE, NULL, 0, 0},
        STR(struct report_device, bus, NEED),
        STR(struct report_device, port, ANY),
        STR(struct report_device, vendor_id, FMT(FORMAT_HEX4)),
        STR(struct report_device, product_id, FMT(FORMAT_HEX4)),
        STR(struct report_device, vendor, ANY),
        STR(struct report_device, product, ANY),
        STR(struct report_device, serial, ANY),
        STR(struct report_device, usb_version, ANY),
        INT(struct report_device, speed_mbps, 0, 0, I32),
        INT(struct report_device, device_class, 0, 0, U8),
        INT(struct report_device, busnum, 0, 0, U16),
        INT(struct report_device, devnum, 0, 0, U16),
        ARR(struct report_device, interfaces, report_interface_desc),
        ARR(struct report_device, disks, report_disk_desc),
        BOOL(struct report_device, connected),
        STR(struct report_device, first_seen, FMT(FORMAT_TIME)),
        STR(struct report_device, last_seen, FMT(FORMAT_TIME)),
        STR(struct report_device, verdict, ONE_OF(verdicts)),
};
OBJECT_DESC(report_device_desc, "device", NULL,
            "A peripheral: USB device with its interfaces and disks.", struct report_device,
            device_fields);

static const struct field_desc printer_fields[] = {
        STR(struct report_printer, name, ANY),
        STR(struct report_printer, make_model, ANY),
        STR(struct report_printer, uri, ANY),
        STR(struct report_printer, connection, ONE_OF(connections)),
        STR(struct report_printer, address, ANY),
        STR(struct report_printer, location, ANY),
        STR(struct report_printer, info, ANY),
        STR(struct report_printer, state, ONE_OF(printer_states)),
        STRS(struct report_printer, state_reasons, FORMAT_NONE),
        BOOL(struct report_printer, is_default),
        BOOL(struct report_printer, accepting),
        BOOL(struct report_printer, shared),
        STR(struct report_printer, usb_port, ANY),
        STR(struct report_printer, usb_serial, ANY),
};
OBJECT_DESC(report_printer_desc, "printer", NULL,
            "A print queue, or a USB printer without one (no name).", struct report_printer,
            printer_fields);

static const struct field_desc scanner_fields[] = {
        STR(struct report_scanner, name, ANY),
        STR(struct report_scanner, vendor, ANY),
        STR(struct report_scanner, model, ANY),
        STR(struct report_scanner, type, ANY),
        STR(struct report_scanner, connection, ONE_OF(connections)),
        STR(struct report_scanner, usb_port, ANY),
        STR(struct report_scanner, usb_serial, ANY),
};
OBJECT_DESC(report_scanner_desc, "scanner", NULL,
            "A scanner as SANE sees it, or a USB scanner no backend listed (no name).",
            struct report_scanner, scanner_fields);

static const struct field_desc av_process_fields[] = {
        INT(struct report_av_process, pid, FIELD_REQUIRED, 1, I32),
        INT(struct report_av_process, uid, 0, 0, UINT32_MAX),
        STR(struct report_av_process, exe, NEED),
        STR(struct report_av_process, role, NEED_ONE_OF(av_roles)),
        BOOL(struct report_av_process, deleted),
        BOOL(struct report_av_process, sha256_match),
};
OBJECT_DESC(report_av_process_desc, "av_process", NULL,
            "A process of an antivirus product, recognised by its executable.",
            struct report_av_process, av_process_fields);

static const struct field_desc av_unit_fields[] = {
        STR(struct report_av_unit, name, NEED),
        STR(struct report_av_unit, state, NEED),
};
OBJECT_DESC(report_av_unit_desc, "av_unit", NULL, "A systemd unit of an antivirus product.",
            struct report_av_unit, av_unit_fields);

static const struct field_desc av_database_fields[] = {
        STR(struct report_av_database, name, NEED),
        STR(struct report_av_database, version, ANY),
        STR(struct report_av_database, build_time, FMT(FORMAT_TIME)),
        INT(struct report_av_database, signatures, 0, 0, BIG),
};
OBJECT_DESC(report_av_database_desc, "av_database", NULL,
            "A signature database file, as its header describes it.", struct report_av_database,
            av_database_fields);

static const struct field_desc antivirus_fields[] = {
        STR(struct report_antivirus, product, NEED),
        BOOL(struct report_antivirus, installed),
        BOOL(struct report_antivirus, running),
        BOOL(struct report_antivirus, realtime),
        BOOL(struct report_antivirus, managed),
        STR(struct report_antivirus, signature_version, ANY),
        STR(struct report_antivirus, signature_time, FMT(FORMAT_TIME)),
        INT(struct report_antivirus, signature_age_days, 0, 0, I32),
        STR(struct report_antivirus, profile, ANY),
        BOOL(struct report_antivirus, profile_verified),
        STR(struct report_antivirus, profile_source, ANY),
        STR(struct report_antivirus, engine_version, ANY),
        STR(struct report_antivirus, daemon_answer, ANY),
        STR(struct report_antivirus, managed_by, ANY),
        STR(struct report_antivirus, last_update_result, ONE_OF(update_results)),
        STR(struct report_antivirus, last_update_time, FMT(FORMAT_TIME)),
        ARR(struct report_antivirus, processes, report_av_process_desc),
        ARR(struct report_antivirus, units, report_av_unit_desc),
        ARR(struct report_antivirus, databases, report_av_database_desc),
};
OBJECT_DESC(report_antivirus_desc, "antivirus", NULL, "An antivirus product's state.",
            struct report_antivirus, antivirus_fields);

static const struct field_desc port_fields[] = {
        STR(struct report_port, protocol, NEED_ONE_OF(protocols)),
        INT(struct report_port, port, FIELD_REQUIRED, 0, U16),
        STR(struct report_port, address, ANY),
        STR(struct report_port, program, ANY),
        STR(struct report_port, family, ONE_OF(families)),
        BOOL(struct report_port, reachable),
};
OBJECT_DESC(report_port_desc, "port", NULL, "A listening socket.", struct report_port, port_fields);

static const struct field_desc fw_chain_fields[] = {
        STR(struct report_fw_chain, family, NEED_ONE_OF(fw_families)),
        STR(struct report_fw_chain, table, ANY),
        STR(struct report_fw_chain, name, NEED),
        INT(struct report_fw_chain, priority, 0, INT32_MIN, I32),
        STR(struct report_fw_chain, policy, ONE_OF(policies)),
        INT(struct report_fw_chain, rules, 0, 0, BIG),
};
OBJECT_DESC(report_fw_chain_desc, "fw_chain", NULL,
            "A chain on the input hook: its policy is the inbound default unless a rule decides.",
            struct report_fw_chain, fw_chain_fields);

static const struct field_desc firewall_fields[] = {
        STR(struct report_firewall, backend, ONE_OF(backends)),
        STR(struct report_firewall, frontend, ONE_OF(frontends)),
        BOOL(struct report_firewall, active),
        STR(struct report_firewall, default_inbound, ONE_OF(policies)),
        BOOL(struct report_firewall, established_accepted),
        INT(struct report_firewall, tables, 0, 0, BIG),
        INT(struct report_firewall, chains, 0, 0, BIG),
        INT(struct report_firewall, rules, 0, 0, BIG),
        ARR(struct report_firewall, input_chains, report_fw_chain_desc),
        ARR(struct report_firewall, open_ports, report_port_desc),
};
OBJECT_DESC(report_firewall_desc, "firewall", NULL, "The host firewall, from the kernel's ruleset.",
            struct report_firewall, firewall_fields);

static const char *const display_managers[] = {"lightdm", "gdm", "sddm", NULL};
static const struct field_desc account_fields[] = {
        STR(struct report_account, name, NEED),
        INT(struct report_account, uid, 0, 0, UINT32_MAX),
        STR(struct report_account, gecos, ANY),
        BOOL(struct report_account, admin),
        STRS(struct report_account, admin_via, FORMAT_NONE),
        BOOL(struct report_account, log_reader),
        BOOL(struct report_account, locked),
        BOOL(struct report_account, password_empty),
        BOOL(struct report_account, system),
        STR(struct report_account, shell, ANY),
        STR(struct report_account, password_changed, FMT(FORMAT_DATE)),
        INT(struct report_account, password_max_days, 0, -1, I32),
        STR(struct report_account, last_login, FMT(FORMAT_TIME)),
        INT(struct report_account, days_inactive, 0, 0, I32),
        BOOL(struct report_account, autologin),
        STR(struct report_account, autologin_by, ONE_OF(display_managers)),
        BOOL(struct report_account, guest),
};
OBJECT_DESC(report_account_desc, "account", NULL, "A local account.", struct report_account,
            account_fields);

static const char *const session_kinds[] = {"session", "live", "failed", NULL};
static const char *const session_ends[] = {"logout", "shutdown", "crash", "open", NULL};
static const struct field_desc session_fields[] = {
        STR(struct report_session, user, NEED), /* "" for a logout without its login */
        STR(struct report_session, kind, ONE_OF(session_kinds)), /* absent: "session" */
        STR(struct report_session, tty, ANY),
        STR(struct report_session, remote_host, ANY),
        STR(struct report_session, remote_address, ANY),
        STR(struct report_session, login_time, FMT(FORMAT_TIME)),
        STR(struct report_session, logout_time, FMT(FORMAT_TIME)),
        INT(struct report_session, duration_s, 0, 0, BIG),
        STR(struct report_session, end, ONE_OF(session_ends)),
        INT(struct report_session, failed_attempts, 0, 0, BIG),
};
OBJECT_DESC(report_session_desc, "session", NULL, "A login session.", struct report_session,
            session_fields);

static const struct field_desc lookup_fields[] = {
        STR(struct report_lookup, time, FIELD_REQUIRED, FORMAT_TIME, NULL, 0, 0),
        STR(struct report_lookup, exe, ANY),
        STR(struct report_lookup, sha256, FMT(FORMAT_SHA256)),
        STR(struct report_lookup, user, ANY),
        INT(struct report_lookup, pid, 0, 0, I32),
        STR(struct report_lookup, dest_ip, ANY),
        INT(struct report_lookup, dest_port, 0, 0, U16),
        STR(struct report_lookup, server_name, ANY),
        STR(struct report_lookup, verdict, ONE_OF(verdicts)),
};
OBJECT_DESC(report_lookup_desc, "lookup", NULL, "A connection to a watched lookup service.",
            struct report_lookup, lookup_fields);

static const struct field_desc finding_fields[] = {
        STR(struct report_finding, rule_id, NEED),
        STR(struct report_finding, severity, NEED_ONE_OF(severities)),
        STR(struct report_finding, message_vi, ANY),
        STR(struct report_finding, message_en, ANY),
        STR(struct report_finding, evidence, ANY),
        STR(struct report_finding, legal_ref, ANY),
};
OBJECT_DESC(report_finding_desc, "finding", NULL, "What the policy concluded from the facts.",
            struct report_finding, finding_fields);

static const struct field_desc report_fields[] = {
        INT(struct report, schema_version, FIELD_REQUIRED, REPORT_SCHEMA_VERSION,
            REPORT_SCHEMA_VERSION),
        STR(struct report, generated_at, FIELD_REQUIRED, FORMAT_TIME, NULL, 0, 0),
        STRS(struct report, collectors, FORMAT_NONE),
        OBJ(struct report, host, report_host_desc, FIELD_REQUIRED),
        ARR(struct report, devices, report_device_desc),
        ARR(struct report, printers, report_printer_desc),
        ARR(struct report, scanners, report_scanner_desc),
        ARR(struct report, antivirus, report_antivirus_desc),
        OBJ(struct report, firewall, report_firewall_desc, 0),
        ARR(struct report, accounts, report_account_desc),
        ARR(struct report, sessions, report_session_desc),
        ARR(struct report, lookups, report_lookup_desc),
        ARR(struct report, findings, report_finding_desc),
        ARR(struct report, missing, report_missing_desc),
};
OBJECT_DESC(report_desc, "snapshot", "snapshot", "A full inventory of one PC.", struct report,
            report_fields);

static const struct field_desc event_fields[] = {
        INT(struct report_event, schema_version, FIELD_REQUIRED, REPORT_SCHEMA_VERSION,
            REPORT_SCHEMA_VERSION),
        STR(struct report_event, time, FIELD_REQUIRED, FORMAT_TIME, NULL, 0, 0),
        STR(struct report_event, event, NEED_ONE_OF(events)),
        OBJ(struct report_event, device, report_device_desc, 0),
        OBJ(struct report_event, session, report_session_desc, 0),
        OBJ(struct report_event, account, report_account_desc, 0),
        OBJ(struct report_event, lookup, report_lookup_desc, 0),
        OBJ(struct report_event, finding, report_finding_desc, 0),
        OBJ(struct report_event, printer, report_printer_desc, 0),
        OBJ(struct report_event, scanner, report_scanner_desc, 0),
        OBJ(struct report_event, firewall, report_firewall_desc, 0),
        STRS(struct report_event, changes, FORMAT_NONE),
        OBJ(struct report_event, antivirus, report_antivirus_desc, 0),
        INT(struct report_event, dropped, 0, 1, BIG),
};
OBJECT_DESC(report_event_desc, "event", "event", "Something that happened between snapshots.",
            struct report_event, event_fields);

/* one per line, as it grows */
/* clang-format off */
const struct object_desc *const model_all_descs[] = {
        &report_desc,
        &report_event_desc,
        &report_host_desc,
        &report_netif_desc,
        &report_device_desc,
        &report_interface_desc,
        &report_disk_desc,
        &report_partition_desc,
        &report_printer_desc,
        &report_scanner_desc,
        &report_antivirus_desc,
        &report_av_process_desc,
        &report_av_unit_desc,
        &report_av_database_desc,
        &report_firewall_desc,
        &report_port_desc,
        &report_fw_chain_desc,
        &report_account_desc,
        &report_session_desc,
        &report_lookup_desc,
        &report_finding_desc,
        &report_missing_desc,
        NULL,
};
/* clang-format on */
