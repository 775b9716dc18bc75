/* The daemon's state file: see daemon_state.h. One line per field, "key = value"; the text
 * fields are the daemon's own (times, an error message already made printable). */
#include "daemon_state.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

enum kind { PID, U64, TEXT, FLAG };

static const struct field {
        const char *key;
        enum kind kind;
        size_t offset, size;
} fields[] = {
/* clang-format 14 and 19 lay out a braced list in a macro differently */
// clang-format off
#define F(k, kind, member)                                                                         \
        {                                                                                          \
                k, kind, offsetof(struct daemon_state, member),                                    \
                        sizeof(((struct daemon_state *)0)->member)                                 \
        }
        // clang-format on
        F("pid", PID, pid),
        F("parent_pid", PID, parent_pid),
        F("started", TEXT, started),
        F("agent_id", TEXT, agent_id),
        F("server", TEXT, server),
        F("last_ok", TEXT, last_ok),
        F("last_error", TEXT, last_error),
        F("acked_seq", U64, acked_seq),
        F("waiting", U64, waiting),
        F("waiting_kib", U64, waiting_kib),
        F("dropped", U64, dropped),
        F("oldest", TEXT, oldest),
        F("revoked", FLAG, revoked),
#undef F
};

int daemon_state_path(const char *outbox_path, char *buf, size_t size) {
        char dir[4096];
        int r = fileio_dir_of(outbox_path, dir, sizeof(dir));

        if (r < 0)
                return r;
        return snprintf(buf, size, "%s/daemon.state", dir) >= (int)size ? -ENAMETOOLONG : 0;
}

int daemon_state_write(const char *path, const struct daemon_state *s) {
        char buf[4096];
        size_t o = 0;

        for (size_t i = 0; i < ELEMENTSOF(fields) && o < sizeof(buf); i++) {
                const struct field *f = &fields[i];
                const char *p = (const char *)s + f->offset;
                int n;
                switch (f->kind) {
                case PID:
                        n = snprintf(buf + o, sizeof(buf) - o, "%s = %d\n", f->key,
                                     (int)*(const pid_t *)p);
                        break;
                case U64:
                        n = snprintf(buf + o, sizeof(buf) - o, "%s = %" PRIu64 "\n", f->key,
                                     *(const uint64_t *)p);
                        break;
                case FLAG:
                        n = snprintf(buf + o, sizeof(buf) - o, "%s = %s\n", f->key,
                                     *(const bool *)p ? "yes" : "no");
                        break;
                default:
                        /* one line each: a newline in a message would start a forged key */
                        n = snprintf(buf + o, sizeof(buf) - o, "%s = %.*s\n", f->key,
                                     (int)strcspn(p, "\n"), p);
                        break;
                }
                if (n < 0)
                        return -EINVAL;
                o += (size_t)n;
        }
        if (o >= sizeof(buf))
                return -E2BIG;
        return fileio_write_atomic(path, buf, o, 0644);
}

static int set_field(const struct field *f, char *p, const char *value) {
        char *end;

        switch (f->kind) {
        case PID: {
                long v = strtol(value, &end, 10);
                if (*end || v < 0 || v > INT32_MAX)
                        return -EINVAL;
                *(pid_t *)p = (pid_t)v;
                return 0;
        }
        case U64:
                errno = 0;
                *(uint64_t *)p = strtoull(value, &end, 10);
                return *end || errno ? -EINVAL : 0;
        case FLAG:
                *(bool *)p = strcmp(value, "yes") == 0;
                return 0;
        default:
                snprintf(p, f->size, "%s", value);
                return 0;
        }
}

int daemon_state_parse(const char *name, char *text, struct daemon_state *ret) {
        char *line, *next;
        int r = 0, n = 0;

        *ret = (struct daemon_state){0};
        for (line = text; line && *line && r == 0; line = next) {
                char *eq;
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                n++;
                eq = strstr(line, " = ");
                r = -EINVAL;
                for (size_t i = 0; eq && i < ELEMENTSOF(fields); i++)
                        if (strlen(fields[i].key) == (size_t)(eq - line) &&
                            strncmp(line, fields[i].key, (size_t)(eq - line)) == 0)
                                r = set_field(&fields[i], (char *)ret + fields[i].offset, eq + 3);
        }
        if (r < 0)
                log_error("%s:%d: not a line of the daemon's state", name, n);
        return r;
}

int daemon_state_read(const char *path, struct daemon_state *ret) {
        char *text = NULL;
        size_t len;
        int r = fileio_read_capped(path, 16384, &text, &len);

        if (r < 0)
                return r;
        r = daemon_state_parse(path, text, ret);
        free(text);
        return r;
}
