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

/*
 * Write host and port to dst as "host:port", or "[host]:port" when host
 * contains ':' (IPv6). dst is always NUL-terminated when size > 0.
 * Returns the length written, or -1 when it did not fit (dst then holds
 * a truncated, terminated prefix).
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
    complete behaviors;
    disjoint behaviors;
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
