#!/bin/sh
# The man pages against the binary: every option of --help is in rthostcheck.8 with the same
# words, the EXIT STATUS table is spec/cli.md's, every ID of --list-checks has an entry in
# rthostcheck-checks.7 (and no entry is stale: run `make update-man` after adding a check), and
# both pages pass `mandoc -Tlint` when mandoc is installed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/cli/lib.sh"

MAN8=$top_srcdir/man/rthostcheck.8
MAN7=$top_srcdir/man/rthostcheck-checks.7
[ -x "$RTHOSTCHECK" ] || tap_skip_all "no binary at $RTHOSTCHECK"
if [ ! -f "$MAN8" ] || [ ! -f "$MAN7" ]; then
	tap_skip_all "no man pages under $top_srcdir/man"
fi
tap_tmpdir

# plain PAGE: the text of a page without font escapes and with \- as -, one line per input line,
# request names dropped (their arguments kept).
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\(aq/'"'"'/g' \
		-e 's/^\.[A-Za-z][A-Za-z]* *//' -e 's/"//g' "$1"
}
plain "$MAN8" >"$T/man8"
plain "$MAN7" >"$T/man7"
tr '\n' ' ' <"$T/man8" | tr -s ' \t' '  ' >"$T/man8.flat"

"$RTHOSTCHECK" --help >"$T/help"

# Every long and short option named in --help.
grep -o -- '--[a-z][a-z-]*' "$T/help" | sort -u >"$T/longopts"
grep -E -o -- '^ -[A-Za-z],' "$T/help" | tr -d ' ,' | sort -u >"$T/shortopts"
[ -s "$T/longopts" ] || tap_skip_all "no options found in --help"
while read -r opt; do
	tap_check "rthostcheck.8 documents $opt" grep -Eq -- "(^|[^a-z-])$opt([^a-z-]|\$)" "$T/man8"
done <"$T/longopts"
while read -r opt; do
	tap_match "$T/man8" "^$opt([^a-zA-Z]|\$)" "rthostcheck.8 documents $opt"
done <"$T/shortopts"

# The description of each option in --help (continuation lines joined) is in the man page.
awk '
	/^Options:/ { on = 1; next }
	on && /^$/ { on = 0 }
	!on { next }
	/^ +-/ {
		if (d != "") print d
		sub(/^ +/, "")
		d = match($0, /  +/) ? substr($0, RSTART + RLENGTH) : ""
		next
	}
	{ sub(/^ +/, ""); d = (d == "") ? $0 : d " " $0 }
	END { if (d != "") print d }
' "$T/help" >"$T/descriptions"
while read -r desc; do
	tap_check "rthostcheck.8 uses the words of --help: $desc" grep -qF -- "$desc" "$T/man8.flat"
done <"$T/descriptions"

# EXIT STATUS: spec/cli.md's table, code and verdict.
sed -n '/^\.SH EXIT STATUS/,/^\.SH FILES/p' "$MAN8" >"$T/exit.8"
plain "$T/exit.8" >"$T/exit"
for row in 0:ready 1:not_ready 2:incomplete 3:reboot_required 4:apply_failed \
	5:rollback_incomplete 64:usage "65:bad input" 70:internal 73:output; do
	tap_match "$T/exit" "^$(echo "$row" | tr : '\t')	" "EXIT STATUS lists $row"
done
tr '\n' ' ' <"$T/exit" | tr -s ' ' >"$T/exit.flat"
precedence="Precedence: 64/65/70/73 > 5 > 4 > 1 > 2 > 3 > 0."
tap_check "EXIT STATUS gives the precedence" \
	grep -qF "$precedence --fail-on none gives 0 whatever the findings." "$T/exit.flat"
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "OUTPUT FORMATS" "EXIT STATUS" FILES \
	ENVIRONMENT EXAMPLES "SEE ALSO"; do
	tap_check "rthostcheck.8 has the section $section" grep -q "^\\.SH $section\$" "$MAN8"
done

# Every check ID has an entry in rthostcheck-checks.7, and every entry is a check.
"$RTHOSTCHECK" --list-checks | awk 'NR > 1 { print $1 }' >"$T/ids"
[ -s "$T/ids" ] || tap_not_ok "--list-checks lists check IDs"
sed -n 's/^\.SS //p' "$MAN7" | sed 's/\\-/-/g' >"$T/entries"
while read -r id; do
	if grep -qxF -- "$id" "$T/entries"; then
		tap_ok "rthostcheck-checks.7 has an entry for $id"
	else
		tap_not_ok "rthostcheck-checks.7 has an entry for $id" \
			"out of date: run 'make update-man' and commit man/rthostcheck-checks.7"
	fi
done <"$T/ids"
while read -r id; do
	grep -qxF -- "$id" "$T/ids" ||
		tap_not_ok "rthostcheck-checks.7 entry $id is a check" \
			"no such check: run 'make update-man'"
done <"$T/entries"

# Lint.
if command -v mandoc >/dev/null 2>&1; then
	for page in "$MAN8" "$MAN7"; do
		if mandoc -Tlint -Wstyle "$page" >"$T/lint" 2>&1; then
			tap_ok "mandoc -Tlint $(basename "$page")"
		else
			tap_not_ok "mandoc -Tlint $(basename "$page")" "$(cat "$T/lint")"
		fi
	done
else
	tap_skip "mandoc -Tlint" "mandoc is not installed"
fi

tap_done
