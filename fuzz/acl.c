/* SPDX-License-Identifier: ISC */
/* fuzz/acl.c: --allow/--deny: cidr_add against inet_pton and a bit-by-bit reference, acl_allows against a brute-force model. */
/*
 * Input: byte 0 flags (bit 0: the text rule is a --deny); then the rule
 * text, up to the first NUL (at most 96 bytes). (a) cidr_add on that text
 * against a reference: the address part (before the first '/') is what
 * inet_pton takes as IPv4 or else IPv6, the length part is 1..20 decimal
 * digits (more, none or any other character: not a decimal number), a
 * value over the family's 32 or 128 bits is "prefix over", a set bit of the
 * address at or past the length is "host bits"; on success the rule is the
 * addr_key of the address with 96 + len (IPv4) or len bits and the deny
 * flag; on failure the table is unchanged.
 * (b) The rest: byte n (rules: n % 5), then per rule a flag byte (bit 0
 * IPv4, bit 1 deny, bit 2 clear the host bits first), a length byte (mod
 * 34 or 130: also too long), 4 or 16 address bytes; acl_add against the
 * reference, then queries of 3 bytes (rule r, bit to flip, bit 0 of the
 * third: 16 raw key bytes follow instead): acl_allows against the rule
 * "no deny matches, and no allow exists or one matches", matching bit by bit.
 */
#include "core/acl.h"
#include "core/addr.h"
#include "core/cidr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEXT_MAX	96

static void
fail(const char *why)
{
	fprintf(stderr, "acl oracle: %s\n", why);
	abort();
}

static int
bit(const uint8_t *k, uint32_t i)
{
	return (k[i / 8] >> (7 - i % 8)) & 1;
}

/* Do the first bits bits of a and b agree, bit by bit? */
static bool
ref_match(const uint8_t *a, const uint8_t *b, uint32_t bits)
{
	uint32_t i;

	for (i = 0; i < bits; i++)
		if (bit(a, i) != bit(b, i))
			return false;
	return true;
}

/* Is any bit of k at or past bits (of total) set? */
static bool
ref_hostbits(const uint8_t *k, uint32_t bits, uint32_t total)
{
	uint32_t i;

	for (i = bits; i < total; i++)
		if (bit(k, i))
			return true;
	return false;
}

/* The key of raw (4 or 16 bytes), written out: ::ffff:a.b.c.d for IPv4. */
static void
ref_key(uint8_t key[16], const uint8_t *raw, bool v4)
{
	if (v4) {
		memset(key, 0, 10);
		key[10] = 0xff;
		key[11] = 0xff;
		memcpy(key + 12, raw, 4);
	} else
		memcpy(key, raw, 16);
}

enum ref_verdict { R_OK, R_ADDR, R_NUMBER, R_PREFIX, R_HOST };

/* The reference for the text s of a rule (NUL-terminated). */
static enum ref_verdict
ref_text(const char *s, uint8_t key[16], uint32_t *bits)
{
	const char *slash;
	char *host;
	uint8_t raw[16];
	uint32_t len;
	uint64_t v;
	size_t hlen, dl, i;
	bool v4;

	slash = strchr(s, '/');
	hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	host = malloc(hlen + 1);
	if (host == NULL)
		fail("malloc");
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(raw, 0, sizeof(raw));
	if (inet_pton(AF_INET, host, raw) == 1)
		v4 = true;
	else if (inet_pton(AF_INET6, host, raw) == 1)
		v4 = false;
	else {
		free(host);
		return R_ADDR;
	}
	free(host);
	len = v4 ? 32 : 128;
	if (slash != NULL) {
		dl = strlen(slash + 1);
		if (dl == 0 || dl > 20)
			return R_NUMBER;
		v = 0;
		for (i = 0; i < dl; i++) {
			char c = slash[1 + i];

			if (c < '0' || c > '9')
				return R_NUMBER;
			if (v <= 0xffffffffu)	/* stays below 2^64: at most 2^32 * 10 + 9 */
				v = v * 10 + (uint64_t)(c - '0');
		}
		if (v > (v4 ? 32u : 128u))
			return R_PREFIX;
		len = (uint32_t)v;
	}
	if (ref_hostbits(raw, len, v4 ? 32 : 128))
		return R_HOST;
	ref_key(key, raw, v4);
	*bits = v4 ? 96 + len : len;
	return R_OK;
}

