/* Device URIs (printers_uri.c) and SANE device names (scanners_name.c), the two parsers of
 * what CUPS and SANE say about where a device is: any bytes give valid UTF-8 outputs or
 * none, never a crash or a read past the end. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "text.h"
#include "printers_uri.h"
#include "scanners_name.h"

/* valid UTF-8, no NUL: sanitising it changes nothing */
static void assert_clean(const char *s) {
        char *again;

        if (!s)
                return;
        again = text_sanitize(s, strlen(s), strlen(s) + 1);
        assert(again && strcmp(again, s) == 0);
        free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        struct printers_uri u;
        struct scanners_name n;

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = '\0';
        if (printers_uri_parse(s, &u) == 0) {
                /* what it kept is what the report will carry: valid UTF-8 */
                assert_clean(u.address);
                assert_clean(u.usb_make);
                assert_clean(u.usb_model);
                assert_clean(u.usb_serial);
                assert_clean(u.redacted);
                printers_uri_free(&u);
        }
        scanners_name_parse(s, &n);
        assert(n.busnum == REPORT_UNSET || (n.busnum > 0 && n.busnum < 1000));
        free(s);
        return 0;
}
