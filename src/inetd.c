/* inetd.c: the --inetd session (inetd nowait, systemd Accept=yes). Never logs into the client's socket. */
#include "inetd.h"
#include "echod.h"
#include "sys/fdflags.h"
#include "sys/log.h"
#include "sys/sandbox.h"
#include "echo/session.h"
#include "sys/sig.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Under inetd, stderr is often the client's socket: never log into it. */
static bool
stderr_is_client(void)
{
	struct stat in;
	struct stat err;

	if (fstat(STDIN_FILENO, &in) < 0 || fstat(STDERR_FILENO, &err) < 0)
		return true;
	return in.st_dev == err.st_dev && in.st_ino == err.st_ino;
}

int
inetd_run(const struct config *cfg)
{
	char buf[ECHOD_BUFSIZE];
	struct session_cfg scfg;
	struct session_result res;
	int type;
	socklen_t len;

	log_init(cfg->verbosity, !stderr_is_client());
	if (cfg->no_sandbox)
		log_msg(VERB_QUIET, "warning: sandbox disabled");
	if (sig_ignore_inetd() < 0) {
		log_err("sigaction", errno);
		return EXIT_SESSION;
	}
	len = sizeof(type);
	if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    type != SOCK_STREAM) {
		log_msg(VERB_QUIET, "--inetd: standard input is not a stream socket");
		return EXIT_SESSION;
	}
	if (fd_oobinline(STDIN_FILENO) < 0) {
		log_err("setsockopt SO_OOBINLINE", errno);
		return EXIT_SESSION;
	}
	if (!cfg->no_sandbox && sandbox_child(SANDBOX_SESSION) < 0) {
		log_err("sandbox", errno);
		return EXIT_SESSION;
	}
	scfg.idle_timeout = cfg->idle_timeout;
	scfg.max_lifetime = cfg->max_lifetime;
	/* Set by echo_session; zeroed first for EVA (no \from in its spec). */
	memset(&res, 0, sizeof(res));
	echo_session(STDIN_FILENO, &scfg, buf, sizeof(buf), &res);
	log_msg(VERB_VERBOSE, "inetd session received=%llu sent=%llu end=%s",
	    (unsigned long long)res.received, (unsigned long long)res.sent,
	    res.end == SESSION_EOF ? "eof" : res.end == SESSION_ERROR ?
	    strerror(res.errnum) : "timeout");
	return res.end == SESSION_EOF ? EXIT_OK : EXIT_SESSION;
}
