#!/bin/sh
# lifecycle.sh - every kind of request from arrival to closed (issue 18):
# the type read from the pages (rules/requests.rules), the due date
# (rules/deadlines.rules, [practice] state), the states a case moves
# through with who and when, the staff's verbs (hold, resume, withdraw,
# close, reopen, type, extend), case list's columns and filters, case due,
# and roi status counting only cases not closed.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome lifecycle)
sed -i "s/^reviewers =\$/reviewers = $me/; s/^names =\$/names = $me: Alice Park, LCSW/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
age-keygen -o "$T/hv.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" \
    --address "400 Example Ave" > /dev/null
"$MKFAX" -o "$T" fixtures/requests/access.txt fixtures/requests/directed.txt \
    fixtures/requests/treatment.txt fixtures/requests/police.txt fixtures/requests/subpoena.txt \
    fixtures/src/authorization.txt fixtures/src/records/labs.txt > /dev/null 2>&1
for n in access directed treatment police subpoena authorization; do
	cp "$T/$n.text.pdf" "$h/inbox/requests/$n.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --all --json | jq -r ".[] | select(.name == \"$1.pdf\") | .case"; }
field() { "$ROI" -C "$h" case show "$1" --json | jq -r "$2"; }
ca=$(case_of access) cd=$(case_of directed) ct=$(case_of treatment) cp=$(case_of police)
cs=$(case_of subpoena) cz=$(case_of authorization)

# 1. the type of each, read by the rules file
is "a patient's own request: patient_access" "$(field "$ca" .type)" patient_access
is "a copy the patient sends to a new therapist: patient_directed" "$(field "$cd" .type)" patient_directed
is "a provider's continuity-of-care request: treatment" "$(field "$ct" .type)" treatment
is "a police request: other_164512" "$(field "$cp" .type)" other_164512
is "a subpoena: subpoena" "$(field "$cs" .type)" subpoena
is "an authorization: third_party" "$(field "$cz" .type)" third_party
is "... typed by the rules" "$(field "$cz" .type_by)" rules

# 2. the clock: received 2026-03-02 (day 0)
is "access: 30 days (164.524(b)(2))" "$(field "$ca" '"\(.received) \(.due) \(.due_rule)"')" \
    "2026-03-02 2026-04-01 45 CFR 164.524(b)(2)"
is "treatment: 5 business days (the practice's policy)" "$(field "$ct" .due)" 2026-03-09
is "police: 10 days (the practice's first look)" "$(field "$cp" .due)" 2026-03-12
is "every new case is received, open" "$("$ROI" -C "$h" case list --json | jq -r '[.[].state] | unique | join(",")')" received
is "status: six open cases" "$(jqs "$h" .open_cases)" 6
is "status: by state" "$(jqs "$h" .cases.by_state.received)" 6

# a state's stricter clock: California, 15 days for copies
sed -i 's/^state =$/state = CA/' "$h/roi.conf"
grep -q '^state = CA$' "$h/roi.conf" || not_ok "roi.conf: state not set"
sed 's/^March 2, 2026$/March 1, 2026/' fixtures/requests/access.txt > "$T/access2.txt"
"$MKFAX" -o "$T" "$T/access2.txt" > /dev/null 2>&1
cp "$T/access2.text.pdf" "$h/inbox/requests/access2.pdf"
check "a second access request read" run_once "$h"
c2=$(case_of access2)
is "CA: access due in 15 days (Cal. HSC 123110(b))" "$(field "$c2" '"\(.due) \(.due_rule)"')" \
    "2026-03-17 Cal. Health & Safety Code 123110(b)"
sed -i 's/^state = CA$/state = VT/' "$h/roi.conf"
"$ROI" -C "$h" case due > "$T/due"
is "VT, not researched: case due says it is the practice's to fill in" \
    "$(grep -c 'no clocks for VT (\[practice\] state)' "$T/due")" 1
"$ROI" -C "$h" status > /dev/null 2>&1 || not_ok "status with state = VT"
sed -i 's/^state = VT$/state = vermont/' "$h/roi.conf"
"$ROI" -C "$h" status > /dev/null 2> "$T/err"
is "state = vermont: refused" "$?" 1
is "... saying what it wants" "$(grep -c "state: a state's two capital letters" "$T/err")" 1
sed -i 's/^state = vermont$/state =/' "$h/roi.conf"

