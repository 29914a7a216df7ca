/* SPDX-License-Identifier: ISC */
/* cidr.h: an --allow/--deny word, "ADDR[/LEN]", into an acl rule. Pure: the address grammar is the contract's, not inet_pton's. */
#ifndef CIDR_H
#define CIDR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/acl.h"
#include "core/num.h"

enum cidr_err {
	CIDR_OK = 0,
	CIDR_ADDR,		/* not a numeric IPv4 or IPv6 address */
	CIDR_LEN,		/* the prefix length is not a decimal number */
	CIDR_PREFIX		/* prefix longer than the family's 32 or 128 */
};

/*
 * The grammar, as inet_pton(3) reads numeric addresses (RFC 4291 2.2):
 *   v4  = octet "." octet "." octet "." octet
 *         octet: 1 to 3 decimal digits, no leading zero, at most 255
 *   v6  = 8 groups of 1 to 4 hex digits joined by ":", where one "::"
 *         may stand for one or more zero groups, and the last two groups
 *         may be written as a v4 address.
 * Each rule is read left to right from the end of the longest run of
 * digits, so it names one reading of the text: no search, no ambiguity.
 */
/*@ predicate cidr_dig(char c) = '0' <= c <= '9';
    predicate cidr_hex(char c) = cidr_dig(c) || 'a' <= c <= 'f' || 'A' <= c <= 'F';
    // Where the run of decimal (hex) digits from i ends, before j.
    logic integer cidr_dspan{L}(char *s, integer i, integer j) =
      i < j && '0' <= s[i] <= '9' ? cidr_dspan(s, i + 1, j) : i;
    logic integer cidr_xspan{L}(char *s, integer i, integer j) =
      i < j && ('0' <= s[i] <= '9' || 'a' <= s[i] <= 'f' ||
        'A' <= s[i] <= 'F') ? cidr_xspan(s, i + 1, j) : i;
    // s[i .. e) is an octet.
    predicate cidr_octet{L}(char *s, integer i, integer e) =
      1 <= e - i <= 3 && (e - i == 1 || s[i] != '0') &&
      num_value(s + i, e - i) <= 255;
    // s[i .. j) is k octets joined by ".".
    predicate cidr_v4{L}(char *s, integer i, integer j, integer k) =
      cidr_octet(s, i, cidr_dspan(s, i, j)) &&
      (k <= 1 ? cidr_dspan(s, i, j) == j :
        cidr_dspan(s, i, j) < j && s[cidr_dspan(s, i, j)] == '.' &&
        cidr_v4(s, cidr_dspan(s, i, j) + 1, j, k - 1));
    // s[p .. j) ends a v6 address of which g groups are read, dc: whether
    // a "::" was (1) or not (0); the group at p is 1 to 4 hex digits, then the end, ":"
    // and a group, "::" (and more, or the end), or it starts a v4 tail.
    predicate cidr_v6g{L}(char *s, integer p, integer j, integer g, integer dc) =
      1 <= cidr_xspan(s, p, j) - p <= 4 &&
      ((cidr_xspan(s, p, j) == j && (dc != 0 ? g + 1 <= 7 : g + 1 == 8)) ||
       (cidr_xspan(s, p, j) + 1 < j && s[cidr_xspan(s, p, j)] == ':' &&
        s[cidr_xspan(s, p, j) + 1] != ':' && g + 1 <= 7 &&
        cidr_v6g(s, cidr_xspan(s, p, j) + 1, j, g + 1, dc)) ||
       (cidr_xspan(s, p, j) + 1 < j && s[cidr_xspan(s, p, j)] == ':' &&
        s[cidr_xspan(s, p, j) + 1] == ':' && dc == 0 && g + 1 <= 7 &&
        (cidr_xspan(s, p, j) + 2 == j ||
         cidr_v6g(s, cidr_xspan(s, p, j) + 2, j, g + 1, 1))) ||
       (cidr_xspan(s, p, j) < j && s[cidr_xspan(s, p, j)] == '.' &&
        cidr_v4(s, p, j, 4) && (dc != 0 ? g + 2 <= 7 : g + 2 == 8)));
    // s[i .. j) is a v6 address: a leading "::" or a first group.
    predicate cidr_v6{L}(char *s, integer i, integer j) =
      i < j &&
      (s[i] == ':' ?
        i + 1 < j && s[i + 1] == ':' &&
        (i + 2 == j || cidr_v6g(s, i + 2, j, 0, 1)) :
        cidr_v6g(s, i, j, 0, 0));
    // Where the address of a rule ends: its "/" or its end.
    logic integer cidr_slash{L}(char *s, integer i) =
      s[i] == '\0' || s[i] == '/' ? i : cidr_slash(s, i + 1);
    predicate cidr_addr{L}(char *s) =
      cidr_v4(s, 0, cidr_slash(s, 0), 4) || cidr_v6(s, 0, cidr_slash(s, 0));
    // The prefix length after the "/" is a decimal number (num_parse's).
    predicate cidr_num{L}(char *s) =
      0 < strlen(s) <= NUM_MAXLEN && num_digits(s, strlen(s));
*/

