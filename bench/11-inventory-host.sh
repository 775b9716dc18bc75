#!/usr/bin/env bash
# `inventory` of this machine (no umockdev), beside the inventory agents offices already run:
# FusionInventory (fusioninventory-inventory) and OCS Inventory (ocsinventory-agent --local),
# in the same run. Goal: under 20 ms and 4 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD="${BUILD:-$PWD/build}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 bench/measure.py 50 \
	"counterguard-agent inventory" -- "$BUILD/counterguard-agent" inventory --format json :: \
	-n 3 "fusioninventory-inventory" -- fusioninventory-inventory :: \
	-n 3 "ocsinventory-agent --local" -- ocsinventory-agent --local="$tmp"
