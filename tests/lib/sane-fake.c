/* SANE backends for the tests, built by tests/integration/lib-printers.sh:
 *   -DBACKEND=hang      discovery never returns, as a backend probing an unanswering network
 *                       or device does
 *   -DBACKEND=fakeusb   lists one device, "libusb:BBB:DDD" (sanei_usb's form; the dll backend
 *                       puts "fakeusb:" in front), from
 * SANE_FAKE_DEVICE="BBB:DDD|vendor|model|type" SANE's dll backend finds libsane-BACKEND.so.1 on
 * LD_LIBRARY_PATH and calls its sane_BACKEND_* functions. */
#include <sane/sane.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAT3(a, b, c) a##b##c
#define SYM3(a, b, c) CAT3(a, b, c)
#define SYM(f)        SYM3(sane_, BACKEND, _##f)
#define STR2(x)       #x
#define STR(x)        STR2(x)

SANE_Status SYM(init)(SANE_Int *version, SANE_Auth_Callback authorize);
void SYM(exit)(void);
SANE_Status SYM(get_devices)(const SANE_Device ***list, SANE_Bool local_only);

SANE_Status SYM(init)(SANE_Int *version, SANE_Auth_Callback authorize) {
        (void)authorize;
        if (version)
                *version = SANE_VERSION_CODE(1, 0, 0);
        return SANE_STATUS_GOOD;
}

void SYM(exit)(void) {
}

static char name[64], addr[16], vendor[64], model[64], type[64];
static SANE_Device dev = {name, vendor, model, type};
static const SANE_Device *devices[] = {&dev, NULL};
static const SANE_Device *none[] = {NULL};
static const char backend_name[] = STR(BACKEND);
static const int hangs = sizeof(backend_name) == sizeof("hang") && backend_name[0] == 'h';

SANE_Status SYM(get_devices)(const SANE_Device ***list, SANE_Bool local_only) {
        const char *spec = getenv("SANE_FAKE_DEVICE");

        (void)local_only;
        if (hangs)
                for (;;)
                        pause();
        if (!spec ||
            sscanf(spec, "%15[^|]|%63[^|]|%63[^|]|%63[^|]", addr, vendor, model, type) != 4) {
                *list = none;
                return SANE_STATUS_GOOD;
        }
        snprintf(name, sizeof(name), "libusb:%s", addr);
        *list = devices;
        return SANE_STATUS_GOOD;
}
