/* PCI enumeration, configuration-space access and driver matching. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/byteorder.h"
#include "kernel/mm/devmap.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/printk.h"
#include "drivers/acpi.h"
#include "drivers/pci.h"
#include "drivers/virtio_console.h"
#include "drivers/virtio_net.h"

#define CFG_ADDR        0xcf8 /* configuration mechanism #1 */
#define CFG_DATA        0xcfc
#define PCI_VENDOR      0x00
#define PCI_CLASS       0x08 /* revision, prog-if, subclass, class */
#define PCI_HDR_TYPE    0x0e
#define PCI_BAR0        0x10
#define PCI_SEC_BUS     0x19 /* a bridge's secondary bus number */
#define PCI_IRQ_LINE    0x3c
#define PCI_IRQ_PIN     0x3d
#define PCI_STATUS_CAPS 0x10 /* status register: a capability list */
#define ECAM_BUS_SIZE   (1u << 20)
#define MCFG_ENTRIES    44 /* header 36, reserved 8 */

static const struct pci_driver *const drivers[] = {&virtio_net_driver, &virtio_console_driver};

static struct pci_dev *devices;
static uint64_t ecam_base; /* 0: no MCFG, mechanism #1 */
static unsigned ecam_first, ecam_last;
static volatile uint8_t *ecam_bus[256];

/* ECAM address of (bus, dev, fn, off), mapping the bus on first use; NULL
 * when ECAM does not cover it (then mechanism #1 serves it). */
static volatile uint8_t *ecam_at(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    if (!ecam_base || bus < ecam_first || bus > ecam_last)
        return 0;
    if (!ecam_bus[bus]) {
        uint64_t pa = ecam_base + (uint64_t)(bus - ecam_first) * ECAM_BUS_SIZE;
        void *va;
        if (devmap(pa, ECAM_BUS_SIZE, &va) != 0)
            return 0;
        ecam_bus[bus] = va;
    }
    return ecam_bus[bus] + (dev << 15 | fn << 12 | off);
}

static uint32_t mech1_addr(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc);
}

static uint32_t cfg_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    volatile uint8_t *p = ecam_at(bus, dev, fn, off & 0xffc);
    if (p)
        return *(volatile uint32_t *)p;
    if (off >= 256)
        return 0xffffffffu;
    arch_outl(CFG_ADDR, mech1_addr(bus, dev, fn, off));
    return arch_inl(CFG_DATA);
}

static void cfg_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v)
{
    volatile uint8_t *p = ecam_at(bus, dev, fn, off & 0xffc);
    if (p) {
        *(volatile uint32_t *)p = v;
    } else if (off < 256) {
        arch_outl(CFG_ADDR, mech1_addr(bus, dev, fn, off));
        arch_outl(CFG_DATA, v);
    }
}

uint32_t pci_read32(const struct pci_dev *pd, unsigned off)
{
    return cfg_read32(pd->bus, pd->dev, pd->fn, off);
}

uint16_t pci_read16(const struct pci_dev *pd, unsigned off)
{
    return (uint16_t)(pci_read32(pd, off & ~3u) >> (8 * (off & 2)));
}

uint8_t pci_read8(const struct pci_dev *pd, unsigned off)
{
    return (uint8_t)(pci_read32(pd, off & ~3u) >> (8 * (off & 3)));
}

void pci_write32(const struct pci_dev *pd, unsigned off, uint32_t v)
{
    cfg_write32(pd->bus, pd->dev, pd->fn, off, v);
}

/* A 16-bit write as a read-modify-write of its dword: the registers
 * drivers write this way (command, MSI-X control) share their dword only
 * with read-only or write-1-to-clear-safe bits (status is written as 0s). */
void pci_write16(const struct pci_dev *pd, unsigned off, uint16_t v)
{
    uint32_t old = pci_read32(pd, off & ~3u), sh = 8 * (off & 2);
    uint32_t keep = (off & 2) ? 0xffffu : 0; /* status (upper half) is RW1C: write 0s */
    pci_write32(pd, off & ~3u, (old & keep & ~(0xffffu << sh)) | (uint32_t)v << sh);
}

unsigned pci_cap_next(const struct pci_dev *pd, uint8_t cap, unsigned after)
{
    unsigned off = after ? pci_read8(pd, after + 1) : pci_read8(pd, PCI_CAP_PTR);
    if (!after && !(pci_read16(pd, PCI_COMMAND + 2) & PCI_STATUS_CAPS))
        return 0;
    for (int n = 0; n < 48 && off >= 0x40; n++) { /* bounded: a looping list ends */
        off &= 0xfc;
        if (pci_read8(pd, off) == cap)
            return off;
        off = pci_read8(pd, off + 1);
    }
    return 0;
}

struct pci_dev *pci_list(void)
{
    return devices;
}

/* ECAM from ACPI's MCFG: the entry for segment 0. */
static void ecam_init(void)
{
    const uint8_t *mcfg = acpi_table("MCFG");
    if (!mcfg)
        return;
    uint32_t len = load_le32(mcfg + 4);
    for (uint32_t off = MCFG_ENTRIES; off + 16 <= len; off += 16) {
        const uint8_t *e = mcfg + off;
        if (load_le16(e + 8) != 0 || e[10] > e[11])
            continue;
        ecam_base = load_le64(e);
        ecam_first = e[10];
        ecam_last = e[11];
        printk("pci: ECAM at %#lx, buses %u-%u\n", (unsigned long)ecam_base, ecam_first, ecam_last);
        return;
    }
}

