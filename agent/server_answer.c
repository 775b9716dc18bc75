/* The server's answers: see server_answer.h. */
#include "server_answer.h"

#include <errno.h>
#include <stdint.h>
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

int server_answer_refused(const char *buf, size_t len, size_t *ret_index) {
        json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, NULL);
        const char *error = j ? json_string_value(json_object_get(j, "error")) : NULL;
        const char *detail = j ? json_string_value(json_object_get(j, "detail")) : NULL;
        int r = 0;

        if (error &&
            (strcmp(error, "invalid record") == 0 || strcmp(error, "malformed JSON") == 0)) {
                *ret_index = SIZE_MAX;
                /* "records[12].body.devices[0].vendor_id: ...": the record is the 13th */
                if (detail && strncmp(detail, "records[", 8) == 0) {
                        char *end;
                        unsigned long long n;

                        errno = 0;
                        n = strtoull(detail + 8, &end, 10);
                        if (detail[8] >= '0' && detail[8] <= '9' && errno == 0 && *end == ']' &&
                            n < SIZE_MAX)
                                *ret_index = (size_t)n;
                }
                r = 1;
        }
        json_decref(j);
        return r;
}
