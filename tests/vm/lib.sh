# shellcheck shell=bash
# Helpers of the VM test level (bash), sourced by run-scenario.sh. See tests/vm/README.
#
# vm_kernel FLAVOUR       fetch (apt-get download), cache and unpack Debian's kernel image package
#                         of FLAVOUR (rt | std); sets KVER, KROOT (the unpacked tree), VMLINUZ and
#                         MODDIR (KROOT/lib/modules/KVER, with a modules.dep made by depmod).
# vm_rootfs ROOT BIN...   an initramfs tree: busybox, the staged install, the shared libraries of
#                         BIN... (ldd) and the dynamic loader, tests/vm/rootfs, the kernel's config
#                         and module indexes, and the modules listed in $WORK/modules.
# vm_initrd ROOT FILE     pack ROOT as a gzip'd newc cpio archive.
# vm_accel                kvm when /dev/kvm is usable, else tcg ($RTHC_VM_ACCEL overrides).
#
# Every function returns non-zero with a one-line reason in VM_REASON when it cannot do its job.

VM_REASON=
VM_CACHE=${RTHC_VM_CACHE:-$top_builddir/tests/vm/cache}

vm_fail() {
	VM_REASON=$*
	return 1
}

# The versioned image package a meta package depends on (linux-image-rt-amd64 ->
# linux-image-6.1.0-NN-rt-amd64), and that package's candidate version.
vm_resolve() {
	local meta=$1
	command -v apt-cache >/dev/null 2>&1 || return 1
	PKG=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1)
	[ -n "$PKG" ] || return 1
	PKGVER=$(apt-cache show --no-all-versions "$PKG" 2>/dev/null |
		sed -n 's/^Version: *//p' | head -n 1)
	[ -n "$PKGVER" ]
}

