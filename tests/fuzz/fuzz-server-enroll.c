/* The enrollment body (the one request anyone may send without a credential): accepted or
 * refused with an error and a detail that is valid UTF-8, never a crash or a leak. */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "http.h"
#include "json_budget.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static int installed;
        const char *error = NULL;
        struct enroll *e = NULL;
        char detail[600];
        json_t *s;

        if (!installed) {
                json_budget_install(); /* before the first JSON value, as main() does */
                installed = 1;
        }
        if (api_enroll_parse((const char *)data, size, &e, &error, detail, sizeof(detail)) == 0) {
                api_enroll_free(e);
                return 0;
        }
        if (!error)
                return 0; /* out of memory */
        /* the detail goes into a JSON answer: it must encode */
        s = json_string(detail);
        if (!s || detail[0] == '\0')
                __builtin_trap();
        json_decref(s);
        return 0;
}
