#!/bin/sh
# proofs/run.sh OUTDIR "WP FILES" "EVA FILES": run WP (+RTE, smoke tests) and
# EVA, check the goal count against proofs/goals.expected, print the summary.
set -u
top=$1 wpsrc=$2 evasrc=$3
mkdir -p "$top"
# A private directory per run: concurrent `make proofs` must not share logs.
out=$(mktemp -d "$top/run.XXXXXX") || exit 1
CPP='-Iinclude -D_POSIX_C_SOURCE=200809L'
WARN='-warn-unsigned-overflow -warn-unsigned-downcast -warn-signed-downcast'
pass=0 fail=0
ok() { echo "proofs: ok: $1"; pass=$((pass + 1)); }
ko() { echo "proofs: FAIL: $1"; fail=$((fail + 1)); }

# --- WP ---------------------------------------------------------------------
# shellcheck disable=SC2086 # the file and flag lists are meant to split
frama-c -cpp-extra-args="$CPP" $WARN $wpsrc \
	-wp -wp-rte -wp-prover z3-ce,cvc4 -wp-driver proofs/vset.driver \
	-wp-par 2 -wp-timeout 20 -wp-smoke-tests -wp-no-smoke-dead-code -wp-no-smoke-dead-call -wp-session "$out/wp-session" \
	>"$out/wp.log" 2>&1
wprc=$?
summary=$(grep -E '^\[wp\] Proved goals: +[0-9]+ / [0-9]+' "$out/wp.log" | tail -n 1)
proved=$(echo "$summary" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\1/')
total=$(echo "$summary" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\2/')
smoke=$(grep -c '\] Smoke-test ' "$out/wp.log")
smoke_bad=$(grep '\] Smoke-test ' "$out/wp.log" | grep -vc '\[Passed\] Smoke-test')
goals=$(( ${total:-0} - smoke ))
goals_ok=$(( ${proved:-0} - (smoke - smoke_bad) ))
echo "proofs: $goals_ok/$goals goals proved"
if [ "$wprc" -eq 0 ] && [ -n "$summary" ] && [ "$goals_ok" -eq "$goals" ] && [ "$goals" -gt 0 ]; then
	ok "WP complete"
else
	ko "WP incomplete (rc $wprc), unproved goals:"
	grep -E '^\[wp\] \[(Failed|Unknown|Timeout)\] Goal' "$out/wp.log" | grep -v Smoke-test | sed 's/^/    /'
	grep -E 'User Error|Frama-C aborted' "$out/wp.log" | sed 's/^/    /'
fi
expected=$(cat proofs/goals.expected 2>/dev/null || echo 0)
if [ "$goals" -ge "$expected" ]; then
	ok "goal count $goals >= expected $expected (proofs/goals.expected)"
else
	ko "goal count $goals dropped below expected $expected (proofs/goals.expected)"
fi
if [ "$smoke" -gt 0 ] && [ "$smoke_bad" -eq 0 ]; then
	ok "smoke tests: $smoke, none doomed"
else
	ko "smoke tests: $smoke, $smoke_bad doomed (contradictory contract or dead code):"
	grep '\] Smoke-test ' "$out/wp.log" | grep -v '\[Passed\]' | sed 's/^/    /'
fi

# --- EVA --------------------------------------------------------------------
# shellcheck disable=SC2086
frama-c -cpp-extra-args="$CPP -Iproofs/libc -include proofs/libc/echod_fc_extra.h" $WARN $evasrc -main eva_main \
	-c11 -eva -eva-precision 5 -eva-no-alloc-returns-null \
	-then -report -report-no-proven >"$out/eva.log" 2>&1
evarc=$?
alarms=$(grep -E '^\[eva:summary\]|alarms generated' "$out/eva.log" | \
	sed -nE 's/.* ([0-9]+) alarms? generated.*/\1/p' | tail -n 1)
allowed=$(grep -cE '^\| eva-alarm ' proofs/README.md 2>/dev/null)
echo "eva: ${alarms:-?} alarms"
if [ "$evarc" -eq 0 ] && [ -n "$alarms" ] && [ "$alarms" -le "$allowed" ]; then
	ok "EVA alarms $alarms within the $allowed listed in proofs/README.md"
else
	ko "EVA (rc $evarc): ${alarms:-?} alarms, $allowed listed; see $out/eva.log"
	grep -E '^\S+:[0-9]+: Warning:|alarm' "$out/eva.log" | head -n 40 | sed 's/^/    /'
fi

# Keep the latest logs at a stable place for reading.
cp "$out/wp.log" "$out/eva.log" "$top/" 2>/dev/null
rm -rf "$out/wp-session"
echo "proofs: logs in $out (copied to $top/wp.log, $top/eva.log)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
