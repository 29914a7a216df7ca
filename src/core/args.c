/* SPDX-License-Identifier: ISC */
/* args.c: hand-written getopt_long-compatible option parser. Pure: no globals, no printing, no exit. */
#include "core/args.h"
#include "core/num.h"

#include <stddef.h>

enum opt_id {
	O_LISTEN, O_PORT, O_MAXCLIENTS, O_PERIP, O_IDLE, O_LIFETIME, O_GRACE,
	O_BACKLOG, O_RATEIP, O_ALLOW, O_DENY, O_USER, O_UDP, O_NOSANDBOX,
	O_INETD, O_QUIET, O_VERBOSE, O_HELP, O_VERSION, O_COUNT
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
	{ { "rate-per-ip" },	0,   true,  0, ARGS_CLIENTS_MAX },
	{ { "allow" },		0,   true,  1, 0 },
	{ { "deny" },		0,   true,  1, 0 },
	{ { "user" },		'u', true,  1, 0 },
	{ { "udp" },		0,   false, 0, 0 },
	{ { "no-sandbox" },	0,   false, 0, 0 },
	{ { "inetd" },		0,   false, 0, 0 },
	{ { "quiet" },		'q', false, 0, 0 },
	{ { "verbose" },	'v', false, 0, 0 },
	{ { "help" },		'h', false, 0, 0 },
	{ { "version" },	'V', false, 0, 0 },
};

