#!/bin/sh
# SPDX-License-Identifier: ISC
# fuzz/tools/coverage.sh BUILDDIR HARNESS...: `make coverage`: replay each corpus (and regressions) through its coverage build, report lines and branches per file.
set -u
dir=$1; shift
cov=$dir/cov
# The files the harnesses exist for: core, wrappers, handler.
FILES="src/core/num.c src/core/args.c src/core/addr.c src/core/slots.c src/core/rate.c src/core/srctab.c src/echo/io.c src/echo/session.c"
LINE_MIN=95 BRANCH_MIN=90
rm -rf "$cov/prof"; mkdir -p "$cov/prof"
objs=
for h in "$@"; do
	dirs=fuzz/corpus/$h
	[ -d fuzz/regressions/"$h" ] && dirs="$dirs fuzz/regressions/$h"
	# shellcheck disable=SC2086 # $dirs: directories without spaces
	# Bounded: a replay that hangs fails (timeout exits 124) instead of stalling make.
	LLVM_PROFILE_FILE="$cov/prof/$h.profraw" timeout -k 10 "${FUZZ_REPLAY_TIMEOUT:-900}" \
	    "$cov/$h" -runs=0 -max_len=65536 $dirs >"$cov/prof/$h.log" 2>&1 \
	    || { echo "coverage: $h replay failed (status $?; 124: timeout)"; tail "$cov/prof/$h.log"; exit 1; }
	if [ -z "$objs" ]; then objs=$cov/$h; else objs="$objs -object $cov/$h"; fi
done
timeout -k 10 300 llvm-profdata merge -sparse "$cov"/prof/*.profraw -o "$cov/all.profdata" || exit 1
# shellcheck disable=SC2086
timeout -k 10 300 llvm-cov report $objs -instr-profile="$cov/all.profdata" -show-branch-summary $FILES | tee "$cov/report.txt"
# shellcheck disable=SC2086
timeout -k 10 300 llvm-cov show $objs -instr-profile="$cov/all.profdata" -show-branches=count \
    -format=text $FILES >"$cov/show.txt"
echo "coverage: annotated source in $cov/show.txt (lines marked 0 were never run)"
# Columns: Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover Branches Missed Cover
pass=0 fail=0
for f in $FILES; do
	# llvm-cov names a file by its path below the files' common directory
	# (core/num.c for src/core/num.c): the row whose name ends the path.
	l=$(awk -v f="/$f" '{n = "/" $1} length(f) >= length(n) && substr(f, length(f) - length(n) + 1) == n {print $10}' "$cov/report.txt" | tr -d %)
	b=$(awk -v f="/$f" '{n = "/" $1} length(f) >= length(n) && substr(f, length(f) - length(n) + 1) == n {print $13}' "$cov/report.txt" | tr -d %)
	[ -n "$l" ] || { l=none; b=none; }
	if [ "$l" != none ] && awk -v l="$l" -v b="$b" -v lm=$LINE_MIN -v bm=$BRANCH_MIN 'BEGIN {exit !(l >= lm && b >= bm)}'; then
		echo "coverage: $f lines $l% branches $b%: ok"; pass=$((pass + 1))
	else
		echo "coverage: $f lines $l% branches $b%: BELOW ${LINE_MIN}%/${BRANCH_MIN}%"; fail=$((fail + 1))
	fi
done
echo "coverage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
