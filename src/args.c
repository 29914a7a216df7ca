/* args.c: hand-written getopt_long-compatible option parser. Pure: no globals, no printing, no exit. */
#include "args.h"
#include "num.h"

#include <stddef.h>

enum opt_id {
	O_LISTEN, O_PORT, O_MAXCLIENTS, O_PERIP, O_IDLE, O_LIFETIME, O_GRACE,
	O_BACKLOG, O_USER, O_UDP, O_NOSANDBOX, O_INETD, O_QUIET, O_VERBOSE,
	O_HELP, O_VERSION, O_COUNT
};

/* Long names live in the table itself, NUL-padded to a fixed size, so WP
   knows their bytes and every comparison loop is bounded. At most 15
   characters: err->opt points at one and must stay NUL-terminated. */
#define OPT_NAME_SIZE	16

struct optdef {
	char		 name[OPT_NAME_SIZE];	/* long name, NUL-terminated */
	char		 letter;	/* short name, 0 if none */
	bool		 arg;		/* takes an argument */
	uint32_t	 min;		/* range, for number arguments */
	uint32_t	 max;
};

/* Indexed by enum opt_id. min > max marks a non-number argument. */
static const struct optdef opts[O_COUNT] = {
	{ { "listen" },		'l', true,  1, 0 },
	{ { "port" },		'p', true,  0, ARGS_PORT_MAX },
	{ { "max-clients" },	'c', true,  1, ARGS_CLIENTS_MAX },
	{ { "max-per-ip" },	'C', true,  0, ARGS_CLIENTS_MAX },
	{ { "idle-timeout" },	't', true,  0, ARGS_SECONDS_MAX },
	{ { "max-lifetime" },	'T', true,  0, ARGS_SECONDS_MAX },
	{ { "grace" },		'g', true,  0, ARGS_SECONDS_MAX },
	{ { "backlog" },	'b', true,  1, ARGS_BACKLOG_MAX },
	{ { "user" },		'u', true,  1, 0 },
	{ { "udp" },		0,   false, 0, 0 },
	{ { "no-sandbox" },	0,   false, 0, 0 },
	{ { "inetd" },		0,   false, 0, 0 },
	{ { "quiet" },		'q', false, 0, 0 },
	{ { "verbose" },	'v', false, 0, 0 },
	{ { "help" },		'h', false, 0, 0 },
	{ { "version" },	'V', false, 0, 0 },
};

void
args_defaults(struct config *cfg)
{
	cfg->listen = NULL;
	cfg->user = NULL;
	cfg->port = 7;
	cfg->max_clients = 64;
	cfg->max_per_ip = 0;
	cfg->idle_timeout = 300;
	cfg->max_lifetime = 0;
	cfg->grace = 5;
	cfg->backlog = 1024;
	cfg->verbosity = VERB_NORMAL;
	cfg->udp = false;
	cfg->no_sandbox = false;
	cfg->inetd = false;
	cfg->help = false;
	cfg->version = false;
}

/* Index of the option whose short name is c, or O_COUNT. */
/*@ assigns \nothing;
    ensures 0 <= \result <= O_COUNT;
*/
static int
find_short(char c)
{
	int i;

	/*@ loop invariant 0 <= i <= O_COUNT;
	    loop assigns i;
	    loop variant O_COUNT - i;
	*/
	for (i = 0; i < O_COUNT; i++)
		if (opts[i].letter != 0 && opts[i].letter == c)
			return i;
	return O_COUNT;
}

/* Does word (ending at NUL or '=') spell exactly name? *end gets the stop. */
/*@ requires valid_read_string(word) && \valid_read(name + (0 .. OPT_NAME_SIZE - 1));
    requires \valid(end) && \separated(end, word + (0 .. strlen(word)));
    assigns *end;
    ensures \result ==> \exists integer k; 0 <= k <= strlen(word) && *end == word + k;
*/
static bool
long_matches(const char *word, const char *name, const char **end)
{
	size_t i;

	/*@ loop invariant 0 <= i <= OPT_NAME_SIZE && i <= strlen(word);
	    loop invariant \forall integer j; 0 <= j < i ==> word[j] == name[j] && name[j] != 0;
	    loop assigns i;
	    loop variant OPT_NAME_SIZE - i;
	*/
	for (i = 0; i < OPT_NAME_SIZE && name[i] != '\0'; i++)
		if (word[i] != name[i])
			return false;
	if (word[i] != '\0' && word[i] != '=')
		return false;
	*end = word + i;
	return true;
}

