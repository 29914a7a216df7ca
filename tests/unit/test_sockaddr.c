/* SPDX-License-Identifier: ISC */
/* test_sockaddr.c: unit tests for socket addresses: parse, text, key, port. */
#include "sys/sockaddr.h"
#include "unit.h"

#include <string.h>
#include <sys/un.h>

int
main(void)
{
	union sockaddr_any sa;
	uint8_t key[ADDR_KEY_LEN];
	uint8_t mapped[ADDR_KEY_LEN];
	char text[ADDR_TEXT_MAX];
	socklen_t len;

	/* Numeric addresses of both families, with the port; nothing else. */
	CHECK(sockaddr_parse("127.0.0.1", 7, &sa, &len));
	CHECK(len == sizeof(sa.in) && sa.sa.sa_family == AF_INET);
	CHECK(sockaddr_port(&sa) == 7);
	sockaddr_text(&sa, text, sizeof(text));
	CHECK(strcmp(text, "127.0.0.1:7") == 0);
	CHECK(sockaddr_parse("::1", 65535, &sa, &len));
	CHECK(len == sizeof(sa.in6) && sa.sa.sa_family == AF_INET6);
	CHECK(sockaddr_port(&sa) == 65535);
	sockaddr_text(&sa, text, sizeof(text));
	CHECK(strcmp(text, "[::1]:65535") == 0);
	CHECK(!sockaddr_parse("localhost", 7, &sa, &len) && len == 0);
	CHECK(!sockaddr_parse("1.2.3.4.5", 7, &sa, &len) && len == 0);
	CHECK(!sockaddr_parse("", 7, &sa, &len) && len == 0);

	/* The port is set and read in host order, for either family. */
	CHECK(sockaddr_parse("::", 0, &sa, &len));
	sockaddr_set_port(&sa, 4242);
	CHECK(sockaddr_port(&sa) == 4242);
	CHECK(sockaddr_parse("10.0.0.1", 0, &sa, &len));
	sockaddr_set_port(&sa, 1);
	CHECK(sockaddr_port(&sa) == 1);

	/* An IPv4 peer and its IPv4-mapped IPv6 form are one source. */
	CHECK(sockaddr_parse("192.0.2.7", 9, &sa, &len));
	CHECK(sockaddr_key(&sa, key));
	CHECK(sockaddr_parse("::ffff:192.0.2.7", 10, &sa, &len));
	CHECK(sockaddr_key(&sa, mapped));
	CHECK(memcmp(key, mapped, sizeof(key)) == 0);
	CHECK(sockaddr_parse("2001:db8::7", 9, &sa, &len));
	CHECK(sockaddr_key(&sa, mapped));
	CHECK(memcmp(key, mapped, sizeof(key)) != 0);

	/* Another family: no key (untouched), port 0, text "?:0". */
	memset(&sa, 0, sizeof(sa));
	sa.sa.sa_family = AF_UNIX;
	memset(key, 0xa5, sizeof(key));
	CHECK(!sockaddr_key(&sa, key) && key[0] == 0xa5 && key[15] == 0xa5);
	CHECK(sockaddr_port(&sa) == 0);
	sockaddr_text(&sa, text, sizeof(text));
	CHECK(strcmp(text, "?:0") == 0);
	UNIT_DONE();
}
