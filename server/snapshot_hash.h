/* The content of a snapshot, times aside: what the server compares to tell an unchanged
 * snapshot from a changed one (docs/wire-protocol.md, "Unchanged snapshots"). */
#pragma once

#include "auth.h"
#include "report.h"

#define SNAPSHOT_HASH_HEX AUTH_HASH_HEX

/* The canonical JSON of rep: the report model's encoding, object keys sorted, compact, with
 * the fields that change on every snapshot without meaning a change left out. malloc'ed. */
int snapshot_canonical_json(const struct report *rep, char **ret);
/* SHA-256 of the canonical JSON as 64 lowercase hex digits. */
int snapshot_hash(const struct report *rep, char ret[SNAPSHOT_HASH_HEX + 1]);
