#!/bin/sh
# demo.sh - make demo: a demo practice home, the bundled sample faxes
# (generated from fixtures/src by tools/mkfax) dropped in, the pipeline run
# until idle, then what the front office would look at.
set -eu
build=${1:-build}
roi=$build/roi
demo=${DEMO_HOME:-$build/demo}
fix=$build/fixtures

if [ ! -f "$fix/.stamp" ]; then
	mkdir -p "$fix"
	"$build/mkfax" -o "$fix" > /dev/null
	"$build/mkfax" --bad "$fix/bad" > /dev/null
	touch "$fix/.stamp"
fi
rm -rf "$demo"
"$roi" init "$demo" > /dev/null
sed -i 's/^name = Our Practice$/name = Lakeside Behavioral Health (demo)/' "$demo/roi.conf"

echo "== demo home: $demo"
echo "== dropping sample faxes into $demo/inbox/requests/"
n=0
for f in "$fix"/*.fine.tif "$fix"/*.std.tif "$fix"/*.300.pdf "$fix"/*.text.pdf; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	[ $n -le 8 ] || break
	b=$(basename "$f")
	cp "$f" "$demo/inbox/requests/$b"
	echo "   $b"
done
cp "$fix/bad/encrypted.pdf" "$demo/inbox/requests/locked-request.pdf"
echo "   locked-request.pdf (a password-protected PDF: it will be quarantined)"

echo "== roi -C $demo run --once"
start=$(date +%s)
OMP_THREAD_LIMIT=1 "$roi" -C "$demo" run --once
echo "   (took $(( $(date +%s) - start )) s)"
echo
echo "== roi -C $demo status"
"$roi" -C "$demo" status
first=$("$roi" -C "$demo" doc list --json | sed -n 's/.*"doc": \([0-9]*\).*/\1/p' | head -1)
echo
echo "== roi -C $demo doc text $first"
"$roi" -C "$demo" doc text "$first"
echo
echo "== try it yourself: roi -C $demo doc list | doc show ID | doc text ID"