/* An address and prefix as written: key in addr_key's 16-byte form. */
struct cidr {
	uint8_t		key[ADDR_KEY_LEN];
	bool		v4;
	uint32_t	len;		/* 0..32 (v4) or 0..128 */
};

/*
 * Read text, "ADDR[/LEN]" ("10.0.0.0/8", "192.0.2.7", "2001:db8::/32",
 * "::1"; no /LEN: the whole address), into *c; CIDR_ADDR, CIDR_LEN or
 * CIDR_PREFIX say what is wrong. The contract states which texts are
 * accepted, and as which family, exactly; that the key holds the bytes
 * inet_pton would give is checked by the acl fuzz harness, not proven.
 */
/*@ requires valid_read_string(text) && strlen(text) < SIZE_MAX && \valid(c);
    requires \separated(c, text + (0 .. strlen(text)));
    assigns *c;
    behavior addr:
      assumes !cidr_addr(text);
      ensures \result == CIDR_ADDR;
    behavior whole:
      assumes cidr_addr(text) && text[cidr_slash(text, 0)] != '/';
      ensures \result == CIDR_OK;
      ensures c->v4 <==> cidr_v4(text, 0, cidr_slash(text, 0), 4);
      ensures c->len == (c->v4 ? 32 : 128);
    behavior syntax:
      assumes cidr_addr(text) && text[cidr_slash(text, 0)] == '/';
      assumes !cidr_num(text + cidr_slash(text, 0) + 1);
      ensures \result == CIDR_LEN;
    behavior sized:
      assumes cidr_addr(text) && text[cidr_slash(text, 0)] == '/';
      assumes cidr_num(text + cidr_slash(text, 0) + 1);
      ensures c->v4 <==> cidr_v4(text, 0, cidr_slash(text, 0), 4);
      ensures \result == CIDR_OK || \result == CIDR_PREFIX;
      ensures c->v4 ==> (\result == CIDR_OK <==> num_fits(text +
        cidr_slash(text, 0) + 1, strlen(text + cidr_slash(text, 0) + 1), 32));
      ensures !c->v4 ==> (\result == CIDR_OK <==> num_fits(text +
        cidr_slash(text, 0) + 1, strlen(text + cidr_slash(text, 0) + 1), 128));
      ensures \result == CIDR_OK ==> c->len == \old(num_value(text +
        cidr_slash(text, 0) + 1, strlen(text + cidr_slash(text, 0) + 1)));
    complete behaviors;
    disjoint behaviors;
*/
int	cidr_parse(const char *text, struct cidr *c);

/*
 * Append the rule text names to a, which has room: 0, or -1 with *why
 * saying what is wrong (not a numeric address, a bad prefix length, a
 * prefix over 32 or 128, host bits set past it), a then unchanged.
 */
/*@ requires valid_read_string(text) && strlen(text) < SIZE_MAX;
    requires \valid(a) && a->n < ACL_MAX;
    requires \valid(why) && \separated(a, why, text + (0 .. strlen(text)));
    assigns a->rule[a->n], a->n, *why;
    ensures \result == 0 || \result == -1;
    ensures !cidr_addr(text) ==> \result == -1;
    ensures \result == 0 ==> a->n == \old(a->n) + 1;
    ensures \result == -1 ==> a->n == \old(a->n) && \initialized(why);
*/
int	cidr_add(struct acl *a, const char *text, bool deny, const char **why);

#endif
