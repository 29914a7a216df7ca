/* SPDX-License-Identifier: ISC */
/* test_args.c: unit tests for args_parse/args_defaults: every option form of echod(8) and every error. */
#include "core/args.h"
#include "unit.h"

#include <string.h>

static struct config cfg;
static struct args_error err;

/* Parse the NULL-terminated word list w (argv[0] is supplied). */
static int
parse_words(const char *const *w)
{
	char *argv[32];
	int argc;

	argv[0] = (char *)"echod";
	for (argc = 1; w[argc - 1] != NULL && argc < 31; argc++)
		argv[argc] = (char *)w[argc - 1];
	argv[argc] = NULL;
	return args_parse(argc, argv, &cfg, &err);
}
#define P(...) parse_words((const char *const[]){ __VA_ARGS__, NULL })

/* Is cfg exactly the defaults of echod(8)? */
static int
is_default(const struct config *c)
{
	return c->nlisten == 0 && c->nrules == 0 && c->rate_per_ip == 0 &&
	    c->user == NULL && c->port == 7 &&
	    c->max_clients == 64 && c->max_per_ip == 0 &&
	    c->session.idle_timeout == 300 && c->session.max_lifetime == 0 && c->grace == 5 &&
	    c->backlog == 1024 && c->verbosity == VERB_NORMAL && !c->udp &&
	    !c->no_sandbox && !c->inetd && !c->help && !c->version;
}

static void
test_defaults(void)
{
	char *argv[] = { (char *)"echod", NULL };
	struct config c;

	memset(&c, 0x5a, sizeof(c));
	args_defaults(&c);
	CHECK(is_default(&c));
	CHECK(args_parse(1, argv, &cfg, &err) == ARGS_OK && is_default(&cfg));
	CHECK(err.code == ARGS_OK);
}

/* Every way of giving a value: -p7, -p 7, --port=7, --port 7. */
static void
test_forms(void)
{
	CHECK(P("-p7") == ARGS_OK && cfg.port == 7);
	CHECK(P("-p", "8") == ARGS_OK && cfg.port == 8);
	CHECK(P("--port=9") == ARGS_OK && cfg.port == 9);
	CHECK(P("--port", "10") == ARGS_OK && cfg.port == 10);
	CHECK(P("-p", "0") == ARGS_OK && cfg.port == 0);
	CHECK(P("-p65535") == ARGS_OK && cfg.port == 65535);
	CHECK(P("--port=007") == ARGS_OK && cfg.port == 7);
	/* The next word is the argument even if it looks like an option... */
	CHECK(P("--listen", "-v") == ARGS_OK && cfg.nlisten == 1 && strcmp(cfg.listen[0], "-v") == 0 &&
	    cfg.verbosity == VERB_NORMAL);
	CHECK(P("-u", "--port") == ARGS_OK && strcmp(cfg.user, "--port") == 0);
	/* ...and a number argument that looks like an option is a syntax error. */
	CHECK(P("-p", "-1") == ARGS_SYNTAX && err.index == 2);

	CHECK(P("-l", "::1", "-c", "1", "-C", "2", "-t", "3", "-T", "4", "-g",
	    "5", "-b", "6", "-u", "nobody") == ARGS_OK);
	CHECK(cfg.nlisten == 1 && strcmp(cfg.listen[0], "::1") == 0 && cfg.max_clients == 1 &&
	    cfg.max_per_ip == 2 && cfg.session.idle_timeout == 3 &&
	    cfg.session.max_lifetime == 4 && cfg.grace == 5 && cfg.backlog == 6 &&
	    strcmp(cfg.user, "nobody") == 0);
	CHECK(P("--listen=127.0.0.1", "--max-clients=65535", "--max-per-ip=65535",
	    "--idle-timeout=86400", "--max-lifetime=86400", "--grace=86400",
	    "--backlog=65535", "--user=root", "--udp", "--no-sandbox") == ARGS_OK);
	CHECK(cfg.nlisten == 1 && strcmp(cfg.listen[0], "127.0.0.1") == 0 &&
	    cfg.max_clients == 65535 &&
	    cfg.max_per_ip == 65535 && cfg.session.idle_timeout == 86400 &&
	    cfg.session.max_lifetime == 86400 && cfg.grace == 86400 &&
	    cfg.backlog == 65535 && strcmp(cfg.user, "root") == 0 && cfg.udp &&
	    cfg.no_sandbox && !cfg.inetd);
	CHECK(P("--inetd", "-t", "0", "-T", "0", "-g", "0", "-C", "0") == ARGS_OK &&
	    cfg.inetd && cfg.session.idle_timeout == 0 && cfg.session.max_lifetime == 0 &&
	    cfg.grace == 0 && cfg.max_per_ip == 0);
	/* --listen= gives an empty address (the caller rejects it later). */
	CHECK(P("--listen=") == ARGS_OK && cfg.nlisten == 1 &&
	    cfg.listen[0] != NULL && cfg.listen[0][0] == '\0');
	/* The last of repeated options wins. */
	CHECK(P("-p1", "-p2", "--port=3") == ARGS_OK && cfg.port == 3);
}

