#!/bin/sh
# neutral.sh - nothing that leaves the practice names what was hidden (42 CFR
# 2.11), and a reviewer's decisions on whole records: a record dropped as
# "Methadone maintenance notes.pdf" goes out as "Progress note, DATE, N page"
# with its Part 2 words redacted; psychotherapy notes are withheld; a
# reviewer withholds and includes records with a reason (who and when shown).
# Three releases (age, zip, fax) are read back: every member of the
# decrypted package, the manifest, the cover letter (pdftotext), the zip's
# names and bytes, the fax PDF, the log line and the accounting (text, csv,
# json, pdf) carry no file name and no Part 2 / SUD / psychotherapy wording;
# the reasons stay in the review history and the sealed log fields.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome neutral)
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/rec"
# a progress note of the case's patient, with Part 2 words and a date of service
cat > "$T/rec/progress.txt" <<'EOF'
layout: record
font: serif
size: 11
letterhead: Lakeside Behavioral Health | 250 Sample Street, Springfield, ZZ 00000 | Phone (555) 010-2200
# Progress Note
Client: Jordan Sample     Date of birth: 07/22/1985     MRN: MRN-0041177
Date of service: 02/02/2026     Service: individual psychotherapy 90834
Clinician: Riley Examplar, PhD
Client reports a better week at work and sleeping through the night.
Her methadone dose is 80 mg daily at the OTP, with take-homes on Sundays.
Plan: continue weekly sessions; review sleep diary next visit.
EOF
"$MKFAX" -o "$T/rec" "$T/rec/progress.txt" fixtures/src/records/psychotherapy-notes.txt \
    fixtures/src/records/labs.txt fixtures/src/records/medication-list.txt > /dev/null 2>&1
for d in 24 25 26; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/auth$d.txt"
	"$MKFAX" -o "$T" "$T/auth$d.txt" > /dev/null 2>&1
	cp "$T/auth$d.text.pdf" "$h/inbox/requests/auth$d.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
ca=$(case_of auth24.pdf)
cz=$(case_of auth25.pdf)
cf=$(case_of auth26.pdf)
for c in $ca $cz $cf; do
	mkdir -p "$h/inbox/records/$c"
	cp "$T/rec/progress.text.pdf" "$h/inbox/records/$c/Methadone maintenance notes.pdf"
	cp "$T/rec/psychotherapy-notes.text.pdf" "$h/inbox/records/$c/psychotherapy-notes.pdf"
done
cp "$T/rec/labs.text.pdf" "$h/inbox/records/$ca/labs.pdf"
cp "$T/rec/medication-list.text.pdf" "$h/inbox/records/$ca/medication-list.pdf"
check "records read and classified" run_once "$h"
"$ROI" -C "$h" review show "$ca" --json > "$T/a.json"
doc() { jq -r ".records[] | select(.name == \"$1\") | .doc" "$T/a.json"; }
dpsy=$(doc psychotherapy-notes.pdf)
dlab=$(doc labs.pdf)
dmed=$(doc medication-list.pdf)
is "psychotherapy notes found, withheld whole by a proposal" \
    "$(jq -r "[(.records[] | select(.doc == $dpsy) | .psychotherapy_notes), ([.proposals[] | select(.doc == $dpsy and .page == 0)] | length)] | map(tostring) | join(\" \")" "$T/a.json")" \
    "true 1"
is "the progress note that names psychotherapy is not psychotherapy notes" \
    "$(jq -r '.records[] | select(.name == "Methadone maintenance notes.pdf") | .psychotherapy_notes' "$T/a.json")" false

# withhold / include: reviewers only, with a reason, recorded with who and when
"$ROI" -C "$h" review withhold "$ca" "$dlab" --reason "outside the request" 2> "$T/err"
is "withhold by someone not a reviewer: refused" "$? $(grep -c 'only a reviewer' "$T/err")" "1 1"
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
"$ROI" -C "$h" review withhold "$ca" "$dlab" > /dev/null 2>&1
is "withhold without a reason: usage error" "$?" 2
"$ROI" -C "$h" review withhold "$ca" 9999 --reason x 2> "$T/err"
is "withhold a document not of the case: refused" "$? $(grep -c 'not a record of case' "$T/err")" "1 1"
check "withhold the labs with a reason" "$ROI" -C "$h" review withhold "$ca" "$dlab" --reason "outside the request"
"$ROI" -C "$h" review withhold "$ca" "$dlab" --reason "again" 2> "$T/err"
is "withhold twice: refused" "$? $(grep -c 'withheld already' "$T/err")" "1 1"
"$ROI" -C "$h" review show "$ca" --json > "$T/a.json"
is "show --json: the decision on the record, with who, when and why" \
    "$(jq -r ".records[] | select(.doc == $dlab) | .decision | \"\(.action)|\(.by)|\(.at | test(\"^2026-\"))|\(.reason)\"" "$T/a.json")" \
    "withhold|$me|true|outside the request"
