/* The AIO completion ring (Linux's ABI, which libaio reads in user space):
 * a 32-byte header { id, nr, head, tail, magic 0xa10a10a1, compat
 * features 1, incompat features 0, header length 32 } and nr io_events
 * after it, in pages of its own. The kernel writes events and the tail
 * through its own view of the pages, so a completion may be posted from
 * any context (a poll wake-up), whatever the program did to the mapping;
 * the program maps the same pages shared and writable, as on Linux. The
 * ring is a memory object: the context and each mapping of it hold it. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmobject.h"
#include "kernel/mm/vmregion.h"
#include "kernel/mm/vmspace.h"
#include "kernel/sys/aio.h"

#define AIO_RING_MAGIC      0xa10a10a1u
#define AIO_RING_COMPAT     1
#define AIO_RING_INCOMPAT   0
#define AIO_PROT_READ_WRITE 3 /* PROT_READ | PROT_WRITE */

struct aio_ring_hdr {
    uint32_t id, nr, head, tail, magic, compat_features, incompat_features, header_length;
};
_Static_assert(sizeof(struct aio_ring_hdr) == 32, "Linux struct aio_ring");

struct aio_ring {
    struct vm_object obj; /* what the mappings map */
    struct page **pg;     /* the pages, each with a reference of the ring's */
    uint32_t npages, nr;
    uint32_t maps; /* regions holding obj */
    int owned;     /* the context still holds it */
};

static struct aio_ring *ring_of(struct vm_object *o)
{
    return (struct aio_ring *)((char *)o - __builtin_offsetof(struct aio_ring, obj));
}

static void *ring_at(struct aio_ring *r, uint64_t off)
{
    return (char *)pg_virt(r->pg[off / PAGE_SIZE]) + off % PAGE_SIZE;
}

static struct aio_ring_hdr *ring_hdr(struct aio_ring *r)
{
    return ring_at(r, 0);
}

static void ring_free(struct aio_ring *r)
{
    for (uint32_t i = 0; i < r->npages; i++)
        if (r->pg[i])
            pg_put(r->pg[i]);
    kfree(r->pg);
    kfree(r);
}

static int ring_get(struct vm_object *o, uint64_t idx, int how, struct page **pg)
{
    struct aio_ring *r = ring_of(o);
    (void)how;
    if (idx >= r->npages)
        return -EIO;
    pg_get(r->pg[idx]); /* the mapping's */
    *pg = r->pg[idx];
    return 0;
}

static void ring_hold(struct vm_object *o)
{
    ring_of(o)->maps++;
}

static void ring_drop(struct vm_object *o)
{
    struct aio_ring *r = ring_of(o);
    if (--r->maps == 0 && !r->owned)
        ring_free(r);
}

static const struct vm_pager ring_pager = {ring_get, ring_hold, ring_drop};

/* Linux's aio_setup_ring: two slots more than asked, rounded up to pages,
 * every slot of the pages counted. */
int aio_ring_create(uint32_t min_slots, uint32_t id, struct aio_ring **out, uint32_t *slots)
{
    uint64_t bytes = sizeof(struct aio_ring_hdr) + ((uint64_t)min_slots + 2) * 32;
    uint32_t npages = (uint32_t)(page_round_up(bytes) / PAGE_SIZE);
    struct aio_ring *r = kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->obj.pager = &ring_pager;
    r->owned = 1;
    r->npages = npages;
    r->pg = kzalloc(npages * sizeof(*r->pg));
    for (uint32_t i = 0; r->pg && i < npages; i++)
        if (!(r->pg[i] = pg_alloc_zeroed(0)))
            break;
    if (!r->pg || !r->pg[npages - 1]) {
        r->npages = r->pg ? npages : 0;
        ring_free(r);
        return -ENOMEM;
    }
    r->nr = (uint32_t)((npages * PAGE_SIZE - sizeof(struct aio_ring_hdr)) / 32);
    *ring_hdr(r) = (struct aio_ring_hdr){id,
                                         r->nr,
                                         0,
                                         0,
                                         AIO_RING_MAGIC,
                                         AIO_RING_COMPAT,
                                         AIO_RING_INCOMPAT,
                                         sizeof(struct aio_ring_hdr)};
    *out = r;
    *slots = r->nr;
    return 0;
}

int aio_ring_map(struct aio_ring *r, struct vmspace *vs, uint64_t hint, uint64_t *addr,
                 uint64_t *len)
{
    uint64_t n = (uint64_t)r->npages * PAGE_SIZE, at;
    int err = vm_map_find_gap(&vs->map, hint, n, &at);
    if (!err)
        err = vmspace_map_file(vs, at, n, AIO_PROT_READ_WRITE, VM_SHARED, &r->obj, 0);
    if (err)
        return err == -EEXIST ? -ENOMEM : err;
    *addr = at;
    *len = n;
    return 0;
}

void aio_ring_release(struct aio_ring *r)
{
    r->owned = 0;
    if (r->maps == 0)
        ring_free(r);
}

uint32_t aio_ring_head(struct aio_ring *r)
{
    return ring_hdr(r)->head % r->nr;
}

void aio_ring_set_head(struct aio_ring *r, uint32_t head)
{
    ring_hdr(r)->head = head;
}

void aio_ring_set_tail(struct aio_ring *r, uint32_t tail)
{
    ring_hdr(r)->tail = tail;
}

struct io_event_k *aio_ring_event(struct aio_ring *r, uint32_t i)
{
    return ring_at(r, sizeof(struct aio_ring_hdr) + (uint64_t)(i % r->nr) * 32);
}
