/* text.h: a quoted word made safe for a one-line message (control characters escaped). Pure: no syscalls. */
#ifndef TEXT_H
#define TEXT_H

#include <stddef.h>
#include <stdint.h>
#ifdef __FRAMAC__
#include <string.h>	/* Frama-C's strlen and valid_read_string logic only */
#endif

/*@ // A character that may stand in a log line: not NUL, no control character.
    predicate text_control(char c) = (0 <= c < 0x20) || c == 0x7f;
    predicate text_safe(char c) = c != 0 && !text_control(c);
*/

/*
 * Copy src into dst[0 .. size) with each control character written as an
 * escape (\n, \t, \r, or \xHH), so the text stays on one line whatever an
 * argument holds. Cut to fit, before a character, never inside an escape.
 * Returns the length written; dst is NUL-terminated when size > 0.
 */
/*@ requires valid_read_string(src) && strlen(src) < SIZE_MAX;
    requires \valid(dst + (0 .. size - 1));
    requires \separated(dst + (0 .. size - 1), src + (0 .. strlen(src)));
    assigns dst[0 .. size - 1];
    behavior no_room:
      assumes size == 0;
      assigns \nothing;
      ensures \result == 0;
    behavior room:
      assumes size > 0;
      ensures \result < size && dst[\result] == '\0';
      ensures \forall integer i; 0 <= i < \result ==> text_safe(dst[i]);
    complete behaviors;
    disjoint behaviors;
*/
size_t	text_escape(char *dst, size_t size, const char *src);

#endif
