/* Enrollment: see enroll.c. */
#pragma once

#include "agent_config.h"

/* Enroll this PC with the server at `server` (verified against ca_file, or the system's CAs
 * when NULL) using a one-time token; the credential goes to config->credential. 0 or -errno,
 * logged. */
int enroll_run(const struct agent_config *config, const char *server, const char *ca_file,
               const char *token);
