#!/bin/sh
# delivery.sh - a fax release goes through the practice's fax server and
# roi knows how it went (issue 23): a stand-in sendfax/faxstat pair that
# records its arguments and answers by script; with no fax_command the
# PDF waits for a person as before; a failed try is retried with backoff
# (a set clock), a hung command is stopped at its time limit, the tries
# run out and a person is needed; resend makes a new round of the same
# sealed PDF, confirmed by the server; an interrupted send is never sent
# again by itself; the disclosure log does not change.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome delivery)
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/rec"
"$MKFAX" -o "$T/rec" fixtures/src/records/labs.txt > /dev/null 2>&1
for d in 24 25; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/auth$d.txt"
	"$MKFAX" -o "$T" "$T/auth$d.txt" > /dev/null 2>&1
	cp "$T/auth$d.text.pdf" "$h/inbox/requests/auth$d.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
for d in 24 25; do
	c=$(case_of "auth$d.pdf")
	mkdir -p "$h/inbox/records/$c"
	cp "$T/rec/labs.text.pdf" "$h/inbox/records/$c/labs.pdf"
done
check "records read and classified" run_once "$h"
ca=$(case_of auth24.pdf)
cb=$(case_of auth25.pdf)
check "add a fax recipient" "$ROI" -C "$h" recipient add "Dr. Lee" --fax "(555) 010-4478" --address "12 Elm St" --alias "Harborview Legal Services"

# the stand-in fax server: sendfax answers by the lines of send.script
# (ok, fail, hang), faxstat by the files answer.JOB (a HylaFAX state line)
F=$T/fax
mkdir -p "$T/bin" "$F"
cat > "$T/bin/sendfax" <<EOF
#!/bin/sh
n=\$((\$(cat "$F/n" 2>/dev/null || echo 0) + 1)); echo \$n > "$F/n"
printf '%s\n' "\$*" >> "$F/args"
a=\$(sed -n "\${n}p" "$F/send.script"); [ -n "\$a" ] || a=ok
case \$a in
ok) echo "request id is \$((100 + n)) (group id \$((100 + n))) for host localhost (1 file)" ;;
fail) echo "sendfax: can not connect to server" >&2; exit 1 ;;
hang) exec sleep 30 ;;
die) echo "request id is \$((100 + n)) (group id \$((100 + n))) for host localhost (1 file)"
     kill -9 \$PPID; sleep 1 ;;
esac
EOF
cat > "$T/bin/faxstat" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$F/stat.args"
echo "HylaFAX scheduler on localhost: Running"
echo
echo "JID  Pri S  Owner Number       Pages Dials     TTS Status"
cat "$F"/answer.* 2>/dev/null
exit 0
EOF
chmod 755 "$T/bin/sendfax" "$T/bin/faxstat"
: > "$F/send.script"
calls() { cat "$F/n" 2>/dev/null || echo 0; }
dstate() { "$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$1\") | .delivery.$2"; }

# 1. no fax_command: the release waits in outbox/fax/ for a person
check "approve $ca for the fax recipient" "$ROI" -C "$h" review approve "$ca" --to "Dr. Lee"
run_once "$h" > "$T/run" 2>&1
is "$ca released" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$ca\") | .state")" released
logn=$(wc -l < "$h/log/disclosures.log")
run_once "$h" > "$T/run" 2>&1
is "no fax_command: the fax waits for a person" "$(dstate "$ca" state)" manual
"$ROI" -C "$h" status > "$T/st"
is "... status says so" "$(grep -c 'in outbox/fax/ for a person to fax' "$T/st")" 1
is "... nothing sent" "$(calls)" 0
"$ROI" -C "$h" release resend "$ca" > "$T/out" 2>&1
is "resend without a fax_command: refused" "$?" 1
is "... saying why" "$(grep -c 'no \[delivery\] fax_command' "$T/out")" 1

