#!/bin/sh
# SPDX-License-Identifier: ISC
# fuzz/tools/run-libfuzzer.sh HARNESS SECONDS JOBS BUILDDIR [MERGE]: `make fuzz-run`: one libFuzzer campaign, a status line while it runs, an honest summary; with MERGE=1 its finds are merged into fuzz/corpus/HARNESS.
# New inputs go to BUILDDIR/corpus/HARNESS (libFuzzer writes to the first
# corpus directory it is given); the checked-in corpus is only read, so a
# run leaves the source tree as it was unless MERGE=1 asks for the merge.
set -u
h=$1 secs=$2 jobs=$3 dir=$4 merge=${5:-}
bin=$dir/libfuzzer/$h
src=fuzz/corpus/$h
work=$dir/corpus/$h
art=$dir/artifacts/$h/
log=$dir/run/$h.log
every=${FUZZ_STATUS_EVERY:-10}	# seconds between status lines
limit=$((secs + 300))		# timeout(1): the backstop if -max_total_time fails
mkdir -p "$work" "$art" "$dir/run"
opts=$(sh fuzz/tools/options.sh "$h") || exit 1
par=
[ "$jobs" -gt 1 ] && par="-fork=$jobs"

ms() { date +%s%3N; }
count() { find "$1" -type f | wc -l | tr -d ' '; }
# The last status line libFuzzer wrote, as "EXECS CORPUS COV": "#N ... cov: C
# ft: F corp: K/Sb ..." (fork mode: "#N: cov: C ft: F corp: K exec/s: E ...").
status() {
	awk '/^#[0-9]+/ { l = $0 }
	END {
		if (l == "") exit
		n = l; sub(/^#/, "", n); sub(/[^0-9].*/, "", n)
		c = l; if (sub(/.* corp: /, "", c)) sub(/[^0-9].*/, "", c); else c = "?"
		v = l; if (sub(/.* cov: /, "", v)) sub(/[^0-9].*/, "", v); else v = "?"
		print n, c, v
	}' "$log"
}

echo "fuzz-run: $h for ${secs}s (jobs $jobs) $opts: new inputs in $work ($src is only read), crashes in $art, log $log"
before=$(count "$work")
start=$(ms)
# shellcheck disable=SC2086 # $opts and $par are word lists
timeout -k 30 "$limit" "$bin" -max_total_time="$secs" -timeout=5 -print_final_stats=1 \
    -artifact_prefix="$art" $opts $par "$work" "$src" >"$log" 2>&1 &
pid=$!
# timeout(1) runs in a process group of its own, out of reach of the
# terminal's ^C: pass it on, and libFuzzer stops with its final stats.
trap 'kill -TERM $pid 2>/dev/null' INT TERM
next=$every
while kill -0 "$pid" 2>/dev/null; do
	sleep 0.2
	t=$((($(ms) - start) / 1000))
	if [ "$t" -ge "$next" ]; then
		next=$((next + every))
		# shellcheck disable=SC2046 # three numbers
		set -- $(status)
		[ $# -eq 3 ] && echo "fuzz-run: $h: ${t}s: $1 execs, corpus $2, cov $3"
	fi
done
wait "$pid"
rc=$?
el=$(($(ms) - start))
trap - INT TERM

# Counts from libFuzzer's final stats (printed on a crash too), else from
# its last status line (fork mode has no final stats); the time is the
# run's own, not the time asked for.
execs=$(awk '/^stat::number_of_executed_units:/ { n = $2 } END { print n }' "$log")
if [ -z "$execs" ]; then
	# shellcheck disable=SC2046
	set -- $(status)
	execs=${1:-0}
fi
eps=$((execs * 1000 / (el > 0 ? el : 1)))
took=$(awk -v m="$el" 'BEGIN { printf "%.1f", m / 1000 }')
after=$(count "$work")
echo "fuzz-run: $h: $execs execs in ${took}s (asked ${secs}s), $eps execs/s, $work: $before -> $after files"

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "fuzz-run: $h TIMEOUT: the campaign was still running ${limit}s after start; see $log"
	exit 1
fi
if [ $rc -eq 72 ]; then		# libFuzzer's -interrupted_exitcode: ^C or TERM
	echo "fuzz-run: $h interrupted after ${took}s; nothing merged"
	exit 1
fi
if [ $rc -ne 0 ]; then
	file=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
	echo "fuzz-run: $h FAILED (status $rc) after ${took}s: ${file:-no input written, see $log}"
	# What was violated: the harness's own line ("NAME oracle: ...",
	# "NAME: ..."), a sanitizer's report and summary, libFuzzer's timeout or
	# out-of-memory line; not the generic "deadly signal" of the abort().
	awk -v h="$h" '
	index($0, h ": ") == 1 || index($0, h " oracle: ") == 1 || /runtime error: / ||
	    (/^==[0-9]+== ?ERROR: / || /^SUMMARY: /) && !/deadly signal/ {
		if (n++ < 6) print "fuzz-run: " h ": why: " $0
	}
	END { if (n == 0) print "fuzz-run: " h ": why: (no message from the harness; see the log)" }' "$log"
	if [ -n "$file" ]; then
		echo "fuzz-run: reproduce: $bin $file"
		echo "fuzz-run: minimise: $bin -minimize_crash=1 -runs=100000 -exact_artifact_path=min $file; keep min as fuzz/regressions/$h/NAME"
	fi
	exit 1
fi

if [ "$merge" = 1 ]; then
	was=$(count "$src")
	# shellcheck disable=SC2086
	timeout -k 30 1800 "$bin" -merge=1 -timeout=5 $opts "$src" "$work" >"$log.merge" 2>&1 ||
	    { echo "fuzz-run: merge failed (status $?; 124: timeout), see $log.merge"; exit 1; }
	echo "fuzz-run: $h: MERGE=1: $src: $was -> $(count "$src") files (new ones are untracked: git add them to keep them)"
else
	echo "fuzz-run: $h: $src unchanged (MERGE=1 merges what adds coverage into it)"
fi
