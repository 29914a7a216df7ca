#!/bin/sh
# SPDX-License-Identifier: ISC
# fuzz/tools/run-afl.sh HARNESS SECONDS BUILDDIR: AFL++ main + CmpLog secondary for SECONDS, then afl-cmin of the finds into fuzz/corpus/HARNESS.
set -u
h=$1 secs=$2 dir=$3
bin=$dir/afl/$h
cmp=$dir/afl-cmplog/$h
out=$dir/afl-out/$h
mkdir -p "$out" fuzz/corpus/"$h"
dict=
[ -f fuzz/"$h".dict ] && dict="-x fuzz/$h.dict"
# Documented environment: no UI (logs), no CPU binding (shared machine),
# resume an earlier campaign in the same output directory, sanitizers abort.
export AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_AUTORESUME=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_ALLOW_TMP=1
export ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0
# -V ends each instance; timeout(1) is the backstop (exit 124) if one does not stop.
limit=$((secs + 300))
echo "fuzz-afl: $h for ${secs}s: main + CmpLog secondary, output $out"
# shellcheck disable=SC2086 # $dict is empty or two words
timeout -k 30 "$limit" afl-fuzz -i fuzz/corpus/"$h" -o "$out" -M main -V "$secs" -m none -t 5000 $dict \
    -- "$bin" >"$out/main.log" 2>&1 &
m=$!
# shellcheck disable=SC2086
timeout -k 30 "$limit" afl-fuzz -i fuzz/corpus/"$h" -o "$out" -S cmplog -c "$cmp" -V "$secs" -m none -t 5000 $dict \
    -- "$bin" >"$out/cmplog.log" 2>&1 &
s=$!
wait $m; rm_=$?
wait $s; rs=$?
[ $rm_ -ne 0 ] && tail -n 20 "$out/main.log"
[ $rs -ne 0 ] && tail -n 20 "$out/cmplog.log"
[ $rm_ -eq 124 ] && echo "fuzz-afl: $h main: TIMEOUT (still running ${limit}s after start)"
[ $rs -eq 124 ] && echo "fuzz-afl: $h cmplog: TIMEOUT (still running ${limit}s after start)"
crashes=0 total=0 sum=0
for who in main cmplog; do
	st=$out/$who/fuzzer_stats
	[ -f "$st" ] || continue
	e=$(awk -F' *: *' '$1=="execs_done" {print $2}' "$st")
	r=$(awk -F' *: *' '$1=="execs_per_sec" {print $2}' "$st")
	c=$(awk -F' *: *' '$1=="saved_crashes" || $1=="unique_crashes" {print $2}' "$st" | head -n 1)
	echo "fuzz-afl: $h $who: $e execs, $r execs/s, ${c:-0} crashes"
	total=$((total + e)); crashes=$((crashes + ${c:-0}))
done
echo "fuzz-afl: $h: $total execs in ${secs}s, $((total / (secs > 0 ? secs : 1))) execs/s (both instances)"
# afl-cmin over the old corpus and both queues; add what is new, named by content.
pool=$out/cmin-in min=$out/cmin-out
rm -rf "$pool" "$min"; mkdir -p "$pool"
cp fuzz/corpus/"$h"/* "$pool"/ 2>/dev/null
for q in "$out"/main/queue "$out"/cmplog/queue; do
	for f in "$q"/id*; do [ -f "$f" ] && cp "$f" "$pool/q$(sha1sum <"$f" | cut -c1-40)"; done
done
before=$(find fuzz/corpus/"$h" -type f | wc -l)
if timeout -k 30 1800 afl-cmin -i "$pool" -o "$min" -m none -t 5000 -- "$bin" >"$out/cmin.log" 2>&1; then
	have=$(for f in fuzz/corpus/"$h"/*; do sha1sum <"$f" | cut -c1-40; done)
	for f in "$min"/*; do
		[ -f "$f" ] || continue
		sum=$(sha1sum <"$f" | cut -c1-40)
		printf '%s\n' "$have" | grep -qx "$sum" || cp "$f" fuzz/corpus/"$h"/"$sum"
	done
else
	echo "fuzz-afl: afl-cmin failed, see $out/cmin.log"
fi
after=$(find fuzz/corpus/"$h" -type f | wc -l)
echo "fuzz-afl: $h: corpus $before -> $after files"
if [ "$crashes" -gt 0 ]; then
	echo "fuzz-afl: $h FOUND CRASHES: $out/*/crashes/ (replay: $dir/libfuzzer/$h FILE)"
	exit 1
fi
[ $rm_ -eq 0 ] && [ $rs -eq 0 ]
