/* SPDX-License-Identifier: ISC */
/* main.c: command line to configuration to server. Only this file exits or prints start-up errors. */
#include "child.h"
#include "core/acl.h"
#include "core/args.h"
#include "echod.h"
#include "sys/failure.h"
#include "sys/fdflags.h"
#include "inetd.h"
#include "sys/listen.h"
#include "sys/log.h"
#include "core/cidr.h"
#include "sys/priv.h"
#include "sys/sockaddr.h"
#include "server.h"
#include "sys/sig.h"
#include "usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int
report(const struct failure *f)
{
	log_fatal(f->what, f->errnum != 0 ? strerror(f->errnum) : f->why);
	return f->status;
}

/*
 * The usage errors args_parse leaves to the system's address parser:
 * each --listen a numeric address, none twice; each --allow/--deny a
 * well-formed ADDR[/LEN], compiled into acl. 0, or EXIT_USAGE said.
 */
static int
check_addresses(const struct config *cfg, struct acl *acl)
{
	union sockaddr_any sa[ARGS_LISTEN_MAX];
	char what[96];
	const char *why;
	socklen_t len;
	uint32_t i;
	uint32_t j;

	memset(sa, 0, sizeof(sa));
	for (i = 0; i < cfg->nlisten && !listen_activated(); i++) {
		if (!sockaddr_parse(cfg->listen[i], cfg->port, &sa[i], &len)) {
			log_fatal("--listen", "not a numeric IPv4 or IPv6 address");
			return EXIT_USAGE;
		}
		for (j = 0; j < i; j++)
			if (sockaddr_same(&sa[i], &sa[j])) {
				(void)snprintf(what, sizeof(what), "%s given twice",
				    cfg->listen[i]);
				log_fatal("--listen", what);
				return EXIT_USAGE;
			}
	}
	acl->n = 0;
	for (i = 0; i < cfg->nrules; i++)
		if (cidr_add(acl, cfg->rule[i].text, cfg->rule[i].deny, &why) < 0) {
			/* An empty rule is named without a trailing space. */
			(void)snprintf(what, sizeof(what), "%s%s%s",
			    cfg->rule[i].deny ? "--deny" : "--allow",
			    cfg->rule[i].text[0] != '\0' ? " " : "",
			    cfg->rule[i].text);
			log_fatal(what, why);
			return EXIT_USAGE;
		}
	return 0;
}

static int
run_server(const struct config *cfg, const struct acl *acl,
    const struct priv *pv)
{
	struct listener lis[ECHOD_MAX_LISTENERS];
	struct failure f;
	char why[128];
	int sigfd;
	int n;

	memset(&f, 0, sizeof(f));
	memset(lis, 0, sizeof(lis));	/* entries past n stay defined too */
	n = listen_open(cfg, lis, ECHOD_MAX_LISTENERS, &f);
	if (n < 0)
		return report(&f);
	if (priv_drop(pv, &f) < 0)
		return report(&f);
	/* Refuse now, not by resetting every client once listening. */
	if (!cfg->no_sandbox && child_probe() < 0) {
		(void)snprintf(why, sizeof(why), "%s: a child cannot confine "
		    "itself here (seccomp); --no-sandbox serves unconfined",
		    strerror(errno));
		(void)failure_set(&f, EXIT_OSERR, 0, "sandbox", why);
		return report(&f);
	}
	sigfd = sig_install();
	if (sigfd < 0) {
		(void)failure_set(&f, EXIT_OSERR, errno, "signals", NULL);
		return report(&f);
	}
	return server_run(cfg, acl, lis, n, sigfd);
}

int
main(int argc, char *argv[])
{
	static struct acl acl;	/* the rules, for the server's life */
	struct config cfg;
	struct args_error err;
	struct failure f;
	struct priv pv;
	char msg[160];
	int r;

	/* Before anything else opens a descriptor. */
	if (fd_std_open() < 0) {
		(void)fprintf(stderr, "echod: /dev/null: %s\n", strerror(errno));
		return EXIT_OSERR;
	}
	if (fd_close_from(3 + (int)listen_activated()) < 0) {
		(void)fprintf(stderr, "echod: close_range: %s\n", strerror(errno));
		return EXIT_OSERR;
	}
	r = args_parse(argc, argv, &cfg, &err);
	if (r != ARGS_OK) {
		usage_error(&err, argv, msg, sizeof(msg));
		(void)fprintf(stderr, "echod: %s\n", msg);
		return EXIT_USAGE;
	}
	if (cfg.help) {
		usage_print(stdout);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR;
	}
	if (cfg.version) {
		(void)printf("echod %s\n", ECHOD_VERSION);
		return fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR;
	}
	memset(&f, 0, sizeof(f));
	r = check_addresses(&cfg, &acl);
	if (r != 0)
		return r;
	if (priv_lookup(cfg.user, &pv, &f) < 0)
		return report(&f);
	if (cfg.inetd) {
		if (priv_drop(&pv, &f) < 0)
			return report(&f);
		return inetd_run(&cfg, &acl);
	}
	log_init(cfg.verbosity, 1);
	if (cfg.no_sandbox)
		log_msg(VERB_QUIET, "warning: sandbox disabled");
	return run_server(&cfg, &acl, &pv);
}
