/* Configuration files (server.ini, agent.ini) through inih, strictly: every key of a file is
 * declared in a table, an unknown section or key, a duplicate or a bad value is an error
 * logged as "file:line: what", and the program refuses to start on it. Values land in the
 * caller's struct at each key's offset. This file is the one place inih's conventions show
 * (handler returns 0 on error, ini_parse returns the line of the first one). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum ini_type {
        INI_STRING,    /* char *, replaced (the old value freed); empty is an error */
        INI_BOOL,      /* bool: on/off, yes/no, true/false, 1/0 */
        INI_UINT,      /* unsigned in [min, max] */
        INI_SIZE,      /* size_t, "8M", "512k", "1G"; 0 is an error */
        INI_LOG_LEVEL, /* enum log_level: error, warning, info, debug */
        INI_TYPE_MAX,
};

struct ini_key {
        const char *section;
        const char *name;
        enum ini_type type;
        size_t offset;
        unsigned min, max; /* INI_UINT */
};

#define INI_MAX_KEYS 64

/* Parse path (or, for tests and fuzzing, text named `name`) into target. 0; -EINVAL on a
 * bad file (logged with its line); -ENOMEM; -errno when the file cannot be opened (logged).
 * On failure target may hold some values: the caller frees and discards it. */
int ini_config_load(const char *path, const struct ini_key *keys, size_t n_keys, void *target);
int ini_config_load_string(const char *name, const char *text, const struct ini_key *keys,
                           size_t n_keys, void *target);

/* "8M" and friends; -EINVAL, -ERANGE. */
int ini_parse_size(const char *s, size_t *ret);
/* A decimal in [min, max]; -EINVAL, -ERANGE. */
int ini_parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret);
