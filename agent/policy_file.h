/* Which policy file the agent uses, and loading it with its errors on stderr. */
#pragma once

#include <stdbool.h>

#include "policy.h"

/* Load path (NULL: POLICY_DEFAULT_PATH). A missing default file gives the built-in defaults
 * (logged); a missing file that was named, or any invalid one, is an error, logged as
 * "file:line: what is wrong". 0, -EINVAL, -ENOENT, -ENOMEM. */
int policy_file_load(const char *path, struct policy *ret);
