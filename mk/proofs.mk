# mk/proofs.mk: `make proofs`: Frama-C WP over the pure core, the io seam and
# the session loop (the very src/*.c files build/echod is compiled from, no
# copies), then EVA over the whole server from src/eva_main.c. proofs/run.sh
# holds the flags; proofs/README.md says what is proven.

# WP: the pure core (args.c included), the io seam and the echo session.
PROOF_WP_SRC	:= $(CORE:%=src/%.c) src/io.c src/session.c
# EVA: every file linked into build/echod, plus the analysis entry point.
PROOF_EVA_SRC	:= $(CORE:%=src/%.c) $(SHELL_SRC:%=src/%.c) src/eva_main.c

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
