#!/bin/sh
# pixels.sh - a release is our pixels, checked: the records of a case go
# out (fax recipient: one plain PDF) as new pages made of images alone
# (CCITT G4 for black and white), with an invisible OCR text layer, no
# font but Tesseract's, the boxes black and saying REDACTED; read back
# with pdffonts, pdfimages, pdftotext and qpdf --qdf.  Then a case whose
# boxes the test moves off the Part 2 words before approval: the check of
# what goes out (OCR of every released page) blocks it, naming the record
# and the page, never the words, in release list and roi status.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome pixels)
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/rec"
"$MKFAX" -o "$T/rec" fixtures/src/records/medication-list.txt > /dev/null 2>&1
for d in 24 25; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/auth$d.txt"
	"$MKFAX" -o "$T" "$T/auth$d.txt" > /dev/null 2>&1
	cp "$T/auth$d.text.pdf" "$h/inbox/requests/auth$d.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
for d in 24 25; do
	c=$(case_of "auth$d.pdf")
	mkdir -p "$h/inbox/records/$c"
	cp "$T/rec/medication-list.text.pdf" "$h/inbox/records/$c/medication-list.pdf"
done
check "records read and classified" run_once "$h"
ca=$(case_of auth24.pdf)
cb=$(case_of auth25.pdf)
check "add a fax recipient" "$ROI" -C "$h" recipient add "Dr. Lee" --fax "(555) 010-4478" --alias "Harborview Legal Services"
"$ROI" -C "$h" review show "$ca" --json > "$T/a.json"
np=$(jq '[.proposals[] | select(.page > 0)] | length' "$T/a.json")
[ "$np" -gt 0 ] && ok "the record has Part 2 proposals ($np)" || not_ok "no proposals to redact"

# case B: every box moved to the top left corner, where nothing is written
sqlite3 "$h/roi.db" "UPDATE proposals SET boxes = '[[2,2,12,8]]' WHERE case_id =
    $(echo "$cb" | tr -dc 0-9) AND pageno > 0 AND state = 'proposed'"
check "approve both" sh -c "'$ROI' -C '$h' review approve '$ca' --to 'Dr. Lee' &&
    '$ROI' -C '$h' review approve '$cb' --to 'Dr. Lee'"
run_once "$h" > "$T/run" 2>&1
"$ROI" -C "$h" release list --json > "$T/rel.json"
is "case A released" "$(jq -r ".[] | select(.case == \"$ca\") | .state" "$T/rel.json")" released
is "case B blocked" "$(jq -r ".[] | select(.case == \"$cb\") | .state" "$T/rel.json")" blocked
why=$(jq -r ".[] | select(.case == \"$cb\") | .reason" "$T/rel.json")
diag "case B: $why"
# the file's self-check (redact_verify, exact text) or the check of what
# goes out (OCR, tolerant) stops it, whichever reads it first
check "the reason names the record and the page" sh -c "echo '$why' | grep -Eq '^(released page [0-9]+ of record [0-9]+ (still reads a redacted phrase|reads Part 2 content no reviewer kept)|document [0-9]+: redacted text [0-9]+ still on page [0-9]+)\$'"
leak=0
jq -r '.proposals[] | select(.page > 0) | .text' "$T/a.json" | while read -r t; do
	case $why in *"$t"*) echo x ;; esac
done > "$T/leak"
is "... never the words" "$(wc -l < "$T/leak")" 0
is "roi status counts it blocked" "$(jqs "$h" .releases.blocked)" 1

# case A as the fax server gets it
f=$h/$(jq -r ".[] | select(.case == \"$ca\") | .path" "$T/rel.json")
check "the fax release is a PDF" test -f "$f"
pdffonts "$f" | awk 'NR > 2 {print $1}' | sort -u > "$T/fonts"
# the cover letter is ours (Helvetica); the record's pages carry no font but
# Tesseract's invisible one: split off the record's pages and look there
pages=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
rp=$(jq -r '.records[0].pages' "$T/a.json")
first=$((pages - rp + 1))
qpdf --empty --pages "$f" "$first-$pages" -- "$T/record.pdf"
is "record pages: the only font is Tesseract's GlyphLessFont" \
    "$(pdffonts "$T/record.pdf" | awk 'NR > 2 && $1 != "GlyphLessFont" && $1 !~ /Helvetica/' | wc -l)" 0
