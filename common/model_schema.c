/* The JSON Schema of the report model, derived from the same descriptions the codec uses, so
 * docs/report-schema-v1.json and the C decoder accept exactly the same documents (a test
 * regenerates it and compares). */
#include <stdint.h>

#include "model.h"
#include "report.h"

static json_t *string_schema(const struct field_desc *f, enum field_format fmt) {
        json_t *s = json_pack("{s:s, s:i}", "type", "string", "maxLength", REPORT_MAX_STRING);
        const char *pattern = model_format_pattern(fmt);

        if (pattern)
                json_object_set_new(s, "pattern", json_string(pattern));
        if (fmt == FORMAT_IPV4)
                json_object_set_new(s, "format", json_string("ipv4"));
        if (fmt == FORMAT_IPV6)
                json_object_set_new(s, "format", json_string("ipv6"));
        if (f && f->values) {
                json_t *e = json_array();
                for (const char *const *v = f->values; *v; v++)
                        json_array_append_new(e, json_string(*v));
                json_object_set_new(s, "enum", e);
        }
        return s;
}

static json_t *ref(const struct object_desc *d) {
        char buf[128];
        snprintf(buf, sizeof(buf), "#/$defs/%s", d->name);
        return json_pack("{s:s}", "$ref", buf);
}

static json_t *field_schema(const struct field_desc *f) {
        switch (f->type) {
        case FIELD_STRING:
                return string_schema(f, f->format);
        case FIELD_INT:
                return json_pack("{s:s, s:I, s:I}", "type", "integer", "minimum",
                                 (json_int_t)f->min, "maximum", (json_int_t)f->max);
        case FIELD_BOOL:
                return json_pack("{s:s}", "type", "boolean");
        case FIELD_KINDS: {
                json_t *e = json_array();
                for (int k = 0; k < DEVICE_KIND_MAX; k++)
                        json_array_append_new(e, json_string(device_kind_to_string(k)));
                return json_pack("{s:s, s:i, s:b, s:{s:s, s:o}}", "type", "array", "minItems", 1,
                                 "uniqueItems", 1, "items", "type", "string", "enum", e);
        }
        case FIELD_STRINGS:
                return json_pack("{s:s, s:i, s:o}", "type", "array", "maxItems", REPORT_MAX_LIST,
                                 "items", string_schema(NULL, f->format));
        case FIELD_OBJECT:
                return ref(f->object);
        case FIELD_ARRAY:
                return json_pack("{s:s, s:i, s:o}", "type", "array", "maxItems", REPORT_MAX_LIST,
                                 "items", ref(f->object));
        case FIELD_TYPE_MAX:
                break;
        }
        return json_object();
}

static json_t *object_schema(const struct object_desc *d) {
        json_t *props = json_object(), *required = json_array();
        json_t *o;

        /* optional: inside a wire record the envelope already says what the body is */
        if (d->type_tag)
                json_object_set_new(props, "type", json_pack("{s:s}", "const", d->type_tag));
        for (size_t i = 0; i < d->n_fields; i++) {
                const struct field_desc *f = &d->fields[i];
                json_object_set_new(props, f->name, field_schema(f));
                if (f->flags & FIELD_REQUIRED)
                        json_array_append_new(required, json_string(f->name));
        }
        o = json_pack("{s:s, s:s, s:o, s:b}", "description", d->doc, "type", "object", "properties",
                      props, "additionalProperties", 0);
        if (json_array_size(required))
                json_object_set_new(o, "required", required);
        else
                json_decref(required);
        return o;
}

json_t *model_json_schema(void) {
        json_t *defs = json_object();

        for (const struct object_desc *const *d = model_all_descs; *d; d++)
                json_object_set_new(defs, (*d)->name, object_schema(*d));
        return json_pack("{s:s, s:s, s:s, s:s, s:[o,o], s:o}", "$schema",
                         "https://json-schema.org/draft/2020-12/schema", "$id",
                         "https://counterguard.invalid/schema/report-v1.json", "title",
                         "counterguard report, schema v1", "description",
                         "Every JSON document counterguard-agent prints or sends: a snapshot "
                         "(full inventory) or an event. Generated from common/report_desc.c.",
                         "oneOf", ref(&report_desc), ref(&report_event_desc), "$defs", defs);
}
