/* ClamAV database headers (antivirus_cvd.h). */
#include "antivirus_cvd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define CVD_MAGIC  "ClamAV-VDB:"
#define CVD_FIELDS 9

/* A decimal field [s, e), blanks around it allowed (the header is space-padded). */
static int field_number(const char *s, const char *e, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;

        while (s < e && *s == ' ')
                s++;
        while (e > s && e[-1] == ' ')
                e--;
        if (s == e || e - s > 20)
                return -EBADMSG;
        for (; s < e; s++) {
                if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
                        return -EBADMSG;
                v = v * 10 + (uint64_t)(*s - '0');
        }
        *ret = v;
        return 0;
}

int cvd_header_parse(const char *buf, size_t len, struct cvd_header *ret) {
        const char *start[CVD_FIELDS], *end[CVD_FIELDS];
        size_t n = len < CVD_HEADER_SIZE ? len : CVD_HEADER_SIZE, f = 0, i;
        uint64_t stime;

        /* a whole header or none: a cut one may have lost digits of its last field */
        if (n < CVD_HEADER_SIZE || memcmp(buf, CVD_MAGIC, strlen(CVD_MAGIC)) != 0)
                return -EBADMSG;
        start[0] = buf;
        for (i = 0; i < n && f < CVD_FIELDS; i++) {
                unsigned char c = (unsigned char)buf[i];
                if (c == ':') {
                        end[f++] = buf + i;
                        if (f < CVD_FIELDS)
                                start[f] = buf + i + 1;
                } else if (c == '\0' || c < 0x20 || c > 0x7e) {
                        break; /* the header is ASCII; the body starts here */
                }
        }
        if (f != CVD_FIELDS - 1)
                return -EBADMSG;
        end[f] = buf + i; /* stime runs to the padding's end */
        if (field_number(start[2], end[2], UINT64_MAX, &ret->version) < 0 ||
            field_number(start[3], end[3], UINT64_MAX, &ret->signatures) < 0 ||
            field_number(start[8], end[8], INT64_MAX, &stime) < 0)
                return -EBADMSG;
        ret->build_time = (int64_t)stime;
        return 0;
}

int cvd_header_read(const char *path, struct cvd_header *ret) {
        char buf[CVD_HEADER_SIZE];
        size_t len = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r = 0;

        if (fd < 0)
                return -errno;
        while (len < sizeof(buf)) {
                ssize_t n = read(fd, buf + len, sizeof(buf) - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                if (n <= 0)
                        break;
                len += (size_t)n;
        }
        close(fd);
        return r < 0 ? r : cvd_header_parse(buf, len, ret);
}
