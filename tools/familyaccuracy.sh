#!/bin/sh
# familyaccuracy.sh BUILD [SEED] - the authorization check on forms laid out
# like other organisations' (fixtures/families: issue 17, must-haves 2-3),
# printed by headless Chromium and scanned and faxed by mkfax --from.
# Nothing in rules/ was written for these families, so every score here is
# a held-out score.  Per family and rendering: decisions right, defective
# forms read valid (unsafe, must be 0), and the share of the reasons given
# that are true (a valid form's reasons are all false; a defective form's
# true reason is the one it was made without).  `valid` accepts
# valid_with_part2 (a form that also consents to Part 2 records).
#
#   make accuracy-families [SEED=1]
set -eu
O=${1:?usage: familyaccuracy.sh BUILD-DIR [SEED]}
seed=${2:-1}
case $O in /*) ;; *) O=$PWD/$O ;; esac
ROI=$O/roi
export ROI_NOW=2026-03-02T09:00:00 ROI_RULES=${ROI_RULES:-$PWD/rules}
T=$(mktemp -d /tmp/roi-families.XXXXXX)
trap 'rm -rf "$T"' EXIT
python3 tools/familyexpand.py fixtures/families "$T/src" > "$T/want"
for f in "$T"/src/*.html; do
	n=$(basename "$f" .html)
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --user-data-dir="$T/profile" --no-pdf-header-footer \
	    --print-to-pdf="$T/src/$n.text.pdf" "file://$f" > "$T/log" 2>&1 || true
	[ -s "$T/src/$n.text.pdf" ] || { echo "familyaccuracy: chromium did not print $n" >&2; exit 1; }
	"$O/mkfax" -s "$seed" --from "$T/src/$n.text.pdf" -o "$T/src/$n" > /dev/null
done
"$ROI" init "$T/home" > /dev/null
sed -i "s/^name = Our Practice$/name = Lakeside Behavioral Health/" "$T/home/roi.conf"
printf '[pipeline]\nworkers = 2\n' >> "$T/home/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$T/home" patient import "$T/p.csv" > /dev/null
RENDER="text.pdf 300.pdf fine.tif std.tif"
while read -r n want; do
	for r in $RENDER; do cp "$T/src/$n.$r" "$T/home/inbox/requests/$n.$r"; done
done < "$T/want"
"$ROI" -C "$T/home" run --once 2> "$T/run.log" || { tail -5 "$T/run.log" >&2; exit 1; }
"$ROI" -C "$T/home" case list --all --json | jq -r '.[] | "\(.case) \(.name)"' > "$T/cases"
printf '%-10s' family
for r in $RENDER; do printf ' %-24s' "$r"; done
echo
: > "$T/off"
for fam in $(cut -d- -f1 "$T/want" | sort -u); do
	printf '%-10s' "$fam"
	for r in $RENDER; do
		right=0 total=0 unsafe=0 given=0 true=0
		while read -r n want; do
			case $n in "$fam"-*) ;; *) continue ;; esac
			c=$(awk -v f="$n.$r" '$2 == f {print $1}' "$T/cases")
			"$ROI" -C "$T/home" auth show "$c" --json > "$T/a.json" 2>/dev/null || echo '{}' > "$T/a.json"
			dec=$(jq -r '.decision // "none"' "$T/a.json")
			codes=$(jq -r '[.reasons[]?.code] | join(",")' "$T/a.json")
			total=$((total + 1))
			nr=$(jq '[.reasons[]?] | length' "$T/a.json")
			case $dec in valid|valid_with_part2) nr=0 ;; esac
			given=$((given + nr))
			if [ "$want" = valid ]; then
				case $dec in valid|valid_with_part2) right=$((right + 1)) ;;
				*) echo "$r $n: $dec ($codes)" >> "$T/off" ;; esac
			else
				case $dec in valid|valid_with_part2) unsafe=$((unsafe + 1)) ;; esac
				case ",$codes," in
				*",$want,"*) right=$((right + 1)); true=$((true + 1)) ;;
				*) echo "$r $n: $dec ($codes), wanted $want" >> "$T/off" ;;
				esac
			fi
		done < "$T/want"
		prec=$( [ "$given" -gt 0 ] && echo "$true $given" | awk '{printf "%d%%", 100 * $1 / $2}' || echo "-")
		printf ' %-24s' "$right/$total unsafe $unsafe rsn $prec"
	done
	echo
done
echo "off:"
sort "$T/off"
