#!/bin/sh
# leak.sh - the leak suite (issue 14): one awkward record per way a record
# made by another system can carry Part 2 content past a reader of its text
# layer (tools/mkleak.c, fixtures/README.md), each taken through the whole
# flow: a request with a valid authorization, the record attached, run,
# approved without keeping anything (every proposal redacted), packaged,
# disclosed, the package opened with the stock age, and every released PDF
# read back with tools that are not ours: pdftotext, qpdf --qdf + grep,
# mutool draw -F txt, pdfimages + tesseract, pdftoppm -r 300 + tesseract,
# and PyMuPDF's get_text(clip=INFINITE_RECT); plus the names the release
# carries (package members, manifest, cover letter, log, accounting).
#
# A cell (class x tool) is ok when no word of the Part 2 sentence can be read
# by that tool (OCR-tolerantly for tesseract, and after Unicode
# normalisation, zero-width characters removed and look-alike letters
# folded: what a person reads) and the ordinary clinical text is still
# readable by OCR; "blocked" when the release was refused with a one-line
# reason and nothing went to outbox/; LEAK otherwise.  The control record
# (plain text) must be released: a flow that blocks everything passes nothing.  The table is printed
# as TAP comments and written to BUILD/leak-table.txt (LEAK_TABLE=FILE
# elsewhere).  LEAK_OUTPUT=text runs it on [release] output = text.
#
# LEAK_ENGINE (default mupdf: the records as tools/mkleak writes them) runs
# it on records that another engine wrote, so that no result rests on
# documents shaped like our own code: cairo (pdftocairo -pdf), gs
# (Ghostscript pdfwrite) and qpdf (object streams, recompressed) write every
# record anew; chromium makes its own (tools/mkleak-chromium.sh: HTML printed
# by headless Chromium).  A rewrite may drop what a class hides (a hidden
# layer, an attachment, an earlier revision, a lying ToUnicode):
# tests/e2e/leak-held.py says what each record still carries, and a class
# whose record no longer carries it is n/a for that engine (not taken
# through the flow); with mupdf every record must carry it, and a record
# leak-held.py cannot read fails with any engine.  The table is
# BUILD/leak-table-ENGINE.txt, with what each record kept under it.
# make test runs mupdf, make accuracy every engine (tools/leakaccuracy.sh).
. tests/e2e/lib.sh

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
LW="$PY $TOP/tests/e2e/leak-words.py"
MKLEAK=${MKLEAK:-$(dirname "$MKFAX")/mkleak}
ENGINE=${LEAK_ENGINE:-mupdf}
if [ "$ENGINE" = mupdf ]; then
	TABLE=${LEAK_TABLE:-$(dirname "$MKFAX")/leak-table.txt}
else
	TABLE=${LEAK_TABLE:-$(dirname "$MKFAX")/leak-table-$ENGINE.txt}
fi
# the Part 2 sentence's significant words, and the ordinary text that must stay
P2WORDS="methadone maintenance riverbend recovery"
OKWORDS="sertraline improved"
# what a release must not say about what it hid
NAMED='part[[:space:]_-]*2|(^|[^a-z])sud([^a-z]|$)|substance'
TOOLS="pdftotext qpdf mutool pdfimages ocr fitz names"
export OMP_THREAD_LIMIT=1

for c in pdftotext qpdf mutool pdfimages pdftoppm tesseract age jq; do
	command -v $c > /dev/null || { not_ok "the $c command is missing (tools/deps.sh test installs it)"; exit 0; }
done
"$PY" -c 'import fitz' 2> /dev/null || { not_ok "python3-fitz is missing (tools/deps.sh test)"; exit 0; }
case $ENGINE in
mupdf|qpdf) need= ;;
cairo)	need=pdftocairo ;;
gs)	need=gs ;;
chromium) need=chromium ;;
*)	not_ok "LEAK_ENGINE=$ENGINE: not one of mupdf cairo gs qpdf chromium"; exit 0 ;;
esac
[ -z "$need" ] || command -v $need > /dev/null ||
    { not_ok "LEAK_ENGINE=$ENGINE: the $need command is missing (tools/deps.sh accuracy installs it)"; exit 0; }

