/* SPDX-License-Identifier: ISC */
/* test_acl.c: unit tests for acl_add/acl_allows (src/core/acl.c) and the rule text parser cidr_parse/cidr_add (src/core/cidr.c). */
#include "core/acl.h"
#include "core/addr.h"
#include "core/cidr.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static struct acl acl;

/* The addr_key of a numeric address text (IPv4 as ::ffff:a.b.c.d). */
static void
key_of(const char *text, uint8_t key[ADDR_KEY_LEN])
{
	uint8_t raw[16];

	memset(raw, 0, sizeof(raw));
	if (inet_pton(AF_INET, text, raw) == 1)
		addr_key(key, raw, 4);
	else if (inet_pton(AF_INET6, text, raw) == 1)
		addr_key(key, raw, 16);
	else {
		(void)fprintf(stderr, "test_acl: bad address %s\n", text);
		memset(key, 0xee, ADDR_KEY_LEN);
	}
}

/* acl_add of text's key (family by whether it holds a ':'). */
static int
add(const char *text, uint32_t len, bool deny)
{
	uint8_t key[ADDR_KEY_LEN];

	key_of(text, key);
	return acl_add(&acl, key, strchr(text, ':') == NULL, len, deny);
}

static bool
allows(const char *text)
{
	uint8_t key[ADDR_KEY_LEN];

	key_of(text, key);
	return acl_allows(&acl, key);
}

/* cidr_add(text), its *why in why. */
static const char *why;

static int
cidr(const char *text, bool deny)
{
	why = NULL;
	return cidr_add(&acl, text, deny, &why);
}

static void
test_add_v4(void)
{
	uint8_t key[ADDR_KEY_LEN];

	acl.n = 0;
	CHECK(add("0.0.0.0", 0, false) == ACL_OK && acl.n == 1);
	CHECK(acl.rule[0].bits == 96 && !acl.rule[0].deny);
	key_of("0.0.0.0", key);
	CHECK(memcmp(acl.rule[0].key, key, 16) == 0);
	/* A v4 /0 is still only the v4 (::ffff:0:0/96) space. */
	CHECK(add("1.2.3.4", 32, true) == ACL_OK && acl.n == 2 &&
	    acl.rule[1].bits == 128 && acl.rule[1].deny);
	CHECK(add("1.2.3.4", 33, false) == ACL_PREFIX && acl.n == 2);
	CHECK(add("1.2.3.0", 4294967295u, false) == ACL_PREFIX && acl.n == 2);
	CHECK(add("1.2.3.5", 31, false) == ACL_HOSTBITS && acl.n == 2);
	CHECK(add("1.2.3.6", 30, false) == ACL_HOSTBITS);
	CHECK(add("1.2.3.4", 29, false) == ACL_HOSTBITS && acl.n == 2);
	CHECK(add("1.2.3.4", 0, false) == ACL_HOSTBITS);
	CHECK(add("10.0.0.1", 8, false) == ACL_HOSTBITS);
	CHECK(add("10.0.0.0", 8, false) == ACL_OK && acl.rule[2].bits == 104);
	CHECK(add("10.128.0.0", 9, false) == ACL_OK && acl.rule[3].bits == 105);
	CHECK(add("10.128.0.0", 8, false) == ACL_HOSTBITS);
	CHECK(add("128.0.0.0", 1, false) == ACL_OK);
	CHECK(add("192.0.0.0", 1, false) == ACL_HOSTBITS);
	CHECK(add("255.255.255.254", 31, false) == ACL_OK);
	CHECK(acl.n == 6);
}