"$ROI" -C "$h" review show "$ca" > "$T/show.txt"
check "show: 'withheld whole by' the reviewer, with the reason" grep -q "withheld whole by $me on .*: outside the request" "$T/show.txt"
"$ROI" -C "$h" review include "$ca" "$dpsy" --reason "the patient wants them sent" 2> "$T/err"
is "include psychotherapy notes the authorization does not name: refused" "$?" 1
check "... saying why (45 CFR 164.508(a)(2))" grep -q "164.508(a)(2)" "$T/err"
p=$(jq -r "[.proposals[] | select(.doc == $dpsy and .page == 0)][0].id" "$T/a.json")
"$ROI" -C "$h" review keep "$ca" "$p" --reason "send them" 2> "$T/err"
is "keep the psychotherapy notes' withhold proposal: refused the same way" "$? $(grep -c '164.508(a)(2)' "$T/err")" "1 1"
check "include the labs after all, with a reason" "$ROI" -C "$h" review include "$ca" "$dlab" --reason "asked for by phone"
"$ROI" -C "$h" review include "$ca" "$dlab" --reason "again" 2> "$T/err"
is "include what nothing withholds: refused" "$? $(grep -c 'nothing withholds' "$T/err")" "1 1"
check "withhold the medication list" "$ROI" -C "$h" review withhold "$ca" "$dmed" --reason "not in the dates asked for"
"$ROI" -C "$h" review show "$ca" --json > "$T/a.json"
is "history: withhold, include, withhold, each with the document, who and reason" \
    "$(jq -r "[.actions[] | select(.action == \"withhold\" or .action == \"include\") | \"\(.action):\(.doc):\(.who):\(.detail)\"] | join(\",\")" "$T/a.json")" \
    "withhold:$dlab:$me:outside the request,include:$dlab:$me:asked for by phone,withhold:$dmed:$me:not in the dates asked for"
is "the labs: last decision include" "$(jq -r ".records[] | select(.doc == $dlab) | .decision.action" "$T/a.json")" include

# three recipients: age, zip, fax
age-keygen -o "$T/hv.key" 2> /dev/null
check "add an age recipient" "$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")"
"$ROI" -C "$h" recipient add "Harbor Law" --zip --alias "Harborview Legal Services" > /dev/null
check "add a fax recipient" "$ROI" -C "$h" recipient add "Dr. Lee" --fax "(555) 010-4478" --alias "Harborview Legal Services"
check "approve (age)" "$ROI" -C "$h" review approve "$ca" --to "Harborview Legal Services"
"$ROI" -C "$h" review withhold "$ca" "$dlab" --reason late 2> "$T/err"
is "withhold on an approved case: refused" "$? $(grep -c 'not in review any more' "$T/err")" "1 1"
"$ROI" -C "$h" review approve "$cz" --to "Harbor Law" > "$T/az" 2>&1
zpass=$(sed -n 's/^passphrase for Harbor Law: //p' "$T/az")
check "approve (fax)" "$ROI" -C "$h" review approve "$cf" --to "Dr. Lee"
run_once "$h" > "$T/run" 2>&1
for c in $ca $cz $cf; do
	is "$c released" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .state")" released ||
	    diag "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .reason")"
done
path() { echo "$h/$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$1\") | .path")"; }

# what may never be read outside: the sender's file names, and what was hidden
NAMES='methadone maintenance|psychotherapy-notes|medication-list|labs\.pdf'
HIDDEN='part 2|42 cfr|\bsud\b|substance|psychotherapy|methadone|opioid'
leaks() { grep -ciE "$1" "$2"; }

# age: every member of the decrypted package, and the tar's bytes
pk=$(path "$ca")
mkdir -p "$T/rel"
age -d -i "$T/hv.key" -o "$T/rel.tar" "$pk"
tar -xf "$T/rel.tar" -C "$T/rel"
m=$T/rel/$ca/manifest.json
ls "$T/rel/$ca" > "$T/members"
is "members: the letter and two records, named by type and date of service" \
    "$(cat "$T/members" | tr '\n' ',')" \
    "00 cover letter.pdf,10 Progress note 2026-02-02.pdf,12 Laboratory results 2026-02-17.pdf,manifest.json,"
is "manifest: the record by type, date of service and pages" \
    "$(jq -r '[.files[] | select(.doc) | .document] | join(";")' "$m")" \
    "Progress note, 2026-02-02, 1 page;Laboratory results, 2026-02-17, $(pdfinfo "$T/rec/labs.text.pdf" | sed -n 's/^Pages: *//p') page$([ "$(pdfinfo "$T/rec/labs.text.pdf" | sed -n 's/^Pages: *//p')" = 1 ] || echo s)"
is "manifest: two withheld, neutrally" \
    "$(jq -r '[.withheld[] | .reason] | join(";")' "$m")" \
    "withheld as federal or state law requires;withheld as federal or state law requires"
is "manifest: no file name of the sender" "$(leaks "$NAMES" "$m")" 0
is "manifest: no Part 2 / SUD / psychotherapy wording, no category" \
    "$(leaks "$HIDDEN|part2|psychotherapy_notes|\"from\"" "$m")" 0
