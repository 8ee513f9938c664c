#!/bin/sh
# mkleak-chromium.sh - the leak suite's records made by another engine:
# born-digital progress notes written as HTML and printed to PDF by headless
# Chromium (Skia's PDF backend: its own font subsets, Type 0 or Type 3 fonts,
# its own ToUnicode, glyphs outside the clip left out), with the Part 2
# sentence hidden the ways HTML and CSS can hide it (tests/e2e/leak.sh,
# LEAK_ENGINE=chromium; fixtures/README.md)
#
#   tools/mkleak-chromium.sh DIR   writes DIR/NN-CLASS.html and .pdf and
#                                  DIR/classes.txt ("NN CLASS FILE", in order)
#
# Every page is the note of tools/mkleak.c (Jordan Sample, 07/22/1985,
# MRN-0048213: made up) in Liberation Sans, and the sentence:
#
#   00-control    a plain paragraph
#   01-offpage    one line that does not wrap, running past the right page
#                 edge (html and body clip it, so Chromium does not shrink the
#                 page to fit): "methadone maintenance" on the page
#   02-offscreen  position: absolute; left: -9999px (the usual "visually
#                 hidden" rule for screen readers)
#   03-white      white text on the white page
#   04-clip       in a box 0.4em tall with overflow: hidden (the tops of
#                 the letters show)
#   05-tiny       font-size: 1px
#   06-svgtext    an inline SVG <text>
#   07-svgpath    an inline SVG of glyph outlines (paths, no text; drawn
#                 by mutool from a Helvetica line)
#   08-image      a data: URL PNG of the line (drawn by pdftoppm from a
#                 page mutool made)
#   09-zwsp       U+200B inside every word of 5+ letters
#   10-lookalike  Cyrillic а е о р с і ѕ у for the Latin letters
#   11-type3      the whole page in Nimbus Sans (CFF outlines), which Skia
#                 writes as Type 3 fonts: every glyph a little drawing
#
# Needs chromium, mutool, pdftoppm, base64 (tools/deps.sh accuracy).
#
# SECURITY: a test tool; reads nothing but its own files, writes under DIR;
# Chromium runs without its sandbox (as root it cannot have one) on local
# files only, with a throw-away profile.
# FILES: DIR/*.html, DIR/*.pdf, DIR/classes.txt; a temporary profile.
set -eu
D=${1:?usage: mkleak-chromium.sh DIR}
mkdir -p "$D"
for c in chromium mutool pdftoppm base64; do
	command -v $c > /dev/null || { echo "mkleak-chromium: the $c command is missing (tools/deps.sh accuracy)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/roi-mkleak.XXXXXX)
trap 'rm -rf "$W"' EXIT

P2="Patient attends the methadone maintenance program at Riverbend Recovery Clinic since 2021."

# the line drawn by MuPDF (Helvetica, 11 pt): as an image and as outlines
cat > "$W/line.txt" <<EOF
%%MediaBox 0 0 480 20
%%Font F1 Helvetica
BT /F1 11 Tf 4 6 Td ($P2) Tj ET
EOF
mutool create -o "$W/line.pdf" "$W/line.txt"
pdftoppm -r 200 -gray -png -singlefile "$W/line.pdf" "$W/line" 2> /dev/null
mutool draw -q -F svg -O text=path -o "$W/line.svg" "$W/line.pdf" 2> /dev/null
# mutool numbers the page in the name: line1.svg
[ -f "$W/line.svg" ] || mv "$W/line1.svg" "$W/line.svg"
PNG=$(base64 -w 0 "$W/line.png")
SVG=$(sed '/^<?xml/d' "$W/line.svg")

# words of 5+ letters split every two letters by U+200B
ZW=$(echo "$P2" | sed 's/\([A-Za-z][A-Za-z]\)\([A-Za-z][A-Za-z][A-Za-z]\)/\1\&#8203;\2/g;
    s/\([A-Za-z][A-Za-z]\)\([A-Za-z][A-Za-z][A-Za-z]\)/\1\&#8203;\2/g;
    s/\([A-Za-z][A-Za-z]\)\([A-Za-z][A-Za-z][A-Za-z]\)/\1\&#8203;\2/g')
LOOK=$(echo "$P2" | sed 's/a/а/g; s/e/е/g; s/o/о/g; s/p/р/g; s/c/с/g; s/i/і/g; s/s/ѕ/g; s/y/у/g;
    s/P/Р/g; s/C/С/g')

# page NN CLASS FONT EXTRA-CSS BODY - one record
page() {
	n=$1 cls=$2 font=$3 css=$4 body=$5
	f=$n-$cls
	cat > "$D/$f.html" <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Progress note</title>
<style>
@page { size: letter; margin: 0.75in }
html, body { overflow: hidden }
body { font-family: $font; font-size: 11pt; margin: 0 }
h1 { font-size: 14pt; margin: 0 0 12pt 0 }
p { margin: 0 0 8pt 0 }
$css
</style></head><body>
<h1>Lakeside Behavioral Health - Progress Note</h1>
<p>Patient: Jordan Sample &nbsp;&nbsp; Date of birth: 07/22/1985 &nbsp;&nbsp; MRN: MRN-0048213</p>
<p>Date of service: 11/18/2026 &nbsp;&nbsp; Clinician: Quinn Sampleton, MD</p>
<p>Mood improved on sertraline 100 mg daily; sleep is better.</p>
<p>PHQ-9 score fell from 14 to 8 since the last visit.</p>
<p>Plan: continue sertraline, follow up in four weeks.</p>
$body
</body></html>
EOF
	rm -f "$D/$f.pdf"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
	    --user-data-dir="$W/profile" --no-pdf-header-footer \
	    --print-to-pdf="$D/$f.pdf" "file://$D/$f.html" > "$W/log" 2>&1 || true
	[ -s "$D/$f.pdf" ] || { echo "mkleak-chromium: chromium did not print $f" >&2; tail -3 "$W/log" >&2; exit 1; }
	echo "$n $cls $f.pdf" >> "$W/classes.txt"
}

case $D in /*) ;; *) D=$PWD/$D ;; esac
SANS='"Liberation Sans", Arial, sans-serif'
page 00 control "$SANS" "" "<p>$P2</p>"
page 01 offpage "$SANS" ".edge { white-space: nowrap; margin-left: 3.6in }" "<p class=\"edge\">$P2</p>"
page 02 offscreen "$SANS" ".sr { position: absolute; left: -9999px }" "<p class=\"sr\">$P2</p>"
page 03 white "$SANS" ".w { color: #fff }" "<p class=\"w\">$P2</p>"
page 04 clip "$SANS" ".clip { height: 0.4em; overflow: hidden }" "<div class=\"clip\"><p>$P2</p></div>"
page 05 tiny "$SANS" ".tiny { font-size: 1px }" "<p class=\"tiny\">$P2</p>"
page 06 svgtext "$SANS" "" "<svg width=\"660\" height=\"24\" xmlns=\"http://www.w3.org/2000/svg\"><text x=\"0\" y=\"16\" font-family=\"Liberation Sans\" font-size=\"14.667\">$P2</text></svg>"
page 07 svgpath "$SANS" ".out svg { width: 480pt; height: 20pt }" "<div class=\"out\">$SVG</div>"
page 08 image "$SANS" "" "<p><img alt=\"\" style=\"width: 480pt; height: 20pt\" src=\"data:image/png;base64,$PNG\"></p>"
page 09 zwsp "$SANS" "" "<p>$ZW</p>"
page 10 lookalike "$SANS" "" "<p>$LOOK</p>"
page 11 type3 '"Nimbus Sans", sans-serif' "" "<p>$P2</p>"
mv "$W/classes.txt" "$D/classes.txt"