static void
test_add_v6(void)
{
	acl.n = 0;
	CHECK(add("::", 0, false) == ACL_OK && acl.rule[0].bits == 0);
	CHECK(add("::1", 128, true) == ACL_OK && acl.rule[1].bits == 128 &&
	    acl.rule[1].deny);
	CHECK(add("::1", 129, false) == ACL_PREFIX && acl.n == 2);
	CHECK(add("::", 129, false) == ACL_PREFIX);
	CHECK(add("::1", 127, false) == ACL_HOSTBITS && acl.n == 2);
	CHECK(add("2001:db8::", 32, false) == ACL_OK && acl.rule[2].bits == 32);
	CHECK(add("2001:db8::", 31, false) == ACL_OK);
	CHECK(add("2001:db8::", 28, false) == ACL_HOSTBITS);
	CHECK(add("2001:db8::1", 64, false) == ACL_HOSTBITS);
	CHECK(add("8000::", 1, false) == ACL_OK);
	CHECK(add("8000::", 0, false) == ACL_HOSTBITS);
	CHECK(add("fe80::", 10, false) == ACL_OK && acl.rule[5].bits == 10);
	CHECK(add("fe90::", 10, false) == ACL_HOSTBITS);
	CHECK(add("fec0::", 9, false) == ACL_HOSTBITS);
	/* A v6 rule of 33..128 bits is fine, where v4 would stop at 32. */
	CHECK(add("::ffff:10.0.0.0", 104, false) == ACL_OK && acl.rule[6].bits == 104);
	CHECK(acl.n == 7);
}

static void
test_allows(void)
{
	acl.n = 0;
	CHECK(allows("1.2.3.4") && allows("::1") && allows("0.0.0.0"));

	/* Deny list only: all but the denied. */
	CHECK(add("10.0.0.0", 8, true) == ACL_OK);
	CHECK(!allows("10.0.0.1") && !allows("10.255.255.255") && !allows("10.0.0.0"));
	CHECK(allows("11.0.0.0") && allows("9.255.255.255") && allows("::1"));
	/* IPv4-mapped IPv6 sources match IPv4 rules (their keys are one). */
	CHECK(!allows("::ffff:10.1.2.3") && allows("::ffff:11.1.2.3"));
	/* But 10.0.0.1 as an IPv4-compatible or NAT64 address is not IPv4. */
	CHECK(allows("::10.0.0.1") && allows("64:ff9b::10.0.0.1"));

	/* Allow list: only the allowed. */
	acl.n = 0;
	CHECK(add("127.0.0.2", 32, false) == ACL_OK);
	CHECK(allows("127.0.0.2") && allows("::ffff:127.0.0.2"));
	CHECK(!allows("127.0.0.1") && !allows("127.0.0.3") && !allows("::1") &&
	    !allows("::"));
	CHECK(add("::1", 128, false) == ACL_OK);
	CHECK(allows("::1") && allows("127.0.0.2") && !allows("::2"));

	/* Deny wins over allow, in either order. */
	acl.n = 0;
	CHECK(add("127.0.0.0", 8, false) == ACL_OK);
	CHECK(add("127.0.0.3", 32, true) == ACL_OK);
	CHECK(allows("127.0.0.2") && !allows("127.0.0.3") && !allows("::ffff:127.0.0.3"));
	CHECK(!allows("128.0.0.1"));
	acl.n = 0;
	CHECK(add("127.0.0.3", 32, true) == ACL_OK);
	CHECK(add("127.0.0.0", 8, false) == ACL_OK);
	CHECK(allows("127.0.0.2") && !allows("127.0.0.3"));
	acl.n = 0;
	CHECK(add("127.0.0.3", 32, false) == ACL_OK);
	CHECK(add("127.0.0.0", 8, true) == ACL_OK);
	CHECK(!allows("127.0.0.3") && !allows("127.0.0.2") && !allows("1.1.1.1"));

	/* v4 /0: every IPv4 (and mapped) source, no native IPv6 one. */
	acl.n = 0;
	CHECK(add("0.0.0.0", 0, false) == ACL_OK);
	CHECK(allows("1.2.3.4") && allows("255.255.255.255") && allows("::ffff:1.2.3.4"));
	CHECK(!allows("::1") && !allows("2001:db8::1") && !allows("::"));
	/* v6 /0: everything. */
	acl.n = 0;
	CHECK(add("::", 0, true) == ACL_OK);
	CHECK(!allows("1.2.3.4") && !allows("::1") && !allows("ffff::"));

	/* Partial-byte prefixes: bit by bit at the edge. */
	acl.n = 0;
	CHECK(add("192.168.0.0", 23, false) == ACL_OK);
	CHECK(allows("192.168.0.0") && allows("192.168.1.255") &&
	    !allows("192.168.2.0") && !allows("192.169.0.0") && !allows("192.167.255.255"));
	acl.n = 0;
	CHECK(add("2001:db8::", 33, true) == ACL_OK);
	CHECK(!allows("2001:db8:7fff::1") && allows("2001:db8:8000::") &&
	    allows("2001:db9::"));

	/* A full table: the last rule counts too. */
	acl.n = 0;
	while (acl.n < ACL_MAX - 1)
		CHECK(add("10.0.0.0", 8, false) == ACL_OK);
	CHECK(add("11.0.0.7", 32, false) == ACL_OK && acl.n == ACL_MAX);
	CHECK(allows("11.0.0.7") && allows("10.9.9.9") && !allows("11.0.0.8"));
	acl.rule[ACL_MAX - 1].deny = true;
	CHECK(!allows("11.0.0.7") && allows("10.9.9.9"));
}

