#!/bin/bash
# Output formats and sinks: JUnit (validated against an XSD), Prometheus (promtool), -o atomic
# files and exit 73, --schema, the bash completion. TAP output.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${RTHOSTCHECK:=$top_srcdir/rthostcheck}"
: "${PYTHON3:=python3}"
fx="$top_srcdir/tests/fixtures/out-host"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT

n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; [ -n "${2:-}" ] && sed 's/^/# /' <<<"$2"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if eval "$2"; then ok "$1"; else notok "$1" "${3:-}"; fi; }

have_py=false
"$PYTHON3" -c 'import json' 2>/dev/null && have_py=true

# --- JUnit -------------------------------------------------------------------
"$RTHOSTCHECK" --root "$fx" --fail-on none --format junit > "$tmp/r.xml"; rc=$?
check "junit exit code is the verdict's (0 with --fail-on none)" "[ $rc -eq 0 ]"
if command -v xmllint >/dev/null; then
	out=$(xmllint --noout --schema "$top_srcdir/tests/data/junit.xsd" "$tmp/r.xml" 2>&1)
	check "junit validates against the JUnit XSD" "[ $? -eq 0 ]" "$out"
else
	skip "junit validates against the JUnit XSD" "xmllint not installed"
fi
# A failing tree: failures and errors show up as elements with the right counts.
bad="$tmp/bad"
cp -r "$fx" "$bad"
echo 950000 > "$bad/proc/sys/kernel/sched_rt_runtime_us"
echo garbage > "$bad/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 'ro quiet <"&>' > "$bad/proc/cmdline"
"$RTHOSTCHECK" --root "$bad" --format junit > "$tmp/bad.xml"; rc=$?
check "junit on a failing tree exits 1" "[ $rc -eq 1 ]"
if command -v xmllint >/dev/null; then
	out=$(xmllint --noout --schema "$top_srcdir/tests/data/junit.xsd" "$tmp/bad.xml" 2>&1)
	check "junit with failures, errors and markup characters validates" "[ $? -eq 0 ]" "$out"
else
	skip "junit with failures validates" "xmllint not installed"
fi
if $have_py; then
	"$RTHOSTCHECK" --root "$bad" --json > "$tmp/bad.json"
	out=$("$PYTHON3" - "$tmp/bad.xml" "$tmp/bad.json" <<'PY' 2>&1
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
rep = json.load(open(sys.argv[2]))
s = rep["summary"]
gw = sum(1 for r in rep["results"] if r["status"] == "warn" and r["gating"])
ngw = sum(1 for r in rep["results"] if r["status"] == "warn" and not r["gating"])
want = {"tests": s["total"], "failures": s["fail"] + gw + s["pending_reboot"], "errors": s["error"],
        "skipped": s["skipped"] + s["not_applicable"] + ngw}
got = {k: int(root.get(k)) for k in want}
assert got == want, (got, want)
cases = root.findall("./testsuite/testcase")
assert [c.get("name") for c in cases] == [r["id"] for r in rep["results"]]
for c, r in zip(cases, rep["results"]):
    assert c.get("classname") == "rthostcheck." + r["category"], c.get("classname")
    kinds = [e.tag for e in c if e.tag in ("failure", "error", "skipped")]
    if r["status"] == "fail":
        assert kinds == ["failure"], (r["id"], kinds)
    if r["status"] == "error":
        assert kinds == ["error"], (r["id"], kinds)
    if r["status"] in ("pass", "info"):
        assert kinds == [], (r["id"], kinds)
for ts in root.findall("testsuite"):
    n = len(ts.findall("testcase"))
    assert int(ts.get("tests")) == n
PY
)
	check "junit counts and testcases equal the JSON summary and results" "[ $? -eq 0 ]" "$out"
else
	skip "junit counts equal the JSON summary" "python3 missing"
fi

# --- Prometheus --------------------------------------------------------------
"$RTHOSTCHECK" --root "$bad" --format prometheus > "$tmp/r.prom"; rc=$?
check "prometheus exit code is the verdict's" "[ $rc -eq 1 ]"
if command -v promtool >/dev/null; then
	out=$(promtool check metrics < "$tmp/r.prom" 2>&1)
	check "promtool check metrics accepts the output" "[ $? -eq 0 ]" "$out"
else
	skip "promtool check metrics" "promtool (Debian package prometheus) not installed"
