# Where PostgreSQL's server programs (initdb, pg_ctl) are: sourced by the tests and the
# benchmarks. Debian keeps them in /usr/lib/postgresql/VERSION/bin, other systems on PATH.
pg_bindir() {
	local d
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return 0
	fi
	d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ] && { echo "$d"; return 0; }
	# the newest installed major version
	for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		[ -x "$d/initdb" ] && { echo "$d"; return 0; }
	done
	return 1
}

# pg_as_owner CMD...: run a server program as the cluster's owner. PostgreSQL refuses to
# run as root, so root runs it as the postgres user; anyone else runs it as themselves.
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
