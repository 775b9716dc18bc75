/* ClamAV's own sources (antivirus.h): the signature databases' headers, clamd's answer to
 * VERSION, freshclam's log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "antivirus.h"
#include "antivirus_clamd.h"
#include "antivirus_cvd.h"
#include "antivirus_freshclam.h"
#include "array.h"
#include "fileio.h"
#include "text.h"

static char *epoch_rfc3339(int64_t t) {
        struct tm tm;
        time_t tt = (time_t)t;
        char buf[32];

        if (!gmtime_r(&tt, &tm) || tm.tm_year + 1900 > 9999 ||
            strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
                return NULL;
        return strdup(buf);
}

/* main, daily and bytecode in .cld, .cvd or .cud form; the newest build is the product's
 * signature version and time. */
static int read_databases(const struct av_profile *p, const char *dir, struct report *missing,
                          struct report_antivirus *ret) {
        static const char *const bases[] = {"main", "daily", "bytecode"};
        static const char *const exts[] = {"cld", "cvd", "cud"};
        int64_t newest = INT64_MIN;
        uint64_t newest_version = 0;
        char reason[600];

        for (size_t b = 0; b < 3; b++) {
                for (size_t x = 0; x < 3; x++) {
                        struct report_av_database *d;
                        struct cvd_header h;
                        char path[4200], name[32];
                        int r;
                        snprintf(name, sizeof(name), "%s.%s", bases[b], exts[x]);
                        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
                            sizeof(path))
                                return av_missing(missing, p, "databases", "path too long");
                        r = cvd_header_read(path, &h);
                        if (r == -ENOENT)
                                continue;
                        if (r < 0) {
                                snprintf(reason, sizeof(reason), "%s: %s", name,
                                         r == -EBADMSG ? "not a ClamAV database header"
                                                       : strerror(-r));
                                r = av_missing(missing, p, "databases", reason);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        d = ARRAY_APPEND(ret->databases, ret->n_databases, REPORT_MAX_LIST);
                        if (!d)
                                return -ENOMEM;
                        d->name = strdup(name);
                        if (!d->name ||
                            asprintf(&d->version, "%llu", (unsigned long long)h.version) < 0)
                                return -ENOMEM;
                        d->build_time = epoch_rfc3339(h.build_time);
                        d->signatures =
                                h.signatures > INT64_MAX ? REPORT_UNSET : (int64_t)h.signatures;
                        if (d->build_time && h.build_time > newest) {
                                newest = h.build_time;
                                newest_version = h.version;
                        }
                }
        }
        if (newest == INT64_MIN)
                return av_missing(missing, p, "signature_version",
                                  ret->n_databases ? "no database header has a usable date"
                                                   : "no ClamAV database in the directory");
        if (asprintf(&ret->signature_version, "%llu", (unsigned long long)newest_version) < 0)
                return -ENOMEM;
        ret->signature_time = epoch_rfc3339(newest);
        if (!ret->signature_time)
                return -ENOMEM;
        /* whole days; a build dated in the future (a wrong clock) is 0 days old */
        ret->signature_age_days = time(NULL) > newest ? (time(NULL) - newest) / 86400 : 0;
        return 0;
}

static int ask_clamd(const struct av_profile *p, const struct clamd_conf *conf,
                     struct report *missing, struct report_antivirus *ret) {
        char answer[CLAMD_ANSWER_MAX + 1], reason[160];
        struct clamd_version v;
        int r = clamd_query_version(conf, CLAMD_DEADLINE_MS, answer);

        if (r == -ECONNREFUSED || r == -ENOENT || r == -ENOTCONN) {
                /* nobody listens: a stopped clamd says nothing, which is the fact itself,
                 * unless its process runs */
                if (ret->running != 1)
                        return 0;
        }
        if (r < 0) {
                snprintf(reason, sizeof(reason), "clamd did not answer VERSION: %s",
                         r == -ETIMEDOUT ? "no answer within 2000 ms" : strerror(-r));
                return av_missing(missing, p, "daemon_answer", reason);
        }
        ret->daemon_answer = text_sanitize(answer, strlen(answer), CLAMD_ANSWER_MAX);
        if (!ret->daemon_answer)
                return -ENOMEM;
        if (clamd_version_parse(answer, strlen(answer), &v) < 0)
                return av_missing(missing, p, "engine_version",
                                  "clamd's answer to VERSION is not 'ClamAV X/DB/DATE'");
        ret->engine_version = strdup(v.engine);
        return ret->engine_version ? 0 : -ENOMEM;
}

