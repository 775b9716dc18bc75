#!/usr/bin/env bash
# `make bench`: every bench/NN-*.sh in order, each printing its figures beside its anchor's.
# Installs the anchors first (Debian packages, see scripts/install-deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh bench
make -j"$(nproc)" >/dev/null
export BUILD="$PWD/build"
for b in bench/[0-9][0-9]-*.sh; do
	echo "== $(basename "$b" .sh)"
	bash "$b"
	echo
done
