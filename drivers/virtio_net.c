/* virtio-net driver: receive buffers kept posted, transmit with reclaim on
 * the next transmit, link status, interrupts that only suppress further
 * receive interrupts and kick the stack (which then polls). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "drivers/netdev.h"
#include "drivers/virtio.h"
#include "drivers/virtio_net.h"

#define VIRTIO_NET_F_MAC     (1ull << 5)
#define VIRTIO_NET_F_STATUS  (1ull << 16)
#define VIRTIO_NET_S_LINK_UP 1
#define VNET_CFG_MAC         0
#define VNET_CFG_STATUS      6
#define VNET_HDR             12 /* struct virtio_net_hdr with VERSION_1 */
#define RXQ                  0
#define TXQ                  1
#define QSIZE                128
#define BUF_SIZE             2048 /* header + the largest frame, two per page */
#define BUF_ORDER            6    /* QSIZE * BUF_SIZE bytes of pages */

_Static_assert(VNET_HDR + NETDEV_MAX_FRAME <= BUF_SIZE, "a frame fits a buffer");
_Static_assert((QSIZE * BUF_SIZE) == (PAGE_SIZE << BUF_ORDER), "buffer pool size");

struct vnet {
    struct netdev nd;
    struct virtio_dev vd;
    struct virtq rx, tx;
    struct page *rxpages, *txpages;
    uint8_t *rxbuf, *txbuf;
    uint16_t txfree[QSIZE]; /* free transmit slots, a stack */
    unsigned ntxfree;
    int dead; /* reset after a device error: the device is gone for good */
};

static int rx_post(struct vnet *v, uint8_t *buf)
{
    struct virtq_seg s = {pg_phys(v->rxpages) + (uint64_t)(buf - v->rxbuf), BUF_SIZE, 1};
    return virtq_add(&v->rx, &s, 1, buf);
}

/* Reset the device and free what it could touch; v stays (its interrupt
 * may be attached to it, and devices are never removed), dead. */
static void vnet_stop(struct vnet *v)
{
    virtio_fail(&v->vd);
    v->dead = 1;
    v->nd.link_up = 0;
    virtq_free(&v->rx);
    virtq_free(&v->tx);
    if (v->rxpages)
        pg_free(v->rxpages, BUF_ORDER);
    if (v->txpages)
        pg_free(v->txpages, BUF_ORDER);
    v->rxpages = v->txpages = 0;
}

/* The device broke the queue protocol: stop it, drop the link, tell the stack. */
static void vnet_kill(struct vnet *v)
{
    printk("virtio-net %s: device error, reset (%lu bad used entries)\n", v->nd.name,
           (unsigned long)(v->rx.bad_used + v->tx.bad_used));
    vnet_stop(v);
    netdev_kick(&v->nd);
}

static void tx_reclaim(struct vnet *v)
{
    void *cookie;
    uint32_t len;
    int r;
    while ((r = virtq_get(&v->tx, &cookie, &len)) != -EAGAIN) {
        if (r == -EPROTO) {
            vnet_kill(v);
            return;
        }
        v->txfree[v->ntxfree++] = (uint16_t)(((uint8_t *)cookie - v->txbuf) / BUF_SIZE);
    }
}

static int vnet_xmit(struct netdev *nd, const void *frame, size_t len)
{
    struct vnet *v = nd->priv;
    if (len < NETDEV_ETH_HDR || len > NETDEV_MAX_FRAME)
        return -EINVAL;
    if (!v->dead)
        tx_reclaim(v);
    if (v->dead || !v->ntxfree) {
        nd->tx_dropped++;
        return -ENOBUFS;
    }
    unsigned slot = v->txfree[--v->ntxfree];
    uint8_t *buf = v->txbuf + (uint64_t)slot * BUF_SIZE;
    memset(buf, 0, VNET_HDR);
    memcpy(buf + VNET_HDR, frame, len);
    struct virtq_seg s = {pg_phys(v->txpages) + (uint64_t)slot * BUF_SIZE,
                          (uint32_t)(VNET_HDR + len), 0};
    if (virtq_add(&v->tx, &s, 1, buf) != 0) { /* cannot happen: a slot per entry */
        v->txfree[v->ntxfree++] = (uint16_t)slot;
        nd->tx_dropped++;
        return -ENOBUFS;
    }
    virtq_kick(&v->tx);
    nd->tx_packets++;
    nd->tx_bytes += len;
    return 0;
}

/* One receive completion: hand the frame up (1) or count it as malformed
 * (0); the buffer goes back to the device either way. */
static int rx_one(struct vnet *v, int r, uint8_t *buf, uint32_t len)
{
    struct netdev *nd = &v->nd;
    int ok =
        r == 0 && len >= VNET_HDR + NETDEV_ETH_HDR && len - VNET_HDR <= NETDEV_MAX_FRAME && nd->rx;
    if (ok) {
        nd->rx(nd, buf + VNET_HDR, len - VNET_HDR);
        nd->rx_packets++;
        nd->rx_bytes += len - VNET_HDR;
    } else {
        nd->rx_dropped++;
    }
    rx_post(v, buf); /* the slot it came from is free: cannot fail */
    return ok;
}

