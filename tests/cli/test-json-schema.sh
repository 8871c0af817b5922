#!/bin/sh
# `--json` on every fixture tree under tests/fixtures/*/: each report validates against
# schema/report-v1.schema.json (Draft 2020-12), is deterministic (two runs differ only in
# run.started_at and run.duration_seconds), lists its results in catalog order (that of
# `--list-checks --json`), has summary counts equal to its results, an exit_code equal to the
# process exit status and derived from the gating results as spec/cli.md says.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

[ -x "$RTHOSTCHECK" ] || tap_skip_all "no binary at $RTHOSTCHECK"
have_python || tap_skip_all "no python3"
"$PYTHON3" -c 'import jsonschema; jsonschema.Draft202012Validator' 2>/dev/null ||
	tap_skip_all "python3 jsonschema with Draft 2020-12 support is missing"
tap_tmpdir

"$RTHOSTCHECK" --list-checks --json >"$T/catalog.json" || {
	echo "1..1"
	echo "not ok 1 - --list-checks --json"
	exit 0
}

n=0
for dir in "$FIXTURES"/*/; do
	[ -d "$dir" ] || continue
	name=$(basename "$dir")
	n=$((n + 1))
	for run in 1 2; do
		rc=0
		"$RTHOSTCHECK" --root "$dir" --json >"$T/$n.$run.json" 2>"$T/$n.$run.err" || rc=$?
		echo "$rc" >"$T/$n.$run.rc"
	done
	echo "$name" >"$T/$n.name"
done
[ "$n" -gt 0 ] || tap_skip_all "no fixture trees under $FIXTURES"

"$PYTHON3" - "$top_srcdir/schema/report-v1.schema.json" "$T" "$n" <<'EOF'
import json, sys
import jsonschema

schema_path, tmp, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
with open(tmp + "/catalog.json") as f:
    catalog = [c["id"] for c in json.load(f)["checks"]]

STATUSES = ["pass", "warn", "fail", "pending_reboot", "fixed", "error", "skipped",
            "not_applicable", "info"]
VERDICT = {0: "ready", 1: "not_ready", 2: "incomplete", 3: "reboot_required"}
GATES = {"fail": ("fail", "error", "pending_reboot"),
         "warn": ("fail", "warn", "error", "pending_reboot"), "none": ()}
tap = 0
failed = 0


def report(ok, desc, diag=()):
    global tap, failed
    tap += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", tap, desc))
    if not ok:
        failed += 1
        for line in diag:
            print("# " + str(line)[:400])


def expected_exit(doc):
    """Exit code from the gating results (spec/cli.md precedence: 1 > 2 > 3 > 0)."""
    gates = GATES[doc["run"]["fail_on"]]
    st = [r["status"] for r in doc["results"] if r["status"] in gates]
    if "fail" in st or "warn" in st:
        return 1
    if "error" in st:
        return 2
    if "pending_reboot" in st:
        return 3
    return 0


def strip_times(doc):
    doc = json.loads(json.dumps(doc))
    for k in ("started_at", "duration_seconds"):
        doc.get("run", {}).pop(k, None)
    return doc


for i in range(1, count + 1):
    with open("%s/%d.name" % (tmp, i)) as f:
        name = f.read().strip()
    docs, rcs = [], []
    for run in (1, 2):
        with open("%s/%d.%d.rc" % (tmp, i, run)) as f:
            rcs.append(int(f.read()))
        try:
            with open("%s/%d.%d.json" % (tmp, i, run)) as f:
                docs.append(json.load(f))
        except ValueError as e:
            docs.append(None)
            with open("%s/%d.%d.err" % (tmp, i, run)) as f:
                err = f.read()
            report(False, "%s: stdout is one JSON document" % name, [e, err])
    doc = docs[0]
    if doc is None or docs[1] is None:
        continue
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    report(not errors, "%s: the report validates against the schema" % name,
           ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errors[:5]])
    if errors:
        continue
    a, b = strip_times(docs[0]), strip_times(docs[1])
    report(a == b and rcs[0] == rcs[1], "%s: two runs give the same report" % name,
           [k for k in a if a.get(k) != b.get(k)] + ["exit %d vs %d" % tuple(rcs)])
    ids = [r["id"] for r in doc["results"]]
    report(ids == catalog, "%s: one result per check, in catalog order" % name,
           ["first difference (result, catalog): %s" % (next(
               (x for x in zip(ids, catalog) if x[0] != x[1]), (len(ids), len(catalog))),)])
    counts = {s: sum(r["status"] == s for r in doc["results"]) for s in STATUSES}
    counts["total"] = len(doc["results"])
    report(doc["summary"] == counts, "%s: summary counts equal the results" % name,
           ["summary %s" % doc["summary"], "results %s" % counts])
    want = expected_exit(doc)
    report(doc["exit_code"] == rcs[0] == want and doc["verdict"] == VERDICT.get(want),
           "%s: exit_code and verdict match the exit status and the results" % name,
           ["exit_code %s, verdict %s, exit status %d, from the results %d" % (
               doc["exit_code"], doc["verdict"], rcs[0], want)])
    gates = GATES[doc["run"]["fail_on"]]
    gating_ok = all(r["gating"] == (r["status"] in gates) for r in doc["results"])
    report(gating_ok, "%s: gating flags follow --fail-on" % name)

print("1..%d" % tap)
EOF
