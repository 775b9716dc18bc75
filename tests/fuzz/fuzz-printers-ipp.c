/* A CUPS-Get-Printers answer (any bytes, read by libcups' IPP decoder) turned into printers[]
 * by printers_ipp_fill: never a crash, and what it fills encodes as a valid report (the
 * strict decoder takes it back). */
#include <assert.h>
#include <cups/cups.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "printers_ipp.h"

struct input {
        const uint8_t *data;
        size_t size, off;
};

static ssize_t read_input(void *ctx, ipp_uchar_t *buf, size_t bytes) {
        struct input *in = ctx;
        size_t n = in->size - in->off < bytes ? in->size - in->off : bytes;

        memcpy(buf, in->data + in->off, n);
        in->off += n;
        return (ssize_t)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct input in = {data, size, 0};
        ipp_t *answer = ippNew();
        struct report r;
        char *json;

        if (!answer)
                return 0;
        if (ippReadIO(&in, read_input, 1, NULL, answer) != IPP_STATE_DATA) {
                ippDelete(answer);
                return 0;
        }
        report_init(&r);
        r.generated_at = strdup("2026-12-02T00:00:00.000Z");
        if (r.generated_at && report_ensure_host(&r) && printers_ipp_fill(answer, &r) == 0) {
                struct model_error err;
                struct report back;
                json = model_dump(&report_desc, &r, false);
                assert(json);
                report_init(&back);
                assert(model_parse(&report_desc, json, strlen(json), &back, &err) == 0);
                report_free(&back);
                free(json);
        }
        report_free(&r);
        ippDelete(answer);
        return 0;
}
