/* virtio-console: the device, its control queues and the ports they
 * announce (the ports' data path is drivers/vport.c). */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/printk.h"
#include "drivers/virtio_console.h"

#define VIRTIO_CONSOLE_F_MULTIPORT (1ull << 1)
#define VCONS_CFG_MAX_PORTS        4
#define CIN                        2
#define COUT                       3
#define CTL_RX                     32 /* control receive buffers: QEMU's queue size */
#define CTL_RX_SIZE                96 /* a header, a port name and its NUL */
#define CTL_TX                     32 /* control transmit slots */
#define CTL_TX_SIZE                16
#define CTL_TX_OFF                 (CTL_RX * CTL_RX_SIZE) /* in the control page */
#define BOOT_WAIT_NS               (1000 * NSEC_PER_MSEC) /* at most, for the ports */
#define BOOT_QUIET_NS              (100 * NSEC_PER_MSEC)  /* no message for this long: done */

_Static_assert(CTL_TX_OFF + CTL_TX * CTL_TX_SIZE <= PAGE_SIZE, "control page");
_Static_assert(CTL_RX_SIZE >= 8 + VPORT_NAME_MAX, "a name fits a control buffer");

/* Control events (virtio 1.0 5.3.6.2). */
enum {
    VC_DEVICE_READY = 0,
    VC_DEVICE_ADD = 1,
    VC_DEVICE_REMOVE = 2,
    VC_PORT_READY = 3,
    VC_CONSOLE_PORT = 4,
    VC_RESIZE = 5,
    VC_PORT_OPEN = 6,
    VC_PORT_NAME = 7,
};

struct vc_msg {
    uint32_t id;
    uint16_t event, value;
};
_Static_assert(sizeof(struct vc_msg) == 8, "struct virtio_console_control");

static struct vcons *devs[VCONS_MAX_DEVS];
static unsigned ndevs;

struct vport *vport_by_minor(unsigned minor)
{
    unsigned d = minor / VCONS_MAX_PORTS, n = minor % VCONS_MAX_PORTS;
    if (d >= ndevs || n >= devs[d]->nports || !devs[d]->port[n].present)
        return 0;
    return &devs[d]->port[n];
}

/* Sent control messages' slots back (a broken queue is the receive
 * side's to notice: vcons_service). */
static void ctl_reclaim(struct vcons *vc)
{
    void *cookie;
    uint32_t len;
    int r;
    while ((r = virtq_get(&vc->cout, &cookie, &len)) == 0 || r == -EIO)
        vc->cfree[vc->ncfree++] =
            (uint8_t)(((uint8_t *)cookie - vc->cbuf - CTL_TX_OFF) / CTL_TX_SIZE);
}

/* Send one control message; dropped (and counted) when the queue is full,
 * which a device that consumes its queue never lets happen. */
static void ctl_send(struct vcons *vc, uint32_t id, uint16_t event, uint16_t value)
{
    if (vc->dead)
        return;
    ctl_reclaim(vc);
    if (!vc->ncfree) {
        vc->bad_ctrl++;
        return;
    }
    unsigned slot = vc->cfree[--vc->ncfree], off = CTL_TX_OFF + slot * CTL_TX_SIZE;
    struct vc_msg m = {id, event, value};
    memcpy(vc->cbuf + off, &m, sizeof(m));
    struct virtq_seg s = {pg_phys(vc->cpage) + off, sizeof(m), 0};
    if (virtq_add(&vc->cout, &s, 1, vc->cbuf + off) != 0) {
        vc->cfree[vc->ncfree++] = (uint8_t)slot;
        return;
    }
    virtq_kick(&vc->cout);
}

void vcons_port_open(struct vport *p, int open)
{
    ctl_send(p->vc, p->id, VC_PORT_OPEN, (uint16_t)open);
}

/* DEVICE_ADD: the node /dev/vport<D>p<N>, then PORT_READY (1, or 0 when
 * the port could not be set up). */
