#!/bin/bash -eu
# SPDX-License-Identifier: ISC
# .clusterfuzzlite/build.sh: build every fuzz harness for ClusterFuzzLite/OSS-Fuzz into $OUT, with its .options, .dict and seed zip.
# Runs in the base-builder image from the source directory, which gives
# $CC $CFLAGS (sanitizer and coverage flags) and $LIB_FUZZING_ENGINE (the
# engine's driver). What each harness links is read from mk/fuzz.mk (make
# print-VAR), never copied here, so the two builds cannot drift apart.
mkvar() { make -s --no-print-directory "print-$1"; }

std=$(mkvar STD)
harnesses=$(mkvar FUZZ_HARNESSES)
[ -n "$harnesses" ] || { echo "build.sh: no FUZZ_HARNESSES from make" >&2; exit 1; }
work=${WORK:-/tmp}/echod-fuzz
for h in $harnesses; do
	srcs=$(mkvar "FUZZ_SRC_$h")
	ld=$(mkvar "FUZZ_LD_$h")
	rm -rf "${work:?}/$h"; mkdir -p "$work/$h"
	objs=
	for f in "fuzz/$h.c" $srcs; do
		o=$work/$h/$(echo "$f" | tr / _).o
		# shellcheck disable=SC2086 # flag lists
		$CC $CFLAGS $std -Isrc -c -o "$o" "$f"
		objs="$objs $o"
	done
	# libFuzzer and the other engines' drivers are C++: link with $CXX.
	# shellcheck disable=SC2086
	$CXX $CXXFLAGS -o "$OUT/$h" $objs $LIB_FUZZING_ENGINE $ld
	cp "fuzz/$h.options" "$OUT/"
	[ ! -f "fuzz/$h.dict" ] || cp "fuzz/$h.dict" "$OUT/"
done
# NAME_seed_corpus.zip beside each binary: corpus and regressions.
# shellcheck disable=SC2086
python3 fuzz/tools/seeds.py "$OUT" $harnesses
