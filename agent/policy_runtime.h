/* The policy while the agent watches (watch, run): the policy in use and its reloads, the
 * USB control of block mode, and the findings told so far, so that a finding is told once
 * when it opens (finding_opened) and once when it goes (finding_resolved). Between
 * snapshots the USB findings follow the hotplug events; each snapshot judges everything. */
#pragma once

#include "policy.h"

struct policy_runtime;

typedef void (*policy_runtime_emit_fn)(const struct report_event *ev, void *userdata);

/* Load path (NULL: the default file, or the built-in policy when it does not exist). An
 * invalid file is an error (logged as file:line). 0, -EINVAL, -ENOENT, -ENOMEM. */
int policy_runtime_new(const char *path, struct policy_runtime **ret);
void policy_runtime_free(struct policy_runtime *rt); /* accepts NULL */

/* Load path again: an invalid file keeps the policy in use (logged). Devices the new policy
 * approves are authorized again. 0 or -errno. */
int policy_runtime_reload(struct policy_runtime *rt, const char *path);

/* A collector's event: emitted as it is (a device with its verdict: "blocked" when block
 * mode deauthorized it), followed by the USB findings it opened or resolved. */
void policy_runtime_event(struct policy_runtime *rt, const struct report_event *ev,
                          policy_runtime_emit_fn emit, void *userdata);

/* For `watch`, which announces no device present at its start: judge those (block mode acts
 * on them) and emit their USB findings. 0 or -errno. */
int policy_runtime_start(struct policy_runtime *rt, policy_runtime_emit_fn emit, void *userdata);

/* A snapshot: its findings and verdicts set in r, and the findings opened or resolved since
 * those told are emitted. 0 or -ENOMEM. */
int policy_runtime_snapshot(struct policy_runtime *rt, struct report *r,
                            policy_runtime_emit_fn emit, void *userdata);
