#!/usr/bin/env bash
# An unchanged snapshot is not stored again: two snapshots that differ only in their times
# (generated_at, uptime) leave one raw body, move last seen and acknowledge the second seq; a
# changed one (a device added) is stored and applied; the unchanged seq resent as it was is
# 200, with other content 409; an event in between makes the next snapshot a full one again;
# the registers (devices, first and last seen) are right afterwards. On SQLite and PostgreSQL.
. "$(dirname "$0")/lib-server.sh"

make_cert

# snap OUT SEQ TIME UPTIME DEVICES: one snapshot record of DEVICES devices taken at TIME
snap() {
	gen_batch "$TMP/gen.json" "$2" 1 0 "$5"
	"$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = d["records"][0]
r["time"] = r["body"]["generated_at"] = sys.argv[3]
r["body"]["host"]["uptime_s"] = int(sys.argv[4])
r["body"]["antivirus"][0]["signature_version"] = "27000"  # gen_batch makes each a change
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)' "$TMP/gen.json" "$1" "$3" "$4"
}

# send FILE CODE [TEXT]: post FILE as the agent; that status (and that text) back
send() {
	post_records "$1" "$CRED"
	expect "$2" "${3:-}"
}

scenario() {
	serve_enrolled "$1"
	local a="agent_id = '$AGENT_ID'"

	snap "$TMP/s1.json" 1 2026-11-23T08:00:00Z 3600 13
	send "$TMP/s1.json" 200 '"acked_seq":1'
	snap "$TMP/s2.json" 2 2026-11-23T08:05:00Z 3900 13
	send "$TMP/s2.json" 200 '"acked_seq":2'
	[ "$(sql "SELECT COUNT(*) FROM raw_records WHERE $a")" = 1 ] ||
		fail "the unchanged snapshot's body was stored"
	[ "$(sql "SELECT seq FROM snapshot_repeats WHERE $a")" = 2 ] || fail "seq 2 not kept"
	[ "$(sql "SELECT last_seq FROM agents WHERE id = '$AGENT_ID'")" = 2 ] || fail "last_seq"
	[ "$(sql "SELECT last_seen, snapshot_seq, uptime_s FROM hosts WHERE $a")" = \
		"2026-11-23T08:05:00Z|2|3900" ] || fail "host: $(sql "SELECT * FROM hosts")"
	[ "$(sql "SELECT COUNT(*) FROM devices WHERE $a AND connected = 1 AND
		first_seen = '2026-11-23T08:00:00Z' AND last_seen = '2026-11-23T08:05:00Z'")" = 13 ] ||
		fail "devices' last seen: $(sql "SELECT device_key, first_seen, last_seen FROM devices")"

	# the unchanged seq resent: as it was (or with other times) 200; with a device more 409
	send "$TMP/s2.json" 200 '"acked_seq":2'
	snap "$TMP/s2b.json" 2 2026-11-23T08:05:01Z 3901 13
	send "$TMP/s2b.json" 200 '"acked_seq":2'
	snap "$TMP/s2c.json" 2 2026-11-23T08:05:00Z 3900 14
	send "$TMP/s2c.json" 409 '"detail":"records[0].seq: 2 is already stored with other content"'
	expect 409 '"stored_first_seq":1'
	expect 409 '"stored_last_seq":2'
	# and a stored snapshot's seq resent with a repeat's content is a reuse too
	snap "$TMP/s1b.json" 1 2026-11-23T08:05:00Z 3900 13
	send "$TMP/s1b.json" 409 '"detail":"records[0].seq: 1 is already stored with other content"'
	# and so is an event under the unchanged snapshot's seq
	gen_batch "$TMP/ev2.json" 2 0 1
	send "$TMP/ev2.json" 409 '"detail":"records[0].seq: 2 is already stored with other content"'
	[ "$(sql "SELECT COUNT(*) FROM device_events WHERE $a")" = 0 ] || fail "the event was stored"

	# a changed snapshot (a 14th device) is stored and applied
	snap "$TMP/s3.json" 3 2026-11-23T08:10:00Z 4200 14
	send "$TMP/s3.json" 200 '"acked_seq":3'
	[ "$(sql "SELECT seq FROM raw_records WHERE $a ORDER BY seq" | tr '\n' ' ')" = "1 3 " ] ||
		fail "the changed snapshot was not stored"
	[ "$(sql "SELECT COUNT(*) FROM devices WHERE $a AND connected = 1")" = 14 ] ||
		fail "the 14th device is not in the register"
	[ "$(sql "SELECT first_seen FROM devices WHERE $a AND port = '1-14'")" = \
		2026-11-23T08:10:00Z ] || fail "the new device's first seen"

	# an event moves the current state: the next snapshot equal to the last one is applied
	# in full (1-31 was added by an event whose removal was lost: the snapshot, without it,
	# must mark it absent)
	gen_batch "$TMP/ev.json" 4 0 2 # seq 4: 1-31 added, seq 5: 1-32 removed
	send "$TMP/ev.json" 200 '"acked_seq":5'
	snap "$TMP/s6.json" 6 2026-11-23T08:15:00Z 4500 14
	send "$TMP/s6.json" 200 '"acked_seq":6'
	[ "$(sql "SELECT COUNT(*) FROM raw_records WHERE $a AND seq = 6")" = 1 ] ||
		fail "the snapshot after events was deduplicated"
	[ "$(sql "SELECT COUNT(*) FROM devices WHERE $a AND connected = 1")" = 14 ] ||
		fail "devices after the full snapshot: $(sql "SELECT device_key, connected FROM devices")"
	[ "$(sql "SELECT connected FROM devices WHERE $a AND port = '1-31'")" = 0 ] ||
		fail "the device the events added is still connected"
	snap "$TMP/s7.json" 7 2026-11-23T08:20:00Z 4800 14
	send "$TMP/s7.json" 200 '"acked_seq":7'
	[ "$(sql "SELECT seq FROM snapshot_repeats WHERE $a ORDER BY seq" | tr '\n' ' ')" = "2 7 " ] ||
		fail "seq 7 not deduplicated"
	[ "$(sql "SELECT last_seen FROM hosts WHERE $a")" = 2026-11-23T08:20:00Z ] ||
		fail "host's last seen after seq 7"
	[ "$(sql "SELECT COUNT(*) FROM devices WHERE $a AND connected = 1 AND
		last_seen = '2026-11-23T08:20:00Z'")" = 14 ] || fail "devices' last seen after seq 7"
	[ "$(sql "SELECT COUNT(*) FROM devices WHERE $a AND connected = 0 AND
		last_seen = '2026-11-23T08:20:00Z'")" = 0 ] || fail "a disconnected device was seen"

	# the unchanged snapshot is the newest applied: a late older one cannot roll back past it
	[ "$(sql "SELECT snapshot_seq FROM hosts WHERE $a")" = 7 ] || fail "snapshot_seq"
	server_stop || fail "server exit status"
	echo "ok ($BACKEND)"
}

scenario sqlite
scenario postgresql
