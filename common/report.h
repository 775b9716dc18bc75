/* The report model, schema v1: what an agent knows about its PC (facts), what the policy
 * concluded (findings), and the events between two snapshots. docs/report-schema-v1.json is
 * its JSON form; common/report_json.c is the one codec between the two.
 *
 * Conventions that the codec relies on:
 *  - every string is owned, valid UTF-8 and NULL when the fact is not known;
 *  - an integer fact is REPORT_UNSET when not known;
 *  - a boolean fact is a tristate: REPORT_UNKNOWN (-1), 0 or 1;
 *  - a list is a pointer plus its count (`foo` and `n_foo`). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REPORT_SCHEMA_VERSION 1
#define REPORT_UNSET          INT64_MIN
#define REPORT_UNKNOWN        ((int8_t)-1)

/* Caps the decoder enforces on outside data; the collectors cap what they read the same way. */
#define REPORT_MAX_STRING 4096
#define REPORT_MAX_LIST   65536

enum device_kind {
        DEVICE_KIND_STORAGE,
        DEVICE_KIND_PRINTER,
        DEVICE_KIND_SCANNER,
        DEVICE_KIND_SMARTCARD, /* smart-card readers and signing tokens (CCID) */
        DEVICE_KIND_INPUT,     /* keyboards, mice and other HID */
        DEVICE_KIND_PHONE,     /* MTP/PTP phones, ADB */
        DEVICE_KIND_NETWORK,
        DEVICE_KIND_HUB,
        DEVICE_KIND_CAMERA_AUDIO,
        DEVICE_KIND_OTHER,
        DEVICE_KIND_WIRELESS, /* Bluetooth, Wi-Fi and other radio adapters */
        DEVICE_KIND_SERIAL,   /* USB-serial adapters and CDC ACM modems */
        DEVICE_KIND_MAX,
};

const char *device_kind_to_string(enum device_kind k);
int device_kind_from_string(const char *s); /* the kind, or -EINVAL */
/* "storage,printer" for a bit set of kinds, into buf (whole names only). */
const char *device_kinds_string(uint32_t kinds, char *buf, size_t size);

struct report_missing {
        char *fact;   /* "host.machine_id", "devices[1-2].serial" */
        char *reason; /* strerror text or a short explanation */
};

struct report_netif {
        char *name;
        char *mac;
        char **ipv4;
        size_t n_ipv4;
        char **ipv6;
        size_t n_ipv6;
};

struct report_host {
        char *machine_id;
        char *hostname;
        char *unit;    /* administrative unit code, from agent.ini */
        char *counter; /* counter label, from agent.ini */
        char *os_id;
        char *os_name;
        char *os_version;
        char *kernel;
        char *arch;
        char *dmi_vendor;
        char *dmi_model;
        char *dmi_serial;
        char *dmi_asset_tag;
        struct report_netif *netifs;
        size_t n_netifs;
        int64_t uptime_s;
        char *agent_version;
        char *policy_version;
};

struct report_partition {
        char *name; /* "sdb1" */
        int64_t size_bytes;
        char *fs_type;
        char *fs_label;
        char *fs_uuid;
};

struct report_disk {
        char *name;    /* "sdb" */
        char *devnode; /* "/dev/sdb" */
        int64_t size_bytes;
        char *vendor;
        char *model;
        char *serial;
        int8_t removable;
        struct report_partition *partitions;
        size_t n_partitions;
};

struct report_interface {
        char *number;   /* bInterfaceNumber, 2 hex digits */
        int64_t class_; /* bInterfaceClass */
        int64_t subclass;
        int64_t protocol;
        char *driver;
        char *label; /* the interface string, "MTP" */
};

struct report_device {
        uint32_t kinds; /* bit set of enum device_kind */
        char *bus;      /* "usb" */
        char *port;     /* sysfs name of the port path, "1-1.2" */
        char *vendor_id;
        char *product_id;
        char *vendor;
        char *product;
        char *serial;
        char *usb_version; /* "2.00" */
        int64_t speed_mbps;
        int64_t device_class;
        int64_t busnum;
        int64_t devnum;
        struct report_interface *interfaces;
        size_t n_interfaces;
        struct report_disk *disks;
        size_t n_disks;
        int8_t connected;
        char *first_seen; /* set by the server */
        char *last_seen;
        char *verdict; /* set by the policy: "approved", "unapproved", "blocked" */
};

