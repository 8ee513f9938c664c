#!/bin/sh
# letters.sh - letters back to the requester (issue 18, must-have 4) and
# the type changing the flow: a deficiency letter from an authorization's
# reason codes with the practice's blank form attached, an extension
# notice sent by case extend, a denial of a patient's own request, a
# subpoena response; each read back with pdftotext, placed in outbox/fax/
# or outbox/letters/ (0600), listed in the case's history; a subpoena never
# approved; a patient's own request approved only once identity is verified.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome letters)
sed -i "s/^reviewers =\$/reviewers = $me/; s/^names =\$/names = $me: Alice Park, LCSW/" "$h/roi.conf"
sed -i "s/^phone =\$/phone = (555) 010-2000/; s/^fax =\$/fax = (555) 010-2001/; s/^address =\$/address = 250 Sample Street, Springfield/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --fax "(555) 010-4478" \
    --address "400 Example Ave, Springfield" > /dev/null
sed 's/^sign+: /sign: /' fixtures/src/authorization.txt > "$T/unsigned.txt"
"$MKFAX" -o "$T" fixtures/requests/access.txt fixtures/requests/subpoena.txt \
    fixtures/src/authorization.txt "$T/unsigned.txt" fixtures/src/records/labs.txt > /dev/null 2>&1
for n in access subpoena unsigned; do
	cp "$T/$n.text.pdf" "$h/inbox/requests/$n.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --all --json | jq -r ".[] | select(.name == \"$1.pdf\") | .case"; }
field() { "$ROI" -C "$h" case show "$1" --json | jq -r "$2"; }
ca=$(case_of access) cs=$(case_of subpoena) cu=$(case_of unsigned)
is "types: access, subpoena, third party" "$(field "$ca" .type) $(field "$cs" .type) $(field "$cu" .type)" \
    "patient_access subpoena third_party"
is "the access request: no authorization needed, not defective" \
    "$("$ROI" -C "$h" auth show "$ca" --json | jq -r '"\(.decision) \([.reasons[].code] | join(","))"')" \
    "not_required not_required"
is "the unsigned form: defective, missing_signature" \
    "$("$ROI" -C "$h" auth show "$cu" --json | jq -r '"\(.decision) \([.reasons[].code] | join(","))"')" \
    "defective missing_signature"

# txt FILE - the letter's text, one line of words
txt() { pdftotext -layout "$h/$1" - 2> /dev/null | tr -s ' \n' '  '; }
has() { txt "$1" | grep -c -F -- "$2"; }
mode() { stat -c %a "$h/$1"; }

# 1. deficiency: plain words from the reason codes; no blank form yet
"$ROI" -C "$h" case letter "$cu" deficiency > "$T/out" 2> "$T/err"
is "deficiency letter made" "$?" 0
p=$(sed -n 's/.*deficiency letter \(outbox[^:]*\): .*/\1/p' "$T/out")
is "... for the fax: the form's recipient is a registered fax recipient" \
    "$(sed -n 's/.*: fax it to //p' "$T/out")" "(555) 010-4478"
case $p in outbox/fax/"$cu"-letter-*-deficiency" to 5550104478.pdf") ok "... in outbox/fax/ ($p)" ;; *) not_ok "... in outbox/fax/: '$p'" ;; esac
is "... 0600" "$(mode "$p")" 600
is "... on the letterhead" "$(has "$p" "Lakeside Behavioral Health")" 1
is "... the practice's address and phone" "$(has "$p" "250 Sample Street, Springfield")$(has "$p" "Phone (555) 010-2000")" 11
is "... dated by the clock" "$(has "$p" "March 2, 2026")" 1
is "... to the requester, with the registered address" \
    "$(has "$p" "Harborview Legal Services 400 Example Ave, Springfield")" 1
is "... the patient as the form names them" "$(has "$p" "records of Jordan Sample")" 1
is "... what is wrong, in plain words" "$(has "$p" "The form is not signed.")" 1
is "... no reason code" "$(txt "$p" | grep -c 'missing_signature\|164.508(c)')" 0
is "... no date of birth, no registry id" "$(txt "$p" | grep -c '1985\|P001')" 0
is "... where to get a form (none in the home)" "$(has "$p" "ask us for our authorization form at (555) 010-2000")" 1
is "... in the case's history" "$(field "$cu" '.history[-1] | "\(.who) \(.kind)"')" "$me letter"
is "... listed with its path" "$(field "$cu" '.letters[-1] | "\(.kind) \(.path) \(.fax)"')" "deficiency $p (555) 010-4478"

