/* ebuf.c: the echo buffer state machine. Pure: never calls the OS, never sees a socket. */
#include "core/ebuf.h"

void
ebuf_init(struct ebuf *b, char *mem, size_t cap)
{
	b->mem = mem;
	b->cap = cap;
	b->head = 0;
	b->tail = 0;
	b->eof = false;
}

size_t
ebuf_room(const struct ebuf *b)
{
	if (b->eof)
		return 0;
	return b->cap - b->tail;
}

char *
ebuf_in(const struct ebuf *b)
{
	return b->mem + b->tail;
}

void
ebuf_ingest(struct ebuf *b, size_t n)
{
	b->tail += n;
}

void
ebuf_set_eof(struct ebuf *b)
{
	b->eof = true;
}

size_t
ebuf_pending(const struct ebuf *b)
{
	return b->tail - b->head;
}

const char *
ebuf_out(const struct ebuf *b)
{
	return b->mem + b->head;
}

void
ebuf_consume(struct ebuf *b, size_t n)
{
	b->head += n;
	if (b->head == b->tail) {
		/* Drained: reuse the whole buffer from the start. */
		b->head = 0;
		b->tail = 0;
	}
}

bool
ebuf_done(const struct ebuf *b)
{
	return b->eof && b->head == b->tail;
}
