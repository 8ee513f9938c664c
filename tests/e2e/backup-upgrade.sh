#!/bin/sh
# backup-upgrade.sh - upgrades (issue 15, must-have 6): for every earlier
# store version N, a home as that version's roi left it (roi init
# --store-version N applies migrations 0..N-1 only; then rows of what that
# version kept are written into it: a request read and sorted, a patient,
# a case rejected with its authorization decision and review history, the
# recipient the new release goes to, a credentialing provider, a clinician;
# each only from the version that has its table, with that version's
# columns) is opened by this roi, which upgrades it to the current version,
# and a case is run through it: a request and a record read, approved,
# packaged, logged and released.  The old rows still read, and the log
# verifies.
. tests/e2e/lib.sh

command -v age > /dev/null || { not_ok "the age tool is missing (tools/deps.sh test)"; exit 0; }
export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
now=$("$ROI" init "$T/cur" > /dev/null && sqlite3 "$T/cur/roi.db" 'PRAGMA user_version')
diag "current store version $now"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
age-keygen -o "$T/r.key" 2> /dev/null
rpub=$(age-keygen -y "$T/r.key")
printf '%%%%MediaBox 0 0 288 144\n%%%%Font F1 Helvetica\nBT /F1 10 Tf 14 120 Td (Progress note) Tj 0 -14 Td (Patient: Sample, Jordan   DOB: 07/22/1985) Tj 0 -14 Td (Date of service: 02/02/2026) Tj 0 -14 Td (Mood stable; sleeping better.) Tj ET\n' > "$T/rec.txt"
mutool create -o "$T/note.pdf" "$T/rec.txt" 2> /dev/null
old=$FIX/request-letter.text.pdf
osha=$(sha256sum "$old" | cut -c1-64)
osize=$(stat -c %s "$old")
zero=0000000000000000000000000000000000000000000000000000000000000000

# seed HOME N - what a roi at store version N had written, table by table,
# each with the columns its version had (migrations only ever add)
seed() {
	{
		echo "BEGIN;"
		# 1: intake and OCR
		echo "INSERT INTO inputs(id, name, kind, spool, size, sha256, state, doc_id, received_at,"
		echo "  updated_at) VALUES (1, 'old-request.pdf', 'request', 'old.1', $osize, '$osha',"
		echo "  'done', 1, 1700000000, 1700000000);"
		echo "INSERT INTO documents(id, sha256, input_id, format, pages, size, state, created_at,"
		echo "  done_at) VALUES (1, '$osha', 1, 'PDF', 1, $osize, 'done', 1700000000, 1700000000);"
		echo "INSERT INTO pages(doc_id, pageno, state, width, height, rotation, skew, source, conf,"
		echo "  text, ms) VALUES (1, 1, 'done', 612, 792, 0, 0, 'text', 100, 'Old request letter', 5);"
		echo "INSERT INTO words(doc_id, pageno, idx, line, text, x0, y0, x1, y1, conf) VALUES"
		echo "  (1, 1, 0, 0, 'Old', 72, 72, 92, 84, 100), (1, 1, 1, 0, 'request', 95, 72, 140, 84, 100),"
		echo "  (1, 1, 2, 0, 'letter', 143, 72, 180, 84, 100);"
		echo "INSERT INTO events(at, input_id, doc_id, what) VALUES (1700000000, 1, 1, 'accepted as document 1');"
		# 2: the patient registry
		[ "$2" -ge 2 ] && echo "INSERT INTO patients(id, first_name, last_name, dob, created_at,
		    updated_at) VALUES ('P001', 'Jordan', 'Sample', '1985-07-22', 1700000000, 1700000000);"
		# 3: page types and cases
		[ "$2" -ge 3 ] && echo "UPDATE pages SET doctype = 'request_letter', doctype_score = 5;
		    INSERT INTO cases(id, doc_id, state, rules_sha256, created_at) VALUES (1, 1, 'open',
		    '$zero', 1700000000);
		    INSERT INTO case_parts(case_id, part, doctype, first_page, last_page) VALUES (1, 1,
		    'request_letter', 1, 1);"
		# 4: the authorization check
		[ "$2" -ge 4 ] && echo "INSERT INTO auth(case_id, decision, result, rules_sha256,
		    created_at) VALUES (1, 'defective', '{\"case\": \"C-1\", \"decision\": \"defective\",
		    \"reasons\": [{\"code\": \"missing_authorization\", \"text\": \"no authorization\"}],
		    \"notes\": [], \"expires\": \"\"}', '$zero', 1700000000);"
		# 6: the review queue
		[ "$2" -ge 6 ] && echo "INSERT INTO review(case_id, state, part2, notice, rules_sha256,
		    entered_at, decided_at, decided_by, reason) VALUES (1, 'rejected', 'none', 0, '$zero',
		    1700000000, 1700000100, 'olduser', 'no authorization came');
		    INSERT INTO review_actions(case_id, at, who, action, detail) VALUES (1, 1700000100,
		    'olduser', 'reject', 'no authorization came');"
		# 7: recipients (rebuilt by migration 9): the release below goes to this one
		[ "$2" -ge 7 ] && echo "INSERT INTO recipients(name, kind, age_recipient, address,
		    created_at, created_by) VALUES ('Harborview Legal Services', 'age', '$rpub',
		    '400 Example Ave', 1700000000, 'olduser');"
		# 11: credentialing; 12: no-show work
		[ "$2" -ge 11 ] && echo "INSERT INTO panel_providers(id, name, created_at, updated_at)
		    VALUES (1, 'Old Provider, PhD', 1700000000, 1700000000);"
		[ "$2" -ge 12 ] && echo "INSERT INTO clinicians(name, created_at) VALUES ('Dr. Old', 1700000000);"
		echo "COMMIT;"
	} | sqlite3 -bail "$1/roi.db" || echo "seeding version $2 failed"
	mkdir -p "$1/spool/orig/$(echo "$osha" | cut -c1-2)"
	cp "$old" "$1/spool/orig/$(echo "$osha" | cut -c1-2)/$osha"
}

