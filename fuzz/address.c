/* SPDX-License-Identifier: ISC */
/* fuzz/address.c: addr_format against snprintf, its truncation contract, and the inet_ntop -> format -> parse -> inet_pton round trip; addr_key's mapping. */
/*
 * Input: byte 0 mode (& 3: 0 IPv4, 1 IPv6, 2 arbitrary host text, 3 IPv4
 * as IPv4-mapped IPv6), bytes 1-4 the port (little-endian, all 32 bits are
 * formatted; the round trip uses the low 16), byte 5 a destination size
 * for the truncation check, then the address bytes or the host text.
 * The parse half lives here (the core only formats): "[v6]:port" or
 * "v4:port", inet_pton for the address, num_parse for the port.
 * Oracle: the text equals snprintf's; a too-small destination gives -1
 * and a terminated prefix of exactly size - 1 bytes, never a byte more
 * (each destination is malloc'd at its exact size, so ASan sees overruns);
 * parsing the text gives back the same address bytes and port; the
 * per-IP key of an IPv4 address equals that of its IPv4-mapped form.
 */
#include "core/addr.h"
#include "core/num.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fail(const char *why, const char *text)
{
	fprintf(stderr, "address oracle: %s: \"%s\"\n", why, text);
	abort();
}

/* Format into a buffer of exactly size bytes; check against the full text. */
static void
check_size(const char *host, uint32_t port, const char *full, size_t size)
{
	char *dst;
	int r;

	dst = malloc(size == 0 ? 1 : size);
	if (dst == NULL)
		return;
	dst[0] = 'x';
	r = addr_format(dst, size, host, port);
	if (size == 0) {
		if (r != -1 || dst[0] != 'x')
			fail("size 0 wrote or succeeded", full);
	} else if (size > strlen(full)) {
		if (r < 0 || (size_t)r != strlen(full) || strcmp(dst, full) != 0)
			fail("fitting text differs", full);
	} else {
		if (r != -1 || strlen(dst) != size - 1 ||
		    strncmp(dst, full, size - 1) != 0)
			fail("truncated text is not the prefix", full);
	}
	free(dst);
}

/* "[v6]:port" or "v4:port" back to family, bytes and port. */
static int
parse(const char *text, int *af, uint8_t raw[16], uint32_t *port)
{
	char host[ADDR_TEXT_MAX];
	const char *colon;
	const char *h;
	size_t hlen;

	if (text[0] == '[') {
		colon = strstr(text, "]:");
		if (colon == NULL)
			return -1;
		h = text + 1;
		hlen = (size_t)(colon - h);
		colon++;
		*af = AF_INET6;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return -1;
		h = text;
		hlen = (size_t)(colon - h);
		*af = AF_INET;
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (inet_pton(*af, host, raw) != 1)
		return -1;
	return num_parse(colon + 1, 65535, port) == NUM_OK ? 0 : -1;
}

/* IPv4 or IPv6 bytes: format, parse back, compare; and the per-IP key. */
static void
round_trip(int af, const uint8_t *raw, uint32_t port, size_t tsize)
{
	char host[INET6_ADDRSTRLEN];
	char text[ADDR_TEXT_MAX];
	char want[ADDR_TEXT_MAX + 16];
	uint8_t back[16];
	uint8_t k1[ADDR_KEY_LEN];
	uint8_t k2[ADDR_KEY_LEN];
	uint8_t mapped[16];
	uint32_t bport;
	int baf;
	int r;

	if (inet_ntop(af, raw, host, sizeof(host)) == NULL)
		fail("inet_ntop failed", "");
	port &= 0xffff;
	r = addr_format(text, sizeof(text), host, port);
	snprintf(want, sizeof(want), af == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
	    (unsigned)port);
	if (r < 0 || strcmp(text, want) != 0)
		fail("formatted text differs from snprintf", text);
	check_size(host, port, text, tsize % (strlen(text) + 2));
	if (parse(text, &baf, back, &bport) != 0)
		fail("text does not parse back", text);
	if (baf != af || bport != port ||
	    memcmp(back, raw, af == AF_INET ? 4 : 16) != 0)
		fail("round trip changed the address", text);

	addr_key(k1, raw, af == AF_INET ? 4 : 16);
	if (af == AF_INET) {
		memset(mapped, 0, 10);
		mapped[10] = 0xff;
		mapped[11] = 0xff;
		memcpy(mapped + 12, raw, 4);
		addr_key(k2, mapped, 16);
		if (memcmp(k1, k2, ADDR_KEY_LEN) != 0)
			fail("IPv4 and IPv4-mapped keys differ", text);
	} else if (memcmp(k1, raw, ADDR_KEY_LEN) != 0) {
		fail("IPv6 key is not the address", text);
	}
}

/* Any host text: compare with snprintf, then every truncation point chosen. */
static void
any_host(const uint8_t *p, size_t n, uint32_t port, size_t tsize)
{
	char host[128];
	char want[128 + 16];
	char *dst;
	size_t len;
	int r;

	if (n > sizeof(host) - 1)
		n = sizeof(host) - 1;
	memcpy(host, p, n);
	host[n] = '\0';
	snprintf(want, sizeof(want), strchr(host, ':') ? "[%s]:%u" : "%s:%u",
	    host, (unsigned)port);
	len = strlen(want);
	dst = malloc(len + 1);
	if (dst == NULL)
		return;
	r = addr_format(dst, len + 1, host, port);
	if (r < 0 || (size_t)r != len || strcmp(dst, want) != 0)
		fail("formatted text differs from snprintf", want);
	free(dst);
	check_size(host, port, want, tsize % (len + 2));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t raw[16];
	uint32_t port;
	size_t need;

	if (size < 6)
		return 0;
	port = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
	switch (data[0] & 3) {
	case 0:
	case 3:
		need = 4;
		break;
	case 1:
		need = 16;
		break;
	default:
		any_host(data + 6, size - 6, port, data[5]);
		return 0;
	}
	if (size < 6 + need)
		return 0;
	if ((data[0] & 3) == 3) {
		memset(raw, 0, 10);
		raw[10] = 0xff;
		raw[11] = 0xff;
		memcpy(raw + 12, data + 6, 4);
		round_trip(AF_INET6, raw, port, data[5]);
	} else {
		memcpy(raw, data + 6, need);
		round_trip(need == 4 ? AF_INET : AF_INET6, raw, port, data[5]);
	}
	return 0;
}
