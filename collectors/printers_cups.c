/* One IPP request, CUPS-Get-Printers, on a connection of our own: libcups' cupsGetDests2 would
 * also read lpoptions files (a user's, not the PC's, defaults) and does not say whether the
 * server answered. */
#include "printers_cups.h"

#include <cups/cups.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers_ipp.h"
#include "text.h"

int printers_cups_query(struct report *r, unsigned timeout_ms) {
        const char *server = cupsServer();
        char why[300];
        http_t *http;
        ipp_t *request, *answer;
        int e;

        /* cupsServer() is a socket path or "host[:port]"; httpConnect2 takes both */
        http = httpConnect2(server, ippPort(), NULL, AF_UNSPEC, cupsEncryption(), 1,
                            (int)timeout_ms, NULL);
        if (!http) {
                snprintf(why, sizeof(why), "print service not running (%.200s: %s)", server,
                         strerror(errno ? errno : ECONNREFUSED));
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
        answer = cupsDoRequest(http, request, "/"); /* frees request */
        if (!answer || ippGetStatusCode(answer) > IPP_STATUS_OK_CONFLICTING) {
                /* CUPS answers "not found" when it has no queue at all */
                e = 0;
                if (!answer || ippGetStatusCode(answer) != IPP_STATUS_ERROR_NOT_FOUND) {
                        /* the status text is the server's: any bytes */
                        char *clean;
                        snprintf(why, sizeof(why), "print service did not answer (%.200s)",
                                 cupsLastErrorString());
                        clean = text_sanitize(why, strlen(why), sizeof(why));
                        e = clean ? report_add_missing(r, "printers", clean) : -ENOMEM;
                        free(clean);
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
