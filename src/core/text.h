/* SPDX-License-Identifier: ISC */
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
    // Lower-case hex digit of v, 0 <= v <= 15.
    logic integer text_hex(integer v) = v < 10 ? '0' + v : 'a' + (v - 10);
    // The escape of c, for c's value as an int (as text.c's code() sees it:
    // negative when char is signed, so bytes >= 0x80 are never control
    // characters, signed or not): its length, 1 (c itself), 2 (\n \t \r)
    // or 4 (\xHH),
    logic integer text_elen(char c) =
      ((0 <= c && c < 0x20) || c == 0x7f) ?
        ((c == '\n' || c == '\t' || c == '\r') ? 2 : 4) : 1;
    // and its t-th byte, 0 <= t < text_elen(c).
    logic integer text_ebyte(char c, integer t) =
      text_elen(c) == 1 ? c :
      t == 0 ? '\\' :
      c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' :
      t == 1 ? 'x' : t == 2 ? text_hex(c / 16) : text_hex(c % 16);
    // Length of the escapes of s[0 .. i - 1].
    logic integer text_plen{L}(char *s, integer i) =
      i <= 0 ? 0 : text_plen(s, i - 1) + text_elen(s[i - 1]);
    // i is where the text is cut: the escapes of s[0 .. i - 1] fit in
    // size - 1 bytes, and i is the end of s or one more character does not.
    predicate text_cut{L}(char *s, integer size, integer i) =
      0 <= i <= strlen(s) && text_plen(s, i) < size &&
      (i == strlen(s) || text_plen(s, i + 1) >= size);
    // d (at L2) holds the escapes of s[0 .. i - 1] (at L1), one after another.
    predicate text_escaped{L1, L2}(char *d, char *s, integer i) =
      \forall integer j; 0 <= j < i ==>
        \forall integer t; 0 <= t < \at(text_elen(s[j]), L1) ==>
          \at(d[\at(text_plen(s, j), L1) + t], L2) == \at(text_ebyte(s[j], t), L1);
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
      ensures exact: \exists integer i; \at(text_cut(src, size, i), Pre) &&
        \result == \at(text_plen(src, i), Pre) &&
        text_escaped{Pre, Post}(dst, src, i);
    complete behaviors;
    disjoint behaviors;
*/
size_t	text_escape(char *dst, size_t size, const char *src);

#endif
