/* SPDX-License-Identifier: ISC */
/* test_usage.c: unit tests for usage_error (each one-line message) and usage_print. */
#include "core/args.h"
#include "core/text.h"
#include "usage.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* Parse words w and compare the usage message with want. */
static int
/* cppcheck-suppress unusedFunction ; called as M() inside CHECK(): cppcheck 2.10 misses calls through nested macros */
msg_is(const char *const *w, const char *want)
{
	char *argv[16];
	struct config cfg;
	struct args_error err;
	char out[160];
	int argc;

	argv[0] = (char *)"echod";
	for (argc = 1; w[argc - 1] != NULL && argc < 15; argc++)
		argv[argc] = (char *)w[argc - 1];
	argv[argc] = NULL;
	if (args_parse(argc, argv, &cfg, &err) == ARGS_OK)
		return 0;
	memset(out, 'X', sizeof(out));
	usage_error(&err, argv, out, sizeof(out));
	if (strcmp(out, want) != 0) {
		(void)fprintf(stderr, "got \"%s\", want \"%s\"\n", out, want);
		return 0;
	}
	return strchr(out, '\n') == NULL;
}
#define M(want, ...) msg_is((const char *const[]){ __VA_ARGS__, NULL }, want)

int
main(void)
{
	char small[8];
	char *argv[] = { (char *)"echod", (char *)"--bogus", NULL };
	struct args_error err;
	char help[4096];
	FILE *fp;
	size_t n;

	CHECK(M("--bogus: unknown option", "--bogus"));
	CHECK(M("--po=7: unknown option", "--po=7"));
	CHECK(M("-x: unknown option", "-x"));
	CHECK(M("-x: unknown option", "-vx"));
	CHECK(M("--port: missing argument", "-p"));
	CHECK(M("--port: missing argument", "--port"));
	CHECK(M("--user: missing argument", "-u"));
	CHECK(M("--quiet: takes no argument", "--quiet=x"));
	CHECK(M("--udp: takes no argument", "--udp=1"));
	CHECK(M("--port: empty number", "--port="));
	CHECK(M("--port: number longer than 20 characters", "-p",
	    "000000000000000000007"));
	CHECK(M("--port: not a decimal number", "-p", "0x10"));
	CHECK(M("--port: not a decimal number", "-p-1"));
	CHECK(M("--port: out of range 0-65535", "-p", "65536"));
	CHECK(M("--max-clients: out of range 1-65535", "-c0"));
	CHECK(M("--max-per-ip: out of range 0-65535", "-C", "65536"));
	CHECK(M("--idle-timeout: out of range 0-86400", "-t", "86401"));
	CHECK(M("--max-lifetime: out of range 0-86400", "-T", "86401"));
	CHECK(M("--grace: out of range 0-86400", "-g", "86401"));
	CHECK(M("--backlog: out of range 1-65535", "-b", "0"));
	CHECK(M("x: unexpected argument", "x"));
	CHECK(M("-: unexpected argument", "-"));
	CHECK(M("y: unexpected argument", "--", "y"));
	CHECK(M("--udp: cannot be used with --inetd", "--udp", "--inetd"));
	/* Control characters in quoted words are escaped: one line always. */
	CHECK(M("--bad\\nsecond line: unknown option", "--bad\nsecond line"));
	CHECK(M("x\\ty: unexpected argument", "x\ty"));
	CHECK(M("-\\x1b: unknown option", "-\x1b"));
	CHECK(M("-\\x7f: unknown option", "-v\x7f"));
	/* An empty --user names nobody: a usage error, not a lookup. */
	CHECK(M("--user: empty argument", "--user="));
	CHECK(M("--user: empty argument", "-u", ""));
	CHECK(M("--port: empty number", "-p", ""));
	/* A long operand or unknown option is cut at 60 characters. */
	CHECK(M("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa: "
	    "unexpected argument",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));

	/* A small output buffer is truncated and terminated, never overrun. */
	memset(&err, 0, sizeof(err));
	err.code = ARGS_UNKNOWN;
	err.index = 1;
	memset(small, 'X', sizeof(small));
	usage_error(&err, argv, small, sizeof(small));
	CHECK(small[7] == '\0' && strcmp(small, "--bogus") == 0);

	/* The help text names every option and ends with a newline. */
	fp = fmemopen(help, sizeof(help) - 1, "w");
	CHECK(fp != NULL);
	if (fp != NULL) {
		usage_print(fp);
		n = (size_t)ftell(fp);
		(void)fclose(fp);
		help[n < sizeof(help) ? n : sizeof(help) - 1] = '\0';
		CHECK(strncmp(help, "Usage: echod", 12) == 0);
		/* The second line says what it serves: both transports. */
		CHECK(strstr(help, "\nFork-per-connection TCP and UDP echo server "
		    "(RFC 862).\n") != NULL);
		CHECK(n > 0 && help[n - 1] == '\n');
		CHECK(strstr(help, "--listen") && strstr(help, "--port") &&
		    strstr(help, "--max-clients") && strstr(help, "--max-per-ip") &&
		    strstr(help, "--idle-timeout") &&
		    strstr(help, "--max-lifetime") && strstr(help, "--grace") &&
		    strstr(help, "--backlog") && strstr(help, "--user") &&
		    strstr(help, "--udp") && strstr(help, "--no-sandbox") &&
		    strstr(help, "--inetd") && strstr(help, "--quiet") &&
		    strstr(help, "--verbose") && strstr(help, "--help") &&
		    strstr(help, "--version"));
	}

	/* text_escape: a quoted word as one printable line, cut to fit. */
	{
		char e[16];

		(void)text_escape(e, sizeof(e), "a\nb\tc\\d\x01");
		CHECK(strcmp(e, "a\\nb\\tc\\d\\x01") == 0);
		(void)text_escape(e, 5, "abc\ndef");
		CHECK(strcmp(e, "abc") == 0);	/* "\n" would not fit whole */
		(void)text_escape(e, sizeof(e), "");
		CHECK(e[0] == '\0');
	}

	UNIT_DONE();
}
