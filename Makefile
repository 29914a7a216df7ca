# SPDX-License-Identifier: ISC
# echod: build, run, check. Project flags live in their own variables and are
# added to the user's CFLAGS/LDFLAGS, never replaced by them.

CC	?= cc
# Embedded targets: CROSS_COMPILE=aarch64-linux-gnu- builds with that prefix's
# gcc into build/aarch64-linux-gnu/; STATIC=1 is the fast build, a static-PIE
# against musl in build/static/ (with musl-gcc unless CC is given). See
# README.md, "Embedded".
CROSS_COMPILE ?=
STATIC	?=
ifneq ($(filter default environment,$(origin CC)),)
ifneq ($(CROSS_COMPILE),)
CC	:= $(CROSS_COMPILE)gcc
else ifeq ($(STATIC),1)
CC	:= musl-gcc
endif
endif
PREFIX	?= /usr/local
DESTDIR	?=
CFLAGS	?= -O2 -g
LDFLAGS	?=

BUILD	:= build$(if $(CROSS_COMPILE),/$(patsubst %-,%,$(notdir $(CROSS_COMPILE))))$(if $(filter 1,$(STATIC)),/static)
STD	:= -std=c17 -D_POSIX_C_SOURCE=200809L
WARN	:= -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wformat=2 -Werror
# Control-flow protection: CET on x86, BTI/PAC on aarch64, none on armhf.
HARDEN_CF := $(if $(CROSS_COMPILE),$(if $(filter aarch64%,$(notdir $(CROSS_COMPILE))),-mbranch-protection=standard),-fcf-protection)
HARDEN	:= -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fPIE \
	   -fstack-clash-protection $(HARDEN_CF)