/* Size BAR i of pd (decoding off): returns how many BAR slots it used. */
static int bar_probe(struct pci_dev *pd, int i)
{
    unsigned off = PCI_BAR0 + 4 * (unsigned)i;
    uint32_t lo = pci_read32(pd, off), hi = 0, szlo, szhi = 0xffffffffu;
    int is64 = !(lo & 1) && ((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS;

    pci_write32(pd, off, 0xffffffffu);
    szlo = pci_read32(pd, off);
    pci_write32(pd, off, lo);
    if (is64) {
        hi = pci_read32(pd, off + 4);
        pci_write32(pd, off + 4, 0xffffffffu);
        szhi = pci_read32(pd, off + 4);
        pci_write32(pd, off + 4, hi);
    }
    struct pci_bar *b = &pd->bar[i];
    b->io = lo & 1;
    if (b->io) {
        b->base = lo & ~3u;
        b->size = szlo ? (~(szlo & ~3u) & 0xffffu) + 1 : 0;
    } else {
        uint64_t mask =
            ((uint64_t)szhi << 32 | (szlo & ~0xfu)) | (is64 ? 0 : 0xffffffff00000000ull);
        b->base = (uint64_t)hi << 32 | (lo & ~0xfu);
        b->size = (szlo & ~0xfu) || szhi != 0xffffffffu ? ~mask + 1 : 0;
    }
    return is64 ? 2 : 1;
}

static void bars_probe(struct pci_dev *pd)
{
    uint16_t cmd = pci_read16(pd, PCI_COMMAND);
    pci_write16(pd, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEM));
    for (int i = 0; i < PCI_BARS;)
        i += bar_probe(pd, i);
    pci_write16(pd, PCI_COMMAND, cmd);
}

/* Map pd's memory BARs and turn on memory and I/O decoding and bus
 * mastering, for the driver that takes it. */
static int dev_enable(struct pci_dev *pd)
{
    for (int i = 0; i < PCI_BARS; i++) {
        struct pci_bar *b = &pd->bar[i];
        if (b->io || !b->size || !b->base || b->va)
            continue;
        int r = devmap(b->base, b->size, &b->va);
        if (r != 0)
            return r;
    }
    uint16_t cmd = pci_read16(pd, PCI_COMMAND);
    pci_write16(pd, PCI_COMMAND, cmd | PCI_COMMAND_IO | PCI_COMMAND_MEM | PCI_COMMAND_MASTER);
    return 0;
}

static void scan_bus(unsigned bus, int depth);

/* Record the function at (bus, dev, fn), and follow a bridge. */
static void add_function(unsigned bus, unsigned dev, unsigned fn, uint32_t id, int depth)
{
    struct pci_dev *pd = kzalloc(sizeof(*pd));
    if (!pd) {
        printk("pci: out of memory\n");
        return;
    }
    *pd = (struct pci_dev){.bus = (uint8_t)bus, .dev = (uint8_t)dev, .fn = (uint8_t)fn};
    pd->vendor = (uint16_t)id;
    pd->device = (uint16_t)(id >> 16);
    uint32_t cls = pci_read32(pd, PCI_CLASS);
    pd->class = (uint8_t)(cls >> 24);
    pd->subclass = (uint8_t)(cls >> 16);
    printk("pci 0000:%02x:%02x.%u [%04x:%04x] class %02x%02x\n", bus, dev, fn, pd->vendor,
           pd->device, pd->class, pd->subclass);
    struct pci_dev **pp = &devices;
    while (*pp)
        pp = &(*pp)->next;
    *pp = pd;
    if ((pci_read8(pd, PCI_HDR_TYPE) & 0x7f) == 1) { /* a PCI-to-PCI bridge */
        unsigned sec = pci_read8(pd, PCI_SEC_BUS);
        if (sec > bus && depth < 8) /* firmware numbered it; bounded against loops */
            scan_bus(sec, depth + 1);
        return;
    }
    pd->irq_line = pci_read8(pd, PCI_IRQ_LINE);
    pd->irq_pin = pci_read8(pd, PCI_IRQ_PIN);
    bars_probe(pd);
}

static void scan_bus(unsigned bus, int depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id = cfg_read32(bus, dev, fn, PCI_VENDOR);
            if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0) {
                if (fn == 0)
                    break;
                continue;
            }
            add_function(bus, dev, fn, id, depth);
            if (fn == 0 && !(cfg_read32(bus, dev, 0, PCI_HDR_TYPE & ~3u) >> 16 & 0x80))
                break; /* not multi-function */
        }
    }
}

static const struct pci_driver *driver_for(const struct pci_dev *pd)
{
    for (unsigned d = 0; d < sizeof(drivers) / sizeof(drivers[0]); d++)
        for (const struct pci_id *id = drivers[d]->ids; id->vendor; id++)
            if (id->vendor == pd->vendor && id->device == pd->device)
                return drivers[d];
    return 0;
}

void pci_init(void)
{
    ecam_init();
    scan_bus(0, 0);
    for (struct pci_dev *pd = devices; pd; pd = pd->next) {
        const struct pci_driver *drv = driver_for(pd);
        if (!drv)
            continue;
        int r = dev_enable(pd);
        if (r == 0)
            r = drv->probe(pd);
        if (r != 0)
            printk("pci 0000:%02x:%02x.%u: %s: error %d\n", pd->bus, pd->dev, pd->fn, drv->name, r);
    }
}
