# SPDX-License-Identifier: ISC
# mk/fuzz.mk: fuzz harnesses (libFuzzer, AFL++, CmpLog, coverage builds) and their campaign, check, seed and coverage targets.
# Everything is built under build/fuzz/; the logic of each target lives in fuzz/tools/.
# .clusterfuzzlite/build.sh reads FUZZ_HARNESSES, FUZZ_SRC_* and FUZZ_LD_* from
# here (make print-VAR): this file is the one list of what each harness links.

FUZZ_DIR	:= $(BUILD)/fuzz
FUZZ_HARNESSES	:= session options numbers address slots rate srctab acl
FUZZ_CC		?= clang
FUZZ_AFL_CC	?= afl-clang-fast
FUZZ_BASE	:= $(STD) $(WARN) -Isrc -g -O1
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined

# What each harness links: its source in fuzz/ plus these production files.
FUZZ_SRC_session := src/echo/session.c src/echo/io.c
FUZZ_SRC_options := src/core/args.c src/core/num.c
FUZZ_SRC_numbers := src/core/num.c
FUZZ_SRC_address := src/core/addr.c src/core/num.c
FUZZ_SRC_slots   := src/core/slots.c src/core/addr.c
FUZZ_SRC_rate    := src/core/rate.c
FUZZ_SRC_srctab  := src/core/srctab.c src/core/rate.c src/core/addr.c
# cidr.c moves from src/sys/ to src/core/: whichever exists (the core one if both).
FUZZ_SRC_acl     := src/core/acl.c src/core/cidr.c src/core/num.c src/core/addr.c
# session reaches the OS through io.c; the harness owns the seam beneath it.
FUZZ_LD_session  := -Wl,--wrap=read,--wrap=write

HARNESS	?= session
SECONDS	?= 60
JOBS	?= 1
# MERGE=1: fuzz-run merges what adds coverage into fuzz/corpus/HARNESS.
MERGE	?=
FUZZ_SMOKE_SECONDS ?= 12

# $(1) harness: the four builds of one harness.
define FUZZ_RULES
$(FUZZ_DIR)/libfuzzer/$(1): fuzz/$(1).c $(FUZZ_SRC_$(1)) $(HEADERS) mk/fuzz.mk
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(FUZZ_BASE) -fsanitize=fuzzer $(FUZZ_SAN) -o $$@ fuzz/$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LD_$(1))
$(FUZZ_DIR)/afl/$(1): fuzz/$(1).c $(FUZZ_SRC_$(1)) $(HEADERS) mk/fuzz.mk
	@mkdir -p $$(@D)
	AFL_QUIET=1 AFL_USE_ASAN=1 AFL_USE_UBSAN=1 $(FUZZ_AFL_CC) $(FUZZ_BASE) -fsanitize=fuzzer -o $$@ fuzz/$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LD_$(1))
$(FUZZ_DIR)/afl-cmplog/$(1): fuzz/$(1).c $(FUZZ_SRC_$(1)) $(HEADERS) mk/fuzz.mk
	@mkdir -p $$(@D)
	AFL_QUIET=1 AFL_LLVM_CMPLOG=1 $(FUZZ_AFL_CC) $(FUZZ_BASE) -fsanitize=fuzzer -o $$@ fuzz/$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LD_$(1))
$(FUZZ_DIR)/cov/$(1): fuzz/$(1).c $(FUZZ_SRC_$(1)) $(HEADERS) mk/fuzz.mk
	@mkdir -p $$(@D)
	$(FUZZ_CC) $(STD) $(WARN) -Isrc -g -O0 -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping -o $$@ fuzz/$(1).c $(FUZZ_SRC_$(1)) $(FUZZ_LD_$(1))
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call FUZZ_RULES,$(h))))

FUZZ_LF_BINS	:= $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/libfuzzer/%)
FUZZ_AFL_BINS	:= $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/afl/%) $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/afl-cmplog/%)
FUZZ_COV_BINS	:= $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/cov/%)

.PHONY: fuzz fuzz-libfuzzer fuzz-afl-build fuzz-run fuzz-afl fuzz-check fuzz-seeds coverage
fuzz: fuzz-libfuzzer fuzz-afl-build
fuzz-libfuzzer: $(FUZZ_LF_BINS)
fuzz-afl-build: $(FUZZ_AFL_BINS)

fuzz-run: $(FUZZ_DIR)/libfuzzer/$(HARNESS)
	@sh fuzz/tools/run-libfuzzer.sh $(HARNESS) $(SECONDS) $(JOBS) $(FUZZ_DIR) $(MERGE)

fuzz-afl: $(FUZZ_DIR)/afl/$(HARNESS) $(FUZZ_DIR)/afl-cmplog/$(HARNESS)
	@sh fuzz/tools/run-afl.sh $(HARNESS) $(SECONDS) $(FUZZ_DIR)

# NAME_seed_corpus.zip for ClusterFuzzLite/OSS-Fuzz, reproducible (fuzz/tools/seeds.py).
fuzz-seeds:
	@python3 fuzz/tools/seeds.py $(FUZZ_DIR)/seeds $(FUZZ_HARNESSES)

# The planted bug check.sh builds is the numbers harness with one mutant.
fuzz-check: $(FUZZ_LF_BINS) fuzz-seeds
	@FUZZ_CC='$(FUZZ_CC)' FUZZ_CFLAGS='$(FUZZ_BASE) -fsanitize=fuzzer $(FUZZ_SAN)' FUZZ_MUTANT_SRC='$(FUZZ_SRC_numbers)' \
	    sh fuzz/tools/check.sh $(FUZZ_DIR) $(FUZZ_SMOKE_SECONDS) $(FUZZ_HARNESSES)

coverage: $(FUZZ_COV_BINS)
	@sh fuzz/tools/coverage.sh $(FUZZ_DIR) $(FUZZ_HARNESSES)
