/* Linux native AIO: contexts and submission (sys_aio.c), reaping
 * (aio_events.c), the completion ring each context maps into its process
 * (aio_ring.c). Internal to kernel/sys. */
#ifndef UNIPLEX_SYS_AIO_H
#define UNIPLEX_SYS_AIO_H

#include <stdint.h>
#include "kernel/sched/sched.h"

struct vmspace;
struct aio_ring;
struct aio_req;

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

/* A context (sys_aio.c; its id is its ring's address). */
struct aio_ctx {
    struct aio_ctx *next; /* the address space's list */
    struct aio_ring *ring;
    uint64_t addr, len;             /* the ring's mapping: addr is the context's id */
    uint32_t id, nr;                /* the ring's id and slots */
    uint32_t max_reqs;              /* what io_setup asked for (counted in aio_nr) */
    uint32_t tail;                  /* where the next event goes */
    uint32_t inflight;              /* submitted, no event yet */
    unsigned busy;                  /* calls using it now */
    int dead;                       /* io_destroy'd: no new call finds it */
    struct aio_req *waiting, *done; /* polls waiting; completed, to free */
    struct waitq wait;              /* io_getevents waits for events */
    struct waitq idle;              /* io_destroy waits for busy 0 */
};

/* The live context of the caller's address space that id names, held for
 * the call (aio_ctx_put lets it go; io_destroy waits for that), its
 * finished polls freed first: NULL if none. */
struct aio_ctx *aio_ctx_get(uint64_t id);
void aio_ctx_put(struct aio_ctx *c);
/* io_getevents, io_pgetevents (aio_events.c). */
void aio_events_register(void);

/* Every context of vs gone, its pending requests dropped (no events):
 * called when the address space goes (exit, exec), as Linux's exit_aio. */
void aio_exit(struct vmspace *vs);

#endif
