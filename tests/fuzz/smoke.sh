#!/bin/sh
# smoke.sh - the fuzzers' part of make test (TAP): each harness runs every
# seed (tests/fuzz/corpus/NAME) and every kept crash input
# (tests/fuzz/regress/NAME: each found a bug before its fix),
# then mutates them for FUZZ_SMOKE_SECS seconds (default 1: with start-up
# and the seeds about 2 s a harness, 40 s in all on 2 cores).  Anything
# found is a failure, with libFuzzer's report in the test log.  New inputs
# go to a temporary folder, never into the tree.
#
# Environment: FUZZ, the folder of the harnesses (make test-build builds
# them: build/fuzz); TOP, the source tree.
set -u
cd "${TOP:-.}" || exit 1
bin=${FUZZ:-build/fuzz}
secs=${FUZZ_SMOKE_SECS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_THREAD_LIMIT=1
k=0
for src in tests/fuzz/f_*.c; do
	n=${src##*/f_}
	n=${n%.c}
	k=$((k + 1))
	f=$bin/f_$n
	if [ ! -x "$f" ]; then
		echo "not ok $k - fuzz/$n: no harness $f (make test-build)"
		continue
	fi
	mkdir -p "$tmp/$n"
	set -- "$tmp/$n" "tests/fuzz/corpus/$n"
	nin=$(ls "tests/fuzz/corpus/$n" | wc -l)
	if [ -d "tests/fuzz/regress/$n" ]; then
		set -- "$@" "tests/fuzz/regress/$n"
		nin=$((nin + $(ls "tests/fuzz/regress/$n" | wc -l)))
	fi
	t0=$(date +%s)
	"$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 -max_len=65536 -seed=$k \
	    -print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$tmp/$n." "$@" \
	    > "$tmp/$n.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/$n.log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok $k - fuzz/$n: $nin inputs and ${runs:-?} runs in $(( $(date +%s) - t0 )) s"
	else
		echo "not ok $k - fuzz/$n: libFuzzer exited $rc"
		grep -E 'ERROR|SUMMARY|Test unit written|^#|==[0-9]+==' "$tmp/$n.log" | head -20 |
		    sed 's/^/# /'
	fi
done
echo "1..$k"
