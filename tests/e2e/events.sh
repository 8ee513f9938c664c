#!/bin/sh
# events.sh - what `roi run` says without -v: one line per event, ids only
# (picked up, accepted, quarantined and why, read, sorted, decided), no
# patient's name, none of the engines' chatter (docs/design.md, "What roi
# run says")
. "$(dirname "$0")/lib.sh"

h=$(newhome events) || { not_ok "a home"; exit 0; }
"$ROI" -C "$h" patient import "$TOP/fixtures/demo-patients.csv" > /dev/null
cp "$FIX/authorization-boxed.std.tif" "$h/inbox/requests/jordan-sample-request.tif"
cp "$FIX/bad/garbage.tif" "$h/inbox/requests/broken.tif"
run_once "$h" > "$T/out" 2> "$T/err"
check "run --once" test $? -eq 0
is "nothing on stdout" "$(wc -c < "$T/out")" 0
ev() { grep -c "$1" "$T/err"; }
is "said when it started (once: not 'watching')" "$(ev '^roi: running once on .*/inbox with 2 workers')" 1
is "said each drop was picked up" "$(ev '^roi: input [0-9]*: received (request)$')" 2
is "said the fax was accepted" "$(ev '^roi-intake: input [0-9]*: accepted as document [0-9]*: TIFF, ')" 1
is "said the broken file was quarantined, and why" \
    "$(ev '^roi-intake: input [0-9]*: quarantined: .*TIFF')" 1
is "said the document was read" "$(ev '^roi-ocr: document [0-9]*: text extracted from every page$')" 1
is "said it was sorted into a case" "$(ev '^roi-sort: document [0-9]*: sorted into case C-[0-9]*, ')" 1
is "said what the authorization check decided" \
    "$(ev '^roi-authcheck: case C-[0-9]*: authorization \(valid\|defective\)')" 1
is "no patient name, no file name in what it said" \
    "$(grep -ci 'jordan\|sample\|broken.tif' "$T/err")" 0
is "none of Tesseract's or MuPDF's own messages" \
    "$(grep -vc '^roi\(-[a-z]*\)\?: ' "$T/err")" 0
is "every line is one event of roi's (no warnings on a good run)" \
    "$(grep -c 'warning' "$T/err")" 0
# the same fax again: said it is a copy; -v adds each page
cp "$FIX/authorization-boxed.std.tif" "$h/inbox/requests/again.tif"
cp "$FIX/authorization-checkbox.text.pdf" "$h/inbox/requests/other.pdf"
RUNV=-v run_once "$h" > /dev/null 2> "$T/err2"
is "the same fax again: said it is a copy" \
    "$(grep -c '^roi-intake: input [0-9]*: duplicate of document [0-9]*' "$T/err2")" 1
is "-v: each page said too" "$(grep -c '^roi-ocr: document [0-9]* page 1: text layer' "$T/err2")" 1