t0=$(date +%s)
phase() { diag "$1: $(( $(date +%s) - t0 )) s"; }

# the records: from the fixtures (tests/run.sh), else made here
L=$FIX/leak
if [ ! -f "$L/classes.txt" ] || [ "$MKLEAK" -nt "$L/classes.txt" ]; then
	L=$T/leak
	mkdir -p "$L"
	"$MKLEAK" -o "$L" > /dev/null || { not_ok "mkleak cannot make the records"; exit 0; }
fi

# remake SRC DIR - the records as ENGINE writes them, in DIR
remake() {
	if [ "$ENGINE" = chromium ]; then
		sh "$TOP/tools/mkleak-chromium.sh" "$2"
		return
	fi
	while read -r n cls file; do
		case $ENGINE in
		cairo)	pdftocairo -pdf "$1/$file" "$2/$file" ;;
		gs)	gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite \
			    -sOutputFile="$2/$file" "$1/$file" ;;
		qpdf)	# exit status 3: warnings only
			qpdf --object-streams=generate --compress-streams=y --recompress-flate \
			    "$1/$file" "$2/$file" || [ $? -eq 3 ] ;;
		esac || { echo "$ENGINE cannot write $file"; return 1; }
		[ -s "$2/$file" ] || { echo "$ENGINE wrote no $file"; return 1; }
	done < "$1/classes.txt"
	cp "$1/classes.txt" "$2/classes.txt"
}

# another engine's records, kept beside the fixtures (tests/run.sh removes
# them with the fixtures) while newer than what they are made from
if [ "$ENGINE" != mupdf ]; then
	E=$FIX/leak-$ENGINE
	src=$L/classes.txt
	[ "$ENGINE" = chromium ] && src=$TOP/tools/mkleak-chromium.sh
	if [ ! -f "$E/classes.txt" ] || [ "$src" -nt "$E/classes.txt" ]; then
		rm -rf "$E"
		mkdir -p "$E" 2> /dev/null || { E=$T/leak-$ENGINE; mkdir -p "$E"; }
		if ! remake "$L" "$E" > "$T/remake.log" 2>&1; then
			not_ok "LEAK_ENGINE=$ENGINE: cannot make the records"
			sed 's/^/# /' "$T/remake.log" | tail -5
			rm -f "$E/classes.txt"
			exit 0
		fi
	fi
	L=$E
fi
case $ENGINE in
mupdf)	ver="tools/mkleak, MuPDF $(pkg-config --modversion mupdf 2> /dev/null || echo 1.21)" ;;
cairo)	ver="pdftocairo -pdf, $(pdftocairo -v 2>&1 | head -1)" ;;
gs)	ver="gs -sDEVICE=pdfwrite, Ghostscript $(gs --version)" ;;
qpdf)	ver="qpdf --object-streams=generate --recompress-flate, $(qpdf --version | head -1)" ;;
chromium) ver="tools/mkleak-chromium.sh, $(chromium --version 2> /dev/null | head -1)" ;;
esac
diag "records: $ver"
phase "the records made"

# what each record still carries the way its class hides it; with another
# engine a record that no longer does is n/a (its class is not tested)
: > "$T/na"
: > "$T/run.txt"
while read -r n cls file; do
	"$PY" "$TOP/tests/e2e/leak-held.py" "$cls" "$L/$file" > "$T/held.$n" 2> /dev/null
	rc=$?
	held=$(cat "$T/held.$n")
	[ $rc -eq 0 ] || held="unreadable: leak-held.py exited $rc (${held:-no output})"
	case $held in
	kept:*)	ok "class $n $cls: the record carries the sentence ($held)"
		echo "$n $cls $file" >> "$T/run.txt" ;;
	*)	if [ "$ENGINE" = mupdf ] || [ $rc -ne 0 ]; then
			not_ok "class $n $cls: the record carries the sentence ($held)"
			echo "$n $cls $file" >> "$T/run.txt"
		else
			diag "class $n $cls: n/a with $ENGINE ($held)"
			echo "$n" >> "$T/na"
		fi ;;
	esac
