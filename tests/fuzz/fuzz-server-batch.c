/* The server's records decoder: envelope and report schema on arbitrary bytes. It must
 * accept or refuse with a field path, never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "batch.h"
#include "json_budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static int installed;
        struct batch_error err;
        struct batch b;
        json_t *s;

        if (!installed) {
                json_budget_install(); /* the parse's memory budget, as in the server */
                installed = 1;
        }
        if (batch_parse((const char *)data, size, 1000, &b, &err) == 0) {
                /* What was accepted is whole: every record has its time and body text. */
                for (size_t i = 0; i < b.n_records; i++)
                        if (!b.records[i].time || !b.records[i].body_json)
                                __builtin_trap();
                batch_free(&b);
        } else if (err.detail[0] == '\0') {
                __builtin_trap(); /* a refusal always says why */
        } else {
                /* and what it says goes into a JSON answer: it must encode */
                s = json_string(err.detail);
                if (!s)
                        __builtin_trap();
                json_decref(s);
        }
        return 0;
}
