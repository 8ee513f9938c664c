#!/bin/sh
# digest.sh - the daily digest (issue 18 must-have 3, issue 23 must-have 4):
# once a day from [notify] digest_at, through [notify] command, to [notify]
# to: what is overdue, due soon, on hold, case ids only; not before the
# time, not twice a day, not when nothing needs a person; a failed send
# tried again; a bad digest_at refused.
. tests/e2e/lib.sh

cat > "$T/mail.sh" <<EOF2
#!/bin/sh
n=\$(ls "$T"/mail.* 2>/dev/null | grep -c 'mail\.[0-9]')
cat > "$T/mail.\$((n + 1))"
EOF2
cat > "$T/fail.sh" <<'EOF2'
#!/bin/sh
cat > /dev/null
echo "mail server down" >&2
exit 75
EOF2
chmod 700 "$T/mail.sh" "$T/fail.sh"
mails() { ls "$T" | grep -c '^mail\.[0-9]'; }

export ROI_NOW=2026-03-02T09:00:00
h=$(newhome digest "[notify]" "command = $T/mail.sh -t" "to = office@example.org" \
    "digest_at = 07:00")
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
"$MKFAX" -o "$T" fixtures/src/authorization.txt fixtures/requests/access.txt > /dev/null 2>&1
cp "$T/authorization.text.pdf" "$h/inbox/requests/authorization.pdf"
cp "$T/access.text.pdf" "$h/inbox/requests/access.pdf"
check "two requests read on 2026-03-02" run_once "$h"
case_of() { "$ROI" -C "$h" case list --all --json | jq -r ".[] | select(.name == \"$1.pdf\") | .case"; }
ca=$(case_of access) cz=$(case_of authorization)
is "both due 2026-04-01" "$("$ROI" -C "$h" case show "$ca" --json | jq -r .due) $("$ROI" -C "$h" case show "$cz" --json | jq -r .due)" \
    "2026-04-01 2026-04-01"
is "the day they came, at 09:00: nothing due within 7 days, nothing said" "$(mails)" 0

# a week before the due date, before 07:00: not yet
export ROI_NOW=2026-03-26T06:30:00
run_once "$h" > /dev/null 2>&1
is "before digest_at: no digest" "$(mails)" 0
export ROI_NOW=2026-03-26T07:05:00
run_once "$h" > /dev/null 2>&1
is "after digest_at: one digest" "$(mails)" 1
check "... to [notify] to, as a sendmail -t message" grep -q '^To: office@example.org$' "$T/mail.1"
check "... its subject counts" grep -q '^Subject: roi 2026-03-26: 0 overdue, 2 due within 7 days$' "$T/mail.1"
check "... names each case due, with its date" grep -q "$ca (due 2026-04-01), $cz (due 2026-04-01)\|$cz (due 2026-04-01), $ca (due 2026-04-01)" "$T/mail.1"
is "... case ids only: no patient's name, birth date or requester" \
    "$(grep -ci 'jordan\|sample\|1985\|harborview' "$T/mail.1")" 0
run_once "$h" > /dev/null 2>&1
is "the same day again: no second digest" "$(mails)" 1

# on hold, then overdue
"$ROI" -C "$h" case hold "$cz" --reason "the authorization is not signed" > /dev/null
export ROI_NOW=2026-04-03T08:00:00
run_once "$h" > /dev/null 2>&1
is "the next day it runs: one more" "$(mails)" 2
check "... both overdue" grep -q '^Subject: roi 2026-04-03: 2 overdue, 0 due within 7 days$' "$T/mail.2"
check "... the held case under 'On hold'" sh -c "sed -n '/^On hold/,/^Faxes/p' '$T/mail.2' | grep -q '$cz'"

# the mail command fails: recorded, warned, tried again at the next check
sed -i "s#^command = $T/mail.sh -t#command = $T/fail.sh#" "$h/roi.conf"
export ROI_NOW=2026-04-04T08:00:00
run_once "$h" > /dev/null 2> "$T/err"
is "a failed send: nothing arrived" "$(mails)" 2
check "... said, with the command's answer" grep -q 'digest: not sent: .*mail server down' "$T/err"
is "... its try recorded" "$(sqlite3 "$h/roi.db" "SELECT attempts || ' ' || (sent_at IS NULL) FROM digests WHERE day = '2026-04-04'")" "1 1"
sed -i "s#^command = $T/fail.sh#command = $T/mail.sh -t#" "$h/roi.conf"
run_once "$h" > /dev/null 2>&1
is "... and sent at the next check once the mail works" "$(mails)" 3

# nothing that needs a person: no mail
"$ROI" -C "$h" case withdraw "$ca" --reason "the patient called: not needed" > /dev/null
"$ROI" -C "$h" case withdraw "$cz" --reason "the firm withdrew it" > /dev/null
export ROI_NOW=2026-04-05T08:00:00
run_once "$h" > /dev/null 2>&1
is "a day with nothing due or held: no digest" "$(mails)" 3

# roi.conf: digest_at must be a time of day
sed -i 's/^digest_at = 07:00$/digest_at = 7am/' "$h/roi.conf"
"$ROI" -C "$h" status > /dev/null 2> "$T/err"
is "digest_at = 7am: roi.conf refused" "$?" 1
check "... saying what it wants" grep -q 'digest_at: a time of day HH:MM' "$T/err"
