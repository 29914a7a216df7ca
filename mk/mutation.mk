# SPDX-License-Identifier: ISC
# mk/mutation.mk: `make mutation` (not in make check: it takes long): the
# mutants of tests/mutation/mutants.txt, each in a scratch copy, against the
# cheapest check that should catch it. K=SUBSTRING runs only those mutants.

.PHONY: mutation print-proof-wp-src
mutation:
	@python3 -B tests/mutation/run.py $(if $(K),-k $(K))

# The WP file list, for the harness (one list, the one proofs.mk uses).
print-proof-wp-src:
	@echo $(PROOF_WP_SRC)
