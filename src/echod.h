/* SPDX-License-Identifier: ISC */
/* echod.h: shell-side constants shared by main, server and session: version, exit statuses, limits. */
#ifndef ECHOD_H
#define ECHOD_H

/* The version is the top-level file VERSION's, given by the Makefile
 * (-DECHOD_VERSION, main.o only); a compile outside it, an analyser's,
 * gets this placeholder. */
#ifndef ECHOD_VERSION
#define ECHOD_VERSION "unknown"
#endif

/* Exit statuses (sysexits.h values, spelled out so the pure core needs no libc header). */
#define EXIT_OK		0
#define EXIT_SESSION	1	/* --inetd session ended by error, reset or timeout */
#define EXIT_USAGE	64	/* EX_USAGE */
#define EXIT_NOUSER	67	/* EX_NOUSER */
#define EXIT_OSERR	71	/* EX_OSERR */

/* Per-connection echo buffer: fixed, whatever the client sends. */
#define ECHOD_BUFSIZE	65536

/* Most listening sockets served at once (socket activation may pass several). */
#define ECHOD_MAX_LISTENERS	16

/* Most connections taken from one listener per wake-up, so signals are seen. */
#define ECHOD_ACCEPT_BATCH	64

#endif
