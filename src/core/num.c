/* SPDX-License-Identifier: ISC */
/* num.c: strict decimal parsing. Pure: never calls the OS; rejects rather than guesses. */
#include "core/num.h"

int
num_parse(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v;
	uint32_t c;
	int i;
	int len;

	/* First the syntax: digits only, at most NUM_MAXLEN of them. */
	/*@ loop invariant 0 <= len <= NUM_MAXLEN && len <= strlen(s);
	    loop invariant num_digits(s, len);
	    loop assigns len;
	    loop variant NUM_MAXLEN - len;
	*/
	for (len = 0; s[len] != '\0'; len++) {
		if (len == NUM_MAXLEN)
			return NUM_TOOLONG;
		if (s[len] < '0' || s[len] > '9')
			return NUM_SYNTAX;
	}
	//@ assert len == strlen(s);
	if (len == 0)
		return NUM_EMPTY;

	/* Then the value, checked against max before each step. */
	v = 0;
	/*@ loop invariant 0 <= i <= len;
	    loop invariant v == num_value(s, i) && num_fits(s, i, max);
	    loop assigns i, v, c;
	    loop variant len - i;
	*/
	for (i = 0; i < len; i++) {
		c = (uint32_t)(s[i] - '0');
		if (c > max || v > (max - c) / 10) {
			//@ assert num_value(s, i + 1) > max;
			return NUM_RANGE;
		}
		//@ assert 10 * v + c <= max;
		v = v * 10 + c;
		//@ assert v == num_value(s, i + 1);
	}
	*out = v;
	return NUM_OK;
}
