/* One product's facts from its profile (antivirus.h): installed, its processes by their
 * executables, its units, then the product's own sources (antivirus_clamav.c). */
#include <errno.h>
#include <fnmatch.h>
#include <gnutls/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "antivirus.h"
#include "antivirus_unit.h"
#include "array.h"
#include "processes.h"
#include "text.h"

void av_table_free(struct av_table *t) {
        for (size_t i = 0; i < t->n; i++)
                free(t->v[i].exe);
        free(t->v);
        memset(t, 0, sizeof(*t));
}

static int add_record(const struct process_record *rec, void *userdata) {
        struct av_table *t = userdata;
        struct av_process *p;

        if (!rec->readable) {
                /* kernel threads have no exe (ENOENT); a process gone meanwhile neither */
                if (rec->error != ENOENT && rec->error != ESRCH)
                        t->unreadable++;
                return 0;
        }
        p = ARRAY_APPEND(t->v, t->n, PROCESSES_MAX);
        if (!p)
                return -ENOMEM;
        p->pid = rec->pid;
        p->uid = rec->uid;
        p->deleted = rec->deleted;
        p->exe = strdup(rec->exe);
        return p->exe ? 0 : -ENOMEM;
}

int av_table_parse(const char *buf, size_t len, struct av_table *t) {
        int r = processes_parse(buf, len, add_record, t, NULL, &t->ptrace);

        if (r < 0)
                av_table_free(t);
        return r;
}

int av_table_load(struct collector_ctx *ctx, struct av_table *t) {
        int fd = collector_privileged_fd(ctx, PRIVILEGED_PROCESSES, NULL), r;
        char *buf = NULL;
        size_t len = 0;

        if (fd < 0)
                return fd;
        r = processes_read_fd(fd, &buf, &len);
        close(fd);
        if (r == 0)
                r = av_table_parse(buf, len, t);
        free(buf);
        return r;
}

int av_sha256_file(const char *path, uint8_t out[32]) {
        gnutls_hash_hd_t h;
        char buf[65536];
        size_t total = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), r = 0;

        if (fd < 0)
                return -errno;
        if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        r = -errno;
                if (n <= 0)
                        break;
                total += (size_t)n;
                if (total > AV_HASH_MAX) {
                        r = -EFBIG;
                        break;
                }
                if (gnutls_hash(h, buf, (size_t)n) < 0) {
                        r = -EIO;
                        break;
                }
        }
        close(fd);
        gnutls_hash_deinit(h, out);
        return r;
}

static bool exe_matches(const struct av_exe *e, const char *exe) {
        if (!strpbrk(e->pattern, "*?["))
                return strcmp(e->pattern, exe) == 0;
        return fnmatch(e->pattern, exe, 0) == 0;
}

static int add_process(struct report_antivirus *ret, const struct av_process *p,
                       const struct av_exe *e, int8_t sha_match) {
        struct report_av_process *rp =
                ARRAY_APPEND(ret->processes, ret->n_processes, REPORT_MAX_LIST);

        if (!rp)
                return -ENOMEM;
        rp->pid = p->pid;
        rp->uid = p->uid;
        rp->deleted = p->deleted;
        rp->sha256_match = sha_match;
        rp->exe = text_sanitize(p->exe, strlen(p->exe), REPORT_MAX_STRING);
        rp->role = strdup(av_role_to_string(e->role));
        return rp->exe && rp->role ? 0 : -ENOMEM;
}

int av_missing(struct report *missing, const struct av_profile *p, const char *fact,
               const char *reason) {
        char name[160];

        if (!missing)
                return 0;
        snprintf(name, sizeof(name), "antivirus[%s].%s", p->id, fact);
        return report_add_missing(missing, name, reason);
}