/* cidr_parse's address grammar: each text as inet_pton reads it. */
static void
test_grammar(void)
{
	static const struct {
		const char	*text;
		bool		ok;
	} t[] = {
		{ "0.0.0.0", true }, { "255.255.255.255", true },
		{ "1.2.3.4", true }, { "10.0.0.010", false },
		{ "256.0.0.1", false }, { "1.2.3", false }, { "1.2.3.4.5", false },
		{ "1..2.3", false }, { ".1.2.3", false }, { "1.2.3.4.", false },
		{ "1.2.3.0004", false }, { "::", true }, { "::1", true },
		{ "1::", true }, { ":", false }, { ":::", false }, { ":1::", false },
		{ "1:", false }, { "1::2::3", false }, { "12345::", false },
		{ "1:2:3:4:5:6:7:8", true }, { "1:2:3:4:5:6:7", false },
		{ "1:2:3:4:5:6:7:8:9", false }, { "1:2:3:4:5:6:7::", true },
		{ "::1:2:3:4:5:6:7", true }, { "1:2:3:4::5:6:7:8", false },
		{ "1:2:3:4:5:6:7:8::", false }, { "A:b:C:d:E:f:0:FFFF", true },
		{ "g::1", false }, { "::ffff:1.2.3.4", true },
		{ "1:2:3:4:5:6:1.2.3.4", true }, { "1:2:3:4:5:6:7:1.2.3.4", false },
		{ "1:2:3:4:5::1.2.3.4", true }, { "1:2:3:4:5:6::1.2.3.4", false },
		{ "::1.2.3.4", true }, { "1.2.3.4::", false }, { "::1.2.3", false },
		{ "::1a.2.3.4", false }, { "::01.2.3.4", false },
		{ "::ffff:1.2.3.4:5", false }, { "", false }, { "1.2.3.4%", false },
	};
	struct cidr c;
	uint8_t key[ADDR_KEY_LEN];
	size_t i;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = cidr_parse(t[i].text, &c);
		CHECK((r == CIDR_OK) == t[i].ok);
		if (r != CIDR_OK && t[i].ok)
			(void)fprintf(stderr, "test_acl: refused %s\n", t[i].text);
		if (r == CIDR_OK && !t[i].ok)
			(void)fprintf(stderr, "test_acl: took %s\n", t[i].text);
		if (r != CIDR_OK || !t[i].ok)
			continue;
		key_of(t[i].text, key);
		CHECK(memcmp(c.key, key, sizeof(key)) == 0);
		CHECK(c.v4 == (strchr(t[i].text, ':') == NULL));
		CHECK(c.len == (c.v4 ? 32u : 128u));
	}
}

