#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *log_program = "counterguard";
/* Read by every logging thread, changed on reload: atomic, so a SIGHUP's new level is a
 * plain store and no thread sees a torn value. */
static int log_max = LOG_LEVEL_WARN;

void log_set_level(enum log_level max_level) {
        __atomic_store_n(&log_max, (int)max_level, __ATOMIC_RELAXED);
}

void log_setup(const char *program, enum log_level max_level) {
        log_program = program;
        __atomic_store_n(&log_max, (int)max_level, __ATOMIC_RELAXED);
}

static void log_vmsg(enum log_level level, int error, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));
static void log_vmsg(enum log_level level, int error, const char *fmt, va_list ap) {
        char line[1024];

        if ((int)level > __atomic_load_n(&log_max, __ATOMIC_RELAXED) ||
            vsnprintf(line, sizeof(line), fmt, ap) < 0)
                return;
        /* One fprintf per message so concurrent writers do not interleave within a line. */
        if (error)
                fprintf(stderr, "%s: %s: %s\n", log_program, line, strerror(abs(error)));
        else
                fprintf(stderr, "%s: %s\n", log_program, line);
}

void log_msg(enum log_level level, int error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, error, fmt, ap);
        va_end(ap);
}

int log_errno(enum log_level level, int error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        log_vmsg(level, error, fmt, ap);
        va_end(ap);
        return error;
}
