/* The server's answers: see server_answer.h. */
#include "server_answer.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

int server_answer_acked(const char *buf, size_t len, uint64_t *ret) {
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        json_t *v = j ? json_object_get(j, "acked_seq") : NULL;
        int r = -EBADMSG;

        if (json_is_integer(v) && json_integer_value(v) >= 0) {
                *ret = (uint64_t)json_integer_value(v);
                r = 0;
        }
        json_decref(j);
        return r;
}

int server_answer_enrollment(const char *server, const char *buf, size_t len,
                             struct credential *ret) {
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        const char *id = j ? json_string_value(json_object_get(j, "agent_id")) : NULL;
        const char *cred = j ? json_string_value(json_object_get(j, "credential")) : NULL;
        int r = -EBADMSG;

        *ret = (struct credential){0};
        if (id && cred) {
                ret->server = strdup(server);
                ret->agent_id = strdup(id);
                ret->credential = strdup(cred);
                r = ret->server && ret->agent_id && ret->credential ? 0 : -ENOMEM;
                if (r == 0)
                        r = credential_validate("the server's answer", ret);
                else
                        credential_free(ret);
        }
        json_decref(j);
        if (r == -EBADMSG)
                log_error("the server's answer is not an enrollment");
        return r;
}
