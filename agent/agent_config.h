/* agent.ini: the agent's settings. Where the PC stands (its unit's code and its counter's
 * label, which every report carries), and how the daemon reports: server, CA, credential,
 * outbox, snapshot interval, the worker's user. See agent.ini(5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

#define AGENT_CONFIG_DEFAULT_PATH "/etc/counterguard/agent.ini"
#define AGENT_STATE_DIR           "/var/lib/counterguard-agent"

struct agent_config {
        /* [agent] */
        char *unit;                 /* the unit's code, as on the server ("0101Q1") */
        char *counter;              /* the counter's label, free text ("Quầy 1") */
        char *user;                 /* the worker's user, default "counterguard" */
        unsigned snapshot_interval; /* seconds between full snapshots, default 300 */
        char *policy_path;          /* policy.conf; NULL: POLICY_DEFAULT_PATH */
        /* [server] */
        char *server_url; /* https://host:port; else the one enrollment recorded */
        char *ca_file;    /* the CA that signed the server's certificate; else the system's */
        char *credential; /* default AGENT_STATE_DIR/credential */
        /* [outbox] */
        char *outbox_path; /* default AGENT_STATE_DIR/outbox.db */
        size_t outbox_cap; /* bytes, default 64 MiB */
        /* [sessions]: what a snapshot carries; 0 is the collector's default */
        unsigned sessions_max;      /* the most recent sessions */
        unsigned sessions_max_days; /* how many days back */
};

void agent_config_free(struct agent_config *c); /* the contents; accepts NULL */

/* Load path into ret (zeroed by the caller); unset keys get their defaults. 0; -EINVAL
 * (logged as file:line, or naming the key); -ENOENT when the file does not exist (logged
 * only when `required`; ret then holds the defaults); -ENOMEM. */
int agent_config_load(const char *path, bool required, struct agent_config *ret);
int agent_config_load_string(const char *name, const char *text, struct agent_config *ret);

/* Where the PC stands: set r->host's unit and counter from c. 0 or -ENOMEM. */
int agent_config_locate(const struct agent_config *c, struct report *r);
