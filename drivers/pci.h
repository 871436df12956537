/* PCI (PCI Local Bus 3.0, PCI Express Base 4.0 7.2.2 for ECAM): the bus is
 * enumerated once at boot, every function's memory BARs are mapped
 * uncached, and each driver in the table (drivers/pci.c) is offered the
 * functions whose vendor and device id it names. Boot only: nothing here
 * is used from interrupt handlers, except the handlers pci_irq_attach sets
 * up. Devices are never removed. */
#ifndef UNIPLEX_PCI_H
#define UNIPLEX_PCI_H

#include <stdint.h>

#define PCI_BARS 6

/* Configuration-space offsets drivers use. */
#define PCI_COMMAND          0x04
#define PCI_CAP_PTR          0x34
#define PCI_CAP_VNDR         0x09 /* vendor-specific capability (virtio's) */
#define PCI_CAP_MSIX         0x11
#define PCI_COMMAND_IO       0x1
#define PCI_COMMAND_MEM      0x2
#define PCI_COMMAND_MASTER   0x4
#define PCI_COMMAND_INTX_OFF 0x400

struct pci_bar {
    uint64_t base; /* physical address, or I/O port for io */
    uint64_t size; /* 0: the BAR is not implemented */
    int io;        /* an I/O-space BAR (not mapped) */
    void *va;      /* a memory BAR's uncached kernel mapping, else NULL */
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t class, subclass;
    uint8_t irq_line; /* interrupt line register (ISA IRQ), irq_pin 1-4 or 0 */
    uint8_t irq_pin;
    struct pci_bar bar[PCI_BARS];
    struct pci_dev *next;
};

/* A driver: the ids it takes and its probe, called once per matching
 * function from pci_init (memory space and bus mastering already on):
 * 0 when it took the device, else a negative errno (printed). */
struct pci_id {
    uint16_t vendor, device;
};
struct pci_driver {
    const char *name;
    const struct pci_id *ids; /* ends with a {0, 0} entry */
    int (*probe)(struct pci_dev *pd);
};

/* Enumerate every bus (ECAM when ACPI has an MCFG, else configuration
 * mechanism #1), print one line per function, map BARs and probe the
 * drivers. Call once, after irq_init and heap_init. */
void pci_init(void);
/* The functions found, in bus order (NULL before pci_init or without PCI). */
struct pci_dev *pci_list(void);

/* Configuration space of pd; off aligned to the access size (< 256 with
 * mechanism #1, < 4096 with ECAM; bad offsets read as ones, writes ignored). */
uint32_t pci_read32(const struct pci_dev *pd, unsigned off);
uint16_t pci_read16(const struct pci_dev *pd, unsigned off);
uint8_t pci_read8(const struct pci_dev *pd, unsigned off);
void pci_write32(const struct pci_dev *pd, unsigned off, uint32_t v);
void pci_write16(const struct pci_dev *pd, unsigned off, uint16_t v);

/* The offset of pd's first capability with id cap after the one at
 * offset after (0: from the start of the list), or 0 when none. */
unsigned pci_cap_next(const struct pci_dev *pd, uint8_t cap, unsigned after);

/* Route pd's interrupt to handler(arg) (runs with interrupts off, must not
 * block): MSI-X entry 0 when pd has MSI-X (*msix = 1; every other entry
 * stays masked, so a driver points all its interrupt sources at entry 0),
 * else its INTx line through the I/O APIC (*msix = 0; handler must make
 * the device drop the line). 0, or -ENODEV (no interrupt, or no I/O APIC),
 * -EBUSY, -ENOSPC. Once per device. */
int pci_irq_attach(struct pci_dev *pd, void (*handler)(void *), void *arg, int *msix);

#endif