fi
nchecks=$("$RTHOSTCHECK" --list-checks | tail -n +2 | wc -l)
nstatus=$(grep -c '^rthostcheck_check_status{' "$tmp/r.prom")
check "every status of every check is a series ($nchecks checks x 9)" "[ $nstatus -eq $((nchecks * 9)) ]"
ones=$(grep '^rthostcheck_check_status{' "$tmp/r.prom" | grep -c ' 1$')
check "exactly one status is 1 per check" "[ $ones -eq $nchecks ]"
check "ready is 0 and exit_code 1 on the failing tree" \
	"grep -qx 'rthostcheck_ready 0' '$tmp/r.prom' && grep -qx 'rthostcheck_exit_code 1' '$tmp/r.prom'"
check "build_info carries version and schema_version" \
	"grep -q '^rthostcheck_build_info{version=\"[^\"]*\",schema_version=\"1.0\"} 1$' '$tmp/r.prom'"
check "no sample carries a timestamp" "! grep -v '^#' '$tmp/r.prom' | awk 'NF != 2' | grep -q ."
for m in rthostcheck_check_status rthostcheck_ready rthostcheck_exit_code \
	rthostcheck_last_run_timestamp_seconds rthostcheck_last_run_duration_seconds rthostcheck_build_info; do
	check "HELP and TYPE for $m" "grep -q '^# HELP $m ' '$tmp/r.prom' && grep -q '^# TYPE $m gauge$' '$tmp/r.prom'"
done

# --- -o FORMAT:PATH ----------------------------------------------------------
"$RTHOSTCHECK" --root "$fx" -q --fail-on none -o "json:$tmp/o.json" -o "junit:$tmp/o.xml" -o "prometheus:$tmp/o.prom" \
	-o "text:$tmp/o.txt" > "$tmp/stdout"; rc=$?