static int vnet_poll(struct netdev *nd, int budget)
{
    struct vnet *v = nd->priv;
    int n = 0, got = 0;
    while (!v->dead && n < budget) {
        void *cookie;
        uint32_t len = 0;
        int r = virtq_get(&v->rx, &cookie, &len);
        if (r == -EAGAIN) {
            if (!virtq_intr_on(&v->rx))
                break;
            virtq_intr_off(&v->rx); /* more came in: harvest them first */
            continue;
        }
        if (r == -EPROTO) {
            vnet_kill(v);
            break;
        }
        n += rx_one(v, r, cookie, len);
        got++;
    }
    if (got && !v->dead)
        virtq_kick(&v->rx);
    return n;
}

static const struct netdev_ops vnet_ops = {.xmit = vnet_xmit, .poll = vnet_poll};

/* Read the link state (always up without VIRTIO_NET_F_STATUS): 1 when
 * it changed. */
static int link_update(struct vnet *v)
{
    uint16_t st = VIRTIO_NET_S_LINK_UP;
    if (v->vd.features & VIRTIO_NET_F_STATUS)
        virtio_config(&v->vd, VNET_CFG_STATUS, &st, sizeof(st));
    int up = (st & VIRTIO_NET_S_LINK_UP) != 0, changed = up != v->nd.link_up;
    v->nd.link_up = up;
    return changed;
}

/* The interrupt: acknowledge, note a link change, keep further receive
 * interrupts off until poll has emptied the ring, and kick the stack. */
static void vnet_intr(void *arg)
{
    struct vnet *v = arg;
    unsigned why = virtio_isr(&v->vd); /* first: a level-triggered line drops */
    if (v->dead)
        return;
    int kick = (why & VIRTIO_ISR_CONFIG) && link_update(v);
    if (why & VIRTIO_ISR_QUEUE) {
        virtq_intr_off(&v->rx);
        kick = 1;
    }
    if (kick)
        netdev_kick(&v->nd);
}

static int bufs_alloc(struct vnet *v)
{
    v->rxpages = pg_alloc(BUF_ORDER);
    v->txpages = pg_alloc(BUF_ORDER);
    if (!v->rxpages || !v->txpages)
        return -ENOMEM;
    v->rxbuf = pg_virt(v->rxpages);
    v->txbuf = pg_virt(v->txpages);
    for (unsigned i = 0; i < QSIZE; i++)
        v->txfree[v->ntxfree++] = (uint16_t)i;
    for (unsigned i = 0; i < v->rx.size; i++)
        if (rx_post(v, v->rxbuf + (uint64_t)i * BUF_SIZE) != 0)
            return -ENOMEM;
    return 0;
}

static void mac_read(struct vnet *v)
{
    if (!(v->vd.features & VIRTIO_NET_F_MAC) ||
        virtio_config(&v->vd, VNET_CFG_MAC, v->nd.mac, 6) != 0) {
        random_bytes(v->nd.mac, 6);
        v->nd.mac[0] = (uint8_t)((v->nd.mac[0] & 0xfe) | 0x02); /* local, unicast */
    }
}

/* Negotiate, route the interrupt, set up both queues and their buffers. */
static int vnet_setup(struct vnet *v, struct pci_dev *pd)
{
    uint64_t got;
    int r = virtio_open(&v->vd, pd);
    if (r == 0)
        r = virtio_features(&v->vd, VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS, &got);
    if (r == 0)
        r = virtio_irq(&v->vd, vnet_intr, v);
    if (r == 0)
        r = virtq_setup(&v->vd, &v->rx, RXQ, QSIZE);
    if (r == 0)
        r = virtq_setup(&v->vd, &v->tx, TXQ, QSIZE);
    if (r == 0)
        r = bufs_alloc(v);
    return r;
}

static int vnet_probe(struct pci_dev *pd)
{
    struct vnet *v = kzalloc(sizeof(*v));
    if (!v)
        return -ENOMEM;
    int r = vnet_setup(v, pd);
    if (r != 0) {
        vnet_stop(v);
        return r;
    }
    mac_read(v);
    v->nd.mtu = NETDEV_MTU;
    v->nd.ops = &vnet_ops;
    v->nd.priv = v;
    link_update(v);
    virtq_intr_off(&v->tx); /* transmissions are reclaimed by the next xmit */
    virtio_driver_ok(&v->vd);
    virtq_kick(&v->rx);
    netdev_register(&v->nd);
    const uint8_t *m = v->nd.mac;
    printk("virtio-net %s: mac %02x:%02x:%02x:%02x:%02x:%02x, link %s, %s, %u/%u buffers\n",
           v->nd.name, m[0], m[1], m[2], m[3], m[4], m[5], v->nd.link_up ? "up" : "down",
           v->vd.msix ? "MSI-X" : "INTx", v->rx.size, v->tx.size);
    return 0;
}

static const struct pci_id vnet_ids[] = {
    {VIRTIO_VENDOR, 0x1000}, /* transitional */
    {VIRTIO_VENDOR, 0x1041}, /* modern: 0x1040 + device type 1 */
    {0, 0},
};

const struct pci_driver virtio_net_driver = {"virtio-net", vnet_ids, vnet_probe};
