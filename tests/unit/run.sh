#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/unit/run.sh DIR TEST...: run each unit test binary, add up its counts.
# Each binary gets UNIT_TIMEOUT seconds (default 60; SIGKILL 5 s after the
# SIGTERM): a test that hangs is a failure with its name, not a hung suite.
dir=$1; shift
limit=${UNIT_TIMEOUT:-60}
pass=0; fail=0
for t in "$@"; do
	out=$(timeout -k 5 "$limit" "$dir/$t" 2>&1); rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		[ -n "$out" ] && printf '%s\n' "$out" | tail -n 20
		echo "$t: FAIL (timeout: no result after ${limit}s)"; fail=$((fail + 1)); continue
	fi
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ] || [ $rc -ne 0 ]; then printf '%s\n' "$out"; fi
	if [ -z "$line" ]; then
		echo "$t: FAIL (no result line, status $rc)"; fail=$((fail + 1)); continue
	fi
	p=${line%% passed*}; f=${line#*, }; f=${f%% failed*}
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "$t: $p passed, $f failed"
	pass=$((pass + p)); fail=$((fail + f))
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