# 2. the fax server configured: a new release goes by itself
cat >> "$h/roi.conf" <<EOF
[delivery]
fax_command = $T/bin/sendfax -n -d NUMBER FILE
fax_status_command = $T/bin/faxstat -s -d
fax_timeout = 5
fax_attempts = 3
fax_retry_minutes = 10
EOF
printf 'fail\nok\nhang\nok\nok\ndie\n' > "$F/send.script"
check "approve $cb for the fax recipient" "$ROI" -C "$h" review approve "$cb" --to "Dr. Lee"
run_once "$h" > "$T/run" 2>&1
is "$cb released" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$cb\") | .state")" released
logn=$(wc -l < "$h/log/disclosures.log")
is "... not sent yet: delivery waits for its pass" "$(dstate "$cb" state)" waiting
run_once "$h" > "$T/run" 2>&1
is "try 1: the fax server refused it: failed" "$(dstate "$cb" state)" failed
is "... a try left, at 09:10 (10 minutes later)" "$(dstate "$cb" retry_at)" 2026-03-02T09:10:00
fx=$(cd "$h" && pwd)/outbox/fax/"$cb to 5550104478.pdf"
is "sendfax given the number and the file, nothing else" "$(head -1 "$F/args")" "-n -d 5550104478 $fx"
is "the manual fax of $ca was not sent" "$(calls)" 1
ROI_NOW=2026-03-02T09:05:00 run_once "$h" > "$T/run" 2>&1
is "before its time: not tried again" "$(calls)" 1
ROI_NOW=2026-03-02T09:11:00 run_once "$h" > "$T/run" 2>&1
is "try 2 at 09:11: handed to the server" "$(dstate "$cb" state)" sent
is "... its job id kept" "$(dstate "$cb" job)" 102
is "... faxstat asked" "$(head -1 "$F/stat.args")" "-s -d"
echo "102  127 F  roi   5550104478   0:3   3:12          Busy signal detected" > "$F/answer.102"
ROI_NOW=2026-03-02T09:12:00 run_once "$h" > "$T/run" 2>&1
is "the server says busy (F): failed" "$(dstate "$cb" state)" failed
is "... with the server's line" "$(dstate "$cb" detail | grep -c 'Busy signal detected')" 1
is "... tried again at 09:32 (the wait doubles)" "$(dstate "$cb" retry_at)" 2026-03-02T09:32:00
t0=$(date +%s)
ROI_NOW=2026-03-02T09:33:00 run_once "$h" > "$T/run" 2>&1
t1=$(date +%s)
is "try 3: sendfax hangs, stopped at fax_timeout" "$(test $((t1 - t0)) -lt 25 && echo yes)" yes
is "... a failed try" "$(dstate "$cb" state)" failed
is "... the third: a person is needed" "$(dstate "$cb" needs_person)" true
is "... no next try" "$(dstate "$cb" retry_at)" null
"$ROI" -C "$h" status > "$T/st"
is "status: needs a person" "$(grep -c "NEED A PERSON" "$T/st")" 1
is "... names the case" "$(grep -c "$cb fax to 5550104478 failed" "$T/st")" 1
"$ROI" -C "$h" release list > "$T/rl"
is "release list: FAILED after 3 tries, needs a person" \
    "$(grep -c 'FAILED .* after 3 tries to 5550104478.*NEEDS A PERSON' "$T/rl")" 1
"$ROI" -C "$h" case list > "$T/cl"
is "case list: the release column" "$(grep "^$cb " "$T/cl" | grep -c 'fax NEEDS PERSON')" 1
ROI_NOW=2026-03-02T11:00:00 run_once "$h" > "$T/run" 2>&1
is "out of tries: never tried again by itself" "$(calls)" 3

# 3. resend: a new round, the same PDF; the server confirms it
"$ROI" -C "$h" release resend "$cb" --to "Someone Else" > "$T/out" 2>&1
is "resend --to another recipient: refused" "$?" 1
is "... it would be a new disclosure" "$(grep -c 'new disclosure' "$T/out")" 1
check "resend $cb" "$ROI" -C "$h" release resend "$cb"
is "... waiting" "$(dstate "$cb" state)" waiting
"$ROI" -C "$h" release resend "$cb" > "$T/out" 2>&1
is "a second resend while it waits: refused" "$?" 1
echo "104  127 D  roi   5550104478   3:3   1:12" > "$F/answer.104"
ROI_NOW=2026-03-02T11:01:00 run_once "$h" > "$T/run" 2>&1
is "resent and confirmed done by the server" "$(dstate "$cb" state)" confirmed
is "... job 104" "$(dstate "$cb" job)" 104
is "... the same file" "$(sed -n 4p "$F/args")" "-n -d 5550104478 $fx"
check "resend the manual fax of $ca" "$ROI" -C "$h" release resend "$ca"
ROI_NOW=2026-03-02T11:02:00 run_once "$h" > "$T/run" 2>&1
is "$ca sent, waiting for the server" "$(dstate "$ca" state)" sent
"$ROI" -C "$h" release resend "$ca" > "$T/out" 2>&1
is "resend while the server has not answered: refused" "$?" 1
echo "105  127 D  roi   5550104478   3:3   1:12" > "$F/answer.105"
ROI_NOW=2026-03-02T11:03:00 run_once "$h" > "$T/run" 2>&1
is "$ca confirmed" "$(dstate "$ca" state)" confirmed
"$ROI" -C "$h" status --json > "$T/st.json"
is "status --json: 2 confirmed, none needs a person" \
    "$(jq -r '.releases.fax | "\(.confirmed) \(.needs_person | length)"' "$T/st.json")" "2 0"