static void port_add(struct vcons *vc, struct vport *p)
{
    char path[32];
    snprintf(path, sizeof(path), "vport%up%u", vc->index, p->id);
    int ok = vport_init(p) == 0 &&
             devfs_add_node(path, S_IFCHR | 0600,
                            (VPORT_MAJOR << 8) | (vc->index * VCONS_MAX_PORTS + p->id), 0) == 0;
    p->present = ok;
    if (ok && !vc->booting)
        printk("virtio-console: port %s added after boot: in /dev mounted from now on\n", path);
    ctl_send(vc, p->id, VC_PORT_READY, (uint16_t)ok);
}

/* A name udev would accept: no '/', no NUL, not "." or "..". */
static int name_ok(const char *s, size_t len)
{
    if (len == 0 || len >= VPORT_NAME_MAX || memchr(s, '/', len) || memchr(s, 0, len))
        return 0;
    return !(s[0] == '.' && (len == 1 || (len == 2 && s[1] == '.')));
}

/* PORT_NAME: the symlink /dev/virtio-ports/NAME. The name may end in a
 * NUL (QEMU sends one). */
static int port_name(struct vcons *vc, struct vport *p, const uint8_t *s, size_t len)
{
    if (len && s[len - 1] == 0)
        len--;
    if (p->name[0] || !name_ok((const char *)s, len))
        return -EINVAL;
    memcpy(p->name, s, len);
    p->name[len] = 0;
    char path[VPORT_NAME_MAX + 16], target[32];
    snprintf(path, sizeof(path), "virtio-ports/%s", p->name);
    snprintf(target, sizeof(target), "../vport%up%u", vc->index, p->id);
    return devfs_add_node(path, S_IFLNK | 0777, 0, target);
}

/* One event for a port that exists: 0, or -EINVAL (malformed). */
static int port_event(struct vcons *vc, struct vport *p, const struct vc_msg *m,
                      const uint8_t *extra, size_t elen)
{
    switch (m->event) {
    case VC_PORT_NAME:
        return port_name(vc, p, extra, elen);
    case VC_PORT_OPEN:
        if (m->value > 1)
            return -EINVAL;
        vport_host(p, m->value);
        return 0;
    case VC_CONSOLE_PORT:
        p->console = 1;
        return 0;
    case VC_DEVICE_REMOVE:
        p->gone = 1;
        vport_wake(p, POLLIN | POLLOUT | POLLHUP | POLLERR);
        return 0;
    case VC_RESIZE:
        return 0;
    default:
        return -EINVAL;
    }
}

/* One control message from the device, never trusted. */
void vcons_ctl_handle(struct vcons *vc, const uint8_t *buf, uint32_t len)
{
    struct vc_msg m;
    if (len < sizeof(m)) {
        vc->bad_ctrl++;
        return;
    }
    memcpy(&m, buf, sizeof(m));
    vc->msgs++;
    struct vport *p = m.id < vc->nports ? &vc->port[m.id] : 0;
    if (p && m.event == VC_DEVICE_ADD && !p->present && len == sizeof(m))
        port_add(vc, p);
    else if (!p || !p->present || p->gone || m.event == VC_DEVICE_ADD ||
             port_event(vc, p, &m, buf + sizeof(m), len - sizeof(m)) != 0)
        vc->bad_ctrl++;
}

static int ctl_post(struct vcons *vc, uint8_t *buf)
{
    struct virtq_seg s = {pg_phys(vc->cpage) + (uint64_t)(buf - vc->cbuf), CTL_RX_SIZE, 1};
    return virtq_add(&vc->cin, &s, 1, buf);
}

/* The device broke the queue protocol: reset it; every port is gone. */
static void vcons_kill(struct vcons *vc)
{
    printk("virtio-console vport%u: device error, reset\n", vc->index);
    virtio_fail(&vc->vd);
    vc->dead = 1;
    for (unsigned i = 0; i < vc->nports; i++) {
        vc->port[i].gone = 1;
        if (vc->port[i].present)
            vport_wake(&vc->port[i], POLLIN | POLLOUT | POLLHUP | POLLERR);
    }
}

