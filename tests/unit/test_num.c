/* SPDX-License-Identifier: ISC */
/* test_num.c: unit tests for num_parse: strict decimal, whole string, range from the caller. */
#include "core/num.h"
#include "unit.h"

#include <stdint.h>

/* Parse s against max; returns the code and leaves *out as the parser left it. */
static int
parse(const char *s, uint32_t max, uint32_t *out)
{
	*out = 0xdeadbeefu;
	return num_parse(s, max, out);
}

int
main(void)
{
	uint32_t v;

	/* Plain values and the edges of a range. */
	CHECK(parse("0", 65535, &v) == NUM_OK && v == 0);
	CHECK(parse("7", 65535, &v) == NUM_OK && v == 7);
	CHECK(parse("65535", 65535, &v) == NUM_OK && v == 65535);
	CHECK(parse("65536", 65535, &v) == NUM_RANGE && v == 0xdeadbeefu);
	CHECK(parse("86400", 86400, &v) == NUM_OK && v == 86400);
	CHECK(parse("86401", 86400, &v) == NUM_RANGE);
	CHECK(parse("99999", 65535, &v) == NUM_RANGE);
	CHECK(parse("100000", 65535, &v) == NUM_RANGE);

	/* Maximum of the type, one past it, far past it. */
	CHECK(parse("4294967295", UINT32_MAX, &v) == NUM_OK && v == UINT32_MAX);
	CHECK(parse("4294967296", UINT32_MAX, &v) == NUM_RANGE);
	CHECK(parse("4294967300", UINT32_MAX, &v) == NUM_RANGE);
	CHECK(parse("99999999999999999999", UINT32_MAX, &v) == NUM_RANGE);
	CHECK(parse("18446744073709551616", 65535, &v) == NUM_RANGE);

	/* Small maxima: the overflow check must hold for them too. */
	CHECK(parse("0", 0, &v) == NUM_OK && v == 0);
	CHECK(parse("1", 0, &v) == NUM_RANGE);
	CHECK(parse("00000", 0, &v) == NUM_OK && v == 0);
	CHECK(parse("9", 9, &v) == NUM_OK && v == 9);
	CHECK(parse("10", 9, &v) == NUM_RANGE);
	CHECK(parse("1", 1, &v) == NUM_OK && v == 1);
	CHECK(parse("2", 1, &v) == NUM_RANGE);
	CHECK(parse("10", 10, &v) == NUM_OK && v == 10);
	CHECK(parse("11", 10, &v) == NUM_RANGE);

	/* Leading zeros are fine; 20 characters is the limit, 21 is too long. */
	CHECK(parse("007", 65535, &v) == NUM_OK && v == 7);
	CHECK(parse("00000000000000000007", 65535, &v) == NUM_OK && v == 7);
	CHECK(parse("00000000000000065535", 65535, &v) == NUM_OK && v == 65535);
	CHECK(parse("000000000000000000007", 65535, &v) == NUM_TOOLONG);
	CHECK(parse("000000000000000000000", 65535, &v) == NUM_TOOLONG);
	CHECK(parse("123456789012345678901", UINT32_MAX, &v) == NUM_TOOLONG);
	CHECK(parse("00000000000000000000", 65535, &v) == NUM_OK && v == 0);
	/* A bad character after 20 digits is still "too long". */
	CHECK(parse("00000000000000000000x", 65535, &v) == NUM_TOOLONG);

	/* Empty and syntax errors; *out untouched. */
	CHECK(parse("", 65535, &v) == NUM_EMPTY && v == 0xdeadbeefu);
	CHECK(parse("-1", 65535, &v) == NUM_SYNTAX && v == 0xdeadbeefu);
	CHECK(parse("+1", 65535, &v) == NUM_SYNTAX);
	CHECK(parse(" 1", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("1 ", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("12x", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("0x10", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("1e3", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("1.5", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("\t7", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("7\n", 65535, &v) == NUM_SYNTAX);
	CHECK(parse("/", 65535, &v) == NUM_SYNTAX);	/* '0' - 1 */
	CHECK(parse(":", 65535, &v) == NUM_SYNTAX);	/* '9' + 1 */
	CHECK(parse("\xb1", 65535, &v) == NUM_SYNTAX);	/* high-bit byte */
	/* A syntax error wins over a range error in the same word. */
	CHECK(parse("99999x", 65535, &v) == NUM_SYNTAX);

	UNIT_DONE();
}
