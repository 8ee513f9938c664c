#!/bin/sh
# complete.sh - help where people look for it (issue 21): every man page
# renders without a warning, the bash completion offers commands,
# subcommands, a case id of the home and a recipient's name, and knows
# every command roi help lists.
. tests/e2e/lib.sh

# (man from man-db: tools/deps.sh test installs it)
for m in docs/man/*.[15]; do
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=w -l "$m" 2>&1 > /dev/null)
	is "man -l $m: no warnings" "$out" ""
	check "... it has a NAME and a SYNOPSIS" sh -c "MANWIDTH=80 man -l '$m' 2>/dev/null | grep -q '^SYNOPSIS'"
done
for m in roi roi-review roi-panel roi-noshow roi-verify; do
	check "$m(1) is there" test -s "docs/man/$m.1"
done
check "roi.conf(5) is there" test -s docs/man/roi.conf.5
# every key roi init writes is in roi.conf(5)
h=$(newhome complete)
for k in $(sed -n 's/^\([a-z_]*\) =.*/\1/p' "$h/roi.conf" | sort -u); do
	check "roi.conf(5) explains $k" grep -q "$k" docs/man/roi.conf.5
done

# a case and a recipient to complete
f=$(ls "$FIX"/*.text.pdf | head -1)
cp "$f" "$h/inbox/requests/a.pdf"
check "run --once" run_once "$h"
cs=$("$ROI" -C "$h" case list --json | jq -r '.[0].case')
check "a recipient with blanks in its name" "$ROI" -C "$h" recipient add "Harbor Law Group" --zip
mkdir "$T/bin"
ln -s "$ROI" "$T/bin/roi"
# complete WORDS... - what the completion offers for the last word
complete_words() {
	PATH="$T/bin:$PATH" bash -c '
		. tools/roi-completion.bash
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_roi
		printf "%s\n" "${COMPREPLY[@]}"' roi "$@"
}
is "commands" "$(complete_words roi rev)" review
is "subcommands" "$(complete_words roi review ap)" approve
is "a case id of the home" "$(complete_words roi -C "$h" review show C-)" "$cs"
is "... for auth show too" "$(complete_words roi -C "$h" auth show '')" "$cs"
is "a recipient's name, quoted" "$(complete_words roi -C "$h" review approve "$cs" --to Har)" 'Harbor\ Law\ Group'
is "a role of roi user" "$(complete_words roi user add pat --role re)" reviewer
is "review restore takes a case id" "$(complete_words roi -C "$h" review restore C-)" "$cs"
is "-C DIR: folders" "$(complete_words roi -C "$T/bi")" "$T/bin"
for c in $("$ROI" help | sed -n 's/^  roi \([a-z]*\).*/\1/p'); do
	check "the completion knows roi $c" grep -q "^_roi_commands=\".*\\<$c\\>" tools/roi-completion.bash
done
