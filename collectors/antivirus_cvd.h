/* ClamAV signature databases (.cvd, .cld, .cud): the 512-byte header each starts with,
 * "ClamAV-VDB:<build time>:<version>:<sigs>:<f-level>:<md5>:<dsig>:<builder>:<stime>", ASCII,
 * space-padded. The version and the build time come from here (stime, seconds since the
 * epoch), never from the file's date, which a copy or a restore changes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CVD_HEADER_SIZE 512

struct cvd_header {
        uint64_t version;
        uint64_t signatures;
        int64_t build_time; /* stime, seconds since the epoch */
};

/* Parse the header in buf (len bytes: the file's first bytes, at most CVD_HEADER_SIZE are
 * looked at). 0, or -EBADMSG (not a header, cut short, a field that is not a number). */
int cvd_header_parse(const char *buf, size_t len, struct cvd_header *ret);

/* Read and parse the header of the file at path. 0, -errno, or -EBADMSG. */
int cvd_header_read(const char *path, struct cvd_header *ret);