# 4. the record: every attempt in the case's history; the log unchanged
"$ROI" -C "$h" case show "$cb" --json > "$T/cs.json"
is "case show: 4 attempts of $cb" "$(jq '.deliveries | length' "$T/cs.json")" 4
is "... states in order" "$(jq -r '[.deliveries[].state] | join(" ")' "$T/cs.json")" \
    "failed failed failed confirmed"
is "... the resend asked by $me, a new round" \
    "$(jq -r '.deliveries[3] | "\(.who) \(.round)"' "$T/cs.json")" "$me 2"
"$ROI" -C "$h" case show "$cb" > "$T/cs"
is "case show: the attempts listed" "$(grep -c ' fax to 5550104478' "$T/cs")" 4
is "the disclosure log did not change" "$(wc -l < "$h/log/disclosures.log")" "$logn"
check "... and verifies" "$ROI" -C "$h" log verify
is "no patient in what the fax commands were given" "$(cat "$F/args" "$F/stat.args" | grep -ci 'jordan\|sample')" 0
is "... nor in status or release list" "$("$ROI" -C "$h" status; "$ROI" -C "$h" release list)" \
    "$("$ROI" -C "$h" status; "$ROI" -C "$h" release list | grep -vi 'jordan\|sample')"

# 5. roi stopped while sending: the fax may have gone; a person decides
sqlite3 "$h/roi.db" "INSERT INTO deliveries (case_id, round, channel, state, dest, file, who,
    created_at) SELECT case_id, 3, 'fax', 'sending', '5550104478', outbox, 'roi', 0 FROM
    releases WHERE case_id = ${ca#C-}"
n=$(calls)
ROI_NOW=2026-03-02T11:04:00 run_once "$h" > "$T/run" 2>&1
is "an interrupted send: unknown" "$(dstate "$ca" state)" unknown
is "... needs a person" "$(dstate "$ca" needs_person)" true
is "... not sent again by itself" "$(calls)" "$n"
is "the lock file is the owner's only" "$(stat -c %a "$h/spool/delivery.lock")" 600

# 6. kill -9 of the sender while the fax server takes the fax: recorded
# as being sent before the command ran; then unknown, never sent twice
check "resend $cb once more" "$ROI" -C "$h" release resend "$cb"
ROI_NOW=2026-03-02T11:05:00 run_once "$h" > "$T/run" 2>&1
is "killed while sending: the attempt says sending" "$(dstate "$cb" state)" sending
is "... the fax command ran once" "$(calls)" $((n + 1))
ROI_NOW=2026-03-02T11:06:00 run_once "$h" > "$T/run" 2>&1
is "the next pass: unknown, for a person" "$(dstate "$cb" state)" unknown
is "... not sent again" "$(calls)" $((n + 1))
"$ROI" -C "$h" release list > "$T/rl"
is "release list: UNKNOWN, needs a person" "$(grep -c 'UNKNOWN since .*interrupted while sending.*NEEDS A PERSON' "$T/rl")" 2
is "the disclosure log still did not change" "$(wc -l < "$h/log/disclosures.log")" "$logn"

# 7. a person found it done on the fax server: confirmed by hand
check "confirm $cb by hand" "$ROI" -C "$h" release confirm "$cb" --note "done in the fax server's log"
is "... confirmed" "$(dstate "$cb" state)" confirmed
"$ROI" -C "$h" release list > "$T/rl"
is "... release list says by a person" "$(grep -c "confirmed .*, confirmed by a person: done in the fax server's log" "$T/rl")" 1
is "... who, in the case's history" "$("$ROI" -C "$h" case show "$cb" --json | jq -r '.deliveries[-1] | "\(.state) \(.who)"')" "confirmed $me"
"$ROI" -C "$h" release confirm "$cb" > "$T/out" 2>&1
is "confirm twice: refused" "$?" 1
is "... nothing sent" "$(calls)" $((n + 1))