check "-o with four sinks exits 0" "[ $rc -eq 0 ]"
check "-o wrote every file" "[ -s '$tmp/o.json' ] && [ -s '$tmp/o.xml' ] && [ -s '$tmp/o.prom' ] && [ -s '$tmp/o.txt' ]"
check "-o leaves no temporary files behind" "[ \$(ls '$tmp' | grep -c tmp) -eq 0 ]"
check "stdout keeps its own format (-q: the verdict line only)" "[ \$(wc -l < '$tmp/stdout') -eq 1 ]"
if $have_py; then
	out=$("$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="ready"' "$tmp/o.json" 2>&1)
	check "-o json holds one JSON document" "[ $? -eq 0 ]" "$out"
fi
check "text sink has no colour escapes" "! grep -q $'\033' '$tmp/o.txt'"
echo "previous content" > "$tmp/keep.json"
mkdir "$tmp/ro"
echo "previous content" > "$tmp/ro/keep.json"
chmod a-w "$tmp/ro"
if [ "$(id -u)" = 0 ]; then
	# root ignores directory permissions: use a path under a regular file instead.
	target="$tmp/keep.json/x.json"
else
	target="$tmp/ro/keep.json"
fi
"$RTHOSTCHECK" --root "$fx" -q -o "json:$target" > /dev/null 2> "$tmp/err"; rc=$?
check "an unwritable -o path is exit 73" "[ $rc -eq 73 ]" "$(cat "$tmp/err")"
check "the error names the path" "grep -q 'cannot write' '$tmp/err'"
check "an existing file is left untouched" \
	"[ \"\$(cat '$tmp/keep.json')\" = 'previous content' ] && [ \"\$(cat '$tmp/ro/keep.json')\" = 'previous content' ]"
"$RTHOSTCHECK" --root "$fx" -o "yaml:$tmp/x" > /dev/null 2>&1; rc=$?
check "an unknown -o format is a usage error (64)" "[ $rc -eq 64 ]"
"$RTHOSTCHECK" --root "$fx" -o "json" > /dev/null 2>&1; rc=$?
check "-o without a path is a usage error (64)" "[ $rc -eq 64 ]"

# --- --set that nothing reads ----------------------------------------------------------
if $have_py; then
	"$RTHOSTCHECK" --root "$fx" --json --set cstate_max_latency_us=5 --set bogus_var=1 > "$tmp/set.json"
	out=$("$PYTHON3" - "$tmp/set.json" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
msgs = [x["message"] for x in d["diagnostics"] if x["level"] == "warning"]
assert any("bogus_var" in m for m in msgs), msgs
assert not any("cstate_max_latency_us" in m for m in msgs), msgs
PY
)
	check "an unused --set is reported, a used one is not" "[ -z \"\$out\" ]" "$out"
fi

# --- --schema ------------------------------------------------------------------
"$RTHOSTCHECK" --schema > "$tmp/schema.json"; rc=$?
check "--schema exits 0" "[ $rc -eq 0 ]"
check "--schema prints the shipped schema" "cmp -s '$tmp/schema.json' '$top_srcdir/schema/report-v1.schema.json'"

# --- --snapshot: auditing the snapshot gives the same report -------------------------------
if $have_py; then
	for tree in "$top_srcdir"/tests/fixtures/*/; do
		tree=${tree%/}
		name=$(basename "$tree")
		snap="$tmp/snap-$name"
		"$RTHOSTCHECK" --root "$tree" --json --snapshot "$snap" > "$tmp/a.json" 2> "$tmp/err"; rc1=$?
		"$RTHOSTCHECK" --root "$snap" --json > "$tmp/b.json" 2>> "$tmp/err"; rc2=$?
		out=$("$PYTHON3" - "$tmp/a.json" "$tmp/b.json" "$tree" "$snap" <<'PY' 2>&1
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
roots = sys.argv[3:5]
def norm(d, root):
    for k in ("started_at", "duration_seconds", "root"):
        d["run"].pop(k)
    d["diagnostics"] = [x for x in d["diagnostics"] if "snapshot" not in x["message"]]
    return json.loads(json.dumps(d).replace(root, "ROOT"))
a, b = norm(a, roots[0]), norm(b, roots[1])
diff = [(x["id"], x["status"], y["status"], y["reason"]) for x, y in zip(a["results"], b["results"]) if x != y]
assert not diff, diff[:5]
assert a == b
PY
)
		check "snapshot of $name audits the same (exit $rc1 = $rc2)" "[ $rc1 -eq $rc2 ] && [ -z \"\$out\" ]" "$out$(cat "$tmp/err")"
	done
else
	skip "snapshot round trips" "python3 missing"
fi
mkdir -p "$tmp/notempty" && touch "$tmp/notempty/x"
"$RTHOSTCHECK" --root "$fx" -q --snapshot "$tmp/notempty" > /dev/null 2> "$tmp/err"; rc=$?
check "--snapshot into a non-empty directory is exit 73" "[ $rc -eq 73 ] && grep -q 'not empty' '$tmp/err'" "$(cat "$tmp/err")"
"$RTHOSTCHECK" --root "$fx" -q --snapshot "$tmp/snapperm" > /dev/null 2>&1
bad_perm=$(find "$tmp/snapperm" -type f ! -perm 0644 | head -1)
check "snapshot files are 0644" "[ -z '$bad_perm' ]"
# A symlink inside the tree that points outside it is copied as a link, never followed out.
esc="$tmp/escape"
cp -r "$fx" "$esc"
ln -s /etc "$esc/sys/kernel/mm/hugepages/hugepages-1048576kB"
"$RTHOSTCHECK" --root "$esc" -q --snapshot "$tmp/snapesc" > /dev/null 2>&1
check "an absolute symlink in the tree is recreated as a link" \
	"[ -L '$tmp/snapesc/sys/kernel/mm/hugepages/hugepages-1048576kB' ] && [ ! -e '$tmp/snapesc/etc/passwd' ]"

# --- bash completion -----------------------------------------------------------
comp="$top_srcdir/data/completion/rthostcheck"
check "completion script parses" "bash -n '$comp'"
out=$(bash -c "source '$comp'; COMP_WORDS=('$RTHOSTCHECK' --check cmdline.nohz); COMP_CWORD=2; _rthostcheck; printf '%s\n' \"\${COMPREPLY[@]}\"" 2>&1)
check "completion offers check IDs" "grep -qx 'cmdline.nohz_full' <<<\"\$out\"" "$out"
out=$(bash -c "source '$comp'; COMP_WORDS=('$RTHOSTCHECK' --format ''); COMP_CWORD=2; _rthostcheck; printf '%s\n' \"\${COMPREPLY[@]}\"" 2>&1)
check "completion offers formats" "[ \"\$(echo \$out)\" = 'text json junit prometheus' ]" "$out"
out=$(bash -c "source '$comp'; COMP_WORDS=('$RTHOSTCHECK' --sk); COMP_CWORD=1; _rthostcheck; printf '%s\n' \"\${COMPREPLY[@]}\"" 2>&1)
check "completion offers options" "grep -qx -- '--skip' <<<\"\$out\"" "$out"

echo "1..$n"
exit 0
