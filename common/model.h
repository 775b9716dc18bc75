/* Descriptions of the report model's structs, one table per struct (common/report_desc.c).
 * Everything that walks the model (init, free, copy, JSON encode/decode, the JSON Schema in
 * docs/) walks these tables, so a new field is one table line and cannot be forgotten by one
 * of them. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

enum field_type {
        FIELD_STRING,  /* char * */
        FIELD_INT,     /* int64_t, REPORT_UNSET when unknown */
        FIELD_BOOL,    /* int8_t tristate */
        FIELD_KINDS,   /* uint32_t bit set of enum device_kind, a JSON array of names */
        FIELD_STRINGS, /* char ** + size_t count */
        FIELD_OBJECT,  /* pointer to one struct, NULL when absent */
        FIELD_ARRAY,   /* pointer to structs + size_t count */
        FIELD_TYPE_MAX,
};

enum field_format {
        FORMAT_NONE,
        FORMAT_HEX4, /* USB ids: 4 lowercase hex digits */
        FORMAT_HEX2, /* interface number */
        FORMAT_TIME, /* RFC 3339, 2026-11-23T17:49:19Z */
        FORMAT_DATE, /* 2026-11-23 */
        FORMAT_MAC,  /* aa:bb:cc:dd:ee:ff */
        FORMAT_IPV4,
        FORMAT_IPV6,
        FORMAT_SHA256, /* 64 lowercase hex digits */
        FORMAT_MAX,
};

#define FIELD_REQUIRED 0x1u

struct object_desc;

struct field_desc {
        const char *name;
        enum field_type type;
        size_t offset;
        size_t count_offset;
        const struct object_desc *object;
        unsigned flags;
        enum field_format format;
        const char *const *values; /* allowed strings, NULL-terminated; NULL = any */
        int64_t min, max;          /* FIELD_INT range */
};

struct object_desc {
        const char *name;     /* "device", used in the schema's $defs */
        const char *type_tag; /* top-level documents carry "type": type_tag */
        const char *doc;
        size_t size;
        const struct field_desc *fields;
        size_t n_fields;
};

extern const struct object_desc report_desc;
extern const struct object_desc report_event_desc;
extern const struct object_desc report_device_desc;
extern const struct object_desc report_host_desc;
extern const struct object_desc report_interface_desc;
extern const struct object_desc report_printer_desc;
extern const struct object_desc report_scanner_desc;
extern const struct object_desc *const model_all_descs[];

struct model_error {
        char path[256];    /* "devices[3].vendor_id" */
        char message[256]; /* "expected 4 lowercase hex digits" */
};

/* Any struct's description by its schema name ("printer", "interface"), and a field of it
 * by its JSON name; NULL when there is none. */
const struct object_desc *model_find_desc(const char *name);
const struct field_desc *model_find_field(const struct object_desc *d, const char *name);

void model_init(const struct object_desc *d, void *obj);
void model_free(const struct object_desc *d, void *obj); /* the contents; accepts NULL */
int model_copy(const struct object_desc *d, const void *src, void *ret);
/* Move src's facts into dst: lists are appended, a field dst lacks is taken from src, one it
 * has is kept. src is left empty (freed and re-initialised) on success; on -ENOMEM both stay
 * freeable, and some facts may have moved. */
int model_merge(const struct object_desc *d, void *dst, void *src);

/* The JSON object for obj; NULL on out of memory. Unknown facts are left out. */
json_t *model_to_json(const struct object_desc *d, const void *obj);

/* Fill ret (which must be model_init'ed) from j, checking every field against the
 * description. On failure returns -EINVAL (or -ENOMEM), fills err, and leaves ret freed and
 * re-initialised: never half a document. */
int model_from_json(const struct object_desc *d, json_t *j, void *ret, struct model_error *err);

/* The JSON Schema (draft 2020-12) the descriptions define. */
json_t *model_json_schema(void);

bool model_format_valid(enum field_format f, const char *s);
const char *model_format_name(enum field_format f);
const char *model_format_pattern(enum field_format f); /* ECMA-262 regex for the schema */

/* Parse a whole JSON text (duplicate keys refused) into ret, as model_from_json. A syntax
 * error's path is "line L column C". */
int model_parse(const struct object_desc *d, const char *buf, size_t len, void *ret,
                struct model_error *err);

/* The JSON text of obj, compact (one line) or indented; malloc'ed, NULL on out of memory. */
char *model_dump(const struct object_desc *d, const void *obj, bool pretty);
