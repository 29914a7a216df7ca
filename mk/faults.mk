# SPDX-License-Identifier: ISC
# mk/faults.mk: the fault-injection suite (make faults), the soak (make soak, not in check) and its 30 s ASan version (make soak-quick).

FAULTS_DIR := $(BUILD)/faults

.PHONY: faults soak soak-quick

$(FAULTS_DIR):
	mkdir -p $@

# The load driver: plain C, the project's warnings, optimised (it must outrun the server).
$(FAULTS_DIR)/echoload: tests/faults/echoload.c | $(FAULTS_DIR)
	$(CC) $(STD) $(WARN) -O2 -g -o $@ $<

faults: $(BUILD)/asan/echod $(FAULTS_DIR)/echoload
	@ECHOD_BUILD=asan ECHOLOAD=$(FAULTS_DIR)/echoload python3 -B tests/faults/run.py

# 100 000 short connections plus 1 000 concurrent long streams, release binary. ~10 minutes.
soak: $(BUILD)/echod $(FAULTS_DIR)/echoload
	@ECHOD_BUILD=release ECHOLOAD=$(FAULTS_DIR)/echoload python3 -B tests/faults/soak.py --full

# The same for 30 seconds under ASan (a make check step).
soak-quick: $(BUILD)/asan/echod $(FAULTS_DIR)/echoload
	@ECHOD_BUILD=asan ECHOLOAD=$(FAULTS_DIR)/echoload python3 -B tests/faults/soak.py --quick
