#!/bin/sh
# waitlist.sh - referrals through the intake pipeline (contacted, screened
# with answers, insurance verified: self-pay, or the in-network check),
# a cancellation frees a slot, the candidates ranked (clinician, modality,
# urgency, time waiting), offers told by text, declined, expired by the
# check after offer_hours, accepted and booked; a slot held for a risk
# patient's follow-up; bad input; the median time to intake.
. tests/e2e/lib.sh

F=fixtures/noshow
export ROI_NOW=2026-03-02T09:00:00
cat > "$T/sms.sh" <<EOF
#!/bin/sh
{ echo "=== sms \$*"; cat; echo; } >> "$T/sent.log"
EOF
chmod 700 "$T/sms.sh"
h=$(newhome waitlist "[notify]" "sms_command = $T/sms.sh" "command = $T/sms.sh -t" "[practice]" \
    "name = Fictional Counseling" "phone = 555-010-0000" "[waitlist]" "offer_hours = 48" \
    "[review]" "reviewers = $(id -un)")
R() { "$ROI" -C "$h" "$@"; }
R patient import "$F/patients.csv" > /dev/null
R appt import "$F/rivera.ics" > /dev/null
slot=$(R appt list --json | jq -r '.[] | select(.patient == "P100") | .appt')	# 03-10 09:00, in person

# -- referrals
R waitlist add P999 > "$T/out" 2>&1
is "an unknown patient: exit 1" $? 1
is "... in one line" "$(wc -l < "$T/out")" 1
R waitlist add P101 --urgency whenever > /dev/null 2>&1
is "a bad urgency is a usage error" $? 2
add() { R waitlist add "$@" | sed -n 's/^\(W-[0-9]*\):.*/\1/p'; }
w_any=$(add P101 --referred 2026-01-05 --source "Dr. Primary")		# any clinician, self-pay
w_rivera=$(add P102 --clinician "Dr. Ana Rivera" --referred 2026-02-01)	# asked for Dr. Rivera
w_urgent=$(add P103 --urgency urgent --referred 2026-02-20)		# urgent
w_video=$(add P105 --modality telehealth --referred 2025-12-01)	# telehealth only
w_other=$(add P104 --clinician "Sam Okafor LCSW" --referred 2025-11-01)	# another clinician
w_new=$(add P100 --referred 2026-03-01)					# still at referral
check "crisis resources given at referral" sh -c "'$ROI' -C '$h' waitlist add P100 | grep -q 988"
is "entries listed" "$(R waitlist list --json | jq length)" 7

# -- the pipeline, step by step
for w in $w_any $w_rivera $w_urgent $w_video $w_other; do
	R waitlist advance "$w" > /dev/null
done
R waitlist advance "$w_any" > "$T/out" 2>&1
is "screening without answers is refused" $? 1
for w in $w_any $w_rivera $w_urgent $w_video $w_other; do
	R waitlist advance "$w" --answer reason=intake --answer availability=mornings > /dev/null
done
is "screening answers kept" "$(R waitlist show "$w_any" --json | jq -r .screening.availability)" mornings
for w in $w_any $w_urgent $w_video $w_other; do
	R waitlist advance "$w" > /dev/null
done
# the in-network check asks the paneling module (roi panel): Dr. Rivera's
# Aetna application, effective since 2026-02-15
R panel provider add "Dr. Ana Rivera" > /dev/null || not_ok "panel provider add"
R panel app add rivera aetna --date 2026-01-05 > /dev/null || not_ok "panel app add"
d=10
for st in caqh_ready submitted in_review approved contracted; do
	R panel app move rivera aetna $st --date 2026-01-$d > /dev/null 2>&1 || not_ok "panel: $st"
	d=$((d + 4))
done
R panel app move rivera aetna effective --date 2026-02-15 > /dev/null 2>&1 || not_ok "panel: effective"
check "insurance verified with a payer" R waitlist advance "$w_rivera" --payer Aetna
is "self-pay needs no network check" "$(R waitlist show "$w_any" --json | jq -r .network)" self_pay
is "Dr. Rivera is effective with Aetna: in network (the paneling module says so)" \
    "$(R waitlist show "$w_rivera" --json | jq -r .network)" in
R waitlist advance "$w_any" --to scheduled > /dev/null 2>&1
is "scheduled by hand needs the appointment" $? 1
R waitlist advance "$w_new" --to offered > /dev/null 2>&1
is "a slot is offered only with roi waitlist offer" $? 1
R waitlist advance W-99 > /dev/null 2>&1
is "an unknown entry: exit 1" $? 1

