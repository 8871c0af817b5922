#!/bin/bash
# Run one scenario of the VM test level and print TAP: boot a real Debian kernel under QEMU with
# an initramfs that holds the installed rthostcheck, run the scenario's commands in the guest and
# assert its expectations on what they printed. See tests/vm/README.
#
#   tests/vm/run-scenario.sh tests/vm/scenarios/NAME.scn
#
# Environment: top_builddir (default: the current directory), PYTHON3, RTHC_VM_DESTDIR (the
# staged `make install DESTDIR=...`, default $top_builddir/tests/vm/destdir), RTHC_VM_CACHE
# (downloaded kernels), RTHC_VM_ACCEL (kvm | tcg), RTHC_VM_CPU, RTHC_VM_TIMEOUT (seconds),
# RTHC_VM_KEEP=1 (keep the initramfs tree of the run).
set -u

VM_SRC=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(pwd)}"
: "${PYTHON3:=$(command -v python3 || true)}"
SCN=${1:?usage: run-scenario.sh SCENARIO.scn}
NAME=${SCN##*/}
NAME=${NAME%.scn}
DESTDIR=${RTHC_VM_DESTDIR:-$top_builddir/tests/vm/destdir}
WORK=$top_builddir/tests/vm/work/$NAME
# shellcheck source-path=SCRIPTDIR
. "$VM_SRC/lib.sh"

skip_all() {
	echo "1..0 # SKIP $NAME: $*"
	exit 0
}

bail() {
	echo "Bail out! $NAME: $*"
	exit 1
}

[ -n "$PYTHON3" ] || skip_all "python3 not found"
for tool in qemu-system-x86_64 busybox cpio gzip dpkg-deb depmod ldd timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip_all "$tool not found"
done
# The scenario itself must be valid whether or not the guest can boot here.
vars=$("$PYTHON3" "$VM_SRC/scenario.py" parse "$SCN" 2>&1) || bail "$vars"
eval "$vars"
BIN=$(find "$DESTDIR" -path '*/bin/rthostcheck' -type f 2>/dev/null | head -n 1)
[ -n "$BIN" ] || skip_all "no installed rthostcheck under $DESTDIR (make check-vm stages one)"

if ! rm -rf "$WORK" || ! mkdir -p "$WORK"; then
	bail "cannot create $WORK"
fi
vm_kernel "$KERNEL" || skip_all "$VM_REASON"
"$PYTHON3" "$VM_SRC/scenario.py" prepare "$SCN" "$WORK" "$MODDIR" 2>"$WORK/prepare.err" ||
	bail "$(cat "$WORK/prepare.err")"
vm_rootfs "$WORK/root" "$BIN" || bail "$VM_REASON"
vm_initrd "$WORK/root" "$WORK/initrd.gz" || bail "$VM_REASON"
[ -n "${RTHC_VM_KEEP:-}" ] || rm -rf "$WORK/root"

# Boot. A hard time limit per boot; KVM that fails to start falls back to TCG.
boot() {
	local accel=$1 limit args
	limit=${RTHC_VM_TIMEOUT:-${TIMEOUT:-}}
	if [ -z "$limit" ]; then
		if [ "$accel" = kvm ]; then limit=120; else limit=300; fi
	fi
	mapfile -t args < <("$PYTHON3" "$VM_SRC/scenario.py" qemu "$SCN" "$accel" "$VMLINUZ" \
		"$WORK/initrd.gz" "$WORK/console.log" "$WORK/results.log")
	rm -f "$WORK/console.log" "$WORK/results.log"
	printf '%q ' qemu-system-x86_64 "${args[@]}" >"$WORK/qemu.cmd"
	echo >>"$WORK/qemu.cmd"
	timeout -k 10 "$limit" qemu-system-x86_64 "${args[@]}" </dev/null >"$WORK/qemu.out" 2>&1
	status=$?
	case $status in
	0) echo "$accel, powered off" ;;
	124 | 137) echo "$accel, killed after ${limit}s" ;;
	*) echo "$accel, qemu exit $status: $(grep -v -i warning "$WORK/qemu.out" | head -n 3)" ;;
	esac >"$WORK/qemu.status"
}

ACCEL=$(vm_accel)
started=$(date +%s)
boot "$ACCEL"
if [ "$ACCEL" = kvm ] && [ "$status" != 0 ] && ! grep -q '@@RTHC-VM START@@' "$WORK/results.log" \
	2>/dev/null; then
	first=$(cat "$WORK/qemu.status")
	boot tcg
	echo "$(cat "$WORK/qemu.status") (after $first)" >"$WORK/qemu.status"
fi
echo "# $NAME: kernel $KVER ($KERNEL), $(cat "$WORK/qemu.status"), $(($(date +%s) - started))s"
"$PYTHON3" "$VM_SRC/scenario.py" check "$SCN" "$WORK" || bail "scenario.py check failed"
exit 0
