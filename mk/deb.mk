# SPDX-License-Identifier: ISC
# mk/deb.mk: the Debian package (make deb) and its checks (deb-check), and
# the systemd services' exposure scores (units-check).
#
# dpkg-buildpackage writes beside the source tree, so make deb builds a
# copy: the tracked files (git ls-files, as they are in the work tree; in an
# unpacked release tarball, which holds just those, every file but build/) in
# build/deb/src/echod-VERSION/. The .deb, .changes and .buildinfo land in
# build/deb/; debhelper's own files stay in the copy, never in this tree.
# The build log is build/deb/build.log.

# The upstream version: VERSION, the one place it is written.
DEB_UPSTREAM	:= $(shell cat VERSION)
DEB_DIR		:= build/deb
DEB_SRC		:= $(DEB_DIR)/src/echod-$(DEB_UPSTREAM)

.PHONY: deb deb-check deb-boot units-check
# safe.directory: in a CI container the checkout belongs to another uid.
deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_SRC)
	@if [ "$$(git -c safe.directory='$(CURDIR)' rev-parse --show-toplevel 2>/dev/null)" = "$(CURDIR)" ]; then \
	    git -c safe.directory='$(CURDIR)' ls-files -z > $(DEB_DIR)/files; \
	else find . -path ./build -prune -o -type f -print0 | sed -z 's#^\./##' > $(DEB_DIR)/files; fi; \
	[ -s $(DEB_DIR)/files ] || { echo "deb: no files to copy (git ls-files, or find outside a work tree)"; exit 1; }
	@tar --null -T $(DEB_DIR)/files --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C $(DEB_SRC)
	@echo "deb: dpkg-buildpackage -us -uc -b in $(DEB_SRC) (log: $(DEB_DIR)/build.log)"
	@cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b > ../../build.log 2>&1 || \
	    { tail -n 40 ../../build.log; echo "deb: dpkg-buildpackage failed"; exit 1; }
	@mv $(DEB_DIR)/src/*.deb $(DEB_DIR)/src/*.changes $(DEB_DIR)/src/*.buildinfo $(DEB_DIR)/
	@ls $(DEB_DIR)/*.deb

# Builds the package, then lintian, contents, maintainer scripts and an
# install into a throw-away root (tests/deb/run.py).
deb-check: deb
	@python3 tests/deb/run.py $(DEB_DIR) $(DEB_UPSTREAM)

# The package under a real systemd booted in throw-away namespaces
# (tests/deb/boot.sh): both sockets end to end, about 20 s. Root only
# (skipped otherwise, and where namespaces cannot be made).
deb-boot: deb
	@bash tests/deb/boot.sh $(DEB_DIR)/echod_$(DEB_UPSTREAM)-1_$(shell dpkg --print-architecture).deb

units-check:
	@python3 tests/deb/units.py

CHECK_STEPS += units-check deb-check deb-boot
