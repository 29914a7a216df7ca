# SPDX-License-Identifier: ISC
# mk/burst.mk: make burst, the shipped inetd/xinetd configs under a
# 300-connection burst against the real super-servers (tests/burst/run.py;
# openbsd-inetd is unpacked into build/burst/, never installed).

.PHONY: burst

CHECK_STEPS += burst

# The release binary: the one the configs ship (ASan's start-up per exec
# would measure the sanitizer, not the limits).
burst: $(BUILD)/echod
	@ECHOD_BUILD=release python3 -B tests/burst/run.py
