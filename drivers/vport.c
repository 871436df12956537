/* A virtio console port as a character device: receive buffers kept
 * posted and read in order, transmit buffers copied into and reclaimed,
 * the host side's state as end-of-file and EPIPE (virtio_console.h). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "drivers/virtio_console.h"

_Static_assert(VPORT_NRX == (1 << VPORT_BUF_ORDER) && VPORT_NTX == (1 << VPORT_BUF_ORDER),
               "a page per buffer");

static int rx_post(struct vport *p, unsigned i)
{
    struct virtq_seg s = {pg_phys(p->rxpages) + (uint64_t)i * PAGE_SIZE, PAGE_SIZE, 1};
    return virtq_add(&p->rx, &s, 1, p->rxbuf + (uint64_t)i * PAGE_SIZE);
}

int vport_init(struct vport *p)
{
    p->rxpages = pg_alloc(VPORT_BUF_ORDER);
    p->txpages = pg_alloc(VPORT_BUF_ORDER);
    if (!p->rxpages || !p->txpages)
        goto fail;
    p->rxbuf = pg_virt(p->rxpages);
    p->txbuf = pg_virt(p->txpages);
    for (unsigned i = 0; i < VPORT_NTX; i++)
        p->txfree[p->ntxfree++] = (uint8_t)i;
    for (unsigned i = 0; i < VPORT_NRX; i++)
        if (rx_post(p, i) != 0)
            goto fail; /* cannot happen on a fresh queue: device not yet told */
    virtq_kick(&p->rx);
    return 0;
fail:
    if (p->rxpages)
        pg_free(p->rxpages, VPORT_BUF_ORDER);
    if (p->txpages)
        pg_free(p->txpages, VPORT_BUF_ORDER);
    p->rxpages = p->txpages = 0;
    p->ntxfree = 0;
    return -ENOMEM;
}

void vport_wake(struct vport *p, int events)
{
    if (events & POLLIN)
        waitq_wake_all(&p->rq);
    if (events & POLLOUT)
        waitq_wake_all(&p->wq);
    pollq_notify(&p->pq, events);
}

/* A close counts as having been open: the host side existed (QEMU loses
 * the open of a socket connected while the driver resets the device, but
 * reports its close). */
void vport_host(struct vport *p, int open)
{
    p->host_open = open;
    p->host_was = 1;
    vport_wake(p, POLLIN | POLLOUT | POLLHUP | POLLERR);
}

/* The host side closed after having been open: end of file, EPIPE. */
static int host_closed(const struct vport *p)
{
    return p->gone || p->vc->dead || (p->host_was && !p->host_open);
}

/* Received buffers into the read queue: 1 when some came, -EPROTO (a
 * broken device), else 0. */
static int rx_harvest(struct vport *p)
{
    void *cookie;
    uint32_t len = 0;
    int r, got = 0;
    while ((r = virtq_get(&p->rx, &cookie, &len)) != -EAGAIN) {
        if (r == -EPROTO)
            return r;
        unsigned i = (unsigned)(((uint8_t *)cookie - p->rxbuf) / PAGE_SIZE);
        if (r != 0 || len == 0) {
            rx_post(p, i); /* a bogus length or nothing: back at once */
            continue;
        }
        p->rlen[i] = len;
        p->fq[(p->fhead + p->fcount++) % VPORT_NRX] = (uint8_t)i;
        got = 1;
    }
    return got;
}

/* Transmitted buffers back to the free slots: as rx_harvest. */
static int tx_reclaim(struct vport *p)
{
    void *cookie;
    uint32_t len;
    int r, got = 0;
    while ((r = virtq_get(&p->tx, &cookie, &len)) != -EAGAIN) {
        if (r == -EPROTO)
            return r;
        p->txfree[p->ntxfree++] = (uint8_t)(((uint8_t *)cookie - p->txbuf) / PAGE_SIZE);
        got = 1;
    }
    return got;
}

/* 1 while bytes written to p are still in the device's hands: the host
 * side has not taken every transmit buffer yet (and could still). */
int vport_tx_busy(struct vport *p)
{
    if (!p->present || p->vc->dead || host_closed(p) || tx_reclaim(p) < 0)
        return 0;
    return p->ntxfree < VPORT_NTX;
}

int vport_service(struct vport *p)
{
    int rx = rx_harvest(p), tx = tx_reclaim(p);
    if (rx < 0 || tx < 0)
        return -EPROTO;
    if (p->close_pending && !vport_tx_busy(p)) {
        p->close_pending = 0;
        vcons_port_open(p, 0);
    }
    int ev = (rx ? POLLIN | POLLRDNORM : 0) | (tx ? POLLOUT | POLLWRNORM : 0);
    if (ev)
        vport_wake(p, ev);
    return 0;
}

static struct vport *port_of(const struct file *f)
{
    return vport_by_minor(f->vn->rdev & 0xff);
}

/* Copy out of the received buffers in order; each emptied one is posted
 * again. The count or -EFAULT. */
