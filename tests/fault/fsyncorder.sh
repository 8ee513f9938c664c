#!/bin/sh
# fsyncorder.sh - the order of renames and fsyncs in the release hand-off,
# read from strace: a package moved to outbox/ is followed, in the same
# process, by an fsync of outbox/ itself, before that process moves
# anything else (spool_fsync_dir after the rename in chainlog.c publish).
# kill -9 (tests/fault/handoff.sh) cannot see a missing directory fsync:
# the page cache outlives the process, only a power cut loses the rename.
. tests/e2e/lib.sh

if ! command -v strace > /dev/null 2>&1; then
	ok "# SKIP strace not installed (tools/deps.sh test)"
	exit 0
fi
export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome fsyncorder)
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
"$MKFAX" -o "$T" fixtures/src/authorization.txt fixtures/src/records/labs.txt > /dev/null 2>&1
cp "$T/authorization.text.pdf" "$h/inbox/requests/a.pdf"
run_once "$h" > /dev/null 2>&1
c=$("$ROI" -C "$h" case list --json | jq -r '.[0].case')
mkdir -p "$h/inbox/records/$c"
cp "$T/labs.text.pdf" "$h/inbox/records/$c/labs.pdf"
check "request and record read" run_once "$h"
age-keygen -o "$T/r.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/r.key")" > /dev/null
check "approved" "$ROI" -C "$h" review approve "$c"

# the release, traced: -y names each descriptor's file
timeout 900 strace -f -y -qq -o "$T/trace" -e trace=rename,renameat,renameat2,fsync,fdatasync \
    "$ROI" -C "$h" run --once > "$T/run" 2>&1
check "released" test -f "$h/outbox/$c.age"
# PID rename(...) / renameat(...) / fsync(FD</path>) lines, in the order they ran
outbox=$(cd "$h/outbox" && pwd -P)
awk -v out="$outbox" '
	# a move into outbox/: wait for that process to fsync outbox/
	/ rename(at2?)?\(/ && index($0, "\"" out "/") {
		pid = $1
		if (pid in waiting) { bad = bad "moved twice before an fsync; " }
		waiting[pid] = 1
		moves++
		next
	}
	/ rename(at2?)?\(/ { if ($1 in waiting) { bad = bad "another rename before outbox/ was synced; " } next }
	/ f(data)?sync\(/ && index($0, "<" out ">") { if ($1 in waiting) { delete waiting[$1]; synced++ } next }
	END {
		for (p in waiting) bad = bad "process " p " never synced outbox/ after its move; "
		printf "%d %d %s\n", moves, synced, bad
	}' "$T/trace" > "$T/order"
read -r moves synced rest < "$T/order"
is "one package moved into outbox/" "$moves" 1
is "... and outbox/ fsynced after the move, by the process that moved it" "$synced" 1
is "... with nothing in between" "$rest" ""
[ "$synced" = 1 ] || { diag "trace:"; grep -e rename -e sync "$T/trace" | tail -20 | sed 's/^/# /'; }
