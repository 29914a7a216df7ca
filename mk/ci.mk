# SPDX-License-Identifier: ISC
# mk/ci.mk: the CI files users copy. workflows-check (a make check step):
# .github/workflows/*.yml and .clusterfuzzlite/ load, every job has a time
# limit, every action is pinned by commit; ci/sarif.py writes valid SARIF.
# lint-sarif (ci.yml's lint job, after make lint): the findings of cppcheck,
# clang-tidy and scan-build as SARIF for code scanning, in $(BUILD)/lint/sarif.
.PHONY: workflows-check lint-sarif

CHECK_STEPS += workflows-check

workflows-check:
	@python3 ci/workflows-check

LINT_SARIF := $(BUILD)/lint/sarif
# cppcheck again, as XML (the gate's run prints text): the same files and
# flags as ci/lint, its suppressions read from it so the two cannot drift.
lint-sarif:
	@test -f $(BUILD)/lint/clang-tidy.txt || { echo "lint-sarif: run make lint first (it writes $(BUILD)/lint/clang-tidy.txt)"; exit 1; }
	@rm -rf $(LINT_SARIF) && mkdir -p $(LINT_SARIF)
	cppcheck --enable=all --inconclusive --std=c11 --force --quiet --inline-suppr \
	    $$(grep -o -e '--suppress=[A-Za-z]*' ci/lint | sort -u) -Isrc -Itests/unit -Ifuzz \
	    --xml --xml-version=2 src fuzz tests 2>$(LINT_SARIF)/cppcheck.xml
	python3 ci/sarif.py cppcheck $(LINT_SARIF)/cppcheck.xml >$(LINT_SARIF)/cppcheck.sarif
	python3 ci/sarif.py text clang-tidy $(BUILD)/lint/clang-tidy.txt >$(LINT_SARIF)/clang-tidy.sarif
	scan-build-14 -sarif -o $(LINT_SARIF)/scan make --no-print-directory -s \
	    BUILD=$(LINT_SARIF)/build $(LINT_SARIF)/build/echod >$(LINT_SARIF)/scan-build.txt 2>&1
	python3 ci/sarif.py merge scan-build $$(find $(LINT_SARIF)/scan -name '*.sarif' 2>/dev/null | sort) \
	    >$(LINT_SARIF)/scan-build.sarif
	@for t in cppcheck clang-tidy scan-build; do \
	    python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["runs"][0]["results"]; print("lint-sarif: %s: %d results" % (sys.argv[2], len(r)))' \
	        $(LINT_SARIF)/$$t.sarif $$t; done
