/* test_ebuf.c: unit tests for the echo buffer state machine (ingest, consume, EOF, reuse). */
#include "core/ebuf.h"
#include "unit.h"

#include <string.h>

int
main(void)
{
	char mem[8];
	char one[1];
	struct ebuf b;

	/* Empty buffer. */
	ebuf_init(&b, mem, sizeof(mem));
	CHECK(b.mem == mem && b.cap == 8 && b.head == 0 && b.tail == 0 && !b.eof);
	CHECK(ebuf_room(&b) == 8);
	CHECK(ebuf_pending(&b) == 0);
	CHECK(ebuf_in(&b) == mem);
	CHECK(ebuf_out(&b) == mem);
	CHECK(!ebuf_done(&b));

	/* Ingest 3, consume 1: partial, offsets move. */
	memcpy(ebuf_in(&b), "abc", 3);
	ebuf_ingest(&b, 3);
	CHECK(ebuf_pending(&b) == 3 && ebuf_room(&b) == 5);
	CHECK(ebuf_in(&b) == mem + 3);
	ebuf_consume(&b, 1);
	CHECK(ebuf_pending(&b) == 2 && ebuf_out(&b) == mem + 1);
	CHECK(*ebuf_out(&b) == 'b');
	/* Room counts only what is after tail (linear buffer). */
	CHECK(ebuf_room(&b) == 5);

	/* Fill to the last byte: room 0 while not at EOF. */
	ebuf_ingest(&b, 5);
	CHECK(ebuf_room(&b) == 0 && ebuf_pending(&b) == 7);
	CHECK(ebuf_in(&b) == mem + 8);

	/* Drain one byte at a time: the last consume resets both offsets. */
	ebuf_consume(&b, 1);
	ebuf_consume(&b, 1);
	ebuf_consume(&b, 1);
	ebuf_consume(&b, 1);
	ebuf_consume(&b, 1);
	ebuf_consume(&b, 1);
	CHECK(b.head == 7 && b.tail == 8 && ebuf_pending(&b) == 1);
	ebuf_consume(&b, 1);
	CHECK(b.head == 0 && b.tail == 0);
	CHECK(ebuf_room(&b) == 8 && ebuf_pending(&b) == 0);

	/* Whole buffer in one go and out in one go. */
	ebuf_ingest(&b, 8);
	CHECK(ebuf_room(&b) == 0 && ebuf_pending(&b) == 8);
	ebuf_consume(&b, 8);
	CHECK(b.head == 0 && b.tail == 0 && ebuf_room(&b) == 8);

	/* EOF with data pending: no more room, not done until drained. */
	ebuf_ingest(&b, 2);
	ebuf_set_eof(&b);
	CHECK(b.eof && ebuf_room(&b) == 0);
	CHECK(ebuf_pending(&b) == 2 && !ebuf_done(&b));
	ebuf_consume(&b, 1);
	CHECK(!ebuf_done(&b));
	ebuf_consume(&b, 1);
	CHECK(ebuf_done(&b) && ebuf_room(&b) == 0);

	/* Zero-byte session: EOF at once is done at once. */
	ebuf_init(&b, mem, sizeof(mem));
	ebuf_set_eof(&b);
	CHECK(ebuf_done(&b) && ebuf_pending(&b) == 0 && ebuf_room(&b) == 0);
	/* Setting EOF twice changes nothing. */
	ebuf_set_eof(&b);
	CHECK(ebuf_done(&b));

	/* Smallest buffer: capacity 1. */
	ebuf_init(&b, one, 1);
	CHECK(ebuf_room(&b) == 1 && ebuf_in(&b) == one);
	*ebuf_in(&b) = 'x';	/* written the way a reader fills it */
	ebuf_ingest(&b, 1);
	CHECK(ebuf_room(&b) == 0 && ebuf_pending(&b) == 1 && *ebuf_out(&b) == 'x');
	ebuf_consume(&b, 1);
	CHECK(ebuf_room(&b) == 1 && ebuf_pending(&b) == 0 && !ebuf_done(&b));

	/* Re-init resets EOF. */
	ebuf_init(&b, mem, sizeof(mem));
	CHECK(!b.eof && ebuf_room(&b) == 8);

	UNIT_DONE();
}
