/* A SANE backend whose discovery never returns, as a backend probing an unanswering network
 * or device does: for the tests that the agent's loop is not held by it. */
#include <sane/sane.h>
#include <unistd.h>

SANE_Status sane_hang_init(SANE_Int *version, SANE_Auth_Callback authorize);
void sane_hang_exit(void);
SANE_Status sane_hang_get_devices(const SANE_Device ***list, SANE_Bool local_only);

SANE_Status sane_hang_init(SANE_Int *version, SANE_Auth_Callback authorize) {
        (void)authorize;
        if (version)
                *version = SANE_VERSION_CODE(1, 0, 0);
        return SANE_STATUS_GOOD;
}

void sane_hang_exit(void) {
}

SANE_Status sane_hang_get_devices(const SANE_Device ***list, SANE_Bool local_only) {
        (void)list;
        (void)local_only;
        for (;;)
                pause();
}