/* Bundles: -qv / -vq (the later wins), a value at the end of a bundle. */
static void
test_bundles(void)
{
	CHECK(P("-qv") == ARGS_OK && cfg.verbosity == VERB_VERBOSE);
	CHECK(P("-vq") == ARGS_OK && cfg.verbosity == VERB_QUIET);
	CHECK(P("-q", "-v") == ARGS_OK && cfg.verbosity == VERB_VERBOSE);
	CHECK(P("--verbose", "--quiet") == ARGS_OK && cfg.verbosity == VERB_QUIET);
	CHECK(P("-q") == ARGS_OK && cfg.verbosity == VERB_QUIET);
	CHECK(P("-v") == ARGS_OK && cfg.verbosity == VERB_VERBOSE);
	CHECK(P("-vp7") == ARGS_OK && cfg.verbosity == VERB_VERBOSE && cfg.port == 7);
	CHECK(P("-vp", "70") == ARGS_OK && cfg.port == 70);
	CHECK(P("-qvqp123") == ARGS_OK && cfg.verbosity == VERB_QUIET &&
	    cfg.port == 123);
	/* The argument swallows the rest of the bundle. */
	CHECK(P("-lq") == ARGS_OK && cfg.nlisten == 1 && strcmp(cfg.listen[0], "q") == 0 &&
	    cfg.verbosity == VERB_NORMAL);
	CHECK(P("-pq") == ARGS_SYNTAX && strcmp(err.opt, "port") == 0);
	CHECK(P("-vx") == ARGS_UNKNOWN && err.bad == 'x' && err.index == 1);
	CHECK(P("-vp") == ARGS_MISSING && strcmp(err.opt, "port") == 0);
}

/* "--" ends the options; nothing may follow it. */
static void
test_dashdash(void)
{
	CHECK(P("--") == ARGS_OK && is_default(&cfg));
	CHECK(P("-p8", "--") == ARGS_OK && cfg.port == 8);
	CHECK(P("--", "-p8") == ARGS_OPERAND && err.index == 2 && err.opt == NULL);
	CHECK(P("--", "x") == ARGS_OPERAND && err.index == 2);
	CHECK(P("--", "--") == ARGS_OPERAND && err.index == 2);
	CHECK(is_default(&cfg));
	/* "--" as an option's argument is that argument. */
	CHECK(P("-l", "--") == ARGS_OK && cfg.nlisten == 1 &&
	    strcmp(cfg.listen[0], "--") == 0);
}

