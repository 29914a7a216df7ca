#!/bin/sh
# SPDX-License-Identifier: ISC
# fuzz/tools/check.sh BUILDDIR SMOKE_SECONDS HARNESS...: `make fuzz-check`: replay every corpus and regression input through every harness, check the .options files and seed zips, a short `make fuzz-run` of each harness, and one planted bug that fuzz-run must report.
# Environment (from mk/fuzz.mk): FUZZ_CC and FUZZ_CFLAGS build the planted
# bug's binary like the others; FUZZ_MUTANT_SRC is what its harness links.
set -u
dir=$1 smoke=$2; shift 2
# Every run is bounded: a replay that hangs (libFuzzer's -timeout covers one
# input, not a stuck run) fails with its name. timeout(1) exits 124 then.
replay_limit=${FUZZ_REPLAY_TIMEOUT:-900}
smoke_limit=$((smoke + 120))
pass=0 fail=0
log=$dir/check
rm -rf "$log"; mkdir -p "$log"
ok() { echo "fuzz-check: $1: ok${2:+, $2}"; pass=$((pass + 1)); }
bad() { echo "fuzz-check: $1: FAIL${2:+ ($2)}"; fail=$((fail + 1)); }
count() { find "$1" -type f | wc -l | tr -d ' '; }

# What no run may change: the names of all files under fuzz/, the bytes of
# every corpus and regression input, and no libFuzzer artifact in the top
# directory. Compared at the end (git is not needed: CI may have no .git).
snapshot() {
	{ find fuzz -type f | LC_ALL=C sort
	  find fuzz/corpus fuzz/regressions -type f -exec cksum {} + | LC_ALL=C sort
	  ls -d crash-* leak-* timeout-* oom-* slow-unit-* 2>/dev/null; } | cksum
}
tree_before=$(snapshot)

# --- every input of every harness, also through the other harnesses: none may crash
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
		ok "$h replay of $n inputs"
	elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		bad "$h replay" "timeout: no result after ${replay_limit}s"; tail -n 25 "$log/$h.replay"
	else
		bad "$h replay"; tail -n 25 "$log/$h.replay"
	fi
done