/* The next control message, copied out and its buffer given back to the
 * device at once: a reply (PORT_READY) makes the device send more at once,
 * and with no buffer free it drops them. 1 with *len, 0 when none, or
 * -EPROTO (a broken device). A length the buffer could not hold is 0. */
static int ctl_next(struct vcons *vc, uint8_t *msg, uint32_t *len)
{
    void *cookie;
    int r = virtq_get(&vc->cin, &cookie, len);
    if (r == -EAGAIN || r == -EPROTO)
        return r == -EPROTO ? r : 0;
    if (r == 0)
        memcpy(msg, cookie, *len);
    else
        *len = 0;
    ctl_post(vc, cookie); /* its slot is free: cannot fail */
    virtq_kick(&vc->cin);
    return 1;
}

/* Handle every control message, then harvest every port's queues: the
 * messages seen. */
static unsigned vcons_service(struct vcons *vc)
{
    uint8_t msg[CTL_RX_SIZE];
    uint32_t len = 0;
    unsigned n = 0;
    int r;
    while (!vc->dead && (r = ctl_next(vc, msg, &len)) != 0) {
        if (r < 0) {
            vcons_kill(vc);
            return n;
        }
        vcons_ctl_handle(vc, msg, len); /* a short one (0) is counted there */
        n++;
    }
    for (unsigned i = 0; i < vc->nports && !vc->dead; i++)
        if (vc->port[i].present && vport_service(&vc->port[i]) != 0)
            vcons_kill(vc);
    return n;
}

static void vcons_thread(void *arg)
{
    struct vcons *vc = arg;
    for (;;) {
        if (!vc->pending)
            waitq_wait(&vc->svcq, 0);
        vc->pending = 0;
        if (!vc->dead)
            vcons_service(vc);
    }
}

static void vcons_intr(void *arg)
{
    struct vcons *vc = arg;
    virtio_isr(&vc->vd); /* first: a level-triggered line drops */
    vc->pending = 1;
    waitq_wake_one(&vc->svcq);
}

static unsigned rxq_of(unsigned port)
{
    return port ? 2 * port + 2 : 0;
}

/* Every queue the ports may use (queues are set up before DRIVER_OK; a
 * port's buffers come with its DEVICE_ADD). */
static int ports_setup(struct vcons *vc)
{
    int r = 0;
    for (unsigned i = 0; i < vc->nports && r == 0; i++) {
        struct vport *p = &vc->port[i];
        p->vc = vc;
        p->id = i;
        waitq_init(&p->rq);
        waitq_init(&p->wq);
        pollq_init(&p->pq);
        r = virtq_setup(&vc->vd, &p->rx, rxq_of(i), VPORT_NRX);
        if (r == 0)
            r = virtq_setup(&vc->vd, &p->tx, rxq_of(i) + 1, VPORT_NTX);
    }
    return r;
}

static int ctl_setup(struct vcons *vc)
{
    int r = virtq_setup(&vc->vd, &vc->cin, CIN, CTL_RX);
    if (r == 0)
        r = virtq_setup(&vc->vd, &vc->cout, COUT, CTL_TX);
    if (r == 0 && !(vc->cpage = pg_alloc(0)))
        r = -ENOMEM;
    if (r != 0)
        return r;
    vc->cbuf = pg_virt(vc->cpage);
    for (unsigned i = 0; i < CTL_TX; i++)
        vc->cfree[vc->ncfree++] = (uint8_t)i;
    for (unsigned i = 0; i < vc->cin.size && r == 0; i++)
        r = ctl_post(vc, vc->cbuf + i * CTL_RX_SIZE);
    return r;
}

/* Negotiate (MULTIPORT is required: ports come with names only through
 * it), route the interrupt, set up every queue. */
