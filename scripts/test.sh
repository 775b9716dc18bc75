#!/usr/bin/env bash
# All the tests: installs what they need from Debian's archive, then `make check`
# (sanitizer build, unit, fuzz-corpus and integration tests, lint).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build test
make -j"$(nproc)" check
