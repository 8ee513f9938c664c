#!/bin/sh
# patient.sh - the front office imports the practice's patient list: per-line
# errors without patient data in them, nothing half-imported, re-import
# updates, list/show/match.
. tests/e2e/lib.sh

h=$(newhome patients)
cat > "$T/bad.csv" <<'CSV'
id,first_name,last_name,dob,mrn,phone,email,preferred_channel
P001,Jordan,Sample,07/22/1985,MRN-0048213,(201) 555-0111,jordan@example.org,sms
P002,Casey,Placeholder,22/07/1985,MRN-0048214,,,phone
P003,Riley,Examplar,1990-01-01,,,riley-at-example,email
CSV
"$ROI" -C "$h" patient import "$T/bad.csv" > "$T/out" 2> "$T/err"
is "a file with bad lines: exit 1" $? 1
check "line 3's date named" grep -q "bad.csv:3: dob is not a past date" "$T/err"
check "line 4's email named" grep -q "bad.csv:4: email is not an address" "$T/err"
check "the summary says nothing was imported" grep -q "2 problems found; nothing imported" "$T/err"
if grep -q -i -e casey -e placeholder -e riley -e 22/07 "$T/err"; then
	not_ok "errors repeat patient data"
else
	ok "errors name lines and columns, not patient data"
fi
is "nothing imported" "$("$ROI" -C "$h" patient list --json | jq length)" 0

# phone numbers: E.164 at import, or the line refused
cat > "$T/phones.csv" <<'CSV'
id,first_name,last_name,dob,phone
P001,Jordan,Sample,07/22/1985,555-0111
P002,Robert,Testperson-Hale,1979-11-02,(201) 555-0122 ext 4
P003,Riley,Examplar,1990-01-01,+1 101 555 0133
CSV
"$ROI" -C "$h" patient import "$T/phones.csv" > "$T/out" 2> "$T/err"
is "numbers that cannot be E.164: exit 1" $? 1
for l in 2 3 4; do
	check "... line $l named" grep -q "phones.csv:$l: phone " "$T/err"
done
if grep -q -e 0111 -e 0122 -e 0133 "$T/err"; then
	not_ok "phone errors repeat the number"
else
	ok "phone errors do not repeat the number"
fi
is "... nothing imported" "$("$ROI" -C "$h" patient list --json | jq length)" 0
printf 'id,first_name,last_name,dob,phone\nP001,Jordan,Sample,07/22/1985,1.201.555.0111\nP003,Riley,Examplar,1990-01-01,+44 20 7946 0018\n' > "$T/phones.csv"
check "numbers in any usual dress import" "$ROI" -C "$h" patient import "$T/phones.csv"
is "... US number as E.164" "$("$ROI" -C "$h" patient show P001 --json | jq -r .phone)" +12015550111
is "... an international number kept" "$("$ROI" -C "$h" patient show P003 --json | jq -r .phone)" +442079460018
h=$(newhome patients2)

cat > "$T/good.csv" <<'CSV'
id,first_name,last_name,dob,mrn,phone,email,preferred_channel,aliases,consent_sms
P001,Jordan,Sample,07/22/1985,MRN-0048213,(201) 555-0111,jordan@example.org,text,,yes
P002,Robert,Testperson-Hale,1979-11-02,MRN-0051977,201-555-0122,,phone,Bob Hale,no
CSV
check "a good file imports" "$ROI" -C "$h" patient import "$T/good.csv"
is "two patients" "$("$ROI" -C "$h" patient list --json | jq length)" 2
is "dob stored as YYYY-MM-DD" "$("$ROI" -C "$h" patient show P001 --json | jq -r .dob)" 1985-07-22
is "'text' means sms" "$("$ROI" -C "$h" patient show P001 --json | jq -r .preferred_channel)" sms
printf 'id,first_name,last_name,dob,phone\nP002,Robert,Testperson-Hale,1979-11-02,201-555-0199\n' > "$T/upd.csv"
is "re-import updates" "$("$ROI" -C "$h" patient import "$T/upd.csv")" "imported 1 patient: 0 new, 1 updated"
is "the phone changed" "$("$ROI" -C "$h" patient show P002 --json | jq -r .phone)" +12015550199
"$ROI" -C "$h" patient show P999 > "$T/out" 2>&1
is "unknown patient: exit 1" $? 1
is "... one line" "$(wc -l < "$T/out")" 1
is "match by nickname" "$("$ROI" -C "$h" patient match Bob Testperson-Hale 11/02/1979 --json | jq -r '"\(.found) \(.id)"')" "match P002"
is "match with OCR noise" "$("$ROI" -C "$h" patient match J0rdan Sample 'O7/22/l985' --json | jq -r '"\(.found) \(.id)"')" "match P001"
"$ROI" -C "$h" patient match Jordan Sample 07/23/1985 > /dev/null
is "a wrong date of birth is not a match (exit 1)" $? 1
