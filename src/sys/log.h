/* SPDX-License-Identifier: ISC */
/* log.h: the log lines: "echod[PID]: ..." on stderr, one write each. Never logs client bytes. */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>
#include <stdint.h>

struct stats;

/* Set the verbosity (enum verbosity); enabled false silences everything. */
void	log_init(int verbosity, int enabled);

/*
 * Record this process's pid for its log lines from now on: a confined
 * child can no longer ask the kernel. Only a session child calls it (it
 * never forks); every other process asks getpid(2) per line, so no child
 * can inherit a stale record.
 */
void	log_own_pid(void);

/* Would a line at this level be written? Callers ask before formatting one. */
bool	log_wants(int level);

/* A line at the given level (VERB_QUIET lines always appear). */
void	log_msg(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* "WHAT: strerror(errnum)" at VERB_QUIET (errors always appear). */
void	log_err(const char *what, int errnum);

/* A startup failure before the listening line: "echod: WHAT: WHY", escaped. */
void	log_fatal(const char *what, const char *why);

#endif
