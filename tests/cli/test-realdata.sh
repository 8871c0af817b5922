#!/bin/sh
# Real machines: every lscpu dump of ../shared/realdata (util-linux test dumps of 37 machines) is
# unpacked and audited with --root, as JSON and as text. The binary must not crash (exit 0, 1 or 2,
# never a usage/internal code or a signal), the JSON must parse, and for the dumps below the
# topology facts must equal the values read by hand from each dump's sysfs files.
# Skips (TAP) when ../shared or $RTHC_SHARED is absent, as in a release tarball.

top_srcdir=${top_srcdir:-.}
shared=${RTHC_SHARED:-$top_srcdir/../shared}
RTHOSTCHECK=${RTHOSTCHECK:-./rthostcheck}
PYTHON3=${PYTHON3:-python3}

if [ ! -d "$shared/realdata/lscpu-dumps" ]; then
	echo "1..0 # SKIP no shared/realdata (release tarball)"
	exit 0
fi
if [ ! -x "$RTHOSTCHECK" ]; then
	echo "1..0 # SKIP $RTHOSTCHECK not built"
	exit 0
fi
have_python=yes
"$PYTHON3" -c 'import json' 2>/dev/null || have_python=no

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rthc-realdata.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $* # SKIP"; }
# A sanitizer build exits 1 on a finding: look at stderr too.
sanitizer_report() { grep -q -e 'Sanitizer' -e 'runtime error:' "$1"; }

# name | possible | online | sockets | cores | threads_per_core | numa_nodes
# Derived by hand from each dump: possible/online files (else the cpuN directories and their
# online files), distinct package and thread sibling sets of the online CPUs (package_cpus_list
# or core_siblings_list; thread_siblings_list, core_cpus_list or the thread_siblings mask),
# nodeN directories; /proc/cpuinfo "physical id"/"core id" where sysfs has no topology.
expected='
x86_64-epyc_7451|0-95|0-95|2|48|2|8
x86_64-64cpu|0-79|0-63|4|32|2|3
x86_64-64cpu-linux6.2|0-7|0-7|1|4|2|1
x86_64-dell_e4310|0-7|0-3|1|2|2|1
x86_64-dell_poweredgeR610|0-15|0-15|2|8|2|2
x86_64-dell_poweredge1950|0-7|0-7|2|8|1|1
x86_64-el5xen|0-7|0-7|8|8|1|0
x86_64-hpdl585|0-15|0-15|4|16|1|4
ppc64-POWER7|0-15|0-15|4|4|4|1
ppc64-POWER7-64cpu|0-63|0-63|16|16|4|2
s390-lpar|0-63|1-5,8-19|7|17|1|0
s390-lpar-drawer|0-140|0-7|2|8|1|1
s390-zvm|0-63|0-3|4|4|1|0
sparc64|6-7,10-11,14-15|6-7,10-11,14-15|6|6|1|0
sparc64-UltraSparc-T1|0-31|0-23|6|6|4|1
vmware_fpe|0-31|0-15|2|8|2|4
rv64-milkvpioneer|0-63|0-63|1|64|1|4
rv64-visionfive2|0-3|0-3|1|4|1|1
rv64-linux|0-1|0-1|1|1|2|0
ia64-512cpus|0-511|0-511|256|512|1|128
arm-A510-A710-A715-X3|0-7|0-7|3|8|1|0
i386-amdshanghai|0-7|0-7|2|8|1|0
'

topology() {
	"$PYTHON3" -c '
import json, sys
t = json.load(open(sys.argv[1]))["host"]["topology"]
print("|".join(str(t[k]) for k in ("possible", "online", "sockets", "cores",
                                       "threads_per_core", "numa_nodes")))
' "$1"
}

for tarball in "$shared"/realdata/lscpu-dumps/*.tar.gz "$shared"/realdata/lscpu-dumps-2012/*.tar.gz; do
	[ -f "$tarball" ] || continue
	name=$(basename "$tarball" .tar.gz)
	dir=$tmp/$name
	mkdir -p "$dir" && tar -xzf "$tarball" -C "$dir" 2>/dev/null
	root=$dir/$name
	[ -d "$root" ] || root=$dir

	"$RTHOSTCHECK" --root "$root" --json >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -le 2 ] && ! sanitizer_report "$tmp/err"; then
		ok "$name: --json exits $rc"
	else
		not_ok "$name: --json exits $rc"
		sed 's/^/# /' "$tmp/err"
	fi

	if [ $have_python = no ]; then
		skip "$name: JSON parses (no python3)"
	elif "$PYTHON3" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out.json" 2>/dev/null; then
		ok "$name: JSON parses"
	else
		not_ok "$name: JSON parses"
	fi

	"$RTHOSTCHECK" --root "$root" >"$tmp/out.txt" 2>"$tmp/err"
	rc=$?
	if [ $rc -le 2 ] && [ -s "$tmp/out.txt" ] && ! sanitizer_report "$tmp/err"; then
		ok "$name: text report exits $rc"
	else
		not_ok "$name: text report exits $rc"
	fi

	want=$(echo "$expected" | grep "^$name|" | cut -d'|' -f2-)
	[ -n "$want" ] || continue
	if [ $have_python = no ]; then
		skip "$name: topology (no python3)"
		continue
	fi
	got=$(topology "$tmp/out.json" 2>/dev/null)
	if [ "$got" = "$want" ]; then
		ok "$name: topology $got"
	else
		not_ok "$name: topology $got, expected $want"
	fi
done

echo "1..$n"
exit 0
