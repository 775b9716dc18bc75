#!/usr/bin/env bash
# An error detail that quotes what the client sent is cut on a UTF-8 character boundary:
# a key of 63 ASCII bytes followed by "ầ" (3 bytes) in an enrollment or a batch still gets
# its 400 with a valid JSON body, never a closed connection without an answer.
. "$(dirname "$0")/lib-server.sh"

make_cert
serve_enrolled sqlite

KEY="$(printf 'k%.0s' $(seq 63))ầ"
printf '{"token":"x","%s":1}' "$KEY" >"$TMP/enroll-key.json"
post /api/v1/enroll "$TMP/enroll-key.json"
expect 400 "unknown field"
jget "$TMP/resp" 'd["detail"]' >"$TMP/detail" || fail "not JSON: $(cat "$TMP/resp")"
grep -q '^k\{63\}: unknown field$' "$TMP/detail" || fail "detail: $(cat "$TMP/detail")"

printf '{"records":[],"%s":1}' "$KEY" >"$TMP/batch-key.json"
post_records "$TMP/batch-key.json" "$CRED"
expect 400 "unknown field"
jget "$TMP/resp" 'd["detail"]' >/dev/null || fail "not JSON: $(cat "$TMP/resp")"

gen_batch "$TMP/b.json" 1 0 1
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["records"][0][sys.argv[2]]=1; json.dump(d, open(sys.argv[3],"w"), ensure_ascii=False)' \
	"$TMP/b.json" "$KEY" "$TMP/record-key.json"
post_records "$TMP/record-key.json" "$CRED"
expect 400 "records[0].kkk"
jget "$TMP/resp" 'd["detail"]' >/dev/null || fail "not JSON: $(cat "$TMP/resp")"
# a character cut in two would have made the answer impossible to encode: no such line
! grep -q 'could not build' "$TMP/server.log" || fail "an answer could not be built"
server_stop || fail "server exit status"
echo ok
