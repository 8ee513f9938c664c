#!/bin/sh
# demo.sh - make demo: a demo practice home, the bundled sample faxes
# (generated from fixtures/src by tools/mkfax) dropped in, the pipeline run
# until idle, then what the front office would look at.
set -eu
build=${1:-build}
roi=$build/roi
demo=${DEMO_HOME:-$build/demo}
fix=$build/fixtures

if [ ! -f "$fix/.stamp" ]; then
	mkdir -p "$fix"
	"$build/mkfax" -o "$fix" > /dev/null
	"$build/mkfax" --bad "$fix/bad" > /dev/null
	touch "$fix/.stamp"
fi
rm -rf "$demo"
"$roi" init "$demo" > /dev/null
# the letterhead a recipient reads (the letter says "notify us at the number above")
sed -i -e 's/^name = Our Practice$/name = Lakeside Behavioral Health (demo)/' \
    -e 's/^address =$/address = 250 Sample Street, Springfield, ZZ 00000/' \
    -e 's/^phone =$/phone = (555) 010-2200/' -e 's/^fax =$/fax = (555) 010-2201/' "$demo/roi.conf"

echo "== demo home: $demo"
echo "== roi -C $demo patient import fixtures/demo-patients.csv   (fictional patients)"
"$roi" -C "$demo" patient import fixtures/demo-patients.csv
echo "== dropping sample faxes into $demo/inbox/requests/"
# what a small practice's fax line brings in a morning: fine and standard
# faxes, a scanned PDF, an e-fax PDF with a text layer, one fax sent twice
drop() {
	cp "$fix/$1" "$demo/inbox/requests/$2"
	echo "   $2  ($3)"
}
drop request-bundle.fine.tif fax0001.tif "a law firm's request: cover sheet + signed authorization, fine fax"
drop cover.std.tif fax0002.tif "a cover sheet that came without its form, standard fax 204x98"
drop request-bundle.fine.tif fax0003.tif "the first request sent again"
cp "$fix/bad/encrypted.pdf" "$demo/inbox/requests/locked-request.pdf"
echo "   locked-request.pdf (a password-protected PDF: it will be quarantined)"

echo "== roi -C $demo run --once"
start=$(date +%s)
OMP_THREAD_LIMIT=1 "$roi" -C "$demo" run --once
echo "   (took $(( $(date +%s) - start )) s)"
echo
echo "== roi -C $demo status"
"$roi" -C "$demo" status
echo
echo "== roi -C $demo case list    (each request sorted into its parts)"
"$roi" -C "$demo" case list
auth=$("$roi" -C "$demo" case list --json | jq -r '.[] | select(.name == "fax0001.tif") | .case')
echo
echo "== roi -C $demo auth show $auth    (the faxed authorization form)"
"$roi" -C "$demo" auth show "$auth"
first=$("$roi" -C "$demo" doc list --json | jq -r '.[] | select(.name == "fax0001.tif") | .doc')
echo
echo "== roi -C $demo doc text $first"
"$roi" -C "$demo" doc text "$first"
echo
echo "== the front office drops the records to release for $auth into inbox/records/$auth/"
mkdir -p "$demo/inbox/records/$auth"
"$build/mkfax" -o "$fix/records" fixtures/src/records/intake-assessment.txt \
    fixtures/src/records/medication-list.txt fixtures/src/records/outside-sud-program.txt > /dev/null
cp "$fix/progress-note.text.pdf" "$demo/inbox/records/$auth/progress-note.pdf"
cp "$fix/records/intake-assessment.300.pdf" "$demo/inbox/records/$auth/intake-assessment.pdf"
echo "== roi -C $demo case attach $auth medication-list.tif outside-program.pdf"
cp "$fix/records/medication-list.fine.tif" "$fix/records/medication-list.tif"
cp "$fix/records/outside-sud-program.text.pdf" "$fix/records/outside-program.pdf"
"$roi" -C "$demo" case attach "$auth" "$fix/records/medication-list.tif" "$fix/records/outside-program.pdf"
OMP_THREAD_LIMIT=1 "$roi" -C "$demo" run --once
echo
echo "== roi -C $demo review list    (the clinician's queue)"
"$roi" -C "$demo" review list
echo
echo "== roi -C $demo review show $auth --png $demo/review    (what roi proposes to black out, and why)"
"$roi" -C "$demo" review show "$auth" --png "$demo/review"
echo
echo "== the clinician approves (roi.conf [review] reviewers = $(id -un)); the law firm is a"
echo "   recipient with its age key (for the demo, the practice's own public key stands in)"
sed -i "s/^reviewers =\$/reviewers = $(id -un)/; s/^names =\$/names = $(id -un): Riley Examplar, PhD/" "$demo/roi.conf"
key=$("$roi" -C "$demo" recipient add "Harborview Legal Services" --address "400 Example Avenue, Springfield" --age \
    "$(cat "$demo/keys/practice.pub")" 2>&1)
echo "   $key"
out=$("$roi" -C "$demo" review show "$auth" --json | jq -r '.records[] | select(.tpo.answer == "unanswered") | .doc')
for d in $out; do
	echo "== roi -C $demo review tpo $auth $d no --reason ...    (the outside program's record:"
	echo "   not received under a TPO consent, so it stays withheld; 42 CFR 2.33(b))"
	"$roi" -C "$demo" review tpo "$auth" "$d" no --reason "came with the patient's records, no TPO consent on file"
done
echo "== roi -C $demo review approve $auth"
"$roi" -C "$demo" review approve "$auth"
OMP_THREAD_LIMIT=1 "$roi" -C "$demo" run --once
echo
echo "== roi -C $demo release list    (redacted, checked, packed, encrypted, logged, in outbox/)"
"$roi" -C "$demo" release list
pkg=$("$roi" -C "$demo" release list --json | jq -r '.[0].path')
echo
echo "== roi -C $demo release open $pkg    (the practice reopens what it sent)"
"$roi" -C "$demo" release open "$demo/$pkg" --out "$demo/opened"
ls "$demo/opened/$auth"
echo
echo "== roi -C $demo log show    (every release is one entry of the disclosure log)"
"$roi" -C "$demo" log show
echo
echo "== the auditor: roi-verify $demo/log/disclosures.log $demo/keys/log.pub"
"$build/roi-verify" "$demo/log/disclosures.log" "$demo/keys/log.pub"
echo
echo "== roi -C $demo log accounting --patient P001    (the patient asks who got their records)"
"$roi" -C "$demo" log accounting --patient P001
echo
echo "== try it yourself: roi -C $demo doc list | doc text ID | case show $auth | review show $auth"
echo "   the released files are in $demo/opened/$auth/ (pdftotext them: the Part 2 text is gone)"
echo "   roi -C $demo log accounting --patient P001 --format pdf --out letter.pdf"
