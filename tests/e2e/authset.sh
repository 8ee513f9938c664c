#!/bin/sh
# authset.sh - a reviewer corrects what roi read off an authorization
# (issue 17, must-have 4): roi auth set CASE FIELD VALUE --reason TEXT and
# roi auth unset CASE FIELD --reason TEXT.  The decision is taken again by
# the same checks (a corrected signature takes missing_signature away and
# leaves the other reasons), auth show marks each corrected field with who
# and when, the history (case show) keeps what roi read and what the person
# set; only [review] reviewers; never once the case is approved.
# Text-layer PDFs only: the flow, not OCR, is under test.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome authset)
sed -i "s/^reviewers =\$/reviewers = $me/; s/^names =\$/names = $me: Alice Park, LCSW/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\nP002,Casey,Nobody,01/02/1990\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
# u: unsigned and undated (two reasons); s: a stranger to the registry;
# v: the standard form, valid, to be approved
sed 's/^sign+: /sign: /; /^Date signed/d' fixtures/src/authorization.txt > "$T/u.txt"
sed 's/Jordan Sample/Robin Unknown/' fixtures/src/authorization.txt > "$T/s.txt"
cp fixtures/src/authorization.txt "$T/v.txt"
"$MKFAX" -o "$T" "$T/u.txt" "$T/s.txt" "$T/v.txt" fixtures/src/records/labs.txt > /dev/null 2>&1
for n in u s v; do cp "$T/$n.text.pdf" "$h/inbox/requests/$n.pdf"; done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
cu=$(case_of u.pdf) cs=$(case_of s.pdf) cv=$(case_of v.pdf)
codes() { "$ROI" -C "$h" auth show "$1" --json | jq -r '[.reasons[].code] | sort | join(",")'; }
decision() { "$ROI" -C "$h" auth show "$1" --json | jq -r .decision; }

is "unsigned, undated form: both reasons" "$(codes "$cu")" "missing_date_signed,missing_signature"
before=$("$ROI" -C "$h" auth show "$cu" --json | jq -c 'del(.reading)')