# 3. the staff's verbs, each dated and attributed
"$ROI" -C "$h" case hold "$cz" > /dev/null 2> "$T/err"
is "hold without saying what is missing: usage" "$?" 2
check "hold: the authorization is not signed" "$ROI" -C "$h" case hold "$cz" --reason "authorization not signed"
is "... waiting, saying for what" "$(field "$cz" '"\(.state): \(.waiting_for)"')" "waiting: authorization not signed"
is "case list --state waiting" "$("$ROI" -C "$h" case list --state waiting --json | jq -r '[.[].case] | join(",")')" "$cz"
check "resume once the signed form came" "$ROI" -C "$h" case resume "$cz" --reason "signed form faxed"
is "... received again" "$(field "$cz" .state)" received
"$ROI" -C "$h" case resume "$cz" > /dev/null 2> "$T/err"
is "resume a case not on hold: refused" "$?" 1
check "the directed copy: withdrawn by the patient" "$ROI" -C "$h" case withdraw "$cd" --reason "patient called: no longer needed"
check "... and closed" "$ROI" -C "$h" case close "$cd"
is "closed cases leave the open count" "$(jqs "$h" .open_cases)" 6
is "... and are counted as closed" "$(jqs "$h" .cases.by_state.closed)" 1
is "case list hides closed cases" "$("$ROI" -C "$h" case list --json | jq -r "[.[] | select(.case == \"$cd\")] | length")" 0
is "... --all shows them" "$("$ROI" -C "$h" case list --all --json | jq -r "[.[] | select(.case == \"$cd\")] | length")" 1
check "reopen: the patient asked again" "$ROI" -C "$h" case reopen "$cd" --reason "patient wants it after all"
is "... back to withdrawn (closed from there)" "$(field "$cd" .state)" withdrawn
check "reopen a withdrawn case" "$ROI" -C "$h" case reopen "$cd" --reason "patient wants it after all"
is "... received again" "$(field "$cd" .state)" received
"$ROI" -C "$h" case close "$ca" > /dev/null 2> "$T/err"
is "close a case still being worked: refused" "$?" 1
is "... saying what to do" "$(grep -c 'withdraw it, or let it be released or denied first' "$T/err")" 1
is "history: every move by whom" "$(field "$cd" '[.history[] | "\(.who):\(.kind):\(.to)"] | join(" ")')" \
    "roi:received:received $me:withdraw:withdrawn $me:close:closed $me:reopen:withdrawn $me:reopen:received"

# type: a person corrects it, the clock follows
"$ROI" -C "$h" case type "$cs" subpena --reason x > /dev/null 2> "$T/err"
is "an unknown type: refused" "$?" 1
is "... naming the types" "$(grep -c 'patient_access, ' "$T/err")" 1
check "the 'treatment' letter is really a patient's own request" "$ROI" -C "$h" case type "$ct" patient_access \
    --reason "the patient signed it; the psychiatrist only forwarded it"
is "... type and due date" "$(field "$ct" '"\(.type) \(.type_by) \(.due)"')" "patient_access $me 2026-04-01"
is "... in the history" "$(field "$ct" '.history[-1].detail')" \
    "treatment -> patient_access: the patient signed it; the psychiatrist only forwarded it; due 2026-03-09 -> 2026-04-01"

# extend: once, within the first period, where the clock has one
check "extend the access request" "$ROI" -C "$h" case extend "$ca" --reason "records in off-site storage"
is "... 30 more days" "$(field "$ca" '"\(.due) \(.extended)"')" "2026-05-01 true"
"$ROI" -C "$h" case extend "$ca" --reason again > /dev/null 2> "$T/err"
is "a second extension: refused" "$?" 1
"$ROI" -C "$h" case extend "$cp" --reason x > /dev/null 2> "$T/err"
is "no extension where the clock has none" "$(grep -c 'has no extension' "$T/err")" 1
ROI_NOW=2026-04-05T09:00:00 "$ROI" -C "$h" case extend "$ct" --reason late > /dev/null 2> "$T/err"
is "an extension after the due date: refused" "$(grep -c 'before the first due date passes' "$T/err")" 1

# due and overdue, by a set clock
export ROI_NOW=2026-03-13T09:00:00
"$ROI" -C "$h" case due > "$T/due"
is "case due: the police request and the subpoena are overdue" \
    "$(sed -n '/^OVERDUE/,/^due in/p' "$T/due" | grep -c "^  \($cp\|$cs\) ")" 2
is "case due: the CA access request is due soon" "$(sed -n '/^due in/,$p' "$T/due" | grep -c "^  $c2 .*(in 4 d)")" 1
is "case due --json: overdue" "$("$ROI" -C "$h" case due --json | jq -r '[.overdue[].case] | join(",")')" "$cp,$cs"
is "case list --overdue" "$("$ROI" -C "$h" case list --overdue --json | jq -r '[.[].case] | join(",")')" "$cp,$cs"
is "case list --due-before 2026-03-18" \
    "$("$ROI" -C "$h" case list --due-before 2026-03-18 --json | jq -r '[.[].case] | join(",")')" "$cp,$cs,$c2"
is "case list --type subpoena" "$("$ROI" -C "$h" case list --type subpoena --json | jq -r '[.[].case] | join(",")')" "$cs"
is "status: overdue count" "$(jqs "$h" .cases.overdue)" 2
"$ROI" -C "$h" case list > "$T/list"
is "case list: the columns" "$(head -1 "$T/list" | tr -s ' ')" "CASE TYPE PATIENT REQUESTER RECEIVED DUE STATE AGE AUTH RELEASE"
is "case list: the police row, overdue and 11 days old" \
    "$(grep "^$cp " "$T/list" | tr -s ' ' | cut -d' ' -f2,5,6,7,8)" "other_164512 2026-03-02 2026-03-12! received 11d"
"$ROI" -C "$h" case list --state nonsense > /dev/null 2>&1
is "case list --state nonsense: usage" "$?" 2

# 4. through review to released and closed; a police request never released
for c in $cz $cp $ct; do
	mkdir -p "$h/inbox/records/$c"
	cp "$T/labs.text.pdf" "$h/inbox/records/$c/labs.pdf"
done
check "records read" run_once "$h"
is "records in: in review" "$(field "$cz" .state)" in_review
"$ROI" -C "$h" review approve "$cp" --to "Harborview Legal Services" > /dev/null 2> "$T/err"
is "a police request: approve refused" "$?" 1
is "... a person decides it" "$(grep -c 'roi never releases one' "$T/err")" 1
check "hold the release: the ID is not verified" "$ROI" -C "$h" case hold "$cz" --reason "requester identity not verified"
"$ROI" -C "$h" review approve "$cz" --to "Harborview Legal Services" > /dev/null 2> "$T/err"
is "a case on hold: approve refused" "$(grep -c 'is on hold, waiting for information' "$T/err")" 1
check "resume: identity verified by call-back" "$ROI" -C "$h" case resume "$cz" --reason "call-back to the firm's listed number"
is "... back in review" "$(field "$cz" .state)" in_review
check "approve" "$ROI" -C "$h" review approve "$cz" --to "Harborview Legal Services"
check "release" run_once "$h"
is "released" "$(field "$cz" .state)" released
is "a released case is open until it is closed" "$("$ROI" -C "$h" case list --state released --json | jq -r '[.[].case] | join(",")')" "$cz"
check "close it: handed over" "$ROI" -C "$h" case close "$cz" --reason "package sent by secure email"
is "history of the release" "$(field "$cz" '[.history[] | "\(.who):\(.to)"] | join(" ")')" \
    "roi:received $me:waiting $me:received roi:in_review $me:waiting $me:in_review roi:released $me:closed"
check "reject the forwarded request" "$ROI" -C "$h" review reject "$ct" --reason "not signed by the patient"
is "rejected: denied" "$(field "$ct" .state)" denied
is "... by the reviewer" "$(field "$ct" '.history[-1] | "\(.who):\(.from):\(.to)"')" "$me:in_review:denied"
n=$(jqs "$h" .open_cases)
check "close the denial" "$ROI" -C "$h" case close "$ct"
is "status: one fewer open" "$(jqs "$h" .open_cases)" $((n - 1))
"$ROI" -C "$h" rules check > "$T/rc" 2>&1
is "rules check reads requests.rules and deadlines.rules" "$(grep -c 'requests.rules: ok\|deadlines.rules: ok' "$T/rc")" 2
