/* The server's answers the agent acts on, parsed in one place (and fuzzed,
 * tests/fuzz/fuzz-agent-answer.c): they come from the network. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "credential.h"

/* {"acked_seq": N}: 0 and *ret, or -EBADMSG. */
int server_answer_acked(const char *buf, size_t len, uint64_t *ret);

/* {"agent_id": ..., "credential": ...} from the server at `server`, checked as an enrollment
 * file is (credential_validate). 0 and *ret (to be freed), -EBADMSG (not an enrollment) or
 * -EINVAL (an enrollment with bad fields), logged. */
int server_answer_enrollment(const char *server, const char *buf, size_t len,
                             struct credential *ret);

/* A 400 answer that refuses the records for what they are, which no retry changes:
 * {"error": "invalid record" or "malformed JSON", "detail": ...}. 1 when it is one, with
 * *ret_index the index of the record "detail" names ("records[N]..."), or SIZE_MAX when it
 * names none; 0 when the answer is something else (to be retried). */
int server_answer_refused(const char *buf, size_t len, size_t *ret_index);
