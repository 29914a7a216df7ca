/* ebuf.h: the echo buffer state machine: bytes read in, bytes written out, EOF. Pure: no syscalls. */
#ifndef EBUF_H
#define EBUF_H

#include <stddef.h>
#include <stdbool.h>

/*
 * A fixed linear buffer. Bytes [head, tail) were read and not yet written
 * back. Reading appends at tail; writing takes from head; when everything
 * pending has been written, both offsets return to 0 so the whole buffer
 * is free again. eof records that the peer shut down its sending side.
 */
struct ebuf {
	char	*mem;
	size_t	 cap;
	size_t	 head;
	size_t	 tail;
	bool	 eof;
};

/*@ predicate ebuf_inv_r(struct ebuf *b) =
      \valid_read(b) && 0 < b->cap && b->head <= b->tail && b->tail <= b->cap &&
      \valid(b->mem + (0 .. b->cap - 1)) && \separated(b, b->mem + (0 .. b->cap - 1));
    // ebuf_inv_r is for const b: EVA holds \valid false on a pointer to const.
    predicate ebuf_inv(struct ebuf *b) = \valid(b) && ebuf_inv_r(b);
*/

/* Start an empty buffer over mem[0..cap-1]. */
/*@ requires \valid(b) && 0 < cap && \valid(mem + (0 .. cap - 1));
    requires \separated(b, mem + (0 .. cap - 1));
    assigns *b;
    ensures ebuf_inv(b);
    ensures b->mem == mem && b->cap == cap;
    ensures b->head == 0 && b->tail == 0 && !b->eof;
*/
void	ebuf_init(struct ebuf *b, char *mem, size_t cap);

/* Room to read into: 0 once EOF was seen. */
/*@ requires ebuf_inv_r(b);
    assigns \nothing;
    behavior at_eof:
      assumes b->eof;
      ensures \result == 0;
    behavior open:
      assumes !b->eof;
      ensures \result == b->cap - b->tail;
    complete behaviors; disjoint behaviors;
*/
size_t	ebuf_room(const struct ebuf *b);

/* Where the next read goes. */
/*@ requires ebuf_inv_r(b);
    assigns \nothing;
    ensures \result == b->mem + b->tail;
*/
char	*ebuf_in(const struct ebuf *b);

/* Account for n bytes just read into ebuf_in(b). */
/*@ requires ebuf_inv(b);
    requires !b->eof && 0 < n && n <= b->cap - b->tail;
    assigns b->tail;
    ensures ebuf_inv(b);
    ensures b->tail == \old(b->tail) + n;
*/
void	ebuf_ingest(struct ebuf *b, size_t n);

/* The peer shut down its sending side: nothing more will be ingested. */
/*@ requires ebuf_inv(b);
    assigns b->eof;
    ensures ebuf_inv(b) && b->eof;
*/
void	ebuf_set_eof(struct ebuf *b);

/* Bytes read and not yet written back. */
/*@ requires ebuf_inv_r(b);
    assigns \nothing;
    ensures \result == b->tail - b->head;
*/
size_t	ebuf_pending(const struct ebuf *b);

/* Where the next write comes from. */
/*@ requires ebuf_inv_r(b);
    assigns \nothing;
    ensures \result == b->mem + b->head;
*/
const char *ebuf_out(const struct ebuf *b);

/* Account for n bytes just written from ebuf_out(b). */
/*@ requires ebuf_inv(b);
    requires 0 < n && n <= b->tail - b->head;
    assigns b->head, b->tail;
    ensures ebuf_inv(b);
    behavior drained:
      assumes b->head + n == b->tail;
      ensures b->head == 0 && b->tail == 0;
    behavior partial:
      assumes b->head + n != b->tail;
      ensures b->head == \old(b->head) + n && b->tail == \old(b->tail);
    complete behaviors; disjoint behaviors;
*/
void	ebuf_consume(struct ebuf *b, size_t n);

/* The session is over: EOF seen and everything written back. */
/*@ requires ebuf_inv_r(b);
    assigns \nothing;
    ensures \result <==> (b->eof && b->head == b->tail);
*/
bool	ebuf_done(const struct ebuf *b);

#endif
