/* The enrollment file: see credential.h. */
#include "credential.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "ini_config.h"
#include "log.h"

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

static const struct ini_key keys[] = {
        {"enrollment", "server", INI_STRING, offsetof(struct credential, server), 0, 0},
        {"enrollment", "agent_id", INI_STRING, offsetof(struct credential, agent_id), 0, 0},
        {"enrollment", "credential", INI_STRING, offsetof(struct credential, credential), 0, 0},
};

void credential_free(struct credential *c) {
        if (!c)
                return;
        free(c->server);
        free(c->agent_id);
        free(c->credential);
        *c = (struct credential){0};
}

static bool is_hex(const char *s, size_t n) {
        if (strlen(s) < n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

int credential_validate(const char *name, struct credential *c) {
        const char *what = NULL;

        if (!c->server || !c->agent_id || !c->credential)
                what = "needs server, agent_id and credential in [enrollment]";
        else if (strncmp(c->server, "https://", 8) != 0)
                what = "server: not an https:// URL";
        else if (strlen(c->agent_id) != 32 || !is_hex(c->agent_id, 32))
                what = "agent_id: not 32 hex digits";
        else if (strlen(c->credential) != 32 + 1 + 64 ||
                 strncmp(c->credential, c->agent_id, 32) != 0 || c->credential[32] != '.' ||
                 !is_hex(c->credential + 33, 64))
                what = "credential: not the agent id, '.', and 64 hex digits";
        if (!what)
                return 0;
        log_error("%s: %s", name, what);
        credential_free(c);
        return -EINVAL;
}

int credential_load_string(const char *name, const char *text, struct credential *ret) {
        int r = ini_config_load_string(name, text, keys, ELEMENTSOF(keys), ret);

        if (r < 0) {
                credential_free(ret);
                return r;
        }
        return credential_validate(name, ret);
}

int credential_load(const char *path, struct credential *ret) {
        int r;

        if (access(path, F_OK) < 0 && errno == ENOENT) {
                log_error("%s: not enrolled yet (counterguard-agent enroll --server URL --token "
                          "TOKEN)",
                          path);
                return -ENOENT;
        }
        r = ini_config_load(path, keys, ELEMENTSOF(keys), ret);
        if (r < 0) {
                credential_free(ret);
                return r;
        }
        return credential_validate(path, ret);
}

int credential_save(const char *path, const struct credential *c, uid_t owner, gid_t group) {
        char buf[1024];
        int n, r;

        n = snprintf(buf, sizeof(buf),
                     "; written by counterguard-agent enroll: this PC's secret, keep it 0600\n"
                     "[enrollment]\nserver = %s\nagent_id = %s\ncredential = %s\n",
                     c->server, c->agent_id, c->credential);
        if (n < 0 || (size_t)n >= sizeof(buf))
                return log_error_errno(-E2BIG, "%s: enrollment too long to write", path);
        r = fileio_write_atomic(path, buf, (size_t)n, 0600);
        if (r < 0)
                return log_error_errno(r, "%s: cannot write the enrollment", path);
        if (owner != (uid_t)-1 && chown(path, owner, group) < 0) {
                r = -errno;
                return log_error_errno(r, "%s: cannot give the enrollment to its user", path);
        }
        return 0;
}
