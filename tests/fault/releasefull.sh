#!/bin/sh
# releasefull.sh - the disk fills up while an approved case is being
# packaged and released, with a little room left (three amounts, so it
# runs out at different steps): `roi run --once` fails with a one-line
# reason, no package is in outbox/, the log holds no entry, nothing
# half-written is left; once space is freed the next run releases it
# exactly once, with one log entry that verifies.  Needs root for a small
# tmpfs; skipped otherwise.
. tests/e2e/lib.sh

mnt=$T/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=24m tmpfs "$mnt" 2>/dev/null; then
	echo "ok - # SKIP cannot mount a tmpfs (not root)"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
export ROI_NOW=2026-03-02T09:00:00
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$MKFAX" -o "$T" fixtures/src/records/labs.txt fixtures/src/records/intake-assessment.txt > /dev/null 2>&1
age-keygen -o "$T/r.key" 2> /dev/null

for room in ${RELEASEFULL_ROOM:-30 200 500}; do
	h=$mnt/home$room
	"$ROI" init "$h" > /dev/null
	printf '[pipeline]\nsettle_ms = 0\nretry_base = 0\nworkers = 2\nmax_attempts = 2\n' >> "$h/roi.conf"
	sed -i "s/^reviewers =\$/reviewers = $(id -un)/" "$h/roi.conf"
	sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health/' "$h/roi.conf"
	"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
	cp "$FIX/authorization.text.pdf" "$h/inbox/requests/request.pdf"
	run_once "$h" > /dev/null 2>&1
	c=$("$ROI" -C "$h" case list --json | jq -r '.[0].case')
	mkdir -p "$h/inbox/records/$c"
	cp "$T/labs.text.pdf" "$T/intake-assessment.text.pdf" "$h/inbox/records/$c/"
	run_once "$h" > /dev/null 2>&1
	"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/r.key")" > /dev/null
	"$ROI" -C "$h" review approve "$c" > /dev/null || not_ok "$room: approve"
	free=$(df -k "$mnt" | awk 'NR==2 {print $4}')
	dd if=/dev/zero of="$mnt/filler" bs=1k count=$((free - room)) > /dev/null 2>&1
	run_once "$h" > "$T/run" 2>&1
	is "$room KiB left: run --once fails" "$([ $? -ne 0 ] && echo failed)" failed
	sed 's/^/# /' "$T/run" | grep -i 'space\|full' | head -1
	is "$room KiB left: nothing in outbox/, no log entry" \
	    "$(find "$h/outbox" -type f | wc -l) $(cat "$h/log/disclosures.log" 2>/dev/null | wc -l)" "0 0"
	rm -f "$mnt/filler"
	check "$room KiB left, then freed: the next run completes" run_once "$h"
	is "$room: released once, one package in outbox/, one log entry" \
	    "$("$ROI" -C "$h" release list --json | jq -r '[.[] | select(.state == "released")] | length') $(find "$h/outbox" -type f | wc -l) $(wc -l < "$h/log/disclosures.log")" \
	    "1 1 1"
	check "$room: the log verifies" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
	is "$room: nothing half-written left" "$(find "$h/spool" "$h/log" "$h/outbox" -name '*.tmp' | wc -l)" 0
	rm -rf "$h"
done
