#!/bin/sh
# run.sh - make fuzz: run each libFuzzer harness for SECS seconds and print
# its corpus and executions per second (libFuzzer's -print_final_stats).
#
# usage: tests/fuzz/run.sh FUZZ_BUILD_DIR BUILD_DIR SECS [NAME...]
# Each harness f_NAME starts from its seeds (tests/fuzz/corpus/NAME) and
# its kept crash inputs (tests/fuzz/regress/NAME); the inputs it finds are
# written to BUILD_DIR/fuzz-corpus/NAME (kept between runs, so a second run
# goes on from the first), a crash, leak or slow input to
# BUILD_DIR/fuzz-out/NAME/, with its log beside it.  Nothing is written
# into the source tree: a crash worth keeping is copied to regress/ by hand,
# with its fix.  Exits 1 when a harness found something.
set -u
bin=$1
build=$2
secs=$3
shift 3
names=$*
if [ -z "$names" ]; then
	for f in "$bin"/f_*; do
		[ -x "$f" ] && names="$names ${f##*/f_}"
	done
fi
# leaks are checked here (make test's sanitizer runs leave them to the
# unit tests); a report stops the run; an input over FUZZ_TIMEOUT seconds
# (default 10) is a hang; "slowest" is the longest one input took
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export OMP_THREAD_LIMIT=1
found=0
printf '%-11s %7s %7s %7s %9s %5s %7s  %s\n' harness corpus size exec/s execs cov slowest result
for n in $names; do
	f=$bin/f_$n
	if [ ! -x "$f" ]; then
		echo "fuzz: no harness $f" >&2
		found=1
		continue
	fi
	corp=$build/fuzz-corpus/$n
	out=$build/fuzz-out/$n
	mkdir -p "$corp" "$out"
	set -- "$corp" "tests/fuzz/corpus/$n"
	[ -d "tests/fuzz/regress/$n" ] && set -- "$@" "tests/fuzz/regress/$n"
	"$f" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2560 -max_len=65536 \
	    -print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$out/" "$@" \
	    > "$out/log" 2>&1
	rc=$?
	# "#123 DONE cov: 456 ft: 789 corp: 40/12Kb ..." and the final stats
	last=$(grep -E '^#[0-9]+' "$out/log" | tail -1)
	corpn=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/\([0-9a-zA-Z]*\).*/\1/p')
	corps=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/\([0-9a-zA-Z]*\).*/\2/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log" | tail -1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -1)
	slow=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$out/log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		res=ok
	else
		found=1
		res="FOUND (exit $rc): $(ls "$out" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' |
		    head -3 | tr '\n' ' ')see $out/log"
	fi
	printf '%-11s %7s %7s %7s %9s %5s %6ss  %s\n' "$n" "${corpn:-?}" "${corps:-?}" \
	    "${eps:-?}" "${runs:-?}" "${cov:-?}" "${slow:-?}" "$res"
done
exit $found