/*@ // The field option id sets, named by that option: -q and -v both set
    // verbosity (O_VERBOSE's); every other option has its own field.
    logic integer opt_field(integer id) = id == O_QUIET ? O_VERBOSE : id;

    // Every field but the one option id sets is the same at L1 and L2
    // (id == O_COUNT: every field). Spelled out, not a \forall over the
    // fields: each conjunct is then one memory read for the provers.
    predicate same_except{L1,L2}(struct config *c, integer id) =
      (id != O_LISTEN ==> \at(c->nlisten, L1) == \at(c->nlisten, L2)) &&
      (id != O_ALLOW && id != O_DENY ==> \at(c->nrules, L1) == \at(c->nrules, L2)) &&
      (id != O_RATEIP ==> \at(c->rate_per_ip, L1) == \at(c->rate_per_ip, L2)) &&
      (id != O_USER ==> \at(c->user, L1) == \at(c->user, L2)) &&
      (id != O_PORT ==> \at(c->port, L1) == \at(c->port, L2)) &&
      (id != O_MAXCLIENTS ==>
        \at(c->max_clients, L1) == \at(c->max_clients, L2)) &&
      (id != O_PERIP ==> \at(c->max_per_ip, L1) == \at(c->max_per_ip, L2)) &&
      (id != O_IDLE ==>
        \at(c->session.idle_timeout, L1) == \at(c->session.idle_timeout, L2)) &&
      (id != O_LIFETIME ==>
        \at(c->session.max_lifetime, L1) == \at(c->session.max_lifetime, L2)) &&
      (id != O_GRACE ==> \at(c->grace, L1) == \at(c->grace, L2)) &&
      (id != O_BACKLOG ==> \at(c->backlog, L1) == \at(c->backlog, L2)) &&
      (id != O_UDP ==> \at(c->udp, L1) == \at(c->udp, L2)) &&
      (id != O_NOSANDBOX ==> \at(c->no_sandbox, L1) == \at(c->no_sandbox, L2)) &&
      (id != O_INETD ==> \at(c->inetd, L1) == \at(c->inetd, L2)) &&
      (id != O_QUIET && id != O_VERBOSE ==>
        \at(c->verbosity, L1) == \at(c->verbosity, L2)) &&
      (id != O_HELP ==> \at(c->help, L1) == \at(c->help, L2)) &&
      (id != O_VERSION ==> \at(c->version, L1) == \at(c->version, L2));

    // Flag option id applied between L1 and L2: its field set as the code
    // does, every other field unchanged.
    predicate flag_set{L1,L2}(struct config *c, integer id) =
      same_except{L1,L2}(c, id) &&
      (id == O_UDP ==> \at(c->udp, L2) == 1) &&
      (id == O_NOSANDBOX ==> \at(c->no_sandbox, L2) == 1) &&
      (id == O_INETD ==> \at(c->inetd, L2) == 1) &&
      (id == O_QUIET ==> \at(c->verbosity, L2) == VERB_QUIET) &&
      (id == O_VERBOSE ==> \at(c->verbosity, L2) == VERB_VERBOSE) &&
      (id == O_HELP ==> \at(c->help, L2) == 1) &&
      (id == O_VERSION ==> \at(c->version, L2) == 1);

    // Number option id set to n between L1 and L2, every other field
    // unchanged.
    predicate num_set{L1,L2}(struct config *c, integer id, integer n) =
      same_except{L1,L2}(c, id) &&
      (id == O_PORT ==> \at(c->port, L2) == n) &&
      (id == O_MAXCLIENTS ==> \at(c->max_clients, L2) == n) &&
      (id == O_PERIP ==> \at(c->max_per_ip, L2) == n) &&
      (id == O_IDLE ==> \at(c->session.idle_timeout, L2) == n) &&
      (id == O_LIFETIME ==> \at(c->session.max_lifetime, L2) == n) &&
      (id == O_GRACE ==> \at(c->grace, L2) == n) &&
      (id == O_BACKLOG ==> \at(c->backlog, L2) == n) &&
      (id == O_RATEIP ==> \at(c->rate_per_ip, L2) == n);

    // Option id with argument val applied between L1 and L2: its field is
    // val itself (--user), val appended (--listen; --allow and --deny, with
    // which of the two) or val's decimal value, every other field unchanged.
    predicate arg_set{L1,L2}(struct config *c, integer id, char *val) =
      same_except{L1,L2}(c, id) &&
      (id == O_LISTEN ==>
        \at(c->nlisten, L2) == \at(c->nlisten, L1) + 1 &&
        \at(c->listen[\at(c->nlisten, L1)], L2) == val) &&
      ((id == O_ALLOW || id == O_DENY) ==>
        \at(c->nrules, L2) == \at(c->nrules, L1) + 1 &&
        \at(c->rule[\at(c->nrules, L1)].text, L2) == val &&
        (\at(c->rule[\at(c->nrules, L1)].deny, L2) != 0 <==> id == O_DENY)) &&
      (id == O_USER ==> \at(c->user, L2) == val) &&
      (O_PORT <= id <= O_RATEIP ==>
        num_set{L1,L2}(c, id, \at(num_value(val, strlen(val)), L1)));

    // word spells name whole: its first k characters are all of name's,
    // then it ends, or has '=' (--name=value).
    predicate long_spells{L}(char *word, char *name, integer k) =
      0 <= k <= OPT_NAME_SIZE && (k < OPT_NAME_SIZE ==> name[k] == '\0') &&
      (\forall integer j; 0 <= j < k ==> name[j] != '\0' && word[j] == name[j]) &&
      (word[k] == '\0' || word[k] == '=');
    predicate long_names{L}(char *word, char *name) =
      \exists integer k; long_spells(word, name, k);
    // Letter c is the short name of an option that sets field f.
    predicate letter_sets{L}(char c, integer f) =
      \exists integer id; 0 <= id < O_COUNT && opts[id].letter != '\0' &&
        opts[id].letter == c && opt_field(id) == f;
    // Some letter of the bundle w[1 .. n-1] ("-abc") sets field f.
    predicate short_sets{L}(char *w, integer n, integer f) =
      \exists integer j; 1 <= j < n && letter_sets(w[j], f);
    // Every field of *c is as at L1, or set by a letter of w[1 .. n-1]
    // (spelled out per field: no \forall for the provers to instantiate).
    predicate short_from{L1,L2}(struct config *c, char *w, integer n) =
      (\at(c->nlisten, L1) == \at(c->nlisten, L2) ||
        short_sets{L2}(w, n, O_LISTEN)) &&
      (\at(c->nrules, L1) == \at(c->nrules, L2) ||
        short_sets{L2}(w, n, O_ALLOW)) &&
      (\at(c->rate_per_ip, L1) == \at(c->rate_per_ip, L2) ||
        short_sets{L2}(w, n, O_RATEIP)) &&
      (\at(c->user, L1) == \at(c->user, L2) ||
        short_sets{L2}(w, n, O_USER)) &&
      (\at(c->port, L1) == \at(c->port, L2) ||
        short_sets{L2}(w, n, O_PORT)) &&
      (\at(c->max_clients, L1) == \at(c->max_clients, L2) ||
        short_sets{L2}(w, n, O_MAXCLIENTS)) &&
      (\at(c->max_per_ip, L1) == \at(c->max_per_ip, L2) ||
        short_sets{L2}(w, n, O_PERIP)) &&
      (\at(c->session.idle_timeout, L1) == \at(c->session.idle_timeout, L2) ||
        short_sets{L2}(w, n, O_IDLE)) &&
      (\at(c->session.max_lifetime, L1) == \at(c->session.max_lifetime, L2) ||
        short_sets{L2}(w, n, O_LIFETIME)) &&
      (\at(c->grace, L1) == \at(c->grace, L2) ||
        short_sets{L2}(w, n, O_GRACE)) &&
      (\at(c->backlog, L1) == \at(c->backlog, L2) ||
        short_sets{L2}(w, n, O_BACKLOG)) &&
      (\at(c->udp, L1) == \at(c->udp, L2) ||
        short_sets{L2}(w, n, O_UDP)) &&
      (\at(c->no_sandbox, L1) == \at(c->no_sandbox, L2) ||
        short_sets{L2}(w, n, O_NOSANDBOX)) &&
      (\at(c->inetd, L1) == \at(c->inetd, L2) ||
        short_sets{L2}(w, n, O_INETD)) &&
      (\at(c->verbosity, L1) == \at(c->verbosity, L2) ||
        short_sets{L2}(w, n, O_VERBOSE)) &&
      (\at(c->help, L1) == \at(c->help, L2) ||
        short_sets{L2}(w, n, O_HELP)) &&
      (\at(c->version, L1) == \at(c->version, L2) ||
        short_sets{L2}(w, n, O_VERSION));
    // What long_opt did with long option id, whose name ends at end in
    // argv[i0] (at '\0' or '='), returning r with *i == i1 and the config
    // at L2. A flag never takes "=value"; an option with argument takes
    // the rest after '=', else the next word.
    predicate long_done{L1,L2}(struct config *c, char **argv, integer i0,
        integer i1, integer id, char *end, integer r) =
      \let eq = \at(*end, L1) == '=';
      (\at(opts[id].arg, L1) == 0 ==> (eq <==> r == ARGS_UNWANTED)) &&
      ((r == ARGS_OK || r == -1) ==>
        (\at(opts[id].arg, L1) == 0 ==> i1 == i0 && flag_set{L1,L2}(c, id) &&
          (r == -1 <==> (id == O_HELP || id == O_VERSION))) &&
        (\at(opts[id].arg, L1) != 0 && eq ==> i1 == i0 && r == ARGS_OK &&
          arg_set{L1,L2}(c, id, end + 1)) &&
        (\at(opts[id].arg, L1) != 0 && !eq ==> i1 == i0 + 1 && r == ARGS_OK &&
          arg_set{L1,L2}(c, id, \at(argv[i1], L1))));
*/

