#!/bin/sh
# fuzz/tools/check.sh BUILDDIR SMOKE_SECONDS HARNESS...: `make fuzz-check`: replay every corpus and regression input through every harness, then a short smoke run of each.
set -u
dir=$1 smoke=$2; shift 2
# Every run is bounded: a replay that hangs (libFuzzer's -timeout covers one
# input, not a stuck run) fails with its name. timeout(1) exits 124 then.
replay_limit=${FUZZ_REPLAY_TIMEOUT:-900}
smoke_limit=$((smoke + 120))
pass=0 fail=0
log=$dir/check
rm -rf "$log"; mkdir -p "$log"
# Every input of every harness, also through the other harnesses: none may crash.
inputs=
for d in fuzz/corpus/* fuzz/regressions/*; do
	[ -d "$d" ] && [ -n "$(ls "$d")" ] && inputs="$inputs $d"
done
for h in "$@"; do
	bin=$dir/libfuzzer/$h
	n=$(for d in $inputs; do ls "$d"; done | wc -l)
	# shellcheck disable=SC2086 # $inputs is a list of directories without spaces
	timeout -k 10 "$replay_limit" "$bin" -runs=0 -timeout=10 -max_len=65536 $inputs \
	    >"$log/$h.replay" 2>&1; rc=$?
	if [ $rc -eq 0 ]; then
		echo "fuzz-check: $h replay of $n inputs: ok"; pass=$((pass + 1))
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "fuzz-check: $h replay: FAIL (timeout: no result after ${replay_limit}s)"
		tail -n 25 "$log/$h.replay"; fail=$((fail + 1))
	else
		echo "fuzz-check: $h replay: FAIL"; tail -n 25 "$log/$h.replay"; fail=$((fail + 1))
	fi
done
for h in "$@"; do
	bin=$dir/libfuzzer/$h
	work=$log/$h.smoke; mkdir -p "$work" "$dir/artifacts/$h"
	dict=
	[ -f fuzz/"$h".dict ] && dict=-dict=fuzz/$h.dict
	# shellcheck disable=SC2086
	timeout -k 10 "$smoke_limit" "$bin" -max_total_time="$smoke" -timeout=5 -max_len=65536 \
	    -print_final_stats=1 -artifact_prefix="$dir/artifacts/$h/" $dict "$work" fuzz/corpus/"$h" \
	    >"$log/$h.smoke.log" 2>&1; rc=$?
	if [ $rc -eq 0 ]; then
		eps=$(grep -E '^stat::average_exec_per_sec' "$log/$h.smoke.log" | awk '{print $2}')
		echo "fuzz-check: $h smoke ${smoke}s: ok, $eps execs/s"; pass=$((pass + 1))
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		echo "fuzz-check: $h smoke: FAIL (timeout: still running after ${smoke_limit}s)"
		tail -n 5 "$log/$h.smoke.log"; fail=$((fail + 1))
	else
		echo "fuzz-check: $h smoke: FAIL (artifacts in $dir/artifacts/$h/)"
		grep -E 'oracle|ERROR|SUMMARY|numbers:' "$log/$h.smoke.log" | head -n 5; fail=$((fail + 1))
	fi
	rm -rf "$work"
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
