#!/usr/bin/env bash
# The layers: common < collectors < agent, common < policy < agent, and common < server. Each folder is compiled with
# its own include path (Makefile, INC_*), so a header of a layer above does not compile:
# collectors cannot reach up into the agent, common into anything, the server into the agent.
. "$(dirname "$0")/lib.sh"
cd "$SRCDIR"
flags() { make -s --no-print-directory "include-flags-$1"; }

# probe DIR HEADER: does a file in DIR that includes HEADER compile?
probe() {
	printf '#include "%s"\nint probe(void);\nint probe(void) { return 0; }\n' "$2" >"$TMP/probe.c"
	# shellcheck disable=SC2046
	cc $(flags "$1") $(pkg-config --cflags jansson libudev) -fsyntax-only "$TMP/probe.c" 2>"$TMP/err"
}
refused() {
	probe "$1" "$2" && fail "$1/ may include $2, a header of a layer above it"
	grep -q "$2: No such file" "$TMP/err" || fail "$1/ including $2: $(cat "$TMP/err")"
}
allowed() { probe "$1" "$2" || fail "$1/ cannot include $2: $(cat "$TMP/err")"; }

refused common collector.h
refused common snapshot.h
refused common http.h
refused collectors snapshot.h
refused collectors report_table.h
refused collectors store.h
refused collectors policy.h
refused policy collector.h
refused policy snapshot.h
refused common policy.h
refused server policy.h
refused server collector.h
refused server snapshot.h
allowed collectors loop.h
allowed collectors report.h
allowed agent collector.h
allowed agent loop.h
allowed server model.h
allowed policy report.h
allowed agent policy.h
# and the real sources are built that way
cmd=$(make -n -B --no-print-directory BUILD="$TMP/b" "$TMP/b/collectors/usb.o")
grep -q -- "-Icollectors" <<<"$cmd" || fail "collectors/usb.c built without -Icollectors: $cmd"
! grep -q -- "-Iagent" <<<"$cmd" || fail "collectors/usb.c built with -Iagent: $cmd"
cmd=$(make -n -B --no-print-directory BUILD="$TMP/b" "$TMP/b/server/batch.o")
! grep -qE -- "-I(agent|collectors)" <<<"$cmd" || fail "server/batch.c sees the agent: $cmd"
echo "ok: wrong-way includes do not compile"
