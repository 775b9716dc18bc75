#!/usr/bin/env bash
# `inventory --only accounts` on a PC whose passwd, shadow, group, sudoers, sudoers.d,
# login.defs, lastlog and LightDM configuration the test wrote: every account with the facts
# an inspector asks for (locked, empty password, password age, administrator and why, human or
# system, last login and days inactive, automatic login, guest); malformed lines named by file
# and line, the rest read; no password hash anywhere in the output. Last login from lastlog,
# else from wtmp.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-accounts.sh"

cat >"$ROOT_ETC/passwd" <<'P'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
alice:x:1001:1001:Nguyễn Thị Alice,Room 2,,:/home/alice:/bin/bash
bob:x:1002:1002:Bob:/home/bob:/bin/bash
this line is broken
carol:x:1003:1003:Carol:/home/carol:/bin/bash
dave:x:1004:1004:Dave:/home/dave:/bin/bash
erin:x:1005:1005:Erin:/home/erin:/bin/bash
frank:x:1006:1006:Frank:/home/frank:/bin/bash
gina:x:1007:1007:Gina:/home/gina:/bin/bash
hank:x:1008:1008:Hank:/home/hank:/bin/bash
ivan:x:1009:1009:Ivan:/home/ivan:/bin/bash
judy:x:1010:1010:Judy:/home/judy:/bin/bash
svc:x:500:500:a service:/var/lib/svc:/usr/sbin/nologin
kate:x:1011:1011:Kate:/home/kate:/bin/bash
leo:x:1012:1200:Leo:/home/leo:/bin/bash
P
changed=$((NOW / DAY))
old=$((changed - 400))
cat >"$ROOT_ETC/shadow" <<S
root:!:$changed:0:99999:7:::
daemon:*:$changed:0:99999:7:::
alice:!\$6\$saltsalt\$HASHMARKERalice:$changed:0:99999:7:::
bob::$changed:0:99999:7:::
carol:\$6\$saltsalt\$HASHMARKERcarol:$old:0:99999:7:::
dave:\$6\$s\$HASHMARKERdave:$changed:0:90:7:::
broken shadow line
erin:\$6\$s\$HASHMARKERerin:$changed:0::7:::
frank:\$6\$s\$HASHMARKERfrank:$changed:0:99999:7:::
gina:\$6\$s\$HASHMARKERgina:$changed:0:99999:7:::
hank:\$6\$s\$HASHMARKERhank:$changed:0:99999:7:::
ivan:\$6\$s\$HASHMARKERivan:$changed:0:99999:7:::
judy:\$6\$s\$HASHMARKERjudy:$changed:0:99999:7:::
svc:*:$changed:0:99999:7:::
kate:\$6\$s\$HASHMARKERkate:$changed:0:99999:7:::
leo:\$6\$s\$HASHMARKERleo:$changed:0:99999:7:::
S
cat >"$ROOT_ETC/group" <<'G'
root:x:0:
adm:x:4:ivan
sudo:x:27:dave
ops:x:1100:hank
users:x:100:alice,bob
helpdesk:x:1200:
G
cat >"$ROOT_ETC/login.defs" <<'L'
# shadow's configuration
UID_MIN                  1000
UID_MAX                 60000
L
cat >"$ROOT_ETC/sudoers" <<'SU'
Defaults        env_reset
root    ALL=(ALL:ALL) ALL
judy    ALL=(root) /usr/bin/apt
User_Alias  IT_STAFF = kate, %helpdesk
IT_STAFF ALL=(ALL) ALL
@includedir /etc/sudoers.d
SU
mkdir -m 0750 "$ROOT_ETC/sudoers.d"
printf '# the IT staff\n%%ops ALL=(ALL) NOPASSWD: ALL\n' >"$ROOT_ETC/sudoers.d/ops"
printf 'erin ALL=(ALL:ALL) ALL\n' >"$ROOT_ETC/sudoers.d/erin"
printf 'judy ALL=(ALL) ALL\n' >"$ROOT_ETC/sudoers.d/README.txt" # a '.': sudo skips it
chmod 0440 "$ROOT_ETC/sudoers" "$ROOT_ETC"/sudoers.d/*
mkdir -p "$ROOT_ETC/lightdm"
printf '[Seat:*]\nautologin-user=gina\nallow-guest=true\n' >"$ROOT_ETC/lightdm/lightdm.conf"
lastlog 1006 $((NOW - 60 * DAY)) tty1 -
lastlog 1001 $((NOW - 2 * 3600)) pts/0 192.0.2.7
# erin is not in lastlog (a display manager that does not write it): her last wtmp login counts
printf 'login %s tty7 7 erin - -\nlogin %s pts/1 ts/1 frank - -\n' $((NOW - 10 * DAY)) \
	$((NOW - 61 * DAY)) | records "$ROOT_LOG/wtmp"

in_root "$AGENT" inventory --only accounts --format json >"$TMP/inv.json" 2>"$TMP/log" ||
	{ cat "$TMP/log"; fail "inventory"; }
validate "$TMP/inv.json"
cat "$TMP/log"
! grep -q HASHMARKER "$TMP/inv.json" "$TMP/log" || fail "a password hash reached the output"

"$PY" - "$TMP/inv.json" <<'PY' || fail "accounts"
import json, sys
d = json.load(open(sys.argv[1]))
a = {x["name"]: x for x in d["accounts"]}
assert list(a) == ["root", "daemon", "alice", "bob", "carol", "dave", "erin", "frank", "gina",
                   "hank", "ivan", "judy", "svc", "kate", "leo", "guest"], list(a)
def check(name, **want):
    for k, v in want.items():
        assert a[name].get(k) == v, (name, k, a[name].get(k), v)
check("root", uid=0, admin=True, system=True, locked=True)
check("daemon", system=True, locked=True, admin=False)
check("alice", gecos="Nguyễn Thị Alice", locked=True, password_empty=False, system=False,
      admin=False)
check("bob", password_empty=True, locked=False)
check("carol", password_max_days=99999)
import datetime
age = (datetime.date.today() - datetime.date.fromisoformat(a["carol"]["password_changed"])).days
assert age in (399, 400, 401), age
check("dave", admin=True, admin_via=["group sudo"], password_max_days=90)
check("erin", admin=True, admin_via=["sudoers /etc/sudoers.d/erin:1"], password_max_days=-1)
check("hank", admin=True, admin_via=["sudoers /etc/sudoers.d/ops:2"])
check("ivan", admin=False, log_reader=True)
check("judy", admin=False)  # only apt, and README.txt is not read
check("frank", days_inactive=60)  # lastlog's 60 days, not wtmp's older 61
check("erin", days_inactive=10)
assert a["frank"]["last_login"].endswith("Z")
check("alice", days_inactive=0)
assert "days_inactive" not in a["bob"] and "last_login" not in a["bob"]
check("gina", autologin=True, autologin_by="lightdm")
check("svc", system=True)
check("kate", admin=True, admin_via=["sudoers /etc/sudoers:5"])  # through a User_Alias
check("leo", admin=True, admin_via=["sudoers /etc/sudoers:5"])   # alias -> %group -> primary
check("guest", guest=True)
miss = [m["reason"] for m in d.get("missing", [])]
assert any(r.startswith("/etc/passwd:5: ") for r in miss), miss
assert any(r.startswith("/etc/shadow:7: ") for r in miss), miss
print("accounts ok:", len(a))
PY
grep -q "/etc/passwd:5: " "$TMP/log" || fail "the malformed passwd line is not logged"

# the table lists them too
in_root "$AGENT" inventory --only accounts >"$TMP/table" 2>/dev/null || fail "table"
grep -q "gina" "$TMP/table" || fail "table: gina"

# no sudo installed: no sudoers, not an error; dave still an admin through his group
rm -rf "$ROOT_ETC/sudoers" "$ROOT_ETC/sudoers.d"
in_root "$AGENT" inventory --only accounts --format json >"$TMP/nosudo.json" 2>/dev/null ||
	fail "inventory without sudoers"
[ "$(jget "$TMP/nosudo.json" '[x["name"] for x in d["accounts"] if x.get("admin")]')" = "['root', 'dave']" ] ||
	fail "admins without sudoers"

# GDM and SDDM instead of LightDM: their automatic logins, no guest
rm -rf "$ROOT_ETC/lightdm"
mkdir -p "$ROOT_ETC/gdm3" "$ROOT_ETC/sddm.conf.d"
printf '# GDM\n[daemon]\nAutomaticLoginEnable = true\nAutomaticLogin = bob\n' >"$ROOT_ETC/gdm3/daemon.conf"
printf '[Autologin]\nUser=carol\nSession=plasma\n' >"$ROOT_ETC/sddm.conf.d/10-auto.conf"
printf '[Autologin]\nUser=nosuchuser\n' >"$ROOT_ETC/sddm.conf.d/05-old.conf" # overridden
in_root "$AGENT" inventory --only accounts --format json >"$TMP/dm.json" 2>/dev/null || fail "dm"
validate "$TMP/dm.json"
[ "$(jget "$TMP/dm.json" '[(x["name"], x.get("autologin_by")) for x in d["accounts"] if x.get("autologin")]')" = \
	"[('bob', 'gdm'), ('carol', 'sddm')]" ] || fail "GDM and SDDM autologin: $(cat "$TMP/dm.json")"
[ "$(jget "$TMP/dm.json" '[x["name"] for x in d["accounts"] if x.get("guest")]')" = "[]" ] || fail "guest"
echo "accounts inventory ok"
