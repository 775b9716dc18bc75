/* A sock_diag answer (inet_diag messages and their attributes): the first byte says TCP or
 * UDP, the rest is the answer. Any bytes give ports or nothing, never a crash. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "firewall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct report r;
        struct report_firewall *fw = calloc(1, sizeof(*fw));
        uint8_t *answer = malloc(size ? size : 1); /* aligned, as a receive buffer is */

        if (!fw || !answer || size < 1) {
                free(fw);
                free(answer);
                return 0;
        }
        memcpy(answer, data + 1, size - 1);
        (void)firewall_sockets_parse(answer, size - 1, data[0] & 1 ? IPPROTO_UDP : IPPROTO_TCP,
                                     NULL, fw);
        free(answer);
        report_init(&r);
        r.firewall = fw;
        report_free(&r);
        return 0;
}
