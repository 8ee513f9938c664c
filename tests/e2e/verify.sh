#!/bin/sh
# verify.sh - the auditor's tool takes what it is given (issue 21): a log
# handed over under another name, with its checkpoint under any name
# (--checkpoint FILE, or --latest FILE); an older checkpoint from a visit;
# no checkpoint at all is one clear line.  A log made with roi log add, so
# nothing is read by OCR.
. tests/e2e/lib.sh

h=$(newhome verify)
R() { "$ROI" -C "$h" "$@"; }
printf 'id,first_name,last_name,dob\nP1,Jordan,Sample,1980-01-01\n' > "$T/p.csv"
R patient import "$T/p.csv" > /dev/null
add() { R log add --patient P1 --date "$1" --recipient "County court" --purpose subpoena --basis subpoena > /dev/null; }
check "a disclosure recorded outside roi" add 2026-03-01
cp "$h/log/disclosures.checkpoint" "$T/visit-march.cp"
check "another" add 2026-03-02
mkdir "$T/handed"
cp "$h/log/disclosures.log" "$T/handed/cut.log"
cp "$h/log/disclosures.checkpoint" "$T/handed/latest-from-practice.txt"
R log pubkey > "$T/log.pub"

check "the log beside its own checkpoint" "$ROI_VERIFY" "$h/log/disclosures.log" "$T/log.pub"
"$ROI_VERIFY" "$T/handed/cut.log" "$T/log.pub" --checkpoint "$T/handed/latest-from-practice.txt" > "$T/out" 2> "$T/err"
is "cut.log with --checkpoint under any name: exit 0" $? 0
check "... ok: 2 entries" grep -q "^ok: 2 entries" "$T/out"
check "... saying which checkpoint it used" grep -q "checking the log against .*latest-from-practice.txt" "$T/err"
check "--latest under any name, --checkpoint an older visit's" \
    "$ROI_VERIFY" "$T/handed/cut.log" "$T/log.pub" --latest "$T/handed/latest-from-practice.txt" \
    --checkpoint "$T/visit-march.cp"
"$ROI_VERIFY" "$T/handed/cut.log" "$T/log.pub" --checkpoint "$T/visit-march.cp" > "$T/out" 2>&1
is "an older checkpoint alone does not match a longer log: exit 1" $? 1
"$ROI_VERIFY" "$T/handed/cut.log" "$T/log.pub" > "$T/out" 2>&1
is "no checkpoint at all: exit 1" $? 1
is "... one line naming --latest" "$(wc -l < "$T/out")" 1
check "... that says what to give" grep -q "give the log's checkpoint with --latest FILE" "$T/out"

# an export to a file says what it wrote (issue 21, item 6)
is "accounting --out: what was written, where" "$(R log accounting --patient P1 --format csv --out "$T/acc.csv")" \
    "accounting of disclosures for patient P1: 2 disclosures, $T/acc.csv (csv)"
is "... and the file holds them" "$(($(wc -l < "$T/acc.csv") - 1))" 2
