/* I/O APIC (82093AA datasheet; ACPI 6.x 5.2.12 MADT) and PIC fallback. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/byteorder.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "drivers/acpi.h"
#include "drivers/irq.h"
#include "drivers/lapic.h"
#include "drivers/pic.h"

#define MADT_IOAPIC   1
#define MADT_OVERRIDE 2
#define IOREGSEL      0
#define IOWIN         4 /* in 32-bit words */
#define REDIR(n)      (0x10 + 2 * (n))
#define RTE_MASKED    (1u << 16)
#define RTE_LOW       (1u << 13) /* active low */
#define RTE_LEVEL     (1u << 15)
#define RTE_NMI       (4u << 8) /* delivery mode NMI (the vector is ignored) */

static volatile uint32_t *ioapic;
static uint32_t gsi_base, nredir;
static struct {
    uint32_t gsi;
    uint16_t flags;
} isa[16];
static void (*handlers[16])(void);
static struct {
    void (*fn)(void *);
    void *arg;
} dyn[IRQ_DYN_END - IRQ_DYN_BASE];

static uint32_t io_read(uint32_t reg)
{
    ioapic[IOREGSEL] = reg;
    return ioapic[IOWIN];
}

static void io_write(uint32_t reg, uint32_t v)
{
    ioapic[IOREGSEL] = reg;
    ioapic[IOWIN] = v;
}

/* Walk the MADT: the first I/O APIC, and the ISA overrides. */
static int parse_madt(const uint8_t *madt)
{
    uint32_t len = load_le32(madt + 4);
    int found = 0;

    for (uint32_t off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
        const uint8_t *e = madt + off;
        if (e[0] == MADT_IOAPIC && e[1] >= 12 && !found) {
            ioapic = arch_phys_map(load_le32(e + 4), PAGE_SIZE);
            gsi_base = load_le32(e + 8);
            found = ioapic != 0;
        } else if (e[0] == MADT_OVERRIDE && e[1] >= 10 && e[3] < 16) {
            isa[e[3]].gsi = load_le32(e + 4);
            isa[e[3]].flags = (uint16_t)(e[8] | e[9] << 8);
        }
    }
    return found ? 0 : -ENODEV;
}

void irq_init(void)
{
    const uint8_t *madt = acpi_table("APIC");

    for (unsigned i = 0; i < 16; i++)
        isa[i].gsi = i; /* identity unless overridden */
    if (!madt || parse_madt(madt) != 0) {
        ioapic = 0;
        printk("irq: no I/O APIC in the MADT; using the 8259 PIC\n");
        return;
    }
    nredir = ((io_read(1) >> 16) & 0xff) + 1;
    for (uint32_t i = 0; i < nredir; i++)
        io_write(REDIR(i), RTE_MASKED);
    printk("irq: I/O APIC, %u inputs from GSI %u\n", nredir, gsi_base);
}

static int route(unsigned irq, int nmi)
{
    if (!ioapic) {
        if (nmi)
            return -ENODEV;
        pic_unmask(irq);
        return 0;
    }
    uint32_t pin = isa[irq].gsi - gsi_base, lo = nmi ? RTE_NMI : IRQ_VECTOR_BASE + irq;
    if (isa[irq].gsi < gsi_base || pin >= nredir)
        return -EINVAL;
    if ((isa[irq].flags & 3) == 3)
        lo |= RTE_LOW;
    if (((isa[irq].flags >> 2) & 3) == 3)
        lo |= RTE_LEVEL;
    io_write(REDIR(pin) + 1, 0); /* destination: APIC 0 (the only CPU) */
    io_write(REDIR(pin), lo);
    return 0;
}

int irq_attach(unsigned irq, void (*handler)(void))
{
    if (irq >= 16 || !handler)
        return -EINVAL;
    if (handlers[irq])
        return -EBUSY;
    handlers[irq] = handler;
    return route(irq, 0);
}

int irq_route_nmi(unsigned irq)
{
    if (irq >= 16 || handlers[irq])
        return -EINVAL;
    return route(irq, 1);
}

/* A free vector for handler(arg): 0 and *vector, or -ENOSPC. */
static int dyn_alloc(void (*handler)(void *), void *arg, unsigned *vector)
{
    for (unsigned i = 0; i < IRQ_DYN_END - IRQ_DYN_BASE; i++) {
        if (!dyn[i].fn) {
            dyn[i].fn = handler;
            dyn[i].arg = arg;
            *vector = IRQ_DYN_BASE + i;
            return 0;
        }
    }
    return -ENOSPC;
}

int irq_msi_attach(void (*handler)(void *), void *arg, uint64_t *addr, uint32_t *data)
{
    unsigned vector;
    if (!handler)
        return -EINVAL;
    if (!ioapic)
        return -ENODEV;
    int r = dyn_alloc(handler, arg, &vector);
    if (r != 0)
        return r;
    *addr = 0xfee00000u; /* the local APIC's message window; destination APIC 0 */
    *data = vector;      /* fixed delivery, edge-triggered */
    return 0;
}

/* The I/O APIC pin and polarity/trigger bits of ISA IRQ line for a PCI
 * device: the MADT's word where it has one, else PCI's level, active low. */
static int line_route(unsigned line, uint32_t *pin, uint32_t *bits)
{
    uint16_t f = isa[line].flags;
    *pin = isa[line].gsi - gsi_base;
    if (isa[line].gsi < gsi_base || *pin >= nredir)
        return -EINVAL;
    *bits = RTE_LOW | RTE_LEVEL;
    if ((f & 3) == 1)
        *bits &= ~RTE_LOW;
    if (((f >> 2) & 3) == 1)
        *bits &= ~RTE_LEVEL;
    return 0;
}

int irq_line_attach(unsigned line, void (*handler)(void *), void *arg)
{
    uint32_t pin, bits;
    unsigned vector;
    if (line >= 16 || !handler)
        return -EINVAL;
    if (!ioapic)
        return -ENODEV;
    if (handlers[line])
        return -EBUSY;
    int r = line_route(line, &pin, &bits);
    if (r == 0 && !(io_read(REDIR(pin)) & RTE_MASKED))
        r = -EBUSY;
    if (r == 0)
        r = dyn_alloc(handler, arg, &vector);
    if (r != 0)
        return r;
    io_write(REDIR(pin) + 1, 0);
    io_write(REDIR(pin), bits | vector);
    return 0;
}

int irq_dispatch(unsigned vector)
{
    unsigned irq = vector - IRQ_VECTOR_BASE;
    if (vector >= IRQ_DYN_BASE && vector < IRQ_DYN_END) {
        if (!dyn[vector - IRQ_DYN_BASE].fn) {
            lapic_eoi(); /* a stray message: ends it; the trap code counts it */
            return 0;
        }
        dyn[vector - IRQ_DYN_BASE].fn(dyn[vector - IRQ_DYN_BASE].arg);
        lapic_eoi();
        return 1;
    }
    if (vector < IRQ_VECTOR_BASE || irq >= 16)
        return 0;
    if (!handlers[irq])
        return 1; /* spurious (e.g. the PIC's IRQ 7): no EOI */
    handlers[irq]();
    if (ioapic)
        lapic_eoi();
    else
        pic_eoi(irq);
    return 1;
}
