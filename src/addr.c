/* addr.c: formats peer and listen addresses, makes per-IP keys. Pure: never sees a client byte. */
#include "addr.h"

#include <stdbool.h>

/* Append c at dst[*at] if there is room for it and the NUL; false when full. */
/*@ requires \valid(at) && *at < size && \valid(dst + (0 .. size - 1));
    requires \separated(at, dst + (0 .. size - 1));
    assigns dst[*at], *at;
    ensures *at < size;
    ensures \result ==> *at == \old(*at) + 1;
    ensures !\result ==> *at == \old(*at);
*/
static bool
put(char *dst, size_t size, size_t *at, char c)
{
	if (*at + 1 >= size)
		return false;
	dst[*at] = c;
	*at += 1;
	return true;
}

/*@ requires valid_read_string(s) && strlen(s) < SIZE_MAX;
    assigns \nothing;
*/
static bool
has_colon(const char *s)
{
	size_t i;

	/*@ loop invariant 0 <= i <= strlen(s);
	    loop assigns i;
	    loop variant strlen(s) - i;
	*/
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == ':')
			return true;
	return false;
}

/* Append port in decimal. */
/*@ requires \valid(at) && *at < size && \valid(dst + (0 .. size - 1));
    requires \separated(at, dst + (0 .. size - 1));
    assigns dst[0 .. size - 1], *at;
    ensures *at < size;
*/
static bool
put_port(char *dst, size_t size, size_t *at, uint32_t port)
{
	char digits[10];
	int n;

	n = 0;
	/*@ loop invariant 0 <= n < 10;
	    loop assigns n, port, digits[0 .. 9];
	    loop variant 10 - n;
	*/
	do {
		digits[n] = (char)('0' + port % 10);
		port /= 10;
		n++;
	} while (port != 0 && n < 10);
	/*@ loop invariant 0 <= n <= 10 && *at < size;
	    loop assigns n, *at, dst[0 .. size - 1];
	    loop variant n;
	*/
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
	/*@ loop invariant 0 <= i <= \at(strlen(host), Pre) && at < size;
	    loop assigns i, at, ok, dst[0 .. size - 1];
	    loop variant \at(strlen(host), Pre) - i;
	*/
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
		/*@ loop invariant 0 <= i <= 10 && \forall integer j; 0 <= j < i ==> key[j] == 0;
		    loop assigns i, key[0 .. 9];
		    loop variant 10 - i;
		*/
		for (i = 0; i < 10; i++)
			key[i] = 0;
		key[10] = 0xff;
		key[11] = 0xff;
		/*@ loop invariant 0 <= i <= 4 && \forall integer j; 0 <= j < i ==> key[12 + j] == raw[j];
		    loop assigns i, key[12 .. 15];
		    loop variant 4 - i;
		*/
		for (i = 0; i < 4; i++)
			key[12 + i] = raw[i];
		return;
	}
	/*@ loop invariant 0 <= i <= ADDR_KEY_LEN && \forall integer j; 0 <= j < i ==> key[j] == raw[j];
	    loop assigns i, key[0 .. ADDR_KEY_LEN - 1];
	    loop variant ADDR_KEY_LEN - i;
	*/
	for (i = 0; i < ADDR_KEY_LEN; i++)
		key[i] = raw[i];
}