done < "$L/classes.txt"

# 1. every record shows its Part 2 sentence when rendered (else its case tests
# nothing): OCR of the original; the hidden layer and the earlier revision,
# which do not render, are found in the file itself, and so is text drawn
# white, tiny, clipped away or off the screen (leak-held.py read it there)
export T L
while read -r n cls file; do
	case $cls in
	ocg)	qpdf --qdf --object-streams=disable "$L/$file" - 2> /dev/null | $LW $P2WORDS > "$T/orig.$n" ;;
	increment) $LW $P2WORDS < "$L/$file" > "$T/orig.$n" ;;
	*)	printf '%s\t%s\0' "$n" "$file" ;;
	esac
done < "$T/run.txt" | xargs -0 -P 2 -n 1 sh -c '
	n=${1%%	*}
	d=$(mktemp -d "$T/ocr.XXXXXX")
	f=$L/${1#*	}
	# kept beside the fixture (run.sh makes them anew when mkleak changes)
	if [ -s "$f.ocr" ] && [ "$f.ocr" -nt "$f" ]; then
		cp "$f.ocr" "$T/orig.$n.txt"
	else
		pdftoppm -r 300 -gray -png "$f" "$d/p" 2> /dev/null
		for p in "$d"/p-*.png; do [ -f "$p" ] && tesseract "$p" - 2> /dev/null; done > "$T/orig.$n.txt"
		cp "$T/orig.$n.txt" "$f.ocr" 2> /dev/null
	fi
	rm -rf "$d"' sh
while read -r n cls file; do
	[ -f "$T/orig.$n.txt" ] && $LW --ocr $P2WORDS < "$T/orig.$n.txt" > "$T/orig.$n"
	want=$P2WORDS
	[ "$cls" = offpage ] && want="methadone maintenance"	# the rest is off the page
	case $cls in
	offscreen|white|clip|tiny) ;;	# not drawn legibly: leak-held.py read it
	*) is "class $n $cls: the original record shows the Part 2 sentence ($want)" \
	    "$(echo "$want" | tr ' ' '\n' | grep -cxF -f "$T/orig.$n")" "$(echo "$want" | wc -w)" ;;
	esac
	case $cls in ocg|increment) ;; *)
	is "class $n $cls: ... and the ordinary text ($OKWORDS)" \
	    "$($LW --ocr $OKWORDS < "$T/orig.$n.txt" | wc -l)" 2 ;;
	esac
done < "$T/run.txt"

phase "the originals read"
# 2. a home, the registry's patient, a reviewer, the recipient
export ROI_NOW=2026-03-02T09:00:00
me=$(id -un)
# LEAK_OUTPUT=text runs the suite on the true-PDF output ([release] output)
h=$(newhome leak ${LEAK_OUTPUT:+"[release]" "output = $LEAK_OUTPUT"})
[ -n "$h" ] || { not_ok "a home for the suite (roi init, roi.conf)"; exit 0; }
[ -n "${LEAK_OUTPUT:-}" ] && diag "[release] output = $LEAK_OUTPUT"
printf 'id,first_name,last_name,dob\nP001,Jordan,Sample,07/22/1985\n' > "$T/p.csv"
"$ROI" -C "$h" patient import "$T/p.csv" > /dev/null
sed -i "s/^reviewers =\$/reviewers = $me/" "$h/roi.conf"
age-keygen -o "$T/hv.key" 2> /dev/null
"$ROI" -C "$h" recipient add "Harborview Legal Services" --age "$(age-keygen -y "$T/hv.key")" > /dev/null