HARDEN_LD := $(if $(filter 1,$(STATIC)),-static-pie,-pie) -Wl,-z,relro,-z,now,-z,noexecstack
# STATIC=1 links a static-PIE by hand: Debian's musl-gcc.specs knows no
# -static-pie (its start file is always Scrt1.o, and its link spec drops the
# -static and --no-dynamic-linker that -static-pie means). So the gcc that
# musl-gcc wraps (its COLLECT_GCC) links, with -nostdlib -nostartfiles,
# musl's self-relocating rcrt1.o, crti.o, gcc's crtbeginS.o, the objects,
# musl's libc.a, libgcc, crtendS.o and crtn.o. musl's directory is the one
# of the crti.o that $(CC) itself links (its -### link line): not hard-coded.
ifeq ($(STATIC),1)
STATIC_GCC = $(shell $(CC) -v 2>&1 | sed -n 's/^COLLECT_GCC=//p')
MUSL_LIB = $(patsubst %/,%,$(dir $(shell $(CC) -\#\#\# -o x x.o 2>&1 | tr ' ' '\n' | tr -d '"' | grep '/crti\.o$$' | head -n 1)))
STATIC_PIE_LINK = $(STATIC_GCC) $(CFLAGS) $(HARDEN_LD) -nostdlib -nostartfiles $(LDFLAGS) \
	-o $@ $(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $(shell $(STATIC_GCC) -print-file-name=crtbeginS.o) \
	$^ $(MUSL_LIB)/libc.a $(shell $(STATIC_GCC) -print-libgcc-file-name) \
	$(shell $(STATIC_GCC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o
endif
ECHOD_CFLAGS := $(STD) $(WARN) -Isrc
# The version lives in one place, the file VERSION. Only main.c prints it, so
# only main.o gets the define (analysers reading ECHOD_CFLAGS see echod.h's
# placeholder) and only main.o is rebuilt when VERSION changes (below).
VERSION	:= $(shell cat VERSION)
$(BUILD)/main.o $(BUILD)/asan/main.o: ECHOD_CFLAGS += -DECHOD_VERSION='"$(VERSION)"'

# The tree is the proof boundary (README.md, "Layout"); every list below is a
# glob of a folder, so a file's folder decides how it is built and checked:
#   src/core/  the pure core: no syscalls, built freestanding, proven by WP
#   src/echo/  the io seam and the echo session: proven by WP over libc
#   src/sys/   the OS wrappers: listeners, privileges, sandbox, signals, log
#   src/       the processes: main, the parent, the child, UDP, inetd
CORE_SRC  := $(sort $(wildcard src/core/*.c))
ECHO_SRC  := $(sort $(wildcard src/echo/*.c))
SYS_SRC   := $(sort $(wildcard src/sys/*.c))
PROC_SRC  := $(sort $(wildcard src/*.c))
HEADERS   := $(wildcard src/*.h src/*/*.h)
CORE      := $(CORE_SRC:src/core/%.c=%)
SHELL_SRC_FILES := $(ECHO_SRC) $(SYS_SRC) $(PROC_SRC)

# $(1): build directory. Objects mirror the source tree under it.
CORE_OBJ  = $(CORE_SRC:src/%.c=$(1)/%.o)
SHELL_OBJ = $(SHELL_SRC_FILES:src/%.c=$(1)/%.o)

.PHONY: all run check clean asan release unit integration core-purity deps
all: $(BUILD)/echod

# --- release build -----------------------------------------------------------
$(BUILD)/core/%.o: src/core/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ECHOD_CFLAGS) $(HARDEN) -ffreestanding $(CFLAGS) -c -o $@ $<
$(BUILD)/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ECHOD_CFLAGS) $(HARDEN) $(CFLAGS) -c -o $@ $<
$(BUILD)/main.o $(BUILD)/asan/main.o: VERSION
$(BUILD)/echod: $(call CORE_OBJ,$(BUILD)) $(call SHELL_OBJ,$(BUILD))
ifeq ($(STATIC),1)
	@test -f "$(MUSL_LIB)/rcrt1.o" || { echo "static: no rcrt1.o in '$(MUSL_LIB)' (musl's directory, from $(CC) -###): is $(CC) musl-gcc?"; exit 1; }
	$(STATIC_PIE_LINK)
else
	$(CC) $(CFLAGS) $(HARDEN_LD) $(LDFLAGS) -o $@ $^
endif

# --- sanitizer build (integration tests) -------------------------------------
ASAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=undefined
$(BUILD)/asan/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ECHOD_CFLAGS) $(ASAN_FLAGS) -c -o $@ $<
$(BUILD)/asan/echod: $(call CORE_OBJ,$(BUILD)/asan) $(call SHELL_OBJ,$(BUILD)/asan)
	$(CC) $(ASAN_FLAGS) -o $@ $^
asan: $(BUILD)/asan/echod
release: $(BUILD)/echod

$(BUILD)/unit:
	mkdir -p $@

# --- run ---------------------------------------------------------------------
run: $(BUILD)/echod
	./$(BUILD)/echod --listen 127.0.0.1 --port 7007 --verbose

# --- tests -------------------------------------------------------------------
# The core must not call the OS: its objects may need nothing but memcpy/memset.
core-purity: $(call CORE_OBJ,$(BUILD))
	@def=$$(nm --defined-only $^ | awk 'NF==3 {print $$3}' | sort -u); \
	bad=$$(nm -u $^ | awk 'NF==2 {print $$2}' | sort -u | grep -v -x -F -e memcpy -e memset -e __stack_chk_fail $$(printf -- '-e %s ' $$def)); \
	if [ -n "$$bad" ]; then echo "core-purity: FAIL: the core calls: $$bad"; echo "0 passed, 1 failed"; exit 1; \
	else echo "core-purity: ok (no syscalls in $(CORE))"; echo "1 passed, 0 failed"; fi

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(filter-out tests/unit/unit.c,$(wildcard tests/unit/test_*.c)))
$(BUILD)/unit/%: tests/unit/%.c tests/unit/unit.h $(call CORE_OBJ,$(BUILD)/asan) $(call SHELL_OBJ,$(BUILD)/asan) | $(BUILD)/unit
	$(CC) $(ECHOD_CFLAGS) $(ASAN_FLAGS) -Itests/unit -o $@ $< \
	    $(call CORE_OBJ,$(BUILD)/asan) $(filter-out $(BUILD)/asan/main.o,$(call SHELL_OBJ,$(BUILD)/asan))
unit: $(UNIT_TESTS:%=$(BUILD)/unit/%)
	@sh tests/unit/run.sh $(BUILD)/unit $(UNIT_TESTS)

integration: $(BUILD)/echod $(BUILD)/asan/echod
	@python3 tests/integration/run.py

deps:
	@sh ci/deps

# make check: these steps, in this order. ci/check runs each as `make STEP`
# (its output in build/logs/STEP.log), sums the "N passed, N failed" lines the
# steps print and fails if any step failed. A step is a target that runs one
# script; a fragment (mk/*.mk) defines its target, and it is run from here.
CHECK_STEPS := deps all core-purity unit integration integration-static faults soak-quick \
	fuzz-check lint hardening sandbox-test proofs bench-smoke dist-check \
	check-cross
check:
	@bash ci/check $(CHECK_STEPS)

# print-VAR prints a variable's value, for scripts that must agree with the
# build instead of keeping a copy (ci/lint's compile flags): make -s print-WARN
print-%:
	@printf '%s\n' '$($*)'

clean:
	rm -rf $(BUILD)

# Each fragment mk/NAME.mk adds one capability's targets; it reads the flags
# above but never changes them (a build with other flags is a sub-make).
-include $(wildcard mk/*.mk)
