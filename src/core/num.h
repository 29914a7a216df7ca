/* SPDX-License-Identifier: ISC */
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

#ifdef __FRAMAC__
#include <string.h>	/* Frama-C's strlen and valid_read_string logic only */
#endif

/*@ predicate num_digit(char c) = '0' <= c <= '9';
    predicate num_digits{L}(char *s, integer n) =
      \forall integer i; 0 <= i < n ==> num_digit(s[i]);
    // The value the first n characters of s denote in decimal.
    logic integer num_value{L}(char *s, integer n) =
      n <= 0 ? 0 : 10 * num_value(s, n - 1) + (s[n - 1] - '0');
    // Every prefix of the first n characters denotes at most max (for
    // digit strings this is num_value(s, n) <= max: values only grow).
    predicate num_fits{L}(char *s, integer n, integer max) =
      \forall integer k; 0 <= k <= n ==> num_value(s, k) <= max;
*/

/*
 * Parse s as a decimal number in [0, max]: digits only, whole string,
 * no sign, no spaces, leading zeros allowed. *out is written only on success.
 */
/*@ requires valid_read_string(s);
    requires \valid(out) && \separated(out, s + (0 .. strlen(s)));
    assigns *out;
    behavior empty:
      assumes strlen(s) == 0;
      assigns \nothing;
      ensures \result == NUM_EMPTY;
    behavior syntax:
      assumes 0 < strlen(s) && !num_digits(s, \min(strlen(s), NUM_MAXLEN));
      assigns \nothing;
      ensures \result == NUM_SYNTAX;
    behavior toolong:
      assumes strlen(s) > NUM_MAXLEN && num_digits(s, NUM_MAXLEN);
      assigns \nothing;
      ensures \result == NUM_TOOLONG;
    behavior range:
      assumes 0 < strlen(s) <= NUM_MAXLEN && num_digits(s, strlen(s));
      assumes !num_fits(s, strlen(s), max);
      assigns \nothing;
      ensures \result == NUM_RANGE;
    behavior ok:
      assumes 0 < strlen(s) <= NUM_MAXLEN && num_digits(s, strlen(s));
      assumes num_fits(s, strlen(s), max);
      assigns *out;
      ensures \result == NUM_OK;
      ensures *out == \old(num_value(s, strlen(s))) && *out <= max;
    complete behaviors;
    disjoint behaviors;
*/
int	num_parse(const char *s, uint32_t max, uint32_t *out);

#endif