/* Operands, unknown options, abbreviations, unwanted values. */
static void
test_rejects(void)
{
	CHECK(P("x") == ARGS_OPERAND && err.index == 1 && err.opt == NULL &&
	    err.bad == 0);
	CHECK(P("-") == ARGS_OPERAND && err.index == 1);
	CHECK(P("-v", "7") == ARGS_OPERAND && err.index == 2);
	CHECK(P("-p", "7", "8") == ARGS_OPERAND && err.index == 3);
	CHECK(P("") == ARGS_OPERAND && err.index == 1);
	CHECK(P("-x") == ARGS_UNKNOWN && err.bad == 'x' && err.index == 1);
	CHECK(P("-P7") == ARGS_UNKNOWN && err.bad == 'P');
	CHECK(P("-=") == ARGS_UNKNOWN && err.bad == '=');
	CHECK(P("--bogus") == ARGS_UNKNOWN && err.bad == 0 && err.opt == NULL &&
	    err.index == 1);
	/* Abbreviations of long options are not accepted. */
	CHECK(P("--po=7") == ARGS_UNKNOWN);
	CHECK(P("--port7") == ARGS_UNKNOWN);
	CHECK(P("--verb") == ARGS_UNKNOWN);
	CHECK(P("--q") == ARGS_UNKNOWN);
	CHECK(P("--max") == ARGS_UNKNOWN);
	CHECK(P("--max-client", "3") == ARGS_UNKNOWN);
	CHECK(P("--inet") == ARGS_UNKNOWN);
	CHECK(P("--user") == ARGS_MISSING);
	CHECK(P("--users=x") == ARGS_UNKNOWN);
	CHECK(P("--PORT=7") == ARGS_UNKNOWN);
	CHECK(P("---port=7") == ARGS_UNKNOWN);
	CHECK(P("--=7") == ARGS_UNKNOWN);
	/* Flags given a value. */
	CHECK(P("--quiet=x") == ARGS_UNWANTED && strcmp(err.opt, "quiet") == 0);
	CHECK(P("--quiet=") == ARGS_UNWANTED);
	CHECK(P("--udp=1") == ARGS_UNWANTED && strcmp(err.opt, "udp") == 0);
	CHECK(P("--inetd=yes") == ARGS_UNWANTED);
	CHECK(P("--no-sandbox=") == ARGS_UNWANTED);
	CHECK(P("--verbose=2") == ARGS_UNWANTED);
	CHECK(P("--help=x") == ARGS_UNWANTED && !cfg.help);
	CHECK(P("--version=x") == ARGS_UNWANTED);
	/* Missing arguments, for every option that takes one. */
	CHECK(P("-p") == ARGS_MISSING && strcmp(err.opt, "port") == 0 &&
	    err.index == 1);
	CHECK(P("--port") == ARGS_MISSING && strcmp(err.opt, "port") == 0);
	CHECK(P("-l") == ARGS_MISSING && strcmp(err.opt, "listen") == 0);
	CHECK(P("-c") == ARGS_MISSING && strcmp(err.opt, "max-clients") == 0);
	CHECK(P("-C") == ARGS_MISSING && strcmp(err.opt, "max-per-ip") == 0);
	CHECK(P("-t") == ARGS_MISSING && strcmp(err.opt, "idle-timeout") == 0);
	CHECK(P("-T") == ARGS_MISSING && strcmp(err.opt, "max-lifetime") == 0);
	CHECK(P("-g") == ARGS_MISSING && strcmp(err.opt, "grace") == 0);
	CHECK(P("-b") == ARGS_MISSING && strcmp(err.opt, "backlog") == 0);
	CHECK(P("-u") == ARGS_MISSING && strcmp(err.opt, "user") == 0);
	/* --udp with --inetd, in either order. */
	CHECK(P("--udp", "--inetd") == ARGS_CONFLICT);
	CHECK(P("--inetd", "--udp") == ARGS_CONFLICT);
	/* After an error the configuration is reset to the defaults. */
	CHECK(P("-p9", "-v", "--bogus") == ARGS_UNKNOWN && is_default(&cfg));
}