# with the practice's own blank form in the home: attached
mkdir -p "$h/forms"
cp "$T/authorization.text.pdf" "$h/forms/authorization.pdf"
"$ROI" -C "$h" case letter "$cu" deficiency --fax "555 010 9999" > "$T/out" 2>&1
p2=$(sed -n 's/.*deficiency letter \(outbox[^:]*\): .*/\1/p' "$T/out")
is "... with the blank form: one page more" \
    "$(pdfinfo "$h/$p2" | awk '/^Pages:/ {print $2}')" \
    "$(($(pdfinfo "$h/$p" | awk '/^Pages:/ {print $2}') + $(pdfinfo "$T/authorization.text.pdf" | awk '/^Pages:/ {print $2}')))"
is "... saying it is enclosed" "$(has "$p2" "We enclose our authorization form")" 1
is "... --fax: the number given" "$(sed -n 's/.*: fax it to //p' "$T/out")" "555 010 9999"
"$ROI" -C "$h" case letter "$cu" deficiency --fax "call me" > /dev/null 2> "$T/err"
is "--fax not a number: refused" "$?" 1
"$ROI" -C "$h" case letter "$cu" nonsense > /dev/null 2>&1
is "an unknown letter: usage" "$?" 2

# 2. a subpoena: never approved; the response letter, no Part 2 detail
"$ROI" -C "$h" case letter "$cu" subpoena > /dev/null 2> "$T/err"
is "a subpoena response for an authorization: refused" "$(grep -c 'a subpoena response answers a subpoena' "$T/err")" 1
"$ROI" -C "$h" case letter "$cs" subpoena --to "Harborview Legal Services LLP" > "$T/out" 2>&1
is "subpoena response made" "$?" 0
p=$(sed -n 's/.*subpoena letter \(outbox[^:]*\): .*/\1/p' "$T/out")
is "... faxed to the attorney (registered)" "$(sed -n 's/.*: fax it to //p' "$T/out")" "(555) 010-4478"
is "... cannot release on a subpoena alone" "$(has "$p" "cannot release health information in response to a subpoena alone")" 1
is "... authorization or court order" "$(has "$p" "patient's written authorization or an order of a court")" 1
is "... 2.64 or 2.65" "$(has "$p" "42 CFR 2.64 or 2.65")" 1
is "... neither confirms nor denies" "$(has "$p" "neither confirms nor denies")" 1
is "... names no patient" "$(txt "$p" | grep -c 'Jordan\|1985')" 0
mkdir -p "$h/inbox/records/$cs" "$h/inbox/records/$ca"
cp "$T/labs.text.pdf" "$h/inbox/records/$cs/labs.pdf"
cp "$T/labs.text.pdf" "$h/inbox/records/$ca/labs.pdf"
check "records read" run_once "$h"
"$ROI" -C "$h" review approve "$cs" --to "Harborview Legal Services" --override "court said so" > /dev/null 2> "$T/err"
is "a subpoena: approve refused, even with --override" "$?" 1
is "... pointing to the response letter" "$(grep -c "roi case letter $cs subpoena" "$T/err")" 1

# 3. a patient's own request: identity first; extension notice; denial
"$ROI" -C "$h" review approve "$ca" --to "Harborview Legal Services" > /dev/null 2> "$T/err"
is "access: approve refused until identity is verified" "$(grep -c "roi case verify $ca --how" "$T/err")" 1
"$ROI" -C "$h" case verify "$cu" --how "photo ID" > /dev/null 2> "$T/err"
is "verify a third party's request: refused" "$?" 1
"$ROI" -C "$h" case verify "$ca" > /dev/null 2>&1
is "verify without --how: usage" "$?" 2
check "verify: photo ID at the desk" "$ROI" -C "$h" case verify "$ca" --how "driver's license checked at the front desk"
is "... in the history" "$(field "$ca" '.history[-1] | "\(.who) \(.kind) \(.detail)"')" \
    "$me verify driver's license checked at the front desk"
