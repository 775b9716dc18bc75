/* `counterguard-agent status`: see status.c. */
#pragma once

#include "agent_config.h"

/* Print the agent's state. Returns the exit status: 0 enrolled and running and not revoked,
 * 1 otherwise, 2 when not enrolled and never run. */
int status_run(const struct agent_config *config);
