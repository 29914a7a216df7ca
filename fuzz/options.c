/* SPDX-License-Identifier: ISC */
/* fuzz/options.c: argv from the input (split on NUL) into args_parse; success must mean every field is within the ranges of echod(8). */
/*
 * argv[0] is "echod"; each NUL-terminated run of the input is one more word
 * (at most MAXARGS). Oracle: success gives a config inside the ranges of echod(8)
 * whose strings point into argv; failure returns a known code, describes
 * it in err, and leaves the defaults. The parser must never crash, read
 * past a word, or exit (libFuzzer reports an exit as a crash).
 * Differential: glibc's getopt_long (no permutation, same option table)
 * must agree on success, the error class and every field, except where
 * echod departs from it on purpose (abbreviated long options, which
 * getopt_long accepts and echod does not: such inputs skip this part).
 */
#include "core/args.h"
#include "core/num.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXARGS	64

static void
fail(const char *why)
{
	fprintf(stderr, "options oracle: %s\n", why);
	abort();
}

/* Is p the start of one of the words argv[1..argc-1], or inside one? */
static int
in_argv(const char *p, int argc, char *const argv[])
{
	int i;

	for (i = 1; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, 'l' },
	{ "port", required_argument, NULL, 'p' },
	{ "max-clients", required_argument, NULL, 'c' },
	{ "max-per-ip", required_argument, NULL, 'C' },
	{ "idle-timeout", required_argument, NULL, 't' },
	{ "max-lifetime", required_argument, NULL, 'T' },
	{ "grace", required_argument, NULL, 'g' },
	{ "backlog", required_argument, NULL, 'b' },
	{ "rate-per-ip", required_argument, NULL, 4 },
	{ "allow", required_argument, NULL, 5 },
	{ "deny", required_argument, NULL, 6 },
	{ "user", required_argument, NULL, 'u' },
	{ "udp", no_argument, NULL, 1 },
	{ "no-sandbox", no_argument, NULL, 2 },
	{ "inetd", no_argument, NULL, 3 },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Does some word spell a long option getopt_long might abbreviate? Every
 * word is looked at, also after a "--": that "--" may be the argument of
 * an option (-u --), so it does not always end the options.
 */
static int
has_abbreviation(int argc, char *const argv[])
{
	const struct option *o;
	size_t n;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		if (strncmp(argv[i], "--", 2) != 0)
			continue;
		n = strcspn(argv[i] + 2, "=");
		for (o = longopts; o->name != NULL; o++)
			if (strlen(o->name) == n && strncmp(o->name, argv[i] + 2, n) == 0)
				break;
		if (o->name == NULL)
			return 1;
	}
	return 0;
}

/* A number option through num_parse and its range, as echod(8) states it. */
static int
ref_number(const char *val, uint32_t min, uint32_t max, uint32_t *out)
{
	int r;

	r = num_parse(val, max, out);
	if (r == NUM_EMPTY)
		return ARGS_EMPTY;
	if (r == NUM_TOOLONG)
		return ARGS_TOOLONG;
	if (r == NUM_SYNTAX)
		return ARGS_SYNTAX;
	if (r != NUM_OK || *out < min)
		return ARGS_RANGE;
	return ARGS_OK;
}

/* The reference: getopt_long in "+" (POSIX, no permutation) mode. */
static int
ref_parse(int argc, char *argv[], struct config *c)
{
	uint32_t *field;
	uint32_t min;
	uint32_t max;
	int ch;
	int r;

	args_defaults(c);
	opterr = 0;
	optind = 0;	/* glibc: full re-initialisation */
	while ((ch = getopt_long(argc, argv, "+:l:p:c:C:t:T:g:b:u:qvhV", longopts,
	    NULL)) != -1) {
		field = NULL;
		min = 0;
		max = 65535;
		switch (ch) {
		case 'l':
			if (c->nlisten >= ARGS_LISTEN_MAX)
				return ARGS_TOOMANY;
			c->listen[c->nlisten++] = optarg;
			break;
		case 5:
		case 6:
			if (c->nrules >= ARGS_RULES_MAX)
				return ARGS_TOOMANY;
			c->rule[c->nrules].text = optarg;
			c->rule[c->nrules++].deny = ch == 6;
			break;
		case 4: field = &c->rate_per_ip; break;
		case 'u':	/* an empty name is a usage error */
			if (optarg[0] == '\0')
				return ARGS_EMPTY;
			c->user = optarg;
			break;
		case 'p': field = &c->port; break;
		case 'c': field = &c->max_clients; min = 1; break;
		case 'C': field = &c->max_per_ip; break;
		case 't': field = &c->session.idle_timeout; max = 86400; break;
		case 'T': field = &c->session.max_lifetime; max = 86400; break;
		case 'g': field = &c->grace; max = 86400; break;
		case 'b': field = &c->backlog; min = 1; break;
		case 1: c->udp = true; break;
		case 2: c->no_sandbox = true; break;
		case 3: c->inetd = true; break;
		case 'q': c->verbosity = VERB_QUIET; break;
		case 'v': c->verbosity = VERB_VERBOSE; break;
		case 'h': c->help = true; return ARGS_OK;
		case 'V': c->version = true; return ARGS_OK;
		case ':': return ARGS_MISSING;
		default: return ARGS_UNKNOWN;	/* also "--flag=value" */
		}
		if (field != NULL) {
			r = ref_number(optarg, min, max, field);
			if (r != ARGS_OK)
				return r;
		}
	}
	if (optind < argc)
		return ARGS_OPERAND;
	if (c->udp && c->inetd)
		return ARGS_CONFLICT;
	return ARGS_OK;
}

