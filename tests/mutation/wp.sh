#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/mutation/wp.sh FILE [FUNCTION...]: WP on one file, as proofs/run.sh
# runs it (proofs/wp-flags.sh: RTE, the same provers, driver and 20 s
# timeout), limited to the named functions if any. Fails unless every goal is proved.
set -u
f=$1; shift
fct=
for fn in "$@"; do fct="$fct -wp-fct $fn"; done
# shellcheck source=proofs/wp-flags.sh
. proofs/wp-flags.sh
# shellcheck disable=SC2086 # the flag lists are meant to split
out=$(frama-c -cpp-extra-args="$CPP" $WARN "$f" $WP_FLAGS $fct 2>&1)
rc=$?
line=$(printf '%s\n' "$out" | grep -E '^\[wp\] Proved goals: +[0-9]+ / [0-9]+' | tail -n 1)
printf '%s\n' "$out" | grep -E '^\[wp\] \[(Failed|Unknown|Timeout)\] Goal' | head -n 5
printf '%s\n' "$out" | grep -E 'User Error|Frama-C aborted' | head -n 3
echo "wp $f: ${line:-no result} (rc $rc)"
[ "$rc" -eq 0 ] || exit 1
p=$(echo "$line" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\1/')
t=$(echo "$line" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\2/')
[ -n "$line" ] && [ "$p" -eq "$t" ]
