/* SPDX-License-Identifier: ISC */
/* test_addr.c: unit tests for addr_format ("ADDR:PORT", "[ADDR]:PORT", truncation) and addr_key. */
#include "core/addr.h"
#include "unit.h"

#include <string.h>

int
main(void)
{
	char out[ADDR_TEXT_MAX];
	char small[8];
	uint8_t key[ADDR_KEY_LEN];
	uint8_t key2[ADDR_KEY_LEN];
	const uint8_t v4[4] = { 127, 0, 0, 1 };
	const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
	    127, 0, 0, 1 };
	const uint8_t lo6[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	const char *longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";

	/* IPv4 and IPv6, ports 0 and 65535. */
	CHECK(addr_format(out, sizeof(out), "127.0.0.1", 7) == 11);
	CHECK(strcmp(out, "127.0.0.1:7") == 0);
	CHECK(addr_format(out, sizeof(out), "::1", 65535) == 11);
	CHECK(strcmp(out, "[::1]:65535") == 0);
	CHECK(addr_format(out, sizeof(out), "::", 0) == 6);
	CHECK(strcmp(out, "[::]:0") == 0);
	CHECK(addr_format(out, sizeof(out), "0.0.0.0", 0) == 9);
	CHECK(strcmp(out, "0.0.0.0:0") == 0);
	CHECK(addr_format(out, sizeof(out), "::ffff:10.0.0.1", 1024) == 22);
	CHECK(strcmp(out, "[::ffff:10.0.0.1]:1024") == 0);
	/* Port digits beyond 65535 are still printed in full (caller's range). */
	CHECK(addr_format(out, sizeof(out), "1.2.3.4", 4294967295u) == 18);
	CHECK(strcmp(out, "1.2.3.4:4294967295") == 0);

	/* The longest inet_ntop text (45 chars) with the longest port fits exactly. */
	CHECK(strlen(longest) == 45);
	CHECK(addr_format(out, sizeof(out), longest, 65535) == 45 + 2 + 6);
	CHECK(out[0] == '[' && strcmp(out + 46, "]:65535") == 0);

	/* Empty host. */
	CHECK(addr_format(out, sizeof(out), "", 1) == 2);
	CHECK(strcmp(out, ":1") == 0);

	/* Exactly fitting, one byte short, size 1, size 0. */
	CHECK(addr_format(small, 8, "1.2.3.4", 5) == -1);	/* needs 10 */
	CHECK(strlen(small) == 7 && strncmp(small, "1.2.3.4", 7) == 0);
	CHECK(addr_format(small, 8, "1.2.3", 5) == 7);
	CHECK(strcmp(small, "1.2.3:5") == 0);
	CHECK(addr_format(small, 7, "1.2.3", 5) == -1);
	CHECK(strcmp(small, "1.2.3:") == 0);
	CHECK(addr_format(small, 8, "::1", 123) == -1);	/* "[::1]:123" is 9 */
	CHECK(small[7] == '\0' && strcmp(small, "[::1]:1") == 0);
	small[0] = 'z';
	CHECK(addr_format(small, 1, "1.2.3.4", 5) == -1);
	CHECK(small[0] == '\0');
	small[0] = 'z';
	CHECK(addr_format(small, 0, "1.2.3.4", 5) == -1);
	CHECK(small[0] == 'z');	/* nothing written at size 0 */

	/* addr_key: IPv4 and its mapped IPv6 form give the same key. */
	memset(key, 0xaa, sizeof(key));
	addr_key(key, v4, 4);
	CHECK(memcmp(key, mapped, 16) == 0);
	memset(key2, 0x55, sizeof(key2));
	addr_key(key2, mapped, 16);
	CHECK(memcmp(key, key2, 16) == 0);
	/* ::1 differs from 127.0.0.1. */
	addr_key(key2, lo6, 16);
	CHECK(memcmp(key2, lo6, 16) == 0);
	CHECK(memcmp(key, key2, 16) != 0);
	/* Edge IPv4 values. */
	{
		const uint8_t all[4] = { 255, 255, 255, 255 };
		const uint8_t zero[4] = { 0, 0, 0, 0 };

		addr_key(key, all, 4);
		CHECK(key[10] == 0xff && key[11] == 0xff && key[12] == 255 &&
		    key[15] == 255 && key[0] == 0 && key[9] == 0);
		addr_key(key, zero, 4);
		CHECK(key[10] == 0xff && key[11] == 0xff && key[12] == 0 &&
		    key[15] == 0);
	}

	UNIT_DONE();
}
