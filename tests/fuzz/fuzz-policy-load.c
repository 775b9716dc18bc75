/* policy.conf: any text is loaded into a valid policy or refused with "file:line: what",
 * never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static bool hex4_lower(const char *s) {
        if (!s)
                return true;
        if (strlen(s) != 4)
                return false;
        for (const char *c = s; *c; c++)
                if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
                        return false;
        return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct policy p;
        char err[512] = "";
        char *text;

        /* @include would read files: not what a fuzzer should wander into */
        if (size > 65536 || memmem(data, size, "@include", 8))
                return 0;
        text = malloc(size + 1);
        if (!text)
                return 0;
        memcpy(text, data, size);
        text[size] = '\0';
        if (policy_load_buffer("fuzz.conf", text, &p, err, sizeof(err)) == 0) {
                for (size_t i = 0; i < p.usb.n_approved; i++)
                        if (!p.usb.approved[i].vendor_id || !p.usb.approved[i].product_id ||
                            !hex4_lower(p.usb.approved[i].vendor_id) ||
                            !hex4_lower(p.usb.approved[i].product_id))
                                abort(); /* an approved device always has valid ids */
                if (p.lookup.office_start_min >= p.lookup.office_end_min ||
                    p.usb.mode >= POLICY_USB_MODE_MAX)
                        abort();
                policy_free(&p);
        } else if (strncmp(err, "fuzz.conf:", 10) != 0) {
                abort(); /* every error names the file (and the line) */
        }
        free(text);
        return 0;
}
