/* SPDX-License-Identifier: ISC */
/* addr.c: formats peer and listen addresses, makes per-IP keys. Pure: never sees a client byte. */
#include "core/addr.h"

#include <stdbool.h>

/* Append c at dst[*at] if there is room for it and the NUL; false when full. */
/*@ requires \valid(at) && *at < size && \valid(dst + (0 .. size - 1));
    requires \separated(at, dst + (0 .. size - 1));
    assigns dst[*at], *at;
    ensures \result <==> \old(*at) + 1 < size;
    ensures \result ==> *at == \old(*at) + 1 && dst[\old(*at)] == c;
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
    ensures \result <==> addr_v6(s);
*/
static bool
has_colon(const char *s)
{
	size_t i;

	/*@ loop invariant 0 <= i <= strlen(s);
	    loop invariant \forall integer j; 0 <= j < i ==> s[j] != ':';
	    loop assigns i;
	    loop variant strlen(s) - i;
	*/
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] == ':')
			return true;
	return false;
}

/*
 * Append port in decimal: the digits come out lowest first, so they are
 * collected in digits[] and put in reverse.
 */
/*@ requires \valid(at) && *at < size && \valid(dst + (0 .. size - 1));
    requires \separated(at, dst + (0 .. size - 1));
    assigns dst[*at .. size - 1], *at;
    ensures \result <==> \old(*at) + addr_ndigits(port) < size;
    ensures \result ==> *at == \old(*at) + addr_ndigits(port);
    ensures !\result ==> *at == size - 1;
    ensures \forall integer k; \old(*at) <= k < *at ==>
      dst[k] == addr_digit(port, k - \old(*at));
*/
static bool
put_port(char *dst, size_t size, size_t *at, uint32_t port)
{
	char digits[10];
	int n;

	n = 0;
	/*@ loop invariant 0 <= n < 10;
	    loop invariant port == addr_shift(\at(port, Pre), n);
	    loop invariant addr_ndigits(\at(port, Pre)) == n + addr_ndigits(port);
	    loop invariant \forall integer j; 0 <= j < n ==>
	      digits[j] == '0' + addr_shift(\at(port, Pre), j) % 10;
	    loop assigns n, port, digits[0 .. 9];
	    loop variant 10 - n;
	*/
	do {
		digits[n] = (char)('0' + port % 10);
		port /= 10;
		n++;
	} while (port != 0 && n < 10);
	/*@ assert n == addr_ndigits(\at(port, Pre)); */
	/*@ loop invariant 0 <= n <= addr_ndigits(\at(port, Pre));
	    loop invariant *at == \at(*at, Pre) + addr_ndigits(\at(port, Pre)) - n;
	    loop invariant *at < size;
	    loop invariant \forall integer k; \at(*at, Pre) <= k < *at ==>
	      dst[k] == addr_digit(\at(port, Pre), k - \at(*at, Pre));
	    loop assigns n, *at, dst[\at(*at, Pre) .. size - 1];
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
	    loop invariant ok ==> at == v6 + i;
	    loop invariant !ok ==> at == size - 1 && at < addr_len(\at(strlen(host), Pre), v6, port);
	    loop invariant \let b = (integer)v6; \forall integer k; 0 <= k < at ==>
	      dst[k] == \at(addr_char(host, b, port, k), Pre);
	    loop assigns i, at, ok, dst[0 .. size - 1];
	    loop variant \at(strlen(host), Pre) - i;
	*/
	for (i = 0; ok && host[i] != '\0'; i++)
		ok = put(dst, size, &at, host[i]);
	/*@ assert host_done: ok ==> at == v6 + \at(strlen(host), Pre); */
	if (ok && v6)
		ok = put(dst, size, &at, ']');
	/*@ assert close_at: ok ==> at == 2 * v6 + \at(strlen(host), Pre); */
	/*@ assert close_cut: !ok ==> at == size - 1 &&
	      at < addr_len(\at(strlen(host), Pre), v6, port); */
	/*@ assert close_text: \let b = (integer)v6; \forall integer k; 0 <= k < at ==>
	      dst[k] == \at(addr_char(host, b, port, k), Pre); */
	if (ok)
		ok = put(dst, size, &at, ':');
	/*@ assert colon_at: ok ==> at == 2 * v6 + \at(strlen(host), Pre) + 1; */
	/*@ assert colon_cut: !ok ==> at == size - 1 &&
	      at < addr_len(\at(strlen(host), Pre), v6, port); */
	/*@ assert colon_text: \let b = (integer)v6; \forall integer k; 0 <= k < at ==>
	      dst[k] == \at(addr_char(host, b, port, k), Pre); */
	if (ok)
		ok = put_port(dst, size, &at, port);
	/*@ assert at_cut: \let n = addr_len(\at(strlen(host), Pre), v6, port);
	      at == (ok ? n : size - 1) && at == (n < size ? n : size - 1); */
	/*@ assert port_text: \let b = (integer)v6; \forall integer k; 0 <= k < at ==>
	      dst[k] == \at(addr_char(host, b, port, k), Pre); */
	dst[at] = '\0';
	/*@ assert wrote: \let b = (integer)v6; addr_wrote{Pre, Here}(dst, host, b, port, at); */
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
