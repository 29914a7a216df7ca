/* SPDX-License-Identifier: ISC */
/* args.h: command line to configuration. Pure: no printing, no exit, no getopt state. */
#ifndef ARGS_H
#define ARGS_H

#include <stdint.h>
#include <stdbool.h>

#include "core/limits.h"

enum verbosity {
	VERB_QUIET = 0,
	VERB_NORMAL = 1,
	VERB_VERBOSE = 2
};

/* Every field within its range in echod(8) once args_parse() has succeeded. */
/* At most this many --listen addresses, and --allow/--deny rules in all. */
#define ARGS_LISTEN_MAX	8
#define ARGS_RULES_MAX	64

/* One --allow or --deny, as given; main checks and compiles it (acl.h). */
struct args_rule {
	const char	*text;		/* the CIDR word, as on the command line */
	bool		 deny;		/* --deny (true) or --allow */
};

struct config {
	const char	*listen[ARGS_LISTEN_MAX];	/* the first nlisten, in order */
	uint32_t	 nlisten;	/* 0: the default (:: or 0.0.0.0) */
	struct args_rule rule[ARGS_RULES_MAX];		/* the first nrules, in order */
	uint32_t	 nrules;
	const char	*user;		/* NULL: no privilege drop */
	uint32_t	 port;		/* 0..65535 */
	uint32_t	 max_clients;	/* 1..65535 */
	uint32_t	 max_per_ip;	/* 0..65535, 0 = no limit */
	uint32_t	 rate_per_ip;	/* 0..65535 new connections a second, 0 = off */
	struct session_limits session;	/* each 0..86400 seconds, 0 = none */
	uint32_t	 grace;		/* 0..86400 seconds */
	uint32_t	 backlog;	/* 1..65535 */
	int		 verbosity;	/* enum verbosity */
	bool		 udp;
	bool		 no_sandbox;
	bool		 inetd;
	bool		 help;		/* -h seen: print usage, nothing else */
	bool		 version;	/* -V seen: print version, nothing else */
};

#define ARGS_PORT_MAX		65535u
#define ARGS_CLIENTS_MAX	65535u
#define ARGS_SECONDS_MAX	86400u
#define ARGS_BACKLOG_MAX	65535u

enum args_err {
	ARGS_OK = 0,
	ARGS_UNKNOWN,		/* no such option */
	ARGS_MISSING,		/* option needs an argument, none left */
	ARGS_UNWANTED,		/* --flag=value for an option without argument */
	ARGS_EMPTY,		/* empty number, or an empty --user */
	ARGS_TOOLONG,		/* number argument over NUM_MAXLEN characters */
	ARGS_SYNTAX,		/* not a decimal number */
	ARGS_RANGE,		/* decimal, but outside the option's range */
	ARGS_TOOMANY,		/* a repeatable option once too often (--listen, --allow/--deny) */
	ARGS_OPERAND,		/* a non-option argument */
	ARGS_CONFLICT		/* --udp with --inetd */
};

/*
 * Where parsing stopped: argv[index] is the offending word; opt names the
 * option (its long name without dashes, or NULL for an operand); for an
 * unknown short option, bad is that character. min/max give the range.
 */
struct args_error {
	int		 code;		/* enum args_err */
	int		 index;
	const char	*opt;
	char		 bad;
	uint32_t	 min;
	uint32_t	 max;
};

#ifdef __FRAMAC__
#include <string.h>	/* Frama-C's strlen and valid_read_string logic only */
#endif

/* The ranges of echod(8), as literal numbers on purpose (not the ARGS_*_MAX macros
   the code uses), so that a weakened range table fails the proof. */
/*@ predicate args_ranges_ok{L}(struct config *c) =
      c->port <= 65535 &&
      1 <= c->max_clients <= 65535 &&
      c->max_per_ip <= 65535 && c->rate_per_ip <= 65535 &&
      c->nlisten <= 8 && c->nrules <= 64 &&
      c->session.idle_timeout <= 86400 &&
      c->session.max_lifetime <= 86400 &&
      c->grace <= 86400 &&
      1 <= c->backlog <= 65535 &&
      0 <= c->verbosity <= 2;
    // -h/-V stop parsing where they stand (the caller only prints), so a
    // --udp --inetd before them is not checked, as with getopt_long.
    predicate args_config_ok{L}(struct config *c) =
      args_ranges_ok(c) && (!(c->udp && c->inetd) || c->help || c->version);
    predicate args_is_default{L}(struct config *c) =
      c->nlisten == 0 && c->nrules == 0 && c->rate_per_ip == 0 &&
      c->user == \null && c->port == 7 &&
      c->max_clients == 64 && c->max_per_ip == 0 && c->session.idle_timeout == 300 &&
      c->session.max_lifetime == 0 && c->grace == 5 && c->backlog == 1024 &&
      c->verbosity == VERB_NORMAL && !c->udp && !c->no_sandbox &&
      !c->inetd && !c->help && !c->version;
    predicate args_argv_ok{L}(int argc, char **argv) =
      \valid_read(argv + (0 .. argc - 1)) &&
      (\forall integer i; 0 <= i < argc ==>
         valid_read_string(argv[i]) && strlen(argv[i]) < INT32_MAX);
    predicate args_apart{L}(int argc, char **argv, struct config *c,
        struct args_error *e) =
      \separated(c, e) && \separated(argv + (0 .. argc - 1), c, e) &&
      (\forall integer i; 0 <= i < argc ==>
         \separated(argv[i] + (0 .. strlen(argv[i])), c, e));
*/

/* Set every field of cfg to the default of echod(8). */
/*@ requires \valid(cfg);
    assigns *cfg;
    ensures args_is_default(cfg) && args_config_ok(cfg);
*/
void	args_defaults(struct config *cfg);

/*
 * Parse argv[1..argc-1] into cfg. Returns ARGS_OK or the error, described in
 * *err. On error *cfg holds no usable configuration (it is reset to the
 * defaults). -h and -V stop parsing where they stand, as getopt_long users
 * who exit on them do.
 */
/*@ requires 1 <= argc && args_argv_ok(argc, (char **)argv);
    requires \valid(cfg) && \valid(err);
    requires args_apart(argc, (char **)argv, cfg, err);
    assigns *cfg, *err;
    ensures ARGS_OK <= \result <= ARGS_CONFLICT;
    behavior ok:
      ensures \result == ARGS_OK ==> args_config_ok(cfg) && err->code == ARGS_OK;
    behavior failed:
      ensures \result != ARGS_OK ==> args_is_default(cfg) && err->code == \result;
      ensures \result != ARGS_OK ==> 0 <= err->index < argc;
*/
int	args_parse(int argc, char *const argv[], struct config *cfg,
	    struct args_error *err);

#endif
