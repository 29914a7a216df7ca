#!/bin/sh
# tests/unit/run.sh DIR TEST...: run each unit test binary, add up its counts.
dir=$1; shift
pass=0; fail=0
for t in "$@"; do
	out=$("$dir/$t" 2>&1); rc=$?
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
