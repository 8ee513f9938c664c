#!/bin/sh
# p2accuracy.sh - how well Part 2 content is found on the generated records
# (fixtures/src/records, with their NAME.expect truth) drawn with other
# seeds than the test's: other skew and speckle.  Prints per seed and
# rendering the Part 2 phrases redacted, the must-keep phrases left
# untouched and the documents withheld; then one row per phrase of every
# NAME.expect, per rendering over all seeds (redact: occurrences covered
# of found; keep: occurrences left untouched of found; "!" marks a row
# that is not all good); then every miss.
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
: > "$T/rows"
printf '%-6s' seed
for r in $RENDER; do printf ' %-26s' "$r"; done
echo
for seed in "$@"; do
	rm -rf "$T/rec" "$T/home"
	mkdir -p "$T/rec"
	"$MKFAX" -s "$seed" -o "$T/rec" fixtures/src/authorization.txt fixtures/src/records/*.txt > /dev/null 2>&1
	"$ROI" init "$T/home" > /dev/null
	sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health/' "$T/home/roi.conf"
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
# one row per phrase, in the order of the .expect files
echo
echo "per phrase (over seeds $*):"
awk -F '\t' -v render="$RENDER" '
BEGIN { nr = split(render, rv, " ") }
{
	k = $2 "\t" $3 "\t" $6
	if (!(k in seen)) { seen[k] = 1; order[++n] = k }
	g[k, $1] += $4; o[k, $1] += $5
}
END {
	printf "  %-20s %-6s %-52s", "record", "kind", "phrase"
	for (i = 1; i <= nr; i++) printf " %-9s", rv[i]
	printf "\n"
	for (j = 1; j <= n; j++) {
		split(order[j], f, "\t")
		bad = 0; line = ""
		for (i = 1; i <= nr; i++) {
			line = line sprintf(" %-9s", g[order[j], rv[i]] "/" o[order[j], rv[i]])
			if (g[order[j], rv[i]] != o[order[j], rv[i]]) bad = 1
		}
		printf "%s %-20s %-6s %-52s%s\n", bad ? "!" : " ", f[1], f[2], substr(f[3], 1, 52), line
	}
}' "$T/rows"
[ -s "$T/all-misses" ] && { echo "misses:"; cat "$T/all-misses"; } || true
