#!/bin/sh
# ocr.sh - the main flow: every fixture kind dropped into a fresh home, one
# `roi run --once`, then the text is checked against the generator's truth
# (character error rate per kind under a stated bound) and the box of known
# words against where their ink is on the page.
. tests/e2e/lib.sh

h=$(newhome ocr)
# CER bounds per kind (tests/e2e/cer.c: each truth line matched to its best
# place in the OCR text, whitespace collapsed, case folded).  The text layer
# is exact; 300 dpi scans and fine faxes are within a few per cent (the
# 300 dpi bound is looser because a monospaced form's wide gaps make
# Tesseract split lines into columns); standard-resolution faxes (98 lines
# per inch, upscaled) lose most.  Measured on 2026-11-27: text 0, 300 dpi
# 0-0.040, fine 0.003-0.038, std 0.010-0.127 (dense 9 pt monospace at 98
# lines per inch is the worst).
bound() {
	case $1 in
	text) echo 0.005 ;;
	300) echo 0.06 ;;
	fine) echo 0.06 ;;
	std) echo 0.15 ;;
	esac
}
n=$(drop_fixtures "$h")
[ "$n" -ge 16 ] && ok "$n fixture files dropped" || not_ok "only $n fixture files"

start=$(date +%s)
check "roi run --once processes the batch" run_once "$h"
diag "batch of $n files took $(( $(date +%s) - start )) s"

is "every input done" "$(jqs "$h" .inputs.done)" "$n"
is "nothing in quarantine" "$(jqs "$h" .inputs.quarantine)" 0
is "nothing left in the inbox" "$(ls "$h/inbox/requests" | wc -l)" 0
is "nothing left in spool/incoming" "$(ls "$h/spool/incoming" | wc -l)" 0

# per document: source, CER, boxes
"$ROI" -C "$h" doc list --json > "$T/docs.json"
for row in $(jq -r '.[] | "\(.doc):\(.name)"' "$T/docs.json"); do
	id=${row%%:*}
	file=${row#*:}
	name=${file%.*.*}
	v=${file#"$name".}
	v=${v%.*}
	"$ROI" -C "$h" doc text "$id" --json > "$T/$id.json"
	src=$(jq -r '[.pages[].source] | unique | join(",")' "$T/$id.json")
	if [ "$v" = text ]; then
		is "$file: read from the text layer" "$src" text
	else
		is "$file: read by OCR" "$src" ocr
	fi
	r=$(CER_MAX=$(bound "$v") "$CER" text "$FIX/$name.txt" "$T/$id.json")
	if [ $? -eq 0 ]; then ok "$file: $r"; else not_ok "$file: $r"; fi
	if [ -f "$FIX/$name.$v.json" ]; then
		r=$("$CER" box "$FIX/$name.$v.json" "$T/$id.json" 2>"$T/box.err")
		if [ $? -eq 0 ]; then ok "$file: word boxes cover their ink: $r"
		else not_ok "$file: $r"; sed 's/^/# /' "$T/box.err" | head -5; fi
	fi
done

# an upside-down fax: detected, turned, read
"$MKFAX" --pages 2 --variant fine --rotate 180 -o "$T/upside-down.tif" > /dev/null
cp "$T/upside-down.tif" "$h/inbox/requests/upside-down.tif"
check "run --once on an upside-down fax" run_once "$h"
"$ROI" -C "$h" doc list --json > "$T/docs.json"
u=$(jq -r '.[] | select(.name == "upside-down.tif") | .doc' "$T/docs.json")
"$ROI" -C "$h" doc text "$u" --json > "$T/u.json"
is "upside-down pages turned 180 degrees" "$(jq -c '[.pages[].rotation]' "$T/u.json")" "[180,180]"
r=$(CER_MAX=0.06 "$CER" text "$T/upside-down.txt" "$T/u.json")
if [ $? -eq 0 ]; then ok "upside-down.tif: $r"; else not_ok "upside-down.tif: $r"; fi
r=$("$CER" box "$T/upside-down.json" "$T/u.json" 2>"$T/box.err")
if [ $? -eq 0 ]; then ok "upside-down.tif: boxes in the original page's coordinates: $r"
else not_ok "upside-down.tif: $r"; sed 's/^/# /' "$T/box.err" | head -5; fi

# fax geometry: a fine fax page is 1728 px at 204 dpi wide
w=$(jq -r '.[] | select(.name | endswith(".fine.tif")) | .doc' "$T/docs.json" | head -1)
if [ -n "$w" ]; then
	pw=$("$ROI" -C "$h" doc show "$w" --json | jq '.page_list[0].width | floor')
	is "fine fax page width in points (1728 px at 204 dpi)" "$pw" 609
fi

# text is printed page by page
w=$(jq -r '.[0].doc' "$T/docs.json")
check "roi doc text prints page headers" sh -c "'$ROI' -C '$h' doc text $w | grep -q '^--- page 1 of'"

# PHI hygiene on disk
check "home is 0700" test "$(stat -c %a "$h")" = 700
bad=$(find "$h" -type f -perm /077 | wc -l)
is "no file readable by group or others" "$bad" 0
bad=$(find "$h" -type d -perm /077 | wc -l)
is "no folder open to group or others" "$bad" 0
