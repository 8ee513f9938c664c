#!/bin/sh
# leakaccuracy.sh - the leak suite (tests/e2e/leak.sh) on the records of
# every engine: as tools/mkleak writes them (mupdf), written anew by
# pdftocairo (cairo), Ghostscript (gs) and qpdf, and made by headless
# Chromium (tools/mkleak-chromium.sh).  Prints per engine the checks passed
# and failed, the wall time and the table (class x tool: ok, blocked, LEAK,
# n/a), and writes it to BUILD/leak-table-ENGINE.txt; exits 1 when any
# engine has a failed check.  About 3.5 minutes per engine on 2 cores.
#
#   make accuracy [LEAK_ENGINES="gs chromium"]   (tools/leakaccuracy.sh BUILD [ENGINE...])
#
# Runs the optimised build ($BUILD/roi), not the sanitizer one make test runs,
# on fixtures made for this run (mkfax, mkleak) in a temporary folder.
#
# SECURITY: a test driver; reads only what it makes; writes the tables
# under BUILD and its fixtures under /tmp (removed at exit).
set -u
O=${1:?usage: leakaccuracy.sh BUILD-DIR [ENGINE...]}
shift
[ $# -gt 0 ] || set -- mupdf cairo gs qpdf chromium
case $O in /*) ;; *) O=$PWD/$O ;; esac
F=$(mktemp -d /tmp/roi-leakacc.XXXXXX)
trap 'rm -rf "$F"' EXIT
export ROI="$O/roi" MKFAX="$O/mkfax" MKLEAK="$O/mkleak" TOP="$PWD" FIX="$F/fix"
export ROI_RULES=${ROI_RULES:-$PWD/rules} OMP_THREAD_LIMIT=1
# tests/e2e/lib.sh wants the helpers of other tests named; leak.sh uses neither
export CER=unused P2SCORE=unused
unset ROI_HOME ROI_NOW LEAK_TABLE LEAK_ENGINE

mkdir -p "$FIX/leak"
if ! "$MKFAX" -o "$FIX" > "$F/fixtures.log" 2>&1 ||
    ! "$MKLEAK" -o "$FIX/leak" >> "$F/fixtures.log" 2>&1; then
	echo "leakaccuracy: cannot make the fixtures" >&2
	tail -5 "$F/fixtures.log" >&2
	exit 1
fi
rc=0
for e in "$@"; do
	s=$(date +%s)
	rm -f "$O/leak-table-$e.txt"
	LEAK_ENGINE=$e LEAK_TABLE="$O/leak-table-$e.txt" sh tests/e2e/leak.sh > "$F/$e.tap" 2>&1
	p=$(grep -c '^ok ' "$F/$e.tap")
	f=$(grep -c '^not ok ' "$F/$e.tap")
	echo "leak suite, records by $e: $p passed, $f failed, $(( $(date +%s) - s )) s"
	if [ "$f" -gt 0 ]; then
		grep '^not ok ' "$F/$e.tap" | head -20
		rc=1
	fi
	if [ -f "$O/leak-table-$e.txt" ]; then
		sed 's/^/  /' "$O/leak-table-$e.txt"
	else
		echo "  (no table)"
		rc=1
	fi
done
exit $rc
