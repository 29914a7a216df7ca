/* SPDX-License-Identifier: ISC */
/* fuzz/numbers.c: num_parse against a reference written differently (digit-string comparison, no arithmetic overflow test). */
/*
 * Input: byte 0 picks how max is chosen (a table of edge values, or the
 * next four bytes little-endian); the rest, up to its first NUL, is the
 * string. The reference classifies by scanning, strips leading zeros and
 * compares the significant digits as text against max printed in decimal.
 * Any disagreement in the code, the value, or a write to *out on failure
 * is abort().
 */
#include "core/num.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t edges[8] = {
	0, 1, 9, 10, 65535, 86400, 4294967294u, 4294967295u
};

/* max in decimal, most significant digit first; returns the length. */
static size_t
to_text(uint32_t max, char out[11])
{
	char rev[11];
	size_t n;
	size_t i;

	n = 0;
	do {
		rev[n++] = (char)('0' + max % 10);
		max /= 10;
	} while (max > 0);
	for (i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
	return n;
}

/* The reference model. */
static int
ref_parse(const char *s, uint32_t max, uint32_t *out)
{
	char mtext[11];
	size_t len;
	size_t mlen;
	size_t i;
	const char *sig;
	uint64_t v;

	len = strlen(s);
	if (len == 0)
		return NUM_EMPTY;
	/* The first NUM_MAXLEN characters decide syntax before length. */
	for (i = 0; i < len && i < NUM_MAXLEN; i++)
		if (strchr("0123456789", s[i]) == NULL)
			return NUM_SYNTAX;
	if (len > NUM_MAXLEN)
		return NUM_TOOLONG;
	sig = s + strspn(s, "0");
	mlen = to_text(max, mtext);
	if (strlen(sig) > mlen)
		return NUM_RANGE;
	if (strlen(sig) == mlen && strcmp(sig, mtext) > 0)
		return NUM_RANGE;
	v = 0;
	for (i = 0; sig[i] != '\0'; i++)
		v = v * 10 + (uint64_t)(sig[i] - '0');
	*out = (uint32_t)v;
	return NUM_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[64];
	uint32_t max;
	uint32_t got;
	uint32_t want;
	size_t skip;
	size_t n;
	int r1;
	int r2;

	if (size == 0)
		return 0;
	if (data[0] & 8) {
		max = edges[data[0] & 7];
		skip = 1;
	} else {
		max = 0;
		for (n = 1; n < 5 && n < size; n++)
			max |= (uint32_t)data[n] << (8 * (n - 1));
		skip = n;
	}
	n = size - skip;
	if (n > sizeof(s) - 1)
		n = sizeof(s) - 1;
	memcpy(s, data + skip, n);
	s[n] = '\0';
	got = 0xdeadbeef;
	want = 0xdeadbeef;
	r1 = num_parse(s, max, &got);
	r2 = ref_parse(s, max, &want);
	if (r1 != r2) {
		fprintf(stderr, "numbers: \"%s\" max %u: num_parse %d, reference %d\n",
		    s, max, r1, r2);
		abort();
	}
	if (got != want || (r1 != NUM_OK && got != 0xdeadbeef)) {
		fprintf(stderr, "numbers: \"%s\" max %u: value %u, reference %u\n",
		    s, max, got, want);
		abort();
	}
	return 0;
}
