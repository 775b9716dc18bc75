#!/usr/bin/env bash
# Install, from Debian's archive, what counterguard needs to build and test.
# Idempotent and quick when everything is there: apt is only called for missing packages.
#   scripts/install-deps.sh [build|run|test|bench]...   (default: build test)
set -euo pipefail

build_pkgs=(
	build-essential pkg-config
	libudev-dev libjansson-dev libcurl4-gnutls-dev libsystemd-dev
	libmicrohttpd-dev libgnutls28-dev libsqlite3-dev libpq-dev libinih-dev
	libcap-ng-dev libcups2-dev libsane-dev libnftnl-dev libmnl-dev libconfig-dev
)
run_pkgs=(
	openssl curl python3
)
test_pkgs=(
	libcmocka-dev umockdev libumockdev-dev
	python3 python3-jsonschema
	clang clang-format clang-tidy cppcheck
	util-linux curl openssl postgresql sqlite3 valgrind
	debhelper dpkg-dev binutils iproute2 systemd
	cups-daemon cups-client sane-utils libsane1
	nftables iptables ufw socat
	clamav clamav-daemon clamav-freshclam faketime
)
bench_pkgs=(
	usbutils time hyperfine wrk usbguard opensnitch
	fusioninventory-agent ocsinventory-agent
	clamdscan
)

want=()
for set in "${@:-build test}"; do
	for s in $set; do
		case "$s" in
		build) want+=("${build_pkgs[@]}") ;;
		run) want+=("${run_pkgs[@]}") ;;
		test) want+=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
		bench) want+=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
		*) echo "install-deps: unknown set '$s' (build, run, test, bench)" >&2; exit 2 ;;
		esac
	done
done

# Install what of "$@" is not installed yet.
install_missing() {
	local missing=() p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null; then SUDO=sudo; else
			echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1
		fi
	else
		SUDO=
	fi
	echo "install-deps: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
	$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ClamAV's packages start clamd and freshclam from their maintainer scripts, and freshclam
# would fetch signatures from the internet: nothing of ClamAV may run here but the clamd the
# tests start on their own database. While they install, a policy-rc.d denies their services
# (invoke-rc.d and deb-systemd-invoke both ask it; a machine that has one keeps its own);
# debconf's "daemon" mode writes no cron job, and that daemon's service is disabled after.
clamav_guard=
if [[ " ${want[*]} " == *" clamav-freshclam "* ]] && [ ! -e /usr/sbin/policy-rc.d ] &&
	[ "$(id -u)" -eq 0 ]; then
	clamav_guard=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\n# counterguard install-deps.sh: no ClamAV service during the install\ncase "$1" in clamav-*) exit 101 ;; esac\nexit 0\n' >"$clamav_guard"
	chmod 755 "$clamav_guard"
	trap 'rm -f "$clamav_guard"' EXIT
fi
if [[ " ${want[*]} " == *" clamav-freshclam "* ]] && [ "$(id -u)" -eq 0 ]; then
	echo 'clamav-freshclam clamav-freshclam/autoupdate_freshclam select daemon' |
		debconf-set-selections
fi

install_missing "${want[@]}"

if [[ " ${want[*]} " == *" clamav-freshclam "* ]] && [ "$(id -u)" -eq 0 ]; then
	update-rc.d -f clamav-freshclam disable >/dev/null 2>&1 || true
	deb-systemd-helper disable clamav-freshclam.service >/dev/null 2>&1 || true
	rm -f /etc/cron.d/clamav-freshclam
fi
if [ -n "$clamav_guard" ]; then
	rm -f "$clamav_guard"
	trap - EXIT
fi

# libFuzzer's runtime comes with the compiler's version (libclang-rt-14-dev for Debian 12's
# clang 14, -19- for Debian 13's): ask the installed clang where its runtime would be.
if command -v clang >/dev/null && [[ " ${want[*]} " == *" clang "* ]]; then
	rt_dir=$(clang -print-resource-dir)
	if ! compgen -G "$rt_dir/lib/*/libclang_rt.fuzzer*.a" >/dev/null; then
		install_missing "libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
	fi
fi