# 1. refused, one line each, nothing changed
"$ROI" -C "$h" auth set "$cu" signed yes > /dev/null 2> "$T/err"
is "no --reason: refused (usage)" "$?" 2
is "... in one line" "$(wc -l < "$T/err")" 1
"$ROI" -C "$h" auth set "$cu" colour blue --reason "x" > /dev/null 2> "$T/err"
is "an unknown field: refused" "$?" 2
is "... naming the fields" "$(grep -c "'colour' is not a field one may correct (patient, recipient" "$T/err")" 1
"$ROI" -C "$h" auth set "$cu" signed maybe --reason "x" > /dev/null 2> "$T/err"
is "signed takes yes or no" "$?" 2
is "... in one line" "$(grep -c "signed takes yes or no, not 'maybe'" "$T/err")" 1
"$ROI" -C "$h" auth set "$cu" date_signed 02/31/2026 --reason "x" > /dev/null 2> "$T/err"
is "a date that is not one: refused" "$?" 2
is "... saying the formats" "$(grep -c "date_signed: '02/31/2026' is not a date (YYYY-MM-DD or MM/DD/YYYY)" "$T/err")" 1
"$ROI" -C "$h" auth set "$cs" patient P999 --reason "x" > /dev/null 2> "$T/err"
is "a patient not in the registry: refused" "$?" 1
is "... in one line" "$(grep -c "patient 'P999' is not in the registry" "$T/err")" 1
"$ROI" -C "$h" auth unset "$cu" signed --reason "x" > /dev/null 2> "$T/err"
is "unset of a field not corrected: refused" "$?" 1
sed -i "s/^reviewers = $me\$/reviewers = someone-else/" "$h/roi.conf"
"$ROI" -C "$h" auth set "$cu" signed yes --reason "signed in ink, the fax lost it" > /dev/null 2> "$T/err"
is "not a reviewer: refused" "$?" 1
is "... as review approve says it" \
    "$(grep -c "only a reviewer may correct an authorization: '$me' is not among the reviewers" "$T/err")" 1
sed -i "s/^reviewers = someone-else\$/reviewers = $me/" "$h/roi.conf"
is "... and nothing changed" "$("$ROI" -C "$h" auth show "$cu" --json | jq -c 'del(.reading)')" "$before"
is "... nothing recorded" "$(sqlite3 "$h/roi.db" 'SELECT count(*) FROM auth_corrections')" 0

# 2. the signature corrected: that reason goes, the other stays
check "a reviewer says it is signed" "$ROI" -C "$h" auth set "$cu" signed yes \
    --reason "signed in ink on the original, checked at the desk"
is "missing_signature gone, missing_date_signed stays" "$(codes "$cu")" missing_date_signed
is "... still defective" "$(decision "$cu")" defective
check "the date signed, as written on the original" "$ROI" -C "$h" auth set "$cu" date_signed \
    2026-02-27 --reason "date on the original"
is "now valid" "$(decision "$cu")" valid
is "... recorded in the store as well" "$(sqlite3 "$h/roi.db" "SELECT decision FROM auth WHERE case_id = ${cu#C-}")" valid
j=$("$ROI" -C "$h" auth show "$cu" --json)
is "json: the signed element marked with who" "$(echo "$j" | jq -r '.elements[] | select(.name == "signed") | .corrected.who')" "$me"
# when: the wall clock, as every action of a person (review_actions)
is "json: ... and when" "$(echo "$j" | jq -r '.elements[] | select(.name == "signed") | .corrected.at' |
    grep -c '^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$')" 1
is "json: the date as forms write it" "$(echo "$j" | jq -r '.elements[] | select(.name == "date_signed") | .value')" 02/27/2026
is "json: both readings, signed: roi read no" "$(echo "$j" | jq -r '.corrections[] | select(.field == "signed") | "\(.read)>\(.value)"')" "no>yes"
is "json: ... with the reason" "$(echo "$j" | jq -r '.corrections[] | select(.field == "signed") | .reason')" \
    "signed in ink on the original, checked at the desk"
is "json: what roi read is kept" "$(sqlite3 "$h/roi.db" "SELECT json_extract(read_result, '\$.decision') FROM auth WHERE case_id = ${cu#C-}")" defective
"$ROI" -C "$h" auth show "$cu" > "$T/show"
is "text: the field marked corrected by who at when" "$(grep -c "signed .*yes .*corrected by $me at 20[0-9-]*T[0-9:]*\$" "$T/show")" 1
is "text: the correction with what was read and why" "$(grep -c "signed *yes (read: no) by $me at .*: signed in ink" "$T/show")" 1

# 3. unset: the reading stands again, the history keeps all
check "unset the signature" "$ROI" -C "$h" auth unset "$cu" signed --reason "the original was not signed after all"
is "missing_signature is back" "$(codes "$cu")" missing_signature
is "... defective again" "$(decision "$cu")" defective
is "case show --json: three corrections in order" \
    "$("$ROI" -C "$h" case show "$cu" --json | jq -r '[.auth_corrections[] | "\(.action):\(.field)"] | join(",")')" \
    "set:signed,set:date_signed,unset:signed"
"$ROI" -C "$h" case show "$cu" > "$T/show"
is "case show: the history" "$(grep -c "$me \(set signed = yes\|set date_signed = 02/27/2026\|unset signed\):" "$T/show")" 3
check "unset the date as well" "$ROI" -C "$h" auth unset "$cu" date_signed --reason "back to the form"
is "no correction standing: exactly what roi read" \
    "$("$ROI" -C "$h" auth show "$cu" --json | jq -c 'del(.reading)')" "$before"

# 4. the patient, by registry id
is "stranger: patient_unknown" "$(codes "$cs")" patient_unknown
check "the patient named by registry id" "$ROI" -C "$h" auth set "$cs" patient P001 \
    --reason "Robin Unknown is Jordan Sample's former name: checked the chart"
is "... valid, for P001" "$("$ROI" -C "$h" auth show "$cs" --json | jq -r '"\(.decision) \(.patient)"')" "valid P001"
is "... what roi read: no patient" "$("$ROI" -C "$h" auth show "$cs" --json | jq -r '.corrections[0].read')" ""

# 5. approved: too late
mkdir -p "$h/inbox/records/$cv"
cp "$T/labs.text.pdf" "$h/inbox/records/$cv/labs.pdf"
check "records read" run_once "$h"
age-keygen -o "$T/hv.key" 2> /dev/null
check "add the recipient" "$ROI" -C "$h" recipient add "Harborview Legal Services" \
    --age "$(age-keygen -y "$T/hv.key")" --address "400 Example Ave"
check "approve the valid case" "$ROI" -C "$h" review approve "$cv"
"$ROI" -C "$h" auth set "$cv" expiration 12/31/2027 --reason "x" > /dev/null 2> "$T/err"
is "correcting an approved case: refused" "$?" 1
is "... in one clear line" "$(cat "$T/err")" "roi: auth: case $cv is approved already: its authorization can no longer be corrected"

# 6. a revocation that comes after a correction stands, whatever is corrected
cat > "$T/revocation.txt" <<'SRC'
layout: letter
font: serif
# Revocation of Authorization
Patient name: Jordan Sample     Date of birth: 07/22/1985
I hereby revoke my authorization dated 02/27/2026 for the release of my health information to Harborview Legal Services LLP. Please do not send my records.
sign+: Signature of patient
Date signed: 03/01/2026
SRC
"$MKFAX" -o "$T" "$T/revocation.txt" > /dev/null 2>&1
cp "$T/revocation.text.pdf" "$h/inbox/requests/revocation.pdf"
check "a revocation arrives" run_once "$h"
is "the corrected case is revoked" "$(codes "$cs")" revoked
check "another correction" "$ROI" -C "$h" auth set "$cs" purpose "legal proceedings" --reason "as ticked"
is "... the revocation stays" "$("$ROI" -C "$h" auth show "$cs" --json | jq -r '"\(.decision) \([.reasons[].code] | join(","))"')" \
    "defective revoked"
check "every correction undone" sh -c "'$ROI' -C '$h' auth unset $cs purpose --reason x && '$ROI' -C '$h' auth unset $cs patient --reason x"
is "... the reading, and the revocation still" "$(codes "$cs")" "patient_unknown,revoked"
rc=$(case_of revocation.pdf)
"$ROI" -C "$h" auth set "$rc" signed yes --reason "x" > /dev/null 2> "$T/err"
is "a revocation letter: nothing to correct" "$?" 1
is "... saying why" "$(grep -c "no form reading to correct" "$T/err")" 1
