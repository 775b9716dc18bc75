#!/usr/bin/env bash
# Static checks on every tracked C file: clang-format (the repo's .clang-format), cppcheck,
# clang-tidy (bugprone, clang-analyzer), and the functions the house style bans.
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null || find . -name '*.c' -o -name '*.h')
mapfile -t sources < <(printf '%s\n' "${files[@]}" | grep '\.c$')
fail=0
incs=(-Icommon -Iagent -Icollectors -Ipolicy -Iserver $(pkg-config --cflags-only-I jansson libudev 2>/dev/null))

echo "lint: clang-format (${#files[@]} files)"
clang-format --dry-run -Werror "${files[@]}" || fail=1

echo "lint: banned functions"
if grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol)\s*\(' "${sources[@]}"; then
	echo "lint: use bounded, checked calls instead (STYLE.md)"; fail=1
fi

echo "lint: cppcheck"
cppcheck --quiet --error-exitcode=1 --enable=warning,portability --inline-suppr \
	--suppress=missingIncludeSystem \
	--suppress=normalCheckLevelMaxBranches --std=c11 -D_GNU_SOURCE -DCOUNTERGUARD_VERSION='"0"' \
	"${incs[@]}" "${sources[@]}" || fail=1

echo "lint: clang-tidy"
tidy_checks='-*,bugprone-*,clang-analyzer-*,-bugprone-easily-swappable-parameters,-bugprone-multi-level-implicit-pointer-conversion,-bugprone-casting-through-void,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-assignment-in-if-condition,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,-clang-analyzer-valist.Uninitialized,-clang-analyzer-optin.core.EnumCastOutOfRange'
tidy_flags=(-std=gnu11 -D_GNU_SOURCE -DCOUNTERGUARD_VERSION='"0"' "${incs[@]}"
	$(pkg-config --cflags cmocka umockdev-1.0 libmicrohttpd gnutls libpq sqlite3 inih 2>/dev/null))
tidy_out=$(printf '%s\0' "${sources[@]}" | xargs -0 -P "$(nproc)" -n 8 sh -c \
	'clang-tidy --quiet --checks="$0" "$@" -- '"${tidy_flags[*]@Q}" "$tidy_checks" 2>&1)
if grep -qE '(warning|error):' <<<"$tidy_out"; then
	grep -E -A3 '(warning|error):' <<<"$tidy_out"; fail=1
fi

[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
