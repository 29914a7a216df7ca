# SPDX-License-Identifier: ISC
# mk/proofs.mk: `make proofs`: Frama-C WP over the pure core, the io seam and
# the session loop (the very src/*.c files build/echod is compiled from, no
# copies), then EVA over the whole server from proofs/eva_main.c. proofs/run.sh
# holds the flags; proofs/README.md says what is proven.

# WP: the proven folders, src/core/ and src/echo/, whole: a file added there
# is proven or make proofs fails (its properties are not in goals.expected).
PROOF_WP_SRC	:= $(CORE_SRC) $(ECHO_SRC)
# EVA: every file linked into build/echod, plus the analysis entry point.
PROOF_EVA_SRC	:= $(CORE_SRC) $(SHELL_SRC_FILES) proofs/eva_main.c

.PHONY: proofs proofs-wp
proofs:
	@sh proofs/run.sh "$(BUILD)/proofs" "$(PROOF_WP_SRC)" "$(PROOF_EVA_SRC)"

# WP alone (every goal, goal count, smoke tests), for a quicker rerun.
# make check runs `proofs`: WP and EVA.
proofs-wp:
	@PROOFS_EVA=0 sh proofs/run.sh "$(BUILD)/proofs" "$(PROOF_WP_SRC)" "$(PROOF_EVA_SRC)"

# Re-record proofs/goals.expected from a complete WP run, after a deliberate
# change of contract; the diff of that file is what a reviewer reads.
.PHONY: proofs-record
proofs-record:
	@rm -f $(BUILD)/proofs/goals.run
	@PROOFS_EVA=0 sh proofs/run.sh "$(BUILD)/proofs" "$(PROOF_WP_SRC)" "$(PROOF_EVA_SRC)" || true
	@if [ -s $(BUILD)/proofs/goals.run ]; then cp $(BUILD)/proofs/goals.run proofs/goals.expected; \
	    echo "proofs-record: proofs/goals.expected rewritten; review it with git diff"; \
	else echo "proofs-record: WP incomplete, nothing recorded"; exit 1; fi
