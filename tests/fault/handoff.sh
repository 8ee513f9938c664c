#!/bin/sh
# handoff.sh - kill -9 at each step of the release hand-off: after the
# package is written, before and after the log entry's commit, in the
# middle of writing its line, after the line, after the checkpoint, after
# the move to outbox/.  After each, the next run must complete: the log
# verifies with roi-verify, every released package is in outbox/ exactly
# once with exactly one log entry whose SHA-256 is the package's, nothing
# is in outbox/ without its entry, and no temporary file is left.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome handoff)
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
"$MKFAX" -o "$T" fixtures/src/records/labs.txt > /dev/null 2>&1
POINTS="package:after-write disclose:before-commit disclose:after-commit disclose:mid-line
disclose:after-line disclose:after-checkpoint disclose:after-move"
d=10
for p in $POINTS none; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/a$d.txt"
	"$MKFAX" -o "$T" "$T/a$d.txt" > /dev/null 2>&1
	cp "$T/a$d.text.pdf" "$h/inbox/requests/a$d.pdf"
	d=$((d + 1))
done
run_once "$h" > /dev/null 2>&1
cases=$("$ROI" -C "$h" case list --json | jq -r '.[].case')
for c in $cases; do
	mkdir -p "$h/inbox/records/$c"
	cp "$T/labs.text.pdf" "$h/inbox/records/$c/labs.pdf"
done
check "records read and classified" run_once "$h"
age-keygen -o "$T/r.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/r.key")" > /dev/null

# invariants - the hand-off is whole
invariants() {
	what=$1
	rel=$("$ROI" -C "$h" release list --json)
	"$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub" > "$T/v" 2>&1 ||
	    { not_ok "$what: the log verifies"; sed 's/^/# /' "$T/v"; return; }
	n=$(echo "$rel" | jq '[.[] | select(.state == "released")] | length')
	is "$what: one log entry per released package" "$(wc -l < "$h/log/disclosures.log")" "$n" || return
	is "$what: no case twice in the log" "$(cut -d' ' -f4 "$h/log/disclosures.log" | sort | uniq -d | wc -l)" 0
	is "$what: outbox holds exactly the released packages" "$(ls "$h/outbox" | grep -c '\.age$')" "$n"
	bad=0
	for c in $(echo "$rel" | jq -r '.[] | select(.state == "released") | .case'); do
		f=$h/outbox/$c.age
		s=$(awk -v c="$c" '$4 == c { print $8 }' "$h/log/disclosures.log")
		[ -f "$f" ] && [ "$(sha256sum "$f" | cut -c1-64)" = "$s" ] || bad=$((bad + 1))
	done
	is "$what: each package's SHA-256 is its entry's" "$bad" 0
	is "$what: nothing waits or is left half-written" \
	    "$(find "$h/spool/packages" "$h/spool/tmp" "$h/log" -name '*.tmp' | wc -l) $(ls "$h/spool/packages" | wc -l)" "0 0"
}

# one approved case per crash point
set -- $cases
for p in $POINTS; do
	c=$1
	shift
	"$ROI" -C "$h" review approve "$c" > /dev/null 2>&1 || not_ok "approve $c"
	f=$T/fired.$(echo "$p" | tr ':' '-')
	ROI_FAULT=$p ROI_FAULT_FILE=$f run_once "$h" > "$T/run" 2>&1
	check "$p: the crash happened" test -f "$f"
	[ "$p" = disclose:before-commit ] && cp "$h/log/disclosures.checkpoint" "$T/old.checkpoint"
	invariants "$p"
done
# the last case: no crash; then an older checkpoint still holds
"$ROI" -C "$h" review approve "$1" > /dev/null 2>&1
run_once "$h" > /dev/null 2>&1
invariants "no crash"
check "an older checkpoint: the log only grew since" \
    "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub" --checkpoint "$T/old.checkpoint"
check "roi log verify agrees" "$ROI" -C "$h" log verify
is "8 releases, 8 entries" "$(wc -l < "$h/log/disclosures.log")" 8
