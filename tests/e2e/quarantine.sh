#!/bin/sh
# quarantine.sh - each kind of bad input lands in quarantine/ with a one-line
# reason, the original kept byte for byte, while good input beside it is done.
. tests/e2e/lib.sh

h=$(newhome quar)
B=$FIX/bad
for f in empty.pdf truncated.pdf encrypted.pdf notadoc.pdf huge.png huge.tif garbage.tif; do
	[ -f "$B/$f" ] && cp "$B/$f" "$h/inbox/requests/$f" || not_ok "fixture $f missing"
done
good=$(ls "$FIX"/*.text.pdf | head -1)
cp "$good" "$h/inbox/requests/good.pdf"

check "roi run --once finishes despite bad input" run_once "$h"
is "the good file is done" "$(jqs "$h" '.recent[] | select(.name == "good.pdf") | .state')" done

# reason file: exactly one line, starts with the expected words
want() {
	f=$1
	prefix=$2
	r=$h/quarantine/$f.reason
	if [ ! -f "$r" ]; then
		not_ok "$f: no quarantine reason file"
		return
	fi
	is "$f: reason is one line" "$(wc -l < "$r")" 1
	case "$(cat "$r")" in
	"$prefix"*) ok "$f: reason '$(cat "$r")'" ;;
	*) not_ok "$f: reason '$(cat "$r")', want '$prefix...'" ;;
	esac
	check "$f: original kept byte for byte" cmp "$B/$f" "$h/quarantine/$f"
	is "$f: reason shown by roi status" \
	    "$(jqs "$h" ".quarantine[] | select(.file == \"$f\") | .reason" | cut -c1-${#prefix})" "$prefix"
}
want empty.pdf "empty file"
want notadoc.pdf "not a PDF, TIFF, PNG or JPEG"
want encrypted.pdf "encrypted PDF"
want huge.png "image too large"
want huge.tif "image too large"
want garbage.tif ""
# a truncated PDF is either repaired and read, or quarantined with a reason
st=$("$ROI" -C "$h" status --json | jq -r '[.recent[], .quarantine[]] | map(select(.name == "truncated.pdf")) | length')
is "truncated.pdf ends in exactly one place" "$st" 1
is "no input left in progress" "$(jqs "$h" .inputs.in_progress)" 0
