#!/bin/sh
# acroform.sh - electronically filled forms (issue 17, must-have 5): an
# authorization whose values live only in AcroForm fields (tools/mkform.c),
# filled with appearances as a viewer writes them and without (pdftk, pypdf:
# /NeedAppearances), is read as a form printed with its values: the values
# on their labels' lines, in their fields' rectangles, the checkboxes as
# drawn, the signature field's ink as a signature to check.  An empty
# signature field is no signature (nor is the placeholder MuPDF draws on
# it), an unchecked purpose is no purpose, and a hidden or off-page field
# is not read.
. tests/e2e/lib.sh

MKFORM=${MKFORM:-$(dirname "$MKFAX")/mkform}
export ROI_NOW=2026-03-02T09:00:00
h=$(newhome acroform)
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\nP002,Alex,Testperson,11/02/1979\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/forms"
check "mkform writes the forms" "$MKFORM" -o "$T/forms"
# the fixture is what it says: another reader (poppler) finds the values
# in the fields, and the page's own content has none of them
check "pdftotext reads the filled values" sh -c \
    "pdftotext '$T/forms/form-noap.pdf' - | grep -q 'Jordan Sample'"
if command -v qpdf > /dev/null; then
	check "the page content holds the labels, not the values" sh -c \
	    "qpdf --qdf --object-streams=disable '$T/forms/form-noap.pdf' - |
	    grep -a 'Patient name' > /dev/null &&
	    ! qpdf --qdf --object-streams=disable '$T/forms/form-noap.pdf' - | grep -a 'Tj' | grep -q 'Jordan'"
fi

for v in viewer noap unsigned unchecked; do
	cp "$T/forms/form-$v.pdf" "$h/inbox/requests/$v.pdf"
done
check "run --once" run_once "$h"
"$ROI" -C "$h" case list --json > "$T/cases.json"
case_of() { jq -r ".[] | select(.name == \"$1.pdf\") | .case" "$T/cases.json"; }
doc_of() { "$ROI" -C "$h" doc list --json | jq -r ".[] | select(.name == \"$1.pdf\") | .doc"; }

for v in viewer noap; do
	c=$(case_of $v)
	"$ROI" -C "$h" auth show "$c" --json > "$T/$v.json"
	is "$v: valid, nothing missing" \
	    "$(jq -r '"\(.decision) \([.reasons[].code] | join(","))"' "$T/$v.json")" "valid "
	is "$v: the patient matched" "$(jq -r .patient "$T/$v.json")" P001
	is "$v: the recipient read from its field" "$(jq -r .recipient "$T/$v.json")" \
	    "Harborview Legal Services LLP, fax (555) 010-4478"
	is "$v: the purpose from the checked checkbox field" "$(jq -r .purpose "$T/$v.json")" \
	    "Legal proceedings"
	is "$v: the expiration read from its field" "$(jq -r .expires "$T/$v.json")" 2026-12-31
	is "$v: psychotherapy notes not allowed (field unchecked)" \
	    "$(jq -r .psychotherapy_notes_allowed "$T/$v.json")" false
done

# the values are words on their labels' lines, inside their fields
d=$(doc_of noap)
"$ROI" -C "$h" doc text "$d" --json > "$T/text.json"
jq -r '.pages[0].text' "$T/text.json" > "$T/text.txt"
check "the name is on the line of its label" grep -qx 'Patient name: Jordan Sample' "$T/text.txt"
check "the date signed is on the line of its label" grep -qx 'Date signed: 02/27/2026' "$T/text.txt"
check "a choice field's value is on the line of its label" \
    grep -qx 'I authorize: Lakeside Behavioral Health, 250 Sample Street, Springfield' "$T/text.txt"
check "the expiration sits inside its sentence" grep -qx 'This authorization expires on 12/31/2026' "$T/text.txt"
# the patient_name field: x 138.6..330, y 69..84 (page points, top down)
is "the name's words lie in the field's rectangle" "$(jq -r '[.pages[0].words[] |
    select(.text == "Jordan" or .text == "Sample") |
    select(.box[0] >= 136 and .box[2] <= 330 and .box[1] >= 68 and .box[3] <= 85)] | length' "$T/text.json")" 2
is "a hidden field and one off the page are not read" \
    "$(grep -ci 'routing\|offpage' "$T/text.txt")" 0
is "MuPDF's placeholder on an empty signature field is not read" \
    "$("$ROI" -C "$h" doc text "$(doc_of unsigned)" | grep -c 'SIGN')" 0

is "an empty signature field: not signed" \
    "$("$ROI" -C "$h" auth show "$(case_of unsigned)" --json | jq -r '"\(.decision) \([.reasons[].code] | join(","))"')" \
    "defective missing_signature"
is "no purpose checked: the reason the rules give" \
    "$("$ROI" -C "$h" auth show "$(case_of unchecked)" --json | jq -r '"\(.decision) \([.reasons[].code] | join(","))"')" \
    "defective missing_purpose"
