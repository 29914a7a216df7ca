# SPDX-License-Identifier: ISC
# mk/cross.mk: embedded targets: the static-PIE musl build (and the
# integration suite against it), the ARM cross builds, `make size`, and
# `make check-cross` (qemu-user suite + armhf replay of the fuzz corpora
# against the pure core). Each build is a sub-make given its own
# variables on its command line; nothing here changes the main build's flags.

CROSS_ARCHES	:= aarch64-linux-gnu arm-linux-gnueabihf
CROSS_DIR	:= build/cross
# Pure-core fuzz harnesses replayed on armhf (fuzz/<name>.c, LLVMFuzzerTestOneInput).
CROSS_REPLAY	:= numbers options address
CROSS_REPLAY_SECONDS ?= 10

.PHONY: static cross-builds size check-cross cross-replay-bin integration-static

# Each build in its own directory; every variable that picks it is given, so
# nothing from the parent's command line leaks in. musl-gcc has no Linux UAPI
# headers: src/sys/sandbox.c writes out the seccomp ABI it needs and checks it
# against linux/*.h only in the glibc builds.
static:
	@$(MAKE) --no-print-directory STATIC=1 CROSS_COMPILE= CC=musl-gcc BUILD=build/static build/static/echod
cross-builds: static
	@for a in $(CROSS_ARCHES); do \
		$(MAKE) --no-print-directory STATIC= CROSS_COMPILE=$$a- CC=$$a-gcc BUILD=build/$$a build/$$a/echod || exit 1; \
	done

size: static
	@sh tests/cross/size.sh

# The integration suite's every case against the static-PIE musl binary, as
# against the glibc release build (make check: after integration).
integration-static: static
	@ECHOD_BUILD=static python3 tests/integration/run.py

# --- armhf replay of the fuzz corpora ---------------------------------------
# Links each pure-core harness present in fuzz/ with a plain replay main and
# the armhf build's own core objects (same flags as the shipped binary).
CROSS_ARMHF_CORE = $(call CORE_OBJ,build/arm-linux-gnueabihf)
CROSS_REPLAY_BIN = $(patsubst fuzz/%.c,$(CROSS_DIR)/replay/%,$(wildcard $(CROSS_REPLAY:%=fuzz/%.c)))
$(CROSS_DIR)/replay:
	mkdir -p $@
$(CROSS_DIR)/replay/%: fuzz/%.c tests/cross/replay_main.c $(CROSS_ARMHF_CORE) | $(CROSS_DIR)/replay
	arm-linux-gnueabihf-gcc $(STD) -D_FILE_OFFSET_BITS=64 $(WARN) -Isrc -O1 -g -o $@ $< \
	    tests/cross/replay_main.c $(CROSS_ARMHF_CORE)
# The armhf core objects are the cross-builds sub-make's, so the replay
# binaries are linked by a make started after it.
cross-replay-bin: cross-builds
	@$(MAKE) --no-print-directory $(CROSS_REPLAY_BIN)

# The suite builds nothing itself: every binary is made first.
check-cross: cross-replay-bin
	@CROSS_REPLAY="$(CROSS_REPLAY)" CROSS_REPLAY_SECONDS=$(CROSS_REPLAY_SECONDS) \
	    python3 tests/cross/run.py
