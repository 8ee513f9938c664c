#!/bin/sh
# part2-mode.sh - whose records are Part 2 (42 CFR 2.11, 2.12; issue 16):
# roi.conf [part2] program = yes | no | units, own_sud = flag | redact.
# A practice that is not a Part 2 program sees its own records' SUD content
# flagged (or redacted by policy), never labelled Part 2; records received
# from a Part 2 program (the 2.32 notice) are Part 2 wherever they sit, and
# the reviewer answers "received under a TPO consent?" (2.33(b)): the
# answer is stored and shown, approval waits for it, yes sends the record
# with the 2.32 notice, no keeps it withheld.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
mkdir -p "$T/rec"
# the outside program's record without its 2.32 notice: known by its letterhead only
sed '/^\[\[ Notice to recipient/,/^\]\]/d' fixtures/src/records/outside-sud-program.txt > "$T/harbor-letter.txt"
grep -q '42 CFR' "$T/harbor-letter.txt" && not_ok "the notice is still in harbor-letter"
"$MKFAX" -o "$T/rec" fixtures/src/records/medication-list.txt fixtures/src/records/intake-assessment.txt \
    fixtures/src/records/outside-sud-program.txt "$T/harbor-letter.txt" > /dev/null 2>&1
RECS="medication-list intake-assessment outside-sud-program"

# home NAME CONF-LINES... - a home with the standard request and three
# records: the practice's medication list and intake, and an outside SUD
# program's record; prints the home
home() {
	hh=$(newhome "$1")
	shift
	sed -i "s/^reviewers =\$/reviewers = $me/" "$hh/roi.conf"
	for kv in "$@"; do
		k=${kv%% =*}
		sed -i "s/^$k =.*/$kv/" "$hh/roi.conf"
	done
	"$ROI" -C "$hh" patient import "$T/p.csv" > /dev/null
	if [ -n "${PROGRAM:-}" ]; then
		mkdir -p "$hh/rules"
		{ cat rules/part2.rules; echo "program $PROGRAM"; } > "$hh/rules/part2.rules"
	fi
	cp "$FIX/authorization.text.pdf" "$hh/inbox/requests/request.pdf"
	run_once "$hh" > /dev/null 2>&1
	mkdir -p "$hh/inbox/records/C-1"
	for n in $RECS; do
		cp "$T/rec/$n.text.pdf" "$hh/inbox/records/C-1/$n.pdf"
	done
	run_once "$hh" > /dev/null 2>&1
	echo "$hh"
}
doc_of() { jq -r ".records[] | select(.name == \"$2\") | .doc" "$1"; }
# states J DOC - the states of the rules' page proposals of one record, sorted, unique
states() { jq -r "[(.proposals[] | select(.doc == $2 and .page > 0) | \"proposed\"), (.flagged[] | select(.doc == $2 and .page > 0 and .category != \"nicotine\") | \"flagged\"), (.disclosed[] | select(.doc == $2 and .page > 0) | \"disclosed\")] | unique | join(\" \")" "$1"; }
reasons() { jq -r "(.proposals[], .flagged[], .disclosed[]) | select(.doc == $2 and .page > 0 and .category != \"nicotine\") | .reason" "$1"; }

# 1. not a Part 2 program: its own SUD content flagged, never "Part 2"
h=$(home no "program = no")
"$ROI" -C "$h" review show C-1 --json > "$T/no.json" || not_ok "review show: program = no"
med=$(doc_of "$T/no.json" medication-list.pdf)
out=$(doc_of "$T/no.json" outside-sud-program.pdf)
is "program = no: the practice's own SUD content is flagged, not proposed" "$(states "$T/no.json" "$med")" flagged
is "... and never labelled Part 2" "$(reasons "$T/no.json" "$med" | grep -c '42 CFR')" 0
is "... but named for what it is" "$(reasons "$T/no.json" "$med" | grep -c "own record, not Part 2")" \
    "$(reasons "$T/no.json" "$med" | wc -l)"
is "... the case's Part 2 mode counts only the outside program's record" "$(jq -r .part2 "$T/no.json")" redact
is "a record from a Part 2 program is Part 2 all the same: withheld whole" \
    "$(jq -r "[.proposals[] | select(.doc == $out and .page == 0)] | length" "$T/no.json")" 1