static int
same_config(const struct config *a, const struct config *b)
{
	uint32_t i;

	if (a->nlisten != b->nlisten || a->nrules != b->nrules ||
	    a->rate_per_ip != b->rate_per_ip)
		return 0;
	for (i = 0; i < a->nlisten; i++)
		if (a->listen[i] != b->listen[i])
			return 0;
	for (i = 0; i < a->nrules; i++)
		if (a->rule[i].text != b->rule[i].text ||
		    a->rule[i].deny != b->rule[i].deny)
			return 0;
	return a->user == b->user &&
	    a->port == b->port && a->max_clients == b->max_clients &&
	    a->max_per_ip == b->max_per_ip &&
	    a->session.idle_timeout == b->session.idle_timeout &&
	    a->session.max_lifetime == b->session.max_lifetime &&
	    a->grace == b->grace &&
	    a->backlog == b->backlog && a->verbosity == b->verbosity &&
	    a->udp == b->udp && a->no_sandbox == b->no_sandbox &&
	    a->inetd == b->inetd && a->help == b->help && a->version == b->version;
}

/* getopt_long agrees: same verdict (unknown and unwanted are one class for it), same config. */
static void
check_getopt(int r, const struct config *c, int argc, char *argv[])
{
	struct config want;
	int w;

	if (has_abbreviation(argc, argv))
		return;
	w = ref_parse(argc, argv, &want);
	if (r == ARGS_UNWANTED)
		r = ARGS_UNKNOWN;
	if (r != w) {
		fprintf(stderr, "options: args_parse %d, getopt_long reference %d\n", r, w);
		fail("disagrees with getopt_long");
	}
	if (r == ARGS_OK && !same_config(c, &want))
		fail("config differs from getopt_long's");
}

static void
check_ok(const struct config *c, int argc, char *const argv[])
{
	if (c->port > 65535 || c->max_clients < 1 || c->max_clients > 65535 ||
	    c->max_per_ip > 65535 || c->session.idle_timeout > 86400 ||
	    c->session.max_lifetime > 86400 || c->grace > 86400 ||
	    c->backlog < 1 || c->backlog > 65535)
		fail("a number outside its echod(8) range");
	if (c->verbosity != VERB_QUIET && c->verbosity != VERB_NORMAL &&
	    c->verbosity != VERB_VERBOSE)
		fail("verbosity out of range");
	if (c->udp && c->inetd && !c->help && !c->version)
		fail("--udp with --inetd accepted");
	uint32_t i;

	if (c->nlisten > ARGS_LISTEN_MAX || c->nrules > ARGS_RULES_MAX ||
	    c->rate_per_ip > 65535)
		fail("a repeatable option over its count, or a rate out of range");
	for (i = 0; i < c->nlisten; i++)
		if (!in_argv(c->listen[i], argc, argv))
			fail("listen does not point into argv");
	for (i = 0; i < c->nrules; i++)
		if (!in_argv(c->rule[i].text, argc, argv))
			fail("a rule does not point into argv");
	if (c->user != NULL && !in_argv(c->user, argc, argv))
		fail("user does not point into argv");
}

static void
check_err(int r, const struct config *c, const struct args_error *e, int argc)
{
	struct config d;

	if (r < ARGS_UNKNOWN || r > ARGS_CONFLICT || e->code != r)
		fail("unknown error code");
	if (e->index < 0 || e->index >= argc)
		fail("error index outside argv");
	if (e->min > e->max && e->opt != NULL && r == ARGS_RANGE)
		fail("empty range reported for a range error");
	args_defaults(&d);
	if (!same_config(c, &d))
		fail("failure left a non-default config");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAXARGS + 2];
	struct config cfg;
	struct args_error err;
	char *buf;
	size_t i;
	int argc;
	int r;

	/* One copy, NUL-terminated, so the last word ends too. */
	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"echod";
	argc = 1;
	for (i = 0; i < size + 1 && argc <= MAXARGS; i++) {
		argv[argc++] = buf + i;
		i += strlen(buf + i);
		if (i >= size)
			break;
	}
	if (size == 0)
		argc = 1;
	argv[argc] = NULL;
	memset(&cfg, 0xa5, sizeof(cfg));
	r = args_parse(argc, argv, &cfg, &err);
	if (r == ARGS_OK)
		check_ok(&cfg, argc, argv);
	else
		check_err(r, &cfg, &err, argc);
	check_getopt(r, &cfg, argc, argv);
	free(buf);
	return 0;
}
