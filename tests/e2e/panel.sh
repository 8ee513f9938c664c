#!/bin/sh
# panel.sh - the office manager keeps the practice's credentialing: payer
# files checked, a provider entered (bad NPI refused), an application
# moved through its states (illegal moves and bad dates refused, nothing
# changed), the checklist ticked, what is due, reminders sent once by the
# supervisor's daily check (and again after the mail command failed),
# billing can begin, the calendar export read by an independent parser,
# CSV round trip and an all-or-nothing import.
. tests/e2e/lib.sh

cat > "$T/notify.sh" <<EOF
#!/bin/sh
[ -e "$T/fail" ] && { echo "relay refused" >&2; exit 75; }
cat >> "$T/mail"
EOF
chmod +x "$T/notify.sh"
h=$(newhome panel "[notify]" "command = $T/notify.sh -t" "to = office@example.org")
mails() { grep -c '^To: ' "$T/mail" 2>/dev/null || echo 0; }
p() { "$ROI" -C "$h" panel "$@"; }
export ROI_NOW=2026-03-02T09:00:00

# payers: the seeded files, checked; a practice's broken copy named by line
"$ROI" -C "$h" rules check > "$T/out" 2>&1
is "rules check passes with the seeded payers" $? 0
is "... seven payer files" "$(grep -c '\.payer: ok (payer ' "$T/out")" 7
mkdir -p "$h/rules/payers"
sed 's/^follow_up_days = 14/follow_up_days = 0/' rules/payers/aetna.payer > "$h/rules/payers/aetna.payer"
"$ROI" -C "$h" rules check > "$T/out" 2> "$T/err"
is "a broken payer file fails the check" $? 1
line=$(grep -n '^follow_up_days' "$h/rules/payers/aetna.payer" | cut -d: -f1)
check "... naming its line" grep -q "aetna.payer:$line: follow_up_days: not a number from 1 to 90" "$T/err"
rm -r "$h/rules/payers"
is "payer list" "$(p payer list --json | jq length)" 7
is "a payer by alias" "$(p payer show UHC --json | jq -r .payer)" uhc-optum

# providers
p provider add "Dana Lee" --npi 1234567890 > "$T/out" 2>&1
is "an NPI with a wrong check digit: exit 1" $? 1
is "... one line" "$(wc -l < "$T/out")" 1
check "... saying so" grep -q "roi: panel: --npi: NPI 1234567890 fails its check digit" "$T/out"
is "... nothing added" "$(p provider list --json | jq length)" 0
check "a provider with everything" p provider add "Dana Lee, PhD" --npi 1234567893 \
	--email lee@example.org --license CA:PSY12345:2027-06-30 --license ny:012345:2026-04-15 \
	--caqh-id 12345678 --caqh-attested 2025-11-10 --malpractice-carrier "Acme Mutual" \
	--malpractice-policy P-99 --malpractice-expires 2026-04-01 --claims-attested yes \
	--dea AB1234563 --dea-expires 2026-06-30 --document "W-9:2026-12-31" --document CV
is "CAQH re-attestation 120 days after the last" "$(p provider show lee --json | jq -r .caqh_next)" 2026-03-10
is "licenses kept per state" "$(p provider show 1234567893 --json | jq -r '[.licenses[].state] | join(",")')" CA,NY
is "a DEA number makes a prescriber" "$(p provider show lee --json | jq -r .prescriber)" true
p provider add > /dev/null 2>&1
is "provider add without a name: usage, exit 2" $? 2
p provider show Nobody > "$T/out" 2>&1
is "an unknown provider: exit 1" $? 1
is "... one line" "$(wc -l < "$T/out")" 1