is "... its question shown, unanswered" "$(jq -r ".records[] | select(.doc == $out) | .tpo.answer" "$T/no.json")" unanswered
is "... status says what waits" "$("$ROI" -C "$h" status | grep -c "C-1 waiting: the TPO question on record $out ")" 1
"$ROI" -C "$h" review show C-1 > "$T/no.txt"
is "... and the text view asks it" "$(grep -c "roi review tpo C-1 $out yes|no" "$T/no.txt")" 1
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen 2> /dev/null | age-keygen -y)" > /dev/null
"$ROI" -C "$h" review approve C-1 2> "$T/err" > /dev/null
is "approval waits for the answer" "$? $(grep -c "came from a Part 2 program.*roi review tpo C-1 DOC" "$T/err")" "1 1"
"$ROI" -C "$h" review tpo C-1 "$med" no --reason "x" 2> "$T/err" > /dev/null
is "tpo on a record without the notice: refused" "$? $(grep -c 'does not carry the 42 CFR 2.32 notice' "$T/err")" "1 1"
"$ROI" -C "$h" review tpo C-1 "$out" maybe --reason "x" 2> /dev/null > /dev/null
is "tpo maybe: a usage error" "$?" 2
"$ROI" -C "$h" review tpo C-1 "$out" no 2> /dev/null > /dev/null
is "tpo without a reason: refused" "$?" 2
check "tpo no" "$ROI" -C "$h" review tpo C-1 "$out" no --reason "came with the patient's own request, no TPO consent on file"
"$ROI" -C "$h" review tpo C-1 "$out" yes --reason "changed my mind" 2> "$T/err" > /dev/null
is "an answer is given once" "$? $(grep -c 'answered already' "$T/err")" "1 1"
"$ROI" -C "$h" review show C-1 --json > "$T/no2.json"
is "... stored and shown with who and why" \
    "$(jq -r ".records[] | select(.doc == $out) | .tpo | \"\(.answer) \(.by) \(.reason)\"" "$T/no2.json")" \
    "no $me came with the patient's own request, no TPO consent on file"
is "... the record stays withheld" "$(jq -r "[.proposals[] | select(.doc == $out and .page == 0)] | length" "$T/no2.json")" 1
check "approve once answered" "$ROI" -C "$h" review approve C-1

# a record from a program the rules name, in its letterhead, without the
# notice: Part 2 all the same (and a mention elsewhere is not provenance)
PROGRAM="Harbor Recovery Center" RECS="harbor-letter medication-list"
h=$(home prog "program = no")
PROGRAM= RECS="medication-list intake-assessment outside-sud-program"
"$ROI" -C "$h" review show C-1 --json > "$T/prog.json"
hl=$(doc_of "$T/prog.json" harbor-letter.pdf)
med=$(doc_of "$T/prog.json" medication-list.pdf)
is "a named program's letterhead: the record is Part 2, withheld whole, the TPO question asked" \
    "$(jq -r "[.proposals[] | select(.doc == $hl and .page == 0)] | length" "$T/prog.json") $(jq -r ".records[] | select(.doc == $hl) | .tpo.answer" "$T/prog.json")" \
    "1 unanswered"
is "... the practice's own record stays the practice's" "$(jq -r ".records[] | select(.doc == $med) | .tpo.answer // \"none\"" "$T/prog.json")" none

# 2. units: only the records of the named SUD clinician are Part 2; the
# rest of the practice's SUD content is redacted by policy (own_sud)
h=$(home units "program = units" "units = Riley Examplar, PhD" "own_sud = redact")
"$ROI" -C "$h" review show C-1 --json > "$T/un.json" || not_ok "review show: program = units"
med=$(doc_of "$T/un.json" medication-list.pdf)
in=$(doc_of "$T/un.json" intake-assessment.pdf)
is "units: a record that names the unit's clinician is Part 2" "$(states "$T/un.json" "$in")" proposed
is "... labelled so" "$(reasons "$T/un.json" "$in" | grep -vc '42 CFR Part 2')" 0
is "own_sud = redact: the rest proposed for redaction" "$(states "$T/un.json" "$med")" proposed
is "... by practice policy, not as Part 2" "$(reasons "$T/un.json" "$med" | grep -c 'practice policy')" \
    "$(reasons "$T/un.json" "$med" | wc -l)"

# 3. the default (a Part 2 program): everything Part 2; tpo yes releases the
# outside record with the 2.32 notice, logged as such
h=$(home yes)
grep -q '^program = yes' "$h/roi.conf" || not_ok "roi init does not write program = yes"
"$ROI" -C "$h" review show C-1 --json > "$T/yes.json"
med=$(doc_of "$T/yes.json" medication-list.pdf)
out=$(doc_of "$T/yes.json" outside-sud-program.pdf)
is "program = yes (the default): the practice's own SUD content is Part 2" "$(states "$T/yes.json" "$med")" proposed
check "tpo yes" "$ROI" -C "$h" review tpo C-1 "$out" yes --reason "received from the OTP under the patient's TPO consent; the request is the patient's own"
"$ROI" -C "$h" review show C-1 --json > "$T/yes2.json"
is "... the outside record goes out: nothing of it proposed" \
    "$(jq -r "[.proposals[] | select(.doc == $out and .state == \"proposed\")] | length" "$T/yes2.json")" 0
is "... with the 2.32 notice" "$(jq -r .part2_notice "$T/yes2.json")" true
is "... the practice's own Part 2 content still proposed" "$(states "$T/yes2.json" "$med")" proposed
age-keygen -o "$T/hv.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" > /dev/null
check "approve" "$ROI" -C "$h" review approve C-1
run_once "$h" > "$T/run" 2>&1
is "released" "$("$ROI" -C "$h" release list --json | jq -r '.[0].state')" released
is "the log entry: Part 2 disclosed, notice 1" "$(cut -d' ' -f6,7 "$h/log/disclosures.log")" "disclose 1"
