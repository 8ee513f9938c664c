#!/bin/sh
# noshow.sh - the front office's morning: appointments imported from a
# SimplePractice-style CSV, a TherapyNotes-style CSV and a calendar feed
# (bad files: every bad line named, nothing imported; the same export twice:
# nothing changes), missed appointments followed up on the right channel,
# messages through notify commands that work and one that fails (recorded,
# retried), a clinician's risk flag, escalation by tries and by deadline
# (roi noshow check and roi run), acknowledgement, rescheduling, reports.
# The clock is set per command with ROI_NOW.
. tests/e2e/lib.sh

F=fixtures/noshow
me=$(id -un)
export ROI_NOW=2026-03-02T17:00:00
cat > "$T/mail.sh" <<EOF
#!/bin/sh
{ echo "=== mail \$*"; cat; } >> "$T/sent.log"
EOF
cat > "$T/sms.sh" <<EOF
#!/bin/sh
{ echo "=== sms \$*"; cat; echo; } >> "$T/sent.log"
EOF
cat > "$T/fail.sh" <<'EOF'
#!/bin/sh
cat > /dev/null
echo "gateway down" >&2
exit 1
EOF
chmod 700 "$T/mail.sh" "$T/sms.sh" "$T/fail.sh"
h=$(newhome noshow "[notify]" "command = $T/mail.sh -t" "sms_command = $T/fail.sh" \
    "[practice]" "name = Fictional Counseling" "phone = 555-010-0000" \
    "[review]" "reviewers = someone-else")
R() { "$ROI" -C "$h" "$@"; }
R patient import "$F/patients.csv" > /dev/null

for c in appt noshow waitlist; do
	check "roi $c --help" R $c --help
done
R noshow frobnicate > /dev/null 2>&1
is "an unknown subcommand is a usage error (exit 2)" $? 2

# -- imports: bad files first
R appt import "$F/simplepractice-bad.csv" --mapping simplepractice > "$T/out" 2> "$T/err"
is "a bad CSV: exit 1" $? 1
for l in 3 4 5 6; do
	check "bad CSV line $l named" grep -q "simplepractice-bad.csv:$l: " "$T/err"
done
check "the summary says nothing was imported" grep -q "7 problems found; nothing imported" "$T/err"
is "nothing imported from the bad CSV" "$(R appt list --json | jq length)" 0
R appt import "$F/bad.ics" > "$T/out" 2> "$T/err"
is "a bad .ics: exit 1" $? 1
for l in 13 17 20 27 28; do
	check "bad .ics line $l named" grep -q "bad.ics:$l: " "$T/err"
done
is "nothing imported from the bad .ics" "$(R appt list --json | jq length)" 0
if grep -q -i -e avery -e blake -e casey -e samplefield -e "Someone not" "$T/err"; then
	not_ok "import errors repeat patient data"
else
	ok "import errors name lines and columns, not patient data"
fi

# -- good files, twice
is "SimplePractice CSV" "$(R appt import "$F/simplepractice.csv" --mapping simplepractice | head -1)" \
    "imported 6 appointments: 6 new, 0 updated, 0 unchanged"
is "the same CSV again changes nothing" "$(R appt import "$F/simplepractice.csv" --mapping simplepractice)" \
    "imported 6 appointments: 0 new, 0 updated, 6 unchanged"
is "calendar feed" "$(R appt import "$F/rivera.ics")" \
    "imported 3 appointments: 3 new, 0 updated, 0 unchanged; 1 all-day event skipped"
is "the same feed again changes nothing" "$(R appt import "$F/rivera.ics")" \
    "imported 3 appointments: 0 new, 0 updated, 3 unchanged; 1 all-day event skipped"
check "TherapyNotes CSV" R appt import "$F/therapynotes.csv" --mapping therapynotes
is "eleven appointments" "$(R appt list --json | jq length)" 11
id_of() { R appt list --json | jq -r ".[] | select(.patient == \"$1\" and (.start | startswith(\"$2\"))) | .appt"; }
a_blake=$(id_of P101 2026-03-02T10)
a_casey=$(id_of P102 2026-03-02T11)
a_finley=$(id_of P105 2026-02-23)
a_future=$(id_of P105 2026-03-09)
is "telehealth from the feed's location" "$(R appt show "$(id_of P104 2026-03-10)" --json | jq -r .modality)" telehealth
is "a duration from start and end" "$(R appt show "$a_finley" --json | jq -r .minutes)" 50

# -- the queue: imported no-shows and late cancels, on the allowed channel
is "three follow-ups open" "$(R noshow queue --json | jq length)" 3
is "e-mail for a patient who agreed to it" "$(R noshow show "$a_blake" --json | jq -r .channel)" email
is "a call for a patient who wants texts but did not agree" "$(R noshow show "$a_casey" --json | jq -r .channel)" phone
is "due within 24 hours" "$(R noshow show "$a_blake" --json | jq -r .due)" 2026-03-03T17:00:00
R noshow show A-999 > "$T/out" 2>&1
is "unknown appointment: exit 1" $? 1
is "... in one line" "$(wc -l < "$T/out")" 1
R noshow attempt A-999 --channel phone --outcome reached > /dev/null 2>&1
is "an attempt on an unknown appointment: exit 1" $? 1
R noshow mark "$a_future" > "$T/out" 2>&1
is "a no-show before the start is refused" $? 1

