#!/bin/sh
# p2accuracy.sh - how well Part 2 content is found on the generated records
# (fixtures/src/records, with their NAME.expect truth) drawn with other
# seeds than the test's: other skew and speckle.  Prints per seed and
# rendering the Part 2 phrases redacted, the must-keep phrases left
# untouched and the documents withheld, then every miss.
#
#   make accuracy-part2 [SEEDS="2 3 4"]    (tools/p2accuracy.sh BUILD SAN-BUILD SEED...)
set -eu
O=${1:?usage: p2accuracy.sh BUILD-DIR SAN-DIR SEED...}
S=${2:?usage: p2accuracy.sh BUILD-DIR SAN-DIR SEED...}
shift 2
[ $# -gt 0 ] || set -- 2 3 4
case $O in /*) ;; *) O=$PWD/$O ;; esac
case $S in /*) ;; *) S=$PWD/$S ;; esac
ROI=$O/roi MKFAX=$O/mkfax P2SCORE=$S/p2score
export ROI MKFAX P2SCORE ROI_NOW=2026-03-02T09:00:00 ROI_RULES=${ROI_RULES:-$PWD/rules}
export OMP_THREAD_LIMIT=1
T=$(mktemp -d /tmp/roi-p2accuracy.XXXXXX)
trap 'rm -rf "$T"' EXIT
. tests/e2e/part2-score.inc
RENDER="text.pdf 300.pdf fine.tif std.tif"
: > "$T/misses"
printf '%-6s' seed
for r in $RENDER; do printf ' %-26s' "$r"; done
echo
for seed in "$@"; do
	rm -rf "$T/rec" "$T/home"
	mkdir -p "$T/rec"
	"$MKFAX" -s "$seed" -o "$T/rec" fixtures/src/authorization.txt fixtures/src/records/*.txt > /dev/null 2>&1
	"$ROI" init "$T/home" > /dev/null
	printf '[pipeline]\nworkers = 2\n' >> "$T/home/roi.conf"
	for r in $RENDER; do cp "$T/rec/authorization.$r" "$T/home/inbox/requests/request.$r"; done
	"$ROI" -C "$T/home" run --once 2> "$T/run.log" || { cat "$T/run.log" >&2; exit 1; }
	for r in $RENDER; do
		c=$("$ROI" -C "$T/home" case list --json | jq -r ".[] | select(.name == \"request.$r\") | .case")
		mkdir -p "$T/home/inbox/records/$c"
		for f in fixtures/src/records/*.txt; do
			n=$(basename "$f" .txt)
			cp "$T/rec/$n.$r" "$T/home/inbox/records/$c/$n.$r"
		done
	done
	"$ROI" -C "$T/home" run --once 2> "$T/run.log" || { cat "$T/run.log" >&2; exit 1; }
	printf '%-6s' "$seed"
	for r in $RENDER; do
		c=$("$ROI" -C "$T/home" case list --json | jq -r ".[] | select(.name == \"request.$r\") | .case")
		p2_score "$T/home" "$c" "$r" "$T/rec"
		printf ' %-26s' "$tr/$tt keep $tk/$kt whole $tw/$wt"
	done
	echo
	sed "s/^/$seed /" "$T/misses" >> "$T/all-misses"
	: > "$T/misses"
done
[ -s "$T/all-misses" ] && { echo "misses:"; cat "$T/all-misses"; } || true
