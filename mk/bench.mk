# SPDX-License-Identifier: ISC
# mk/bench.mk: the benchmark (bench/): load generator, reference peers, `make bench`, `bench-quick`, `bench-smoke`.

BENCH_DIR	:= $(BUILD)/bench
BENCH_CFLAGS	:= $(STD) $(WARN) -O2 -g -Ibench
BENCH_PROGS	:= loadgen refserver forkclose badecho
BENCH_BINS	:= $(BENCH_PROGS:%=$(BENCH_DIR)/%) $(BENCH_DIR)/test_pattern

.PHONY: bench bench-quick bench-smoke bench-build

$(BENCH_DIR):
	mkdir -p $@
$(BENCH_DIR)/loadgen: bench/loadgen.c bench/pattern.c bench/pattern.h | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/loadgen.c bench/pattern.c
$(BENCH_DIR)/test_pattern: bench/test_pattern.c bench/pattern.c bench/pattern.h | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ bench/test_pattern.c bench/pattern.c
$(BENCH_DIR)/%: bench/%.c bench/blisten.c bench/blisten.h | $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ $< bench/blisten.c

# The fast build (static-PIE against musl, mk/cross.mk's `static`) is a row
# of its own beside the default build: build/static/echod.
BENCH_STATIC	:= build/static/echod

bench-build: $(BENCH_BINS) $(BUILD)/echod static

# The full comparison (under 17 minutes) and a short one (under 2 minutes).
bench: bench-build
	@python3 bench/run.py --full --build $(BUILD) --static $(BENCH_STATIC)
bench-quick: bench-build
	@python3 bench/run.py --quick --build $(BUILD) --static $(BENCH_STATIC)

# make check: the benchmark builds, a 5-second smoke run is correct, and the
# load generator catches wrong echoes. Never pass/fail on speed.
bench-smoke: bench-build
	@python3 bench/smoke.py --build $(BUILD) --static $(BENCH_STATIC)
