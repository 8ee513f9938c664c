#!/bin/sh
# ocrrecall.sh BUILD - word recall and CPU per page of roi's OCR against the
# tesseract CLI on pages another engine laid out (make bench; issue 17.7)
#
# The pages: fixtures/src/ocr/*.html (a referral letter, a lab report, a
# progress note, an intake form in boxes, a dense discharge summary; our own
# words, fonts unlike mkfax's), printed to PDF by headless Chromium, then
# scanned and faxed by mkfax --from with seeds 1..3 (300 dpi 1-bit scan,
# fine and standard fax; skew and speckle differ by seed).  The truth is the
# Chromium PDF's text.  roi: build/ocrtext (ocr.c with the stage's options)
# on the scan PDF or the fax TIFF; the CLI: `tesseract FILE -` on the fax
# TIFF itself and on the scan's page rendered at 300 dpi (pdftoppm, not
# timed).  Recall: tools/ocrrecall.py (case-folded word multiset).  CPU:
# user + system seconds per page, OMP_THREAD_LIMIT=1.
# BENCH_RECALL_SEEDS (default "1 2 3").
set -eu
build=${1:-build}
top=$(pwd)
B=$top/$build/bench/recall
mkdir -p "$B"
export OMP_THREAD_LIMIT=1
for c in chromium pdftotext pdftoppm tesseract; do
	command -v $c > /dev/null || { echo "ocrrecall: $c is missing (make deps-bench)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/roi-recall.XXXXXX)
trap 'rm -rf "$W"' EXIT

docs=""
for h in "$top"/fixtures/src/ocr/*.html; do
	n=$(basename "$h" .html)
	docs="$docs $n"
	if [ ! -s "$B/$n.pdf" ] || [ "$h" -nt "$B/$n.pdf" ]; then
		timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
		    --user-data-dir="$W/profile" --no-pdf-header-footer \
		    --print-to-pdf="$B/$n.pdf" "file://$h" > "$W/log" 2>&1 || true
		[ -s "$B/$n.pdf" ] || { echo "ocrrecall: chromium did not print $n" >&2; exit 1; }
	fi
	for s in ${BENCH_RECALL_SEEDS:-1 2 3}; do
		if [ ! -s "$B/s$s-$n.std.tif" ] || [ "$B/$n.pdf" -nt "$B/s$s-$n.std.tif" ]; then
			"$top/$build/mkfax" -s "$s" --from "$B/$n.pdf" -o "$B/s$s-$n"
			pdftoppm -r 300 -gray -png "$B/s$s-$n.300.pdf" "$B/s$s-$n.300"
		fi
	done
done

# run_one WHO VARIANT: adds to hits, total, cpu, pages
run_one() {
	who=$1 v=$2 hits=0 total=0 cpu=0 pages=0
	for s in ${BENCH_RECALL_SEEDS:-1 2 3}; do
		for n in $docs; do
			b=$B/s$s-$n
			case $who.$v in
			roi.300) set -- "$top/$build/ocrtext" "$b.300.pdf" ;;
			roi.*) set -- "$top/$build/ocrtext" "$b.$v.tif" ;;
			cli.300) set -- tesseract "$b.300-1.png" - ;;
			cli.*) set -- tesseract "$b.$v.tif" - ;;
			esac
			/usr/bin/time -f "%U %S" -o "$W/time" "$@" > "$W/out" 2> /dev/null ||
			    { echo "ocrrecall: $who failed on $(basename "$b").$v" >&2; exit 1; }
			r=$(python3 "$top/tools/ocrrecall.py" "$b.txt" "$W/out")
			hits=$((hits + $(echo "$r" | cut -d' ' -f2)))
			total=$((total + $(echo "$r" | cut -d' ' -f3)))
			cpu=$(echo "$cpu + $(awk '{print $1 + $2}' "$W/time")" | bc -l)
			pages=$((pages + $(tr -cd '\f' < "$b.txt" | wc -c) + 1))
		done
	done
}

echo "OCR word recall on pages Chromium laid out (fixtures/src/ocr, seeds ${BENCH_RECALL_SEEDS:-1 2 3}), roi against the tesseract CLI"
printf '  %-22s %8s %8s %12s %12s\n' input "roi" "CLI" "roi CPU/pg" "CLI CPU/pg"
for v in 300 fine std; do
	run_one roi $v; rr=$(echo "$hits / $total" | bc -l); rc=$(echo "$cpu / $pages" | bc -l)
	run_one cli $v; cr=$(echo "$hits / $total" | bc -l); cc=$(echo "$cpu / $pages" | bc -l)
	case $v in 300) lab="scan 300 dpi" ;; fine) lab="fine fax 204x196" ;; std) lab="standard fax 204x98" ;; esac
	printf '  %-22s %8.4f %8.4f %11.2fs %11.2fs\n' "$lab" "$rr" "$cr" "$rc" "$cc"
done
echo "  ($total words a variant; recall: the share of the truth's words the reading holds)"
