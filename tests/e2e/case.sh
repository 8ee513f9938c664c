#!/bin/sh
# case.sh - requests become cases whose pages are sorted into parts, in
# every rendering (text PDF, 300 dpi scan, fine and standard fax); a mixed
# fax (6 pages cycling the sources: authorization, cover, dense, progress
# note, record, request bundle) is split; a broken rules file stops --once with the line named and
# sends nothing to quarantine.
. tests/e2e/lib.sh

h=$(newhome cases)
want_of() {
	case $1 in
	cover) echo fax_cover ;;
	request-letter) echo request_letter ;;
	authorization-tpo) echo part2_consent ;;
	authorization*) echo authorization ;;
	request-bundle) echo fax_cover+authorization ;;
	*) echo clinical_record ;;
	esac
}
n=$(drop_fixtures "$h")
"$MKFAX" --pages 6 --variant fine -o "$T/mixed.tif" > /dev/null
cp "$T/mixed.tif" "$h/inbox/requests/mixed.tif"
mkdir -p "$h/inbox/records/C-1"
cp "$FIX/record.text.pdf" "$h/inbox/records/C-1/chart.pdf"
check "run --once" run_once "$h"
"$ROI" -C "$h" case list --json > "$T/cases.json"
is "one case per request, none for the record" "$(jq length "$T/cases.json")" $((n + 1))
right=0
wrong=""
for row in $(jq -r '.[] | "\(.name)=\([.parts[].type] | join("+"))"' "$T/cases.json"); do
	file=${row%%=*}
	got=${row#*=}
	name=${file%%.*}
	[ "$name" = mixed ] && continue
	if [ "$got" = "$(want_of "$name")" ]; then
		right=$((right + 1))
	else
		wrong="$wrong $file:$got"
	fi
done
is "every page of every rendering sorted right ($right of $n)${wrong:+; wrong:$wrong}" "$right" "$n"
is "the mixed fax split into its parts" \
    "$(jq -r '.[] | select(.name == "mixed.tif") | [.parts[] | "\(.type):\(.first_page)-\(.last_page)"] | join(" ")' "$T/cases.json")" \
    "authorization:1-1 fax_cover:2-2 clinical_record:3-5 fax_cover:6-6"
is "roi status counts open cases" "$(jqs "$h" .open_cases)" $((n + 1))
check "case show by name" "$ROI" -C "$h" case show C-1
"$ROI" -C "$h" case show C-999 > "$T/out" 2>&1
is "unknown case: exit 1" $? 1

# a practice's own rules file with a mistake: --once stops, says where
mkdir -p "$h/rules"
printf 'type fax_cover\n3 (fax\n' > "$h/rules/doctypes.rules"
cp "$FIX/cover.text.pdf" "$h/inbox/requests/late.pdf"
printf "\n%% late\n" >> "$h/inbox/requests/late.pdf"	# not a duplicate
"$ROI" -C "$h" run --once > "$T/out" 2>&1
is "a broken doctypes.rules stops --once (exit 1)" $? 1
check "the bad line is named" grep -q "doctypes.rules:2: pattern does not compile" "$T/out"
is "nothing quarantined for it" "$(jqs "$h" .inputs.quarantine)" 0
"$ROI" -C "$h" rules check > "$T/out" 2>&1
is "roi rules check finds it too (exit 1)" $? 1
rm "$h/rules/doctypes.rules"
check "fixed: run --once finishes" run_once "$h"
is "the late request is a case now" "$(jqs "$h" .open_cases)" $((n + 2))
