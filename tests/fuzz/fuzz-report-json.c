/* The report decoder: what the server runs on every record body an agent sends. Any input
 * must give either a document that re-encodes and decodes to the same JSON, or an error with
 * a path, and never a crash or a leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"

static void roundtrip(const struct object_desc *d, const uint8_t *data, size_t size) {
        struct model_error err;
        void *obj = malloc(d->size), *again = malloc(d->size);
        char *first, *second;

        if (!obj || !again)
                abort();
        model_init(d, obj);
        if (model_parse(d, (const char *)data, size, obj, &err) < 0) {
                if (!err.message[0])
                        abort(); /* every refusal says why */
                free(obj);
                free(again);
                return;
        }
        first = model_dump(d, obj, false);
        if (!first)
                abort();
        model_init(d, again);
        if (model_parse(d, first, strlen(first), again, &err) < 0)
                abort(); /* what we print, we must accept */
        second = model_dump(d, again, false);
        if (!second || strcmp(first, second) != 0)
                abort();
        free(first);
        free(second);
        model_free(d, obj);
        model_free(d, again);
        free(obj);
        free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        roundtrip(&report_desc, data, size);
        roundtrip(&report_event_desc, data, size);
        return 0;
}