/* Index of the long option spelled at word (no abbreviations), or O_COUNT. */
/*@ requires valid_read_string(word);
    requires \valid(end) && \separated(end, word + (0 .. strlen(word)));
    assigns *end;
    ensures 0 <= \result <= O_COUNT;
    ensures \result < O_COUNT ==> \exists integer k; 0 <= k <= strlen(word) && *end == word + k;
*/
static int
find_long(const char *word, const char **end)
{
	int i;

	/*@ loop invariant 0 <= i <= O_COUNT;
	    loop assigns i, *end;
	    loop variant O_COUNT - i;
	*/
	for (i = 0; i < O_COUNT; i++)
		if (long_matches(word, opts[i].name, end))
			return i;
	return O_COUNT;
}

/* Describe the error in *err and return its code. */
/*@ requires \valid(err) && 0 <= id <= O_COUNT && ARGS_OK < code <= ARGS_CONFLICT;
    assigns err->code, err->index, err->opt, err->min, err->max;
    ensures \result == code && err->code == code && err->index == index;
*/
static int
fail(struct args_error *err, int code, int index, int id)
{
	err->code = code;
	err->index = index;
	err->opt = id < O_COUNT ? opts[id].name : NULL;
	if (id < O_COUNT) {
		err->min = opts[id].min;
		err->max = opts[id].max;
	}
	return code;
}

/*@ assigns \nothing;
    ensures ARGS_EMPTY <= \result <= ARGS_RANGE;
*/
static int
num_to_err(int r)
{
	switch (r) {
	case NUM_EMPTY:
		return ARGS_EMPTY;
	case NUM_TOOLONG:
		return ARGS_TOOLONG;
	case NUM_SYNTAX:
		return ARGS_SYNTAX;
	default:
		return ARGS_RANGE;
	}
}

/* Store the argument val of option id into cfg; ARGS_OK or an error code. */
/*@ requires \valid(cfg) && args_ranges_ok(cfg) && valid_read_string(val);
    requires O_LISTEN <= id <= O_USER;
    assigns cfg->listen, cfg->user, cfg->port, cfg->max_clients, cfg->max_per_ip,
      cfg->idle_timeout, cfg->max_lifetime, cfg->grace, cfg->backlog;
    ensures args_ranges_ok(cfg);
    ensures \result == ARGS_OK || ARGS_EMPTY <= \result <= ARGS_RANGE;
*/
static int
apply_arg(struct config *cfg, int id, const char *val)
{
	uint32_t v;
	int r;

	if (id == O_LISTEN) {
		cfg->listen = val;
		return ARGS_OK;
	}
	if (id == O_USER) {
		if (val[0] == '\0')
			return ARGS_EMPTY;	/* names nobody: not for getpwnam */
		cfg->user = val;
		return ARGS_OK;
	}
	v = 0;
	r = num_parse(val, opts[id].max, &v);
	if (r != NUM_OK)
		return num_to_err(r);
	if (v < opts[id].min)
		return ARGS_RANGE;
	switch (id) {
	case O_PORT:
		cfg->port = v;
		break;
	case O_MAXCLIENTS:
		cfg->max_clients = v;
		break;
	case O_PERIP:
		cfg->max_per_ip = v;
		break;
	case O_IDLE:
		cfg->idle_timeout = v;
		break;
	case O_LIFETIME:
		cfg->max_lifetime = v;
		break;
	case O_GRACE:
		cfg->grace = v;
		break;
	default:
		cfg->backlog = v;
		break;
	}
	return ARGS_OK;
}

/* Apply flag option id. Returns true when parsing must stop (-h, -V). */
/*@ requires \valid(cfg) && args_ranges_ok(cfg) && O_UDP <= id <= O_VERSION;
    assigns cfg->udp, cfg->no_sandbox, cfg->inetd, cfg->verbosity, cfg->help,
      cfg->version;
    ensures args_ranges_ok(cfg);
    ensures \result ==> cfg->help || cfg->version;
*/
static bool
apply_flag(struct config *cfg, int id)
{
	switch (id) {
	case O_UDP:
		cfg->udp = true;
		break;
	case O_NOSANDBOX:
		cfg->no_sandbox = true;
		break;
	case O_INETD:
		cfg->inetd = true;
		break;
	case O_QUIET:
		cfg->verbosity = VERB_QUIET;
		break;
	case O_VERBOSE:
		cfg->verbosity = VERB_VERBOSE;
		break;
	case O_HELP:
		cfg->help = true;
		return true;
	default:
		cfg->version = true;
		return true;
	}
	return false;
}

