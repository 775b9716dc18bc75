/* Antivirus product profiles: how to tell that a product is installed, running, protecting in
 * real time, up to date and managed. They are data (data/antivirus.ini, shipped with the agent;
 * /etc/counterguard/antivirus.d/ *.ini override it), in this form:
 *
 *     # a comment
 *     [clamav]                         the profile's id: [a-z0-9_-], at most 63
 *     product = ClamAV                 the name reported (required)
 *     verified = yes                   checked against a real install (yes|no, required)
 *     source = ...                     where the facts come from (required)
 *     installed = /usr/sbin/clamd      any of these paths exists: installed (repeatable)
 *     daemon = /usr/sbin/clamd         a process whose /proc/PID/exe matches: running
 *     realtime = /usr/sbin/clamonacc   ... matches: real-time protection on
 *     updater = /usr/bin/freshclam     ... matches: the signature updater runs
 *     manager = /opt/x/agent/ *        ... matches: managed by a console
 *     unit = clamav-daemon.service     systemd units whose state is reported (repeatable)
 *     clamd_config = /etc/clamav/clamd.conf    ask this clamd for its version
 *     signatures = clamav /var/lib/clamav      a database format and its directory
 *     update_log = freshclam /var/log/clamav/freshclam.log   the updater's log and its format
 *     managed = no                     the product has no console (no|yes)
 *     managed_by = Kaspersky Security Center   what `manager` processes report to
 *
 * A process pattern is an absolute path, or a shell pattern (fnmatch, '*' crosses '/') that
 * matches the executable's path; an exact path may carry the file's hash:
 * "daemon = /opt/x/bin/d sha256:<64 hex digits>". A later file's profile with the same id
 * replaces the earlier one. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AV_PROFILES_MAX     64
#define AV_PROFILE_LIST     32 /* entries of each repeatable key */
#define AV_PROFILE_ID_MAX   63
#define AV_PROFILE_FILE_MAX (1u << 20)
#define AV_ERROR_MAX        512

enum av_role {
        AV_ROLE_DAEMON,
        AV_ROLE_REALTIME,
        AV_ROLE_UPDATER,
        AV_ROLE_MANAGER,
        AV_ROLE_MAX,
};

enum av_signatures {
        AV_SIGNATURES_NONE,
        AV_SIGNATURES_CLAMAV, /* .cvd/.cld/.cud headers */
        AV_SIGNATURES_MAX,
};

enum av_update_log {
        AV_UPDATE_LOG_NONE,
        AV_UPDATE_LOG_FRESHCLAM,
        AV_UPDATE_LOG_MAX,
};

struct av_exe {
        enum av_role role;
        char *pattern;
        bool has_sha256;
        uint8_t sha256[32];
};

struct av_profile {
        char id[AV_PROFILE_ID_MAX + 1];
        char *product;
        int verified; /* -1 until set */
        char *source;
        char **installed;
        size_t n_installed;
        struct av_exe *exes;
        size_t n_exes;
        char **units;
        size_t n_units;
        char *clamd_config;
        enum av_signatures signatures;
        char *signatures_dir;
        enum av_update_log update_log;
        char *update_log_path;
        int managed; /* -1: from `manager` processes; 0 no console; 1 managed */
        char *managed_by;
        size_t line; /* of its [id], for errors */
};

struct av_profiles {
        struct av_profile *v;
        size_t n;
};

const char *av_role_to_string(enum av_role r);

void av_profiles_free(struct av_profiles *p); /* the contents; accepts NULL */

/* Parse one profile file (its text, named name in errors) and merge its profiles into p (a
 * profile with an id p has replaces it). All or nothing: on -EBADMSG p is unchanged and
 * error holds "name:line: what is wrong". 0, -EBADMSG, -ENOMEM, -E2BIG (too many
 * profiles; error says so). */
int av_profiles_parse(const char *name, const char *buf, size_t len, struct av_profiles *p,
                      char error[AV_ERROR_MAX]);

/* Read and parse the file at path (at most AV_PROFILE_FILE_MAX bytes). As above, and -errno
 * when it cannot be read (error says so). */
int av_profiles_load(const char *path, struct av_profiles *p, char error[AV_ERROR_MAX]);

/* The profiles shipped with the agent, as built in (data/antivirus.ini). */
extern const char av_builtin_profiles[];
extern const size_t av_builtin_profiles_size;
