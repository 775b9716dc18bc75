/* clamd: where it listens and where its databases are (clamd.conf), and what it answers to
 * VERSION: "ClamAV 1.4.6/27000/Fri Nov 20 09:00:00 2026", i.e. the engine's version, the
 * highest database version it loaded and that database's date. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define CLAMD_CONF_MAX    ((size_t)256 * 1024)
#define CLAMD_ANSWER_MAX  256
#define CLAMD_DEADLINE_MS 2000
#define CLAMD_PATH_MAX    108 /* sun_path */
#define CLAMD_VALUE_MAX   4096

struct clamd_conf {
        char *local_socket;       /* LocalSocket */
        unsigned tcp_port;        /* TCPSocket, 0 when not set */
        char *tcp_addr;           /* the first TCPAddr, an address literal */
        char *database_directory; /* DatabaseDirectory */
};

void clamd_conf_free(struct clamd_conf *c); /* the contents; accepts NULL */

/* Parse clamd.conf text ("Key value" lines, '#' comments; other keys ignored). 0, -ENOMEM,
 * or -EBADMSG for a key of ours with a bad value (its line in *ret_line). */
int clamd_conf_parse(const char *buf, size_t len, struct clamd_conf *ret, size_t *ret_line);

struct clamd_version {
        char engine[64];   /* "1.4.6" */
        char database[32]; /* "27000", empty when clamd loaded none it could date */
        char date[64];     /* "Fri Nov 20 09:00:00 2026", clamd's local time */
};

/* Parse a VERSION answer (its trailing NUL or newline not needed). 0 or -EBADMSG. */
int clamd_version_parse(const char *buf, size_t len, struct clamd_version *ret);

/* Ask the clamd of c "zVERSION\0" and put its answer, NUL-terminated and at most
 * CLAMD_ANSWER_MAX bytes, in answer. Everything (connect, send, receive) within deadline_ms:
 * a clamd that accepts and never answers costs that long, no more. 0, -ETIMEDOUT,
 * -ECONNREFUSED / -ENOENT (not listening), -ENOTCONN (nothing to connect to), -errno. */
int clamd_query_version(const struct clamd_conf *c, unsigned deadline_ms,
                        char answer[CLAMD_ANSWER_MAX + 1]);
