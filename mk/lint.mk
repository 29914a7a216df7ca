# SPDX-License-Identifier: ISC
# mk/lint.mk: static analysis gate (lint), hardened-binary check (hardening,
# of both release builds),
# and the seccomp sandbox tests (sandbox-test). Builds only under $(BUILD)/lint.
.PHONY: lint hardening sandbox-test count-suppressions misra

LINT_DIR := $(BUILD)/lint

# The analysers: cppcheck (+ MISRA report), gcc -fanalyzer, clang-tidy,
# scan-build. ci/lint prints one line per analyser and "lint: N passed, N failed".
lint:
	@BUILD=$(BUILD) bash ci/lint

misra:
	@bash ci/misra-report

count-suppressions:
	@sh ci/count-suppressions

# Both release builds: the glibc one and the static-PIE musl one (make static,
# a sub-make). Each binary's own lines, then the sum of both.
hardening: $(BUILD)/echod static
	@{ echo "--- $(BUILD)/echod"; CC="$(CC)" sh ci/hardening-check $(BUILD)/echod; \
	   echo "--- build/static/echod"; CC=musl-gcc sh ci/hardening-check build/static/echod; } | \
	awk '{print} $$1 == "hardening:" && $$3 == "passed," && $$5 == "failed" {p += $$2; f += $$4} \
	     END {printf "hardening: %d passed, %d failed\n", p, f; exit f > 0 || p == 0}'

# Test-only build: the child attempts open(2) once confined (must die of SIGSYS).
$(LINT_DIR)/selftest:
	mkdir -p $@
$(LINT_DIR)/selftest/sandbox.o: src/sys/sandbox.c $(HEADERS) | $(LINT_DIR)/selftest
	$(CC) $(ECHOD_CFLAGS) $(HARDEN) $(CFLAGS) -DECHOD_SANDBOX_SELFTEST -c -o $@ $<
$(LINT_DIR)/echod-selftest: $(call CORE_OBJ,$(BUILD)) \
    $(filter-out $(BUILD)/sys/sandbox.o,$(call SHELL_OBJ,$(BUILD))) $(LINT_DIR)/selftest/sandbox.o
	$(CC) $(CFLAGS) $(HARDEN_LD) $(LDFLAGS) -o $@ $^

# Test-only: runs a command under an allow-all seccomp filter (systemd's
# SystemCallFilter=, a container runtime's profile), where strict mode fails.
$(LINT_DIR)/prefilter: tests/sandbox/prefilter.c | $(LINT_DIR)/selftest
	$(CC) $(STD) $(WARN) $(CFLAGS) -o $@ $<

sandbox-test: $(BUILD)/echod $(BUILD)/asan/echod $(LINT_DIR)/echod-selftest $(LINT_DIR)/prefilter
	@ECHOD_SELFTEST=$(LINT_DIR)/echod-selftest ECHOD_PREFILTER=$(LINT_DIR)/prefilter python3 tests/sandbox/run.py
