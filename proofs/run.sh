#!/bin/sh
# SPDX-License-Identifier: ISC
# proofs/run.sh OUTDIR "WP FILES" "EVA FILES": run WP (+RTE, smoke tests) and
# EVA, check the goal count against proofs/goals.expected, print the summary.
set -u
top=$1 wpsrc=$2 evasrc=$3
mkdir -p "$top"
# A private directory per run: concurrent `make proofs` must not share logs.
out=$(mktemp -d "$top/run.XXXXXX") || exit 1
# shellcheck source=proofs/wp-flags.sh
. proofs/wp-flags.sh
pass=0 fail=0
ok() { echo "proofs: ok: $1"; pass=$((pass + 1)); }
ko() { echo "proofs: FAIL: $1"; fail=$((fail + 1)); }

# --- WP ---------------------------------------------------------------------
# Smoke tests: contradictory preconditions, dead loops and assumes. The
# dead-code and dead-call ones stay off: Frama-C 25 crashes on pump_in's
# with z3-ce ("eval array var a!1 not an array", from the prover's model),
# and with plain z3 they flag `errno == EWOULDBLOCK` after `errno ==
# EAGAIN`, dead where the two are one number (proofs/README.md).
# shellcheck disable=SC2086 # the file and flag lists are meant to split
frama-c -cpp-extra-args="$CPP" $WARN $wpsrc $WP_FLAGS \
	-wp-smoke-tests -wp-no-smoke-dead-code -wp-no-smoke-dead-call \
	-wp-session "$out/wp-session" \
	-then -report-untried -report-csv "$out/props.csv" >"$out/wp.log" 2>&1
