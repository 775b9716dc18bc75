/* `counterguard-agent run`: see daemon.c. */
#pragma once

#include <stdbool.h>

#include "agent_config.h"

#define DAEMON_EXIT_CONFIG 2 /* the configuration or the enrollment is not usable */

/* Run until SIGTERM/SIGINT (0), or check the configuration and the enrollment and return
 * (check_only, `run -n`). Takes config (leaves it empty); config_path is read again on SIGHUP.
 * The policy is policy_arg (--policy), else agent.ini's, else the default; it is read again
 * on SIGHUP too, and an invalid one is kept out (at start: exit DAEMON_EXIT_CONFIG).
 * Returns the exit status. */
int daemon_run(struct agent_config *config, const char *config_path, const char *policy_arg,
               bool check_only);
