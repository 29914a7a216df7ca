/* SPDX-License-Identifier: ISC */
/* addr.h: address text and keys: "ADDR:PORT" / "[ADDR]:PORT" and per-IP keys. Pure: inet_ntop is the caller's. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <stdint.h>
#ifdef __FRAMAC__
#include <string.h>	/* Frama-C's strlen and valid_read_string logic only */
#endif

/* Room for "[" INET6_ADDRSTRLEN "]:65535" and the NUL. */
#define ADDR_TEXT_MAX	(46 + 2 + 6 + 1)

/* Per-IP key: the address as 16 bytes; IPv4 as its IPv4-mapped IPv6 form. */
#define ADDR_KEY_LEN	16

/*@ // Decimal digits of p (exact for 0 <= p < 10^10, so for every uint32_t).
    logic integer addr_ndigits(integer p) =
      p < 10 ? 1 : p < 100 ? 2 : p < 1000 ? 3 : p < 10000 ? 4 :
      p < 100000 ? 5 : p < 1000000 ? 6 : p < 10000000 ? 7 :
      p < 100000000 ? 8 : p < 1000000000 ? 9 : 10;
    // p with its j lowest decimal digits dropped: p / 10^j.
    logic integer addr_shift(integer p, integer j) =
      j <= 0 ? p : addr_shift(p, j - 1) / 10;
    // The k-th character (from the left, 0-based) of p in decimal.
    logic integer addr_digit(integer p, integer k) =
      '0' + addr_shift(p, addr_ndigits(p) - 1 - k) % 10;
    // host is IPv6 text: it contains ':'.
    predicate addr_v6{L}(char *h) =
      \exists integer i; 0 <= i < strlen(h) && h[i] == ':';
    // With b = 1 when addr_v6(h) (one bracket's width), else 0: the length
    // of ("[" if b) h ("]" if b) ":" decimal(p), for hl = strlen(h),
    logic integer addr_len(integer hl, integer b, integer p) =
      hl + 2 * b + 1 + addr_ndigits(p);
    // and its k-th character, 0 <= k < addr_len(strlen(h), b, p).
    logic integer addr_char{L}(char *h, integer b, integer p, integer k) =
      k < b ? '[' :
      k < b + strlen(h) ? h[k - b] :
      k < 2 * b + strlen(h) ? ']' :
      k == 2 * b + strlen(h) ? ':' :
      addr_digit(p, k - 2 * b - strlen(h) - 1);
    // dst (at L2) holds the first m characters of that text (at L1), then a NUL.
    predicate addr_wrote{L1, L2}(char *dst, char *h, integer b, integer p, integer m) =
      (\forall integer k; 0 <= k < m ==>
        \at(dst[k], L2) == \at(addr_char(h, b, p, k), L1)) &&
      \at(dst[m], L2) == '\0';
    // What addr_format returns in r and writes: with n the text's length,
    // n and all of it when it fits in size - 1 bytes (and n in an int), else
    // -1 and its first min(n, size - 1) characters; a NUL after them.
    predicate addr_formatted{L1, L2}(char *dst, integer size, char *h, integer b,
        integer p, integer r) =
      \let n = \at(addr_len(strlen(h), b, p), L1);
      r == (n < size && n <= INT32_MAX ? n : -1) &&
      addr_wrote{L1, L2}(dst, h, b, p, n < size ? n : size - 1);
*/

/*
 * Write host and port to dst as "host:port", or "[host]:port" when host
 * contains ':' (IPv6). dst is always NUL-terminated when size > 0.
 * Returns the length written, or -1 when it did not fit (dst then holds
 * the text cut to size - 1 characters, terminated).
 */
/*@ requires valid_read_string(host) && strlen(host) < SIZE_MAX;
    requires \valid(dst + (0 .. size - 1));
    requires \separated(dst + (0 .. size - 1), host + (0 .. strlen(host)));
    assigns dst[0 .. size - 1];
    behavior no_room:
      assumes size == 0;
      assigns \nothing;
      ensures \result == -1;
    behavior room:
      assumes size > 0;
      ensures -1 <= \result < size;
      ensures fits: \result >= 0 ==> dst[\result] == '\0';
      ensures truncated: \result == -1 ==>
        \exists integer i; 0 <= i < size && dst[i] == '\0';
    behavior v4:
      assumes size > 0 && !addr_v6(host);
      ensures addr_formatted{Pre, Post}(dst, size, host, 0, port, \result);
    behavior v6:
      assumes size > 0 && addr_v6(host);
      ensures addr_formatted{Pre, Post}(dst, size, host, 1, port, \result);
    complete behaviors no_room, v4, v6;
    disjoint behaviors no_room, v4, v6;
    complete behaviors no_room, room;
    disjoint behaviors no_room, room;
*/
int	addr_format(char *dst, size_t size, const char *host, uint32_t port);

/*
 * Make the per-IP key of raw address bytes: 4 bytes (IPv4) become
 * ::ffff:a.b.c.d, 16 bytes are copied, so an IPv4-mapped IPv6 address
 * and its IPv4 address give the same key. len is 4 or 16.
 */
/*@ requires len == 4 || len == 16;
    requires \valid(key + (0 .. ADDR_KEY_LEN - 1)) && \valid_read(raw + (0 .. len - 1));
    requires \separated(key + (0 .. ADDR_KEY_LEN - 1), raw + (0 .. len - 1));
    assigns key[0 .. ADDR_KEY_LEN - 1];
    behavior v4:
      assumes len == 4;
      ensures \forall integer i; 0 <= i < 10 ==> key[i] == 0;
      ensures key[10] == 0xff && key[11] == 0xff;
      ensures \forall integer i; 0 <= i < 4 ==> key[12 + i] == raw[i];
    behavior v6:
      assumes len == 16;
      ensures \forall integer i; 0 <= i < ADDR_KEY_LEN ==> key[i] == raw[i];
    complete behaviors;
    disjoint behaviors;
*/
void	addr_key(uint8_t key[ADDR_KEY_LEN], const uint8_t *raw, size_t len);

#endif
