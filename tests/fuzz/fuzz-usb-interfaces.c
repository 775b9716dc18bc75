/* USB interfaces without interface nodes (usb_interfaces.c): udev's ID_USB_INTERFACES text
 * and the binary `descriptors` attribute, as a device or a recording could make them. The
 * first byte chooses the parser. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "usb_interfaces.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct report_interface *v = NULL;
        size_t n = 0;

        if (size == 0)
                return 0;
        if (data[0] & 1) {
                char *s = malloc(size);
                if (!s)
                        return 0;
                memcpy(s, data + 1, size - 1);
                s[size - 1] = '\0';
                (void)usb_interfaces_from_property(s, &v, &n, 32);
                free(s);
        } else {
                (void)usb_interfaces_from_descriptors(data + 1, size - 1, &v, &n, 32);
        }
        assert(n <= 32);
        for (size_t i = 0; i < n; i++) {
                assert(v[i].class_ >= 0 && v[i].class_ <= 0xff);
                model_free(&report_interface_desc, &v[i]);
        }
        free(v);
        return 0;
}
