#include "policy_file.h"

#include <errno.h>

#include "log.h"

int policy_file_load(const char *path, struct policy *ret) {
        char err[1024];
        int r = policy_load(path ? path : POLICY_DEFAULT_PATH, ret, err, sizeof(err));

        if (r == -ENOENT && !path) {
                /* a PC installed but not configured yet: judged by the documented defaults */
                log_info("%s does not exist: the built-in policy applies (nothing approved "
                         "but signing tokens; see counterguard-policy.conf(5))",
                         POLICY_DEFAULT_PATH);
                r = policy_init(ret);
                if (r < 0)
                        policy_free(ret);
                return r;
        }
        if (r < 0)
                log_error("%s", err);
        return r;
}
