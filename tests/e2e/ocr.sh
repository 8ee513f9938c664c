#!/bin/sh
# ocr.sh - the main flow: every fixture kind dropped into a fresh home, one
# `roi run --once`, then the text is checked against the generator's truth
# (character error rate per kind under a stated bound) and the box of known
# words against where their ink is on the page.  The same batch's requests
# become cases whose pages are sorted into parts, in every rendering (text
# PDF, 300 dpi scan, fine and standard fax); a mixed fax (6 pages cycling
# the sources: authorization, cover, dense, progress note, record, request
# bundle) is split; a broken rules file stops --once with the line named and
# sends nothing to quarantine.  (One batch read once for both: reading it
# twice was three minutes of make test.)
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

# an upside-down fax: detected, turned, read; with it a mixed fax to split
# and a record for the first case
"$MKFAX" --pages 2 --variant fine --rotate 180 -o "$T/upside-down.tif" > /dev/null
cp "$T/upside-down.tif" "$h/inbox/requests/upside-down.tif"
"$MKFAX" --pages 6 --variant fine -o "$T/mixed.tif" > /dev/null
cp "$T/mixed.tif" "$h/inbox/requests/mixed.tif"
mkdir -p "$h/inbox/records/C-1"
cp "$FIX/record.text.pdf" "$h/inbox/records/C-1/chart.pdf"
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

# cases: each request's pages sorted into parts
want_of() {
	case $1 in
	cover) echo fax_cover ;;
	request-letter) echo request_letter ;;
	authorization-tpo) echo part2_consent ;;
	authorization*) echo authorization ;;
	request-bundle) echo fax_cover+authorization ;;
	*) echo clinical_record ;;
	esac
}
"$ROI" -C "$h" case list --json > "$T/cases.json"
is "one case per request, none for the record" "$(jq length "$T/cases.json")" $((n + 2))
right=0
wrong=""
for row in $(jq -r '.[] | "\(.name)=\([.parts[].type] | join("+"))"' "$T/cases.json"); do
	file=${row%%=*}
	got=${row#*=}
	name=${file%%.*}
	case $name in mixed|upside-down) continue ;; esac
	if [ "$got" = "$(want_of "$name")" ]; then
		right=$((right + 1))
	else
		wrong="$wrong $file:$got"
	fi
done
is "every page of every rendering sorted right ($right of $n)${wrong:+; wrong:$wrong}" "$right" "$n"
is "the mixed fax split into its parts" \
    "$(jq -r '.[] | select(.name == "mixed.tif") | [.parts[] | "\(.type):\(.first_page)-\(.last_page)"] | join(" ")' "$T/cases.json")" \
    "authorization:1-1 fax_cover:2-2 clinical_record:3-5 fax_cover:6-6"
is "roi status counts open cases" "$(jqs "$h" .open_cases)" $((n + 2))
check "case show by name" "$ROI" -C "$h" case show C-1
"$ROI" -C "$h" case show C-999 > "$T/out" 2>&1
is "unknown case: exit 1" $? 1

# a practice's own rules file with a mistake: --once stops, says where
mkdir -p "$h/rules"
printf 'type fax_cover\n3 (fax\n' > "$h/rules/doctypes.rules"
cp "$FIX/cover.text.pdf" "$h/inbox/requests/late.pdf"
printf "\n%% late\n" >> "$h/inbox/requests/late.pdf"	# not a duplicate
"$ROI" -C "$h" run --once > "$T/out" 2>&1
is "a broken doctypes.rules stops --once (exit 1)" $? 1
check "the bad line is named" grep -q "doctypes.rules:2: pattern does not compile" "$T/out"
is "nothing quarantined for it" "$(jqs "$h" .inputs.quarantine)" 0
"$ROI" -C "$h" rules check > "$T/out" 2>&1
is "roi rules check finds it too (exit 1)" $? 1
rm "$h/rules/doctypes.rules"
check "fixed: run --once finishes" run_once "$h"
is "the late request is a case now" "$(jqs "$h" .open_cases)" $((n + 3))

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
