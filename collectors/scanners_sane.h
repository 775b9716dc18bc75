/* The scanners libsane finds. */
#pragma once

#include "report.h"

/* Fill r->scanners with the devices of SANE's local backends (sane_get_devices with
 * local_only: the net backend asks no remote saned). May block as long as a backend does:
 * the caller runs it aside. SANE not usable is a fact: missing[] "scanners". 0 or -ENOMEM. */
int scanners_sane_query(struct report *r);