# an application through its states
check "application added (begun in January)" p app add lee aetna --date 2026-01-05
p app add lee Aetna > /dev/null 2>&1
is "the same provider and payer twice: exit 1" $? 1
p app add lee Humana > "$T/out" 2>&1
is "an unknown payer: exit 1" $? 1
check "... named" grep -q "no payer 'Humana'" "$T/out"
p app move 1 approved > "$T/out" 2>&1
is "not_started -> approved refused: exit 1" $? 1
check "... naming the states it can move to" grep -q "it can move to: caqh_ready, withdrawn" "$T/out"
is "... the state unchanged" "$(p app show 1 --json | jq -r .state)" not_started
is "... no history added" "$(p app show 1 --json | jq '.history | length')" 1
p app move 1 caqh_ready --date 2026-02-30 > "$T/out" 2>&1
is "a date that does not exist: exit 1" $? 1
p app move 1 caqh_ready --date 2026-03-03 > /dev/null 2>&1
is "a date in the future: exit 1" $? 1
is "... still not_started" "$(p app show 1 --json | jq -r .state)" not_started
p app move 1 caqh_ready --date 2026-01-20 > /dev/null &&
p app move lee aetna submitted --date 2026-02-01 --ref AET-77 > "$T/out" &&
p app move 1 in_review --date 2026-02-09 --note "intake check done" > /dev/null
is "moved through caqh_ready and submitted to in_review" "$(p app show 1 --json | jq -r '"\(.state) \(.since) \(.submitted) \(.ref)"')" "in_review 2026-02-09 2026-02-01 AET-77"
check "submitting says what is not ticked yet" grep -q "not ticked on the checklist yet: panel_open, license" "$T/out"
check "tick by key" p app tick 1 license
check "tick by number" p app tick lee aetna 3
p app tick 1 bogus > /dev/null 2>&1
is "an item the checklist does not have: exit 1" $? 1
is "two items ticked" "$(p app show 1 --json | jq -r '[.checklist[] | select(.done) | .item] | join(",")')" license,npi
check "a payer contact kept" p app edit 1 --contact "Pat R., provider relations, 555-0100"
is "... listed" "$(p app show 1 --json | jq -r '.contacts[0].contact')" "Pat R., provider relations, 555-0100"

# what is due on 2026-03-02
p due --json > "$T/due.json"
is "due now: follow-up, CAQH, malpractice and NY license" "$(jq -r '[.[].kind] | join(",")' "$T/due.json")" "follow_up,caqh,malpractice,license"
is "follow-up 14 days after the last contact" "$(jq -r '.[] | select(.kind == "follow_up") | "\(.due) \(.days)"' "$T/due.json")" "2026-02-23 -7"
check "... naming the payer" jq -e '.[] | select(.kind == "follow_up") | .text | test("follow up with Aetna")' "$T/due.json"
is "--within 120 also shows the DEA registration" "$(p due --within 120 --json | jq -r '[.[] | select(.kind == "dea") | .due] | join(",")')" 2026-06-30
p due --within soon > /dev/null 2>&1
is "--within needs a number: exit 2" $? 2

# the supervisor's daily check: once per item
run_once "$h" > "$T/run" 2>&1
is "roi run sent one reminder message" "$(mails)" 1
check "... with the CAQH re-attestation" grep -q "re-attest CAQH ProView for Dana Lee, PhD" "$T/mail"
check "... to the configured address" grep -q "^To: office@example.org" "$T/mail"
run_once "$h" > /dev/null 2>&1
"$ROI" -C "$h" panel notify > /dev/null
is "never twice for the same items" "$(mails)" 1
check "a note records the call" p app note 1 "called Pat: in committee"
is "... and restarts the follow-up count" "$(p due --json | jq '[.[] | select(.kind == "follow_up")] | length')" 0

# two weeks later the follow-up is due again; the mail command fails
export ROI_NOW=2026-03-20T09:00:00
touch "$T/fail"
run_once "$h" > /dev/null 2>&1
is "a failing mail command sends nothing" "$(mails)" 1
is "... status counts the reminder not sent" "$(jqs "$h" .panel.notices_not_sent)" 1
check "... and says why" sh -c "'$ROI' -C '$h' status --json | jq -r .panel.notify_error | grep -q 'relay refused'"
rm "$T/fail"
is "the next check sends it" "$(p notify)" "sent 1 notice"
is "... one message more" "$(mails)" 2

