/* `counterguard-agent run`: see daemon.c. */
#pragma once

#include <stdbool.h>

#include "agent_config.h"

#define DAEMON_EXIT_CONFIG 2 /* the configuration or the enrollment is not usable */

/* Run until SIGTERM/SIGINT (0), or check the configuration and the enrollment and return
 * (check_only, `run -n`). Takes config (leaves it empty); config_path is read again on SIGHUP.
 * Returns the exit status. */
int daemon_run(struct agent_config *config, const char *config_path, bool check_only);
