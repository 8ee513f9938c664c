#!/bin/sh
# diskfull.sh - the home's disk fills up during a batch: `roi run --once`
# stops with a one-line error and a non-zero exit, no input is lost or
# quarantined for it, nothing half-written appears; once space is freed
# the next run finishes every input exactly once.
# Needs root for a small tmpfs (CI runs as root); skipped otherwise.
. tests/e2e/lib.sh

mnt=$T/mnt
mkdir -p "$mnt"
if ! mount -t tmpfs -o size=3m tmpfs "$mnt" 2>/dev/null; then
	echo "ok - # SKIP cannot mount a tmpfs (not root)"
	exit 0
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
h=$mnt/home
"$ROI" init "$h" > /dev/null
printf '[pipeline]\nsettle_ms = 0\nretry_base = 0\nworkers = 2\nmax_attempts = 2\n' >> "$h/roi.conf"
n=0
for f in "$FIX"/*.text.pdf "$FIX"/*.fine.tif; do
	cp "$f" "$h/inbox/requests/d$n.${f##*.}" || break
	n=$((n + 1))
	[ $n -lt 6 ] || break
done
# fill the disk but for a little room, so it runs out part-way through
free=$(df -k "$mnt" | awk 'NR==2 {print $4}')
dd if=/dev/zero of="$mnt/filler" bs=1k count=$((free - ${DISKFULL_ROOM:-96})) > /dev/null 2>&1
diag "$n drops, $(df -k "$mnt" | awk 'NR==2 {print $4}') KiB left"


timeout 300 "$ROI" -C "$h" run --once > "$T/out" 2>&1
rc=$?
is "run --once on a full disk exits 1" $rc 1
last=$(tail -1 "$T/out")
case "$last" in
*"stopped before finishing"*) ok "it says why: $last" ;;
*) not_ok "last line: $last" ;;
esac
q=$(ls "$h/quarantine" | wc -l)
is "nothing quarantined because of the disk" "$q" 0
# every drop is somewhere: still in the inbox, or recorded in the store
left=$(ls "$h/inbox/requests" | wc -l)
rec=$(sqlite3 "$h/roi.db" "select count(*) from inputs" 2>/dev/null || echo 0)
is "every drop is in the inbox or in the store" $((left + rec)) $n

rm -f "$mnt/filler"
check "after freeing space, run --once finishes" run_once "$h"
is "every input done" "$(jqs "$h" .inputs.done)" $n
is "none in quarantine" "$(jqs "$h" .inputs.quarantine)" 0
is "inbox empty" "$(ls "$h/inbox/requests" | wc -l)" 0
is "spool/incoming empty" "$(ls "$h/spool/incoming" | wc -l)" 0
is "no temporary files left" "$(ls "$h/spool/tmp" | wc -l)" 0
check "the store is intact" sh -c "sqlite3 '$h/roi.db' 'pragma integrity_check' | grep -qx ok"