struct report_printer {
        char *name; /* the CUPS queue; NULL for a USB printer without a queue */
        char *make_model;
        char *uri;
        char *connection; /* "usb", "network", "file", "other" */
        char *address;    /* the host (and port) of a network device URI */
        char *location;
        char *info;
        char *state; /* "idle", "processing", "stopped" */
        char **state_reasons;
        size_t n_state_reasons;
        int8_t is_default;
        int8_t accepting;
        int8_t shared;
        char *usb_port;   /* the matched USB device's port, "1-5" */
        char *usb_serial; /* the matched USB device's serial */
};

struct report_scanner {
        char *name; /* SANE device name; NULL for a USB scanner no SANE backend listed */
        char *vendor;
        char *model;
        char *type;
        char *connection;
        char *usb_port;
        char *usb_serial;
};

/* A process of an antivirus product, recognised by its executable (/proc/PID/exe). */
struct report_av_process {
        int64_t pid;
        int64_t uid;
        char *exe;
        char *role;          /* "daemon", "realtime", "updater", "manager" */
        int8_t deleted;      /* its executable was replaced or removed since it started */
        int8_t sha256_match; /* the profile pins the file's SHA-256: does the file match */
};

struct report_av_unit {
        char *name;  /* "clamav-daemon.service" */
        char *state; /* systemd's ActiveState, "not-found", or "unknown" without systemd */
};

/* A signature database file and what its header says. */
struct report_av_database {
        char *name; /* "daily.cld" */
        char *version;
        char *build_time; /* the header's build time (its epoch field), never the file's date */
        int64_t signatures;
};

struct report_antivirus {
        char *product;
        int8_t installed;
        int8_t running;
        int8_t realtime;
        int8_t managed;
        char *signature_version;
        char *signature_time;
        int64_t signature_age_days;
        char *profile;            /* the profile that recognised it: "clamav" */
        int8_t profile_verified;  /* the profile was checked against a real install */
        char *profile_source;     /* where the profile's facts come from */
        char *engine_version;     /* the scanning engine, as the daemon answers */
        char *daemon_answer;      /* the daemon's own status line, as it answered */
        char *managed_by;         /* the console the product reports to, when known */
        char *last_update_result; /* "updated", "up-to-date", "failed", from the updater's log */
        char *last_update_time;
        struct report_av_process *processes;
        size_t n_processes;
        struct report_av_unit *units;
        size_t n_units;
        struct report_av_database *databases;
        size_t n_databases;
};

struct report_port {
        char *protocol; /* "tcp", "udp" */
        int64_t port;
        char *address;
        char *program;
        char *family;     /* "ipv4", "ipv6" */
        int8_t reachable; /* a new packet from outside would get through the ruleset */
};

/* An input-hook chain: where the inbound default comes from. */
struct report_fw_chain {
        char *family; /* "ip", "ip6", "inet", "iptables-legacy" */
        char *table;
        char *name;
        int64_t priority;
        char *policy; /* "accept", "drop" */
        int64_t rules;
};

struct report_firewall {
        char *backend;  /* the kernel's: "nftables", "iptables" (legacy), "none" */
        char *frontend; /* who wrote it: "ufw", "firewalld", "iptables", "nftables", "none" */
        int8_t active;
        char *default_inbound; /* "accept", "drop", "reject", "unknown" */
        int8_t established_accepted;
        int64_t tables;
        int64_t chains;
        int64_t rules;
        struct report_fw_chain *input_chains;
        size_t n_input_chains;
        struct report_port *open_ports; /* every listening socket, reachable or not */
        size_t n_open_ports;
};