wprc=$?
summary=$(grep -E '^\[wp\] Proved goals: +[0-9]+ / [0-9]+' "$out/wp.log" | tail -n 1)
proved=$(echo "$summary" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\1/')
total=$(echo "$summary" | sed -E 's/.*: +([0-9]+) \/ ([0-9]+).*/\2/')
smoke=$(grep -c '\] Smoke-test ' "$out/wp.log")
smoke_bad=$(grep '\] Smoke-test ' "$out/wp.log" | grep -vc '\[Passed\] Smoke-test')
goals=$(( ${total:-0} - smoke ))
goals_ok=$(( ${proved:-0} - (smoke - smoke_bad) ))
echo "proofs: $goals_ok/$goals goals proved"
wp_complete=false
[ "$wprc" -eq 0 ] && [ -n "$summary" ] && [ "$goals_ok" -eq "$goals" ] && [ "$goals" -gt 0 ] && wp_complete=true
if $wp_complete; then
	ok "WP complete"
else
	ko "WP incomplete (rc $wprc), unproved goals:"
	grep -E '^\[wp\] \[(Failed|Unknown|Timeout)\] Goal' "$out/wp.log" | grep -v Smoke-test | sed 's/^/    /'
	grep -E 'User Error|Frama-C aborted' "$out/wp.log" | sed 's/^/    /'
fi
# The manifest: every property of the WP files (postconditions, assigns,
# loop invariants, RTE assertions, ...) by file, function, kind, status and
# text, line numbers left out. Unlike a count, it changes when a property is
# weakened (a <==> turned into ==>) or dropped, so either fails here until
# proofs/goals.expected is deliberately re-recorded (make proofs-record).
awk -f proofs/manifest.awk "$out/props.csv" 2>/dev/null | LC_ALL=C sort >"$out/props.txt"
sed -e '/^#/d' -e '/^goals /d' proofs/goals.expected 2>/dev/null | LC_ALL=C sort >"$out/props-expected.txt"
expected=$(sed -n 's/^goals //p' proofs/goals.expected 2>/dev/null)
LC_ALL=C comm -13 "$out/props.txt" "$out/props-expected.txt" >"$out/props-lost.txt"
LC_ALL=C comm -23 "$out/props.txt" "$out/props-expected.txt" >"$out/props-new.txt"
nprops=$(wc -l <"$out/props.txt")
# The proof boundary: the WP files are the proven folders (src/core/,
# src/echo/), globbed by the Makefile; each must carry proven properties.
unproven=
for f in $wpsrc; do
	awk -F '\t' -v f="$f" '$1 == f && $4 == "Valid" { n++ } END { exit n == 0 }' \
	    "$out/props.txt" || unproven="$unproven $f"
done
if [ -z "$unproven" ]; then
	ok "proof boundary: every file of src/core/ and src/echo/ has proven properties"
else
	ko "proof boundary: in a proven folder, nothing proven:$unproven"
fi
if [ "$goals" -eq "${expected:-0}" ] && [ "$nprops" -gt 0 ] && \
    [ ! -s "$out/props-lost.txt" ] && [ ! -s "$out/props-new.txt" ]; then
	ok "$goals goals, $nprops properties, as recorded in proofs/goals.expected"
else
	ko "goals and properties differ from proofs/goals.expected ($goals goals, expected ${expected:-?}); a change of contract is recorded with make proofs-record:"
	sed 's/^/    lost: /' "$out/props-lost.txt" | head -n 40
	sed 's/^/    new:  /' "$out/props-new.txt" | head -n 40
fi
# A complete run's manifest, for make proofs-record.
if $wp_complete; then
	{ sed -n '/^#/p' proofs/goals.expected 2>/dev/null; echo "goals $goals"; cat "$out/props.txt"; } >"$top/goals.run"
fi
if [ "$smoke" -gt 0 ] && [ "$smoke_bad" -eq 0 ]; then
	ok "smoke tests: $smoke, none doomed"
else
	ko "smoke tests: $smoke, $smoke_bad doomed (contradictory contract or dead code):"
	grep '\] Smoke-test ' "$out/wp.log" | grep -v '\[Passed\]' | sed 's/^/    /'
fi

# --- EVA --------------------------------------------------------------------
# PROOFS_EVA=0 (the `proofs-wp` target) leaves EVA out, for quick WP reruns;
# it is never counted as passed then. make check runs both (`proofs`).
if [ "${PROOFS_EVA:-1}" = 0 ]; then
	echo "eva: not run (PROOFS_EVA=0); run 'make proofs' for WP and EVA"
else
# proofs/libc/eva_models.c: bodies for libc calls Frama-C leaves unspecified
# (trusted; proofs/README.md). Every alarm must be discharged by WP or listed,
# with its reason, in proofs/eva-exceptions.txt; a listed alarm that no longer
# occurs fails too, so the list cannot go stale. Discharged by WP: an alarm in
# a file WP proved completely above: WP proved that run-time check or callee
# precondition for every state allowed by the enclosing function's contract,
# and EVA checks that contract at each call site (an alarm there if not).
# EVA_SPEC: WP-proven functions EVA takes by their contracts (-eva-use-spec):
# their bodies are WP's (above), and EVA checks each call site against the
# precondition. Without it EVA re-unrolled the session and the address
# formatting for every child the server loop forks: over 10 minutes.
# Precision 0 merges states early (about 10 s for the whole server; precision
# 1 took over 8 minutes for 2 fewer alarms); sandbox_filter, which builds
# the seccomp program from constants, gets full path sensitivity instead,
# so EVA computes that program exactly. Bounded by EVA_TIMEOUT all the same.
EVA_SPEC=echo_session,addr_format,addr_key,text_escape,io_read,io_write,io_now,io_wait,io_write_all,rate_fill,rate_refill,rate_take,rate_source_ok,srctab_init,srctab_take,srctab_verdict
# shellcheck disable=SC2086
timeout "${EVA_TIMEOUT:-300}" frama-c -cpp-extra-args="$CPP -Iproofs/libc -include proofs/libc/echod_fc_extra.h" $WARN $evasrc proofs/libc/eva_models.c -main eva_main \
	-c11 -eva -eva-precision "${EVA_PRECISION:-0}" -eva-slevel-function sandbox_filter:2000,emit_search:2000 -eva-no-alloc-returns-null -eva-use-spec "$EVA_SPEC" \
	-then -report -report-no-proven -then -metrics -metrics-eva-cover >"$out/eva.log" 2>&1
evarc=$?
awk -f proofs/eva-alarms.awk "$out/eva.log" | sort >"$out/eva-alarms.txt"
alarms=$(wc -l <"$out/eva-alarms.txt")
coverage=$(sed -nE 's/.*functions analyzed \(out of ([0-9]+)\): ([0-9]+)% coverage.*/\2% of \1 functions/p' "$out/eva.log")
: >"$out/eva-wp.txt"
if $wp_complete; then
	for f in $wpsrc; do
		grep -F "$f: " "$out/eva-alarms.txt" >>"$out/eva-wp.txt"
	done
fi
sort "$out/eva-wp.txt" -o "$out/eva-wp.txt"
comm -23 "$out/eva-alarms.txt" "$out/eva-wp.txt" >"$out/eva-left.txt"
sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e 's/ | .*//' proofs/eva-exceptions.txt 2>/dev/null | \
	sort >"$out/eva-listed.txt"
comm -23 "$out/eva-left.txt" "$out/eva-listed.txt" >"$out/eva-new.txt"
comm -13 "$out/eva-alarms.txt" "$out/eva-listed.txt" >"$out/eva-stale.txt"
echo "eva: $alarms alarms ($(wc -l <"$out/eva-wp.txt") discharged by WP, $(wc -l <"$out/eva-listed.txt") listed in proofs/eva-exceptions.txt); coverage ${coverage:-?}"
if [ "$evarc" -eq 0 ] && [ -n "$coverage" ] && [ ! -s "$out/eva-new.txt" ] && [ ! -s "$out/eva-stale.txt" ]; then
	ok "EVA: every alarm discharged by WP or listed in proofs/eva-exceptions.txt"
else
	[ "$evarc" -eq 124 ] && echo "proofs: EVA did not finish within ${EVA_TIMEOUT:-300} s (EVA_TIMEOUT)"
	ko "EVA (rc $evarc): alarms neither discharged nor listed, then listed but gone; see $out/eva.log"
	sed 's/^/    new: /' "$out/eva-new.txt"
	sed 's/^/    stale: /' "$out/eva-stale.txt"
	grep -E 'User Error|Frama-C aborted' "$out/eva.log" | sed 's/^/    /'
fi

fi

# Keep the latest logs at a stable place for reading.
cp "$out/wp.log" "$out/eva.log" "$out/eva-alarms.txt" "$top/" 2>/dev/null
rm -rf "$out/wp-session"
echo "proofs: logs in $out (copied to $top/wp.log, $top/eva.log)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
