#!/bin/sh
# daemon.sh - roi run as a daemon: inotify pick-up, files still being
# written are not taken early, one supervisor per home, SIGHUP with a bad
# config keeps it running, SIGTERM drains and exits 0.
. tests/e2e/lib.sh

h=$(newhome daemon "settle_ms = 700" "scan_interval = 60")
"$ROI" -C "$h" run > "$T/run.log" 2>&1 &
pid=$!
sleep 0.5

# wait_for SECONDS EXPR - poll roi status --json until EXPR is true
wait_for() {
	i=0
	while [ $i -lt $(($1 * 10)) ]; do
		[ "$(jqs "$h" "$2")" = true ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

is "status sees the supervisor" "$(jqs "$h" .supervisor.running)" true
"$ROI" -C "$h" run --once > "$T/out" 2>&1
is "a second roi run on the same home is refused" $? 1

# a slow writer: half the file, a pause longer than settle_ms would allow
# if mtime were not watched, then the rest
f=$(ls "$FIX"/*.text.pdf | head -1)
size=$(stat -c %s "$f")
half=$((size / 2))
head -c $half "$f" > "$h/inbox/requests/slow.pdf"
sleep 0.5
tail -c +$((half + 1)) "$f" >> "$h/inbox/requests/slow.pdf"
# an SFTP-style upload: written as .part, renamed when complete (IN_MOVED_TO)
g=$(ls "$FIX"/*.text.pdf | sed -n 2p)
cp "$g" "$h/inbox/requests/sftp.pdf.part"
mv "$h/inbox/requests/sftp.pdf.part" "$h/inbox/requests/sftp.pdf"
if wait_for 60 '.inputs.done == 2'; then ok "both picked up by inotify and done"; else not_ok "not done: $(jqs "$h" .inputs)"; fi
is "the slow file was taken whole (not quarantined)" "$(jqs "$h" .inputs.quarantine)" 0
d=$("$ROI" -C "$h" doc list --json | jq -r '.[] | select(.name == "slow.pdf") | .sha256')
is "the slow file's stored original is the whole file" "$d" "$(sha256sum "$f" | cut -d' ' -f1)"

# a corrupt file while running: quarantined, the daemon keeps going
cp "$FIX/bad/garbage.tif" "$h/inbox/requests/corrupt.tif"
if wait_for 30 '.inputs.quarantine == 1'; then ok "corrupt file quarantined while running"; else not_ok "corrupt file not quarantined"; fi
check "reason file beside it" test -s "$h/quarantine/corrupt.tif.reason"
check "still running after a corrupt file" kill -0 $pid

# SIGHUP with a broken roi.conf: warning, keeps running
cp "$h/roi.conf" "$T/conf.good"
echo "bogus line" >> "$h/roi.conf"
kill -HUP $pid
sleep 0.5
check "still running after SIGHUP with a bad roi.conf" kill -0 $pid
cp "$T/conf.good" "$h/roi.conf"

# SIGTERM while a fax is being read: it finishes, then roi exits 0
x=$(ls "$FIX"/*.fine.tif | head -1)
cp "$x" "$h/inbox/requests/late.tif"
wait_for 30 '.inputs.in_progress >= 1 or .inputs.done == 3' || true
kill -TERM $pid
wait $pid
is "SIGTERM: exit 0" $? 0
st=$("$ROI" -C "$h" status --json | jq -r '.inputs | "\(.done + .in_progress)"')
is "the late fax is accounted for" "$st" 3
is "status shows the supervisor stopped" "$(jqs "$h" .supervisor.running)" false
check "run --once finishes what is left" run_once "$h"
is "all three done" "$(jqs "$h" .inputs.done)" 3