# one request per record (the fixture authorization, made a distinct file)
while read -r n cls file; do
	{ cat "$FIX/authorization.text.pdf"; printf '%% leak suite request %s\n' "$n"; } \
	    > "$h/inbox/requests/request-$n.pdf"
done < "$T/run.txt"
check "the requests are read" run_once "$h"
"$ROI" -C "$h" case list --json > "$T/cases.json"
case_of() { jq -r ".[] | select(.name == \"request-$1.pdf\") | .case" "$T/cases.json"; }
while read -r n cls file; do
	c=$(case_of "$n")
	[ -n "$c" ] && "$ROI" -C "$h" case attach "$c" "$L/$file" > /dev/null 2> "$T/attach.$n" ||
	    { not_ok "class $n $cls: attach the record"; sed 's/^/# /' "$T/attach.$n"; }
	echo "$n $cls $c" >> "$T/classes"
done < "$T/run.txt"
check "the records are read and classified" run_once "$h"

phase "requests and records read"
# 3. approve every case without keeping anything; package and disclose
while read -r n cls c; do
	if "$ROI" -C "$h" review approve "$c" > /dev/null 2> "$T/approve.$n"; then
		echo approved > "$T/state.$n"
	else
		echo refused > "$T/state.$n"
	fi
done < "$T/classes"
check "the approved cases are packaged" run_once "$h"
"$ROI" -C "$h" release list --json > "$T/releases.json"
# the practice's log (show, text and JSON) and the patient's accounting
"$ROI" -C "$h" log show > "$T/log.txt" 2>&1
"$ROI" -C "$h" log show --json > "$T/log.json" 2> /dev/null
"$ROI" -C "$h" log accounting --patient P001 --format json > "$T/acct.json" 2> /dev/null
find "$h/outbox" -type f 2> /dev/null | sed 's|.*/||' > "$T/outbox"

phase "approved and released"
# 4. read back every released PDF with every tool
mkdir -p "$T/rel"
: > "$T/ocrjobs"
while read -r n cls c; do
	st=$(jq -r ".[] | select(.case == \"$c\") | .state" "$T/releases.json")
	reason=$(jq -r ".[] | select(.case == \"$c\") | .reason // empty" "$T/releases.json")
	if [ "$(cat "$T/state.$n")" = refused ]; then
		reason=$(cat "$T/approve.$n")
		st=refused
	fi
	if [ "$st" != released ]; then
		# blocked: a one-line reason, and nothing of it in outbox/
		if [ -n "$reason" ] && [ "$(printf '%s\n' "$reason" | wc -l)" -eq 1 ] &&
		    ! grep -qE "^$c[^0-9]" "$T/outbox"; then
			echo blocked > "$T/state.$n"
		else
			echo stuck > "$T/state.$n"
		fi
		printf '%s\n' "$reason" | head -3 | sed "s/^/# class $n $cls: not released ($st): /"
		continue
	fi
	echo released > "$T/state.$n"
	pk=$h/$(jq -r ".[] | select(.case == \"$c\") | .path" "$T/releases.json")
	d=$T/rel/$n
	mkdir -p "$d"
	if ! age -d -i "$T/hv.key" "$pk" > "$d.tar" 2> "$T/age.$n" || ! tar -xf "$d.tar" -C "$d"; then
		not_ok "class $n $cls: the stock age opens the package"
		echo unreadable > "$T/state.$n"
		continue
	fi
	tar -tf "$d.tar" > "$T/members.$n"
	find "$d" -name '*.pdf' | sort > "$T/pdfs.$n"
	for tl in pdftotext qpdf mutool pdfimages ocr fitz; do : > "$T/$tl.$n"; done
	while read -r f; do
		# a tool that cannot read a released file reads nothing: that is no pass
		pdftotext "$f" - >> "$T/pdftotext.$n" 2> /dev/null || echo pdftotext >> "$T/toolfail.$n"
		# the file's objects, streams decompressed; hex strings decoded too
		qpdf --qdf --object-streams=disable "$f" "$T/q.pdf" > /dev/null 2>&1
		rc=$?	# 3: warnings
		[ $rc -eq 0 ] || [ $rc -eq 3 ] || echo qpdf >> "$T/toolfail.$n"
		"$PY" -c '
