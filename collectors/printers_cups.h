/* The print service, asked through libcups: which queues it has. */
#pragma once

#include "report.h"

/* Fill r->printers from the CUPS server libcups is configured for (cupsServer(): CUPS_SERVER,
 * client.conf, else the local socket), giving up on an unanswered request after timeout_ms.
 * A server that is not there is a fact: missing[] "printers" with "print service not running
 * (...)"; a failed request likewise with CUPS' reason. 0 or -ENOMEM. */
int printers_cups_query(struct report *r, unsigned timeout_ms);
