#!/usr/bin/env bash
# Commercial products are recognised by their executables' paths, as their profiles say: a
# harmless program (a copy of sleep) started at Kaspersky's and its Network Agent's paths, at
# ESET's daemon and on-access paths, gives those products installed, running, managed (by the
# console the profile names) and real-time on, each marked as a best-knowledge profile.
# A process that merely calls itself clamd is not ClamAV running: names are not evidence.
# A profile override pins an executable's SHA-256: the same path with other content is not
# counted as the product.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-antivirus.sh"

av_db 27000 3600
av_ns '
mount -t tmpfs tmpfs /opt
start() { mkdir -p "$(dirname "$1")"; cp /bin/sleep "$1"; "$1" 60 & }
start /opt/kaspersky/kesl/libexec/kesl
start /opt/kaspersky/klnagent64/sbin/klnagent
start /opt/eset/eea/sbin/startd
start /opt/eset/eea/lib/oaeventd
# ClamAV: clamonacc (a harmless stand-in at its path) is real-time protection
cp /bin/sleep "$TMP/onacc"; mount --bind "$TMP/onacc" /usr/sbin/clamonacc; /usr/sbin/clamonacc 60 &
# named clamd, not clamd: ClamAV is installed here but its daemon does not run
mkdir -p "$TMP/fake"; cp /bin/sleep "$TMP/fake/clamd"; "$TMP/fake/clamd" 60 &
sleep 0.2
"$AGENT" inventory --only antivirus --format json >"$TMP/av.json"
"$AGENT" inventory --only antivirus >"$TMP/av.txt"
# pin /opt/eset/eea/sbin/startd to the hash of another file: not ESET any more
cat >/etc/counterguard/antivirus.d/pin.ini <<INI
[eset]
product = ESET Endpoint Antivirus for Linux
verified = no
source = test override
daemon = /opt/eset/eea/sbin/startd sha256:$(sha256sum /bin/true | cut -d" " -f1)
INI
"$AGENT" inventory --only antivirus --format json >"$TMP/pinned.json"
cat >/etc/counterguard/antivirus.d/pin.ini <<INI
[eset]
product = ESET Endpoint Antivirus for Linux
verified = no
source = test override
daemon = /opt/eset/eea/sbin/startd sha256:$(sha256sum /bin/sleep | cut -d" " -f1)
INI
"$AGENT" inventory --only antivirus --format json >"$TMP/pinned-ok.json"
kill $(jobs -p) 2>/dev/null || true
'
validate "$TMP/av.json" "$TMP/pinned.json" "$TMP/pinned-ok.json"
a="$TMP/av.json"
[ "$(av_get "$a" kesl '(a["product"], a["installed"], a["running"], a["managed"], a["managed_by"], a["profile_verified"])')" = \
	"('Kaspersky Endpoint Security for Linux', True, True, True, 'Kaspersky Security Center (Network Agent)', False)" ] ||
	fail "KESL: $(av_get "$a" kesl a)"
[ "$(av_get "$a" kesl 'sorted((p["exe"], p["role"]) for p in a["processes"])')" = \
	"[('/opt/kaspersky/kesl/libexec/kesl', 'daemon'), ('/opt/kaspersky/klnagent64/sbin/klnagent', 'manager')]" ] ||
	fail "KESL processes: $(av_get "$a" kesl a["processes"])"
[ "$(av_get "$a" eset '(a["installed"], a["running"], a["realtime"], a["managed"], a["profile_verified"])')" = \
	"(True, True, True, False, False)" ] || fail "ESET: $(av_get "$a" eset a)"
# best knowledge: the signature facts are named missing, not invented
[ "$(jget "$a" '[m["reason"] for m in d["missing"] if m["fact"] == "antivirus[kesl].signature_version"]')" = \
	"['the profile names no signature source this agent reads']" ] || fail "KESL signatures: $(jget "$a" 'd["missing"]')"
[ "$(av_get "$a" clamav '(a["installed"], a["running"], a["realtime"], [(p["exe"], p["role"]) for p in a["processes"]])')" = \
	"(True, False, True, [('/usr/sbin/clamonacc', 'realtime')])" ] ||
	fail "a process named clamd counted as ClamAV: $(av_get "$a" clamav a)"
[ "$(av_get "$a" sophos a)" = None ] || fail "Sophos reported without being there"
grep -q "Kaspersky Endpoint Security" "$TMP/av.txt" || fail "table: KESL"

[ "$(av_get "$TMP/pinned.json" eset '(a["running"], [(p["sha256_match"]) for p in a["processes"]])')" = \
	"(False, [False])" ] || fail "a pinned hash that differs: $(av_get "$TMP/pinned.json" eset a)"
[ "$(av_get "$TMP/pinned.json" eset 'a["profile_source"]')" = "test override" ] || fail "override not used"
[ "$(av_get "$TMP/pinned-ok.json" eset '(a["running"], [(p["sha256_match"]) for p in a["processes"]])')" = \
	"(True, [True])" ] || fail "a pinned hash that matches: $(av_get "$TMP/pinned-ok.json" eset a)"
echo "commercial ok"
