/* The privileged parent's decoder, fed what a compromised worker could send: whatever the
 * bytes, the reply is either an error header echoing what could be read, or the full reply of
 * a request of the table, and nothing crashes or reads past the message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privsep_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static _Alignas(struct privsep_hello_reply) unsigned char reply[PRIVSEP_MSG_MAX];
        struct privsep_header in, out;
        uint8_t *msg;
        int fd;
        size_t len;

        /* a fuzzed name may be a real USB device of this PC: never write its sysfs */
        privsep_sysfs_root = "/nonexistent/counterguard-fuzz";

        log_set_level(LOG_LEVEL_ERROR); /* every input is a warning otherwise */
        /* an exact-size copy: ASan sees a read past the message */
        msg = malloc(size ? size : 1);
        if (!msg)
                return 0;
        memcpy(msg, data, size);
        len = privsep_handle_request(msg, size, reply, &fd);
        if (fd >= 0)
                close(fd);
        memcpy(&out, reply, sizeof(out));
        if (out.error < 0) {
                if (len != sizeof(out))
                        abort();
        } else {
                /* a success: only a well-formed request of the table, and its full reply */
                if (size < sizeof(in))
                        abort();
                memcpy(&in, msg, sizeof(in));
                if (out.error != 0 || in.type == PRIV_NONE || in.type >= PRIV_REQUEST_MAX ||
                    size != privsep_requests[in.type].request_size ||
                    len != privsep_requests[in.type].reply_size || in.error || in.unused)
                        abort();
        }
        if (size >= sizeof(in)) {
                memcpy(&in, msg, sizeof(in));
                if (out.type != in.type || out.id != in.id)
                        abort();
        }
        free(msg);
        return 0;
}
