/* The policy file's settings as a table (settings.c): name, type, where it goes in struct
 * policy, its bounds. The loader (load.c) walks it against libconfig's tree, policy_free
 * walks it to free; docs/counterguard-policy.conf.5 documents the same names. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum setting_type {
        SETTING_BOOL,
        SETTING_INT,      /* int64_t, lo..hi */
        SETTING_FLOAT,    /* double, lo..hi */
        SETTING_STRING,   /* char *, at most hi bytes */
        SETTING_ENUM,     /* int, the index of its word in `words` */
        SETTING_HEX4,     /* char *, 4 hex digits, stored lower case (USB ids) */
        SETTING_SHA256,   /* char *, 64 hex digits, stored lower case */
        SETTING_HHMM,     /* int64_t minutes after midnight, from "07:00" */
        SETTING_DAYS,     /* uint8_t bit set, from ["mon", "tue", ...] */
        SETTING_CLASSES,  /* uint8_t[32] bit set, from [0x07, 0x08] */
        SETTING_STRINGS,  /* char ** and count; `words` non-NULL: each one of them */
        SETTING_NAMES,    /* SETTING_STRINGS of host names with '*' wildcards */
        SETTING_CIDRS,    /* SETTING_STRINGS of "10.0.0.0/8", "2001:db8::/32" */
        SETTING_RULE_IDS, /* SETTING_STRINGS of ids of the catalogue */
        SETTING_INTS,     /* int64_t * and count, each lo..hi */
        SETTING_GROUP,    /* its settings (sub) are of the same struct */
        SETTING_LIST,     /* a list of groups: an array of elem_size, each with sub */
};

#define SETTING_REQUIRED 1u /* in a list's element: must be given */

struct setting {
        const char *name;
        enum setting_type type;
        size_t offset;
        size_t count_offset; /* STRINGS..INTS, LIST */
        int64_t lo, hi;      /* INT, FLOAT, INTS: range; STRING: max bytes; lists: max items */
        const char *const *words;
        const struct setting *sub; /* GROUP, LIST; terminated by a NULL name */
        size_t elem_size;          /* LIST */
        unsigned flags;
};

/* The top level of the file. */
extern const struct setting policy_settings[];
extern const char *const policy_usb_mode_words[];

/* Free what the settings of table own in base. */
void settings_free(const struct setting *table, void *base);
