/* What privilege separation reads of /proc/PID/status, and the text `status` shows of a
 * process: each side checks its own drop with it, and PRIV_HELLO describes the parent. */
#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cap-ng.h>

#include "privsep.h"
#include "privsep_internal.h"

static int parse_ids(const char *v, unsigned long out[4]) {
        for (int i = 0; i < 4; i++) {
                char *end;
                errno = 0;
                out[i] = strtoul(v, &end, 10);
                if (errno || end == v || out[i] > UINT32_MAX)
                        return -EBADMSG;
                v = end;
        }
        return 0;
}

int privsep_read_status(const char *path, struct privsep_status *ret) {
        struct privsep_status st = {.no_new_privs = -1};
        unsigned seen = 0;
        char line[256];
        FILE *f = fopen(path, "re");

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                static const struct {
                        const char *key;
                        size_t off;
                } caps[] = {
                        {"CapInh:", offsetof(struct privsep_status, cap_inheritable)},
                        {"CapPrm:", offsetof(struct privsep_status, cap_permitted)},
                        {"CapEff:", offsetof(struct privsep_status, cap_effective)},
                        {"CapBnd:", offsetof(struct privsep_status, cap_bounding)},
                        {"CapAmb:", offsetof(struct privsep_status, cap_ambient)},
                };
                char *colon = strchr(line, ':'), *end;
                unsigned long ids[4];

                if (!colon)
                        continue;
                if (strncmp(line, "Uid:", 4) == 0 || strncmp(line, "Gid:", 4) == 0) {
                        bool uid = line[0] == 'U';
                        if (parse_ids(colon + 1, ids) < 0)
                                break;
                        for (int i = 0; i < 4; i++) {
                                if (uid)
                                        st.uid[i] = (uid_t)ids[i];
                                else
                                        st.gid[i] = (gid_t)ids[i];
                        }
                        seen |= uid ? 1u : 2u;
                } else if (strncmp(line, "NoNewPrivs:", 11) == 0) {
                        st.no_new_privs = (int)strtol(colon + 1, &end, 10);
                        seen |= 4u;
                }
                for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
                        uint64_t v;
                        if (strncmp(line, caps[i].key, strlen(caps[i].key)) != 0)
                                continue;
                        errno = 0;
                        v = strtoull(colon + 1, &end, 16);
                        if (errno || end == colon + 1)
                                break;
                        memcpy((char *)&st + caps[i].off, &v, sizeof(v));
                        seen |= 8u << i;
                }
        }
        fclose(f);
        if (seen != 0xffu)
                return -EBADMSG;
        *ret = st;
        return 0;
}

int privsep_caps_text(uint64_t caps, char *buf, size_t size) {
        size_t len = 0;

        if (size == 0)
                return -ENOBUFS;
        buf[0] = '\0';
        if (caps == 0)
                return snprintf(buf, size, "none") >= (int)size ? -ENOBUFS : 0;
        for (unsigned c = 0; c < 64; c++) {
                const char *name;
                int n;

                if (!(caps & ((uint64_t)1 << c)))
                        continue;
                name = capng_capability_to_name(c);
                n = name ? snprintf(buf + len, size - len, "%scap_%s", len ? "," : "", name)
                         : snprintf(buf + len, size - len, "%scap_%u", len ? "," : "", c);
                if (n < 0 || (size_t)n >= size - len)
                        return -ENOBUFS;
                len += (size_t)n;
        }
        return 0;
}

int privsep_describe_self(char *buf, size_t size) {
        return privsep_describe_process(0, buf, size);
}

int privsep_describe_process(pid_t pid, char *buf, size_t size) {
        char eff[256], prm[256], bnd[256], name[64] = "?", ruid[32] = "", pwbuf[1024], path[64];
        struct passwd pw, *found = NULL;
        struct privsep_status st = {{0}, {0}, 0, 0, 0, 0, 0, 0};
        int e, n;

        if (pid > 0)
                snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
        else
                snprintf(path, sizeof(path), "/proc/self/status");
        e = privsep_read_status(path, &st);
        if (e < 0)
                return e;
        if (getpwuid_r(st.uid[1], &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
                snprintf(name, sizeof(name), "%s", found->pw_name);
        /* a capability list too long for its field is shown as its hexadecimal mask */
        if (privsep_caps_text(st.cap_effective, eff, sizeof(eff)) < 0)
                snprintf(eff, sizeof(eff), "0x%" PRIx64, st.cap_effective);
        if (privsep_caps_text(st.cap_permitted, prm, sizeof(prm)) < 0)
                snprintf(prm, sizeof(prm), "0x%" PRIx64, st.cap_permitted);
        if (privsep_caps_text(st.cap_bounding, bnd, sizeof(bnd)) < 0)
                snprintf(bnd, sizeof(bnd), "0x%" PRIx64, st.cap_bounding);
        if (st.uid[0] != st.uid[1])
                snprintf(ruid, sizeof(ruid), " real_uid=%u", (unsigned)st.uid[0]);
        n = snprintf(buf, size,
                     "uid=%u(%s)%s gid=%u effective=%s permitted=%s bounding=%s "
                     "no_new_privs=%d",
                     (unsigned)st.uid[1], name, ruid, (unsigned)st.gid[1], eff, prm, bnd,
                     st.no_new_privs);
        return n < 0 ? -EINVAL : (size_t)n >= size ? -ENOBUFS : 0;
}
