/* Linux native AIO (io_setup and its calls, sys_aio.c): the completion
 * ring each context maps into its process (aio_ring.c). Internal to
 * kernel/sys. */
#ifndef UNIPLEX_SYS_AIO_H
#define UNIPLEX_SYS_AIO_H

#include <stdint.h>

struct vmspace;
struct aio_ring;

/* Linux's struct io_event: what a completion reports. */
struct io_event_k {
    uint64_t data; /* the iocb's aio_data */
    uint64_t obj;  /* the iocb's address */
    int64_t res, res2;
};
_Static_assert(sizeof(struct io_event_k) == 32, "Linux struct io_event");

/* A ring of at least min_slots events, as Linux sizes it (a header and
 * whole pages of events: *slots of them), its header filled in (id, the
 * magic, features, head = tail = 0): 0 and *out, or -ENOMEM. */
int aio_ring_create(uint32_t min_slots, uint32_t id, struct aio_ring **out, uint32_t *slots);
/* Map r shared and writable (as Linux: libaio moves the head itself)
 * into vs near hint: 0 with *addr and *len, -ENOMEM. The mapping holds
 * r while it lasts. */
int aio_ring_map(struct aio_ring *r, struct vmspace *vs, uint64_t hint, uint64_t *addr,
                 uint64_t *len);
/* The context is done with r: it goes when no mapping holds it either. */
void aio_ring_release(struct aio_ring *r);
/* The head as the program left it (it may move it), reduced to a slot;
 * and the head and tail set (the kernel's own tail is the truth). */
uint32_t aio_ring_head(struct aio_ring *r);
void aio_ring_set_head(struct aio_ring *r, uint32_t head);
void aio_ring_set_tail(struct aio_ring *r, uint32_t tail);
/* Event slot i: written by a completion, read by io_getevents. */
struct io_event_k *aio_ring_event(struct aio_ring *r, uint32_t i);

/* /proc/sys/fs/aio-max-nr: the events all contexts together may ask for
 * (Linux's default); aio_nr_now, /proc/sys/fs/aio-nr: what they ask for. */
#define AIO_MAX_NR 65536u
uint32_t aio_nr_now(void);

/* Every context of vs gone, its pending requests dropped (no events):
 * called when the address space goes (exit, exec), as Linux's exit_aio. */
void aio_exit(struct vmspace *vs);

#endif
