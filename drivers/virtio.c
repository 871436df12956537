/* virtio PCI modern transport: capabilities, status, features, interrupts
 * and device configuration (virtio 1.0 4.1.4). Queues: drivers/virtq.c. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "drivers/pci.h"
#include "drivers/virtio.h"
#include "drivers/virtio_pci.h"

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR    3
#define CAP_DEVICE 4

/* The mapped address of the structure a virtio capability at cap
 * describes (bar, offset, length), or NULL when it lies outside a mapped
 * memory BAR. */
static volatile uint8_t *cap_map(struct pci_dev *pd, unsigned cap, uint32_t *len)
{
    unsigned bar = pci_read8(pd, cap + 4);
    uint32_t off = pci_read32(pd, cap + 8);
    *len = pci_read32(pd, cap + 12);
    if (bar >= PCI_BARS || !pd->bar[bar].va || (uint64_t)off + *len > pd->bar[bar].size)
        return 0;
    return (volatile uint8_t *)pd->bar[bar].va + off;
}

static void find_caps(struct virtio_dev *vd)
{
    struct pci_dev *pd = vd->pci;
    uint32_t len;
    for (unsigned c = pci_cap_next(pd, PCI_CAP_VNDR, 0); c; c = pci_cap_next(pd, PCI_CAP_VNDR, c)) {
        uint8_t type = pci_read8(pd, c + 3);
        volatile uint8_t *p = cap_map(pd, c, &len);
        if (!p)
            continue;
        if (type == CAP_COMMON && !vd->common && len >= VCOM_SIZE)
            vd->common = p;
        else if (type == CAP_NOTIFY && !vd->notify && len >= 2) {
            vd->notify = p;
            vd->notify_mult = pci_read32(pd, c + 16);
        } else if (type == CAP_ISR && !vd->isr && len >= 1)
            vd->isr = p;
        else if (type == CAP_DEVICE && !vd->devcfg) {
            vd->devcfg = p;
            vd->devcfg_len = len;
        }
    }
}

static void status_set(struct virtio_dev *vd, uint8_t bits)
{
    vcom8(vd, VCOM_STATUS) = vcom8(vd, VCOM_STATUS) | bits;
}

int virtio_open(struct virtio_dev *vd, struct pci_dev *pd)
{
    memset(vd, 0, sizeof(*vd));
    vd->pci = pd;
    find_caps(vd);
    if (!vd->common || !vd->notify || !vd->isr)
        return -ENODEV;
    vcom8(vd, VCOM_STATUS) = 0; /* reset: reads back 0 once done */
    for (int i = 0; i < 1000000 && vcom8(vd, VCOM_STATUS) != 0; i++)
        ;
    if (vcom8(vd, VCOM_STATUS) != 0)
        return -ENODEV;
    status_set(vd, VSTAT_ACK);
    status_set(vd, VSTAT_DRIVER);
    return 0;
}

int virtio_features(struct virtio_dev *vd, uint64_t want, uint64_t *got)
{
    uint64_t offered;
    vcom32(vd, VCOM_DFSELECT) = 0;
    offered = vcom32(vd, VCOM_DF);
    vcom32(vd, VCOM_DFSELECT) = 1;
    offered |= (uint64_t)vcom32(vd, VCOM_DF) << 32;
    if (!(offered & VIRTIO_F_VERSION_1))
        return -ENODEV;
    vd->features = (want | VIRTIO_F_VERSION_1) & offered;
    vcom32(vd, VCOM_GFSELECT) = 0;
    vcom32(vd, VCOM_GF) = (uint32_t)vd->features;
    vcom32(vd, VCOM_GFSELECT) = 1;
    vcom32(vd, VCOM_GF) = (uint32_t)(vd->features >> 32);
    status_set(vd, VSTAT_FEATURES_OK);
    if (!(vcom8(vd, VCOM_STATUS) & VSTAT_FEATURES_OK))
        return -ENODEV;
    *got = vd->features;
    return 0;
}

int virtio_irq(struct virtio_dev *vd, void (*handler)(void *), void *arg)
{
    int r = pci_irq_attach(vd->pci, handler, arg, &vd->msix);
    if (r == 0 && vd->msix) {
        vcom16(vd, VCOM_CONFIG_MSIX) = 0;
        if (vcom16(vd, VCOM_CONFIG_MSIX) != 0)
            return -ENOSPC; /* the device could not take the vector */
    }
    return r;
}

unsigned virtio_isr(struct virtio_dev *vd)
{
    if (vd->msix)
        return VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG;
    return *vd->isr & (VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
}

int virtio_config(struct virtio_dev *vd, unsigned off, void *buf, size_t len)
{
    uint8_t gen;
    if (!vd->devcfg || off > vd->devcfg_len || len > vd->devcfg_len - off)
        return -EINVAL;
    do {
        gen = vcom8(vd, VCOM_GENERATION);
        for (size_t i = 0; i < len; i++)
            ((uint8_t *)buf)[i] = vd->devcfg[off + i];
    } while (gen != vcom8(vd, VCOM_GENERATION));
    return 0;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
    status_set(vd, VSTAT_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *vd)
{
    if (!vd->common)
        return; /* virtio_open found no transport: nothing was started */
    vcom8(vd, VCOM_STATUS) = 0;
    for (int i = 0; i < 1000000 && vcom8(vd, VCOM_STATUS) != 0; i++)
        ;
    status_set(vd, VSTAT_FAILED);
}
