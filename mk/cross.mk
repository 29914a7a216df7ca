# mk/cross.mk: embedded targets (issue 9): the static musl build, the ARM cross
# builds, `make size`, and `make check-cross` (qemu-user suite + armhf replay
# of the fuzz corpora against the pure core).

CROSS_ARCHES	:= aarch64-linux-gnu arm-linux-gnueabihf
CROSS_DIR	:= build/cross
# Pure-core fuzz harnesses replayed on armhf (fuzz/<name>.c, LLVMFuzzerTestOneInput).
CROSS_REPLAY	:= numbers options address echobuf
CROSS_REPLAY_SECONDS ?= 10

.PHONY: static cross-builds size check-cross cross-replay-bin

# musl-gcc searches only musl's headers; the Linux UAPI headers the seccomp
# filter needs (linux/*, asm/*) are libc-neutral: expose just those three
# directories, from linux-libc-dev, to the musl build.
ifeq ($(STATIC),1)
ifneq ($(findstring musl,$(CC)),)
MUSL_KINC	:= $(BUILD)/kinc
MUSL_KARCH	:= $(shell gcc -dumpmachine)
ECHOD_CFLAGS	+= -isystem $(MUSL_KINC)
$(MUSL_KINC):
	mkdir -p $@
	ln -sfn /usr/include/linux $@/linux
	ln -sfn /usr/include/asm-generic $@/asm-generic
	ln -sfn /usr/include/$(MUSL_KARCH)/asm $@/asm
$(call CORE_OBJ,$(BUILD)) $(call SHELL_OBJ,$(BUILD)): | $(MUSL_KINC)
endif
endif

# Each build in its own directory; every variable that picks it is given, so
# nothing from the parent's command line leaks in.
static:
	@$(MAKE) --no-print-directory STATIC=1 CROSS_COMPILE= CC=musl-gcc BUILD=build/static build/static/echod
cross-builds: static
	@for a in $(CROSS_ARCHES); do \
		$(MAKE) --no-print-directory STATIC= CROSS_COMPILE=$$a- CC=$$a-gcc BUILD=build/$$a build/$$a/echod || exit 1; \
	done

size: static
	@sh tests/cross/size.sh

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
cross-replay-bin: $(CROSS_REPLAY_BIN)

# The suite builds nothing itself: every binary is made first.
check-cross: cross-builds
	@$(MAKE) --no-print-directory cross-replay-bin
	@CROSS_REPLAY="$(CROSS_REPLAY)" CROSS_REPLAY_SECONDS=$(CROSS_REPLAY_SECONDS) \
	    python3 tests/cross/run.py