is "record pages: each one image, CCITT G4" \
    "$(pdfimages -list "$T/record.pdf" | awk 'NR > 2 && $9 == "ccitt"' | wc -l)" "$rp"
qpdf --qdf --object-streams=disable "$T/record.pdf" "$T/qdf.pdf"
is "no layers, annotations or metadata (qpdf --qdf)" \
    "$(grep -acE '/OCProperties|/Annots|/Metadata|/Producer|medication-list' "$T/qdf.pdf")" 0
size=$(stat -c %s "$T/record.pdf")
[ "$size" -le $((rp * 80 * 1024)) ] && ok "record pages: $((size / rp / 1024)) KB a page (<= 80)" ||
    not_ok "record pages: $((size / rp / 1024)) KB a page (> 80)"
pdftotext "$T/record.pdf" - | tr -s ' \n' '  ' | tr 'A-Z' 'a-z' > "$T/text"
check "searchable: ordinary words read back (OCR layer)" grep -q "medication" "$T/text"
check "the boxes say REDACTED" grep -qi "redacted" "$T/text"
jq -r '.proposals[] | select(.page > 0) | .text' "$T/a.json" |
    tr 'A-Z' 'a-z' | sort -u | while read -r t; do
	grep -qF -- "$t" "$T/text" && echo "$t"
done > "$T/left"
is "no redacted phrase in the text a recipient can search" "$(wc -l < "$T/left")" 0

# case C: the check of what goes out alone.  A rule the practice adds after
# the review (here a medication name standing in for, say, a local
# program's name) finds words no reviewer saw proposed: the file's
# self-check has no redacted phrase to look for, so only the OCR of the
# released pages, read with the rules of the day, can stop the release
sed "s|^Date signed: 02/27/2026|Date signed: 02/23/2026|" fixtures/src/authorization.txt > "$T/auth23.txt"
"$MKFAX" -o "$T" "$T/auth23.txt" > /dev/null 2>&1
cp "$T/auth23.text.pdf" "$h/inbox/requests/auth23.pdf"
check "request C read" run_once "$h"
cc=$(case_of auth23.pdf)
mkdir -p "$h/inbox/records/$cc"
cp "$T/rec/medication-list.text.pdf" "$h/inbox/records/$cc/medication-list.pdf"
check "record C read and classified" run_once "$h"
"$ROI" -C "$h" review show "$cc" --json > "$T/c.json"
is "case C: nothing proposed on the stand-in word" \
    "$(jq '[.proposals[] | select(.text | test("melatonin"; "i"))] | length' "$T/c.json")" 0
check "approve C" "$ROI" -C "$h" review approve "$cc" --to "Dr. Lee"
mkdir -p "$h/rules"
{ cat rules/part2.rules; printf '\ncategory local_program\nlabel A local program\nextent phrase\nterm local_name \\bmelatonin\\b\n'; } > "$h/rules/part2.rules"
run_once "$h" > "$T/run" 2>&1
"$ROI" -C "$h" release list --json > "$T/rel.json"
is "case C blocked" "$(jq -r ".[] | select(.case == \"$cc\") | .state" "$T/rel.json")" blocked
why=$(jq -r ".[] | select(.case == \"$cc\") | .reason" "$T/rel.json")
diag "case C: $why"
check "... by the check of what goes out, with the new rule" sh -c "echo '$why' | grep -Eq '^released page [0-9]+ of record [0-9]+ reads Part 2 content no reviewer kept \(rule local_name\)\$'"
is "... and nothing of it in outbox/" "$(find "$h/outbox" -name "$cc*" | wc -l)" 0
