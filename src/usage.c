/* SPDX-License-Identifier: ISC */
/* usage.c: the --help text and usage error messages. Only main calls it. */
#include "usage.h"
#include "core/num.h"
#include "core/text.h"

#include <stdio.h>

static const char usage_text[] =
"Usage: echod [OPTION]...\n"
"Fork-per-connection TCP and UDP echo server (RFC 862).\n"
"\n"
"  -l, --listen ADDR        numeric IPv4 or IPv6 address to bind (default ::, dual stack);\n"
"                           repeatable, up to 8 addresses\n"
"  -p, --port PORT          port, 0-65535; 0 lets the kernel choose (default 7)\n"
"  -c, --max-clients N      most children alive at once, 1-65535 (default 64)\n"
"  -C, --max-per-ip N       most connections from one address, 0-65535, 0 = no limit (default 0)\n"
"      --allow CIDR         admit only sources in CIDR (10.0.0.0/8, ::1); repeatable\n"
"      --deny CIDR          refuse sources in CIDR; repeatable, wins over --allow;\n"
"                           at most 64 --allow/--deny rules in all\n"
"      --rate-per-ip N      most new connections a second from one source,\n"
"                           0-65535, 0 = off (default 0)\n"
"  -t, --idle-timeout SECS  close after SECS without a byte moving, 0-86400, 0 = none (default 300)\n"
"  -T, --max-lifetime SECS  close after SECS in total, 0-86400, 0 = none (default 0)\n"
"  -g, --grace SECS         on SIGTERM/SIGINT/SIGHUP, time children may finish, 0-86400 (default 5)\n"
"  -b, --backlog N          listen(2) backlog, 1-65535 (default 1024)\n"
"  -u, --user NAME          after binding, drop to this user's uid, gid and groups\n"
"      --udp                also serve UDP echo on the same address and port\n"
"      --no-sandbox         serve unconfined: no seccomp filter for children\n"
"      --inetd              serve the connection on standard input/output, then exit\n"
"  -q, --quiet              log errors, warnings, listening lines and stats only\n"
"  -v, --verbose            log every connection\n"
"  -h, --help               print this help and exit\n"
"  -V, --version            print the version and exit\n";

void
usage_print(FILE *fp)
{
	(void)fputs(usage_text, fp);
}

void
usage_error(const struct args_error *err, char *const argv[], char *out,
    size_t size)
{
	char word[64];
	char opt[64];
	char bad[2];

	/* Quoted words are escaped: a newline in an argument stays "\n". */
	(void)text_escape(word, 61, argv[err->index]);	/* at most 60 characters */
	bad[0] = err->bad;
	bad[1] = '\0';
	if (err->opt != NULL) {
		(void)snprintf(opt, sizeof(opt), "--%s", err->opt);
	} else if (err->bad != 0) {
		opt[0] = '-';
		(void)text_escape(opt + 1, sizeof(opt) - 1, bad);
	} else {
		(void)snprintf(opt, sizeof(opt), "%s", word);
	}
	switch (err->code) {
	case ARGS_UNKNOWN:
		if (err->bad != 0)
			(void)snprintf(out, size, "%s: unknown option", opt);
		else
			(void)snprintf(out, size, "%s: unknown option", word);
		break;
	case ARGS_MISSING:
		(void)snprintf(out, size, "%s: missing argument", opt);
		break;
	case ARGS_UNWANTED:
		(void)snprintf(out, size, "%s: takes no argument", opt);
		break;
	case ARGS_EMPTY:	/* min > max marks an option that takes no number */
		(void)snprintf(out, size, "%s: empty %s", opt,
		    err->min > err->max ? "argument" : "number");
		break;
	case ARGS_TOOLONG:
		(void)snprintf(out, size, "%s: number longer than %d characters",
		    opt, NUM_MAXLEN);
		break;
	case ARGS_SYNTAX:
		(void)snprintf(out, size, "%s: not a decimal number", opt);
		break;
	case ARGS_RANGE:
		(void)snprintf(out, size, "%s: out of range %u-%u", opt,
		    (unsigned int)err->min, (unsigned int)err->max);
		break;
	case ARGS_OPERAND:
		(void)snprintf(out, size, "%s: unexpected argument", word);
		break;
	case ARGS_TOOMANY:
		(void)snprintf(out, size, "%s: at most %s", opt,
		    err->opt != NULL && err->opt[0] == 'l' ? "8 addresses" :
		    "64 --allow/--deny rules in all");
		break;
	case ARGS_CONFLICT:
		(void)snprintf(out, size, "--udp: cannot be used with --inetd");
		break;
	default:
		(void)snprintf(out, size, "%s: invalid", opt);
		break;
	}
}
