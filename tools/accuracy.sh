#!/bin/sh
# accuracy.sh - how often the authorization check decides right, on the
# test's forms (tests/e2e/auth-variants.inc: five layouts, valid and with
# each defect) drawn with other seeds: other skew, speckle and signature
# strokes than the test's.  Prints per rendering the decisions right and
# the defective forms read valid (which must be 0).
#
#   make accuracy [SEEDS="1 2 3"]      (tools/accuracy.sh BUILD SEED...)
set -eu
O=${1:?usage: accuracy.sh BUILD-DIR SEED...}
shift
[ $# -gt 0 ] || set -- 1 2 3
case $O in /*) ;; *) O=$PWD/$O ;; esac
ROI=$O/roi MKFAX=$O/mkfax
export ROI MKFAX ROI_NOW=2026-03-02T09:00:00 ROI_RULES=${ROI_RULES:-$PWD/rules}
T=$(mktemp -d /tmp/roi-accuracy.XXXXXX)
trap 'rm -rf "$T"' EXIT
not_ok() { echo "accuracy: $*" >&2; exit 1; }
RENDER="text.pdf 300.pdf fine.tif std.tif"
printf '%-6s' seed
for r in $RENDER; do printf ' %-22s' "$r"; done
echo
for seed in "$@"; do
	rm -rf "$T/src" "$T/out" "$T/home"
	mkdir -p "$T/src" "$T/out"
	. tests/e2e/auth-variants.inc
	"$MKFAX" -s "$seed" -o "$T/out" "$T"/src/*.txt > /dev/null 2>&1
	"$ROI" init "$T/home" > /dev/null
	# the practice the forms name as the discloser
	sed -i "s/^name = Our Practice$/name = Lakeside Behavioral Health/" "$T/home/roi.conf"
	printf '[pipeline]\nworkers = 2\n' >> "$T/home/roi.conf"
	printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
	"$ROI" -C "$T/home" patient import "$T/p.csv" > /dev/null
	for f in "$T"/src/*.txt; do
		n=$(basename "$f" .txt)
		for v in $RENDER; do cp "$T/out/$n.$v" "$T/home/inbox/requests/$n.$v"; done
	done
	"$ROI" -C "$T/home" run --once 2> "$T/run.log" || { cat "$T/run.log" >&2; exit 1; }
	printf '%-6s' "$seed"
	for r in $RENDER; do
		score "$T/home" "$r"
		printf ' %-22s' "$right/$total unsafe $unsafe"
		[ -z "$wrong" ] || echo "$seed $r:$wrong" >> "$T/wrong"
	done
	echo
done
[ -f "$T/wrong" ] && { echo "off:"; cat "$T/wrong"; } || true
