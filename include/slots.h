/* slots.h: child-slot and per-IP bookkeeping for --max-clients and --max-per-ip. Pure: no syscalls. */
#ifndef SLOTS_H
#define SLOTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "addr.h"

/* One live child: its pid (0 when the slot is free) and its peer's key. */
struct slot {
	int32_t	pid;
	uint8_t	key[ADDR_KEY_LEN];
};

/* A table sized once at start (--max-clients slots); active counts used slots. */
struct slots {
	struct slot	*slot;
	uint32_t		 cap;
	uint32_t		 active;
	uint32_t		 per_ip;	/* 0: no per-IP limit */
};

/* Start with every slot of mem[0..cap-1] free. */
void	slots_init(struct slots *l, struct slot *mem, uint32_t cap,
	    uint32_t per_ip);

/* Every slot is taken: stop accepting until a child exits. */
bool	slots_full(const struct slots *l);

/* Live children serving key. */
uint32_t slots_count(const struct slots *l, const uint8_t key[ADDR_KEY_LEN]);

/* May one more connection from key be served under --max-per-ip? */
bool	slots_ip_ok(const struct slots *l, const uint8_t key[ADDR_KEY_LEN]);

/* Record child pid (> 0) serving key. Returns false when the table is full. */
bool	slots_add(struct slots *l, int32_t pid, const uint8_t key[ADDR_KEY_LEN]);

/* Forget child pid. Returns false when no slot held it. */
bool	slots_release(struct slots *l, int32_t pid);

#endif
