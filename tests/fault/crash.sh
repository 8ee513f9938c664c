#!/bin/sh
# crash.sh - kill -9 `roi run` at random moments during a batch, restart,
# repeat; then every input must end exactly once in done or quarantine, the
# inbox and spool/incoming empty, every document fully read, no page stored
# twice.  Seeded (CRASH_SEED) so a failure can be replayed.
. tests/e2e/lib.sh

seed=${CRASH_SEED:-$$}
diag "seed $seed"
h=$(newhome crash)
n=0
for f in "$FIX"/*.text.pdf "$FIX"/*.300.pdf; do
	for k in 1 2; do
		# vary the bytes so each drop is a distinct document
		cp "$f" "$h/inbox/requests/c$n.pdf"
		printf '\n%% copy %d\n' $n >> "$h/inbox/requests/c$n.pdf"
		n=$((n + 1))
	done
done
cp "$h/inbox/requests/c0.pdf" "$h/inbox/requests/dup.pdf"	# a duplicate
n=$((n + 1))
diag "$n inputs"

# a small LCG for sleep times between 0.05 and 1.5 s
r=$seed
rnd() { r=$(( (r * 1103515245 + 12345) % 2147483648 )); echo $(( r % 1450 + 50 )); }
kills=0
for round in 1 2 3 4 5 6 7 8 9 10 11 12; do
	"$ROI" -C "$h" run > /dev/null 2>&1 &
	pid=$!
	ms=$(rnd)
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -9 $pid 2>/dev/null && kills=$((kills + 1))
	wait $pid 2>/dev/null
	# stage processes die with the supervisor (PR_SET_PDEATHSIG)
	sleep 0.1
done
diag "$kills kill -9 during the batch"
check "a last run --once completes" run_once "$h"

total=$(jqs "$h" .inputs.total)
is "every input recorded exactly once" "$total" "$n"
is "all done or duplicate" "$(jqs "$h" '.inputs.done + .inputs.duplicate')" "$n"
is "exactly one duplicate" "$(jqs "$h" .inputs.duplicate)" 1
is "nothing in quarantine" "$(ls "$h/quarantine" | wc -l)" 0
is "inbox empty" "$(ls "$h/inbox/requests" | wc -l)" 0
is "spool/incoming empty" "$(ls "$h/spool/incoming" | wc -l)" 0
is "spool/tmp empty" "$(ls "$h/spool/tmp" | wc -l)" 0
docs=$("$ROI" -C "$h" doc list --json)
is "one document per distinct input" "$(echo "$docs" | jq length)" $((n - 1))
is "every document done" "$(echo "$docs" | jq '[.[] | select(.state != "done")] | length')" 0
is "every page read" "$(echo "$docs" | jq '[.[] | select(.pages_done != .pages)] | length')" 0
# originals kept: one per document, each matching its hash
bad=0
for s in $(echo "$docs" | jq -r '.[].sha256'); do
	p=$h/spool/orig/$(echo "$s" | cut -c1-2)/$s
	[ "$(sha256sum "$p" 2>/dev/null | cut -d' ' -f1)" = "$s" ] || bad=$((bad + 1))
done
is "every original stored under its SHA-256" "$bad" 0
