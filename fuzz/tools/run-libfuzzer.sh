#!/bin/sh
# fuzz/tools/run-libfuzzer.sh HARNESS SECONDS JOBS BUILDDIR: one libFuzzer campaign, then merge its finds into fuzz/corpus/HARNESS.
set -u
h=$1 secs=$2 jobs=$3 dir=$4
bin=$dir/libfuzzer/$h
work=$dir/run/$h		# the campaign's own corpus, kept between runs
art=$dir/artifacts/$h/		# crashes, timeouts, leaks
log=$dir/run/$h.log
mkdir -p "$work" "$art" fuzz/corpus/"$h"
dict=
[ -f fuzz/"$h".dict ] && dict=-dict=fuzz/$h.dict
par=
[ "$jobs" -gt 1 ] && par="-fork=$jobs -ignore_crashes=0"
echo "fuzz-run: $h for ${secs}s (jobs $jobs), corpus fuzz/corpus/$h, crashes in $art"
# New inputs go to the first directory; the checked-in corpus is only read.
# shellcheck disable=SC2086 # $dict and $par are empty or one word each
# -max_total_time ends the campaign; timeout(1) is the backstop (exit 124).
timeout -k 30 $((secs + 300)) "$bin" -max_total_time="$secs" -timeout=5 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$art" $dict $par "$work" fuzz/corpus/"$h" >"$log" 2>&1
rc=$?
tail -n 12 "$log"
execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
eps=$(grep -E '^stat::average_exec_per_sec' "$log" | awk '{print $2}')
if [ -z "$eps" ]; then	# fork mode prints no final stats: take the last status line
	eps=$(grep -oE 'exec/s:? [0-9]+' "$log" | tail -n 1 | awk '{print $2}')
	execs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#:')
fi
before=$(find fuzz/corpus/"$h" -type f | wc -l)
timeout -k 30 1800 "$bin" -merge=1 -max_len=65536 -timeout=5 fuzz/corpus/"$h" "$work" \
    >"$log.merge" 2>&1 || echo "fuzz-run: merge failed (status $?; 124: timeout), see $log.merge"
after=$(find fuzz/corpus/"$h" -type f | wc -l)
echo "fuzz-run: $h: ${execs:-?} execs in ${secs}s, ${eps:-?} execs/s, corpus $before -> $after files"
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "fuzz-run: $h TIMEOUT: the campaign was still running $((secs + 300))s after start"
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "fuzz-run: $h FOUND A CRASH (status $rc): $(find "$art" -type f | head -n 3)"
	echo "fuzz-run: minimise with: $bin -minimize_crash=1 -runs=100000 FILE; keep it in fuzz/regressions/$h/"
	exit 1
fi