# The one kernel version under DIR/lib/modules.
vm_kver() {
	local d
	KVER=
	for d in "$1"/lib/modules/*/; do
		[ -d "$d" ] && KVER=$(basename "$d")
	done
}

vm_kernel() {
	local flavour=$1 meta glob deb dir lockfd
	case $flavour in
	rt) meta=linux-image-rt-amd64 glob='linux-image-*-rt-amd64_*_amd64.deb' ;;
	std) meta=linux-image-amd64 glob='linux-image-*[0-9]-amd64_*_amd64.deb' ;;
	*) vm_fail "unknown kernel flavour '$flavour'" || return ;;
	esac
	mkdir -p "$VM_CACHE" || vm_fail "cannot create the cache directory $VM_CACHE" || return
	# Scenarios may run in parallel: one download and one unpack at a time.
	if command -v flock >/dev/null 2>&1; then
		exec {lockfd}>"$VM_CACHE/.lock" && flock "$lockfd"
	fi
	if vm_resolve "$meta"; then
		# apt-get download writes an epoch's colon as %3a.
		deb=$VM_CACHE/${PKG}_${PKGVER//:/%3a}_amd64.deb
		if [ ! -s "$deb" ]; then
			if ! (cd "$VM_CACHE" && apt-get download "$PKG") >"$VM_CACHE/download.log" 2>&1; then
				rm -f "$deb"
				vm_fail "apt-get download $PKG failed: $({ grep '^E:' \
					"$VM_CACHE/download.log" || tail -n 1 "$VM_CACHE/download.log"; } |
					head -n 1)"
			fi
		fi
	else
		# No package archive (offline, not Debian): the newest package already in the cache.
		# shellcheck disable=SC2086 # the glob
		deb=$(printf '%s\n' "$VM_CACHE"/$glob | grep -v -e '-cloud-' -e '-dbg' | sort -V |
			tail -n 1)
		[ -f "$deb" ] || vm_fail "cannot resolve $meta with apt-cache and no $glob in the" \
			"cache ($VM_CACHE)"
	fi
	if [ -z "$VM_REASON" ] && [ ! -s "$deb" ]; then
		vm_fail "no kernel package $deb"
	fi
	dir=${deb%.deb}
	if [ -z "$VM_REASON" ] && [ ! -f "$dir/.unpacked" ]; then
		rm -rf "$dir"
		if ! dpkg-deb -x "$deb" "$dir" 2>"$VM_CACHE/unpack.log"; then
			vm_fail "dpkg-deb -x $(basename "$deb") failed: $(head -n 1 "$VM_CACHE/unpack.log")"
		else
			# Newer packages ship /usr/lib/modules only; depmod -b looks in DIR/lib/modules.
			if [ ! -d "$dir/lib/modules" ] && [ -d "$dir/usr/lib/modules" ]; then
				ln -s usr/lib "$dir/lib"
			fi
			vm_kver "$dir"
			if [ -z "$KVER" ]; then
				vm_fail "no lib/modules/VERSION in $(basename "$deb")"
			elif ! depmod -b "$dir" "$KVER" 2>"$VM_CACHE/depmod.log"; then
				vm_fail "depmod -b ... $KVER failed: $(head -n 1 "$VM_CACHE/depmod.log")"
			else
				touch "$dir/.unpacked"
			fi
		fi
	fi
	[ -n "${lockfd:-}" ] && exec {lockfd}>&-
	[ -z "$VM_REASON" ] || return 1
	KROOT=$dir
	vm_kver "$dir"
	MODDIR=$KROOT/lib/modules/$KVER
	VMLINUZ=$KROOT/boot/vmlinuz-$KVER
	[ -f "$VMLINUZ" ] || vm_fail "no boot/vmlinuz-$KVER in $(basename "$deb")"
}

# vm_copy_libs ROOT FILE...: the shared libraries FILE... load (and the loader), at their paths.
vm_copy_libs() {
	local root=$1 lib
	shift
	for lib in $(ldd "$@" 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
		[ -e "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || return 1
		dirname "$lib" >>"$root/rthc/ld-library-path.tmp"
	done
}

vm_rootfs() {
	local root=$1 ko src dst busybox
	shift
	busybox=$(command -v busybox) || vm_fail "busybox not found" || return
	rm -rf "$root"
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root,var/lib,etc,boot,rthc} \
		"$root/lib/modules/$KVER" || vm_fail "cannot create $root" || return
	cp -a "$DESTDIR"/. "$root"/ || vm_fail "cannot copy the staged install" || return
	# (A release tarball's files are read-only: copy without their modes.)
	cp -R "$VM_SRC/rootfs"/. "$WORK/etc" "$root"/ && chmod -R u+w "$root/etc" ||
		vm_fail "cannot copy tests/vm/rootfs" || return
	cp -L "$busybox" "$root/bin/busybox" || vm_fail "cannot copy busybox" || return
	vm_copy_libs "$root" "$root/bin/busybox" "$@" || vm_fail "cannot copy shared libraries" ||
		return
	if [ -f "$root/rthc/ld-library-path.tmp" ]; then
		sort -u "$root/rthc/ld-library-path.tmp" | paste -s -d : >"$root/rthc/ld-library-path"
		rm -f "$root/rthc/ld-library-path.tmp"
	fi
	# What a Debian host has: the kernel's config in /boot, module indexes in /lib/modules.
	cp "$KROOT/boot/config-$KVER" "$root/boot/" 2>/dev/null
	cp "$MODDIR"/modules.* "$root/lib/modules/$KVER/" ||
		vm_fail "cannot copy the module indexes" || return
	while read -r ko; do
		[ -n "$ko" ] || continue
		src=$MODDIR/$ko dst=$root/lib/modules/$KVER/$ko
		mkdir -p "$(dirname "$dst")" || return 1
		# busybox insmod may not read compressed modules: store them plain, same name.
		case $ko in
		*.xz) xz -dc "$src" >"$dst" ;;
		*.zst) zstd -qdc "$src" >"$dst" ;;
		*.gz) gzip -dc "$src" >"$dst" ;;
		*) cp "$src" "$dst" ;;
		esac || vm_fail "cannot copy module $ko" || return
	done <"$WORK/modules"
	cp "$WORK/modules" "$root/rthc/modules" && cp "$WORK/init" "$root/init" &&
		chmod 755 "$root/init" || vm_fail "cannot write /init" || return
}

vm_initrd() {
	(cd "$1" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 | gzip -1) >"$2" ||
		vm_fail "cpio/gzip of the initramfs failed"
}

vm_accel() {
	case ${RTHC_VM_ACCEL:-auto} in
	kvm | tcg)
		echo "$RTHC_VM_ACCEL"
		return
		;;
	esac
	# /dev/kvm must open read-write, and the CPU must have hardware virtualisation: some
	# sandboxes offer a /dev/kvm that is far slower than TCG.
	if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -q -w -E 'vmx|svm' /proc/cpuinfo 2>/dev/null &&
		{ : </dev/kvm; } 2>/dev/null; then
		echo kvm
	else
		echo tcg
	fi
}