static int vcons_setup(struct vcons *vc, struct pci_dev *pd)
{
    uint64_t got = 0;
    uint32_t max = 0;
    int r = virtio_open(&vc->vd, pd);
    if (r == 0)
        r = virtio_features(&vc->vd, VIRTIO_CONSOLE_F_MULTIPORT, &got);
    if (r == 0 && (!(got & VIRTIO_CONSOLE_F_MULTIPORT) ||
                   virtio_config(&vc->vd, VCONS_CFG_MAX_PORTS, &max, sizeof(max)) != 0))
        r = -ENODEV;
    vc->nports = max < VCONS_MAX_PORTS ? max : VCONS_MAX_PORTS;
    if (r == 0)
        r = virtio_irq(&vc->vd, vcons_intr, vc);
    if (r == 0)
        r = ctl_setup(vc);
    if (r == 0)
        r = ports_setup(vc);
    if (r == 0)
        r = thread_create("vcons", vcons_thread, vc, 0, &vc->svc);
    return r;
}

/* The ports QEMU announces at boot: messages until none came for
 * BOOT_QUIET_NS (or BOOT_WAIT_NS passed), interrupts being off. */
static void boot_ports(struct vcons *vc)
{
    uint64_t start = clock_ns(), last = start;
    vc->booting = 1;
    ctl_send(vc, 0, VC_DEVICE_READY, 1);
    for (uint64_t now = start; !vc->dead && now - start < BOOT_WAIT_NS; now = clock_ns()) {
        if (vcons_service(vc))
            last = now;
        else if (now - last > BOOT_QUIET_NS)
            break;
    }
    vc->booting = 0;
}

/* A port of any device with data the host has not taken yet, or 0. */
static struct vport *busy_port(void)
{
    for (unsigned d = 0; d < ndevs; d++)
        for (unsigned i = 0; i < devs[d]->nports; i++)
            if (vport_tx_busy(&devs[d]->port[i]))
                return &devs[d]->port[i];
    return 0;
}

void vcons_drain(uint64_t max_ns)
{
    uint64_t start = clock_ns();
    struct vport *p;
    while ((p = busy_port()) != 0) {
        if (clock_ns() - start >= max_ns) {
            printk("virtio-console vport%up%u: host side took not all output in %lu ms: lost\n",
                   p->vc->index, p->id, (unsigned long)(max_ns / NSEC_PER_MSEC));
            return;
        }
        sched_sleep_ns(NSEC_PER_MSEC);
    }
}

static void vcons_report(const struct vcons *vc)
{
    unsigned n = 0;
    for (unsigned i = 0; i < vc->nports; i++)
        n += vc->port[i].present;
    printk("virtio-console vport%u: %u of %u ports, %s, %lu control messages (%lu malformed)\n",
           vc->index, n, vc->nports, vc->vd.msix ? "MSI-X" : "INTx", (unsigned long)vc->msgs,
           (unsigned long)vc->bad_ctrl);
    for (unsigned i = 0; i < vc->nports; i++)
        if (vc->port[i].present)
            printk("virtio-console vport%up%u: name '%s', host %s\n", vc->index, i,
                   vc->port[i].name, vc->port[i].host_open ? "open" : "closed");
}

/* A failed device stays (its interrupt may be routed to it), dead. */
static int vcons_probe(struct pci_dev *pd)
{
    if (ndevs == VCONS_MAX_DEVS)
        return -ENOSPC;
    struct vcons *vc = kzalloc(sizeof(*vc));
    if (!vc)
        return -ENOMEM;
    vc->index = ndevs;
    waitq_init(&vc->svcq);
    int r = vcons_setup(vc, pd);
    if (r == 0 && ndevs == 0)
        r = devfs_add_major(VPORT_MAJOR, &vport_ops);
    if (r != 0) {
        virtio_fail(&vc->vd);
        vc->dead = 1;
        printk("virtio-console: device not usable (error %d)\n", -r);
        return r;
    }
    devs[ndevs++] = vc;
    virtio_driver_ok(&vc->vd);
    boot_ports(vc);
    vcons_report(vc);
    return 0;
}

static const struct pci_id vcons_ids[] = {
    {VIRTIO_VENDOR, 0x1003}, /* transitional */
    {VIRTIO_VENDOR, 0x1043}, /* modern: 0x1040 + device type 3 */
    {0, 0},
};

const struct pci_driver virtio_console_driver = {"virtio-console", vcons_ids, vcons_probe};
