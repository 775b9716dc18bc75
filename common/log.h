/* Logging to stderr, one line per message, "counterguard-agent: usb: message". The level is
 * set once by the program (--verbose); common/ code only ever logs at debug. */
#pragma once

#include <stdarg.h>

enum log_level {
        LOG_LEVEL_ERROR,
        LOG_LEVEL_WARN,
        LOG_LEVEL_INFO,
        LOG_LEVEL_DEBUG,
        LOG_LEVEL_MAX,
};

void log_setup(const char *program, enum log_level max_level); /* once, before threads */
void log_set_level(enum log_level max_level);                  /* any time, from any thread */
void log_msg(enum log_level level, int error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, 0, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LEVEL_WARN, 0, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)
/* Log with strerror(-r) appended and evaluate to r (a negative errno), for `return log_...`. */
int log_errno(enum log_level level, int error, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
#define log_error_errno(r, ...) log_errno(LOG_LEVEL_ERROR, (r), __VA_ARGS__)
#define log_warn_errno(r, ...)  log_errno(LOG_LEVEL_WARN, (r), __VA_ARGS__)
#define log_debug_errno(r, ...) log_errno(LOG_LEVEL_DEBUG, (r), __VA_ARGS__)