void
args_defaults(struct config *cfg)
{
	cfg->nlisten = 0;
	cfg->nrules = 0;
	cfg->user = NULL;
	cfg->port = 7;
	cfg->max_clients = 64;
	cfg->max_per_ip = 0;
	cfg->rate_per_ip = 0;
	cfg->session.idle_timeout = 300;
	cfg->session.max_lifetime = 0;
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
    ensures \result < O_COUNT ==>
      opts[\result].letter != '\0' && opts[\result].letter == c;
    ensures \result == O_COUNT ==> \forall integer id; 0 <= id < O_COUNT ==>
      opts[id].letter == '\0' || opts[id].letter != c;
*/
static int
find_short(char c)
{
	int i;

	/*@ loop invariant 0 <= i <= O_COUNT;
	    loop invariant \forall integer id; 0 <= id < i ==>
	      opts[id].letter == '\0' || opts[id].letter != c;
	    loop assigns i;
	    loop variant O_COUNT - i;
	*/
	for (i = 0; i < O_COUNT; i++)
		if (opts[i].letter != 0 && opts[i].letter == c)
			return i;
	return O_COUNT;
}

/*
 * Does word (ending at NUL or '=') spell exactly all of name? *end gets the
 * stop: "portx" does not spell "port", nor "por".
 */
/*@ requires valid_read_string(word) && \valid_read(name + (0 .. OPT_NAME_SIZE - 1));
    requires \valid(end) && \separated(end, word + (0 .. strlen(word)));
    assigns *end;
    ensures \result ==> \exists integer k; 0 <= k <= strlen(word) &&
      *end == word + k && long_spells(word, name, k);
    ensures \result ==> valid_read_string(*end) && (**end == '\0' || **end == '=');
    ensures !\result ==> !long_names(word, name);
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

/*
 * Index of the long option the word w ("--name...") spells after its
 * dashes (no abbreviations), or O_COUNT.
 */
/*@ requires valid_read_string(w) && strlen(w) >= 2;
    requires \valid(end) && \separated(end, w + (0 .. strlen(w)));
    assigns *end;
    ensures 0 <= \result <= O_COUNT;
    ensures \result < O_COUNT ==> \exists integer k; 0 <= k <= strlen(w + 2) &&
      *end == w + 2 + k && long_spells(w + 2, (char *)opts[\result].name, k);
    ensures \result < O_COUNT ==> valid_read_string(*end) &&
      (**end == '\0' || **end == '=');
*/
static int
find_long(const char *w, const char **end)
{
	const char *word;
	int i;

	word = w + 2;
	//@ assert valid_read_string(word) && \separated(end, word + (0 .. strlen(word)));
	/*@ loop invariant 0 <= i <= O_COUNT;
	    loop invariant \forall integer o; 0 <= o < i ==>
	      !long_names(word, (char *)opts[o].name);
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

/* Store the number v, already checked against the table, into option id's field. */
/*@ requires \valid(cfg) && args_ranges_ok(cfg) && O_PORT <= id <= O_RATEIP;
    requires opts[id].min <= v <= opts[id].max;
    assigns cfg->port, cfg->max_clients, cfg->max_per_ip, cfg->session.idle_timeout,
      cfg->session.max_lifetime, cfg->grace, cfg->backlog, cfg->rate_per_ip;
    ensures args_ranges_ok(cfg);
    ensures num_set{Pre,Post}(cfg, id, v);
*/
static void
store_num(struct config *cfg, int id, uint32_t v)
{
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
		cfg->session.idle_timeout = v;
		break;
	case O_LIFETIME:
		cfg->session.max_lifetime = v;
		break;
	case O_GRACE:
		cfg->grace = v;
		break;
	case O_BACKLOG:
		cfg->backlog = v;
		break;
	default:
		cfg->rate_per_ip = v;
		break;
	}
}

/* Store the argument val of option id into cfg; ARGS_OK or an error code. */
/*@ requires \valid(cfg) && args_ranges_ok(cfg) && valid_read_string(val);
    requires O_LISTEN <= id <= O_USER;
    assigns cfg->listen[0 .. ARGS_LISTEN_MAX - 1], cfg->nlisten,
      cfg->rule[0 .. ARGS_RULES_MAX - 1], cfg->nrules, cfg->user, cfg->port,
      cfg->max_clients, cfg->max_per_ip, cfg->session.idle_timeout,
      cfg->session.max_lifetime, cfg->grace, cfg->backlog, cfg->rate_per_ip;
    ensures args_ranges_ok(cfg);
    ensures \result == ARGS_OK || ARGS_EMPTY <= \result <= ARGS_TOOMANY;
    ensures \result == ARGS_OK ==> arg_set{Pre,Post}(cfg, id, val);
*/
static int
apply_arg(struct config *cfg, int id, const char *val)
{
	uint32_t v;
	int r;

	if (id == O_LISTEN) {
		if (cfg->nlisten >= ARGS_LISTEN_MAX)
			return ARGS_TOOMANY;
		cfg->listen[cfg->nlisten] = val;
		cfg->nlisten++;
		return ARGS_OK;
	}
	if (id == O_ALLOW || id == O_DENY) {
		if (cfg->nrules >= ARGS_RULES_MAX)
			return ARGS_TOOMANY;
		cfg->rule[cfg->nrules].text = val;
		cfg->rule[cfg->nrules].deny = id == O_DENY;
		cfg->nrules++;
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
	store_num(cfg, id, v);
	return ARGS_OK;
}

/* Apply flag option id. Returns true when parsing must stop (-h, -V). */
/*@ requires \valid(cfg) && args_ranges_ok(cfg) && O_UDP <= id <= O_VERSION;
    assigns cfg->udp, cfg->no_sandbox, cfg->inetd, cfg->verbosity, cfg->help,
      cfg->version;
    ensures args_ranges_ok(cfg);
    ensures flag_set{Pre,Post}(cfg, id);
    ensures \result <==> id == O_HELP || id == O_VERSION;
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
 * The argument of option id, whose word is argv[*i]: att when attached
 * (-p7, --port=7), else the next word, which *i then moves to. ARGS_OK or
 * an error (apply_arg()'s, or ARGS_MISSING), described in *err.
 */
/*@ requires args_argv_ok(argc, (char **)argv) && \valid(i);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(i, cfg, err);
    requires 1 <= *i < argc && O_LISTEN <= id <= O_USER && args_ranges_ok(cfg);
    requires att == \null || valid_read_string(att);
    assigns *i, *cfg, err->code, err->index, err->opt, err->min, err->max;
    ensures args_ranges_ok(cfg);
    ensures \result == ARGS_OK ==> err->code == \old(err->code);
    ensures \result == ARGS_OK || \result == ARGS_MISSING ||
      ARGS_EMPTY <= \result <= ARGS_TOOMANY;
    ensures \result != ARGS_OK ==> err->code == \result && 0 <= err->index < argc;
    ensures att != \null ==> *i == \old(*i) &&
      (\result == ARGS_OK ==> arg_set{Pre,Post}(cfg, id, att));
    ensures att == \null ==> \old(*i) <= *i <= \old(*i) + 1 && *i < argc &&
      (\result == ARGS_OK ==> *i == \old(*i) + 1 &&
        arg_set{Pre,Post}(cfg, id, argv[*i]));
*/
static int
take_arg(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err, int id, const char *att)
{
	const char *val;
	int r;

	if (att != NULL) {
		val = att;
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
 * Apply long option id, whose name ends at end in the word argv[*i]: a flag
 * (no "=value"), or an option with its argument; O_COUNT is no option.
 * Same returns as parse_long(), which only forwards them (its goals then
 * need no reasoning next to the option names find_long() matched).
 */
/*@ requires args_argv_ok(argc, (char **)argv) && \valid(i);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(i, cfg, err);
    requires 1 <= *i < argc && 0 <= id <= O_COUNT && args_ranges_ok(cfg);
    requires id < O_COUNT ==> valid_read_string(end) && (*end == '\0' || *end == '=');
    assigns *i, *cfg, err->code, err->index, err->opt, err->min, err->max;
    ensures \old(*i) <= *i < argc;
    ensures args_ranges_ok(cfg);
    ensures \result == -1 ==> cfg->help || cfg->version;
    ensures (\result == -1 || \result == ARGS_OK) ==> err->code == \old(err->code);
    ensures \result == -1 || \result == ARGS_OK ||
      (ARGS_OK < \result <= ARGS_CONFLICT && err->code == \result && 0 <= err->index < argc);
    ensures \result == ARGS_UNKNOWN <==> id == O_COUNT;
    ensures id < O_COUNT ==>
      long_done{Pre,Post}(cfg, (char **)argv, \old(*i), *i, id, end, \result);
*/
static int
long_opt(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err, int id, const char *end)
{
	if (id == O_COUNT)
		return fail(err, ARGS_UNKNOWN, *i, O_COUNT);
	if (opts[id].arg)
		return take_arg(argc, argv, i, cfg, err, id,
		    *end == '=' ? end + 1 : NULL);
	if (*end == '=')
		return fail(err, ARGS_UNWANTED, *i, id);	/* --flag=value */
	return apply_flag(cfg, id) ? -1 : ARGS_OK;
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
    ensures unwanted: \result != ARGS_UNKNOWN ==> \exists integer id, k;
      long_spells{Pre}(\old(argv[*i]) + 2, (char *)opts[id].name, k) &&
      long_done{Pre,Post}(cfg, (char **)argv, \old(*i), *i, id,
        \old(argv[*i]) + 2 + k, \result);
*/
static int
parse_long(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err)
{
	const char *end;
	int id;

	end = NULL;
	id = find_long(argv[*i], &end);
	return long_opt(argc, argv, i, cfg, err, id, end);
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
    ensures from: (\result == ARGS_OK || \result == -1) ==>
      short_from{Pre,Post}(cfg, \old(argv[*i]), strlen{Pre}(\old(argv[*i])));
*/
static int
parse_short(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err, int *bad)
{
	const char *w;
	int id;
	int j;

	*bad = 0;
	w = argv[*i];
	//@ assert \separated(w + (0 .. strlen(w)), cfg, err);
	/*@ loop invariant 1 <= j <= strlen(w);
	    loop invariant args_ranges_ok(cfg);
	    loop invariant short_from{Pre,Here}(cfg, w, strlen(w));
	    loop assigns j, id, cfg->udp, cfg->no_sandbox, cfg->inetd,
	      cfg->verbosity, cfg->help, cfg->version;
	    loop variant strlen(w) - j;
	*/
	for (j = 1; w[j] != '\0'; j++) {
		id = find_short(w[j]);
		if (id == O_COUNT || opts[id].arg)
			break;		/* unknown, or takes the rest as argument */
		//@ assert letter_sets(w[j], opt_field(id));
		//@ assert short_sets(w, strlen(w), opt_field(id));
		if (apply_flag(cfg, id))
			return -1;
	}
	if (w[j] == '\0')
		return ARGS_OK;
	if (id == O_COUNT) {
		*bad = j;
		return fail(err, ARGS_UNKNOWN, *i, O_COUNT);
	}
	//@ assert letter_sets(w[j], opt_field(id));
	//@ assert short_sets(w, strlen(w), opt_field(id));
	//@ assert j + 1 <= strlen(w);
	return take_arg(argc, argv, i, cfg, err, id,
	    w[j + 1] != '\0' ? w + j + 1 : NULL);
}

/*
 * Parse the option word argv[*i], "--name..." if islong, else "-abc"
 * (parse_loop() has read it). parse_long()'s
 * and parse_short()'s contracts without the option table: parse_loop()'s
 * goals then do not carry the table's names and letters (with them, its
 * goals timed out).
 */
/*@ requires args_argv_ok(argc, (char **)argv) && \valid(i) && \valid(bad);
    requires \valid(cfg) && \valid(err) && args_apart(argc, (char **)argv, cfg, err);
    requires \separated(i, bad, cfg, err);
    requires 1 <= *i < argc && strlen(argv[*i]) >= 2;
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
parse_word(int argc, char *const argv[], int *i, struct config *cfg,
    struct args_error *err, int *bad, bool islong)
{
	int r;

	if (!islong)
		return parse_short(argc, argv, i, cfg, err, bad);
	r = parse_long(argc, argv, i, cfg, err);
	*bad = 0;
	return r;
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
		r = parse_word(argc, argv, &i, cfg, err, bad, w[1] == '-');
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
