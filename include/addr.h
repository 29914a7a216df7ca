/* addr.h: address text and keys: "ADDR:PORT" / "[ADDR]:PORT" and per-IP keys. Pure: inet_ntop is the caller's. */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <stdint.h>

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
int	addr_format(char *dst, size_t size, const char *host, uint32_t port);

/*
 * Make the per-IP key of raw address bytes: 4 bytes (IPv4) become
 * ::ffff:a.b.c.d, 16 bytes are copied, so an IPv4-mapped IPv6 address
 * and its IPv4 address give the same key. len is 4 or 16.
 */
void	addr_key(uint8_t key[ADDR_KEY_LEN], const uint8_t *raw, size_t len);

#endif
