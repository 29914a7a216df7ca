/* SPDX-License-Identifier: ISC */
/* pattern.c: seeded, seekable pseudo-random byte streams; pure computation, no I/O. */
#include "pattern.h"

#include <string.h>

static uint64_t
mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
pattern_fill(uint8_t *dst, uint64_t key, uint64_t off, size_t len)
{
	uint8_t w[8];
	uint64_t v;
	size_t s;
	size_t n;

	key = mix(key);
	while (len > 0) {
		v = mix(key ^ (off >> 3));
		memcpy(w, &v, sizeof(w));
		s = (size_t)(off & 7);
		n = 8 - s;
		if (n > len)
			n = len;
		memcpy(dst, w + s, n);
		dst += n;
		off += n;
		len -= n;
	}
}

long
pattern_check(const uint8_t *got, uint64_t key, uint64_t off, size_t len,
    uint8_t *want)
{
	uint8_t exp[4096];
	size_t done;
	size_t n;
	size_t i;

	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(exp) ? len - done : sizeof(exp);
		pattern_fill(exp, key, off + done, n);
		if (memcmp(exp, got + done, n) == 0)
			continue;
		for (i = 0; i < n; i++) {
			if (exp[i] != got[done + i]) {
				*want = exp[i];
				return (long)(done + i);
			}
		}
	}
	return -1;
}
