/* The agent's enrollment: what `counterguard-agent enroll` got from the server and `run`
 * needs to report. A small INI file, mode 0600, owned by the worker's user:
 *
 *   [enrollment]
 *   server = https://inventory.example:8443
 *   agent_id = 0123...(32 hex)
 *   credential = 0123....(64 hex)
 */
#pragma once

#include <sys/types.h>

struct credential {
        char *server;     /* the URL enrolled with */
        char *agent_id;   /* 32 lowercase hex digits */
        char *credential; /* "<agent_id>.<64 hex>": the bearer secret */
};

void credential_free(struct credential *c); /* the contents; accepts NULL */

/* 0; -ENOENT (not enrolled: logged as such); -EINVAL (logged as file:line or naming the
 * field); -EACCES and others (logged). */
int credential_load(const char *path, struct credential *ret);
int credential_load_string(const char *name, const char *text, struct credential *ret);

/* Check c's fields as a loaded file's are (all three there, an https:// server, 32 hex
 * digits, "<agent_id>.<64 hex>"). 0, or -EINVAL logged with name, c then freed. */
int credential_validate(const char *name, struct credential *c);

/* Write c to path atomically, mode 0600; owner (when not -1) gets the file, so the worker
 * that runs as that user can read it. 0 or -errno (logged). */
int credential_save(const char *path, const struct credential *c, uid_t owner, gid_t group);