# -- risk flags: clinicians only
R patient flag P105 suicide_risk > "$T/out" 2>&1
is "a risk flag by a non-clinician is refused" $? 1
echo "reviewers = $me" >> "$h/roi.conf"
check "a clinician sets a risk flag" R patient flag P105 suicide_risk --note "safety plan on file"
is "who set it" "$(R patient show P105 --json | jq -r '.risk_flags[0] | "\(.flag) \(.set_by) \(.set_at)"')" \
    "suicide_risk $me 2026-03-02T17:00:00"
is "risk patients on top of the queue" "$(R noshow queue --json | jq -r '.[0].patient')" P105

# -- messages: drafts without clinical words; a failing SMS command
R noshow draft "$a_finley" > "$T/draft"
check "the draft is from the template" grep -q "Hi Finley, this is Fictional\." "$T/draft"
check "... signed without the specialty in the practice's name" sh -c "! grep -q -i counsel '$T/draft'"
printf '[noshow]\nsender = Fictional Front Office\n' >> "$h/roi.conf"
check "[noshow] sender names the practice in messages" sh -c "'$ROI' -C '$h' noshow draft '$a_finley' | grep -q 'this is Fictional Front Office\.'"
sed -i '$d' "$h/roi.conf"; sed -i '$d' "$h/roi.conf"
printf '[noshow]\nsender = Fictional Recovery Center\n' >> "$h/roi.conf"
check "a sender that names a specialty is not used" sh -c "'$ROI' -C '$h' noshow draft '$a_finley' | grep -q 'this is Fictional\.'"
R rules check > "$T/out" 2> "$T/err"
check "roi rules check warns about it" grep -q "sender.*names a specialty" "$T/err"
sed -i '$d' "$h/roi.conf"; sed -i '$d' "$h/roi.conf"
mkdir -p "$h/rules/templates"
printf '[message]\nbody = Hi {first_name}, this is Lakeside Behavioral Health.\n' > "$h/rules/templates/no_show.sms.tmpl"
R rules check > "$T/out" 2> "$T/err"
is "roi rules check: a template naming a specialty (exit 1)" $? 1
check "... says which line and word" grep -q "no_show.sms.tmpl:2: 'behavio...' names a specialty" "$T/err"
rm "$h/rules/templates/no_show.sms.tmpl"
if grep -q -i -e therap -e counsel[^i] -e risk -e suicid "$T/draft"; then
	not_ok "the draft has clinical words"
else
	ok "the draft has no clinical words"
fi
R noshow send "$a_finley" > "$T/out" 2> "$T/err"
is "a failing SMS command: exit 1" $? 1
is "... recorded as a failed attempt with the reason" \
    "$(R noshow show "$a_finley" --json | jq -r '.record[0] | "\(.outcome) \(.error)"')" \
    "failed '$T/fail.sh' exited with status 1: gateway down"
is "... the task stays open" "$(R noshow show "$a_finley" --json | jq -r .state)" open
sed -i "s#sms_command = $T/fail.sh#sms_command = $T/sms.sh#" "$h/roi.conf"
ROI_NOW=2026-03-02T17:01:00 R noshow check > /dev/null
is "not retried before its time" "$(R noshow show "$a_finley" --json | jq '.record | length')" 1
ROI_NOW=2026-03-02T17:06:00 R noshow check > /dev/null
is "retried by the check: sent" "$(R noshow show "$a_finley" --json | jq -r '.record[-1].outcome')" sent
check "... to the number, the text on stdin" grep -q "=== sms +12015550136$" "$T/sent.log"
check "e-mail through the notify command" R noshow send "$a_blake"
check "... as a sendmail -t message" grep -q "^To: blake@example.org" "$T/sent.log"
R noshow send "$a_casey" --channel sms > /dev/null 2>&1
is "no text without consent (exit 1)" $? 1

# -- escalation after unanswered tries, to the clinician, with the record
check "clinician address" R appt clinician "Sam Okafor LCSW" --email okafor@example.org
export ROI_NOW=2026-03-02T17:10:00
check "a call with no answer" R noshow attempt "$a_finley" --channel phone --outcome no_answer
is "escalated once two tries went unanswered (a text, a call)" "$(R noshow escalations --json | jq -r '.[0] | "\(.appt) \(.reason) \(.notified_to)"')" \
    "$a_finley attempts okafor@example.org"
