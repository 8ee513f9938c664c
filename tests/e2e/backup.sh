#!/bin/sh
# backup.sh - backup, restore and retention (issue 15, must-have 6).
# Backups taken again and again while roi run works through a batch
# (intake, three releases packaged and logged) each restore into a fresh
# home whose log verifies, whose store names no file it lacks, and which
# carries on where the backup was taken; a quiet home's backup restores
# byte for byte and release open reopens a package made before it; an
# encrypted backup opens with the stock age and restores with its identity
# only; archives changed every way a hostile one can be are refused and
# leave nothing; a full disk leaves no file.  Purge: the dry run lists ids
# and changes nothing; the real one removes the originals, page text and
# packages of cases done before the date, keeps open cases, the log, cases
# and decisions, and records itself; dates inside six years are refused.
. tests/e2e/lib.sh

command -v age > /dev/null || { not_ok "the age tool is missing (tools/deps.sh test)"; exit 0; }
export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome main "max_attempts = 2")
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
age-keygen -o "$T/r.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/r.key")" > /dev/null
age-keygen -o "$T/b.key" 2> /dev/null
bpub=$(age-keygen -y "$T/b.key")

# rec FILE N - a one-page progress note the size of a label, naming the
# patient (quick to read by OCR, twice); N makes each one distinct
rec() {
	printf '%%%%MediaBox 0 0 288 144\n%%%%Font F1 Helvetica\nBT /F1 10 Tf 14 120 Td (Progress note) Tj 0 -14 Td (Patient: Sample, Jordan   DOB: 07/22/1985) Tj 0 -14 Td (Date of service: 02/0%d/2026) Tj 0 -14 Td (Mood stable; sleeping better.) Tj ET\n' "$2" > "$T/rec$2.txt"
	mutool create -o "$1" "$T/rec$2.txt" 2> /dev/null
}
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }

# five requests: C4's authorization runs to 2040 (purge keeps it)
sed 's|12/31/2026|12/31/2040|' fixtures/src/authorization.txt > "$T/auth40.txt"
"$MKFAX" -o "$T" "$T/auth40.txt" > /dev/null 2>&1
for i in 1 2 3 4 5; do
	if [ $i = 4 ]; then cp "$T/auth40.text.pdf" "$T/req$i.pdf"; else
		cp "$FIX/authorization.text.pdf" "$T/req$i.pdf"
		printf '\n%% copy %d\n' $i >> "$T/req$i.pdf"
	fi
	cp "$T/req$i.pdf" "$h/inbox/requests/"
done
run_once "$h" > /dev/null 2>&1
for i in 1 2 3 4 5; do
	eval "c$i=\$(case_of req$i.pdf)"
	eval "c=\$c$i"
	mkdir -p "$h/inbox/records/$c"
	rec "$h/inbox/records/$c/note$i.pdf" $i
done
check "five cases with a record each, read" run_once "$h"
"$ROI" -C "$h" review approve "$c1" > /dev/null
check "C1 released before any backup" sh -c "'$ROI' -C '$h' run --once > /dev/null 2>&1 && test -f '$h/outbox/$c1.age'"
"$ROI" -C "$h" release open "$h/outbox/$c1.age" --out "$T/open-orig" > /dev/null
"$ROI" -C "$h" review reject "$c5" --reason "request withdrawn" > /dev/null

# restored_ok R - what a restored home must hold (prints what is wrong)
restored_ok() {
	r=$1
	"$ROI" -C "$r" log verify > /dev/null 2>&1 || echo "log verify fails"
	"$ROI" -C "$r" status --json > /dev/null 2>&1 || echo "status fails"
	[ "$(sqlite3 "$r/roi.db" 'PRAGMA integrity_check')" = ok ] || echo "store not intact"
	[ "$(sqlite3 "$r/roi.db" 'SELECT count(*) FROM log_entries')" = "$(cat "$r/log/disclosures.log" 2>/dev/null | wc -l)" ] ||
	    echo "log file and store disagree"
	# every package the store knows, where it says, with its SHA-256
	sqlite3 -separator ' ' "$r/roi.db" "SELECT sha256, CASE WHEN published THEN outbox ELSE path END FROM releases
	    WHERE state IN ('packaged', 'released')" | while read -r sha p; do
		[ "$(sha256sum "$r/$p" 2>/dev/null | cut -c1-64)" = "$sha" ] || echo "package $p missing or changed"
	done
	# every original the store knows (in spool/orig, or not yet moved there)
	sqlite3 -separator ' ' "$r/roi.db" "SELECT d.sha256, i.spool FROM documents d JOIN inputs i ON
	    i.id = d.input_id WHERE d.purged IS NULL" | while read -r sha sp; do
		[ "$(sha256sum "$r/spool/orig/$(echo "$sha" | cut -c1-2)/$sha" "$r/spool/incoming/$sp" 2>/dev/null |
		    cut -c1-64 | head -1)" = "$sha" ] || echo "an original missing"
	done
	[ "$(find "$r" -perm /077 | wc -l)" = 0 ] || echo "something readable by others"
	[ -z "$(ls "$r/spool/tmp")" ] || echo "spool/tmp not empty"
}
# state R - inputs, duplicates, quarantined, in progress, released
state() { "$ROI" -C "$1" status --json | jq -c '[.inputs.total, .inputs.duplicate, .inputs.quarantine, .inputs.in_progress, .releases.released]'; }

