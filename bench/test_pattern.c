/* SPDX-License-Identifier: ISC */
/* test_pattern.c: unit test of the load generator's verifier: seekable streams, and the first wrong byte is found. */
#include "pattern.h"

#include <stdio.h>
#include <string.h>

static int pass, fail;

#define CHECK(c) do { if (c) pass++; else { fail++; \
	(void)printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)

int
main(void)
{
	static uint8_t whole[20000], part[20000];
	uint8_t want = 0;
	size_t off, n;

	pattern_fill(whole, 42, 0, sizeof(whole));
	/* Filling in odd-sized pieces at any offset gives the same stream. */
	for (off = 0; off < sizeof(part); off += n) {
		n = (off % 13) + 1;
		if (n > sizeof(part) - off)
			n = sizeof(part) - off;
		pattern_fill(part + off, 42, off, n);
	}
	CHECK(memcmp(whole, part, sizeof(whole)) == 0);
	/* Another key, another stream. */
	pattern_fill(part, 43, 0, sizeof(part));
	CHECK(memcmp(whole, part, sizeof(whole)) != 0);
	/* A correct echo checks clean, from any offset. */
	CHECK(pattern_check(whole, 42, 0, sizeof(whole), &want) == -1);
	CHECK(pattern_check(whole + 4097, 42, 4097, 9000, &want) == -1);
	/* One flipped byte, past the verifier's 4096-byte chunks, is found exactly. */
	whole[12345] ^= 0x01;
	CHECK(pattern_check(whole, 42, 0, sizeof(whole), &want) == 12345);
	CHECK((uint8_t)(whole[12345] ^ 0x01) == want);
	CHECK(pattern_check(whole + 12000, 42, 12000, 1000, &want) == 345);
	whole[12345] ^= 0x01;
	/* A shifted stream (one byte lost) is caught at the first byte. */
	CHECK(pattern_check(whole + 1, 42, 0, 100, &want) >= 0);
	/* The first byte of the stream differs too. */
	whole[0] ^= 0x80;
	CHECK(pattern_check(whole, 42, 0, 1, &want) == 0);
	(void)printf("%d passed, %d failed\n", pass, fail);
	return fail != 0;
}
