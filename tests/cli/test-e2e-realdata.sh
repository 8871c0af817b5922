#!/bin/sh
# Real machines, judged whole: every lscpu dump of ../shared/realdata (sysfs and procfs of 37 real
# machines, tar.gz root trees) is audited with --root --json. None may crash (exit < 64, no
# sanitizer report), and no check may turn "could not read" into pass:
#  - every evidence source of a pass result exists in the dump;
#  - where the dump cannot tell which CPUs are isolated (no /proc/cmdline, and not both
#    /sys/devices/system/cpu/isolated and nohz_full), no result that judges the isolated or
#    housekeeping set passes.
# Skips (TAP) when ../shared or $RTHC_SHARED is absent, as in a release tarball.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

shared=${RTHC_SHARED:-$top_srcdir/../shared}
[ -d "$shared/realdata/lscpu-dumps" ] || tap_skip_all "no shared/realdata (release tarball)"
[ -x "$RTHOSTCHECK" ] || tap_skip_all "no binary at $RTHOSTCHECK"
tap_tmpdir

# Prints one line per offending pass result: "ID: why".
cat >"$T/passes.py" <<'EOF'
import json, os, sys

root, report = sys.argv[1], sys.argv[2]
with open(report) as f:
    d = json.load(f)


def has(p):
    return os.path.lexists(os.path.join(root, p.lstrip("/")))


iso_unknown = not has("/proc/cmdline") and not (
    has("/sys/devices/system/cpu/isolated") and has("/sys/devices/system/cpu/nohz_full"))
ISO_KEYS = ("isolated", "housekeeping", "isolated_offline", "housekeeping_online",
            "nodes_without_housekeeping", "housekeeping_per_node")
for r in d["results"]:
    if r["status"] != "pass":
        continue
    for e in r["evidence"]:
        if e["source"].startswith("/") and not has(e["source"]):
            print("%s: passes on %s, which the dump does not have" % (r["id"], e["source"]))
    judges_iso = any(k in (r["observed"] or {}) for k in ISO_KEYS) or \
        "isolat" in r["reason"] or "housekeeping" in r["reason"]
    if iso_unknown and judges_iso:
        print("%s: passes on an isolated set the dump cannot give: %s" % (r["id"], r["reason"]))
EOF

for tarball in "$shared"/realdata/lscpu-dumps/*.tar.gz \
	"$shared"/realdata/lscpu-dumps-2012/*.tar.gz; do
	[ -f "$tarball" ] || continue
	name=$(basename "$tarball" .tar.gz)
	mkdir -p "$T/$name" && tar -xzf "$tarball" -C "$T/$name" 2>/dev/null
	root=$T/$name/$name
	[ -d "$root" ] || root=$T/$name

	rthc --root "$root" --json
	if [ "$rc" -lt 64 ] && ! grep -q -e 'Sanitizer' -e 'runtime error:' "$T/err"; then
		tap_ok "$name: audited, exit $rc"
	else
		tap_not_ok "$name: audited, exit $rc" "$(head -5 "$T/err")"
		continue
	fi
	if ! have_python; then
		tap_skip "$name: no pass without its input" "no python3"
	elif "$PYTHON3" "$T/passes.py" "$root" "$T/out" >"$T/bad" 2>&1; then
		if [ -s "$T/bad" ]; then
			tap_not_ok "$name: no pass without its input" "$(cat "$T/bad")"
		else
			tap_ok "$name: no pass without its input"
		fi
	else
		tap_not_ok "$name: the JSON report parses" "$(head -3 "$T/bad")"
	fi
	rm -rf "${T:?}/$name"
done
[ "$tap_n" -gt 0 ] || tap_skip_all "no dumps under $shared/realdata"
tap_done
