#!/bin/sh
# approve.sh - what approval checks before a release may go out, as a
# compliance officer would sign it (issue 16): the release goes where the
# authorization says (45 CFR 164.508(c)(1)(iii)) unless the reviewer
# overrides with a reason; an override release is still attributed to a
# patient (the matched one, or --patient) and its accounting basis reads
# "override: REASON"; an authorization that expired while the case was
# queued is refused at approval, and one that expired after approval stops
# the release at sealing.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
h=$(newhome approve)
sed -i "s/^reviewers =\$/reviewers = $(id -un)/; s/^names =\$/names = $(id -un): Alice Park, LCSW/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\nP002,Casey,Nobody,01/02/1990\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
age-keygen -o "$T/hv.key" 2> /dev/null
age-keygen -o "$T/of.key" 2> /dev/null
# five requests: the standard form (to Harborview Legal Services LLP) three
# times, a form for a patient not in the registry, one expiring soon
for n in 1 2 3; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/2$n/2026|" fixtures/src/authorization.txt > "$T/a$n.txt"
done
sed 's/Jordan Sample/Robin Unknown/' fixtures/src/authorization.txt > "$T/a4.txt"
sed 's|12/31/2026|03/31/2026|' fixtures/src/authorization.txt > "$T/a5.txt"
grep -q '03/31/2026' "$T/a5.txt" || not_ok "the expiry change changed nothing"
"$MKFAX" -o "$T" "$T"/a1.txt "$T"/a2.txt "$T"/a3.txt "$T"/a4.txt "$T"/a5.txt > /dev/null 2>&1
for n in 1 2 3 4 5; do cp "$T/a$n.text.pdf" "$h/inbox/requests/a$n.pdf"; done
"$MKFAX" -o "$T" fixtures/src/records/labs.txt > /dev/null 2>&1
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
for n in 1 2 3 4 5; do
	c=$(case_of "a$n.pdf")
	mkdir -p "$h/inbox/records/$c"
	cp "$T/labs.text.pdf" "$h/inbox/records/$c/labs.pdf"
done
check "records read" run_once "$h"
c1=$(case_of a1.pdf) c2=$(case_of a2.pdf) c3=$(case_of a3.pdf) c4=$(case_of a4.pdf) c5=$(case_of a5.pdf)
is "the stranger's authorization: patient not matched" \
    "$("$ROI" -C "$h" auth show "$c4" --json | jq -r '[.reasons[].code] | index("patient_unknown") != null')" true
for c in $c4; do
	# the record shows Jordan Sample, not the form's patient: a reviewer confirms it
	"$ROI" -C "$h" review show "$c" --json | jq -r '.records[]? | select(.patient.blocks) | .doc' |
	    while read -r d; do "$ROI" -C "$h" review confirm-patient "$c" "$d" --reason "checked by phone" > /dev/null; done
done

check "add the recipient the forms name (as it calls itself)" "$ROI" -C "$h" recipient add \
    "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" --address "400 Example Ave"
check "add another recipient" "$ROI" -C "$h" recipient add "Oakridge Family Law" \
    --age "$(age-keygen -y "$T/of.key")"

# 0. only a reviewer ([review] reviewers) approves or rejects, even with
# everything else in order (issue 22: no test approved as someone else)
sed -i "s/^reviewers = $(id -un)\$/reviewers = someone-else/" "$h/roi.conf"
grep -q '^reviewers = someone-else$' "$h/roi.conf" || not_ok "roi.conf: reviewers not changed"
"$ROI" -C "$h" review approve "$c1" --to "Harborview Legal Services" > /dev/null 2> "$T/err"
is "approve by someone not among the reviewers: refused" "$?" 1
is "... saying why" "$(grep -c "only a reviewer may approve a release: '$(id -un)' is not among the reviewers" "$T/err")" 1
"$ROI" -C "$h" review reject "$c1" --reason "not mine to decide" > /dev/null 2> "$T/err"
is "reject by someone not among the reviewers: refused" "$?" 1
is "... saying why" "$(grep -c "only a reviewer may reject a case" "$T/err")" 1
is "... and nothing was decided" "$("$ROI" -C "$h" review show "$c1" --json | jq -r .review)" pending
sed -i "s/^reviewers = someone-else\$/reviewers = $(id -un)/" "$h/roi.conf"

# 1. the recipient must be the one the authorization names
"$ROI" -C "$h" review approve "$c1" --to "Oakridge Family Law" > /dev/null 2> "$T/err"
is "approve for a recipient the form does not name: refused" "$?" 1
is "... saying which, the rule and how to go on" \
    "$(grep -c 'does not name Oakridge Family Law as its recipient (45 CFR 164.508(c)(1)(iii)).*--override.*roi recipient alias' "$T/err")" 1
is "... and nothing was decided" "$("$ROI" -C "$h" review show "$c1" --json | jq -r .review)" pending
check "the recipient the form names, found without --to (LLP and the fax number on the form do not count)" \
    "$ROI" -C "$h" review approve "$c1"
is "... recorded as that recipient" "$("$ROI" -C "$h" review show "$c1" --json | jq -r .recipient)" \
    "Harborview Legal Services"
