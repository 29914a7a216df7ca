/* num.h: strict decimal number parsing for option arguments. Pure: no syscalls, no errno. */
#ifndef NUM_H
#define NUM_H

#include <stdint.h>

/* Longest accepted argument, in characters (leading zeros included). */
#define NUM_MAXLEN	20

enum num_err {
	NUM_OK = 0,
	NUM_EMPTY,	/* "" */
	NUM_TOOLONG,	/* more than NUM_MAXLEN characters */
	NUM_SYNTAX,	/* a character other than '0'..'9' */
	NUM_RANGE	/* digits only, but the value is above max */
};

/*
 * Parse s as a decimal number in [0, max]: digits only, whole string,
 * no sign, no spaces, leading zeros allowed. *out is written only on success.
 */
int	num_parse(const char *s, uint32_t max, uint32_t *out);

#endif
