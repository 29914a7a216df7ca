/* SPDX-License-Identifier: ISC */
/* text.c: escape control characters in a quoted word, so an error line stays one line. Pure: no syscalls. */
#include "core/text.h"

#include <stdbool.h>

/* Hex digit of v (0..15): safe by construction. */
/*@ requires 0 <= v <= 15;
    assigns \nothing;
    ensures \result == text_hex(v);
    ensures text_safe(\result);
*/
static char
hex(int v)
{
	return (char)(v < 10 ? '0' + v : 'a' + (v - 10));
}

/* Is v (a char's value, signed or not) a control character? */
/*@ assigns \nothing;
    ensures \result <==> ((0 <= v < 0x20) || v == 0x7f);
*/
static bool
control(int v)
{
	return (v >= 0 && v < 0x20) || v == 0x7f;
}

/* The escape of c into e[0 .. result): c itself, \n \t \r, or \xHH. */
/*@ requires \valid(e + (0 .. 3)) && c != 0;
    assigns e[0 .. 3];
    ensures \result == text_elen(c);
    ensures \forall integer j; 0 <= j < \result ==> e[j] == text_ebyte(c, j);
    ensures \forall integer j; 0 <= j < \result ==> text_safe(e[j]);
*/
static size_t
code(char c, char e[4])
{
	if (!control(c)) {
		e[0] = c;
		return 1;
	}
	e[0] = '\\';
	if (c == '\n') {
		e[1] = 'n';
		return 2;
	}
	if (c == '\t') {
		e[1] = 't';
		return 2;
	}
	if (c == '\r') {
		e[1] = 'r';
		return 2;
	}
	e[1] = 'x';
	e[2] = hex(c / 16);
	e[3] = hex(c % 16);
	return 4;
}

size_t
text_escape(char *dst, size_t size, const char *src)
{
	char e[4];
	size_t i;
	size_t j;
	size_t k;
	size_t n;

	if (size == 0)
		return 0;
	n = 0;
	/*@ loop invariant 0 <= i <= \at(strlen(src), Pre) && n < size;
	    loop invariant \let c = i; n == \at(text_plen(src, c), Pre);
	    loop invariant safe: \forall integer m; 0 <= m < n ==> text_safe(dst[m]);
	    loop invariant \forall integer m; 0 <= m < i ==>
	      \at(text_plen(src, m) + text_elen(src[m]), Pre) <= n;
	    loop invariant escaped: text_escaped{Pre, Here}(dst, src, i);
	    loop assigns i, j, k, n, e[0 .. 3], dst[0 .. size - 1];
	    loop variant \at(strlen(src), Pre) - i;
	*/
	for (i = 0; src[i] != '\0'; i++) {
		k = code(src[i], e);
		if (k >= size - n)
			break;
		/*@ loop invariant 0 <= j <= k;
		    loop invariant \forall integer m; n <= m < n + j ==> dst[m] == e[m - n];
		    loop assigns j, dst[n .. n + k - 1];
		    loop variant k - j;
		*/
		for (j = 0; j < k; j++)
			dst[n + j] = e[j];
		/*@ assert kept: \forall integer m; 0 <= m < n ==>
		      dst[m] == \at(dst[m], LoopCurrent); */
		/*@ assert added: \forall integer m; n <= m < n + k ==>
		      dst[m] == text_ebyte(src[i], m - n) && text_safe(dst[m]); */
		n += k;
	}
	/*@ assert cut: \let c = i; \at(text_cut(src, size, c), Pre); */
	dst[n] = '\0';
	return n;
}