import re, sys
b = open(sys.argv[1], "rb").read()
sys.stdout.write(b.decode("latin-1"))
for h in re.findall(rb"<([0-9A-Fa-f\s]{4,})>", b):
    h = re.sub(rb"\s", b"", h)
    try:
        raw = bytes.fromhex(h.decode() + ("0" if len(h) % 2 else ""))
    except ValueError:
        continue
    if raw.startswith(b"\xfe\xff"):
        sys.stdout.write(" " + raw[2:].decode("utf-16-be", "replace"))
    else:
        sys.stdout.write(" " + raw.replace(b"\0", b"").decode("latin-1"))
' "$T/q.pdf" >> "$T/qpdf.$n" 2> /dev/null
		mutool draw -q -F txt -o - "$f" >> "$T/mutool.$n" 2> /dev/null || echo mutool >> "$T/toolfail.$n"
		"$PY" -c '
import sys, fitz
r = getattr(fitz, "INFINITE_RECT", None)
r = r() if callable(r) else fitz.Rect(-1e6, -1e6, 1e6, 1e6)
for page in fitz.open(sys.argv[1]):
    sys.stdout.write(page.get_text(clip=r))
' "$f" >> "$T/fitz.$n" 2> /dev/null || echo fitz >> "$T/toolfail.$n"
		k=$(grep -n -xF "$f" "$T/pdfs.$n" | cut -d: -f1)
		mkdir -p "$T/img.$n.$k"
		pdfimages -png "$f" "$T/img.$n.$k/i" 2> /dev/null || echo pdfimages >> "$T/toolfail.$n"
		for i in "$T/img.$n.$k"/i-*.png; do [ -f "$i" ] && echo "img $n $i"; done >> "$T/ocrjobs"
		echo "pdf $n $f" >> "$T/ocrjobs"
	done < "$T/pdfs.$n"
done < "$T/classes"
# the OCR reads, two at a time
export T
i=0
while read -r kind n f; do
	i=$((i + 1))
	printf '%s\t%s\t%s\t%s\n' "$kind" "$n" "$f" "$T/job.$i"
done < "$T/ocrjobs" > "$T/ocrjobs.tab"
# (NUL-separated: kind, file, output; file names may hold spaces)
while IFS="$(printf '\t')" read -r kind n f out; do
	printf '%s\0%s\0%s\0' "$kind" "$f" "$out"
done < "$T/ocrjobs.tab" | xargs -0 -P 2 -n 3 sh -c '
	case $1 in
	img)	tesseract "$2" - > "$3" 2> /dev/null ;;
	pdf)	d=$3.d; mkdir -p "$d"; pdftoppm -r 300 -gray -png "$2" "$d/p" 2> /dev/null
		for p in "$d"/p-*.png; do [ -f "$p" ] && tesseract "$p" - 2> /dev/null; done > "$3"
		rm -rf "$d" ;;
	esac' sh
while IFS="$(printf '\t')" read -r kind n f out; do
	case $kind in img) cat "$out" >> "$T/pdfimages.$n" ;; pdf) cat "$out" >> "$T/ocr.$n" ;; esac
done < "$T/ocrjobs.tab"

