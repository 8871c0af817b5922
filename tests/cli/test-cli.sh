#!/bin/sh
# The command-line contract (spec/cli.md) driven through the built binary on fixture trees:
# help, version, usage errors, --root, --check/--skip, --fail-on/--strict, -q/-v, colour and the
# exit codes 0/1/2 with their precedence.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

[ -x "$RTHOSTCHECK" ] || tap_skip_all "no binary at $RTHOSTCHECK"
[ -d "$FIXTURES/cli-ready" ] || tap_skip_all "no fixtures under $FIXTURES"
tap_tmpdir
unset NO_COLOR

# The checks the cli-* trees are built for. Selecting them keeps these tests about the command
# line, whatever checks are added to the catalog later.
CORE="kernel.preempt_rt cmdline.isolcpus cmdline.isolcpus.managed_irq cmdline.nohz_full
cmdline.rcu_nocbs cpu.smt cpu.boot_cpu sched.rt_runtime mem.hugepages xcheck.nohz_in_iso
xcheck.hk_left xcheck.rcu_nocbs xcheck.smt_siblings"
CORE_ARGS=$(for id in $CORE; do printf ' --check %s' "$id"; done)

# audit TREE ARGS...: audit tests/fixtures/cli-TREE with the core checks.
audit() {
	_tree=$1
	shift
	# shellcheck disable=SC2086
	rthc --root "$FIXTURES/cli-$_tree" $CORE_ARGS "$@"
}

# The JSON error document of a usage error: exactly one document, exit_code 64, errors listed.
json_error_doc() {
	if ! have_python; then
		tap_skip "$1: JSON error document" "no python3"
		return
	fi
	_got=$(json_eval "$T/out" '"%s %s %s %s" % (d["schema_version"], d["verdict"],
		d["exit_code"], len(d["errors"]) > 0 and all(isinstance(e, str) and e
		for e in d["errors"]))' 2>&1)
	tap_is "$_got" "1.0 error 64 True" "$1: one JSON error document on stdout"
}

# expect_exit TREE CODE VERDICT DESC ARGS...: the exit status, and the JSON verdict and exit_code.
expect_exit() {
	_tree=$1 _code=$2 _verdict=$3 _desc=$4
	shift 4
	audit "$_tree" "$@"
	tap_is "$rc" "$_code" "cli-$_tree $_desc: exit $_code"
	if ! have_python; then
		tap_skip "cli-$_tree $_desc: JSON verdict" "no python3"
		return
	fi
	audit "$_tree" --json "$@"
	_got=$(json_eval "$T/out" '"%s %s" % (d["verdict"], d["exit_code"])' 2>&1)
	tap_is "$_got $rc" "$_verdict $_code $_code" \
		"cli-$_tree $_desc: JSON verdict $_verdict, exit_code $_code"
}

# ---- help and version --------------------------------------------------------------------
rthc --help
tap_is "$rc" 0 "--help exits 0"
tap_is "$(tail -n 1 "$T/out")" "For more details see rthostcheck(8)." \
	"--help ends with the man page pointer"
tap_match "$T/out" '^Usage:' "--help prints the usage on stdout"
tap_is "$(wc -c <"$T/err")" 0 "--help writes nothing to stderr"
cp "$T/out" "$T/help"
rthc -h
tap_is "$rc" 0 "-h exits 0"
tap_check "-h prints the same text as --help" cmp -s "$T/out" "$T/help"

for v in --version -V; do
	rthc "$v"
	tap_is "$rc" 0 "$v exits 0"
	tap_is "$(wc -l <"$T/out")" 1 "$v prints one line"
	tap_match "$T/out" '^rthostcheck [0-9]+\.[0-9]+' "$v prints the name and version"
done

# ---- usage errors ------------------------------------------------------------------------
for bad in --bogus -x --help=1; do
	rthc "$bad"
	tap_is "$rc" 64 "$bad: exit 64"
	tap_is "$(wc -c <"$T/out")" 0 "$bad: nothing on stdout"
	tap_match "$T/err" "^Try 'rthostcheck --help'\\.\$" \
		"$bad: stderr says Try 'rthostcheck --help'."
done
tap_match "$T/err" "'--help' doesn't allow an argument" \
	"--help=1: says the option takes no argument"
rthc --root
tap_is "$rc" 64 "--root without DIR: exit 64"
tap_match "$T/err" "option '--root' requires an argument" \
	"--root without DIR: says an argument is missing"
rthc --root "$FIXTURES/cli-ready" extra
tap_is "$rc" 64 "a stray argument: exit 64"
for bad in "--mode space" "--fail-on maybe" "--format xml"; do
	# shellcheck disable=SC2086
	rthc $bad
	tap_is "$rc" 64 "$bad: exit 64"