check "an alias makes a recipient the form's" "$ROI" -C "$h" recipient alias "Oakridge Family Law" \
    "Harborview Legal"
check "... and approval goes through" "$ROI" -C "$h" review approve "$c2" --to "Oakridge Family Law"
sqlite3 "$h/roi.db" "UPDATE recipients SET aliases = '' WHERE name = 'Oakridge Family Law'"
check "an override to an unnamed recipient, with the reason" "$ROI" -C "$h" review approve "$c3" \
    --to "Oakridge Family Law" --override "patient asked by phone to send it to her new lawyer"
is "... the override and what it overrode are stored" \
    "$("$ROI" -C "$h" review show "$c3" --json | jq -r .override | grep -c 'patient asked by phone.*does not name Oakridge')" 1

# 2. an override release is attributed to a patient
"$ROI" -C "$h" review approve "$c4" --override "identity checked in person" 2> "$T/err" > /dev/null
is "override of an unmatched patient without --patient: refused" "$?" 1
is "... saying --patient" "$(grep -c -- '--patient ID' "$T/err")" 1
"$ROI" -C "$h" review approve "$c4" --override "identity checked" --patient P999 2> "$T/err" > /dev/null
is "--patient not in the registry: refused" "$? $(grep -c "no patient 'P999'" "$T/err")" "1 1"
"$ROI" -C "$h" review approve "$c1" --patient P002 2> /dev/null > /dev/null
is "--patient on a decided case: refused" "$?" 1
check "override with --patient" "$ROI" -C "$h" review approve "$c4" --override "identity checked in person" \
    --patient P001

# 3. expired while queued: refused at approval; after approval: stopped at sealing
ROI_NOW=2026-04-02T09:00:00 "$ROI" -C "$h" review approve "$c5" > /dev/null 2> "$T/err"
is "expired while queued: approval refused" "$? $(grep -c 'expired on 2026-03-31' "$T/err")" "1 1"
check "approved the day before it expires" env ROI_NOW=2026-03-30T09:00:00 "$ROI" -C "$h" review approve "$c5"
ROI_NOW=2026-04-02T09:00:00 run_once "$h" > "$T/run" 2>&1
is "expired after approval: blocked at sealing, nothing sent" \
    "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c5\") | .state")" blocked
is "... saying why" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c5\") | .reason" |
    grep -c 'expired on 2026-03-31, after the case was approved')" 1
for c in $c1 $c2 $c3 $c4; do
	is "$c released" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .state")" released
done
[ -e "$h/outbox/$c5.age" ] && not_ok "the expired case's package is in outbox" || ok "no package for the expired case"

# the cover letter reads like the practice wrote it: the registry's patient,
# the purpose as the form states it, the reviewer's name and credentials,
# the recipient's address from its record
"$ROI" -C "$h" release open "$h/outbox/$c1.age" --out "$T/$c1.d" > /dev/null 2>&1 || not_ok "release open $c1"
pdftotext -layout "$T/$c1.d/$c1/00 cover letter.pdf" "$T/letter.txt" 2> /dev/null
is "letter: Re: the patient's name and date of birth from the registry" \
    "$(grep -c "Re: Case $c1 . Jordan Sample, DOB 07/22/1985" "$T/letter.txt")" 1
is "letter: the purpose as the authorization states it" "$(grep -c 'Purpose of the disclosure: Legal proceedings$' "$T/letter.txt")" 1
is "letter: released by the reviewer's full name and credentials" \
    "$(grep -c 'Reviewed and released by: Alice Park, LCSW' "$T/letter.txt")" 1
is "letter: the recipient's address from its record" "$(grep -c '^ *400 Example Ave$' "$T/letter.txt")" 1
"$ROI" -C "$h" release open "$h/outbox/$c4.age" --out "$T/$c4.d" > /dev/null 2>&1 || not_ok "release open $c4"
pdftotext -layout "$T/$c4.d/$c4/00 cover letter.pdf" "$T/letter4.txt" 2> /dev/null
is "letter of an override release: the patient the reviewer named, not the form's" \
    "$(grep -c "Re: Case $c4 . Jordan Sample, DOB 07/22/1985" "$T/letter4.txt") $(grep -c 'Robin Unknown' "$T/letter4.txt")" "1 0"
# an override is the practice's decision: its letter does not call the
# request authorized (the authorized one does)
is "letter: an authorized release says so, an override release does not" \
    "$(grep -c 'In response to the authorized request' "$T/letter.txt") $(grep -c 'authorized' "$T/letter4.txt") $(grep -c 'In response to your request' "$T/letter4.txt")" "1 0 1"

# 4. the accounting: every release under its patient, with its basis
check "log verify" "$ROI" -C "$h" log verify
"$ROI" -C "$h" log accounting --patient P001 --format json > "$T/acc.json" 2> "$T/err" ||
    not_ok "log accounting: $(cat "$T/err")"
is "the patient's accounting lists all four releases" "$(jq 'length' "$T/acc.json")" 4
is "... an authorized release: 'your written authorization'" \
    "$(jq -r ".[] | select(.case == \"$c1\") | .basis" "$T/acc.json")" "your written authorization"
