# Shared TAP helpers for the shell tests (POSIX sh). Source it, then call tap_* and finish with
# tap_done. The plan is printed at the end ("1..N"), which the automake TAP driver accepts.
#
#   . "$top_srcdir/tests/cli/lib.sh"
#   tap_tmpdir                      # $T: a private temporary directory, removed at exit
#   rthc --root "$FIXTURES/x" -q    # runs $RTHOSTCHECK: stdout in $T/out, stderr in $T/err, $rc
#   tap_is "$rc" 0 "ready tree exits 0"
#   tap_done
#
# Environment (set by `make check`; defaults let a test run by hand from the build dir):
# top_srcdir, top_builddir, RTHOSTCHECK (the built binary), PYTHON3 (may be empty).

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
: "${RTHOSTCHECK:=$top_builddir/rthostcheck}"
: "${PYTHON3=$(command -v python3 || true)}"
# shellcheck disable=SC2034 # for the tests that source this file
FIXTURES=$top_srcdir/tests/fixtures
tap_n=0
tap_failed=0

# A test that cannot run at all: "1..0 # SKIP reason", exit 0.
tap_skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

tap_ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

# tap_not_ok DESC [DIAGNOSTIC...]
tap_not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	[ $# -eq 0 ] || tap_diag "$@"
}

tap_skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# tap_check DESC COMMAND...: ok when the command succeeds.
tap_check() {
	_d=$1
	shift
	if "$@"; then tap_ok "$_d"; else tap_not_ok "$_d" "failed: $*"; fi
}

# tap_is GOT EXPECTED DESC
tap_is() {
	if [ "$1" = "$2" ]; then
		tap_ok "$3"
	else
		tap_not_ok "$3" "got:      '$1'" "expected: '$2'"
	fi
}

# tap_match FILE REGEX DESC (grep -E) / tap_nomatch FILE REGEX DESC
tap_match() {
	if grep -Eq -- "$2" "$1"; then
		tap_ok "$3"
	else
		tap_not_ok "$3" "no line of $1 matches /$2/"
	fi
}

tap_nomatch() {
	if grep -Eq -- "$2" "$1"; then
		tap_not_ok "$3" "$1 matches /$2/:" "$(grep -E -m3 -- "$2" "$1")"
	else
		tap_ok "$3"
	fi
}

tap_done() {
	echo "1..$tap_n"
	exit 0
}

tap_tmpdir() {
	T=$(mktemp -d "${TMPDIR:-/tmp}/rthc-test.XXXXXX") ||
		tap_skip_all "cannot create a temporary directory"
	trap 'rm -rf "$T"' EXIT
	trap 'exit 1' HUP INT TERM
}

# rthc ARGS...: run the binary; stdout in $T/out, stderr in $T/err, exit status in $rc.
# shellcheck disable=SC2034 # rc is for the tests that source this file
rthc() {
	rc=0
	"$RTHOSTCHECK" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

have_python() {
	[ -n "$PYTHON3" ] && "$PYTHON3" -c 'import json' 2>/dev/null
}

# json_eval FILE EXPR: print the Python expression EXPR evaluated with d = the JSON document in
# FILE (exactly one document, or the exit status is 1). Lists print one element per line.
json_eval() {
	"$PYTHON3" - "$1" "$2" <<'EOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        d = json.load(f)
except (OSError, ValueError) as e:
    print("not one JSON document: %s" % e, file=sys.stderr)
    sys.exit(1)
v = eval(sys.argv[2])
if isinstance(v, (list, tuple)):
    for x in v:
        print(x)
elif isinstance(v, bool):
    print("true" if v else "false")
else:
    print(v)
EOF
}