/* The profile's processes in the table. roles[] says which roles were seen running. */
static int match_processes(const struct av_profile *p, const struct av_table *t,
                           struct report *missing, struct report_antivirus *ret,
                           bool roles[AV_ROLE_MAX]) {
        for (size_t i = 0; i < p->n_exes; i++) {
                const struct av_exe *e = &p->exes[i];
                int8_t sha = REPORT_UNKNOWN;
                bool hashed = false;
                for (size_t j = 0; j < t->n; j++) {
                        int r;
                        if (!exe_matches(e, t->v[j].exe))
                                continue;
                        if (e->has_sha256 && !hashed) {
                                uint8_t sum[32];
                                /* the file at the path, which anyone may read, rather than
                                 * /proc/PID/exe, which needs the rights on the process */
                                r = av_sha256_file(e->pattern, sum);
                                hashed = true;
                                if (r == -ENOMEM)
                                        return r;
                                sha = r < 0 ? REPORT_UNKNOWN : memcmp(sum, e->sha256, 32) == 0;
                                if (r < 0 &&
                                    (r = av_missing(missing, p, "sha256", strerror(-r))) < 0)
                                        return r;
                        }
                        r = add_process(ret, &t->v[j], e, sha);
                        if (r < 0)
                                return r;
                        /* a pinned hash that does not match is not the product */
                        if (sha != 0)
                                roles[e->role] = true;
                }
        }
        return 0;
}

static bool has_role(const struct av_profile *p, enum av_role role) {
        for (size_t i = 0; i < p->n_exes; i++)
                if (p->exes[i].role == role)
                        return true;
        return false;
}

static int probe_units(const struct av_profile *p, struct report *missing,
                       struct report_antivirus *ret) {
        bool systemd = av_unit_systemd_running();
        struct sd_bus *bus = NULL;
        int r = 0;

        for (size_t i = 0; i < p->n_units && r >= 0; i++) {
                struct report_av_unit *u = ARRAY_APPEND(ret->units, ret->n_units, REPORT_MAX_LIST);
                char state[AV_UNIT_STATE_MAX] = "unknown";
                if (!u) {
                        r = -ENOMEM;
                        break;
                }
                if (systemd) {
                        int e = av_unit_state(&bus, p->units[i], state);
                        if (e < 0) {
                                snprintf(state, sizeof(state), "unknown");
                                r = av_missing(missing, p, "units", strerror(-e));
                        }
                }
                u->name = strdup(p->units[i]);
                u->state = strdup(state);
                if (!u->name || !u->state)
                        r = -ENOMEM;
        }
        av_unit_bus_close(bus);
        return r;
}

/* Seen running: yes. Not seen: no, when the table's producer could see every process (it had
 * CAP_SYS_PTRACE); else unknown: other users' processes may be unreadable, or not even listed
 * (systemd's ProtectProc=invisible). A profile without such processes: unknown. */
static int8_t role_state(const struct av_profile *p, const struct av_table *t,
                         const bool roles[AV_ROLE_MAX], enum av_role role) {
        if (!has_role(p, role))
                return REPORT_UNKNOWN;
        if (roles[role])
                return 1;
        return t->ptrace ? 0 : REPORT_UNKNOWN;
}

int av_probe(struct collector_ctx *ctx, const struct av_profile *p, const struct av_table *t,
             enum av_depth depth, struct report *missing, struct report_antivirus *ret,
             bool *present) {
        bool roles[AV_ROLE_MAX] = {false};
        struct stat st;
        int r;

        *present = false;
        ret->installed = p->n_installed ? 0 : REPORT_UNKNOWN;
        for (size_t i = 0; i < p->n_installed; i++)
                if (stat(p->installed[i], &st) == 0)
                        ret->installed = 1;
        r = match_processes(p, t, missing, ret, roles);
        if (r < 0)
                return r;
        if (ret->installed != 1 && !ret->n_processes)
                return 0; /* not on this machine */
        *present = true;
        ret->product = strdup(p->product);
        ret->profile = strdup(p->id);
        ret->profile_source = strdup(p->source);
        if (!ret->product || !ret->profile || !ret->profile_source)
                return -ENOMEM;
        ret->profile_verified = (int8_t)p->verified;
        ret->running = role_state(p, t, roles, AV_ROLE_DAEMON);
        ret->realtime = role_state(p, t, roles, AV_ROLE_REALTIME);
        ret->managed =
                p->managed >= 0 ? (int8_t)p->managed : role_state(p, t, roles, AV_ROLE_MANAGER);
        if (ret->managed == 1 && p->managed_by && !(ret->managed_by = strdup(p->managed_by)))
                return -ENOMEM;
        if (depth == AV_PROBE_FULL && (r = probe_units(p, missing, ret)) < 0)
                return r;
        if (p->signatures == AV_SIGNATURES_CLAMAV || p->clamd_config)
                return av_clamav_probe(ctx, p, depth, missing, ret);
        if (depth == AV_PROBE_FULL)
                return av_missing(missing, p, "signature_version",
                                  "the profile names no signature source this agent reads");
        return 0;
}
