/* fuzz/echobuf.c: the ebuf state machine driven by an operation sequence, checked against a trivial reference queue. */
/*
 * Input: byte 0 picks the capacity (1..32, or a few larger ones); every
 * following pair of bytes is one operation: op = b & 3 (0-1 ingest, 2
 * consume, 3 EOF) with amount from the next byte. The reference model is a
 * plain FIFO plus a count of bytes ingested since it was last empty (the
 * buffer is linear: room is what remains after the last byte ever ingested
 * until everything pending has been written back). Any disagreement, or
 * any byte out of order, is abort().
 */
#include "core/ebuf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t big[4] = { 64, 255, 1000, 4096 };

/* The reference: a FIFO of at most cap bytes. */
struct model {
	uint8_t	 q[4096];
	size_t	 first;		/* index of the oldest pending byte in q */
	size_t	 count;		/* pending bytes */
	size_t	 fill;		/* bytes ingested since the queue was last empty */
	int	 eof;
	uint8_t	 next;		/* the value of the next byte ingested */
};

static void
fail(const char *why)
{
	fprintf(stderr, "echobuf oracle: %s\n", why);
	abort();
}

/* Every observable of b against m. */
static void
check(const struct ebuf *b, const struct model *m, size_t cap)
{
	size_t room;

	room = m->eof ? 0 : cap - m->fill;
	if (ebuf_room(b) != room)
		fail("room differs");
	if (ebuf_pending(b) != m->count)
		fail("pending differs");
	if (ebuf_done(b) != (m->eof && m->count == 0))
		fail("done differs");
	if (!m->eof && ebuf_in(b) + room != b->mem + cap)
		fail("ebuf_in does not leave room bytes before the end");
	if (ebuf_out(b) < b->mem || ebuf_out(b) + m->count > b->mem + cap)
		fail("ebuf_out outside the buffer");
}

/* The first n pending bytes of b against the front of m's queue. */
static void
check_bytes(const struct ebuf *b, const struct model *m, size_t cap, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((uint8_t)ebuf_out(b)[i] != m->q[(m->first + i) % cap])
			fail("pending bytes differ from the queue");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model *m;
	struct ebuf b;
	size_t cap;
	size_t n;
	size_t i;
	size_t k;
	char *mem;
	uint8_t op;

	if (size == 0)
		return 0;
	cap = (data[0] & 0x80) ? big[data[0] & 3] : (size_t)(data[0] & 31) + 1;
	mem = malloc(cap);	/* exactly cap: ASan sees any overrun */
	m = calloc(1, sizeof(*m));
	if (mem == NULL || m == NULL)
		fail("out of memory");
	ebuf_init(&b, mem, cap);
	check(&b, m, cap);
	for (i = 1; i < size; i += 2) {
		op = data[i] & 3;
		n = i + 1 < size ? data[i + 1] : 0;
		if (op <= 1) {
			if (m->eof || cap - m->fill == 0)
				continue;
			n = n % (cap - m->fill) + 1;
			for (k = 0; k < n; k++) {
				/* cppcheck-suppress shadowVariable ; cppcheck 2.10 misparses "ebuf_in(&b)[k] =" as a declaration of b */
				ebuf_in(&b)[k] = (char)m->next;
				m->q[(m->first + m->count + k) % cap] = m->next;
				m->next++;
			}
			ebuf_ingest(&b, n);
			m->count += n;
			m->fill += n;
		} else if (op == 2) {
			if (m->count == 0)
				continue;
			n = n % m->count + 1;
			check_bytes(&b, m, cap, n);	/* what would be written */
			ebuf_consume(&b, n);
			m->first = (m->first + n) % cap;
			m->count -= n;
			if (m->count == 0) {
				m->fill = 0;
				m->first = 0;
			}
		} else {
			ebuf_set_eof(&b);
			m->eof = 1;
		}
		check(&b, m, cap);
	}
	check_bytes(&b, m, cap, m->count);
	free(m);
	free(mem);
	return 0;
}