/* Number arguments: empty, syntax, range (both ends), too long. */
static void
test_numbers(void)
{
	CHECK(P("--port=") == ARGS_EMPTY && strcmp(err.opt, "port") == 0);
	CHECK(P("-p", "") == ARGS_EMPTY);
	CHECK(P("-p", "65536") == ARGS_RANGE && err.min == 0 && err.max == 65535);
	CHECK(P("-p", "99999999999") == ARGS_RANGE);
	CHECK(P("-p", "0x10") == ARGS_SYNTAX);
	CHECK(P("-p", "+7") == ARGS_SYNTAX);
	CHECK(P("-p", " 7") == ARGS_SYNTAX);
	CHECK(P("-p", "7 ") == ARGS_SYNTAX);
	CHECK(P("-p", "12x") == ARGS_SYNTAX);
	CHECK(P("-p", "00000000000000000007") == ARGS_OK && cfg.port == 7);
	CHECK(P("-p", "000000000000000000007") == ARGS_TOOLONG);
	CHECK(P("--port=000000000000000000007") == ARGS_TOOLONG &&
	    err.index == 1);
	CHECK(P("-c", "0") == ARGS_RANGE && strcmp(err.opt, "max-clients") == 0 &&
	    err.min == 1 && err.max == 65535);
	CHECK(P("-c", "65536") == ARGS_RANGE);
	CHECK(P("-c", "1") == ARGS_OK && cfg.max_clients == 1);
	CHECK(P("-C", "65536") == ARGS_RANGE && err.min == 0);
	CHECK(P("-t", "86401") == ARGS_RANGE && err.max == 86400);
	CHECK(P("-T", "86401") == ARGS_RANGE);
	CHECK(P("-g", "86401") == ARGS_RANGE);
	CHECK(P("-b", "0") == ARGS_RANGE && err.min == 1);
	CHECK(P("-b", "65536") == ARGS_RANGE);
	CHECK(P("-b", "1") == ARGS_OK && cfg.backlog == 1);
	/* The index names the word that held the bad value. */
	CHECK(P("-v", "-p", "x") == ARGS_SYNTAX && err.index == 2 + 1);
	CHECK(P("-v", "-px") == ARGS_SYNTAX && err.index == 2);
}

/* -h and -V stop parsing where they stand. */
static void
test_help_version(void)
{
	CHECK(P("-h") == ARGS_OK && cfg.help && !cfg.version);
	CHECK(P("--help") == ARGS_OK && cfg.help);
	CHECK(P("-V") == ARGS_OK && cfg.version && !cfg.help);
	CHECK(P("--version") == ARGS_OK && cfg.version);
	CHECK(P("-h", "--bogus") == ARGS_OK && cfg.help);
	CHECK(P("-vh") == ARGS_OK && cfg.help && cfg.verbosity == VERB_VERBOSE);
	CHECK(P("--bogus", "-h") == ARGS_UNKNOWN && !cfg.help);
	CHECK(P("-p", "x", "-V") == ARGS_SYNTAX && !cfg.version);
}

/* The fields of c that differ from the defaults, one bit each. */
static unsigned
changed(const struct config *c)
{
	unsigned m = 0;

	m |= (unsigned)(c->nlisten != 0) << 0;
	m |= (unsigned)(c->user != NULL) << 1;
	m |= (unsigned)(c->port != 7) << 2;
	m |= (unsigned)(c->max_clients != 64) << 3;
	m |= (unsigned)(c->max_per_ip != 0) << 4;
	m |= (unsigned)(c->session.idle_timeout != 300) << 5;
	m |= (unsigned)(c->session.max_lifetime != 0) << 6;
	m |= (unsigned)(c->grace != 5) << 7;
	m |= (unsigned)(c->backlog != 1024) << 8;
	m |= (unsigned)(c->verbosity != VERB_NORMAL) << 9;
	m |= (unsigned)(c->udp) << 10;
	m |= (unsigned)(c->no_sandbox) << 11;
	m |= (unsigned)(c->inetd) << 12;
	m |= (unsigned)(c->help) << 13;
	m |= (unsigned)(c->version) << 14;
	m |= (unsigned)(c->nrules != 0) << 15;
	m |= (unsigned)(c->rate_per_ip != 0) << 16;
	return m;
}

