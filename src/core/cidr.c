/* SPDX-License-Identifier: ISC */
/* cidr.c: read "ADDR[/LEN]" by the grammar of cidr.h, and make its acl rule. Pure: no syscalls. */
#include "core/cidr.h"
#include "core/addr.h"

/* The value of a hex digit, or -1. */
/*@ assigns \nothing;
    ensures cidr_hex(c) ==> 0 <= \result <= 15;
    ensures !cidr_hex(c) ==> \result == -1;
*/
static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * The decimal run at s[i .. j): its end in *end; true, with its value in
 * *val, if it is an octet. The run is read to its end even past three
 * digits, so that *end is where the grammar's run ends.
 */
/*@ requires i <= j && \valid_read(s + (i .. j - 1));
    requires \valid(end) && \valid(val) && \separated(end, val, s + (i .. j - 1));
    assigns *end, *val;
    ensures *end == cidr_dspan(s, i, j) && i <= *end <= j;
    ensures \result <==> cidr_octet(s, i, *end);
*/
static bool
octet(const char *s, size_t i, size_t j, size_t *end, uint8_t *val)
{
	size_t p;
	uint32_t v;

	p = i;
	v = 0;
	/*@ loop invariant i <= p <= j;
	    loop invariant cidr_dspan(s, i, j) == cidr_dspan(s, p, j);
	    loop invariant v == num_value(s + i, \min(p - i, 3));
	    loop invariant p - i == 0 ==> v == 0;
	    loop invariant p - i == 1 ==> v <= 9;
	    loop invariant p - i == 2 ==> v <= 99;
	    loop invariant v <= 999;
	    loop assigns p, v;
	    loop variant j - p;
	*/
	while (p < j && s[p] >= '0' && s[p] <= '9') {
		if (p - i < 3)
			v = v * 10 + (uint32_t)(s[p] - '0');
		p++;
	}
	*end = p;
	if (p == i || p - i > 3 || (p - i > 1 && s[i] == '0') || v > 255)
		return false;
	*val = (uint8_t)v;
	return true;
}

/* Is s[i .. j) an IPv4 address? Its bytes into out[0 .. 3]. */
/*@ requires i <= j && \valid_read(s + (i .. j - 1)) && \valid(out + (0 .. 3));
    requires \separated(out + (0 .. 3), s + (i .. j - 1));
    assigns out[0 .. 3];
    ensures \result <==> cidr_v4(s, i, j, 4);
*/
static bool
read_v4(const char *s, size_t i, size_t j, uint8_t *out)
{
	size_t e;
	size_t p;
	uint32_t k;

	p = i;
	/*@ loop invariant 0 <= k <= 3 && i <= p <= j;
	    loop invariant cidr_v4(s, i, j, 4) <==> cidr_v4(s, p, j, 4 - k);
	    loop assigns k, p, e, out[0 .. 3];
	    loop variant 3 - k;
	*/
	for (k = 0;; k++) {
		if (!octet(s, p, j, &e, &out[k]))
			return false;
		if (k == 3)
			return e == j;
		if (e == j || s[e] != '.')
			return false;
		p = e + 1;
	}
}

/* The hex run at s[p .. j): its end; *v the value of its first four digits. */
/*@ requires p <= j && \valid_read(s + (p .. j - 1));
    requires \valid(v) && \separated(v, s + (p .. j - 1));
    assigns *v;
    ensures \result == cidr_xspan(s, p, j) && p <= \result <= j;
    ensures *v <= 0xffff;
*/
static size_t
hexrun(const char *s, size_t p, size_t j, uint32_t *v)
{
	size_t e;
	uint32_t x;
	int d;

	e = p;
	x = 0;
	/*@ loop invariant p <= e <= j;
	    loop invariant cidr_xspan(s, p, j) == cidr_xspan(s, e, j);
	    loop invariant e - p == 0 ==> x == 0;
	    loop invariant e - p == 1 ==> x <= 0xf;
	    loop invariant e - p == 2 ==> x <= 0xff;
	    loop invariant e - p == 3 ==> x <= 0xfff;
	    loop invariant x <= 0xffff;
	    loop assigns e, x, d;
	    loop variant j - e;
	*/
	while (e < j && (d = hexval(s[e])) >= 0) {
		if (e - p < 4)
			x = x * 16 + (uint32_t)d;
		e++;
	}
	*v = x;
	return e;
}

/*
 * out = the 16 bytes of g groups read into b, the first cg of them before
 * a "::" (dc) that stands for the 8 - g missing ones.
 */
/*@ requires g <= 8 && cg <= g && (!dc ==> g == 8);
    requires \valid_read(b + (0 .. 15)) && \valid(out + (0 .. 15));
    requires \separated(b + (0 .. 15), out + (0 .. 15));
    assigns out[0 .. 15];
*/
static void
expand(const uint8_t *b, size_t g, bool dc, size_t cg, uint8_t *out)
{
	size_t k;
	size_t head;
	size_t tail;

	head = dc ? 2 * cg : 16;
	tail = dc ? 2 * (g - cg) : 0;
	/*@ loop invariant 0 <= k <= 16;
	    loop assigns k, out[0 .. 15];
	    loop variant 16 - k;
	*/
	for (k = 0; k < 16; k++) {
		if (k < head)
			out[k] = b[k];
		else if (k < 16 - tail)
			out[k] = 0;
		else
			out[k] = b[k - (16 - 2 * g)];
	}
}