static long rx_copy(struct vport *p, uint8_t *ubuf, size_t n)
{
    size_t done = 0;
    int posted = 0;
    while (done < n && p->fcount) {
        unsigned i = p->fq[p->fhead];
        size_t k = p->rlen[i] - p->roff < n - done ? p->rlen[i] - p->roff : n - done;
        if (copy_to_user(ubuf + done, p->rxbuf + (uint64_t)i * PAGE_SIZE + p->roff, k))
            return done ? (long)done : -EFAULT;
        done += k;
        p->roff += (unsigned)k;
        if (p->roff == p->rlen[i]) {
            p->roff = 0;
            p->fhead = (p->fhead + 1) % VPORT_NRX;
            p->fcount--;
            posted = rx_post(p, i) == 0;
        }
    }
    if (posted)
        virtq_kick(&p->rx);
    return (long)done;
}

static long vport_read(struct file *f, void *ubuf, size_t n)
{
    struct vport *p = port_of(f);
    if (!p)
        return -ENXIO;
    if (n == 0)
        return 0;
    while (!p->fcount) {
        /* The device fills buffers before it announces the close: what
         * it used and the service thread has not harvested yet comes
         * before the end of file. */
        if (rx_harvest(p) > 0)
            continue;
        if (host_closed(p))
            return 0;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&p->rq, 0) < 0)
            return -ERESTARTSYS;
    }
    return rx_copy(p, ubuf, n);
}

/* One transmit buffer's worth from program memory to the device: the
 * count or -EFAULT. A free slot and an open host side are the caller's. */
static long tx_one(struct vport *p, const uint8_t *ubuf, size_t n)
{
    unsigned i = p->txfree[--p->ntxfree];
    size_t k = n < PAGE_SIZE ? n : PAGE_SIZE;
    uint8_t *buf = p->txbuf + (uint64_t)i * PAGE_SIZE;
    struct virtq_seg s = {pg_phys(p->txpages) + (uint64_t)i * PAGE_SIZE, (uint32_t)k, 0};
    if (copy_from_user(buf, ubuf, k) || virtq_add(&p->tx, &s, 1, buf) != 0) {
        p->txfree[p->ntxfree++] = (uint8_t)i;
        return -EFAULT; /* virtq_add cannot fail: a descriptor per slot */
    }
    virtq_kick(&p->tx);
    return (long)k;
}

static long vport_write(struct file *f, const void *ubuf, size_t n)
{
    struct vport *p = port_of(f);
    size_t done = 0;
    if (!p)
        return -ENXIO;
    while (done < n) {
        if (host_closed(p))
            return done ? (long)done : p->host_was && !p->gone ? -EPIPE : -ENODEV;
        if (!p->ntxfree)
            tx_reclaim(p);
        if (!p->host_open || !p->ntxfree) {
            if (f->flags & O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            if (waitq_wait_intr(&p->wq, 0) < 0)
                return done ? (long)done : -ERESTARTSYS;
            continue;
        }
        long r = tx_one(p, (const uint8_t *)ubuf + done, n - done);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
    }
    return (long)done;
}

static int vport_poll(struct file *f, struct poll_table *pt)
{
    struct vport *p = port_of(f);
    if (!p)
        return POLLERR;
    poll_wait(f, &p->pq, pt);
    if (!p->ntxfree)
        tx_reclaim(p);
    int closed = host_closed(p), ev = closed ? POLLHUP : 0;
    if (p->fcount || closed)
        ev |= POLLIN | POLLRDNORM;
    if (closed)
        ev |= POLLERR * ((f->flags & O_ACCMODE) != O_RDONLY);
    else if (p->host_open && p->ntxfree)
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

static long vport_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct vport *p = port_of(f);
    if (cmd != FIONREAD)
        return -ENOTTY;
    int avail = 0;
    for (unsigned k = 0; p && k < p->fcount; k++)
        avail += (int)p->rlen[p->fq[(p->fhead + k) % VPORT_NRX]];
    avail -= p ? (int)p->roff : 0;
    return copy_to_user((void *)arg, &avail, sizeof(avail)) ? -EFAULT : 0;
}

/* The first guest open tells the host (PORT_OPEN 1), the last close too
 * (PORT_OPEN 0) — but only once the device has taken every byte written
 * (close_pending until then; vport_service sends it), so a host that
 * ends its side at that message has all the data. An open before then
 * just cancels the pending close. */
static int vport_open(struct file *f)
{
    struct vport *p = port_of(f);
    if (!p || p->gone || p->vc->dead)
        return -ENXIO;
    if (p->opens++ == 0 && !p->close_pending)
        vcons_port_open(p, 1);
    p->close_pending = 0;
    return 0;
}

static void vport_close(struct file *f)
{
    struct vport *p = port_of(f);
    if (!p || (f->flags & O_PATH) || !p->opens)
        return;
    if (--p->opens != 0)
        return;
    if (vport_tx_busy(p))
        p->close_pending = 1;
    else
        vcons_port_open(p, 0);
}

const struct file_ops vport_ops = {.read = vport_read,
                                   .write = vport_write,
                                   .ioctl = vport_ioctl,
                                   .poll = vport_poll,
                                   .open = vport_open,
                                   .close = vport_close};
