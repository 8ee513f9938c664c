#!/bin/sh
# deliver.sh - the three ways a release leaves besides an age key: a
# passphrase package (age scrypt, passphrase shown once at approve), an
# AES-256 zip for recipients with only 7-Zip (neutral file names), and a
# fax release (one plain PDF, cover letter first); the practice reopens
# the locked ones with its own key; opened with the stock age and 7z.
. tests/e2e/lib.sh

export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
h=$(newhome deliver)
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
mkdir -p "$T/rec"
"$MKFAX" -o "$T/rec" fixtures/src/records/labs.txt fixtures/src/records/medication-list.txt > /dev/null 2>&1
# three requests (the form signed on three days), each with two records
for d in 24 25 26; do
	sed "s|^Date signed: 02/27/2026|Date signed: 02/$d/2026|" fixtures/src/authorization.txt > "$T/auth$d.txt"
	"$MKFAX" -o "$T" "$T/auth$d.txt" > /dev/null 2>&1
	cp "$T/auth$d.text.pdf" "$h/inbox/requests/auth$d.pdf"
done
check "requests read" run_once "$h"
case_of() { "$ROI" -C "$h" case list --json | jq -r ".[] | select(.name == \"$1\") | .case"; }
for d in 24 25 26; do
	c=$(case_of "auth$d.pdf")
	mkdir -p "$h/inbox/records/$c"
	cp "$T/rec/labs.text.pdf" "$h/inbox/records/$c/labs-jordan-sample.pdf"
	cp "$T/rec/medication-list.text.pdf" "$h/inbox/records/$c/medication-list.pdf"
done
check "records read and classified" run_once "$h"
cp=$(case_of auth24.pdf)
cz=$(case_of auth25.pdf)
cf=$(case_of auth26.pdf)
check "add a passphrase recipient" "$ROI" -C "$h" recipient add "Jordan Sample" --passphrase --alias "Harborview Legal Services"
"$ROI" -C "$h" recipient add "Harbor Law" --zip --alias "Harborview Legal Services" > "$T/out"
is "add a zip recipient, warned that names show" "$(grep -c 'file names' "$T/out")" 1
check "add a fax recipient" "$ROI" -C "$h" recipient add "Dr. Lee" --fax "(555) 010-4478" --address "12 Elm St" --alias "Harborview Legal Services"

for c in $cp $cz $cf; do
	[ "$("$ROI" -C "$h" review show "$c" --json | jq -r .review)" = pending ] ||
	    not_ok "$c is not in review"
done
"$ROI" -C "$h" review approve "$cp" --to "Jordan Sample" > "$T/ap" 2>&1
is "approve for a passphrase recipient" "$?" 0
pass=$(sed -n 's/^passphrase for Jordan Sample: //p' "$T/ap")
is "the passphrase is shown once, 6 groups of 4" "$(echo "$pass" | grep -cE '^([2-9A-Z]{4}-){5}[2-9A-Z]{4}$')" 1
is "... not kept in the clear once approved and shown (review show)" \
    "$("$ROI" -C "$h" review show "$cp" --json | grep -c "$pass")" 0
"$ROI" -C "$h" review approve "$cz" --to "Harbor Law" > "$T/az" 2>&1
zpass=$(sed -n 's/^passphrase for Harbor Law: //p' "$T/az")
is "approve for a zip recipient: a passphrase, another one" "$(test -n "$zpass" && test "$zpass" != "$pass" && echo yes)" yes
check "approve for a fax recipient" "$ROI" -C "$h" review approve "$cf" --to "Dr. Lee"
run_once "$h" > "$T/run" 2>&1
for c in $cp $cz $cf; do
	is "$c released" "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .state")" released ||
	    diag "$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$c\") | .reason")"
