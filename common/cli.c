#include "cli.h"

#include <stdarg.h>
#include <stdio.h>

int cli_usage_error(const char *program, const char *fmt, ...) {
        va_list ap;

        fprintf(stderr, "%s: ", program);
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nTry '%s --help'.\n", program);
        return CLI_EXIT_USAGE;
}
