#!/bin/sh
# benchserve.sh - the review pages under load (make bench-serve): a case
# with a 200-page record (the generated progress notes, 100 times, read
# by roi run --once like any other), five reviewers at once opening it and
# fetching every page picture three times (tools/benchserve.py): the first
# page of the case, and the p95 of a cached picture.  Not a timed test.
# usage: tools/benchserve.sh BUILD_DIR
set -eu
b=$1
T=$(mktemp -d /tmp/roi-benchserve.XXXXXX)
trap 'kill $spid 2> /dev/null; rm -rf "$T"' EXIT
spid=
h=$T/home
"$b/roi" init "$h" > /dev/null
sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health/' "$h/roi.conf"
printf '[pipeline]\nsettle_ms = 100\nretry_base = 0\n' >> "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$b/roi" -C "$h" patient import "$T/p.csv" > /dev/null
"$b/mkfax" -o "$T" fixtures/src/authorization.txt fixtures/src/records/progress-notes.txt > /dev/null 2>&1
qpdf --empty --pages $(for i in $(seq 100); do printf '%s ' "$T/progress-notes.text.pdf"; done) -- "$T/big.pdf"
cp "$T/authorization.text.pdf" "$h/inbox/requests/request.pdf"
OMP_THREAD_LIMIT=1 "$b/roi" -C "$h" run --once > /dev/null 2>&1
c=$("$b/roi" -C "$h" case list --json | jq -r '.[0].case')
mkdir -p "$h/inbox/records/$c"
cp "$T/big.pdf" "$h/inbox/records/$c/"
t0=$(date +%s)
OMP_THREAD_LIMIT=1 "$b/roi" -C "$h" run --once > /dev/null 2>&1
echo "serve bench: a 200-page record read and classified in $(( $(date +%s) - t0 )) s"
for u in r1 r2 r3 r4 r5; do
	printf 'bench password 1\n' | "$b/roi" -C "$h" user add $u --role reviewer > /dev/null
done
"$b/roi" -C "$h" serve --listen 127.0.0.1:0 > "$T/serve.out" 2> "$T/serve.err" &
spid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do grep -q 'are at' "$T/serve.out" 2> /dev/null && break; sleep 0.5; done
url=$(sed -n 's/.*are at \(http:[^ ]*\) .*/\1/p' "$T/serve.out")
echo "serve bench: first visit (pictures drawn as asked for):"
/usr/bin/python3 tools/benchserve.py "$url" "${c#C-}" 'bench password 1' r1 r2 r3 r4 r5 | sed 's/^/  /'
echo "serve bench: again, every picture cached:"
/usr/bin/python3 tools/benchserve.py "$url" "${c#C-}" 'bench password 1' r1 r2 r3 r4 r5 | sed 's/^/  /'
