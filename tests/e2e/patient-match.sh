#!/bin/sh
# patient-match.sh - right patient, or no release: a case with three
# records, one of the case's patient, one of another registry patient, one
# with no patient on it.  Approval is refused naming the two documents by
# id (never a patient's name); a reviewer confirms each with a reason (who
# and when shown); then approval goes through and the package holds all
# three.  The package stage refuses an approved case whose record is
# unconfirmed (defence in depth).  With ROI_NOW set, the disclosure log's
# TIME and the review history are the real clock.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome patientmatch)
printf 'id,first_name,last_name,dob,mrn\nP001,Jordan,Sample,07/22/1985,MRN-0048213\nP002,Alex,Testperson,11/02/1979,MRN-0051977\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
# three records made from the labs fixture: the case's patient (as
# generated), another registry patient, and one with no patient line
mkdir -p "$T/rec"
cp fixtures/src/records/labs.txt "$T/rec/right.txt"
sed '6s/.*/Patient: Testperson, Alex     DOB: 11\/02\/1979     MRN: MRN-0051977/' \
    fixtures/src/records/labs.txt > "$T/rec/other.txt"
sed '6d' fixtures/src/records/labs.txt > "$T/rec/none.txt"
"$MKFAX" -o "$T/rec" "$T/rec/right.txt" "$T/rec/other.txt" "$T/rec/none.txt" > /dev/null 2>&1
# two requests: one for the flow, one for the package stage's own check
for d in 26 27; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/a$d.txt"
	"$MKFAX" -o "$T" "$T/a$d.txt" > /dev/null 2>&1
	cp "$T/a$d.text.pdf" "$h/inbox/requests/a$d.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
c=$(case_of a26.pdf)
c2=$(case_of a27.pdf)
is "the case's patient is P001" "$("$ROI" -C "$h" auth show "$c" --json | jq -r .patient)" P001
mkdir -p "$h/inbox/records/$c" "$h/inbox/records/$c2"
for n in right other none; do cp "$T/rec/$n.text.pdf" "$h/inbox/records/$c/$n.pdf"; done
cp "$T/rec/none.text.pdf" "$h/inbox/records/$c2/none.pdf"
check "records read and classified" run_once "$h"

j=$T/show.json
"$ROI" -C "$h" review show "$c" --json > "$j"
doc() { jq -r ".records[] | select(.name == \"$1.pdf\") | .doc" "$j"; }
dr=$(doc right)
dx=$(doc other)
dn=$(doc none)
ids=$(printf '%s\n' "$dx" "$dn" | sort -n | paste -sd, -)	# messages list ids in order
is "verdicts: right patient, another registry patient, no patient" \
    "$(jq -r '[.records[] | "\(.name)=\(.patient.check)"] | sort | join(" ")' "$j")" \
    "none.pdf=none other.pdf=other right.pdf=match"
is "the right record: shown by name and date of birth, and MRN" \
    "$(jq -r ".records[] | select(.doc == $dr) | .patient.by" "$j")" "name+dob,mrn"
is "the other record names the other patient by id" \
    "$(jq -r ".records[] | select(.doc == $dx) | .patient.other_patient" "$j")" P002
"$ROI" -C "$h" case show "$c" > "$T/cs"
is "case show: waiting on the two records" \
    "$(grep -c "waiting: patient not confirmed on record \($dx\|$dn\) " "$T/cs")" 2
"$ROI" -C "$h" status > "$T/st"
check "status: the case waits for the patient check" \
    grep -q "$c waiting: patient not confirmed on records $(echo "$ids" | sed 's/,/, /')" "$T/st"
is "status --json: the documents that wait" \
    "$("$ROI" -C "$h" status --json | jq -c ".patient_unconfirmed[] | select(.case == \"$c\") | .docs")" \
    "[$ids]"

age-keygen -o "$T/hv.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" > /dev/null
"$ROI" -C "$h" review confirm-patient "$c" "$dx" --reason "checked" 2> /dev/null
is "confirm-patient by someone not a reviewer: refused" "$?" 1
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
"$ROI" -C "$h" review approve "$c" > "$T/out" 2> "$T/err"
is "approve with unconfirmed records: refused (exit 1)" "$?" 1
is "... in one line" "$(wc -l < "$T/err")" 1
check "... naming both document ids" grep -q "records $(echo "$ids" | sed 's/,/, /'):" "$T/err"
is "... and no patient's name or date of birth" \
    "$(grep -ciE 'jordan|sample|alex|testperson|1985|1979' "$T/err")" 0