/* The last update run in the updater's log, read through the privileged side: Debian keeps
 * freshclam.log mode 640, clamav:adm. */
static int read_update_log(struct collector_ctx *ctx, const struct av_profile *p,
                           struct report *missing, struct report_antivirus *ret) {
        int fd = collector_privileged_fd(ctx, PRIVILEGED_FILE, p->update_log_path), r;
        enum freshclam_result result = FRESHCLAM_UNKNOWN;
        char *buf = NULL, reason[600];
        int64_t started = 0;
        size_t len = 0;

        if (fd == -ENOENT)
                return 0; /* no log: freshclam never ran, which signature_age shows */
        if (fd < 0) {
                snprintf(reason, sizeof(reason), "%s: %s", p->update_log_path, strerror(-fd));
                return av_missing(missing, p, "last_update_result", reason);
        }
        r = freshclam_read_tail(fd, &buf, &len);
        close(fd);
        if (r == -ENOMEM)
                return r;
        if (r == 0)
                r = freshclam_log_parse(buf, len, &result, &started);
        free(buf);
        if (r < 0)
                return av_missing(missing, p, "last_update_result",
                                  r == -ENOENT ? "no update run in the updater's log"
                                               : strerror(-r));
        ret->last_update_time = epoch_rfc3339(started);
        if (!ret->last_update_time)
                return -ENOMEM;
        if (result == FRESHCLAM_UNKNOWN)
                return av_missing(missing, p, "last_update_result",
                                  "the last update run has no result in the log (yet)");
        ret->last_update_result = strdup(freshclam_result_to_string(result));
        return ret->last_update_result ? 0 : -ENOMEM;
}

int av_clamav_probe(struct collector_ctx *ctx, const struct av_profile *p, enum av_depth depth,
                    struct report *missing, struct report_antivirus *ret) {
        struct clamd_conf conf = {0};
        const char *dir = p->signatures_dir;
        char *buf = NULL, reason[600];
        size_t len = 0, line = 0;
        int r = 0;

        if (p->clamd_config) {
                r = fileio_read_capped(p->clamd_config, CLAMD_CONF_MAX, &buf, &len);
                if (r == 0 && (r = clamd_conf_parse(buf, len, &conf, &line)) == -EBADMSG) {
                        snprintf(reason, sizeof(reason), "%s:%zu: a value clamd would refuse",
                                 p->clamd_config, line);
                        r = av_missing(missing, p, "clamd_config", reason);
                } else if (r < 0 && r != -ENOMEM) {
                        snprintf(reason, sizeof(reason), "%s: %s", p->clamd_config, strerror(-r));
                        /* no clamd.conf: clamd is not installed; nothing to ask */
                        r = r == -ENOENT ? 0 : av_missing(missing, p, "clamd_config", reason);
                }
                free(buf);
                if (r < 0)
                        goto out;
        }
        /* clamd reads its databases where its configuration says */
        if (conf.database_directory)
                dir = conf.database_directory;
        if (dir && (r = read_databases(p, dir, missing, ret)) < 0)
                goto out;
        if (depth == AV_PROBE_FULL && (conf.local_socket || conf.tcp_port) &&
            (r = ask_clamd(p, &conf, missing, ret)) < 0)
                goto out;
        if (depth == AV_PROBE_FULL && p->update_log == AV_UPDATE_LOG_FRESHCLAM)
                r = read_update_log(ctx, p, missing, ret);
out:
        clamd_conf_free(&conf);
        return r;
}