done
path() { echo "$h/$("$ROI" -C "$h" release list --json | jq -r ".[] | select(.case == \"$1\") | .path")"; }
is "the passphrase is gone from the store once packaged" \
    "$(sqlite3 "$h/roi.db" "SELECT count(*) FROM review WHERE passphrase IS NOT NULL")" 0
is "... and not in any file of the home" "$(grep -rl -- "$pass" "$h" | wc -l)" 0

# passphrase: the stock age opens it with the passphrase (it reads a tty)
pk=$(path "$cp")
is "a passphrase package, in outbox/" "${pk#$h/}" "outbox/$cp.age"
is "a passphrase package is an age file with one scrypt stanza" \
    "$(head -c 200 "$pk" | grep -ac '^-> scrypt ')" 1
mkdir -p "$T/p"
printf '%s\n' "$pass" | script -qec "age -d -o '$T/p.tar' '$pk'" /dev/null > /dev/null 2>&1
check "the stock age opens it with the passphrase" tar -xf "$T/p.tar" -C "$T/p"
check "... a manifest and the cover letter" test -f "$T/p/$cp/manifest.json" -a -f "$T/p/$cp/00 cover letter.pdf"
check "the practice reopens it without the passphrase" "$ROI" -C "$h" release open "$pk" --out "$T/pm"
check "... the same files" cmp "$T/p/$cp/manifest.json" "$T/pm/$cp/manifest.json"

# zip: AES-256, 7-Zip opens it; names neutral; the practice reopens it
zk=$(path "$cz")
is "a zip package, in outbox/" "${zk#$h/}" "outbox/$cz.zip"
7z l -slt "$zk" > "$T/zl" 2>&1
is "7z: four files (manifest, letter, two records), every one AES-256" \
    "$(grep '^Method = ' "$T/zl" | sort | uniq -c | tr -s ' ')" " 4 Method = AES-256 Deflate"
is "names show no patient" "$(grep '^Path = ' "$T/zl" | grep -ci 'jordan\|sample')" 0
7z x -p"$zpass" -o"$T/z" "$zk" > /dev/null 2>&1
check "7z opens it with the passphrase" test -f "$T/z/$cz/manifest.json"
7z x -p"WRONG-PASS" -o"$T/zbad" "$zk" > /dev/null 2>&1
is "... and not without it" "$?" 2
check "the practice reopens the zip" "$ROI" -C "$h" release open "$zk" --out "$T/zm"
check "... the same files" cmp "$T/z/$cz/manifest.json" "$T/zm/$cz/manifest.json"
is "the records in it are redacted (no SUD term in the labs)" \
    "$(for f in "$T/z/$cz"/1*.pdf; do pdftotext "$f" -; done | grep -ci 'buprenorphine\|fentanyl')" 0

# fax: one PDF, cover letter first, with the fax number; records stamped
fx=$(path "$cf")
is "a fax release is one PDF in outbox/fax/, named with the number" "${fx#$h/}" "outbox/fax/$cf to 5550104478.pdf"
pdftotext "$fx" "$T/fax.txt"
check "it opens with pdfinfo (qpdf --check)" qpdf --check "$fx"
check "the cover letter first, to Dr. Lee's fax number" sh -c "head -40 '$T/fax.txt' | grep -q 'Fax: (555) 010-4478'"
check "records stamped" grep -q "released to Dr. Lee" "$T/fax.txt"
is "redacted terms gone" "$(grep -ci 'buprenorphine\|fentanyl' "$T/fax.txt")" 0
pages=$(pdfinfo "$fx" | sed -n 's/^Pages: *//p')
want=$(( 1 + $(pdfinfo "$T/rec/labs.text.pdf" | sed -n 's/^Pages: *//p') + $(pdfinfo "$T/rec/medication-list.text.pdf" | sed -n 's/^Pages: *//p') ))
is "pages: letter + records" "$pages" "$want"
"$ROI" -C "$h" release open "$fx" 2> "$T/err"
is "release open on a fax release: says it is a plain PDF" "$(grep -c 'plain PDF' "$T/err")" 1
is "nothing left in spool/tmp or spool/work" "$(find "$h/spool/tmp" "$h/spool/work" -type f | wc -l)" 0

# the disclosure log: one entry per release, verified by the auditor's tool
check "roi-verify: the log holds" "$ROI_VERIFY" "$h/log/disclosures.log" "$h/keys/log.pub"
is "three entries, one per case, with each channel" \
    "$(awk '{ print $4 "=" $5 }' "$h/log/disclosures.log" | sort | tr '\n' ' ')" \
    "$(printf '%s\n' "$cp=passphrase" "$cz=zip" "$cf=fax" | sort | tr '\n' ' ')"
is "no name, address or passphrase in the log in the clear" \
    "$(grep -cF -e Jordan -e Sample -e 'Harbor Law' -e 'Dr. Lee' -e 'Elm St' -e "$pass" -e "$zpass" "$h/log/disclosures.log")" 0
is "the fax entry names the fax PDF's SHA-256" "$(awk -v c="$cf" '$4 == c { print $8 }' "$h/log/disclosures.log")" \
    "$(sha256sum "$fx" | cut -c1-64)"
"$ROI" -C "$h" log accounting --patient P001 --format json > "$T/acc.json"
is "accounting for the patient: three disclosures with recipient, address and purpose" \
    "$(jq -r '[.[] | "\(.recipient)|\(.purpose)"] | sort | join(",")' "$T/acc.json")" \
    "Dr. Lee|Legal proceedings,Harbor Law|Legal proceedings,Jordan Sample|Legal proceedings"
is "... the fax recipient's address and number" "$(jq -r '.[] | select(.recipient == "Dr. Lee") | .recipient_address' "$T/acc.json")" \
    "12 Elm St"
check "accounting as a letter (PDF)" "$ROI" -C "$h" log accounting --patient P001 --format pdf --out "$T/acc.pdf"
check "... which says what went where" sh -c "pdftotext '$T/acc.pdf' - | tr -s ' \n' '  ' | grep -q 'to Harbor Law'"
"$ROI" -C "$h" log accounting --patient P404 2> "$T/err"
is "accounting for an unknown patient: exit 1, one line" "$? $(wc -l < "$T/err")" "1 1"
# the log's dates are the real clock (ROI_NOW moves decisions only): the day after today
"$ROI" -C "$h" log accounting --patient P001 --since "$(date -u -d tomorrow +%Y-%m-%d)" --format csv > "$T/acc.csv"
is "--since after the releases: none listed (CSV header only)" "$(wc -l < "$T/acc.csv")" 1
"$ROI" -C "$h" log prove 2 > "$T/proof"
check "roi log prove: the auditor's tool checks the proof" "$ROI_VERIFY" --proof "$T/proof" "$h/keys/log.pub"
sed -i '2s/ fax / age /; 2s/ zip / age /; 2s/ passphrase / age /' "$T/proof"
"$ROI_VERIFY" --proof "$T/proof" "$h/keys/log.pub" > /dev/null 2>&1
is "... and refuses it with the entry changed" "$?" 1
is "roi log pubkey is keys/log.pub" "$("$ROI" -C "$h" log pubkey)" "$(cat "$h/keys/log.pub")"