# ---- a backup held between its copy of the store and of the drop folders
# (fault.h: backup:after-store) while roi run takes a batch in, quarantines
# a file and releases two cases: every drop moved on meanwhile
for c in $c2 $c3; do "$ROI" -C "$h" review approve "$c" > /dev/null || not_ok "approve $c"; done
for f in authorization-boxed authorization-checkbox authorization-columns; do
	cp "$FIX/$f.text.pdf" "$h/inbox/requests/$f.pdf"
done
cp "$FIX/bad/garbage.tif" "$h/inbox/requests/garbage.tif"
mkdir -p "$T/held"
ROI_FAULT=backup:after-store ROI_FAULT_FILE=$T/pause "$ROI" -C "$h" backup "$T/held" > "$T/held.out" 2>&1 &
bpid=$!
i=0
until [ -e "$T/pause" ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
run_once "$h" > /dev/null 2>&1
is "meanwhile roi run took 4 drops in (one quarantined) and released 2 cases" "$(state "$h")" "[14,0,1,0,3]"
rm -f "$T/pause"
wait $bpid
is "the held backup completes" "$?" 0
check "it restores" "$ROI" restore "$T/held"/roi-backup-*.tar.gz "$T/rh"
is "... with everything its store names" "$(restored_ok "$T/rh")" ""
is "... the batch back in the inbox (its store had not seen it), the releases packaged" \
    "$(ls "$T/rh/inbox/requests" | wc -l) $(sqlite3 "$T/rh/roi.db" "SELECT count(*) FROM releases WHERE state = 'packaged'")" "4 0"
check "... and carries on (run --once)" run_once "$T/rh"
is "... to the same end: no drop lost or taken twice, the same releases" "$(state "$T/rh")" "[14,0,1,0,3]"
is "... the same cases in its log" "$(cut -d' ' -f4,5 "$T/rh/log/disclosures.log" | sort | tr '\n' ' ')" \
    "$(cut -d' ' -f4,5 "$h/log/disclosures.log" | sort | tr '\n' ' ')"

# ---- backups again and again while roi run works as a daemon
"$ROI" -C "$h" review approve "$c4" > /dev/null || not_ok "approve $c4"
for f in authorization-letter authorization-tpo request-letter; do
	cp "$FIX/$f.text.pdf" "$h/inbox/requests/$f.pdf"
done
"$ROI" -C "$h" run > "$T/run.log" 2>&1 &
pid=$!
done_batch() { [ "$(state "$h")" = "[17,0,1,0,4]" ] && [ -z "$(ls "$h/inbox/requests")" ]; }
n=0
while [ $n -lt 6 ]; do
	mkdir -p "$T/bk$n"
	"$ROI" -C "$h" backup "$T/bk$n" > "$T/bk$n.out" 2>&1 || { not_ok "backup $n during the batch: $(tail -1 "$T/bk$n.out")"; }
	n=$((n + 1))
	done_batch && break
done
i=0
until done_batch || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $pid
wait $pid
is "the daemon's batch is done: 17 inputs, one quarantined, 4 releases" "$(state "$h")" "[17,0,1,0,4]"
diag "$n backups while roi run worked"
bad=0 k=0
while [ $k -lt $n ]; do
	r=$T/rs$k
	if "$ROI" restore "$T/bk$k"/roi-backup-*.tar.gz "$r" > "$T/rs$k.out" 2>&1; then
		w=$(restored_ok "$r")
		[ -z "$w" ] || { bad=$((bad + 1)); diag "backup $k: $w"; }
	else
		bad=$((bad + 1))
		diag "backup $k: restore failed: $(tail -1 "$T/rs$k.out")"
	fi
	k=$((k + 1))
done
is "every backup taken while the daemon worked restores, verifies and holds every file its store names" "$bad" 0
check "the first carries on (run --once)" run_once "$T/rs0"
is "... to the same end" "$(state "$T/rs0")" "[17,0,1,0,4]"
check "... and its log verifies (roi-verify)" "$ROI_VERIFY" "$T/rs0/log/disclosures.log" "$T/rs0/keys/log.pub"
is "... with nothing it lacks" "$(restored_ok "$T/rs0")" ""

# ---- stopped part-way (SIGTERM while held): the temporary file goes with it
mkdir -p "$T/s"
ROI_FAULT=backup:after-store ROI_FAULT_FILE=$T/pause2 "$ROI" -C "$h" backup "$T/s" > /dev/null 2>&1 &
bpid=$!
i=0
until [ -e "$T/pause2" ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $bpid
wait $bpid
is "a backup stopped by SIGTERM part-way leaves nothing in its folder" "$(ls -A "$T/s" | wc -l)" 0
rm -f "$T/pause2"

# ---- killed part-way (kill -9 before the manifest): no archive, and the
# next backup removes what was left
mkdir -p "$T/k"
ROI_FAULT=backup:before-manifest ROI_FAULT_FILE=$T/killed "$ROI" -C "$h" backup "$T/k" > /dev/null 2>&1
is "a backup killed part-way leaves no archive, only its temporary file" \
    "$(ls "$T/k" | wc -l) $(ls -A "$T/k" | grep -c '^\.roi-backup-.*\.tmp$')" "0 1"
"$ROI" -C "$h" backup "$T/k" > /dev/null 2> "$T/err"
is "... the next backup removes it and says so" "$(ls -A "$T/k" | wc -l) $(grep -c 'cut short' "$T/err")" "1 1"

# ---- a quiet home: what is in a backup, and a byte-for-byte restore
mkdir -p "$T/q"
"$ROI" -C "$h" backup "$T/q" > "$T/q.out" 2> "$T/q.err"
is "backup: exit 0" "$?" 0
a=$(ls "$T/q"/roi-backup-*.tar.gz)
is "one file, named roi-backup-YYYYMMDD-HHMMSS.tar.gz" "$(ls "$T/q" | grep -cE '^roi-backup-[0-9]{8}-[0-9]{6}\.tar\.gz$')" 1
is "... 0600" "$(stat -c %a "$a")" 600
is "an unencrypted backup warns once" "$(grep -c 'not encrypted' "$T/q.err") $(wc -l < "$T/q.err")" "1 1"
is "... and the output says the practice's secret keys are inside" "$(grep -c 'secret keys' "$T/q.out")" 1
tar -tzf "$a" > "$T/members"
is "it holds the store, roi.conf, both keys, the log, its checkpoint, originals and packages" \
    "$(grep -cxE 'roi.db|roi.conf|keys/practice.agekey|keys/log.key|log/disclosures.log|log/disclosures.checkpoint|outbox/C-[0-9]+.age' "$T/members") $(grep -c '^spool/orig/../.' "$T/members")" \
    "10 $(find "$h/spool/orig" -type f | wc -l)"
is "... not the live store's -wal/-shm, locks, spool/tmp" \
    "$(grep -cE 'roi.db-|\.lock$|^spool/tmp/.|^spool/backup' "$T/members")" 0
is "... the manifest last" "$(tail -1 "$T/members")" "roi-backup.json"
mkdir "$T/x" && tar -xzf "$a" -C "$T/x"
check "the manifest's SHA-256s are the files' (sha256sum -c)" sh -c \
    "cd '$T/x' && jq -r '.files[] | \"\\(.sha256)  \\(.path)\"' roi-backup.json | sha256sum -c --quiet"
mkdir "$T/empty"
"$ROI" restore "$a" "$T/empty" > "$T/out" 2>&1
is "restore into an empty folder" "$?" 0
r=$T/empty
is "... 0700, every file 0600" "$(stat -c %a "$r") $(find "$r" -type f ! -perm 600 | wc -l) $(find "$r" -type d ! -perm 700 | wc -l)" "700 0 0"
check "... the log is the original's, byte for byte" cmp "$h/log/disclosures.log" "$r/log/disclosures.log"
check "... roi log verify passes" "$ROI" -C "$r" log verify
is "... the same cases and releases" "$("$ROI" -C "$r" case list --json | jq -c '[.[].case]') $("$ROI" -C "$r" release list --json | jq -c '[.[] | .case + .state]')" \
    "$("$ROI" -C "$h" case list --json | jq -c '[.[].case]') $("$ROI" -C "$h" release list --json | jq -c '[.[] | .case + .state]')"
check "release open reopens the package made before the backup" "$ROI" -C "$r" release open "$r/outbox/$c1.age" --out "$T/open-rest"
check "... the same manifest and records as opened in the original" diff -r "$T/open-orig" "$T/open-rest"
is "... nothing it lacks" "$(restored_ok "$r")" ""
"$ROI" restore "$a" "$T/empty" > /dev/null 2> "$T/err"
is "restore into a folder that is not empty: refused, one line" "$? $(wc -l < "$T/err")" "1 1"
check "... and the folder is left as it was" cmp "$h/roi.conf" "$T/empty/roi.conf"

# ---- encrypted: to --age, or to [backup] recipient in roi.conf
mkdir -p "$T/e"
"$ROI" -C "$h" backup "$T/e" --age "$bpub" > "$T/e.out" 2> "$T/e.err"
is "encrypted backup: exit 0, no warning" "$? $(wc -l < "$T/e.err")" "0 0"
ea=$(ls "$T/e"/*)
is "... named .tar.gz.age, 0600" "$(basename "$ea" | grep -cE '^roi-backup-[0-9]{8}-[0-9]{6}\.tar\.gz\.age$') $(stat -c %a "$ea")" "1 600"
is "... an age file the stock age opens (a tar with the manifest)" \
    "$(age -d -i "$T/b.key" "$ea" | tar -tz | tail -1)" "roi-backup.json"
"$ROI" restore "$ea" "$T/e1" > /dev/null 2> "$T/err"
is "restore without --identity: refused, one line, nothing made" "$? $(wc -l < "$T/err") $(test -e "$T/e1" && echo made)" "1 1 "
"$ROI" restore "$ea" "$T/e2" --identity "$T/r.key" > /dev/null 2> "$T/err"
is "restore with another identity: refused, one line, nothing made" "$? $(wc -l < "$T/err") $(test -e "$T/e2" && echo made)" "1 1 "
check "restore with the backup's identity" "$ROI" restore "$ea" "$T/e3" --identity "$T/b.key"
check "... its log verifies" "$ROI" -C "$T/e3" log verify
head -c $(( $(stat -c %s "$ea") - 100 )) "$ea" > "$T/cut.age"
"$ROI" restore "$T/cut.age" "$T/e4" --identity "$T/b.key" > /dev/null 2> "$T/err"
is "an encrypted backup cut short: refused, one line, nothing made" "$? $(wc -l < "$T/err") $(test -e "$T/e4" && echo made)" "1 1 "
sed -i "s/^recipient =\$/recipient = $bpub/" "$h/roi.conf"
mkdir -p "$T/c"
"$ROI" -C "$h" backup "$T/c" > /dev/null 2> "$T/err"
is "[backup] recipient in roi.conf: encrypted without --age, no warning" "$(ls "$T/c" | grep -c '\.age$') $(wc -l < "$T/err")" "1 0"
sed -i "s/^recipient = .*/recipient =/" "$h/roi.conf"

# ---- hostile archives (tests/e2e/backup-tamper.py, with Python's tarfile)
python3 tests/e2e/backup-tamper.py "$a" "$T/tam" > "$T/kinds"
refused=0 kinds=0
for kind in $(cat "$T/kinds"); do
	kinds=$((kinds + 1))
	"$ROI" restore "$T/tam/$kind.tar.gz" "$T/t-$kind" > /dev/null 2> "$T/err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l < "$T/err")" = 1 ] && [ ! -e "$T/t-$kind" ]; then
		refused=$((refused + 1))
	else
		diag "$kind: exit $rc, $(wc -l < "$T/err") lines, $(test -e "$T/t-$kind" && echo 'home made')"
	fi
done
is "every hostile archive refused in one line, leaving nothing ($kinds kinds)" "$refused" "$kinds"
is "... no staging folder left, nothing written outside" "$(ls -a "$T" | grep -c restore) $(test -e /tmp/roi-escape && echo escaped)" "0 "
check "an uncompressed tar of a backup restores too" "$ROI" restore "$T/tam/ok-plain.tar" "$T/t-plain"

# ---- refusals and a full disk
"$ROI" -C "$h" backup "$T/nowhere" > /dev/null 2> "$T/err"
is "backup into a folder that does not exist: exit 1, one line" "$? $(wc -l < "$T/err")" "1 1"
"$ROI" -C "$h" backup "$h" > /dev/null 2> "$T/err"
is "backup into the home itself: refused" "$? $(wc -l < "$T/err")" "1 1"
"$ROI" -C "$h" backup "$T/q" --age age1notakey > /dev/null 2> "$T/err"
is "a bad --age recipient: exit 1, one line" "$? $(wc -l < "$T/err")" "1 1"
"$ROI" -C "$T" backup "$T/q" > /dev/null 2> "$T/err"
is "backup of a folder that is not a home: exit 1" "$?" 1
"$ROI" -C "$h" backup > /dev/null 2>&1
is "backup without DIR: usage (2)" "$?" 2
mnt=$T/mnt
mkdir -p "$mnt"
if mount -t tmpfs -o size=96k tmpfs "$mnt" 2> /dev/null; then
	for how in plain age; do
		if [ $how = age ]; then set -- --age "$bpub"; else set --; fi
		"$ROI" -C "$h" backup "$mnt" "$@" > /dev/null 2> "$T/err"
		rc=$?
		is "full disk ($how): exit 1, one line saying so" "$rc $(wc -l < "$T/err") $(grep -c 'No space left' "$T/err")" "1 1 1"
		is "... and no file left behind" "$(ls -A "$mnt" | wc -l)" 0
	done
	umount "$mnt"
else
	echo "ok - # SKIP full disk: cannot mount a tmpfs (not root)"
fi

# ---- purge: retention
# decisions and releases carry the real clock: judge "today" seven years on
later=$(date -d '+7 years' +%Y-%m-%dT09:00:00)
before=$(printf '%s\n%s\n' 2027-01-01 "$(date -d tomorrow +%F)" | sort | tail -1)
files_before=$(find "$h/spool/orig" "$h/outbox" "$h/quarantine" -type f | wc -l)
ROI_NOW=$later "$ROI" -C "$h" purge --before "$before" --dry-run --json > "$T/dry.json"
is "dry run: exit 0" "$?" 0
is "... the decided cases whose authorization ended: C1-C3 released, C5 rejected" \
    "$(jq -c '.cases' "$T/dry.json")" "[\"$c1\",\"$c2\",\"$c3\",\"$c5\"]"
is "... their packages" "$(jq -c '.packages' "$T/dry.json")" "[\"$c1\",\"$c2\",\"$c3\"]"
is "... 8 originals (request and record of each), the quarantined input" \
    "$(jq -c '[(.documents | length), (.inputs | length)]' "$T/dry.json")" "[8,1]"
is "... C4 kept: its authorization runs to 2040" \
    "$(jq -r ".kept[] | select(.case == \"$c4\") | .why" "$T/dry.json")" "authorization in effect until 2040-12-31"
is "... the batch's requests kept: never reviewed" \
    "$(jq '[.kept[] | select(.why == "never reviewed")] | length' "$T/dry.json")" 6
ROI_NOW=$later "$ROI" -C "$h" purge --before "$before" --dry-run > "$T/dry.txt"
is "... ids only: no patient or file name in its output" \
    "$(cat "$T/dry.txt" "$T/dry.json" | grep -ciE 'jordan|sample|req[0-9]|garbage|note[0-9]|\.pdf')" 0
is "... and nothing changed" "$(find "$h/spool/orig" "$h/outbox" "$h/quarantine" -type f | wc -l) $(sqlite3 "$h/roi.db" 'SELECT count(*) FROM purges')" \
    "$files_before 0"
# what the purge must take and keep
gone=$(for d in $(jq -r '.documents[]' "$T/dry.json"); do "$ROI" -C "$h" doc list --json | jq -r ".[] | select(.doc == $d) | .sha256"; done)
kept=$("$ROI" -C "$h" doc list --json | jq -r ".[] | select(.doc as \$d | [$(jq -r '.documents | join(",")' "$T/dry.json")] | index(\$d) | not) | .sha256")
cp "$h/log/disclosures.log" "$T/log.before"
cases_before=$("$ROI" -C "$h" case list --json | jq -c '[.[].case]')
ROI_NOW=$later "$ROI" -C "$h" purge --before "$before" > "$T/purge.out" 2>&1
is "purge: exit 0" "$?" 0
left=0
for s in $gone; do [ -e "$h/spool/orig/$(echo "$s" | cut -c1-2)/$s" ] && left=$((left + 1)); done
is "the 8 originals are gone" "$left" 0
missing=0
for s in $kept; do [ -e "$h/spool/orig/$(echo "$s" | cut -c1-2)/$s" ] || missing=$((missing + 1)); done
is "every other original stays ($(echo "$kept" | wc -w), C4's and the open cases')" "$missing" 0
is "packages: C1-C3 gone, C4's stays" "$(ls "$h/outbox" | tr '\n' ' ')" "$c4.age "
is "the quarantined file and its reason are gone" "$(ls "$h/quarantine" | wc -l)" 0
is "page text and words of the purged documents are gone" \
    "$(sqlite3 "$h/roi.db" "SELECT (SELECT count(*) FROM words WHERE doc_id IN (SELECT id FROM documents WHERE purged IS NOT NULL)) + (SELECT count(*) FROM pages WHERE text IS NOT NULL AND doc_id IN (SELECT id FROM documents WHERE purged IS NOT NULL))")" 0
check "the log is untouched, byte for byte" cmp "$T/log.before" "$h/log/disclosures.log"
check "... and verifies (roi-verify)" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
check "... and roi log verify" "$ROI" -C "$h" log verify
is "the accounting still lists the four disclosures (from the log)" \
    "$("$ROI" -C "$h" log accounting --patient P001 --format json | jq length)" 4
is "cases stay" "$("$ROI" -C "$h" case list --json | jq -c '[.[].case]')" "$cases_before"
is "decisions stay: C1 approved, C5 rejected with its reason" \
    "$("$ROI" -C "$h" review show "$c1" --json | jq -r .review) $("$ROI" -C "$h" review show "$c5" --json | jq -r .review)" "approved rejected"
is "release list: C1's package purged, C4's not" \
    "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c1\" or .case == \"$c4\") | .purged" | sort | tr '\n' ' ')" "false true "
is "the purge is recorded: who, the date, what it took" \
    "$(sqlite3 -separator ' ' "$h/roi.db" 'SELECT who, before, cases, documents, packages, inputs FROM purges')" "$me $before 4 8 3 1"
is "... and in each document's history" "$(sqlite3 "$h/roi.db" "SELECT count(*) FROM events WHERE what LIKE 'purged (purge 1)%'")" 9
ROI_NOW=$later "$ROI" -C "$h" purge --before "$before" > "$T/again.out" 2>&1
is "a second purge: nothing to purge, nothing recorded" \
    "$(grep -c 'nothing to purge' "$T/again.out") $(sqlite3 "$h/roi.db" 'SELECT count(*) FROM purges')" "1 1"
# the same bytes sent again: a new document, read again (not a duplicate of a purged one)
cp "$T/req1.pdf" "$h/inbox/requests/again.pdf"
run_once "$h" > /dev/null 2>&1
is "C1's request sent again after the purge: read as new, its text there" \
    "$("$ROI" -C "$h" doc list --json | jq -r '.[] | select(.name == "again.pdf") | .state') $("$ROI" -C "$h" doc text "$("$ROI" -C "$h" doc list --json | jq -r '.[] | select(.name == "again.pdf") | .doc')" | grep -qi 'authoriz' && echo read)" \
    "done read"

# refusals
"$ROI" -C "$h" purge --before "$(date -d '-1 year' +%F)" > /dev/null 2> "$T/err"
is "a date inside the six years: refused, one line citing 164.530(j)" "$? $(wc -l < "$T/err") $(grep -c '164.530(j)' "$T/err")" "1 1 1"
"$ROI" -C "$h" purge --before "$(date -d '-1 year' +%F)" --dry-run --override "court order 12-345" > /dev/null 2> "$T/err"
is "... allowed with --override REASON, which is said" "$? $(grep -c 'court order' "$T/err")" "0 1"
"$ROI" -C "$h" purge --before 2020-02-30 > /dev/null 2>&1
is "a date that is none: usage (2)" "$?" 2
"$ROI" -C "$h" purge --before "$(date -d '+1 day' +%F)" --override x > /dev/null 2>&1
is "a date after today: refused" "$?" 1
"$ROI" -C "$h" purge --dry-run > /dev/null 2>&1
is "no --before: usage (2)" "$?" 2
printf '[retention]\nyears = 5\n' >> "$h/roi.conf"
"$ROI" -C "$h" purge --before 2000-01-01 --dry-run > /dev/null 2> "$T/err"
is "[retention] years below six: roi.conf refused" "$? $(grep -c 'years' "$T/err")" "1 1"
for c in backup restore purge; do
	check "roi $c --help exits 0" "$ROI" $c --help
done