struct report_account {
        char *name;
        int64_t uid;
        char *gecos; /* the full name field of passwd */
        int8_t admin;
        char **admin_via; /* "group sudo", "sudoers /etc/sudoers.d/x:3" */
        size_t n_admin_via;
        int8_t log_reader; /* member of adm: reads the system logs, not an administrator */
        int8_t locked;
        int8_t password_empty;
        int8_t system; /* uid outside login.defs' UID_MIN..UID_MAX */
        char *shell;
        char *password_changed; /* date */
        int64_t password_max_days;
        char *last_login;
        int64_t days_inactive;
        int8_t autologin;   /* a display manager logs it in without a password */
        char *autologin_by; /* "lightdm", "gdm", "sddm" */
        int8_t guest;       /* a display manager's guest account (LightDM allow-guest) */
};

struct report_session {
        char *user;
        char *kind; /* "session" (wtmp), "live" (logind), "failed" (btmp, per user) */
        char *tty;
        char *remote_host;    /* ut_host as written: a name or an address */
        char *remote_address; /* ut_addr_v6: IPv4 or IPv6 */
        char *login_time;
        char *logout_time;
        int64_t duration_s;
        char *end; /* "logout", "shutdown", "crash" (a boot came first), "open" */
        int64_t failed_attempts;
};

struct report_lookup {
        char *time;
        char *exe;
        char *sha256;
        char *user;
        int64_t pid;
        char *dest_ip;
        int64_t dest_port;
        char *server_name;
        char *verdict; /* "approved", "unapproved" */
};

struct report_finding {
        char *rule_id;
        char *severity; /* "info", "low", "medium", "high", "critical" */
        char *message_vi;
        char *message_en;
        char *evidence;
        char *legal_ref;
};

/* A full inventory: one `snapshot` record. */
struct report {
        int64_t schema_version;
        char *generated_at; /* RFC 3339 UTC */
        char **collectors;  /* the collectors that ran: their sections are complete */
        size_t n_collectors;
        struct report_host *host;
        struct report_device *devices;
        size_t n_devices;
        struct report_printer *printers;
        size_t n_printers;
        struct report_scanner *scanners;
        size_t n_scanners;
        struct report_antivirus *antivirus;
        size_t n_antivirus;
        struct report_firewall *firewall;
        struct report_account *accounts;
        size_t n_accounts;
        struct report_session *sessions;
        size_t n_sessions;
        struct report_lookup *lookups;
        size_t n_lookups;
        struct report_finding *findings;
        size_t n_findings;
        struct report_missing *missing;
        size_t n_missing;
};

/* Something that happened between two snapshots: one `event` record. */
struct report_event {
        int64_t schema_version;
        char *time;
        char *event; /* "device_added", "device_removed", "device_changed", "printer_added", ... */
        struct report_device *device;
        struct report_session *session;
        struct report_account *account; /* account_added, account_removed, account_changed */
        struct report_lookup *lookup;
        struct report_finding *finding;
        struct report_printer *printer;
        struct report_scanner *scanner;
        struct report_firewall *firewall; /* firewall_changed: the new state */
        char **changes;                   /* firewall_changed: what changed, in words */
        size_t n_changes;
        struct report_antivirus *antivirus; /* antivirus_started, _stopped, _changed */
        int64_t dropped; /* records_dropped: how many the agent's full outbox lost */
};

/* Initialise to "nothing known": strings NULL, integers REPORT_UNSET, booleans unknown. */
void report_init(struct report *r);
void report_device_init(struct report_device *d);
void report_event_init(struct report_event *e);
void report_free(struct report *r);               /* frees the contents, accepts NULL */
void report_device_free(struct report_device *d); /* frees the contents, accepts NULL */
void report_event_free(struct report_event *e);   /* frees the contents, accepts NULL */

/* r->host, allocated and initialised if it was NULL; NULL on out of memory. */
struct report_host *report_ensure_host(struct report *r);

/* Append a zero-initialised (in the above sense) element; NULL on out of memory. */
struct report_device *report_add_device(struct report *r);
int report_add_missing(struct report *r, const char *fact, const char *reason);

/* Deep copy of a device (the hotplug cache keeps one per device). 0 or -ENOMEM. */
int report_device_copy(const struct report_device *src, struct report_device *ret);
