/* The process table (PRIVILEGED_PROCESSES): any bytes give records or an error, never a
 * crash; every record's exe is a NUL-terminated path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "processes.h"

static int check(const struct process_record *p, void *userdata) {
        size_t *n = userdata;

        if (p->readable && (p->exe[0] == '\0' || strlen(p->exe) > PROCESSES_EXE_MAX))
                abort();
        (*n)++;
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        size_t n = 0, line = 0;

        bool ptrace;

        (void)processes_parse((const char *)data, size, check, &n, &line, &ptrace);
        return 0;
}
