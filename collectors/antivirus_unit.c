/* systemd unit states over sd-bus (antivirus_unit.h). Two property reads per unit on the
 * system bus: LoadState (is there such a unit) and ActiveState. */
#include "antivirus_unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>

#define UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define UNIT_IFACE  "org.freedesktop.systemd1.Unit"

int av_unit_systemd_running(void) {
        return sd_booted() > 0;
}

static int property(sd_bus *bus, const char *path, const char *name, char **ret) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, UNIT_IFACE, name,
                                           &error, ret);
        sd_bus_error_free(&error);
        return r;
}

int av_unit_state(struct sd_bus **bus, const char *unit, char state[AV_UNIT_STATE_MAX]) {
        char *path = NULL, *load = NULL, *active = NULL;
        int r;

        if (!*bus) {
                r = sd_bus_open_system(bus);
                if (r < 0)
                        return r;
                /* a stuck systemd must not hold the snapshot: the default is 25 s */
                (void)sd_bus_set_method_call_timeout(*bus, (uint64_t)1000 * 1000);
        }
        r = sd_bus_path_encode(UNIT_PREFIX, unit, &path);
        if (r < 0)
                return r;
        r = property(*bus, path, "LoadState", &load);
        if (r >= 0 && strcmp(load, "not-found") == 0) {
                snprintf(state, AV_UNIT_STATE_MAX, "not-found");
        } else if (r >= 0) {
                r = property(*bus, path, "ActiveState", &active);
                if (r >= 0)
                        snprintf(state, AV_UNIT_STATE_MAX, "%s", active);
        }
        free(path);
        free(load);
        free(active);
        return r < 0 ? r : 0;
}

void av_unit_bus_close(struct sd_bus *bus) {
        if (bus)
                sd_bus_flush_close_unref(bus);
}
