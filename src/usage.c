/* usage.c: the --help text and usage error messages. Only main calls it. */
#include "usage.h"
#include "num.h"

#include <stdio.h>

static const char usage_text[] =
"Usage: echod [OPTION]...\n"
"Fork-per-connection TCP echo server (RFC 862).\n"
"\n"
"  -l, --listen ADDR        numeric IPv4 or IPv6 address to bind (default ::, dual stack)\n"
"  -p, --port PORT          port, 0-65535; 0 lets the kernel choose (default 7)\n"
"  -c, --max-clients N      most children alive at once, 1-65535 (default 64)\n"
"  -C, --max-per-ip N       most connections from one address, 0-65535, 0 = no limit (default 0)\n"
"  -t, --idle-timeout SECS  close after SECS without a byte moving, 0-86400, 0 = none (default 300)\n"
"  -T, --max-lifetime SECS  close after SECS in total, 0-86400, 0 = none (default 0)\n"
"  -g, --grace SECS         on SIGTERM/SIGINT, time children may finish, 0-86400 (default 5)\n"
"  -b, --backlog N          listen(2) backlog, 1-65535 (default 1024)\n"
"  -u, --user NAME          after binding, drop to this user's uid, gid and groups\n"
"      --udp                also serve UDP echo on the same address and port\n"
"      --no-sandbox         do not confine children with seccomp (debugging)\n"
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
/* cppcheck-suppress constParameter ; C has no implicit char ** to const char *const * conversion: main's argv would need a cast */
usage_error(const struct args_error *err, char *const argv[], char *out,
    size_t size)
{
	const char *word;
	char opt[64];

	word = argv[err->index];
	if (err->opt != NULL)
		(void)snprintf(opt, sizeof(opt), "--%s", err->opt);
	else if (err->bad != 0)
		(void)snprintf(opt, sizeof(opt), "-%c", err->bad);
	else
		(void)snprintf(opt, sizeof(opt), "%s", word);
	switch (err->code) {
	case ARGS_UNKNOWN:
		if (err->bad != 0)
			(void)snprintf(out, size, "%s: unknown option", opt);
		else
			(void)snprintf(out, size, "%.60s: unknown option", word);
		break;
	case ARGS_MISSING:
		(void)snprintf(out, size, "%s: missing argument", opt);
		break;
	case ARGS_UNWANTED:
		(void)snprintf(out, size, "%s: takes no argument", opt);
		break;
	case ARGS_EMPTY:
		(void)snprintf(out, size, "%s: empty number", opt);
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
		(void)snprintf(out, size, "%.60s: unexpected argument", word);
		break;
	case ARGS_CONFLICT:
		(void)snprintf(out, size, "--udp: cannot be used with --inetd");
		break;
	default:
		(void)snprintf(out, size, "%s: invalid", opt);
		break;
	}
}