static void
check_text(const uint8_t *data, size_t size, bool deny)
{
	static struct acl a;
	char text[TEXT_MAX + 1];
	const char *why;
	uint8_t key[16];
	uint32_t bits;
	size_t n;
	int r;
	enum ref_verdict want;

	for (n = 0; n < size && n < TEXT_MAX && data[n] != 0; n++)
		text[n] = (char)data[n];
	text[n] = '\0';
	memset(&a, 0x5a, sizeof(a));
	a.n = 7;
	why = NULL;
	r = cidr_add(&a, text, deny, &why);
	want = ref_text(text, key, &bits);
	if (want == R_OK) {
		if (r != 0)
			fail("cidr_add refused a good rule");
		if (a.n != 8 || a.rule[7].bits != bits || a.rule[7].deny != deny ||
		    memcmp(a.rule[7].key, key, 16) != 0)
			fail("cidr_add made the wrong rule");
		return;
	}
	if (r != -1 || why == NULL)
		fail("cidr_add took a bad rule");
	if (a.n != 7)
		fail("a refused rule changed the table");
	switch (want) {
	case R_ADDR:
		if (strcmp(why, "not a numeric IPv4 or IPv6 address") != 0)
			fail("wrong reason: want not an address");
		break;
	case R_NUMBER:
		if (strcmp(why, "the prefix length is not a decimal number") != 0)
			fail("wrong reason: want not a number");
		break;
	case R_PREFIX:
		if (strcmp(why, "prefix over 32") != 0 && strcmp(why, "prefix over 128") != 0)
			fail("wrong reason: want prefix over");
		if ((strchr(text, ':') == NULL) != (strcmp(why, "prefix over 32") == 0))
			fail("prefix over: wrong family");
		break;
	default:
		if (strcmp(why, "host bits set beyond the prefix") != 0)
			fail("wrong reason: want host bits");
		break;
	}
}

struct model {
	uint8_t		key[16];
	uint32_t	bits;
	bool		deny;
};

static bool
ref_allows(const struct model *m, size_t n, const uint8_t *key)
{
	bool any_allow = false, allowed = false;
	size_t j;

	for (j = 0; j < n; j++) {
		bool hit = ref_match(m[j].key, key, m[j].bits);

		if (m[j].deny && hit)
			return false;
		if (!m[j].deny) {
			any_allow = true;
			allowed = allowed || hit;
		}
	}
	return !any_allow || allowed;
}

static void
check_table(const uint8_t *d, size_t size)
{
	static struct acl a;
	struct model m[ACL_MAX];
	uint8_t raw[16], key[16];
	size_t nm = 0, p = 0, want, k;
	uint32_t len, total, i;
	bool v4, deny;
	int r, er;

	if (size < 1)
		return;
	want = d[p++] % 5;
	a.n = 0;
	for (k = 0; k < want; k++) {
		if (size - p < 2)
			return;
		v4 = d[p] & 1;
		deny = (d[p] & 2) != 0;
		bool clean = (d[p] & 4) != 0;
		p++;
		len = d[p++] % (v4 ? 34u : 130u);
		total = v4 ? 32 : 128;
		if (size - p < (v4 ? 4u : 16u))
			return;
		memset(raw, 0, sizeof(raw));
		memcpy(raw, d + p, v4 ? 4 : 16);
		p += v4 ? 4 : 16;
		if (clean)
			for (i = len; i < total; i++)
				raw[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
		addr_key(key, raw, v4 ? 4 : 16);
		r = acl_add(&a, key, v4, len, deny);
		er = len > total ? ACL_PREFIX : ref_hostbits(raw, len, total) ? ACL_HOSTBITS : ACL_OK;
		if (r != er)
			fail("acl_add verdict differs");
		if (r == ACL_OK) {
			ref_key(m[nm].key, raw, v4);
			m[nm].bits = v4 ? 96 + len : len;
			m[nm].deny = deny;
			nm++;
		}
		if (a.n != nm)
			fail("acl_add count differs");
	}
	while (size - p >= 3) {
		uint8_t q[16];
		uint8_t b0 = d[p], b1 = d[p + 1], b2 = d[p + 2];

		p += 3;
		if ((b2 & 1) && size - p >= 16) {
			memcpy(q, d + p, 16);
			p += 16;
		} else {
			if (nm > 0)
				memcpy(q, m[b0 % nm].key, 16);
			else
				memset(q, b0, 16);
			if (b1 < 128)
				q[b1 / 8] ^= (uint8_t)(0x80u >> (b1 % 8));
		}
		if (acl_allows(&a, q) != ref_allows(m, nm, q))
			fail("acl_allows differs from the model");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n;

	if (size < 1)
		return 0;
	check_text(data + 1, size - 1, (data[0] & 1) != 0);
	for (n = 1; n < size && data[n] != 0; n++)
		;
	if (n < size)
		check_table(data + n + 1, size - n - 1);
	return 0;
}