is "member names: no file name, nothing hidden named" "$(leaks "$NAMES|$HIDDEN" "$T/members")" 0
strings -n 6 "$T/rel.tar" > "$T/tar.strings"
is "the tar's bytes: no file name of the sender" "$(leaks "$NAMES" "$T/tar.strings")" 0
pdftotext -layout "$T/rel/$ca/00 cover letter.pdf" "$T/letter.txt"
is "cover letter: no file name, no Part 2 / SUD / psychotherapy wording" \
    "$(leaks "$NAMES|$HIDDEN|\.pdf" "$T/letter.txt")" 0
check "cover letter: says, neutrally, that something was withheld or redacted" \
    sh -c "tr -s ' \n' '  ' < '$T/letter.txt' | grep -q 'Some information was withheld or redacted as federal or state law requires'"
check "cover letter: the withheld records by type and date only" \
    sh -c "tr -s ' \n' '  ' < '$T/letter.txt' | grep -q 'Clinical record, 2026-02-03, [0-9]* pages\{0,1\} .* withheld as federal or state law requires'"
for f in "$T/rel/$ca"/1*.pdf; do pdftotext "$f" -; done > "$T/records.txt"
is "the released progress note: methadone redacted" "$(grep -ci methadone "$T/records.txt")" 0
check "... and the rest of it there" grep -q "sleeping through the night" "$T/records.txt"
check "the practice reopens it (roi release open): the same manifest" \
    sh -c "'$ROI' -C '$h' release open '$pk' --out '$T/mine' > /dev/null && cmp '$T/mine/$ca/manifest.json' '$m'"
rel=$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$ca\") | .path")
check "release open takes the path as release list shows it ($rel), from any folder" \
    sh -c "cd / && '$ROI' -C '$h' release open '$rel' --out '$T/mine2' > /dev/null &&
    cmp '$T/mine2/$ca/manifest.json' '$m'"

# zip: names and bytes readable without the passphrase; then opened
zk=$(path "$cz")
strings -n 6 "$zk" > "$T/zip.strings"
is "zip's bytes (names are in the clear): no file name, nothing hidden named" \
    "$(leaks "$NAMES|$HIDDEN" "$T/zip.strings")" 0
7z x -p"$zpass" -o"$T/z" "$zk" > /dev/null 2>&1
is "zip: members by number only" "$(ls "$T/z/$cz" | tr '\n' ',')" "00 cover letter.pdf,10 record.pdf,manifest.json,"
is "zip: manifest and letter neutral" \
    "$(pdftotext "$T/z/$cz/00 cover letter.pdf" - | cat - "$T/z/$cz/manifest.json" | grep -ciE "$NAMES|$HIDDEN|part2")" 0

# fax: one plain PDF
fx=$(path "$cf")
strings -n 6 "$fx" > "$T/fax.strings"
pdftotext "$fx" "$T/fax.txt"
is "fax PDF bytes and text: no file name of the sender" "$(cat "$T/fax.strings" "$T/fax.txt" | grep -ciE "$NAMES")" 0
is "fax cover page: nothing hidden named" \
    "$(pdftotext -f 1 -l 1 "$fx" - | grep -ciE "$HIDDEN")" 0

# the log: the lines in the clear, the sealed fields, the accounting
is "log lines: no file name, nothing hidden named in words" \
    "$(grep -ciE "$NAMES|part 2|substance|psychotherapy|methadone|\.pdf" "$h/log/disclosures.log")" 0
"$ROI" -C "$h" log show --json > "$T/log.json"
is "sealed fields: no file name of the sender" "$(leaks "$NAMES" "$T/log.json")" 0
is "sealed fields keep the reasons: psychotherapy notes, and the reviewer's" \
    "$(jq -r ".[] | select(.case == \"$ca\") | .accounting.practice[] | select(.withheld != \"\") | \"\(.withheld):\(.reason)\"" "$T/log.json" | sort | cut -c1-40 | tr '\n' ';')" \
    "$(printf '%s\n' "psychotherapy_notes:psychotherapy notes need an authorization" "reviewer:not in the dates asked for" | sort | cut -c1-40 | tr '\n' ';')"
for fmt in text csv json; do
	"$ROI" -C "$h" log accounting --patient P001 --format $fmt > "$T/acc.$fmt"
	is "accounting ($fmt): three disclosures, no file name, nothing hidden named" \
	    "$(grep -c 'withheld as federal or state law requires' "$T/acc.$fmt" | sed 's/^[1-9][0-9]*$/yes/') $(leaks "$NAMES|$HIDDEN" "$T/acc.$fmt")" "yes 0"
done
is "accounting: the progress note by type and date" \
    "$(jq -r "[.[] | select(.case == \"$ca\") | .description | test(\"Progress note, 2026-02-02, 1 page\")] | .[0]" "$T/acc.json")" true
"$ROI" -C "$h" log accounting --patient P001 --format pdf --out "$T/acc.pdf" > /dev/null
is "accounting (pdf): no file name, nothing hidden named" \
    "$(pdftotext "$T/acc.pdf" - | grep -ciE "$NAMES|$HIDDEN")" 0
check "roi-verify: the log holds" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
