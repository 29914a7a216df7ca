/* slots.c: child slots and per-IP counts in one fixed table. Pure: no syscalls, no allocation. */
#include "slots.h"

void
slots_init(struct slots *l, struct slot *mem, uint32_t cap,
    uint32_t per_ip)
{
	uint32_t i;

	l->slot = mem;
	l->cap = cap;
	l->active = 0;
	l->per_ip = per_ip;
	for (i = 0; i < cap; i++)
		mem[i].pid = 0;
}

bool
slots_full(const struct slots *l)
{
	return l->active >= l->cap;
}

static bool
key_equal(const uint8_t a[ADDR_KEY_LEN], const uint8_t b[ADDR_KEY_LEN])
{
	int i;

	for (i = 0; i < ADDR_KEY_LEN; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

uint32_t
slots_count(const struct slots *l, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t i;
	uint32_t n;

	n = 0;
	for (i = 0; i < l->cap; i++)
		if (l->slot[i].pid != 0 && key_equal(l->slot[i].key, key))
			n++;
	return n;
}

bool
slots_ip_ok(const struct slots *l, const uint8_t key[ADDR_KEY_LEN])
{
	if (l->per_ip == 0)
		return true;
	return slots_count(l, key) < l->per_ip;
}

bool
slots_add(struct slots *l, int32_t pid, const uint8_t key[ADDR_KEY_LEN])
{
	uint32_t i;
	int k;

	if (l->active >= l->cap)
		return false;
	for (i = 0; i < l->cap; i++) {
		if (l->slot[i].pid == 0) {
			l->slot[i].pid = pid;
			for (k = 0; k < ADDR_KEY_LEN; k++)
				l->slot[i].key[k] = key[k];
			l->active++;
			return true;
		}
	}
	return false;
}

bool
slots_release(struct slots *l, int32_t pid)
{
	uint32_t i;

	for (i = 0; i < l->cap; i++) {
		if (l->slot[i].pid == pid && pid != 0) {
			l->slot[i].pid = 0;
			if (l->active > 0)
				l->active--;
			return true;
		}
	}
	return false;
}