/* Store group value v as group g of b. */
/*@ requires g <= 7 && v <= 0xffff && \valid(b + (0 .. 15));
    assigns b[2 * g], b[2 * g + 1];
*/
static void
group(uint8_t *b, size_t g, uint32_t v)
{
	b[2 * g] = (uint8_t)(v / 256);
	b[2 * g + 1] = (uint8_t)(v % 256);
}

/* Is s[i .. j) an IPv6 address? Its bytes into out[0 .. 15]. */
/*@ requires i <= j && \valid_read(s + (i .. j - 1)) && \valid(out + (0 .. 15));
    requires \separated(out + (0 .. 15), s + (i .. j - 1));
    assigns out[0 .. 15];
    ensures \result <==> cidr_v6(s, i, j);
*/
static bool
read_v6(const char *s, size_t i, size_t j, uint8_t *out)
{
	uint8_t b[16] = { 0 };
	size_t p;
	size_t e;
	size_t g;
	size_t cg;
	uint32_t v;
	bool dc;

	if (i == j)
		return false;
	p = i;
	g = 0;
	cg = 0;
	dc = false;
	if (s[i] == ':') {
		if (i + 1 == j || s[i + 1] != ':')
			return false;
		dc = true;
		if (i + 2 == j) {
			expand(b, 0, true, 0, out);
			return true;
		}
		p = i + 2;
	}
	/*@ loop invariant i <= p < j && g <= 7 && cg <= g;
	    loop invariant cidr_v6(s, i, j) <==> cidr_v6g(s, p, j, g, dc ? 1 : 0);
	    loop assigns p, e, g, cg, v, dc, b[0 .. 15];
	    loop variant j - p;
	*/
	for (;;) {
		e = hexrun(s, p, j, &v);
		if (e == p || e - p > 4)
			return false;
		if (e < j && s[e] == '.') {
			if (dc ? g + 2 > 7 : g + 2 != 8)
				return false;
			if (!read_v4(s, p, j, &b[2 * g]))
				return false;
			expand(b, g + 2, dc, cg, out);
			return true;
		}
		if (e == j) {
			if (dc ? g + 1 > 7 : g + 1 != 8)
				return false;
			group(b, g, v);
			expand(b, g + 1, dc, cg, out);
			return true;
		}
		if (s[e] != ':' || e + 1 == j || g + 1 > 7)
			return false;
		group(b, g, v);
		g++;
		if (s[e + 1] != ':') {
			p = e + 1;
			continue;
		}
		if (dc)
			return false;
		dc = true;
		cg = g;
		if (e + 2 == j) {
			expand(b, g, dc, cg, out);
			return true;
		}
		p = e + 2;
	}
}

int
cidr_parse(const char *text, struct cidr *c)
{
	uint8_t raw[16];
	uint32_t max;
	size_t h;
	int r;

	h = 0;
	/*@ loop invariant 0 <= h <= strlen(text);
	    loop invariant cidr_slash(text, 0) == cidr_slash(text, h);
	    loop assigns h;
	    loop variant strlen(text) - h;
	*/
	while (text[h] != '\0' && text[h] != '/')
		h++;
	if (read_v4(text, 0, h, raw)) {
		c->v4 = true;
		addr_key(c->key, raw, 4);
	} else if (read_v6(text, 0, h, raw)) {
		c->v4 = false;
		addr_key(c->key, raw, 16);
	} else
		return CIDR_ADDR;
	max = 128;
	if (c->v4)
		max = 32;
	c->len = max;
	if (text[h] == '\0')
		return CIDR_OK;
	r = num_parse(text + h + 1, max, &c->len);
	if (r == NUM_OK)
		return CIDR_OK;
	if (r == NUM_RANGE)
		return CIDR_PREFIX;
	return CIDR_LEN;
}

int
cidr_add(struct acl *a, const char *text, bool deny, const char **why)
{
	struct cidr c;
	int r;

	r = cidr_parse(text, &c);
	if (r == CIDR_ADDR) {
		*why = "not a numeric IPv4 or IPv6 address";
		return -1;
	}
	if (r == CIDR_LEN) {
		*why = "the prefix length is not a decimal number";
		return -1;
	}
	if (r == CIDR_OK) {
		r = acl_add(a, c.key, c.v4, c.len, deny);
		if (r == ACL_OK)
			return 0;
		if (r == ACL_HOSTBITS) {
			*why = "host bits set beyond the prefix";
			return -1;
		}
	}
	*why = "prefix over 128";
	if (c.v4)
		*why = "prefix over 32";
	return -1;
}
