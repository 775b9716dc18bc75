#!/usr/bin/env bash
# The `system` collector says what the PC's own tools say: hostname, kernel, machine-id, OS,
# addresses; and it reads DMI identity (vendor, model, serial, asset tag) where the firmware
# filled it in, dropping the firmware's placeholders.
. "$(dirname "$0")/lib.sh"
need umockdev-run
need ip

"$AGENT" inventory --only system --format json >"$TMP/sys.json"
validate "$TMP/sys.json"
[ "$(jget "$TMP/sys.json" 'd["host"]["hostname"]')" = "$(uname -n)" ] || fail hostname
[ "$(jget "$TMP/sys.json" 'd["host"]["kernel"]')" = "$(uname -r)" ] || fail kernel
[ "$(jget "$TMP/sys.json" 'd["host"]["arch"]')" = "$(uname -m)" ] || fail arch
if [ -s /etc/machine-id ]; then
	[ "$(jget "$TMP/sys.json" 'd["host"]["machine_id"]')" = "$(cat /etc/machine-id)" ] || fail machine-id
fi
( . /etc/os-release; [ "$(jget "$TMP/sys.json" 'd["host"]["os_name"]')" = "$PRETTY_NAME" ] ) || fail os
# every IPv4 address `ip` shows (but loopback) is in the report, on its interface
ip -4 -o addr show | awk '$2 != "lo" {split($4, a, "/"); print $2, a[1]}' | sort >"$TMP/ip.want"
jget "$TMP/sys.json" '"\n".join("%s %s" % (n["name"], a) for n in d["host"].get("netifs", []) for a in n.get("ipv4", []))' |
	sort >"$TMP/ip.got"
diff -u "$TMP/ip.want" "$TMP/ip.got" || fail "IPv4 addresses"
[ "$(jget "$TMP/sys.json" 'd["host"]["agent_version"]')" = "$(cat "$SRCDIR/VERSION")" ] || fail version

# DMI, from a testbed (a VM has none worth reading)
cat >"$TMP/dmi.umockdev" <<'DMI'
P: /devices/virtual/dmi/id
E: SUBSYSTEM=dmi
A: sys_vendor=Dell Inc.
A: product_name=OptiPlex 7090
A: product_serial=5CG1234XYZ
A: chassis_asset_tag=To Be Filled By O.E.M.
DMI
umockdev-run -d "$TMP/dmi.umockdev" -- "$AGENT" inventory --only system --format json >"$TMP/dmi.json"
validate "$TMP/dmi.json"
[ "$(jget "$TMP/dmi.json" '(d["host"]["dmi_vendor"], d["host"]["dmi_model"], d["host"]["dmi_serial"], "dmi_asset_tag" in d["host"])')" = \
	"('Dell Inc.', 'OptiPlex 7090', '5CG1234XYZ', False)" ] || fail "DMI: $(jget "$TMP/dmi.json" 'd["host"]')"
umockdev-run -d "$TMP/dmi.umockdev" -- "$AGENT" inventory --only system >"$TMP/table"
grep -qE '^Serial +5CG1234XYZ$' "$TMP/table" || fail "DMI serial in the table"
echo "system ok"
