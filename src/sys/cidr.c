/* cidr.c: parse "ADDR[/LEN]" (inet_pton, num_parse) and hand the prefix checks to acl_add. */
#include "sys/cidr.h"
#include "core/addr.h"
#include "core/num.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

int
cidr_add(struct acl *a, const char *text, bool deny, const char **why)
{
	char host[INET6_ADDRSTRLEN];
	uint8_t raw[16];
	uint8_t key[ADDR_KEY_LEN];
	const char *slash;
	size_t hlen;
	uint32_t len;
	bool v4;
	int r;

	hlen = strcspn(text, "/");
	slash = text[hlen] == '/' ? text + hlen : NULL;
	*why = "not a numeric IPv4 or IPv6 address";
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, text, hlen);
	host[hlen] = '\0';
	memset(raw, 0, sizeof(raw));
	if (inet_pton(AF_INET, host, raw) == 1)
		v4 = true;
	else if (inet_pton(AF_INET6, host, raw) == 1)
		v4 = false;
	else
		return -1;
	len = 128;
	if (v4)
		len = 32;
	r = slash != NULL ? num_parse(slash + 1, UINT32_MAX, &len) : NUM_OK;
	if (r != NUM_OK && r != NUM_RANGE) {
		*why = "the prefix length is not a decimal number";
		return -1;
	}
	addr_key(key, raw, v4 ? 4 : 16);
	r = r == NUM_RANGE ? ACL_PREFIX : acl_add(a, key, v4, len, deny);
	if (r == ACL_PREFIX)
		*why = v4 ? "prefix over 32" : "prefix over 128";
	else if (r == ACL_HOSTBITS)
		*why = "host bits set beyond the prefix";
	return r == ACL_OK ? 0 : -1;
}
