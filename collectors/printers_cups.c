/* One IPP request, CUPS-Get-Printers, on a connection of our own: libcups' cupsGetDests2 would
 * also read lpoptions files (a user's, not the PC's, defaults) and does not say whether the
 * server answered. */
#include "printers_cups.h"

#include <cups/cups.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "printers_ipp.h"

static uint64_t now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int printers_cups_query(struct report *r, unsigned timeout_ms) {
        const char *server = cupsServer();
        char why[300];
        http_t *http;
        ipp_t *request, *answer;
        uint64_t t0;
        int e;

        /* cupsServer() is a socket path or "host[:port]"; httpConnect2 takes both */
        http = httpConnect2(server, ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1,
                            (int)timeout_ms, NULL);
        if (!http) {
                /* errno after a failed connect is libcups' last close(), not the cause */
                if (server[0] == '/')
                        snprintf(why, sizeof(why),
                                 "print service not running (nothing answers at %.200s)", server);
                else
                        snprintf(why, sizeof(why),
                                 "print service not running (nothing answers at %.200s:%d)", server,
                                 ippPort());
                return report_add_missing(r, "printers", why);
        }
        /* a server that accepts and then says nothing: the request gives up (no callback) */
        httpSetTimeout(http, timeout_ms / 1000.0, NULL, NULL);
        request = ippNewRequest(IPP_OP_CUPS_GET_PRINTERS);
        if (!request) {
                httpClose(http);
                return -ENOMEM;
        }
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                     cupsUser());
        ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                      printers_ipp_n_attributes, NULL, printers_ipp_attributes);
        t0 = now_ms();
        answer = cupsDoRequest(http, request, "/"); /* frees request */
        if (!answer || ippGetStatusCode(answer) > IPP_STATUS_OK_CONFLICTING) {
                /* CUPS answers "not found" when it has no queue at all */
                e = 0;
                if (!answer || ippGetStatusCode(answer) != IPP_STATUS_ERROR_NOT_FOUND) {
                        /* cupsLastErrorString() says "Success" after a timeout: the IPP
                         * status names what went wrong (the server's, or libcups' own) */
                        if (!answer && now_ms() - t0 >= timeout_ms)
                                snprintf(why, sizeof(why),
                                         "print service did not answer within %u ms", timeout_ms);
                        else
                                snprintf(why, sizeof(why), "print service %s (%s)",
                                         answer ? "refused the request" : "did not answer",
                                         ippErrorString(answer ? ippGetStatusCode(answer)
                                                               : cupsLastError()));
                        e = report_add_missing(r, "printers", why);
                }
                ippDelete(answer);
                httpClose(http);
                return e;
        }
        e = printers_ipp_fill(answer, r);
        ippDelete(answer);
        httpClose(http);
        return e;
}
