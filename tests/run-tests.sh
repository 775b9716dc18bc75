#!/usr/bin/env bash
# Run every test against the programs in $BUILD (default build/san, made by `make check`):
# unit tests, fuzz corpus replays, then the numbered integration scripts. Exit status 77
# means skipped. Prints one line per test and "N passed, N failed, N skipped" at the end.
# A skip is not a pass: the run fails when a test skips that is not in tests/may-skip.txt
# (every test whose dependencies scripts/install-deps.sh provides must run). ALLOW_SKIP=1
# lets a developer without those dependencies see the rest.
#   tests/run-tests.sh [PATTERN]     only tests whose name contains PATTERN
set -u
cd "$(dirname "$0")/.."
export BUILD="$(realpath "${BUILD:-build/san}")"
export SRCDIR="$PWD"
# ASan must come first in the library list, but umockdev preloads its own library: let
# them share. Leaks are checked (detect_leaks is on by default on Linux).
export ASAN_OPTIONS="${ASAN_OPTIONS:-verify_asan_link_order=0:abort_on_error=0:detect_leaks=1}"
# The agent's worker runs as nobody and reads the suppressions at its exit: a copy it can
# read wherever the tree is (a checkout under /root is not readable by nobody).
lsan_supp=$(mktemp /tmp/cg-lsan.XXXXXX)
trap 'rm -f "$lsan_supp"' EXIT
cp tests/lsan.supp "$lsan_supp" && chmod 644 "$lsan_supp"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$lsan_supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
filter="${1:-}"
logdir="$BUILD/test-logs"
mkdir -p "$logdir"
passed=0 failed=0 skipped=0 failures=() must_run_skipped=()
may_skip=$(grep -v '^#' tests/may-skip.txt 2>/dev/null | awk 'NF { print $1 }')

run_one() { # name, command...
	local name="$1" rc start end
	shift
	[[ -n "$filter" && "$name" != *"$filter"* ]] && return
	start=$(date +%s.%N)
	mkdir -p "$(dirname "$logdir/$name.log")"
	"$@" >"$logdir/$name.log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	case $rc in
	0) passed=$((passed + 1)); printf 'PASS %-50s %5.1fs\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" ;;
	77) skipped=$((skipped + 1)); printf 'SKIP %-50s %s\n' "$name" "$(tail -n 1 "$logdir/$name.log")"
	    grep -qxF "$name" <<<"$may_skip" || must_run_skipped+=("$name") ;;
	*) failed=$((failed + 1)); failures+=("$name"); printf 'FAIL %-50s (exit %d)\n' "$name" "$rc"
	   sed 's/^/    | /' "$logdir/$name.log" | tail -n 60 ;;
	esac
}

# Unit tests (cmocka). Those that need a umockdev testbed say so in their name.
while IFS= read -r t; do
	n=$(basename "$t")
	if [[ "$n" == *umockdev* ]]; then
		run_one "unit/$n" umockdev-wrapper "$t"
	else
		run_one "unit/$n" "$t"
	fi
done < <(find "$BUILD/tests/unit" -type f -executable -name 'test_*' 2>/dev/null | sort)

# Fuzz corpora, replayed without libFuzzer.
while IFS= read -r t; do
	n=$(basename "$t" -replay)
	run_one "fuzz/$n" "$t" tests/fuzz/corpus/"$n"
done < <(find "$BUILD/tests/fuzz" -type f -executable -name '*-replay' 2>/dev/null | sort)

# Integration tests, numbered.
for t in tests/integration/[0-9][0-9][0-9]-*.sh; do
	[ -e "$t" ] || continue
	run_one "integration/$(basename "$t" .sh)" bash "$t"
done

echo
[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
if [ ${#must_run_skipped[@]} -gt 0 ]; then
	printf 'skipped, but must run (not in tests/may-skip.txt): %s\n' "${must_run_skipped[*]}"
	[ "${ALLOW_SKIP:-0}" = 1 ] || exit 1
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