/*
 * Parse one "--name[=value]" word at argv[*i]. Returns ARGS_OK, an error,
 * or -1 when parsing must stop successfully.
 */
/*@ requires args_argv_ok(argc, (char **)argv) && \valid(i);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(i, cfg, err);
    requires 1 <= *i < argc && strlen(argv[*i]) >= 2;
    requires args_ranges_ok(cfg);
    assigns *i, *cfg, err->code, err->index, err->opt, err->min, err->max;
    ensures \old(*i) <= *i < argc;
    ensures args_ranges_ok(cfg);
    ensures \result == -1 ==> cfg->help || cfg->version;
    ensures (\result == -1 || \result == ARGS_OK) ==> err->code == \old(err->code);
    ensures \result == -1 || \result == ARGS_OK ||
      (ARGS_OK < \result <= ARGS_CONFLICT && err->code == \result && 0 <= err->index < argc);
*/
static int
parse_long(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err)
{
	const char *end;
	const char *val;
	int id;
	int r;

	end = NULL;
	id = find_long(argv[*i] + 2, &end);
	if (id == O_COUNT || end == NULL)
		return fail(err, ARGS_UNKNOWN, *i, O_COUNT);
	if (!opts[id].arg) {
		if (*end == '=')
			return fail(err, ARGS_UNWANTED, *i, id);
		return apply_flag(cfg, id) ? -1 : ARGS_OK;
	}
	if (*end == '=') {
		val = end + 1;
	} else {
		if (*i + 1 >= argc)
			return fail(err, ARGS_MISSING, *i, id);
		*i += 1;
		val = argv[*i];
	}
	r = apply_arg(cfg, id, val);
	if (r != ARGS_OK)
		return fail(err, r, *i, id);
	return ARGS_OK;
}

/*
 * Parse one "-abc" word (bundled flags, the last one may take an argument
 * attached or in the next word). Same returns as parse_long(); for an
 * unknown option character *bad gets its position in the word, else 0 (the
 * caller copies the character into err->bad: no char is written here, so
 * argv's strings stay provably intact).
 */
/*@ requires args_argv_ok(argc, (char **)argv) && \valid(i) && \valid(bad);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(i, bad, cfg, err);
    requires 1 <= *i < argc && strlen(argv[*i]) >= 1;
    requires args_ranges_ok(cfg);
    assigns *i, *bad, *cfg, err->code, err->index, err->opt, err->min, err->max;
    ensures \old(*i) <= *i < argc;
    ensures args_ranges_ok(cfg);
    ensures *bad == 0 || (\result == ARGS_UNKNOWN && err->index == *i &&
      1 <= *bad < strlen(argv[*i]));
    ensures \result == -1 ==> cfg->help || cfg->version;
    ensures (\result == -1 || \result == ARGS_OK) ==> err->code == \old(err->code);
    ensures \result == -1 || \result == ARGS_OK ||
      (ARGS_OK < \result <= ARGS_CONFLICT && err->code == \result && 0 <= err->index < argc);
*/
static int
parse_short(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err, int *bad)
{
	const char *w;
	const char *val;
	int id;
	int r;
	int j;

	*bad = 0;
	w = argv[*i];
	//@ assert \separated(w + (0 .. strlen(w)), cfg, err);
	/*@ loop invariant 1 <= j <= strlen(w);
	    loop invariant args_ranges_ok(cfg);
	    loop assigns j, id, cfg->udp, cfg->no_sandbox, cfg->inetd,
	      cfg->verbosity, cfg->help, cfg->version;
	    loop variant strlen(w) - j;
	*/
	for (j = 1; w[j] != '\0'; j++) {
		id = find_short(w[j]);
		if (id == O_COUNT || opts[id].arg)
			break;		/* unknown, or takes the rest as argument */
		if (apply_flag(cfg, id))
			return -1;
	}
	if (w[j] == '\0')
		return ARGS_OK;
	if (id == O_COUNT) {
		*bad = j;
		return fail(err, ARGS_UNKNOWN, *i, O_COUNT);
	}
	if (w[j + 1] != '\0') {
		//@ assert j + 1 <= strlen(w);
		val = w + j + 1;
		//@ assert attached: valid_read_string(val);
	} else {
		if (*i + 1 >= argc)
			return fail(err, ARGS_MISSING, *i, id);
		*i += 1;
		val = argv[*i];
		//@ assert next_word: valid_read_string(val);
	}
	r = apply_arg(cfg, id, val);
	if (r != ARGS_OK)
		return fail(err, r, *i, id);
	return ARGS_OK;
}

