#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/mutation/check.sh KIND ARGS: one check of a mutant, run in its scratch
# copy of the tree; exit 0 when the check passes (the mutant went unseen).
#   wp FILE [FUNCTION...]   WP on that file (tests/mutation/wp.sh)
#   unit TEST               one unit test binary (sanitizer build)
#   integration SUBSTRING   the integration cases whose name has it (release build)
#   faults [CASE...]        the fault suite, or those of its cases
#   sandbox | dist          the sandbox or the install suite
#   fuzz HARNESS            replay the corpus and a 10 s run of one harness
set -u
kind=$1; shift
case $kind in
wp)	exec sh tests/mutation/wp.sh "$@" ;;
unit)	make -s "build/unit/$1" >/dev/null && exec sh tests/unit/run.sh build/unit "$1" ;;
integration)
	make -s all >/dev/null &&
	    exec python3 -B tests/integration/run.py --builds release -k "$1" ;;
faults)	make -s build/asan/echod build/faults/echoload >/dev/null &&
	    ECHOD_BUILD=asan ECHOLOAD=build/faults/echoload exec python3 -B tests/faults/run.py "$@" ;;
sandbox) exec make -s sandbox-test ;;
dist)	exec make -s dist-check ;;
fuzz)	make -s "build/fuzz/libfuzzer/$1" >/dev/null &&
	    exec sh fuzz/tools/check.sh build/fuzz 10 "$1" ;;
*)	echo "check.sh: unknown check: $kind" >&2; exit 2 ;;
esac