static void
test_cidr(void)
{
	acl.n = 0;
	CHECK(cidr("10.0.0.0/8", false) == 0 && acl.n == 1 &&
	    acl.rule[0].bits == 104 && !acl.rule[0].deny);
	CHECK(cidr("192.0.2.7", true) == 0 && acl.n == 2 && acl.rule[1].bits == 128 &&
	    acl.rule[1].deny);
	CHECK(cidr("2001:db8::/32", false) == 0 && acl.rule[2].bits == 32);
	CHECK(cidr("::1", false) == 0 && acl.rule[3].bits == 128);
	CHECK(cidr("0.0.0.0/0", false) == 0 && acl.rule[4].bits == 96);
	CHECK(cidr("::/0", false) == 0 && acl.rule[5].bits == 0);
	CHECK(cidr("1.2.3.4/32", false) == 0 && cidr("::1/128", false) == 0);
	CHECK(cidr("10.0.0.0/08", false) == 0 && acl.rule[8].bits == 104);
	CHECK(cidr("::ffff:10.0.0.0/104", false) == 0 && acl.rule[9].bits == 104);
	CHECK(acl.n == 10);

	CHECK(cidr("10.0.0.1/8", false) == -1 &&
	    strcmp(why, "host bits set beyond the prefix") == 0);
	CHECK(cidr("10.0.0.0/33", false) == -1 && strcmp(why, "prefix over 32") == 0);
	CHECK(cidr("10.0.0.0/4294967296", false) == -1 &&
	    strcmp(why, "prefix over 32") == 0);
	CHECK(cidr("::/129", false) == -1 && strcmp(why, "prefix over 128") == 0);
	CHECK(cidr("::1/127", false) == -1 &&
	    strcmp(why, "host bits set beyond the prefix") == 0);
	CHECK(cidr("foo", false) == -1 &&
	    strcmp(why, "not a numeric IPv4 or IPv6 address") == 0);
	CHECK(cidr("", false) == -1 &&
	    strcmp(why, "not a numeric IPv4 or IPv6 address") == 0);
	CHECK(cidr("/8", false) == -1 &&
	    strcmp(why, "not a numeric IPv4 or IPv6 address") == 0);
	CHECK(cidr("10.0.0/8", false) == -1 &&
	    strcmp(why, "not a numeric IPv4 or IPv6 address") == 0);
	CHECK(cidr("010.0.0.0/8", false) == -1);
	CHECK(cidr("localhost", false) == -1);
	CHECK(cidr("[::1]", false) == -1);
	CHECK(cidr("1.2.3.4 ", false) == -1);
	CHECK(cidr("fe80::1%lo", false) == -1);
	CHECK(cidr("::ffff:1.2.3.4:5/128", false) == -1);
	CHECK(cidr("0000:0000:0000:0000:0000:0000:0000:0000:0/0", false) == -1);
	CHECK(cidr("10.0.0.0/", false) == -1 &&
	    strcmp(why, "the prefix length is not a decimal number") == 0);
	CHECK(cidr("10.0.0.0/x", false) == -1 &&
	    strcmp(why, "the prefix length is not a decimal number") == 0);
	CHECK(cidr("10.0.0.0/+8", false) == -1 &&
	    strcmp(why, "the prefix length is not a decimal number") == 0);
	CHECK(cidr("10.0.0.0/8/8", false) == -1 &&
	    strcmp(why, "the prefix length is not a decimal number") == 0);
	CHECK(cidr("10.0.0.0/-1", false) == -1);
	CHECK(cidr("10.0.0.0/ 8", false) == -1);
	CHECK(cidr("10.0.0.0/000000000000000000008", false) == -1);
	/* The longest IPv6 text there is still fits. */
	CHECK(cidr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", false) == 0);
	/* One character more (46, INET6_ADDRSTRLEN) is not an address, and no overflow. */
	CHECK(cidr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555/128", false) == -1 &&
	    strcmp(why, "not a numeric IPv4 or IPv6 address") == 0);
	CHECK(cidr("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.2555", false) == -1);
	CHECK(cidr("0000:0000:0000:0000:0000:0000:0000:0000:00000000000000000000/1", false) == -1);
	CHECK(acl.n == 11);

	/* What they mean. */
	acl.n = 0;
	CHECK(cidr("127.0.0.0/8", false) == 0 && cidr("127.0.0.3", true) == 0);
	CHECK(allows("127.0.0.1") && !allows("127.0.0.3") && !allows("::1") &&
	    !allows("::ffff:127.0.0.3") && allows("::ffff:127.0.0.2"));
}

int
main(void)
{
	test_add_v4();
	test_add_v6();
	test_allows();
	test_grammar();
	test_cidr();
	UNIT_DONE();
}
