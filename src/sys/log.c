/* SPDX-License-Identifier: ISC */
/* log.c: formats and writes log lines. Callers pass numbers and inet_ntop text, never client bytes. */
#include "sys/log.h"
#include "core/args.h"
#include "echo/io.h"
#include "core/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Set once at start (and again in a child); read-only afterwards. */
static int log_level = VERB_NORMAL;
static int log_enabled = 1;
static long log_pid;	/* 0: ask getpid(2) */

void
log_init(int verbosity, int enabled)
{
	log_level = verbosity;
	log_enabled = enabled;
}

/* Emit buf[0..len) as one write so lines from many processes do not mix. */
static void
emit(char *buf, size_t size, int len)
{
	size_t n;
	int saved;

	saved = errno;
	n = len < 0 ? 0 : (size_t)len;
	if (n >= size - 1)
		n = size - 2;	/* truncated: keep the newline */
	buf[n] = '\n';
	(void)io_write_all(STDERR_FILENO, buf, n + 1);
	errno = saved;
}

void
log_own_pid(void)
{
	log_pid = (long)getpid();
}

bool
log_wants(int level)
{
	return log_enabled && level <= log_level;
}

void
log_msg(int level, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;
	int more;

	if (!log_wants(level))
		return;
	len = snprintf(buf, sizeof(buf), "echod[%ld]: ",
	    log_pid != 0 ? log_pid : (long)getpid());
	if (len < 0 || (size_t)len >= sizeof(buf))
		return;
	va_start(ap, fmt);
	more = vsnprintf(buf + len, sizeof(buf) - (size_t)len, fmt, ap);
	va_end(ap);
	if (more < 0)
		return;
	if ((size_t)more > sizeof(buf))
		more = (int)sizeof(buf);	/* truncated anyway; len + more cannot overflow */
	emit(buf, sizeof(buf), len + more);
}

void
log_err(const char *what, int errnum)
{
	log_msg(VERB_QUIET, "%s: %s", what, strerror(errnum));
}

void
log_fatal(const char *what, const char *why)
{
	char buf[512];
	char w[256];
	char y[256];
	int len;

	/* what may quote the command line (a user name, an address). */
	(void)text_escape(w, sizeof(w), what);
	(void)text_escape(y, sizeof(y), why);
	len = snprintf(buf, sizeof(buf), "echod: %s: %s", w, y);
	if (len < 0)
		return;
	emit(buf, sizeof(buf), len);
}
