#!/bin/sh
# The binary's --list-profiles, --profile, --apply [--dry-run] and --rollback on copies of the
# apply-* fixtures: exit codes, JSON, file:line errors, the lock, byte-for-byte rollback.
# Prints TAP.

: "${top_srcdir:=.}"
: "${RTHOSTCHECK:=./rthostcheck}"
RTHC_PROFILE_DIR="$top_srcdir/profiles"
export RTHC_PROFILE_DIR

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rthc-apply.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0
fails=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
	[ -f "$tmp/err" ] && sed 's/^/# /' "$tmp/err" | head -20
}

check() { # description, then a command that must succeed
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

run() { # expected exit code, then the arguments
	want=$1
	shift
	"$RTHOSTCHECK" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || { echo "# exit $got, expected $want: $*"; return 1; }
}

# Trees compare equal apart from the journal directory (and the directories made for it).
same_tree() {
	[ ! -e "$2/var" ] && diff -r -x var "$1" "$2" >"$tmp/err" 2>&1 &&
		[ -z "$(find "$1/var" -mindepth 1 ! -path "$1/var/lib" ! -path "$1/var/lib/rthostcheck*" 2>/dev/null)" ]
}

json_ok() {
	[ -z "$PYTHON3" ] && return 0
	"$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
		"$tmp/out" "$1"
}

echo "1..26"

cp -R "$top_srcdir/tests/fixtures/apply-host" "$tmp/pristine"
cp -R "$tmp/pristine" "$tmp/work"

run 0 --list-profiles && grep -q '^realtime-virtual-guest ' "$tmp/out" && grep -q '^realtime ' "$tmp/out" &&
	grep -q '^realtime-virtual-host ' "$tmp/out"
check "--list-profiles lists the built-in profiles" test $? -eq 0

mkdir -p "$tmp/work/etc/rthostcheck/profiles"
printf '[main]\nsummary = a local profile\ninclude = realtime\n' >"$tmp/work/etc/rthostcheck/profiles/local.conf"
run 0 --root "$tmp/work" --list-profiles --json
check "--list-profiles --json shows /etc profiles of the tree" json_ok \
	'any(p["name"] == "local" and p["source"] == "etc" for p in d["profiles"])'
rm -r "$tmp/work/etc/rthostcheck"

"$RTHOSTCHECK" --root "$tmp/work" --profile realtime --json >"$tmp/out" 2>"$tmp/err"
check "--profile audits with the profile's isolated set" json_ok \
	'd["run"]["profile"]["name"] == "realtime" and d["host"]["isolation"]["isolated"] == "2-3,6-7"'

run 64 --root "$tmp/work" --profile nosuchprofile
check "an unknown profile is a usage error" grep -q "unknown profile 'nosuchprofile'" "$tmp/err"

printf '[main]\nsummary = broken\n\n[cpu]\nsmt = sometimes\n' >"$tmp/bad.conf"
run 65 --root "$tmp/work" --apply "$tmp/bad.conf"
check "a bad value is exit 65 with file:line" grep -q "$tmp/bad.conf:5: \[cpu\] smt: bad value" "$tmp/err"
check "a bad profile changes nothing" same_tree "$tmp/work" "$tmp/pristine"

"$RTHOSTCHECK" --root "$tmp/work" --apply realtime --dry-run --json >"$tmp/out" 2>"$tmp/err"
check "--dry-run plans changes (JSON, status planned, mode dry_run)" json_ok \
	'd["run"]["mode"] == "dry_run" and len(d["changes"]) > 20 and all(c["status"] == "planned" for c in d["changes"])'
check "--dry-run JSON keeps whole file contents" json_ok \
	'any(c["target"] == "/etc/sysctl.d/90-rthostcheck.conf" and c["new"].count(chr(10)) == 8 for c in d["changes"])'
check "--dry-run changes nothing" same_tree "$tmp/work" "$tmp/pristine"

"$RTHOSTCHECK" --root "$tmp/work" --apply realtime --dry-run --no-color >"$tmp/out" 2>"$tmp/err"
check "the text report shows a file as its first line and the count of the others" grep -qF \
	'/etc/sysctl.d/90-rthostcheck.conf: (absent) -> # Written by rthostcheck --apply realtime; removed by --rollback. (+7 lines)' \
	"$tmp/out"
check "the text report prints no file body" test -z "$(grep -E '^(kernel|vm)\.[a-z_.]+ = ' "$tmp/out")"

mkdir -p "$tmp/work/var/lib/rthostcheck"
if command -v flock >/dev/null 2>&1; then
	flock -n "$tmp/work/var/lib/rthostcheck/lock" -c "\"$RTHOSTCHECK\" --root \"$tmp/work\" --apply realtime >\"$tmp/out\" 2>\"$tmp/err\"; echo \$? >\"$tmp/rc\""
	check "a second apply while the lock is held refuses with exit 4" test "$(cat "$tmp/rc")" -eq 4
	check "the refused apply changed nothing" same_tree "$tmp/work" "$tmp/pristine"
else
	ok "# SKIP no flock(1)"
	ok "# SKIP no flock(1)"
fi

set_hk="housekeeping_cores_per_node=1"
"$RTHOSTCHECK" --root "$tmp/work" --apply realtime --set "$set_hk" --json >"$tmp/out" 2>"$tmp/err"
rc=$?
check "--apply exits with a post-apply verdict, not 4 (got $rc)" test "$rc" -ne 4 -a "$rc" -lt 64
check "--apply reports applied changes and fixed / pending_reboot results" json_ok \
	'd["run"]["mode"] == "apply" and all(c["status"] == "applied" for c in d["changes"]) and any(r["status"] == "fixed" for r in d["results"]) and any(r["status"] == "pending_reboot" for r in d["results"])'
check "the sysctl.d file is written" grep -q '^kernel.sched_rt_runtime_us = -1$' \
	"$tmp/work/etc/sysctl.d/90-rthostcheck.conf"
unit=$tmp/work/etc/systemd/system/rthostcheck-apply.service
check "the boot unit re-runs the same --apply" grep -Eq \
	"^ExecStart=/.*/rthostcheck --apply realtime --quiet --no-color --fail-on none --set $set_hk\$" "$unit"
check "the boot unit is enabled" test "$(readlink "$tmp/work/etc/systemd/system/multi-user.target.wants/rthostcheck-apply.service")" = \
	/etc/systemd/system/rthostcheck-apply.service

run "$rc" --root "$tmp/work" --apply realtime --set "$set_hk" --json
check "applying the same profile again changes nothing" json_ok 'd["changes"] == []'

# A reboot puts the runtime values back; the unit's command line writes them again, as part of
# the first run (no new journal), and --rollback still undoes everything.
for f in proc/sys/kernel/sched_rt_runtime_us sys/kernel/mm/transparent_hugepage/enabled \
	proc/irq/25/smp_affinity_list; do
	cp "$tmp/pristine/$f" "$tmp/work/$f"
done
eval "set -- $(sed -n 's|^ExecStart=[^ ]*/rthostcheck ||p' "$unit")"
"$RTHOSTCHECK" --root "$tmp/work" "$@" >"$tmp/out" 2>"$tmp/err"
check "the boot unit's command re-applies the runtime values" \
	test "$(cat "$tmp/work/proc/sys/kernel/sched_rt_runtime_us")" = -1 -a \
	"$(cat "$tmp/work/proc/irq/25/smp_affinity_list")" = 0-1,4-5
check "the re-apply goes into the first run" test "$(ls "$tmp/work/var/lib/rthostcheck/journal" | wc -l)" -eq 1
"$RTHOSTCHECK" --root "$tmp/work" "$@" >"$tmp/out" 2>"$tmp/err"
rc2=$?
"$RTHOSTCHECK" --root "$tmp/work" --apply realtime --set "$set_hk" --json >"$tmp/out" 2>"$tmp/err"
check "after the re-apply nothing is left to change (exit $rc2)" json_ok 'd["changes"] == []'

run 0 --root "$tmp/work" --rollback --json
check "--rollback restores every change" json_ok \
	'd["run"]["mode"] == "rollback" and d["changes"] and all(c["status"] == "rolled_back" for c in d["changes"])'
check "after --rollback the tree is byte-for-byte the pristine one" same_tree "$tmp/work" "$tmp/pristine"

journal=$(ls "$tmp/work/var/lib/rthostcheck/journal/" | head -1)
printf 'rthostcheck-journal 1\nH "x" "y" "z" "t"\nC nonsense\n' >"$tmp/work/var/lib/rthostcheck/journal/$journal"
run 65 --root "$tmp/work" --rollback "${journal%.log}"
check "a malformed journal is exit 65 with file:line" grep -q "journal/$journal:3: malformed journal record" "$tmp/err"

if [ "$(id -u)" -ne 0 ]; then
	run 4 --apply realtime
	check "--apply on the running system needs root (exit 4)" grep -q "needs root" "$tmp/out"
else
	ok "# SKIP running as root"
fi

[ "$fails" -eq 0 ] || echo "# $fails failed"
exit 0
