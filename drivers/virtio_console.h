/* virtio-console with VIRTIO_CONSOLE_F_MULTIPORT (virtio 1.0 5.3) over
 * drivers/virtio.h: QEMU's virtio-serial-pci and its virtserialports. The
 * device announces ports over its control queues (virtio_console.c); each
 * becomes the character device /dev/vport<D>p<N> (major VPORT_MAJOR, minor
 * D * VCONS_MAX_PORTS + N) and, when the host names it,
 * /dev/virtio-ports/NAME, a symlink to ../vport<D>p<N> as udev makes it
 * (drivers/vport.c: the file operations and the data path).
 *
 * Host state: a port whose host side has never been open makes readers
 * and writers wait (so a guest may start before the host connects); once
 * the host side has been open, its closing is end-of-file for readers
 * (after the data already received) and -EPIPE (with SIGPIPE, write(2)'s)
 * for writers, until it opens again. Malformed control messages are
 * ignored and counted (bad_ctrl). Ports present at boot are known before
 * init starts: the probe processes control messages for a bounded time. */
#ifndef UNIPLEX_VIRTIO_CONSOLE_H
#define UNIPLEX_VIRTIO_CONSOLE_H

#include <stdint.h>
#include "drivers/pci.h"
#include "drivers/virtio.h"
#include "kernel/fs/vfs.h"
#include "kernel/sched/sched.h"

#define VCONS_MAX_DEVS  4
#define VCONS_MAX_PORTS 16  /* per device; more than the device offers are unused */
#define VPORT_MAJOR     241 /* from Linux's range for local, dynamic majors */
#define VPORT_NRX       4   /* receive buffers per port, a page each */
#define VPORT_NTX       4   /* transmit buffers per port, a page each */
#define VPORT_BUF_ORDER 2   /* VPORT_NRX (or VPORT_NTX) pages */
#define VPORT_NAME_MAX  64

struct vcons;

struct vport {
    struct vcons *vc;
    unsigned id;
    int present, gone;       /* DEVICE_ADD seen; PORT_REMOVE seen */
    int host_open, host_was; /* host side open now; it has been open */
    int console;             /* CONSOLE_PORT: used as a plain port */
    unsigned opens;          /* guest files open (PORT_OPEN 1 on the first) */
    int close_pending;       /* last one closed, PORT_OPEN 0 once tx is done */
    char name[VPORT_NAME_MAX];
    struct virtq rx, tx;
    struct page *rxpages, *txpages;
    uint8_t *rxbuf, *txbuf;
    uint32_t rlen[VPORT_NRX];
    uint8_t fq[VPORT_NRX]; /* received buffers in order: [fhead, fhead + fcount) */
    unsigned fhead, fcount, roff;
    uint8_t txfree[VPORT_NTX];
    unsigned ntxfree;
    struct waitq rq, wq;
    struct pollq pq;
};

struct vcons {
    struct virtio_dev vd;
    unsigned index, nports;
    struct virtq cin, cout; /* control: receive (c_ivq), transmit (c_ovq) */
    struct page *cpage;
    uint8_t *cbuf;
    uint8_t cfree[32]; /* free control transmit slots */
    unsigned ncfree;
    struct thread *svc; /* services the queues after an interrupt */
    struct waitq svcq;  /* where it waits for one */
    int pending, dead, booting;
    uint64_t bad_ctrl, msgs;
    struct vport port[VCONS_MAX_PORTS];
};

/* The PCI table entry (drivers/pci.c). */
extern const struct pci_driver virtio_console_driver;

/* virtio_console.c: tell the device the guest opened (1) or closed (0)
 * port p (VIRTIO_CONSOLE_PORT_OPEN). */
void vcons_port_open(struct vport *p, int open);
/* One control message of len bytes from the device (the control queue's
 * handler; also the self test's way in): a malformed one changes nothing
 * and counts in vc->bad_ctrl. */
void vcons_ctl_handle(struct vcons *vc, const uint8_t *buf, uint32_t len);
/* vport.c: the data path. */
int vport_init(struct vport *p); /* buffers allocated and posted: 0 or -ENOMEM */
/* Harvest both queues and wake waiters: 0, or -EPROTO (reset the device). */
int vport_service(struct vport *p);
void vport_host(struct vport *p, int open);
void vport_wake(struct vport *p, int events);
struct vport *vport_by_minor(unsigned minor);
/* 1 while data written to p has not been taken by the device yet. */
int vport_tx_busy(struct vport *p);

/* Before power-off: wait, sleeping, until the host side has taken what
 * the guest wrote to every port (or closed, or max_ns passed), since the
 * device drops what it still holds when the machine goes. A program's
 * last writes to its stdout port are otherwise lost whenever the host
 * reader lags. Called in thread context with interrupts on. */
void vcons_drain(uint64_t max_ns);
#define VCONS_DRAIN_NS (30ull * 1000000000) /* a reader that lags, not one that stopped */
extern const struct file_ops vport_ops;

#endif
