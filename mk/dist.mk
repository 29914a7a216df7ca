# SPDX-License-Identifier: ISC
# mk/dist.mk: make install / uninstall (PREFIX, DESTDIR), and dist-check (man
# page lint, install tree, systemd units, inetd/xinetd/NOTIFY_SOCKET/UDP tests).
#
# Layout under $(DESTDIR)$(PREFIX):
#   sbin/echod                           the release binary
#   share/man/man8/echod.8               the manual
#   lib/systemd/system/echod.socket      Accept=no socket (TCP+UDP port 7)
#   lib/systemd/system/echod.service     Type=notify server for it
#   lib/systemd/system/echod-inetd.socket    Accept=yes socket
#   lib/systemd/system/echod-inetd@.service  one echod --inetd per connection
#   share/doc/echod/inetd.conf           /etc/inetd.conf lines
#   share/doc/echod/xinetd.echod         /etc/xinetd.d/echod stanza
#   share/doc/echod/README.md            deployment notes
# The units' ExecStart= names $(PREFIX)/sbin/echod (substituted at install).

INSTALL		?= install
SBINDIR		?= $(PREFIX)/sbin
MAN8DIR		?= $(PREFIX)/share/man/man8
UNITDIR		?= $(PREFIX)/lib/systemd/system
DOCDIR		?= $(PREFIX)/share/doc/echod

DIST_UNITS	:= echod.socket echod.service echod-inetd.socket echod-inetd@.service
DIST_DOCS	:= inetd.conf xinetd.echod README.md

.PHONY: install uninstall dist-check

# Install $(1) as $(2) (mode 644) with the real sbin path; no partial file on failure.
dist_subst = sed 's\#/usr/local/sbin/echod\#$(SBINDIR)/echod\#g' $(1) > $(2).tmp && \
	chmod 644 $(2).tmp && mv $(2).tmp $(2) || { rm -f $(2).tmp; exit 1; }

install: $(BUILD)/echod
	$(INSTALL) -d -m 755 $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MAN8DIR) \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 755 $(BUILD)/echod $(DESTDIR)$(SBINDIR)/echod
	$(call dist_subst,man/echod.8,$(DESTDIR)$(MAN8DIR)/echod.8)
	for f in $(DIST_UNITS); do $(call dist_subst,dist/$$f,$(DESTDIR)$(UNITDIR)/$$f); done
	for f in $(DIST_DOCS); do $(call dist_subst,dist/$$f,$(DESTDIR)$(DOCDIR)/$$f); done

# Removes exactly the files install wrote, and echod's own doc directory;
# shared directories (sbin, man8, the unit directory) are left alone.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/echod $(DESTDIR)$(MAN8DIR)/echod.8
	for f in $(DIST_UNITS); do rm -f $(DESTDIR)$(UNITDIR)/$$f; done
	for f in $(DIST_DOCS); do rm -f $(DESTDIR)$(DOCDIR)/$$f; done
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

dist-check: $(BUILD)/echod $(BUILD)/asan/echod
	@python3 tests/dist/run.py