"$ROI" -C "$h" recipient add "Jordan Sample" --fax "(555) 010-4477" > /dev/null
for d in $(field "$ca" '.patient_unconfirmed[]'); do
	"$ROI" -C "$h" review confirm-patient "$ca" "$d" --reason "the patient's own chart" > /dev/null
done
"$ROI" -C "$h" review approve "$ca" --to "Jordan Sample" > /dev/null 2> "$T/err"
is "... then approval asks for a person's decision (no authorization to release on)" \
    "$(grep -c "a patient's own request has no authorization to release on.*approve with --override" "$T/err")" 1

"$ROI" -C "$h" case extend "$ca" --reason "records are in off-site storage" > "$T/out" 2>&1
is "extend: done" "$?" 0
p=$(sed -n 's/.*extension letter \(outbox[^:]*\): .*/\1/p' "$T/out")
case $p in outbox/letters/"$ca"-letter-*-extension.pdf) ok "... the notice made by extend, to print ($p)" ;; *) not_ok "... the notice: '$p'"; cat "$T/out" ;; esac
is "... print and mail (no fax for the patient)" "$(grep -c 'print and mail it' "$T/out")" 1
is "... 0600" "$(mode "$p")" 600
is "... the reason" "$(has "$p" "records are in off-site storage")" 1
is "... the new date" "$(has "$p" "by May 1, 2026")" 1
is "... the day received" "$(has "$p" "received the request on March 2, 2026")" 1
"$ROI" -C "$h" case letter "$cs" extension --reason x > /dev/null 2> "$T/err"
is "an extension notice for a case not extended: refused" "$(grep -c 'was not extended' "$T/err")" 1

"$ROI" -C "$h" case letter "$cu" denial --basis endanger > /dev/null 2> "$T/err"
is "a denial letter for a third party's request: refused" "$(grep -c "a denial letter answers a patient's own request" "$T/err")" 1
"$ROI" -C "$h" case letter "$ca" denial > /dev/null 2> "$T/err"
is "a denial without --basis: refused, naming the bases" "$(grep -c 'psychotherapy_notes, litigation' "$T/err")" 1
"$ROI" -C "$h" case letter "$ca" denial --basis endanger --to "Jordan Sample" > "$T/out" 2>&1
is "denial letter made" "$?" 0
p=$(sed -n 's/.*denial letter \(outbox[^:]*\): .*/\1/p' "$T/out")
is "... the basis" "$(has "$p" "reasonably likely to endanger the life or physical safety")" 1
is "... reviewable: how to ask for a review" "$(has "$p" "You may ask that this denial be reviewed by a licensed health care professional")" 1
is "... how to complain to the practice" "$(has "$p" "write to our Privacy Officer at the address above, or call (555) 010-2000")" 1
is "... and to HHS" "$(has "$p" "Office for Civil Rights")" 1
"$ROI" -C "$h" case letter "$ca" denial --basis psychotherapy_notes > "$T/out" 2>&1
p=$(sed -n 's/.*denial letter \(outbox[^:]*\): .*/\1/p' "$T/out")
is "psychotherapy notes: no review right" "$(has "$p" "The law does not give a right to have a denial on this ground reviewed")" 1
is "... and no review offered" "$(has "$p" "You may ask that this denial be reviewed")" 0

for d in $(field "$ca" '.patient_unconfirmed[]'); do
	"$ROI" -C "$h" review confirm-patient "$ca" "$d" --reason "the patient's own chart" > /dev/null
done
check "the patient's own request approved by a person" "$ROI" -C "$h" review approve "$ca" \
    --to "Jordan Sample" --patient P001 --override "patient's own request (164.524), identity verified"
check "released" run_once "$h"
is "... released to the patient by fax" "$(field "$ca" '"\(.state) \(.release)"' | cut -d' ' -f1,2)" "released fax"
is "case show lists the letters" "$("$ROI" -C "$h" case show "$ca" | grep -c '^    .* letter .*outbox/')" 3
is "no temporary left in spool/tmp" "$(find "$h/spool/tmp" -name 'letter-*' | wc -l)" 0
