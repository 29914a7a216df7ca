# SPDX-License-Identifier: ISC
# proofs/wp-flags.sh: the preprocessor, warning and WP flags of every proof
# run, sourced by proofs/run.sh (make proofs) and tests/mutation/wp.sh (make
# mutation), so a mutant is judged by exactly the proof make proofs runs.
CPP='-Isrc -D_POSIX_C_SOURCE=200809L'
WARN='-warn-unsigned-overflow -warn-unsigned-downcast -warn-signed-downcast'
WP_FLAGS='-wp -wp-rte -wp-prover z3-ce,cvc4 -wp-driver proofs/vset.driver -wp-par 3 -wp-timeout 20'