/*
 * Parse every word; the argument words of options are consumed with them.
 * Everything but err->bad; *bad as in parse_short(), for word err->index.
 */
/*@ requires 1 <= argc && args_argv_ok(argc, (char **)argv) && \valid(bad);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(bad, cfg, err);
    requires args_ranges_ok(cfg) && *bad == 0;
    assigns *bad, *cfg, err->code, err->index, err->opt, err->min, err->max;
    ensures ARGS_OK <= \result <= ARGS_CONFLICT;
    ensures *bad == 0 || (0 <= err->index < argc && 1 <= *bad < strlen(argv[err->index]));
    ensures \result == ARGS_OK ==> args_config_ok(cfg);
    ensures \result != ARGS_OK ==> err->code == \result && 0 <= err->index < argc;
    ensures \result == ARGS_OK ==> err->code == \old(err->code);
*/
static int
parse_loop(int argc, char *const argv[], struct config *cfg,
    struct args_error *err, int *bad)
{
	const char *w;
	int i;
	int r;

	/*@ loop invariant 1 <= i <= argc && args_ranges_ok(cfg);
	    loop invariant *bad == 0;
	    loop invariant err->code == \at(err->code, Pre);
	    loop assigns i, w, r, *bad, *cfg, err->code, err->index, err->opt,
	      err->min, err->max;
	    loop variant argc - i;
	*/
	for (i = 1; i < argc; i++) {
		w = argv[i];
		if (w[0] == '-' && w[1] == '-' && w[2] == '\0') {
			/* "--" ends the options; no operand is accepted after it. */
			if (i + 1 < argc)
				return fail(err, ARGS_OPERAND, i + 1, O_COUNT);
			break;	/* still subject to the --udp/--inetd check */
		}
		if (w[0] != '-' || w[1] == '\0')
			return fail(err, ARGS_OPERAND, i, O_COUNT);
		if (w[1] == '-')
			r = parse_long(argc, argv, &i, cfg, err);
		else
			r = parse_short(argc, argv, &i, cfg, err, bad);
		if (r == -1)
			return ARGS_OK;
		if (r != ARGS_OK)
			return r;
	}
	if (cfg->udp && cfg->inetd)
		return fail(err, ARGS_CONFLICT, 0, O_UDP);
	return ARGS_OK;
}

/* parse_loop(), then err->bad. */
/*@ requires 1 <= argc && args_argv_ok(argc, (char **)argv);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires args_ranges_ok(cfg);
    assigns *cfg, *err;
    ensures ARGS_OK <= \result <= ARGS_CONFLICT;
    ensures \result == ARGS_OK ==> args_config_ok(cfg) && err->code == \old(err->code);
    ensures \result != ARGS_OK ==> err->code == \result && 0 <= err->index < argc;
*/
static int
parse_words(int argc, char *const argv[], struct config *cfg,
    struct args_error *err)
{
	int bad;
	int r;

	bad = 0;
	r = parse_loop(argc, argv, cfg, err, &bad);
	err->bad = '\0';
	if (bad > 0)
		err->bad = argv[err->index][bad];
	return r;
}

int
args_parse(int argc, char *const argv[], struct config *cfg,
    struct args_error *err)
{
	int r;

	err->code = ARGS_OK;
	err->index = 0;
	err->opt = NULL;
	err->min = 0;
	err->max = 0;
	args_defaults(cfg);
	r = parse_words(argc, argv, cfg, err);	/* sets err->bad */
	if (r != ARGS_OK)
		args_defaults(cfg);
	return r;
}
