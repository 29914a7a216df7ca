/* cidr.h: an --allow/--deny word ("ADDR[/LEN]") into an acl rule: inet_pton for the address, the core for the rest. */
#ifndef CIDR_H
#define CIDR_H

#include <stdbool.h>

#include "core/acl.h"

/*
 * Append the rule text names ("10.0.0.0/8", "192.0.2.7", "2001:db8::/32",
 * "::1"; no /LEN: the whole address) to a, which has room. 0, or -1 with
 * *why saying what is wrong: not a numeric address, a bad or too long
 * prefix, host bits set past it.
 */
int	cidr_add(struct acl *a, const char *text, bool deny, const char **why);

#endif
