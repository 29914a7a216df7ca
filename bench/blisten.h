/* SPDX-License-Identifier: ISC */
/* blisten.h: the benchmark servers' shared listener setup on 127.0.0.1; prints the real port. */
#ifndef BENCH_BLISTEN_H
#define BENCH_BLISTEN_H

/* Listen on 127.0.0.1:port (0: any) and print "NAME: listening on 127.0.0.1:PORT". */
int	blisten(const char *name, const char *port);

#endif
