/* SPDX-License-Identifier: ISC */
/* parent.h: the parent's state, shared by its two files: server.c (the loop, reaping, shutdown) and accept.c (admission and fork). */
#ifndef PARENT_H
#define PARENT_H

#include <stdbool.h>
#include <stdint.h>

#include "policy.h"
#include "child.h"
#include "core/args.h"
#include "core/slots.h"
#include "sys/listen.h"
#include "udpsup.h"

struct stats {
	uint64_t	accepted;
	uint64_t	refused_per_ip;
	uint64_t	fork_failed;
	uint64_t	accept_errors;
	uint64_t	refused_acl;
	uint64_t	refused_rate;
};

/* All of the parent's state, owned by server_run and passed explicitly. */
struct server {
	const struct config	*cfg;
	struct policy		 policy;	/* --allow/--deny, --rate-per-ip */
	struct listener		*lis;
	int			 nlis;
	int			 sigfd;
	struct slots		 slots;
	struct slot		*slot_mem;	/* the table's memory (mmap) */
	done_flag		*done;		/* per slot: session over (shared) */
	uint32_t		 finishing;	/* vacated, exiting, not yet reaped */
	bool			 killing;	/* SIGKILLs sent: not worth a line */
	struct stats		 st;
	int64_t			 backoff_until;	/* -1: accepting */
	uint32_t		 backoff_ms;	/* 0: none since the last accept */
	bool			 stopping;
	int64_t			 grace_end;
	struct udpsup		 udp;
	char			*buf;	/* children's echo buffer; the parent never touches it */
};

/* Accept up to ECHOD_ACCEPT_BATCH connections from lfd; admit, fork or refuse each. */
void	parent_accept(struct server *s, int lfd);

/* Reap every child that has exited (SIGCHLDs coalesce: until none is left). */
void	parent_reap(struct server *s);

#endif
