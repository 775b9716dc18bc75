/* agent.ini: the agent's settings. Today, where the PC stands: its unit's code and its
 * counter's label, which every report carries. See agent.ini(5). */
#pragma once

#include <stdbool.h>

#include "report.h"

#define AGENT_CONFIG_DEFAULT_PATH "/etc/counterguard/agent.ini"

struct agent_config {
        char *unit;    /* the unit's code, as on the server ("0101Q1") */
        char *counter; /* the counter's label, free text ("Quầy 1") */
};

void agent_config_free(struct agent_config *c); /* the contents; accepts NULL */

/* Load path into ret (zeroed by the caller). 0; -EINVAL (logged as file:line, or naming the
 * key); -ENOENT when the file does not exist (logged only when `required`); -ENOMEM. */
int agent_config_load(const char *path, bool required, struct agent_config *ret);
int agent_config_load_string(const char *name, const char *text, struct agent_config *ret);

/* Where the PC stands: set r->host's unit and counter from c. 0 or -ENOMEM. */
int agent_config_locate(const struct agent_config *c, struct report *r);