# -- a cancellation frees a slot
R waitlist offer "$slot" > /dev/null 2>&1
is "a scheduled appointment frees no slot" $? 1
check "P100 cancels" R appt status "$slot" cancelled
R waitlist offer "$slot" --json > "$T/rank.json"
is "candidates: this clinician or any, in person or any" \
    "$(jq -r '[.candidates[].entry] | sort | join(" ")' "$T/rank.json")" \
    "$(printf '%s\n' $w_any $w_rivera $w_urgent | sort | tr '\n' ' ' | sed 's/ $//')"
is "urgent first" "$(jq -r '.candidates[0].entry' "$T/rank.json")" "$w_urgent"
is "in-network and asked for Dr. Rivera next" "$(jq -r '.candidates[1].entry' "$T/rank.json")" "$w_rivera"
check "the ranking as text" sh -c "'$ROI' -C '$h' waitlist offer $slot | grep -q '1\\. $w_urgent'"
why() { jq -r ".excluded[] | select(.entry == \"$1\") | .reasons | join(\"; \")" "$T/rank.json"; }
is "left out and why: telehealth only" "$(why "$w_video")" "modality: telehealth only"
is "left out and why: another clinician" "$(why "$w_other")" "clinician: asked for Sam Okafor LCSW"
is "left out and why: not insurance-verified, and freed this slot" "$(why "$w_new")" "not insurance-verified yet (referral); the patient whose appointment this was"
is "... and nobody else (P100 twice)" "$(jq '.excluded | length' "$T/rank.json")" 4
check "... in the text too" sh -c "'$ROI' -C '$h' waitlist offer $slot | grep -q '^  $w_video .*modality: telehealth only'"

# -- offers: one at a time, told by text, declined, expired, accepted
R waitlist offer "$slot" --to "$w_video" > /dev/null 2>&1
is "an entry that cannot take the slot is refused" $? 1
check "offered to the best" R waitlist offer "$slot" --best
is "the urgent one holds the offer" "$(R waitlist show "$w_urgent" --json | jq -r '"\(.state) \(.offered_slot)"')" "offered $slot"
R waitlist offer "$slot" --to "$w_any" > /dev/null 2>&1
is "one open offer per slot" $? 1
check "declined" R waitlist answer "$w_urgent" decline --note "mornings only"
is "back in line" "$(R waitlist show "$w_urgent" --json | jq -r .state)" insurance_verified
check "offered to W-any" R waitlist offer "$slot" --to "$w_any"
is "... told by e-mail, as agreed" "$(R waitlist show "$w_any" --json | jq -r '.offers[0].note')" "offered by email"
ROI_NOW=2026-03-04T08:59:00 R noshow check > /dev/null
is "not expired before offer_hours" "$(R waitlist show "$w_any" --json | jq -r .state)" offered
ROI_NOW=2026-03-04T09:00:00 R noshow check > /dev/null
is "expired by the check after offer_hours" "$(R waitlist show "$w_any" --json | jq -r '"\(.state) \(.offers[0].state)"')" \
    "insurance_verified expired"
export ROI_NOW=2026-03-04T10:00:00
check "offered to the one asking for Dr. Rivera" R waitlist offer "$slot" --to "$w_rivera"
R waitlist answer "$w_rivera" maybe > /dev/null 2>&1
is "a bad answer is a usage error" $? 2
out=$(R waitlist answer "$w_rivera" accept)
booked=$(echo "$out" | sed -n 's/.*booked \(A-[0-9]*\).*/\1/p')
is "accepted: booked into the slot" "$(R appt show "$booked" --json | jq -r '"\(.patient) \(.status) \(.fills) \(.start)"')" \
    "P102 scheduled $slot 2026-03-10T09:00:00"
is "the entry is scheduled with its intake" "$(R waitlist show "$w_rivera" --json | jq -r '"\(.state) \(.intake_appt)"')" \
    "scheduled $booked"
R waitlist offer "$slot" > /dev/null 2>&1
is "a filled slot is not offered again" $? 1
is "the history is kept" "$(R waitlist show "$w_rivera" --json | jq -r '[.history[].state] | join(" ")')" \
    "referral contacted screened insurance_verified offered scheduled"

