/* main.c: command line to configuration to server. Only this file exits or prints start-up errors. */
#include "child.h"
#include "core/args.h"
#include "echod.h"
#include "sys/failure.h"
#include "sys/fdflags.h"
#include "inetd.h"
#include "sys/listen.h"
#include "sys/log.h"
#include "sys/priv.h"
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

static int
run_server(const struct config *cfg, const struct priv *pv)
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
	return server_run(cfg, lis, n, sigfd);
}

int
main(int argc, char *argv[])
{
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
	if (cfg.listen != NULL && !listen_activated() &&
	    !sockaddr_parse(cfg.listen, cfg.port, &(union sockaddr_any){0},
	    &(socklen_t){0})) {
		(void)fprintf(stderr, "echod: --listen: not a numeric IPv4 or IPv6 "
		    "address\n");
		return EXIT_USAGE;
	}
	if (priv_lookup(cfg.user, &pv, &f) < 0)
		return report(&f);
	if (cfg.inetd) {
		if (priv_drop(&pv, &f) < 0)
			return report(&f);
		return inetd_run(&cfg);
	}
	log_init(cfg.verbosity, 1);
	if (cfg.no_sandbox)
		log_msg(VERB_QUIET, "warning: sandbox disabled");
	return run_server(&cfg, &pv);
}
