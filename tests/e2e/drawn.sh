#!/bin/sh
# drawn.sh - what a record's pages show is what is classified, end to end.
# A scanned progress note with an e-fax header line of real text on every
# page (as e-fax services and Bates stamps add) gets the same Part 2
# proposals as the bare scan: the header's text layer must not stand in
# for the page.  And a text record whose ToUnicode map lies (the glyphs
# draw "methadone", the text layer says something else) is proposed from
# the page as drawn.  The records are made with PyMuPDF, not with roi.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
h=$(newhome drawn)
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/rec"
"$MKFAX" -o "$T/rec" fixtures/src/records/progress-notes.txt > /dev/null 2>&1
cp "$FIX/authorization.text.pdf" "$h/inbox/requests/a.text.pdf"
cp "$FIX/authorization.300.pdf" "$h/inbox/requests/b.300.pdf"
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
ca=$(case_of a.text.pdf)
cb=$(case_of b.300.pdf)

# the e-fax copy: the scan with a line of real text on top of every page
/usr/bin/python3 - "$T/rec/progress-notes.300.pdf" "$T/efax.pdf" <<'PY'
import sys, fitz
d = fitz.open(sys.argv[1])
for i, p in enumerate(d):
    p.wrap_contents()	# the scan's content leaves its image matrix set
    p.insert_text((36, 20), "FAX RECEIVED 2026-02-27 09:14 FROM 555-0100 PAGE %d OF %d"
                  % (i + 1, len(d)), fontsize=9)
d.save(sys.argv[2])
PY
is "the e-fax copy has a text layer on every page (pdftotext)" \
    "$(pdftotext "$T/efax.pdf" - | grep -c "FAX RECEIVED")" "$(pdfinfo "$T/efax.pdf" | awk '/^Pages:/ { print $2 }')"
check "attach the bare scan" "$ROI" -C "$h" case attach "$ca" "$T/rec/progress-notes.300.pdf"
check "attach the e-fax copy" "$ROI" -C "$h" case attach "$cb" "$T/efax.pdf"
check "records read and classified" run_once "$h"
"$ROI" -C "$h" review show "$ca" --json > "$T/a.json"
"$ROI" -C "$h" review show "$cb" --json > "$T/b.json"
summary() { jq -r '.proposals[] | select(.page > 0) | "\(.page):\(.category)"' "$1" | sort -u; }
na=$(jq '[.proposals[] | select(.page > 0)] | length' "$T/a.json")
nb=$(jq '[.proposals[] | select(.page > 0)] | length' "$T/b.json")
diag "bare scan: $na proposals; e-fax copy: $nb"
[ "$na" -ge 3 ] && ok "the bare scan gets its proposals ($na)" || not_ok "the bare scan: only $na proposals"
summary "$T/a.json" > "$T/a.sum"
summary "$T/b.json" > "$T/b.sum"
is "the e-fax copy gets every finding of the bare scan, page by page" \
    "$(comm -23 "$T/a.sum" "$T/b.sum" | tr '\n' ' ')" ""
is "methadone is proposed on the e-fax copy" \
    "$(jq '[.proposals[] | select(.text | test("methadone"; "i"))] | length > 0' "$T/b.json")" true
is "the header line itself is no finding" \
    "$(jq '[.proposals[] | select(.text | test("FAX RECEIVED"))] | length' "$T/b.json")" 0

# a text record whose ToUnicode map lies: each small letter reads as the next
/usr/bin/python3 - "$T/liar.pdf" <<'PY'
import sys, fitz
d = fitz.open()
p = d.new_page()
p.insert_text((72, 72), "Progress note for the visit of Tuesday", fontname="helv", fontsize=12)
p.insert_text((72, 120), "Continues methadone maintenance for opioid use disorder.",
              fontname="helv", fontsize=14)
cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <00> <FF> "
        b"endcodespacerange 1 beginbfrange <61> <7a> <0062> endbfrange endcmap "
        b"CMapName currentdict /CMapResource defineresource pop end end")
x = d.get_new_xref()
d.update_object(x, "<<>>")
d.update_stream(x, cmap)
for f in p.get_fonts():
    d.xref_set_key(f[0], "ToUnicode", "%d 0 R" % x)
d.save(sys.argv[1])
PY
is "the lie is in the text layer (pdftotext)" \
    "$(pdftotext "$T/liar.pdf" - | grep -c methadone)" 0
# a copy of it comes in first as a request (read as a request: its text
# layer only), then is attached as a record: it must be read as drawn too
cp "$T/liar.pdf" "$T/liar2.pdf"
printf '\n%% copy\n' >> "$T/liar2.pdf"
cp "$FIX/authorization.fine.tif" "$h/inbox/requests/c.fine.tif"
cp "$T/liar2.pdf" "$h/inbox/requests/liar2.pdf"
check "a third request read" run_once "$h"
cc=$(case_of c.fine.tif)
check "attach the lying record and the copy read as a request" \
    "$ROI" -C "$h" case attach "$cc" "$T/liar.pdf" "$T/liar2.pdf"
check "read and classified" run_once "$h"
"$ROI" -C "$h" review show "$cc" --json > "$T/c.json"
is "methadone is proposed from the page as drawn, on both records" \
    "$(jq '[.proposals[] | select((.reason | test("as drawn")) and (.text | test("methadone"))) | .doc] | unique | length' "$T/c.json")" 2
is "roi doc text still shows the text layer as it is" \
    "$("$ROI" -C "$h" doc text "$(jq -r '.proposals[0].doc' "$T/c.json")" 2>/dev/null | grep -c methadone)" 0