# upgrade N - prints what went wrong (nothing when all holds)
upgrade() {
	n=$1
	h=$T/v$n
	"$ROI" init "$h" --store-version "$n" > /dev/null 2> "$T/err" || { echo "init: $(cat "$T/err")"; return; }
	printf '[pipeline]\nsettle_ms = 0\nretry_base = 0\nworkers = 2\n' >> "$h/roi.conf"
	sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
	sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health/' "$h/roi.conf"
	v=$(sqlite3 "$h/roi.db" 'PRAGMA user_version')
	[ "$v" = "$n" ] || echo "made at version $v"
	seed "$h" "$n"
	# this roi, from here on (a version without a registry: the patient added now)
	if [ "$n" -lt 2 ]; then
		"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null 2>&1 || echo "patient import failed"
	fi
	cp "$FIX/authorization.text.pdf" "$h/inbox/requests/request.pdf"
	run_once "$h" > "$T/run" 2>&1 || echo "request: $(tail -1 "$T/run")"
	v=$(sqlite3 "$h/roi.db" 'PRAGMA user_version')
	[ "$v" = "$now" ] || echo "not upgraded: version $v"
	"$ROI" -C "$h" case list --json > "$T/cases"
	c=$(jq -r '.[] | select(.name == "request.pdf") | .case' "$T/cases")
	[ -n "$c" ] || { echo "no case for the request"; return; }
	[ "$n" -lt 3 ] || [ "$(jq -r '.[0].case' "$T/cases")" = C-1 ] || echo "old case lost"
	mkdir -p "$h/inbox/records/$c"
	cp "$T/note.pdf" "$h/inbox/records/$c/note.pdf"
	run_once "$h" > "$T/run" 2>&1 || echo "record: $(tail -1 "$T/run")"
	if [ "$n" -lt 7 ]; then
		"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$rpub" > /dev/null 2>&1 ||
		    echo "recipient add failed"
	fi
	"$ROI" -C "$h" review approve "$c" --to "Harborview Legal Services" > "$T/run" 2>&1 || echo "approve: $(tail -1 "$T/run")"
	run_once "$h" > "$T/run" 2>&1 || echo "release: $(tail -1 "$T/run")"
	s=$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .state")
	[ "$s" = released ] || echo "$c not released ($s)"
	"$ROI" -C "$h" log verify > /dev/null 2>&1 || echo "log verify fails"
	[ "$(sqlite3 "$h/roi.db" 'PRAGMA integrity_check')" = ok ] || echo "store not intact"
	# what the old version kept still reads
	"$ROI" -C "$h" doc text 1 2> /dev/null | grep -q 'Old request letter' || echo "old document's text lost"
	[ "$n" -lt 6 ] || [ "$("$ROI" -C "$h" review show C-1 --json 2> /dev/null | jq -r .review)" = rejected ] ||
	    echo "old decision lost"
	[ "$n" -lt 11 ] || "$ROI" -C "$h" panel status --json | grep -q 'Old Provider' || echo "old provider lost"
	rm -rf "$h"
}

n=1
while [ "$n" -lt "$now" ]; do
	is "store version $n: upgraded to $now, a case run through, the old rows kept" "$(upgrade $n)" ""
	n=$((n + 1))
done
"$ROI" init "$T/new" --store-version "$now" > /dev/null 2>&1
is "init --store-version: the current one works too" "$(sqlite3 "$T/new/roi.db" 'PRAGMA user_version')" "$now"
"$ROI" init "$T/bad" --store-version $((now + 1)) > /dev/null 2>&1
is "... one past it is refused" "$?" 1
"$ROI" init "$T/new" --store-version 3 > /dev/null 2>&1
is "... and so is an existing store" "$?" 1
# a store newer than this roi is refused, not opened
sqlite3 "$T/new/roi.db" "PRAGMA user_version = $((now + 1))"
"$ROI" -C "$T/new" status > /dev/null 2> "$T/err"
is "a store from a newer roi: refused in one line" "$? $(wc -l < "$T/err")" "1 1"
