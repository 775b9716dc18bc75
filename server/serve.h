/* `counterguard-server serve`: the daemon's life from start to SIGTERM. */
#pragma once

#include "config.h"

/* Runs until SIGTERM/SIGINT; SIGHUP reloads config_path. Takes over *c. Returns an exit
 * status. */
int serve_run(const char *config_path, struct server_config *c);

/* `serve -n`: check c as serve would use it (TLS files, store reachable and migrated) without
 * serving. 0 or -errno, logged. */
int serve_check(const struct server_config *c);
