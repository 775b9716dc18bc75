/* The content of a snapshot, times aside: what the server compares to tell an unchanged
 * snapshot from a changed one (docs/wire-protocol.md, "Unchanged snapshots"). */
#pragma once

#include "report.h"

/* SHA-256 in base64url without padding: 43 characters, not hex's 64, because one is stored
 * per unchanged snapshot and that row is the whole cost of one. */
#define SNAPSHOT_HASH_LEN 43

/* The canonical JSON of rep: the report model's encoding, object keys sorted, compact, with
 * the fields that change on every snapshot without meaning a change left out. malloc'ed. */
int snapshot_canonical_json(const struct report *rep, char **ret);
/* SHA-256 of the canonical JSON, SNAPSHOT_HASH_LEN characters + NUL. */
int snapshot_hash(const struct report *rep, char ret[SNAPSHOT_HASH_LEN + 1]);