/* Each option sets its own field and no other (the WP contracts of
   apply_flag/store_num say so too; tests/mutation/mutants.txt breaks them). */
static void
test_own_field(void)
{
	static const struct {
		const char	*w1, *w2;
		unsigned	 field;
	} t[] = {
		{ "-l", "::1", 1u << 0 }, { "--user=x", NULL, 1u << 1 },
		{ "-p9", NULL, 1u << 2 }, { "--max-clients", "9", 1u << 3 },
		{ "-C9", NULL, 1u << 4 }, { "--max-per-ip=9", NULL, 1u << 4 },
		{ "--max-per-ip", "9", 1u << 4 }, { "-t9", NULL, 1u << 5 },
		{ "-T9", NULL, 1u << 6 }, { "--grace=9", NULL, 1u << 7 },
		{ "-b9", NULL, 1u << 8 }, { "-v", NULL, 1u << 9 },
		{ "--verbose", NULL, 1u << 9 }, { "-q", NULL, 1u << 9 },
		{ "--udp", NULL, 1u << 10 }, { "--no-sandbox", NULL, 1u << 11 },
		{ "--inetd", NULL, 1u << 12 }, { "-h", NULL, 1u << 13 },
		{ "--version", NULL, 1u << 14 },
		{ "--allow", "10.0.0.0/8", 1u << 15 },
		{ "--deny=::1", NULL, 1u << 15 },
		{ "--rate-per-ip", "9", 1u << 16 },
		{ "--listen=::", NULL, 1u << 0 },
	};
	size_t k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		if (t[k].w2 != NULL)
			CHECK(P(t[k].w1, t[k].w2) == ARGS_OK);
		else
			CHECK(P(t[k].w1) == ARGS_OK);
		CHECK(changed(&cfg) == t[k].field);
	}
	CHECK(P("--max-per-ip=9") == ARGS_OK && cfg.max_per_ip == 9);
	CHECK(P("-v") == ARGS_OK && !cfg.no_sandbox);
	/* A longer word is not the option, with or without a value. */
	CHECK(P("--portx") == ARGS_UNKNOWN && err.opt == NULL);
	CHECK(P("--portx=7") == ARGS_UNKNOWN);
	CHECK(P("--udpx") == ARGS_UNKNOWN);
	CHECK(P("--udp=") == ARGS_UNWANTED && strcmp(err.opt, "udp") == 0);
}

/* Parse the n words w (argv[0] supplied): for word lists too long for P. */
static int
parse_many(const char **w, int n)
{
	static char *argv[160];
	int i;

	argv[0] = (char *)"echod";
	for (i = 0; i < n && i < 158; i++)
		argv[i + 1] = (char *)w[i];
	argv[i + 1] = NULL;
	return args_parse(i + 1, argv, &cfg, &err);
}

/* --listen repeats (up to 8, in order); --allow/--deny append rules (up to 64
   in all); --rate-per-ip is a number 0..65535. */
