#!/bin/sh
# The VM level's own logic, without QEMU (part of `make check`): every scenario parses; QEMU's
# arguments, the guest's /init and the module order come out as intended; the checker turns a
# canned guest output into the right TAP (pass, fail, skip, the console tail). Prints TAP.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${PYTHON3=$(command -v python3 || true)}"
VM=$top_srcdir/tests/vm
if [ -z "$PYTHON3" ] || ! "$PYTHON3" -c 'import json' 2>/dev/null; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/rthc-vmh.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
n=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
	[ "$1" = 0 ] || [ ! -s "$T/diag" ] || sed 's/^/# /' "$T/diag" | head -n 20
	: >"$T/diag"
}

scn() {
	"$PYTHON3" "$VM/scenario.py" "$@" 2>"$T/diag"
}

for f in "$VM"/scenarios/*.scn; do
	scn parse "$f" >/dev/null
	ok $? "$(basename "$f") parses"
done

# A scenario of every kind of expectation, and the output a guest would have printed for it.
cat >"$T/t.scn" <<'EOF'
[vm]
kernel = rt
smp = 8,sockets=2,cores=2,threads=2
numa = 0-1,4-5:256M 2-3,6-7:256M
cmdline = isolcpus=2-3
qemu = -usb
modules = dm-multipath

[snapshot]
paths = /proc/sys/vm/*
trees = /etc
ignore = /proc/sys/vm/ignored

[run]
snapshot before
apply = rthostcheck --apply x --json
snapshot after

[expect]
check k.a = pass
check k.* != fail|error
check k.a = fail
check new.check = pass
fact host.n = 2
fact host.s = "2-3"
result k.a observed.v = 7
exit = 3
changed@apply sysctl:
changed@apply cpu:idle: if before has /cpuidle/
applied@apply before after
unchanged before after
EOF
{
	echo "kernel/drivers/scsi/scsi_common.ko:"
	echo "kernel/drivers/scsi/scsi_mod.ko: kernel/drivers/scsi/scsi_common.ko"
	echo "kernel/drivers/md/dm-mod.ko:"
	printf '%s %s %s %s\n' kernel/drivers/md/dm-multipath.ko: kernel/drivers/md/dm-mod.ko \
		kernel/drivers/scsi/scsi_mod.ko kernel/drivers/scsi/scsi_common.ko
} >"$T/modules.dep"

scn qemu "$T/t.scn" tcg /k /i /c /r >"$T/args"
args=$(tr '\n' ' ' <"$T/args")
cp "$T/args" "$T/diag"
smp="-m 512M -smp 8,sockets=2,cores=2,threads=2 "
numa="-numa node,nodeid=0,cpus=0-1,cpus=4-5,memdev=m0 "
append="-append console=ttyS0 panic=-1 isolcpus=2-3 "
case $args in
*"$smp"*"$numa"*"$append"*"-serial file:/c -serial file:/r -usb ") true ;;
*) false ;;
esac
ok $? "qemu: memory is the nodes' sum, NUMA cpus split, command line, second serial port"

mkdir -p "$T/w"
scn prepare "$T/t.scn" "$T/w" "$T" &&
	[ "$(tr '\n' ' ' <"$T/w/modules")" = "kernel/drivers/md/dm-mod.ko \
kernel/drivers/scsi/scsi_common.ko kernel/drivers/scsi/scsi_mod.ko \
kernel/drivers/md/dm-multipath.ko " ]
ok $? "prepare: dm-multipath after dm-mod, scsi_common and scsi_mod"
grep -q '^run apply '"'"'rthostcheck --apply x --json'"'"'$' "$T/w/init" &&
	grep -q '^snap before$' "$T/w/init" && grep -q 'for f in /proc/sys/vm/\*; do' "$T/w/init" &&
	grep -q 'GRUB_CMDLINE_LINUX_DEFAULT="isolcpus=2-3"' "$T/w/etc/default/grub"
ok $? "prepare: /init runs the commands and snapshots; grub has the boot parameters"

M=@@RTHC-VM
report='{"host": {"n": 2, "s": "2-3"}, "results": [
 {"id": "k.a", "status": "pass", "observed": {"v": 7}},
 {"id": "k.b", "status": "warn", "observed": null}],
 "changes": [
 {"id": "sysctl:vm.x", "target": "/proc/sys/vm/x", "old": "1", "new": "0", "status": "applied"},
 {"id": "sysfs:/sys/m", "target": "/proc/sys/vm/m", "old": "ff", "new": "33",
  "status": "applied"},
 {"id": "file:a", "target": "/etc/a", "old": null, "new": "hi\n", "status": "applied"},
 {"id": "irq:0", "target": "/proc/irq/0/smp_affinity_list", "old": "0-7", "new": "0-1",
  "status": "unchanged"}]}'
{
	echo "$M START@@"
	echo "$M BEGIN run _catalog@@"
	echo '{"checks": [{"id": "k.a"}, {"id": "k.b"}]}'
	echo "$M STDERR run _catalog@@"
	echo
	echo "$M END run _catalog rc=0@@"
	echo "$M MODULE kernel/drivers/md/dm-mod.ko rc=0@@"
	echo "$M BEGIN snapshot before@@"
	printf '/proc/sys/vm/x\t1\n/proc/sys/vm/m\tff\n/proc/sys/vm/ignored\t1\n/etc\tdir\n'
	echo "$M END snapshot before@@"
	echo "$M BEGIN run apply@@"
	printf '%s\n' "$report"
	echo "$M STDERR run apply@@"
	echo
	echo "$M END run apply rc=3@@"
	echo "$M BEGIN snapshot after@@"
	printf '/proc/sys/vm/x\t0\n/proc/sys/vm/m\t00000033\n/proc/sys/vm/ignored\t2\n/etc\tdir\n'
	printf '/etc/a\tmd5:764efa883dda1e11db47671c4a3bbd9e\n'
	echo "$M END snapshot after@@"
	echo "$M DONE@@"
} >"$T/w/results.log"
printf 'boot line 1\nlast console line\n' >"$T/w/console.log"
scn check "$T/t.scn" "$T/w" >"$T/tap"
cp "$T/tap" "$T/diag"
for want in \
	'^ok 1 - t: the guest booted' \
	'^ok 2 - rthostcheck --list-checks' \
	'^ok 3 - insmod kernel/drivers/md/dm-mod.ko$' \
	'^ok 4 - run apply: stdout is one JSON document (exit 3)$' \
	'^ok 5 - apply: check k.a = pass$' \
	'^ok 6 - apply: check k.\* != fail|error$' \
	'^not ok 7 - apply: check k.a = fail$' \
	'^#   k.a is pass' \
	'^ok 8 - apply: check new.check = pass # SKIP new.check is not in --list-checks yet$' \
	'^ok 9 - apply: fact host.n = 2$' \
	'^ok 10 - apply: fact host.s = "2-3"$' \
	'^ok 11 - apply: result k.a observed.v = 7$' \
	'^ok 12 - apply: exit = 3$' \
	'^ok 13 - changed@apply sysctl: (1)$' \
	'^ok 14 - changed@apply cpu:idle: if before has /cpuidle/ # SKIP' \
	'^ok 15 - applied@apply before after (3 changes)$' \
	'^not ok 16 - unchanged before after' \
	'^#   /etc/a: None -> ' \
	'^1\.\.16$' \
	'^# last console line$'; do
	grep -q -e "$want" "$T/tap"
	# (no "#" in a description: "# SKIP" there would be a TAP directive)
	ok $? "check: $(printf '%s' "$want" | tr '#' '%')"
done
grep -q 'ignored' "$T/tap"
[ $? = 1 ]
ok $? "check: unchanged skips the ignored paths"

# A guest that never finished: one failing test and the console, nothing judged.
grep -v DONE "$T/w/results.log" >"$T/r" && mv "$T/r" "$T/w/results.log"
scn check "$T/t.scn" "$T/w" >"$T/tap"
cp "$T/tap" "$T/diag"
grep -q '^not ok 1 - t: the guest booted and ran every command' "$T/tap" &&
	grep -q '^1\.\.1$' "$T/tap" && grep -q '^# last console line$' "$T/tap"
ok $? "check: a guest that stopped early fails with the console tail"

# requires: a missing option skips the whole scenario.
sed 's/^kernel = rt$/kernel = rt\nrequires = --apply/' "$T/t.scn" >"$T/r.scn"
echo "$M DONE@@" >>"$T/w/results.log"
scn check "$T/r.scn" "$T/w" >"$T/tap"
cp "$T/tap" "$T/diag"
grep -q '^1\.\.0 # SKIP r: the installed rthostcheck has no --apply yet$' "$T/tap"
ok $? "check: requires = --apply skips when --help lacks it"

printf '[vm]\nkernel = rt\nsmp = 2\n\n[expect]\ncheck x = passed\n' >"$T/bad.scn"
scn parse "$T/bad.scn" >/dev/null 2>&1
[ $? = 65 ] && grep -q "bad.scn:6: unknown status 'passed'" "$T/diag"
ok $? "parse: a bad status is an error with file:line"

echo "1..$n"