is "... the override to another recipient: 'override: REASON'" \
    "$(jq -r ".[] | select(.case == \"$c3\") | .basis" "$T/acc.json" | grep -c '^override: patient asked by phone')" 1
is "... the override of an unmatched patient, under the patient the reviewer named" \
    "$(jq -r ".[] | select(.case == \"$c4\") | .basis" "$T/acc.json" | grep -c '^override: identity checked in person')" 1
is "... to the recipient it went to" \
    "$(jq -r ".[] | select(.case == \"$c3\") | .recipient" "$T/acc.json")" "Oakridge Family Law"
"$ROI" -C "$h" log accounting --patient P002 --format json > "$T/acc2.json" 2> /dev/null
is "another patient's accounting lists none of them" "$(jq 'length' "$T/acc2.json")" 0

# 5. disclosures made outside roi, recorded by hand in the same chain
check "log add: an abuse report made by phone" "$ROI" -C "$h" log add --patient P001 --date 2026-02-10 \
    --recipient "Springfield County Child Protective Services" --purpose "mandated report of suspected neglect" \
    --basis abuse-report --description "verbal report; intake note of 02/09/2026"
check "log add: a duty-to-warn call, in the practice's own words" "$ROI" -C "$h" log add --patient P001 \
    --date 2026-02-20 --recipient "Springfield Police Department" --purpose "warn of a threat to a named person" \
    --basis "state duty-to-warn statute, after consulting counsel"
"$ROI" -C "$h" log add --patient P001 --date 2026-02-30 --recipient X --purpose Y --basis coroner 2> "$T/err"
is "log add: a date that does not exist: a usage error" "$? $(grep -c "not a date" "$T/err")" "2 1"
"$ROI" -C "$h" log add --patient P001 --date 2026-05-01 --recipient X --purpose Y --basis coroner 2> "$T/err"
is "log add: a date in the future: refused" "$? $(grep -c "in the future" "$T/err")" "1 1"
"$ROI" -C "$h" log add --patient P777 --date 2026-02-01 --recipient X --purpose Y --basis coroner 2> "$T/err"
is "log add: a patient not in the registry: refused" "$? $(grep -c "no patient 'P777'" "$T/err")" "1 1"
"$ROI" -C "$h" log add --patient P001 --date 2026-02-01 --recipient X --purpose Y 2> /dev/null
is "log add without --basis: a usage error" "$?" 2
n=$(wc -l < "$h/log/disclosures.log")
is "the refused ones added nothing" "$n" 6
is "the manual entries: M-N, channel outside, no package" \
    "$(tail -2 "$h/log/disclosures.log" | cut -d' ' -f4-8 | sed 's/ 0\{64\}$/ ZERO/')" "M-1 outside none 0 ZERO
M-2 outside none 0 ZERO"
check "log verify with them" "$ROI" -C "$h" log verify
check "roi-verify (the auditor's tool) with them" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
"$ROI" -C "$h" log accounting --patient P001 --format json > "$T/acc.json"
is "the accounting lists them with the releases, by the day they were made" \
    "$(jq -r '.[].date' "$T/acc.json" | sort -c 2>&1 && jq 'length' "$T/acc.json")" 6
is "... the abuse report: recipient, purpose, basis with its paragraph" \
    "$(jq -r '.[0] | "\(.date)|\(.recipient)|\(.purpose)|\(.basis)"' "$T/acc.json")" \
    "2026-02-10|Springfield County Child Protective Services|mandated report of suspected neglect|a report of abuse, neglect or domestic violence the law requires (45 CFR 164.512(b)(1)(ii), 164.512(c))"
is "... the practice's own words kept" "$(jq -r '.[1].basis' "$T/acc.json")" \
    "state duty-to-warn statute, after consulting counsel"

# 6. an accounting asked for is recorded, with its 60-day clock
check "log request" "$ROI" -C "$h" log request --patient P001 --date 2026-02-25
is "... due in 60 days" "$("$ROI" -C "$h" log requests --json | jq -r '.[0].due')" 2026-04-26
is "... not overdue on 03/02" "$("$ROI" -C "$h" log requests --json | jq -r '.[0].overdue')" false
is "... overdue after the 60 days" "$(ROI_NOW=2026-04-27T09:00:00 "$ROI" -C "$h" log requests --json | jq -r '.[0].overdue')" true
is "status: the accounting asked for, overdue" \
    "$(ROI_NOW=2026-04-27T09:00:00 "$ROI" -C "$h" status | grep -c 'accountings of disclosures asked for: 1 open, 1 overdue')" 1
check "accounting --provided" "$ROI" -C "$h" log accounting --patient P001 --format pdf --out "$T/acc.pdf" --provided
is "... the request answered, by whom, when" \
    "$("$ROI" -C "$h" log requests --json | jq -r '.[0] | "\(.provided) \(.provided_by) \(.overdue)"')" "2026-03-02 $(id -un) false"
"$ROI" -C "$h" log request --patient P001 --date 2026-03-09 2> /dev/null
is "log request dated in the future: refused" "$?" 2
