#!/bin/sh
# quarantine.sh - each kind of bad input lands in quarantine/ with a one-line
# reason, the original kept byte for byte, while good input beside it is done.
# Also: what is not a regular file (symlink, FIFO, socket, folder) is moved
# aside, never followed or read; names with control or bidi characters are
# shown escaped; damaged PDFs are marked repaired or quarantined as damaged;
# an owner-password PDF opens; a page's CPU time is bounded.
. tests/e2e/lib.sh

h=$(newhome quar)
B=$FIX/bad
for f in empty.pdf truncated.pdf encrypted.pdf notadoc.pdf huge.png huge.tif garbage.tif; do
	[ -f "$B/$f" ] && cp "$B/$f" "$h/inbox/requests/$f" || not_ok "fixture $f missing"
done
good=$(ls "$FIX"/*.text.pdf | head -1)
other=$(ls "$FIX"/*.text.pdf | sed -n 2p)
third=$(ls "$FIX"/*.text.pdf | sed -n 3p)
cp "$good" "$h/inbox/requests/good.pdf"

# mkpdf OUT W H OPS - a one-page PDF of W x H pt whose content stream holds
# OPS path operators (Flate-compressed: a few KB on disk) and one word
mkpdf() {
	python3 - "$@" <<'PY'
import sys, zlib
out, w, h, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
c = zlib.compressobj(9)
unit = b"1 1 m 2 2 l S\n" * 1000
data = b"".join([c.compress(unit) for _ in range(n // 3000)] +
    [c.compress(b"BT /F1 12 Tf 2 2 Td (Hello) Tj ET\n"), c.flush()])
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>" % (w.encode(), h.encode()),
    b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
pdf, offs = bytearray(b"%PDF-1.4\n"), []
for i, o in enumerate(objs):
    offs.append(len(pdf))
    pdf += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
x = len(pdf)
pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
pdf += b"".join(b"%010d 00000 n \n" % o for o in offs)
pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(out, "wb").write(pdf)
PY
}

# bad PDFs, made here
G=$T/gen
mkdir -p "$G"
head -c 1500 "$good" > "$G/cut1500.pdf"
# the startxref offset spoiled: MuPDF rebuilds the xref, the pages are whole
python3 - "$other" "$G/badxref.pdf" <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
i = d.rindex(b"startxref")
n = re.match(rb"startxref\s+(\d+)", d[i:]).group(1)
open(sys.argv[2], "wb").write(d[:i] + d[i:].replace(n, b"9" * len(n), 1))
PY
qpdf --encrypt "" owner 256 --print=none --modify=none -- "$third" "$G/owner.pdf"
mkpdf "$G/tiny.pdf" 3.8 3.8 0
for f in cut1500.pdf badxref.pdf owner.pdf tiny.pdf; do
	cp "$G/$f" "$h/inbox/requests/$f"
done
check "qpdf opens the owner-password PDF without a password" qpdf --check "$G/owner.pdf"

# not regular files: a symlink to a good PDF (following it would read it),
# a FIFO (opening it for reading would hang), a socket, a folder
ln -s "$other" "$h/inbox/requests/link.pdf"
mkfifo "$h/inbox/requests/pipe.pdf"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' \
    "$h/inbox/requests/sock.pdf"
mkdir "$h/inbox/requests/folder.pdf"
cp "$good" "$h/inbox/requests/folder.pdf/inside.pdf"

# names: U+202E (RIGHT-TO-LEFT OVERRIDE), ESC sequence, a byte not UTF-8
rlo=$(printf 'scan\342\200\256fdp.exe.pdf')
esc=$(printf 'esc\033[31mred\377.pdf')
cp "$other" "$h/inbox/requests/$rlo"
cp "$good" "$h/inbox/requests/$esc"

check "roi run --once finishes despite bad input (a FIFO does not hang it)" \
    timeout 600 "$ROI" -C "$h" run --once
is "the good file is done" "$(jqs "$h" '.recent[] | select(.name == "good.pdf") | .state')" done

# reason file: exactly one line, starts with the expected words
want() {
	f=$1
	prefix=$2
	src=${3:-$B/$f}
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
	[ -n "$prefix" ] || not_ok "$f: want() needs the reason it expects"
	[ "$src" = - ] || check "$f: original kept byte for byte" cmp "$src" "$h/quarantine/$f"
	is "$f: reason shown by roi status" \
	    "$(jqs "$h" ".quarantine[] | select(.file == \"$f\") | .reason" | cut -c1-${#prefix})" "$prefix"
}
want empty.pdf "empty file"
want notadoc.pdf "not a PDF, TIFF, PNG or JPEG"
want encrypted.pdf "encrypted PDF (a password is needed to open it)"
want huge.png "image too large"
want huge.tif "image too large"
# noise after the TIFF magic (mkfax's fixed seed): the first IFD offset
# points outside the file ("" here matched any reason at all)
want garbage.tif "damaged TIFF: bad page offset"
# a truncated PDF is either repaired and read, or quarantined with a reason
st=$("$ROI" -C "$h" status --json | jq -r '[.recent[], .quarantine[]] | map(select(.name == "truncated.pdf")) | length')
is "truncated.pdf ends in exactly one place" "$st" 1

# damaged, repaired, encrypted with an owner password only, too small
want cut1500.pdf "damaged PDF: " "$G/cut1500.pdf"
want tiny.pdf "page too small (3.8 x 3.8 pt)" "$G/tiny.pdf"
is "the owner-password PDF is read like qpdf and poppler read it" \
    "$(jqs "$h" '.recent[] | select(.name == "owner.pdf") | .state')" done
is "the repaired PDF is done" "$(jqs "$h" '.recent[] | select(.name == "badxref.pdf") | .state')" done
is "status --json marks it repaired" \
    "$(jqs "$h" '.recent[] | select(.name == "badxref.pdf") | .repaired')" true
is "status --json does not mark a whole PDF repaired" \
    "$(jqs "$h" '.recent[] | select(.name == "good.pdf") | .repaired')" false
check "status text marks it repaired" sh -c "'$ROI' -C '$h' status | grep 'badxref.pdf' | grep -q repaired"
rdoc=$(jqs "$h" '.recent[] | select(.name == "badxref.pdf") | .doc')
is "doc show --json marks it repaired" "$("$ROI" -C "$h" doc show "$rdoc" --json | jq .repaired)" true
check "doc show says it was repaired" sh -c "'$ROI' -C '$h' doc show $rdoc | grep -q '^  repaired:'"
rcase=$("$ROI" -C "$h" case list --json | jq -r ".[] | select(.doc == $rdoc) | .case")
if [ -n "$rcase" ]; then
	is "case show --json marks it repaired" "$("$ROI" -C "$h" case show "$rcase" --json | jq .repaired)" true
	check "case show says it was repaired" sh -c "'$ROI' -C '$h' case show $rcase | grep -q '^  repaired:'"
	mkfifo "$T/attach.pdf"
	timeout 60 "$ROI" -C "$h" case attach "$rcase" "$T/attach.pdf" > /dev/null 2> "$T/attach.err"
	is "case attach of a FIFO fails at once, without hanging" "$?" 1
	check "case attach says it is not a file" grep -q "is not a file" "$T/attach.err"
else
	not_ok "the repaired request became no case"
fi

# not regular files: moved aside as they are, with their kind as the reason
want link.pdf "not a regular file: symbolic link" -
check "link.pdf: the symlink itself is in quarantine/" test -L "$h/quarantine/link.pdf"
is "link.pdf: its target was not read (no document from it)" \
    "$("$ROI" -C "$h" doc list --json | jq "[.[] | select(.name == \"link.pdf\")] | length")" 0
want pipe.pdf "not a regular file: named pipe (FIFO)" -
check "pipe.pdf: the FIFO itself is in quarantine/" test -p "$h/quarantine/pipe.pdf"
want sock.pdf "not a regular file: socket" -
want folder.pdf "not a regular file: folder" -
check "folder.pdf: the folder and what it held are in quarantine/" \
    cmp "$good" "$h/quarantine/folder.pdf/inside.pdf"
check "status text lists the symlink with its reason" \
    sh -c "'$ROI' -C '$h' status | grep 'link.pdf' | grep -q 'not a regular file: symbolic link'"
is "nothing is left in the inbox" "$(ls -A "$h/inbox/requests" | wc -l)" 0

# names with control and bidi characters: escaped in text and JSON alike
check "status --json is valid JSON" sh -c "'$ROI' -C '$h' status --json | jq -e . > /dev/null"
is "status --json shows U+202E escaped" \
    "$(jqs "$h" '.recent[] | select(.name | startswith("scan")) | .name')" 'scan\u202Efdp.exe.pdf'
is "status --json shows ESC and a bad byte escaped" \
    "$(jqs "$h" '.recent[] | select(.name | startswith("esc")) | .name')" 'esc\x1B[31mred\xFF.pdf'
"$ROI" -C "$h" status > "$T/status.txt"
"$ROI" -C "$h" doc list > "$T/doclist.txt"
rlodoc=$(jqs "$h" '.recent[] | select(.name | startswith("scan")) | .doc')
"$ROI" -C "$h" doc show "$rlodoc" > "$T/docshow.txt"
rlocase=$("$ROI" -C "$h" case list --json | jq -r ".[] | select(.doc == $rlodoc) | .case")
"$ROI" -C "$h" case show "$rlocase" > "$T/caseshow.txt"
for f in status doclist docshow caseshow; do
	check "$f: no raw control or bidi bytes" sh -c "! LC_ALL=C grep -q -P '\\x1b|\\xe2\\x80\\xae|\\xff' '$T/$f.txt'"
	check "$f: the name is shown escaped" grep -qF 'scan\u202Efdp.exe.pdf' "$T/$f.txt"
done
check "doc list --json is valid JSON" sh -c "'$ROI' -C '$h' doc list --json | jq -e . > /dev/null"
is "no input left in progress" "$(jqs "$h" .inputs.in_progress)" 0

# a page that holds a worker: 6M path operators in a 55 KB file
hc=$(newhome cpu "page_cpu_secs = 2" "max_attempts = 2")
mkpdf "$hc/inbox/requests/bomb.pdf" 612 792 6000000
check "a content-stream bomb does not hold the run" timeout 600 "$ROI" -C "$hc" run --once
is "the bomb is quarantined" "$(jqs "$hc" '.quarantine[] | select(.name == "bomb.pdf") | .input' | wc -l)" 1
r=$(jqs "$hc" '.quarantine[] | select(.name == "bomb.pdf") | .reason')
case $r in
"ocr: page 1 took more than 2 s of CPU"*) ok "bomb: reason '$r'" ;;
*) not_ok "bomb: reason '$r', want 'ocr: page 1 took more than 2 s of CPU...'" ;;
esac
