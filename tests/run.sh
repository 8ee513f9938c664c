#!/bin/sh
# run.sh - run every test: unit tests (cmocka, TAP), end-to-end flows
# (shell, TAP) and the fuzzers' smoke (tests/fuzz/smoke.sh, TAP), then
# print the closing line "N passed, N failed".
#
# usage: tests/run.sh SANITIZER_BUILD_DIR BUILD_DIR [PATTERN]
# The roi under test is the sanitizer build; fixtures come from tools/mkfax
# and tools/mkleak (the leak suite's records, in FIXTURES/leak).
set -u
san=$1
build=$2
pat=${3:-${TESTS:-}}
top=$(pwd)
export ROI="$top/$san/roi" CER="$top/$san/cer" FIX="$top/$build/fixtures"
export P2SCORE="$top/$san/p2score" ROI_VERIFY="$top/$san/roi-verify"
export MKFAX="$top/$build/mkfax" MKLEAK="$top/$build/mkleak" MKFORM="$top/$build/mkform" TOP="$top"
export FUZZ="$top/$build/fuzz"
# stages link Tesseract/Leptonica, whose caches LeakSanitizer counts as
# leaks; leaks are checked in the unit tests, crashes and UB everywhere
# max_malloc_fill_size=0: ASan's fill of every new block (0xbe) was a fifth
# of the suite's time in page faults and memset on page-sized buffers;
# quarantine_size_mb=32 (of 256): a freed block stays poisoned for the next
# 32 MiB of frees, which still catches a use after free in our code, while
# Tesseract's churn no longer cycles 256 MiB through the page cache (a
# standard fax's OCR: 7.1 -> 5.0 s of CPU)
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:max_malloc_fill_size=0:quarantine_size_mb=32
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_THREAD_LIMIT=1
unset ROI_HOME ROI_NOW

log=$top/$build/test.log
: > "$log"
pass=0
fail=0

# fixtures: regenerate when the generator or its sources changed
stamp=$FIX/.stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$MKFAX" "$MKLEAK" fixtures/src -newer "$stamp" 2>/dev/null | head -1)" ]; then
	rm -rf "$FIX"
	mkdir -p "$FIX/leak"
	if ! "$MKFAX" -o "$FIX" >>"$log" 2>&1 || ! "$MKFAX" --bad "$FIX/bad" >>"$log" 2>&1 ||
	    ! "$MKLEAK" -o "$FIX/leak" >>"$log" 2>&1; then
		echo "run.sh: cannot generate fixtures (see $log)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	touch "$stamp"
fi

# tally NAME OUT - count a summarised test and keep its output in the log
tally() {
	p=0 f=1
	[ -f "$2.count" ] && read -r p f < "$2.count"
	pass=$((pass + p))
	fail=$((fail + f))
	{ echo "=== $1"; cat "$2"; } >> "$log"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# (in a file: the parallel lanes below are new shells that source it)
cat > "$work/summary.sh" <<'EOS'
# summary NAME OUT RC SECS - a test's TAP output as one line (and its
# failures); its counts written to OUT.count ("PASS FAIL")
summary() {
	name=$1
	out=$2
	rc=$3
	secs=$4
	p=$(grep -c '^ok ' "$out")
	f=$(grep -c '^not ok ' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >> "$out"
	fi
	echo "$p $f" > "$out.count"
	if [ "$f" -gt 0 ]; then
		echo "FAIL $name ($p passed, $f failed, ${secs} s):"
		grep -E '^not ok|^# ' "$out" | head -40 | sed 's/^/    /'
	else
		echo "ok   $name ($p passed, ${secs} s)"
	fi
}
EOS
. "$work/summary.sh"
k=0
for t in "$san"/tests/t_*; do
	[ -x "$t" ] || continue
	n=unit/$(basename "$t")
	case "$n" in *$pat*) ;; *) continue ;; esac
	t0=$(date +%s)
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" > "$work/$k" 2>&1
	summary "$n" "$work/$k" $? $(( $(date +%s) - t0 ))
	tally "$n" "$work/$k"
	k=$((k + 1))
done

# end-to-end flows and the fuzzers' smoke: TEST_JOBS at a time (2: this
# machine's cores; each flow has its own home and temporary folder), the
# longest first so the two lanes end together; printed as each ends, logged in a fixed order
jobs=${TEST_JOBS:-2}
long="e2e/auth.sh e2e/ocr.sh e2e/review.sh e2e/leak.sh fault/crash.sh fault/handoff.sh fault/releasefull.sh"
{
	for n in $long; do
		[ -f "tests/$n" ] && echo "$n"
	done
	for t in tests/e2e/*.sh tests/fault/*.sh tests/fuzz/smoke.sh; do
		n=${t#tests/}
		case " $long " in *" $n "*) continue ;; esac
		echo "$n"
	done
} | while read -r n; do
	case "$n" in */lib.sh) continue ;; esac
	case "$n" in *$pat*) ;; *) continue ;; esac
	echo "$n"
done > "$work/e2e"
export work
# shellcheck disable=SC2016
tr '\n' '\0' < "$work/e2e" | xargs -0 -r -n 1 -P "$jobs" sh -c '
	. "$work/summary.sh"
	n=$1
	o=$work/$(echo "$n" | tr / _)
	t0=$(date +%s)
	sh "tests/$n" > "$o" 2>&1
	rc=$?
	# the summary as one write, so two lanes do not interleave lines
	summary "$n" "$o" $rc $(( $(date +%s) - t0 )) > "$o.line"
	cat "$o.line"' sh
while read -r n; do
	tally "$n" "$work/$(echo "$n" | tr / _)"
done < "$work/e2e"
echo "details: $log"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