# -- texts for people who agreed to them
video_slot=$(R appt list --json | jq -r '.[] | select(.patient == "P104" and .modality == "telehealth") | .appt')
check "P104 cancels a telehealth visit" R appt status "$video_slot" cancelled
check "offered to the telehealth-only entry" R waitlist offer "$video_slot" --to "$w_video"
is "... who agreed to texts: told by SMS" "$(R waitlist show "$w_video" --json | jq -r '.offers[0].note')" "offered by sms"
check "... an offer text without clinical words" grep -q "An appointment opened on Tuesday, March 10 at 10:00 AM" "$T/sent.log"

# -- a slot freed by a risk patient waits for that patient's follow-up
check "a clinician flags P104" R patient flag P104 medication_titration
late=$(R appt add --patient P104 --clinician "Dr. Ana Rivera" --start "2026-03-12 09:00")
check "late cancel" R noshow mark "$late" --late-cancel
R waitlist offer "$late" > "$T/out" 2>&1
is "the slot is held" $? 1
check "... saying why" grep -q "held until the follow-up" "$T/out"
check "P104 reached" R noshow attempt "$late" --channel phone --outcome reached
check "then it can be offered" R waitlist offer "$late"

# -- the path to intake, in the report
R noshow report --json --from 2026-01-01 --to 2026-04-01 > "$T/rep.json"
is "median days from referral to intake" "$(jq -r '"\(.waitlist.intakes) \(.waitlist.median_days_to_intake)"' "$T/rep.json")" \
    "1 37.4"
check "declined and referred out leave the list" R waitlist advance "$w_other" --to referred_out --note "needs a higher level of care"
is "open entries" "$(R waitlist list --json | jq length)" 5
is "all entries with --all" "$(R waitlist list --all --json | jq length)" 7

# -- one clinician, one identity: the schedule's "Dana Lee" or "D. Lee" and
# the paneling module's "Dana Lee, PhD" (NPI 1234567893)
R panel provider add "Dana Lee, PhD" --npi 1234567893 > /dev/null || not_ok "panel provider add"
R panel app add 1234567893 aetna --date 2026-01-05 > /dev/null || not_ok "panel app add"
d=10
for st in caqh_ready submitted in_review approved contracted; do
	R panel app move 1234567893 aetna $st --date 2026-01-$d > /dev/null 2>&1 || not_ok "panel: $st"
	d=$((d + 4))
done
R panel app move 1234567893 aetna effective --date 2026-02-01 > /dev/null 2>&1 || not_ok "panel: effective"
R waitlist advance "$w_new" > /dev/null
R waitlist advance "$w_new" --answer reason=intake > /dev/null
check "an Aetna patient for any clinician" R waitlist advance "$w_new" --payer Aetna
lee=$(R appt add --patient P101 --clinician "D. Lee" --start "2026-03-20 09:00")
check "D. Lee's slot is freed" R appt status "$lee" cancelled
net() { R waitlist offer "$1" --json | jq -r ".candidates[] | select(.entry == \"$w_new\") | .$2"; }
is "D. Lee, linked to nobody: network unknown, never guessed" "$(net "$lee" network)" unknown
check "roi status names the unlinked clinician" sh -c "'$ROI' -C '$h' status | grep -q '^  D. Lee is linked to no paneling provider'"
is "... in --json too" "$(R status --json | jq -r '[.clinicians_unlinked[].clinician] | join(",")')" "D. Lee"
R appt clinician "D. Lee" --npi 1234567890 > /dev/null 2>&1
is "a mistyped NPI is refused (usage)" $? 2
check "linked by NPI" sh -c "'$ROI' -C '$h' appt clinician 'D. Lee' --npi 1234567893 | grep -q 'the paneling provider Dana Lee, PhD (by NPI)'"
is "the waitlist's check uses the link: in network" "$(net "$lee" network)" in
check "... saying why" sh -c "'$ROI' -C '$h' waitlist offer '$lee' --json | jq -r '.candidates[].network_why' | grep -q 'effective with Aetna since 2026-02-01'"
is "D. Lee no longer unlinked" "$(R status --json | jq '.clinicians_unlinked | length')" 0
dana=$(R appt add --patient P101 --clinician "Dana Lee" --start "2026-03-21 09:00")
is "\"Dana Lee\" is \"Dana Lee, PhD\" by name" "$(R appt clinicians --json | jq -r '.[] | select(.name == "Dana Lee") | "\(.provider) \(.linked_by)"')" \
    "Dana Lee, PhD name"
check "Dana Lee's slot is freed" R appt status "$dana" cancelled
is "... and in network for the waitlist" "$(net "$dana" network)" in