# the escalation mail alone (sent.log also holds the patient's own text
# message, which greets them by name)
awk '/^=== / { if (b ~ /\nTo: okafor@example.org\n/) printf "%s", b; b = "" } { b = b $0 "\n" }
    END { if (b ~ /\nTo: okafor@example.org\n/) printf "%s", b }' "$T/sent.log" > "$T/escalation"
check "the clinician got the message" grep -q "^To: okafor@example.org" "$T/escalation"
check "... with the outreach record" grep -q "phone  no_answer" "$T/escalation"
check "... naming the patient by id only" grep -q "Patient P105 has an active risk flag" "$T/escalation"
if grep -q -i -e Finley -e Notreal "$T/escalation"; then
	not_ok "the escalation names the patient"
	grep -n -i -e Finley -e Notreal "$T/escalation" | sed 's/^/# /'
else
	ok "no name in the escalation"
fi
is "roi status shows it" "$(R status --json | jq .noshow.escalations_open)" 1
check "... in its text too" sh -c "'$ROI' -C '$h' status | grep -q 'ESCALATED'"
check "the clinician acknowledges" R noshow ack "$a_finley" --note "reached the emergency contact"
is "acknowledged, who and when" "$(R noshow escalations --all --json | jq -r '.[0] | "\(.acknowledged_by) \(.acknowledged_at)"')" \
    "$me 2026-03-02T17:10:00"
R noshow ack "$a_finley" > /dev/null 2>&1
is "a second acknowledgement is refused" $? 1

# -- escalation by the deadline, found by the supervisor's check
check "a clinician flags Devon" R patient flag P103 recent_crisis
a_risk=$(R appt add --patient P103 --clinician "Dr. Ana Rivera" --start "2026-03-02 16:00")
check "marked no-show" R noshow mark "$a_risk"
is "risk deadline: risk_due_hours (4)" "$(R noshow show "$a_risk" --json | jq -r .due)" 2026-03-02T21:10:00
ROI_NOW=2026-03-02T21:09:00 R noshow check > /dev/null
is "not escalated before the deadline" "$(R noshow escalations --json | jq length)" 0
ROI_NOW=2026-03-02T21:10:00 run_once "$h" > /dev/null 2>&1
is "roi run escalates at the deadline" "$(R noshow escalations --json | jq -r '.[0] | "\(.appt) \(.reason)"')" \
    "$a_risk deadline"
is "... and says it was not told (Dr. Rivera has no address)" \
    "$(R noshow escalations --json | jq -r '.[0].notified_at')" null

# -- reached, rescheduled, closed
check "Blake reached" R noshow attempt "$a_blake" --channel phone --outcome reached --note "will call back"
is "reached closes the follow-up" "$(R noshow show "$a_blake" --json | jq -r .state)" reached
R noshow reschedule "$a_casey" --to "2026-03-09 14:00" > "$T/out" 2>&1
is "a reschedule onto the clinician's booked time is refused" $? 1
out=$(R noshow reschedule "$a_casey" --to "2026-03-09 16:00")
new=$(echo "$out" | sed -n 's/.* as \(A-[0-9]*\) .*/\1/p')
is "rescheduled" "$(R noshow show "$a_casey" --json | jq -r '"\(.state) \(.rebooked)"')" "rescheduled $new"
is "the new appointment points back" "$(R appt show "$new" --json | jq -r '"\(.status) \(.rebooked_from)"')" "scheduled $a_casey"
R noshow close "$a_risk" > /dev/null 2>&1
is "close needs a note (usage)" $? 2
check "closed with a note" R noshow close "$a_risk" --note "letter sent"

# -- reports
R noshow report --json --from 2026-02-01 --to 2026-04-01 > "$T/rep.json"
is "appointments counted (took place or missed)" "$(jq .total.appointments "$T/rep.json")" 7
is "no-shows" "$(jq .total.no_show "$T/rep.json")" 3
is "late cancels" "$(jq .total.late_cancel "$T/rep.json")" 1
is "by clinician" "$(jq -r '.by_clinician[] | select(.clinician == "Dr. Ana Rivera") | "\(.appointments) \(.no_show)"' "$T/rep.json")" "3 2"
is "by month" "$(jq -r '[.by_month[].month] | join(" ")' "$T/rep.json")" "2026-02 2026-03"
is "by modality" "$(jq -r '.by_modality[] | select(.modality == "telehealth") | .no_show_rate' "$T/rep.json")" 0.667
is "reached within 24 h" "$(jq -r '"\(.outreach.tasks) \(.outreach.reached_within_24h)"' "$T/rep.json")" "4 2"
R noshow report --csv --from 2026-02-01 --to 2026-04-01 > "$T/rep.csv"
check "CSV export" grep -q '^"clinician","Dr. Ana Rivera","3","2","0","0.667","0.000",""$' "$T/rep.csv"
check "text table" sh -c "'$ROI' -C '$h' noshow report --from 2026-02-01 --to 2026-04-01 | grep -q 'reached within 24 h'"
is "the store is 0600" "$(stat -c %a "$h/roi.db")" 600
