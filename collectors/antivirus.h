/* The `antivirus` collector's parts: the process table as it uses it, and the probe that
 * turns one product profile and what the machine shows into that product's facts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "antivirus_profile.h"
#include "collector.h"
#include "model.h"
#include "report.h"

extern const struct object_desc report_antivirus_desc;

#define AV_HASH_MAX (256u << 20) /* a product's executable; larger is not hashed */

struct av_process {
        pid_t pid;
        uid_t uid;
        bool deleted;
        char *exe;
};

struct av_table {
        struct av_process *v;
        size_t n;
        size_t unreadable; /* processes whose exe could not be read (not kernel threads) */
        bool ptrace;       /* the table's producer had CAP_SYS_PTRACE: what it could not read,
                            * no right would have shown */
};

void av_table_free(struct av_table *t);
/* Ask for the process table and parse it. 0, or -errno (-EBADMSG: not a table). */
int av_table_load(struct collector_ctx *ctx, struct av_table *t);
/* Parse a table's text into t (for tests and fuzzing). 0 or -errno. */
int av_table_parse(const char *buf, size_t len, struct av_table *t);

enum av_depth {
        AV_PROBE_QUICK, /* files and processes only: what watch looks at every few seconds */
        AV_PROBE_FULL,  /* also ask the daemon and systemd: a snapshot */
};

/* The facts of product p into ret (report_antivirus initialised by the caller). *present is
 * false when the product is neither installed nor running (ret then says nothing). Facts that
 * cannot be read go to missing (may be NULL). 0 or -ENOMEM. */
int av_probe(struct collector_ctx *ctx, const struct av_profile *p, const struct av_table *t,
             enum av_depth depth, struct report *missing, struct report_antivirus *ret,
             bool *present);

/* "antivirus[ID].FACT" in missing (which may be NULL: nothing kept), with reason. 0 or -ENOMEM. */
int av_missing(struct report *missing, const struct av_profile *p, const char *fact,
               const char *reason);

/* SHA-256 of the file at path (at most AV_HASH_MAX bytes). 0 or -errno. */
int av_sha256_file(const char *path, uint8_t out[32]);

/* The ClamAV parts of a probe (antivirus_clamav.c): databases, clamd, freshclam's log. */
int av_clamav_probe(struct collector_ctx *ctx, const struct av_profile *p, enum av_depth depth,
                    struct report *missing, struct report_antivirus *ret);

/* Load the shipped profiles and the overrides into p; a file that cannot be used is named in
 * missing. 0 or -ENOMEM. */
int av_profiles_load_all(struct av_profiles *p, struct report *missing);
