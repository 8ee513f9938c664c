#!/bin/sh
# release.sh - the practice's key, recipients, and reopening a package:
# roi init makes the practice's age identity (0600, in the age-keygen
# format the stock tool reads); recipient strings are checked; a package
# the stock age encrypted to the practice opens with roi release open, and
# one for someone else, a damaged one, or one whose tar reaches outside its
# folder does not.
. tests/e2e/lib.sh

command -v age > /dev/null || { not_ok "the age tool is missing (tools/deps.sh test installs it)"; exit 0; }
h=$(newhome rel)
k=$h/keys/practice.agekey
is "practice key: 0600" "$(stat -c %a "$k")" 600
pub=$(age-keygen -y "$k" 2>/dev/null)
is "practice key: the stock age reads it" "$(grep -c "^# public key: $pub\$" "$k")" 1
"$ROI" init "$h" > /dev/null
is "init again keeps the key" "$(age-keygen -y "$k")" "$pub"

# recipients
other=$(age-keygen 2> /dev/null | grep -o 'age1[a-z0-9]*')
# the last character changed (to q, or to p if it was q: one key in 32 ends
# in q, and then "changed" was the same key and the test failed)
"$ROI" -C "$h" recipient add "Harborview Legal" --age "$(echo "$other" | sed 's/q$/p/; t; s/.$/q/')" 2> "$T/err"
is "a recipient with a bad checksum: refused" "$?" 1
is "... saying so in one line" "$(wc -l < "$T/err")" 1
check "add an age recipient" "$ROI" -C "$h" recipient add "Harborview Legal" --age "$other" --address "400 Example Ave"
check "add a passphrase recipient" "$ROI" -C "$h" recipient add "Jordan Sample" --passphrase
check "add a fax recipient" "$ROI" -C "$h" recipient add "Dr. Lee" --fax "(555) 010-4478"
"$ROI" -C "$h" recipient add "harborview legal" --passphrase 2> /dev/null
is "the same name twice: refused" "$?" 1
"$ROI" -C "$h" recipient add "Fax Co" --fax "call me" 2> /dev/null
is "a fax number that is none: refused" "$?" 1
"$ROI" -C "$h" recipient add "Two" --passphrase --fax 5550104478 2> /dev/null
is "two kinds at once: usage" "$?" 2
is "recipient list --json" "$("$ROI" -C "$h" recipient list --json | jq -r '[.[] | "\(.name)=\(.kind)"] | join(",")')" \
    "Dr. Lee=fax,Harborview Legal=age,Jordan Sample=passphrase"

# reopening packages
mkdir -p "$T/pkg/docs"
printf 'progress note, redacted\n' > "$T/pkg/docs/note.txt"
printf '{"case":"C-1"}\n' > "$T/pkg/manifest.json"
(cd "$T/pkg" && tar --format=pax -cf "$T/p.tar" manifest.json docs)
age -r "$pub" -r "$other" -o "$T/p.age" "$T/p.tar"
cd "$T" || exit 1	# release open unpacks into NAME.d in the current folder
check "release open: a package for the practice and a recipient" "$ROI" -C "$h" release open "$T/p.age"
check "... unpacked as sent" cmp "$T/pkg/docs/note.txt" "$T/p.d/docs/note.txt"
is "... files 0600" "$(stat -c %a "$T/p.d/manifest.json")" 600
"$ROI" -C "$h" release open "$T/p.age" 2> /dev/null
is "opening twice into the same folder: refused" "$?" 1
check "... or into another with --out" "$ROI" -C "$h" release open "$T/p.age" --out "$T/again"
age -r "$other" -o "$T/notours.age" "$T/p.tar"
"$ROI" -C "$h" release open "$T/notours.age" 2> "$T/err"
is "a package not for the practice: refused" "$?" 1
is "... and nothing unpacked" "$(test -e "$T/notours.d" && echo yes || echo no)" no
head -c 300 "$T/p.age" > "$T/cut.age"
"$ROI" -C "$h" release open "$T/cut.age" --out "$T/cut" 2> /dev/null
is "a damaged package: refused" "$?" 1
# a tar whose names climb out of its folder, or hold a link
mkdir -p "$T/evil/sub"
echo x > "$T/evil/sub/f"
(cd "$T/evil/sub" && tar --format=pax -P -cf "$T/evil.tar" ../sub/f)
ln -s /etc/passwd "$T/evil/link"
(cd "$T/evil" && tar --format=pax -cf "$T/link.tar" link)
age -r "$pub" -o "$T/evil.age" "$T/evil.tar"
age -r "$pub" -o "$T/link.age" "$T/link.tar"
"$ROI" -C "$h" release open "$T/evil.age" --out "$T/e1" 2> /dev/null
is "a name with ..: refused" "$?" 1
"$ROI" -C "$h" release open "$T/link.age" --out "$T/e2" 2> /dev/null
is "a link: refused" "$?" 1
is "nothing left in spool/tmp" "$(ls "$h/spool/tmp" | wc -l)" 0