# --- fuzz/NAME.options: readable, a max_len no seed exceeds, the dictionary it names
for h in "$@"; do
	if ! opts=$(sh fuzz/tools/options.sh "$h" 2>&1); then
		bad "$h options" "$opts"; continue
	fi
	case " $opts" in
	*" -max_len="*) max=${opts#*-max_len=}; max=${max%% *} ;;
	*) bad "$h options" "no max_len in fuzz/$h.options"; continue ;;
	esac
	dict=
	case " $opts" in *" -dict="*) dict=${opts#*-dict=}; dict=${dict%% *} ;; esac
	if [ -n "$dict" ] && [ ! -f "$dict" ]; then
		bad "$h options" "dict $dict does not exist"; continue
	fi
	if [ -z "$dict" ] && [ -f "fuzz/$h.dict" ]; then
		bad "$h options" "fuzz/$h.dict exists but fuzz/$h.options does not name it"; continue
	fi
	# A seed longer than max_len would be cut short without a word.
	long=$(find "fuzz/corpus/$h" -type f -size +"$max"c | head -n 1)
	[ -d "fuzz/regressions/$h" ] &&
	    long=$long$(find "fuzz/regressions/$h" -type f -size +"$max"c | head -n 1)
	if [ -n "$long" ]; then
		bad "$h options" "$long is longer than max_len $max"; continue
	fi
	ok "$h options" "$opts"
done

# --- seed zips (make fuzz-seeds ran first): every input in, and reproducible
python3 fuzz/tools/seeds.py "$log/seeds" "$@" >"$log/seeds.out" 2>&1 || { cat "$log/seeds.out"; }
for h in "$@"; do
	z=$dir/seeds/${h}_seed_corpus.zip
	want=$(count "fuzz/corpus/$h")
	[ -d "fuzz/regressions/$h" ] && want=$((want + $(count "fuzz/regressions/$h")))
	have=$(python3 -c 'import sys, zipfile; print(len(zipfile.ZipFile(sys.argv[1]).namelist()))' "$z" 2>/dev/null)
	if [ "$have" != "$want" ]; then
		bad "$h seeds" "$z holds ${have:-nothing}, want $want inputs"
	elif ! cmp -s "$z" "$log/seeds/${h}_seed_corpus.zip"; then
		bad "$h seeds" "a second build of $z differs: not reproducible"
	else
		ok "$h seeds" "$have inputs, reproducible"
	fi
done

# --- make fuzz-run of each harness, SMOKE_SECONDS each, in a scratch build dir
# (the same binaries): it must run clean, show its progress while it runs,
# count honestly (its execs are libFuzzer's final stats), and leave fuzz/ alone.
sd=$log/smoke
mkdir -p "$sd/libfuzzer"
every=$((smoke / 2 > 0 ? smoke / 2 : 1))
for h in "$@"; do
	ln -sf "$(pwd)/$dir/libfuzzer/$h" "$sd/libfuzzer/$h"
	out=$log/$h.smoke.out
	FUZZ_STATUS_EVERY=$every timeout -k 10 "$smoke_limit" \
	    sh fuzz/tools/run-libfuzzer.sh "$h" "$smoke" 1 "$sd" >"$out" 2>&1; rc=$?
	sum=$(grep -E "^fuzz-run: $h: [0-9]+ execs in [0-9.]+s " "$out" | tail -n 1)
	execs=$(echo "$sum" | awk '{print $3}')
	took=$(echo "$sum" | awk '{print $6}' | tr -d s)
	stat=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$sd/run/$h.log" 2>/dev/null)
	lines=$(grep -cE "^fuzz-run: $h: [0-9]+s: [0-9]+ execs, corpus [0-9]+" "$out")
	if [ $rc -ne 0 ]; then
		bad "$h smoke" "status $rc; artifacts in $sd/artifacts/$h/"; tail -n 8 "$out"
	elif [ -z "$execs" ] || [ "$execs" != "$stat" ] || [ "$execs" -eq 0 ]; then
		bad "$h smoke" "summary '$sum' against libFuzzer's final count '$stat'"
	elif [ "$lines" -lt 1 ]; then
		bad "$h smoke" "no status line while it ran (every ${every}s)"; cat "$out"
	elif ! awk -v t="$took" -v s="$smoke" 'BEGIN { exit !(t >= s) }'; then
		bad "$h smoke" "it says ${took}s for a ${smoke}s run that did not fail"
	else
		ok "$h smoke ${smoke}s" "$(echo "$sum" | sed 's/^fuzz-run: [a-z]*: //; s/, [^,]*files$//')"
	fi
done

# --- a planted bug (mutant [num-off-by-one]: max + 1 accepted): fuzz-run
# must fail, say what the oracle said and where the input is, and count
# only what ran before the crash (the seeds catch it at once).
md=$log/mutant
mutated=$(python3 fuzz/tools/mutant.py num-off-by-one "$md/tree" 2>&1)
srcs=
for f in ${FUZZ_MUTANT_SRC:-src/core/num.c}; do
	if [ "$f" = "$mutated" ]; then srcs="$srcs $md/tree/$f"; else srcs="$srcs $f"; fi
done
mkdir -p "$md/libfuzzer"
# shellcheck disable=SC2086 # flag and file lists
if ! ${FUZZ_CC:-clang} ${FUZZ_CFLAGS:--std=c17 -D_POSIX_C_SOURCE=200809L -Isrc -g -O1 -fsanitize=fuzzer,address,undefined} \
    -o "$md/libfuzzer/numbers" fuzz/numbers.c $srcs >"$log/mutant.build" 2>&1; then
	bad "planted bug" "cannot build it: $mutated"; tail -n 5 "$log/mutant.build"
else
	out=$log/mutant.out
	timeout -k 10 "$smoke_limit" sh fuzz/tools/run-libfuzzer.sh numbers 20 1 "$md" >"$out" 2>&1; rc=$?
	sum=$(grep -E '^fuzz-run: numbers: [0-9]+ execs in [0-9.]+s ' "$out" | tail -n 1)
	execs=$(echo "$sum" | awk '{print $3}')
	took=$(echo "$sum" | awk '{print $6}' | tr -d s)
	stat=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$md/run/numbers.log" 2>/dev/null)
	why=$(grep -E '^fuzz-run: numbers: why: numbers: "' "$out" | head -n 1)
	file=$(sed -n 's/^fuzz-run: numbers FAILED (status [0-9]*) after [0-9.]*s: //p' "$out")
	if [ $rc -eq 0 ]; then
		bad "planted bug" "fuzz-run passed on $mutated with max + 1 accepted"; cat "$out"
	elif [ -z "$why" ]; then
		bad "planted bug" "no oracle message in its output"; cat "$out"
	elif [ -z "$file" ] || [ ! -f "$file" ]; then
		bad "planted bug" "no crash file named, or '$file' does not exist"; cat "$out"
	elif [ -z "$execs" ] || [ "$execs" != "$stat" ] || [ "$execs" -eq 0 ]; then
		bad "planted bug" "summary '$sum' against libFuzzer's final count '$stat'"
	elif ! awk -v t="$took" 'BEGIN { exit !(t < 20) }'; then
		bad "planted bug" "it says ${took}s for a run that crashed: the time asked, not the time run"
	else
		ok "planted bug" "$execs execs in ${took}s, ${why#fuzz-run: numbers: why: }, ${file}"
	fi
fi

# --- none of it touched the source tree
if [ "$(snapshot)" = "$tree_before" ]; then
	ok "source tree unchanged" "fuzz/ and the top directory as before the runs"
else
	bad "source tree unchanged" "a run wrote into fuzz/ or left an artifact in the top directory"
fi

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