static void
test_repeatable(void)
{
	static const char *addr[9] = { "a0", "a1", "a2", "a3", "a4", "a5",
	    "a6", "a7", "a8" };
	const char *w[160];
	int n;
	int k;

	CHECK(P("-l", "127.0.0.1", "--listen=::1", "-l::") == ARGS_OK &&
	    cfg.nlisten == 3 && strcmp(cfg.listen[0], "127.0.0.1") == 0 &&
	    strcmp(cfg.listen[1], "::1") == 0 && strcmp(cfg.listen[2], "::") == 0);
	/* The same address twice is the caller's error, not args_parse's. */
	CHECK(P("-l", "::1", "-l", "::1") == ARGS_OK && cfg.nlisten == 2);
	for (n = 0, k = 0; k < 8; k++) {
		w[n++] = "--listen";
		w[n++] = addr[k];
	}
	CHECK(parse_many(w, n) == ARGS_OK && cfg.nlisten == 8);
	for (k = 0; k < 8; k++)
		CHECK(cfg.listen[k] == addr[k]);
	w[n++] = "-l";
	w[n++] = addr[8];
	CHECK(parse_many(w, n) == ARGS_TOOMANY && err.index == n &&
	    strcmp(err.opt, "listen") == 0 && is_default(&cfg));
	w[n - 2] = "--listen=a8";
	CHECK(parse_many(w, n - 1) == ARGS_TOOMANY && err.index == n - 1);

	CHECK(P("--allow", "10.0.0.0/8", "--deny=10.1.0.0/16", "--allow=::1") ==
	    ARGS_OK && cfg.nrules == 3 &&
	    strcmp(cfg.rule[0].text, "10.0.0.0/8") == 0 && !cfg.rule[0].deny &&
	    strcmp(cfg.rule[1].text, "10.1.0.0/16") == 0 && cfg.rule[1].deny &&
	    strcmp(cfg.rule[2].text, "::1") == 0 && !cfg.rule[2].deny &&
	    cfg.nlisten == 0);
	/* The text is kept as given: cidr_add checks it later. */
	CHECK(P("--deny", "junk") == ARGS_OK && cfg.nrules == 1 && cfg.rule[0].deny &&
	    strcmp(cfg.rule[0].text, "junk") == 0);
	CHECK(P("--allow") == ARGS_MISSING && strcmp(err.opt, "allow") == 0);
	CHECK(P("--deny") == ARGS_MISSING && strcmp(err.opt, "deny") == 0);
	/* An empty rule, like --listen=, is for the caller (cidr_add) to reject. */
	CHECK(P("--allow=") == ARGS_OK && cfg.nrules == 1 && cfg.rule[0].text[0] == '\0');
	CHECK(P("--deny", "") == ARGS_OK && cfg.nrules == 1 && cfg.rule[0].deny);
	CHECK(P("--allo=1.2.3.4") == ARGS_UNKNOWN);
	for (n = 0, k = 0; k < 64; k++) {
		w[n++] = (k & 1) ? "--deny" : "--allow";
		w[n++] = "10.0.0.0/8";
	}
	CHECK(parse_many(w, n) == ARGS_OK && cfg.nrules == 64);
	for (k = 0; k < 64; k++)
		CHECK(cfg.rule[k].deny == ((k & 1) != 0));
	w[n++] = "--deny=1.2.3.4";
	CHECK(parse_many(w, n) == ARGS_TOOMANY && err.index == n &&
	    strcmp(err.opt, "deny") == 0 && is_default(&cfg));
	w[n - 1] = "--allow=1.2.3.4";
	CHECK(parse_many(w, n) == ARGS_TOOMANY && strcmp(err.opt, "allow") == 0);

	CHECK(P("--rate-per-ip", "0") == ARGS_OK && cfg.rate_per_ip == 0);
	CHECK(P("--rate-per-ip=1") == ARGS_OK && cfg.rate_per_ip == 1);
	CHECK(P("--rate-per-ip=65535") == ARGS_OK && cfg.rate_per_ip == 65535 &&
	    cfg.max_per_ip == 0);
	CHECK(P("--rate-per-ip=65536") == ARGS_RANGE && err.min == 0 &&
	    err.max == 65535 && strcmp(err.opt, "rate-per-ip") == 0);
	CHECK(P("--rate-per-ip=") == ARGS_EMPTY);
	CHECK(P("--rate-per-ip", "x") == ARGS_SYNTAX && err.index == 2);
	CHECK(P("--rate-per-ip") == ARGS_MISSING);
	CHECK(P("--rate-per-ip=3", "--rate-per-ip=4") == ARGS_OK &&
	    cfg.rate_per_ip == 4);
}

int
main(void)
{
	test_defaults();
	test_forms();
	test_bundles();
	test_dashdash();
	test_rejects();
	test_numbers();
	test_help_version();
	test_own_field();
	test_repeatable();
	UNIT_DONE();
}