done

# With --json, a usage error still gives one JSON document, wherever --json stands.
for args in "--bogus --json" "--json --bogus" "-x --format=json" "--format json --fail-on maybe"; do
	# shellcheck disable=SC2086
	rthc $args
	tap_is "$rc" 64 "$args: exit 64"
	json_error_doc "$args"
	tap_match "$T/err" "Try 'rthostcheck --help'" "$args: the hint is on stderr"
done

# ---- --root ------------------------------------------------------------------------------
rthc --root "$T/nonexistent"
tap_is "$rc" 64 "--root to a missing directory: exit 64"
tap_is "$(wc -c <"$T/out")" 0 "--root to a missing directory: nothing on stdout"
tap_match "$T/err" "nonexistent.*No such file or directory" "--root to a missing directory: says so"
: >"$T/regular"
rthc --root "$T/regular"
tap_is "$rc" 64 "--root to a regular file: exit 64"
tap_match "$T/err" "regular: not a directory" "--root to a regular file: says it is not a directory"
rthc --root "$T/nonexistent" --json
tap_is "$rc" 64 "--root to a missing directory with --json: exit 64"
json_error_doc "--root to a missing directory"
rthc --sysroot "$FIXTURES/cli-ready" -q --check cpu.boot_cpu
tap_is "$rc" 0 "--sysroot is an alias of --root"

# ---- --check and --skip ------------------------------------------------------------------
rthc --root "$FIXTURES/cli-ready" --check cmdline.isolcpu
tap_is "$rc" 64 "--check with an unknown ID: exit 64"
tap_match "$T/err" "did you mean 'cmdline\\.isolcpus'" \
	"--check with an unknown ID suggests the nearest"
rthc --root "$FIXTURES/cli-ready" --skip sched.rt_runtim
tap_is "$rc" 64 "--skip with an unknown ID: exit 64"
tap_match "$T/err" "did you mean 'sched\\.rt_runtime'" \
	"--skip with an unknown ID suggests the nearest"
rthc --root "$FIXTURES/cli-ready" --check "nosuchcategory.*"
tap_is "$rc" 64 "--check with an unknown category: exit 64"
rthc --root "$FIXTURES/cli-ready" --json --check cmdline.isolcpu
tap_is "$rc" 64 "--check with an unknown ID and --json: exit 64"
json_error_doc "--check with an unknown ID"

# selected FILE: the IDs of a JSON report that --check/--skip did not deselect, sorted.
selected() {
	json_eval "$1" 'sorted(r["id"] for r in d["results"] if not (r["status"] == "skipped"
		and ("--check" in r["reason"] or "--skip" in r["reason"])))'
}

if have_python; then
	rthc --list-checks --json
	json_eval "$T/out" '[c["id"] for c in d["checks"]]' >"$T/catalog"
	grep '^cpu\.' "$T/catalog" | sort >"$T/cpu-ids"
	grep -v '^cpu\.' "$T/catalog" | sort >"$T/non-cpu-ids"

	rthc --root "$FIXTURES/cli-ready" --json --check cpu.smt
	tap_is "$(selected "$T/out" | tr '\n' ' ')" "cpu.smt " "--check ID runs only that check"
	tap_is "$(json_eval "$T/out" 'len(d["results"])')" "$(wc -l <"$T/catalog")" \
		"--check ID still reports every check (the others as skipped)"
	rthc --root "$FIXTURES/cli-ready" --json --check "cpu.*"
	selected "$T/out" >"$T/sel"
	tap_check "--check cpu.* runs exactly the cpu category" cmp -s "$T/sel" "$T/cpu-ids"
	rthc --root "$FIXTURES/cli-ready" --json --check "cpu.*" --skip cpu.smt
	selected "$T/out" >"$T/sel"
	grep -vx 'cpu\.smt' "$T/cpu-ids" >"$T/want"
	tap_check "--check cpu.* --skip cpu.smt: the category minus one check" \
		cmp -s "$T/sel" "$T/want"
	rthc --root "$FIXTURES/cli-ready" --json --skip "cpu.*"
	selected "$T/out" >"$T/sel"
	tap_check "--skip cpu.* runs everything but the cpu category" \
		cmp -s "$T/sel" "$T/non-cpu-ids"
	json_eval "$T/out" '[r["reason"] for r in d["results"] if r["id"] == "cpu.smt"]' >"$T/why"
	tap_is "$(cat "$T/why")" "deselected by --skip" "a skipped check says why"
else
	tap_skip "--check and --skip selection" "no python3"
fi

