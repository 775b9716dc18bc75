/* The state of a systemd unit, from systemd itself (sd-bus), when systemd runs. */
#pragma once

#include <stddef.h>

struct sd_bus;

#define AV_UNIT_STATE_MAX 32

/* Whether systemd is this machine's init (sd_booted: /run/systemd/system exists). */
int av_unit_systemd_running(void);

/* systemd's ActiveState of unit ("active", "inactive", "failed", ...), "not-found" when
 * systemd knows no such unit, into state. *bus is opened on first use (NULL at first) and
 * closed by the caller with av_unit_bus_close. 0 or -errno (systemd did not answer within
 * its 1 s timeout, the bus is refused to us). */
int av_unit_state(struct sd_bus **bus, const char *unit, char state[AV_UNIT_STATE_MAX]);
void av_unit_bus_close(struct sd_bus *bus);
