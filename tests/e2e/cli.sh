#!/bin/sh
# cli.sh - the command contract: exit codes 0/1/2, one-line errors, --help
# everywhere, duplicates recorded once, a bad roi.conf named by its line.
. tests/e2e/lib.sh

h=$(newhome cli)
for c in "" "init" "run" "status" "doc" "case" "auth" "patient" "rules" "review" "recipient" "release"; do
	check "roi $c --help exits 0" "$ROI" $c --help
done
"$ROI" frobnicate > "$T/out" 2>&1
is "unknown command exits 2" $? 2
is "unknown command: one line" "$(wc -l < "$T/out")" 1
# a typo gets what was meant (issue 21), also a review word typed alone
for typo in "reveiw:roi review" "stauts:roi status" "aprove:roi review approve" \
    "verfy:roi log verify"; do
	is "'roi ${typo%%:*}': did you mean '${typo#*:}'?" \
	    "$("$ROI" "${typo%%:*}" 2>&1)" "roi: unknown command '${typo%%:*}': did you mean '${typo#*:}'?"
done
is "'roi review aprove': did you mean 'roi review approve'?" \
    "$("$ROI" -C "$h" review aprove C-1 2>&1; echo "exit $?")" \
    "roi: review: unknown subcommand 'aprove': did you mean 'roi review approve'?
exit 2"
is "'roi log verfy': did you mean 'roi log verify'?" "$("$ROI" -C "$h" log verfy 2>&1)" \
    "roi: log: unknown subcommand 'verfy': did you mean 'roi log verify'?"
is "a subcommand far from any: one line, where to look" "$("$ROI" -C "$h" doc zzz 2>&1)" \
    "roi: doc: unknown subcommand 'zzz' (roi help doc)"
is "roi help review: review's help, not the general one" \
    "$("$ROI" help review | head -1)" "$("$ROI" review --help | head -1)"
check "... which is not the general usage" sh -c "'$ROI' help review | grep -q 'review show CASE'"
is "roi version as well as --version" "$("$ROI" version)" "$("$ROI" --version)"
is "status outside a home: says -C and ROI_HOME" \
    "$(cd "$T" && "$ROI" status 2>&1)" \
    "roi: the current folder is not a roi home: give one with 'roi -C DIR status' or ROI_HOME=DIR (roi init DIR makes one)"
is "status inside a home: no -C needed" "$(cd "$h" && "$ROI" status 2>/dev/null | head -1)" "roi home: ."
"$ROI" -C "$h" doc show > "$T/out" 2>&1
is "doc show without ID exits 2" $? 2
"$ROI" -C "$h" doc show 42 > "$T/out" 2>&1
is "doc show of an unknown document exits 1" $? 1
is "... with one line" "$(wc -l < "$T/out")" 1
"$ROI" -C "$T/nowhere" status > "$T/out" 2>&1
is "status of a missing home exits 1" $? 1
is "... with one line" "$(wc -l < "$T/out")" 1

# roi help CMD for every command of the table: its own help, exit 0
for c in $("$ROI" help | sed -n 's/^  roi \([a-z]*\).*/\1/p'); do
	"$ROI" help "$c" > "$T/out" 2>&1
	is "roi help $c exits 0" $? 0
	is "... and is $c's help" "$(head -1 "$T/out")" "$("$ROI" "$c" --help 2>&1 | head -1)"
done
check "roi help case explains the gaps in case numbers" sh -c "'$ROI' help case | grep -q 'gaps where an input was not a new request'"

# recipient list: columns aligned however long a name is
check "a recipient with a long name" "$ROI" -C "$h" recipient add "Harborview Legal Services of Greater Springfield, LLC" --fax "(201) 555-0144"
check "and one with a short one" "$ROI" -C "$h" recipient add "Dr. Lee" --zip
"$ROI" -C "$h" recipient list > "$T/out"
col() { grep "$1" "$T/out" | awk -v w="$2" '{ print index($0, w) }'; }
is "... the kind column starts at the same place on every line" \
    "$(col '^NAME' KIND) $(col '^Harborview' ' fax ') $(col '^Dr. Lee' ' zip ')" \
    "$(col '^NAME' KIND) $(($(col '^NAME' KIND) - 1)) $(($(col '^NAME' KIND) - 1))"

# the same fax twice (another name): one document, one duplicate
f=$(ls "$FIX"/*.text.pdf | head -1)
cp "$f" "$h/inbox/requests/a.pdf"
cp "$f" "$h/inbox/requests/b.pdf"
check "run --once" run_once "$h"
is "one document for two identical drops" "$("$ROI" -C "$h" doc list --json | jq length)" 1
did=$("$ROI" -C "$h" doc list --json | jq -r '.[0].doc')
is "a one-page document: '1 page', not '1 pages'" "$("$ROI" -C "$h" doc show "$did" | sed -n 's/.*format: .*, \([0-9]* pages*\)$/\1/p')" "1 page"
is "the second recorded as duplicate" "$(jqs "$h" .inputs.duplicate)" 1
# and once more after it was processed
cp "$f" "$h/inbox/requests/c.pdf"
check "run --once again" run_once "$h"
is "still one document" "$("$ROI" -C "$h" doc list --json | jq length)" 1
is "two duplicates" "$(jqs "$h" .inputs.duplicate)" 2
id=$("$ROI" -C "$h" doc list --json | jq -r '.[0].sha256' | cut -c1-12)
check "doc text accepts a SHA-256 prefix" "$ROI" -C "$h" doc text "$id"

# records for a case: inbox/records/CASE/ keeps the case with the document
cs=$("$ROI" -C "$h" case list --json | jq -r '.[0].case')
mkdir -p "$h/inbox/records/$cs"
cp "$(ls "$FIX"/*.text.pdf | sed -n 2p)" "$h/inbox/records/$cs/chart.pdf"
check "run --once with a case record" run_once "$h"
is "record filed under its case" \
    "$("$ROI" -C "$h" doc list --json | jq -r '.[] | select(.name == "chart.pdf") | "\(.kind) \(.case)"')" "record $cs"

# ignored names are left alone
: > "$h/inbox/requests/.hidden.pdf"
cp "$f" "$h/inbox/requests/upload.pdf.part"
check "run --once with only ignored files" run_once "$h"
check "dotfile left alone" test -f "$h/inbox/requests/.hidden.pdf"
check "*.part left alone" test -f "$h/inbox/requests/upload.pdf.part"

# a bad roi.conf: one line naming file and line, exit 1
printf '[pipeline]\nworkers = lots\n' >> "$h/roi.conf"
"$ROI" -C "$h" run --once > "$T/out" 2>&1
is "run with a bad roi.conf exits 1" $? 1
lines=$(wc -l < "$h/roi.conf")
case "$(cat "$T/out")" in
*"roi.conf:$lines: workers: not a number"*) ok "error names the line: $(cat "$T/out")" ;;
*) not_ok "error does not name roi.conf:$lines: $(cat "$T/out")" ;;
esac
