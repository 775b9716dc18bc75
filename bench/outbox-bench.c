/* bench/30-outbox.sh's program: N device events appended one by one to a new outbox at PATH,
 * each outbox_append a durable transaction (synchronous=FULL), as the daemon will. Prints
 * "SIZE" after closing: the bytes of the outbox file, its WAL checkpointed away.
 *   outbox-bench PATH N
 *   outbox-bench --body          the event's JSON, for the anchor to store the same bytes */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "outbox.h"

/* a device_added event of the report schema, about the size the agent sends */
static const char body[] =
        "{\"type\":\"event\",\"schema_version\":1,\"event\":\"device_added\","
        "\"time\":\"2026-11-23T08:01:10.123Z\",\"device\":{\"kinds\":[\"storage\"],\"bus\":\"usb\","
        "\"port\":\"1-2\",\"vendor_id\":\"0781\",\"product_id\":\"5581\",\"vendor\":\"SanDisk\","
        "\"product\":\"Ultra\",\"serial\":\"4C530001230412117351\",\"usb_version\":\"3.20\","
        "\"speed_mbps\":5000,\"device_class\":0,\"busnum\":2,\"devnum\":3,\"interfaces\":[{"
        "\"number\":\"00\",\"class\":8,\"subclass\":6,\"protocol\":80,\"driver\":\"usb-storage\"}],"
        "\"connected\":true}}";

int main(int argc, char **argv) {
        struct outbox *o = NULL;
        struct stat st;
        unsigned long n;

        if (argc == 2 && strcmp(argv[1], "--body") == 0) {
                fputs(body, stdout);
                return 0;
        }
        if (argc != 3 || (n = strtoul(argv[2], NULL, 10)) == 0) {
                fprintf(stderr, "usage: outbox-bench PATH N\n");
                return 2;
        }
        if (outbox_open(argv[1], 0, &o) < 0)
                return 1;
        for (unsigned long i = 0; i < n; i++)
                if (outbox_append(o, OUTBOX_EVENT, "2026-11-23T08:01:10.123Z", body, NULL) < 0)
                        return 1;
        outbox_close(o);
        if (stat(argv[1], &st) < 0)
                return 1;
        printf("%jd\n", (intmax_t)st.st_size);
        return 0;
}