phase "read back"
# 5. the cells
: > "$T/table"
printf '%-14s' class > "$T/table"
for tl in $TOOLS; do printf ' %-9s' "$tl"; done >> "$T/table"
echo >> "$T/table"
while read -r n cls file; do
	printf '%-14s' "$n $cls" >> "$T/table"
	if grep -qx "$n" "$T/na"; then
		# the engine dropped what the class hides: nothing to test
		for tl in $TOOLS; do printf ' %-9s' n/a; done >> "$T/table"
		echo >> "$T/table"
		continue
	fi
	c=$(awk -v n="$n" '$1 == n { print $3 }' "$T/classes")
	state=$(cat "$T/state.$n" 2> /dev/null)
	for tl in $TOOLS; do
		cell=ok
		found=
		case $state in
		blocked) cell=blocked ;;
		released)
			case $tl in
			ocr|pdfimages) found=$($LW --ocr $P2WORDS < "$T/$tl.$n") ;;
			names)
				# what the release says about itself.  Member names,
				# manifest and the patient's accounting entry: no Part 2
				# word; with the released files' text (cover letter, box
				# labels, stamps): no "Part 2"/"SUD"/"substance" wording;
				# with the released files' objects and the practice's log
				# (whose sealed fields may keep the reasons): no file name
				{
					cat "$T/members.$n"
					find "$T/rel/$n" -name manifest.json -exec cat {} +
					jq -r ".[] | select(.case == \"$c\") | .. | strings" "$T/acct.json"
				} > "$T/names.$n"
				cat "$T/names.$n" "$T/pdftotext.$n" > "$T/said.$n"
				{
					cat "$T/said.$n" "$T/qpdf.$n"
					grep -E "(^|[^0-9])$c([^0-9]|\$)" "$T/log.txt"
					jq -r ".[] | select(.case == \"$c\") | .. | strings" "$T/log.json"
				} > "$T/files.$n"
				found=$( { $LW $P2WORDS < "$T/names.$n" | sed 's/$/ (names)/'
					grep -qiF -- "${file%.pdf}" "$T/files.$n" && echo "file name '$file'"
					grep -qiE "$NAMED" "$T/said.$n" &&
					    echo "wording: $(grep -oiE ".{0,30}($NAMED).{0,20}" "$T/said.$n" | head -2 | tr '\n' ' ')"
				} ) ;;
			*) found=$($LW $P2WORDS < "$T/$tl.$n") ;;
			esac
			[ -n "$found" ] && cell=LEAK
			grep -qx "$tl" "$T/toolfail.$n" 2> /dev/null && [ -z "$found" ] &&
			    { cell=FAIL; found="nothing: $tl could not read a released file"; } ;;
		*) cell=FAIL; found="neither released nor blocked with a one-line reason ($state)" ;;
		esac
		printf ' %-9s' "$cell" >> "$T/table"
		if [ "$cell" = LEAK ] || [ "$cell" = FAIL ]; then
			not_ok "class $n $cls x $tl: reads $(echo $found | tr '\n' ' ')"
		else
			ok "class $n $cls x $tl: $cell"
		fi
	done
	echo >> "$T/table"
	[ "$cls" = control ] && is "class $n control: released, not blocked (else the flow is broken and a 'blocked' cell means nothing)" \
	    "$state" released
	case $state in
	released)
		got=$($LW --ocr $OKWORDS < "$T/ocr.$n" | wc -l)
		is "class $n $cls: the ordinary clinical text is still readable (OCR)" "$got" 2 ;;
	blocked) ok "class $n $cls: blocked with a reason, nothing in outbox/" ;;
	esac
done < "$L/classes.txt"
if [ "$ENGINE" != mupdf ]; then
	echo "records: $ver; what each still carries:" >> "$T/table"
	while read -r n cls file; do
		printf '%-14s %s\n' "$n $cls" "$(cat "$T/held.$n")"
	done < "$L/classes.txt" >> "$T/table"
fi
sed 's/^/# /' "$T/table"
cp "$T/table" "$TABLE" 2> /dev/null || true
phase "done ($ENGINE)"
