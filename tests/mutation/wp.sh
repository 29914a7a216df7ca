#!/bin/sh
# tests/mutation/wp.sh FILE [FUNCTION...]: WP on one file, as proofs/run.sh
# runs it (RTE, the same provers, driver and 20 s timeout), limited to the
# named functions if any. Fails unless every goal is proved.
set -u
f=$1; shift
fct=
for fn in "$@"; do fct="$fct -wp-fct $fn"; done
# shellcheck disable=SC2086 # the function flags are meant to split
out=$(frama-c -cpp-extra-args='-Iinclude -D_POSIX_C_SOURCE=200809L' \
	-warn-unsigned-overflow -warn-unsigned-downcast -warn-signed-downcast \
	"$f" -wp -wp-rte $fct -wp-prover z3-ce,cvc4 -wp-driver proofs/vset.driver \
	-wp-par 2 -wp-timeout 20 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep -E '^\[wp\] Proved goals: +[0-9]+ / [0-9]+' | tail -n 1)
printf '%s\n' "$out" | grep -E '^\[wp\] \[(Failed|Unknown|Timeout)\] Goal' | head -n 5
printf '%s\n' "$out" | grep -E 'User Error|Frama-C aborted' | head -n 3
echo "wp $f: ${line:-no result} (rc $rc)"
[ "$rc" -eq 0 ] || exit 1
p=$(echo "$line" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\1/')
t=$(echo "$line" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\2/')
[ -n "$line" ] && [ "$p" -eq "$t" ]
