# SPDX-License-Identifier: ISC
# mk/release.mk: make dist, the source tarball, and release-check, its test.
#
# build/echod-$(VERSION).tar.gz holds the files of one commit (DIST_REV,
# HEAD by default; never the work tree's uncommitted edits, never build/ or
# .git) under echod-$(VERSION)/. It is reproducible: names sorted, every
# mtime the commit's date (or SOURCE_DATE_EPOCH when set), owner and group
# root (0), modes 0644 or 0755, gzip -n. The same commit gives the same
# bytes, so a release can be checked by rebuilding it.

DIST_REV	?= HEAD
DIST_NAME	:= echod-$(VERSION)
DIST_TAR	:= build/$(DIST_NAME).tar.gz

# safe.directory: in a CI container the checkout may belong to another uid.
DIST_GIT	= git -c safe.directory='$(CURDIR)'

.PHONY: dist release-check spdx

# git archive gives the commit's files; tar writes them again with fixed
# metadata (git 2.39's archive cannot take SOURCE_DATE_EPOCH). No pipes, so
# set -e sees every step fail.
dist:
	@set -e; \
	rev=$$($(DIST_GIT) rev-parse --verify -q '$(DIST_REV)^{commit}') || \
	    { echo "dist: '$(DIST_REV)' is not a commit of this git work tree" >&2; exit 1; }; \
	v=$$($(DIST_GIT) show "$$rev:VERSION"); \
	[ "$$v" = '$(VERSION)' ] || \
	    { echo "dist: VERSION is '$(VERSION)' here but '$$v' in $(DIST_REV): commit it first" >&2; exit 1; }; \
	when=$${SOURCE_DATE_EPOCH:-$$($(DIST_GIT) log -1 --format=%ct "$$rev")}; \
	mkdir -p build; tmp=$$(mktemp -d build/dist.XXXXXX); \
	trap 'rm -rf "$$tmp"' EXIT; \
	$(DIST_GIT) archive --format=tar --prefix='$(DIST_NAME)/' -o "$$tmp/git.tar" "$$rev"; \
	tar -x -C "$$tmp" -f "$$tmp/git.tar"; \
	tar -C "$$tmp" --format=gnu --sort=name --mtime="@$$when" \
	    --owner=root:0 --group=root:0 --mode='u=rwX,go=rX' \
	    -cf "$$tmp/out.tar" '$(DIST_NAME)'; \
	gzip -n -9 "$$tmp/out.tar"; \
	mv "$$tmp/out.tar.gz" '$(DIST_TAR)'; \
	echo "dist: $(DIST_TAR) ($$($(DIST_GIT) rev-parse --short "$$rev"), mtime $$when)"

# A make check step: about 25 s (the unpacked tarball's build is most of it).
CHECK_STEPS += release-check
release-check:
	@python3 tests/release/run.py

spdx:
	@sh ci/spdx
