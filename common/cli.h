/* What the command-line programs share: the usage error every wrong invocation gets. */
#pragma once

#define CLI_EXIT_USAGE 2

/* "PROGRAM: message" and "Try 'PROGRAM --help'." on stderr; returns CLI_EXIT_USAGE, for
 * `return cli_usage_error(...)`. */
int cli_usage_error(const char *program, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