# effective: billing can begin
p app move 1 approved --date 2026-03-18 > /dev/null && p app move 1 contracted --date 2026-03-19 > /dev/null
p app move 1 effective --date 2026-04-01 > "$T/out" 2>&1
is "moved to effective" $? 0
check "... billing can begin" grep -q "is effective from 2026-04-01: billing can begin" "$T/out"
is "everyone told at once" "$(mails)" 3
check "... subject with provider, payer and date" grep -q "^Subject: billing can begin: Dana Lee, PhD with Aetna from 2026-04-01" "$T/mail"
check "... the provider in copy" grep -q "^Cc: lee@example.org" "$T/mail"
is "roi status lists it" "$(jqs "$h" '.panel.billing_can_begin[0] | "\(.provider)|\(.payer)|\(.effective)"')" "Dana Lee, PhD|Aetna|2026-04-01"
check "... in words too" sh -c "'$ROI' -C '$h' status | grep -q 'billing can begin: Dana Lee, PhD with Aetna from 2026-04-01'"
is "panel status grid" "$(p status --json | jq -r '.providers[0].applications.aetna.state')" effective
p app move 1 in_review > /dev/null 2>&1
is "effective -> in_review refused" $? 1

# the office calendar, read back by an independent iCalendar parser
p export --ics --out "$T/cal.ics" > "$T/out"
is "export --ics --out says what it wrote" "$(sed 's/[0-9]* events$/N events/' "$T/out")" "wrote $T/cal.ics: N events"
/usr/bin/python3 - "$T/cal.ics" > "$T/events" <<'PY'
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
for e in cal.walk('VEVENT'):
    print(e['UID'], e['DTSTART'].dt.isoformat(), e['SUMMARY'])
PY
is "the calendar parses" $? 0
check "... recredentialing 36 months after the decision" grep -q "^recredential:app:1@roi 2029-03-18 " "$T/events"
check "... the CA license expiry" grep -q "^license:provider:1:CA:PSY12345@roi 2027-06-30 renew" "$T/events"
check "... the CAQH re-attestation" grep -q "^caqh:provider:1@roi 2026-03-10 " "$T/events"

# CSV: out and back in unchanged; a bad file changes nothing
is "export --csv --out says what it wrote" "$(p export --csv providers --out "$T/prov.csv")" "wrote $T/prov.csv: 1 provider"
p export --csv applications > "$T/apps.csv"
check "... and to stdout only the export" grep -q '^"\{0,1\}app"\{0,1\},' "$T/apps.csv"
is "providers CSV round trip" "$(p import providers "$T/prov.csv")" "imported 1 provider: 0 new, 0 updated, 1 unchanged"
is "applications CSV round trip" "$(p import applications "$T/apps.csv")" "imported 1 application: 0 new, 0 updated, 1 unchanged"
cat > "$T/bad.csv" <<'CSV'
name,npi,licenses,caqh_attested
Riley Ok,1245319599,TX:7788:2027-01-31,2026-02-01
Casey Typo,1245319590,,
Morgan Date,,TX:1:2027-02-30,
CSV
p import providers "$T/bad.csv" > "$T/out" 2> "$T/err"
is "a CSV with bad lines: exit 1" $? 1
check "... line 3 named" grep -q "bad.csv:3: NPI 1245319590 fails its check digit" "$T/err"
check "... line 4 named" grep -q "bad.csv:4: license TX 1: expiry '2027-02-30' is not a date" "$T/err"
check "... nothing imported" grep -q "2 problems found; nothing imported" "$T/err"
is "... no provider added" "$(p provider list --json | jq length)" 1
head -2 "$T/bad.csv" > "$T/good.csv"
is "the good line alone imports" "$(p import providers "$T/good.csv")" "imported 1 provider: 1 new, 0 updated, 0 unchanged"
printf 'provider,npi,payer,state,state_on,submitted_on\nRiley Ok,,UHC,in_review,2026-03-10,2026-02-15\n' > "$T/app.csv"
check "an application under way imported from a spreadsheet" p import applications "$T/app.csv"
is "... in its state" "$(p app show riley uhc-optum --json | jq -r '"\(.state) \(.since) \(.submitted)"')" "in_review 2026-03-10 2026-02-15"

"$ROI" -C "$h" panel --help > /dev/null
is "panel --help" $? 0
p frobnicate > /dev/null 2>&1
is "an unknown panel command: exit 2" $? 2
