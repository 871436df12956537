/* virtio 1.0 over PCI, the "modern" transport (virtio 1.0 spec: 4.1 PCI,
 * 2.4 split virtqueues, 3.1 initialisation): the one core that the device
 * drivers (drivers/virtio_net.c; block and console later) are built on.
 *
 * A driver, from its PCI probe (boot, interrupts off), in this order:
 *   virtio_open       reset, ACKNOWLEDGE | DRIVER, find the capabilities
 *   virtio_features   negotiate (VIRTIO_F_VERSION_1 is required)
 *   virtio_irq        its interrupt handler (MSI-X entry 0 or INTx)
 *   virtq_setup       each queue it uses
 *   (post buffers)    virtq_add
 *   virtio_driver_ok  the device goes live
 * and virtio_fail (device reset, FAILED, queues freed) on any error.
 * Rings are little-endian, as the CPU (x86). One CPU and no preemption:
 * a queue is used either from its driver's kernel paths or from its
 * interrupt handler under the driver's own rules, never both at once. */
#ifndef UNIPLEX_VIRTIO_H
#define UNIPLEX_VIRTIO_H

#include <stddef.h>
#include <stdint.h>
#include "drivers/pci.h"

#define VIRTIO_VENDOR      0x1af4
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* virtio_isr() bits. */
#define VIRTIO_ISR_QUEUE  0x1
#define VIRTIO_ISR_CONFIG 0x2

struct virtio_dev {
    struct pci_dev *pci;
    volatile uint8_t *common, *isr, *devcfg, *notify;
    uint32_t notify_mult, devcfg_len;
    uint64_t features; /* negotiated */
    int msix;          /* interrupts come through MSI-X (no ISR read) */
};

/* One segment of a buffer chain: device_writes says the device fills it
 * (receive) rather than reads it (transmit). */
struct virtq_seg {
    uint64_t pa;
    uint32_t len;
    int device_writes;
};

struct virtq_desc;
struct virtq_avail;
struct virtq_used;
struct page;

struct virtq {
    struct virtio_dev *vd;
    uint16_t index, size;
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    struct page *pages;
    unsigned order;
    volatile uint16_t *notify;
    uint16_t free_head, nfree, last_used;
    void **cookie;     /* per chain head: the caller's token, NULL when free */
    uint32_t *wlen;    /* per chain head: bytes the device may write */
    uint64_t bad_used; /* used entries refused: unknown id or bad length */
};

/* Find pd's virtio capabilities (they must lie in mapped memory BARs),
 * reset it and set ACKNOWLEDGE | DRIVER. 0 or -ENODEV. */
int virtio_open(struct virtio_dev *vd, struct pci_dev *pd);
/* Accept the features in want the device offers (VERSION_1 added), and
 * set FEATURES_OK: 0 and *got, or -ENODEV (no VERSION_1, or the device
 * refused the set). */
int virtio_features(struct virtio_dev *vd, uint64_t want, uint64_t *got);
/* Route the device's interrupts (configuration changes and every queue)
 * to handler(arg), which runs with interrupts off and must not block:
 * pci_irq_attach's errors. Before virtq_setup. */
int virtio_irq(struct virtio_dev *vd, void (*handler)(void *), void *arg);
/* From the interrupt handler: why it came (VIRTIO_ISR_*). With INTx this
 * reads and so acknowledges the ISR (the line drops); with MSI-X there is
 * nothing to read: both bits. */
unsigned virtio_isr(struct virtio_dev *vd);
/* Read len bytes of device configuration at off, consistently (the
 * generation is re-checked). 0 or -EINVAL (outside the area). */
int virtio_config(struct virtio_dev *vd, unsigned off, void *buf, size_t len);
void virtio_driver_ok(struct virtio_dev *vd);
/* Reset the device (it stops using every queue and drops its interrupt),
 * set FAILED; nothing when virtio_open failed. The driver then frees its
 * queues with virtq_free. */
void virtio_fail(struct virtio_dev *vd);

/* Set up queue index with at most max entries (a power of two): rings in
 * contiguous zeroed pages, the device told where, the queue enabled,
 * interrupts on. 0, -EINVAL (no such queue), -ENOMEM. */
int virtq_setup(struct virtio_dev *vd, struct virtq *vq, unsigned index, unsigned max);
/* Free vq's memory (after virtio_fail, or before virtio_driver_ok). */
void virtq_free(struct virtq *vq);
/* Make the chain segs[0..n) available to the device with token cookie
 * (not NULL): 0, or -ENOSPC (not enough free descriptors), -EINVAL. The
 * device may not look until virtq_kick. */
int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned n, void *cookie);
/* Notify the device of new buffers, unless it asked not to be. */
void virtq_kick(struct virtq *vq);
/* Take the next used chain back: 0 with *cookie and *len (bytes the device
 * wrote), -EAGAIN when none, -EIO when its length exceeds what the chain
 * could take (*cookie is given back, the length is not; counted), or
 * -EPROTO when the device published more entries than the queue has
 * (broken device: reset it). A used entry naming no chain in flight is
 * counted and skipped. */
int virtq_get(struct virtq *vq, void **cookie, uint32_t *len);
/* Used-ring interrupts (VIRTQ_AVAIL_F_NO_INTERRUPT). virtq_intr_on returns
 * 1 when used entries arrived before it took effect (the caller harvests
 * again rather than waiting for an interrupt that may not come). */
void virtq_intr_off(struct virtq *vq);
int virtq_intr_on(struct virtq *vq);

#endif
