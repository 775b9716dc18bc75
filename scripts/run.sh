#!/usr/bin/env bash
# The main job: build counterguard and show this PC's inventory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
make -j"$(nproc)" >/dev/null
build/counterguard-agent inventory "$@"