# ---- exit codes and their precedence (0 ready, 1 not ready, 2 incomplete) -----------------
expect_exit ready 0 ready "every core check passes"
expect_exit notready 1 not_ready "fails"
expect_exit incomplete 2 incomplete "an unreadable interface"
expect_exit mixed 1 not_ready "a fail and an error (1 before 2)"
expect_exit mixed 2 incomplete "--skip the fail" --skip sched.rt_runtime
expect_exit mixed 1 not_ready "--check the fail" --check sched.rt_runtime
expect_exit warn 0 ready "a warn under the default --fail-on fail"
expect_exit warn 1 not_ready "--strict" --strict
expect_exit warn 1 not_ready "--fail-on warn" --fail-on warn
expect_exit warn 0 ready "--fail-on fail" --fail-on fail
expect_exit warn 0 ready "--fail-on none" --fail-on none
expect_exit notready 0 ready "--fail-on none" --fail-on none
expect_exit incomplete 0 ready "--fail-on none" --fail-on none
expect_exit incomplete 2 incomplete "--strict (an error, no warn)" --strict
expect_exit notready 1 not_ready "--strict" --strict
if have_python; then
	audit notready --json --fail-on none
	tap_is "$(json_eval "$T/out" 'sum(r["gating"] for r in d["results"])')" 0 \
		"--fail-on none: no result is gating"
	audit warn --json --strict
	json_eval "$T/out" '[r["id"] for r in d["results"] if r["gating"]]' >"$T/gating"
	tap_is "$(cat "$T/gating")" "mem.hugepages" "--strict: the warn is gating"
	tap_is "$(json_eval "$T/out" 'd["run"]["fail_on"]')" warn \
		"--strict is --fail-on warn in the report"
fi

# ---- -q and -v ---------------------------------------------------------------------------
audit notready -q
tap_is "$(wc -l <"$T/out")" 1 "-q prints one line"
tap_match "$T/out" '^verdict: not_ready' "-q prints the verdict line"
audit ready --quiet
tap_is "$(cat "$T/out")" "verdict: ready (exit 0)" "--quiet on a ready tree"
audit ready
tap_nomatch "$T/out" 'evidence:' "without -v, passing checks show no evidence"
audit ready -v
tap_match "$T/out" 'evidence: /proc/sys/kernel/version: .*PREEMPT_RT' \
	"-v shows the evidence of passing checks"
audit ready --verbose
tap_match "$T/out" 'evidence: /proc/cmdline: ' "--verbose shows the evidence of passing checks"

# ---- colour ------------------------------------------------------------------------------
ESC=$(printf '\033')
audit notready
tap_nomatch "$T/out" "$ESC" "no ANSI escapes when stdout is not a terminal"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	# on_tty ARGS...: run the audit with stdout on a pseudo-terminal; output in $T/tty.
	on_tty() {
		script -qec "'$RTHOSTCHECK' --root '$FIXTURES/cli-notready' $* </dev/null" \
			/dev/null </dev/null >"$T/tty" 2>&1
	}
	on_tty
	tap_match "$T/tty" "$ESC\\[" "colour on a terminal by default"
	on_tty --no-color
	tap_nomatch "$T/tty" "$ESC" "--no-color: no ANSI escapes on a terminal"
	on_tty --json
	tap_nomatch "$T/tty" "$ESC" "--json: no ANSI escapes on a terminal"
	NO_COLOR=1
	export NO_COLOR
	on_tty
	tap_nomatch "$T/tty" "$ESC" "NO_COLOR: no ANSI escapes on a terminal"
	unset NO_COLOR
else
	tap_skip "colour on a terminal" "script(1) cannot allocate a terminal"
fi

# ---- catalog, explain, schema ------------------------------------------------------------
rthc --list-checks
tap_is "$rc" 0 "--list-checks exits 0"
tap_match "$T/out" '^kernel\.preempt_rt ' "--list-checks lists the IDs"
rthc --explain cpu.smt
tap_is "$rc" 0 "--explain ID exits 0"
tap_match "$T/out" '^cpu\.smt: ' "--explain names the check"
rthc --explain cpu.smtt
tap_is "$rc" 64 "--explain with an unknown ID: exit 64"
tap_match "$T/err" "did you mean 'cpu\\.smt'" "--explain with an unknown ID suggests the nearest"
rthc --schema
tap_is "$rc" 0 "--schema exits 0"
if have_python; then
	cp "$top_srcdir/schema/report-v1.schema.json" "$T/schema"
	tap_is "$(json_eval "$T/out" 'd == json.load(open(sys.argv[1][:-3] + "schema"))')" "true" \
		"--schema prints the project's schema"
	"$RTHOSTCHECK" --list-checks | awk 'NR > 1 { print $1 }' >"$T/catalog.txt"
	tap_check "--list-checks --json and --list-checks list the same IDs" \
		cmp -s "$T/catalog.txt" "$T/catalog"
fi

tap_done
