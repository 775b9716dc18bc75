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
