/* Which fields of a snapshot are times: the table below, one line per field, so the list
 * documented in docs/wire-protocol.md is this table and nothing else. A field belongs here
 * only when its value changes between two snapshots of a PC where nothing happened; a time
 * that moves because something happened (a login, a signature update, a lookup) is content. */
#include "snapshot_hash.h"

#include <errno.h>
#include <gnutls/crypto.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const struct {
        const char *in; /* NULL: the snapshot itself; else its object or array of objects */
        const char *field;
} ignored[] = {
        {NULL, "generated_at"}, /* when the agent took it */
        {"host", "uptime_s"},   /* grows every second */
        /* the agent's own clock of a device: the server keeps first and last seen from the
         * record's time instead */
        {"devices", "first_seen"},
        {"devices", "last_seen"},
};

static void drop(json_t *obj, const char *field) {
        if (json_is_object(obj))
                json_object_del(obj, field);
}

int snapshot_canonical_json(const struct report *rep, char **ret) {
        json_t *j = model_to_json(&report_desc, rep);
        char *text;

        if (!j)
                return -ENOMEM;
        for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
                json_t *in = ignored[i].in ? json_object_get(j, ignored[i].in) : j;
                size_t k;
                json_t *item;

                if (!json_is_array(in)) {
                        drop(in, ignored[i].field);
                        continue;
                }
                json_array_foreach (in, k, item) {
                        drop(item, ignored[i].field);
                }
        }
        /* Sorted keys: the same facts give the same text whatever order they were sent in.
         * Arrays keep their order: the agent lists devices in a stable order, and a reordered
         * list costs one stored snapshot, not a wrong answer. */
        text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(j);
        if (!text)
                return -ENOMEM;
        *ret = text;
        return 0;
}

/* RFC 4648 base64url, no padding: 32 bytes give 43 characters. */
static void to_base64url(const unsigned char *in, size_t n, char *out) {
        static const char alphabet[] =
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        uint32_t acc = 0;
        int bits = 0;

        for (size_t i = 0; i < n; i++) {
                acc = (acc << 8) | in[i];
                bits += 8;
                while (bits >= 6) {
                        bits -= 6;
                        *out++ = alphabet[(acc >> bits) & 0x3f];
                }
        }
        if (bits > 0)
                *out++ = alphabet[(acc << (6 - bits)) & 0x3f];
        *out = '\0';
}

int snapshot_hash(const struct report *rep, char ret[SNAPSHOT_HASH_LEN + 1]) {
        unsigned char digest[32];
        char *text = NULL;
        int r = snapshot_canonical_json(rep, &text);

        if (r < 0)
                return r;
        r = gnutls_hash_fast(GNUTLS_DIG_SHA256, text, strlen(text), digest) < 0 ? -EIO : 0;
        free(text);
        if (r < 0)
                return r;
        to_base64url(digest, sizeof(digest), ret);
        return 0;
}