"$ROI" -C "$h" review confirm-patient "$c" "$dx" > /dev/null 2>&1
is "confirm-patient without a reason: usage error" "$?" 2
"$ROI" -C "$h" review confirm-patient "$c" "$dr" --reason "x" 2> "$T/err"
is "confirm-patient on a record that shows the patient: refused" "$?" 1
"$ROI" -C "$h" review confirm-patient "$c" 99999 --reason "x" 2> /dev/null
is "confirm-patient on a document not of the case: refused" "$?" 1
check "confirm the other-patient record with a reason" "$ROI" -C "$h" review confirm-patient "$c" \
    "$dx" --reason "called the lab: mislabelled header, result is this patient's"
"$ROI" -C "$h" review confirm-patient "$c" "$dx" --reason "again" 2> /dev/null
is "confirm twice: refused" "$?" 1
"$ROI" -C "$h" review approve "$c" 2> "$T/err"
is "approve with one record still unconfirmed: refused" "$?" 1
check "... naming only that one" grep -q "record $dn:" "$T/err"
check "confirm the record with no patient on it" "$ROI" -C "$h" review confirm-patient "$c" "$dn" \
    --reason "compared with the chart: same accession number"
"$ROI" -C "$h" review show "$c" --json > "$j"
is "the confirmation is shown with who and why" \
    "$(jq -r ".records[] | select(.doc == $dx) | .patient.confirmed | \"\(.by)|\(.reason)\"" "$j")" \
    "$me|called the lab: mislabelled header, result is this patient's"
is "... and when: the real date, not ROI_NOW's" \
    "$(jq -r ".records[] | select(.doc == $dn) | .patient.confirmed.at[0:10]" "$j")" "$(date +%Y-%m-%d)"
is "two confirm-patient actions in the history, naming the documents" \
    "$(jq -r '[.actions[] | select(.action == "confirm-patient") | .detail | split(":")[0]] | join(",")' "$j")" \
    "document $dx,document $dn"
"$ROI" -C "$h" review show "$c" > "$T/show"
is "review show: who confirmed, for both records" "$(grep -c "patient confirmed by $me on " "$T/show")" 2
is "nothing waits any more" "$("$ROI" -C "$h" status --json | jq -c ".patient_unconfirmed | map(select(.case == \"$c\")) | length")" 0
check "approve" "$ROI" -C "$h" review approve "$c"

# defence in depth: an approved case with an unconfirmed record (approved
# around the check) is not packaged
sqlite3 "$h/roi.db" "UPDATE review SET state = 'approved', decided_by = '$me', decided_at = 1,
    recipient = 'Harborview Legal Services' WHERE case_id = ${c2#C-}"
run_once "$h" > /dev/null 2>&1
rel=$("$ROI" -C "$h" release list --json)
is "the confirmed case is released" "$(echo "$rel" | jq -r ".[] | select(.case == \"$c\") | .state")" released
is "the package stage refuses the unconfirmed record" \
    "$(echo "$rel" | jq -r ".[] | select(.case == \"$c2\") | \"\(.state) \(.reason)\"")" \
    "blocked the case's patient is not confirmed on record $dn: nothing was packed"
pk=$h/$(echo "$rel" | jq -r ".[] | select(.case == \"$c\") | .path")
mkdir -p "$T/pkg"
age -d -i "$T/hv.key" "$pk" | tar -xf - -C "$T/pkg"
is "the package holds all three records (and the cover letter), nothing withheld" \
    "$(jq -r '"\(.files | length) \(.withheld | length)"' "$T/pkg/$c/manifest.json")" "4 0"

# the audit trail's clock: ROI_NOW moves decisions, not the log's TIME
is "the log's TIME is the real clock, not ROI_NOW" \
    "$(awk -v c="$c" '$4 == c { print substr($3, 1, 10) }' "$h/log/disclosures.log")" "$(date -u +%Y-%m-%d)"
is "the approval's time is the real clock" \
    "$("$ROI" -C "$h" review show "$c" --json | jq -r '.decided[0:10]')" "$(date +%Y-%m-%d)"
check "the log verifies" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
