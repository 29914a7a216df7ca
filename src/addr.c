/* addr.c: formats peer and listen addresses, makes per-IP keys. Pure: never sees a client byte. */
#include "addr.h"

#include <stdbool.h>

/* Append c at dst[*at] if there is room for it and the NUL; false when full. */
static bool
put(char *dst, size_t size, size_t *at, char c)
{
	if (*at + 1 >= size)
		return false;
	dst[*at] = c;
	*at += 1;
	return true;
}

static bool
has_colon(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == ':')
			return true;
	return false;
}

/* Append port in decimal. */
static bool
put_port(char *dst, size_t size, size_t *at, uint32_t port)
{
	char digits[10];
	int n;

	n = 0;
	do {
		digits[n] = (char)('0' + port % 10);
		port /= 10;
		n++;
	} while (port != 0 && n < 10);
	while (n > 0) {
		n--;
		if (!put(dst, size, at, digits[n]))
			return false;
	}
	return true;
}

int
addr_format(char *dst, size_t size, const char *host, uint32_t port)
{
	size_t at;
	size_t i;
	bool v6;
	bool ok;

	if (size == 0)
		return -1;
	at = 0;
	v6 = has_colon(host);
	ok = !v6 || put(dst, size, &at, '[');
	for (i = 0; ok && host[i] != '\0'; i++)
		ok = put(dst, size, &at, host[i]);
	if (ok && v6)
		ok = put(dst, size, &at, ']');
	if (ok)
		ok = put(dst, size, &at, ':');
	if (ok)
		ok = put_port(dst, size, &at, port);
	dst[at] = '\0';
	if (!ok || at > (size_t)INT32_MAX)
		return -1;
	return (int)at;
}

void
addr_key(uint8_t key[ADDR_KEY_LEN], const uint8_t *raw, size_t len)
{
	size_t i;

	if (len == 4) {
		for (i = 0; i < 10; i++)
			key[i] = 0;
		key[10] = 0xff;
		key[11] = 0xff;
		for (i = 0; i < 4; i++)
			key[12 + i] = raw[i];
		return;
	}
	for (i = 0; i < ADDR_KEY_LEN; i++)
		key[i] = raw[i];
}
