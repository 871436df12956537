/* Split virtqueues (virtio 1.0 2.4): descriptor table, available and used
 * rings in one block of contiguous pages; free descriptors are chained
 * through their next fields. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "drivers/virtio.h"
#include "drivers/virtio_pci.h"

#define VIRTQ_DESC_F_NEXT          1
#define VIRTQ_DESC_F_WRITE         2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_USED_F_NO_NOTIFY     1
#define VIRTQ_MAX                  1024

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
struct virtq_avail {
    uint16_t flags, idx;
    uint16_t ring[];
};
struct virtq_used_elem {
    uint32_t id, len;
};
struct virtq_used {
    uint16_t flags, idx;
    struct virtq_used_elem ring[];
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.0 2.4.5");
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.0 2.4.8");

/* Shared with the device: reads and writes of ring fields go through
 * these, so the compiler neither caches nor reorders them. */
#define RING_READ(x)     __atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define RING_WRITE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)

static uint64_t used_offset(unsigned size)
{
    uint64_t avail_end = 16ull * size + 6 + 2ull * size;
    return (avail_end + 3) & ~3ull;
}

static int rings_alloc(struct virtq *vq)
{
    uint64_t bytes = used_offset(vq->size) + 6 + 8ull * vq->size;
    for (vq->order = 0; ((uint64_t)PAGE_SIZE << vq->order) < bytes; vq->order++)
        ;
    vq->pages = pg_alloc_zeroed(vq->order);
    vq->cookie = kzalloc(vq->size * sizeof(void *));
    vq->wlen = kzalloc(vq->size * sizeof(uint32_t));
    if (!vq->pages || !vq->cookie || !vq->wlen)
        return -ENOMEM;
    uint8_t *base = pg_virt(vq->pages);
    vq->desc = (struct virtq_desc *)base;
    vq->avail = (struct virtq_avail *)(base + 16ull * vq->size);
    vq->used = (struct virtq_used *)(base + used_offset(vq->size));
    for (uint16_t i = 0; i < vq->size; i++)
        vq->desc[i].next = (uint16_t)(i + 1);
    vq->nfree = vq->size;
    return 0;
}

void virtq_free(struct virtq *vq)
{
    if (vq->pages)
        pg_free(vq->pages, vq->order);
    kfree(vq->cookie);
    kfree(vq->wlen);
    vq->pages = 0;
    vq->cookie = 0;
    vq->wlen = 0;
}

/* Give the selected queue's rings and vector to the device and enable
 * it: 0, or -ENOSPC when the device refused the MSI-X vector (the queue
 * then stays disabled). */
static int tell_device(struct virtio_dev *vd, struct virtq *vq)
{
    uint64_t pa = pg_phys(vq->pages);
    uint64_t addr[3] = {pa, pa + 16ull * vq->size, pa + used_offset(vq->size)};
    static const unsigned reg[3] = {VCOM_Q_DESC, VCOM_Q_DRIVER, VCOM_Q_DEVICE};
    for (int i = 0; i < 3; i++) {
        vcom32(vd, reg[i]) = (uint32_t)addr[i];
        vcom32(vd, reg[i] + 4) = (uint32_t)(addr[i] >> 32);
    }
    vcom16(vd, VCOM_Q_SIZE) = vq->size;
    vcom16(vd, VCOM_Q_MSIX) = vd->msix ? 0 : VIRTIO_NO_VECTOR;
    if (vd->msix && vcom16(vd, VCOM_Q_MSIX) != 0)
        return -ENOSPC;
    vq->notify = (volatile uint16_t *)(vd->notify + vcom16(vd, VCOM_Q_NOTIFY) * vd->notify_mult);
    vcom16(vd, VCOM_Q_ENABLE) = 1;
    return 0;
}

int virtq_setup(struct virtio_dev *vd, struct virtq *vq, unsigned index, unsigned max)
{
    *vq = (struct virtq){.vd = vd, .index = (uint16_t)index};
    if (index >= vcom16(vd, VCOM_NUM_QUEUES) || !max || (max & (max - 1)) || max > VIRTQ_MAX)
        return -EINVAL;
    vcom16(vd, VCOM_Q_SELECT) = (uint16_t)index;
    unsigned dev_max = vcom16(vd, VCOM_Q_SIZE);
    if (dev_max == 0 || vcom16(vd, VCOM_Q_ENABLE))
        return -EINVAL;
    vq->size = (uint16_t)(dev_max < max ? dev_max : max);
    int r = rings_alloc(vq);
    if (r == 0)
        r = tell_device(vd, vq);
    if (r != 0)
        virtq_free(vq);
    return r;
}

int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned n, void *cookie)
{
    if (!n || !cookie)
        return -EINVAL;
    if (n > vq->nfree)
        return -ENOSPC;
    uint16_t head = vq->free_head, i = head, last = head;
    uint32_t wlen = 0;
    for (unsigned k = 0; k < n; k++) {
        struct virtq_desc *d = &vq->desc[i];
        d->addr = segs[k].pa;
        d->len = segs[k].len;
        d->flags = (uint16_t)((segs[k].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                              (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        wlen += segs[k].device_writes ? segs[k].len : 0;
        last = i;
        i = d->next;
    }
    vq->free_head = vq->desc[last].next;
    vq->nfree = (uint16_t)(vq->nfree - n);
    vq->cookie[head] = cookie;
    vq->wlen[head] = wlen;
    uint16_t idx = vq->avail->idx;
    vq->avail->ring[idx % vq->size] = head;
    RING_WRITE(vq->avail->idx, (uint16_t)(idx + 1)); /* after the entry */
    return 0;
}

void virtq_kick(struct virtq *vq)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* avail->idx out before used->flags is read */
    if (!(RING_READ(vq->used->flags) & VIRTQ_USED_F_NO_NOTIFY))
        *vq->notify = vq->index;
}

/* Give the chain at head back to the free list. */
static void chain_free(struct virtq *vq, uint16_t head)
{
    uint16_t i = head, n = 1;
    while ((vq->desc[i].flags & VIRTQ_DESC_F_NEXT) && n < vq->size) {
        i = vq->desc[i].next;
        n++;
    }
    vq->desc[i].next = vq->free_head;
    vq->free_head = head;
    vq->nfree = (uint16_t)(vq->nfree + n);
    vq->cookie[head] = 0;
}

int virtq_get(struct virtq *vq, void **cookie, uint32_t *len)
{
    for (;;) {
        uint16_t idx = RING_READ(vq->used->idx);
        if (idx == vq->last_used)
            return -EAGAIN;
        if ((uint16_t)(idx - vq->last_used) > vq->size) {
            vq->bad_used++;
            return -EPROTO;
        }
        struct virtq_used_elem e = vq->used->ring[vq->last_used % vq->size];
        vq->last_used++;
        if (e.id >= vq->size || !vq->cookie[e.id]) {
            vq->bad_used++; /* names no chain in flight: skipped */
            continue;
        }
        *cookie = vq->cookie[e.id];
        chain_free(vq, (uint16_t)e.id);
        if (e.len > vq->wlen[e.id]) {
            vq->bad_used++;
            return -EIO;
        }
        *len = e.len;
        return 0;
    }
}

void virtq_intr_off(struct virtq *vq)
{
    RING_WRITE(vq->avail->flags, (uint16_t)VIRTQ_AVAIL_F_NO_INTERRUPT);
}

int virtq_intr_on(struct virtq *vq)
{
    RING_WRITE(vq->avail->flags, (uint16_t)0);
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the flag out before used->idx is read */
    return RING_READ(vq->used->idx) != vq->last_used;
}
