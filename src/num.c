/* num.c: strict decimal parsing. Pure: never calls the OS; rejects rather than guesses. */
#include "num.h"

int
num_parse(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t v;
	uint32_t c;
	int i;
	int len;

	/* First the syntax: digits only, at most NUM_MAXLEN of them. */
	for (len = 0; s[len] != '\0'; len++) {
		if (len == NUM_MAXLEN)
			return NUM_TOOLONG;
		if (s[len] < '0' || s[len] > '9')
			return NUM_SYNTAX;
	}
	if (len == 0)
		return NUM_EMPTY;

	/* Then the value, checked against max before each step. */
	v = 0;
	for (i = 0; i < len; i++) {
		c = (uint32_t)(s[i] - '0');
		if (c > max || v > (max - c) / 10)
			return NUM_RANGE;
		v = v * 10 + c;
	}
	*out = v;
	return NUM_OK;
}
