/* PCI interrupts: MSI-X (PCI 3.0 6.8.2) where the function has it, else its
 * INTx line through the I/O APIC (drivers/irq.c). */
#include <stdint.h>
#include "errno.h"
#include "drivers/irq.h"
#include "drivers/pci.h"

#define MSIX_CTRL       2 /* in the capability: message control */
#define MSIX_TABLE      4 /* table offset | BIR */
#define MSIX_ENABLE     0x8000u
#define MSIX_FUNC_MASK  0x4000u
#define MSIX_ENTRY_SIZE 16
#define MSIX_VEC_MASKED 1u

/* Entry 0 of the MSI-X table at capability cap raises handler(arg); the
 * others stay masked. */
static int msix_setup(struct pci_dev *pd, unsigned cap, void (*handler)(void *), void *arg)
{
    uint16_t ctrl = pci_read16(pd, cap + MSIX_CTRL);
    uint32_t tab = pci_read32(pd, cap + MSIX_TABLE), n = (ctrl & 0x7ffu) + 1;
    const struct pci_bar *b = &pd->bar[tab & 7];
    uint64_t off = tab & ~7u, addr;
    uint32_t data;

    if ((tab & 7) >= PCI_BARS || !b->va || off + n * MSIX_ENTRY_SIZE > b->size)
        return -ENODEV;
    int r = irq_msi_attach(handler, arg, &addr, &data);
    if (r != 0)
        return r;
    pci_write16(pd, cap + MSIX_CTRL, (uint16_t)(ctrl | MSIX_ENABLE | MSIX_FUNC_MASK));
    volatile uint32_t *t = (volatile uint32_t *)((volatile uint8_t *)b->va + off);
    for (uint32_t i = 0; i < n; i++)
        t[i * 4 + 3] = MSIX_VEC_MASKED;
    t[0] = (uint32_t)addr;
    t[1] = (uint32_t)(addr >> 32);
    t[2] = data;
    t[3] = 0;
    pci_write16(pd, cap + MSIX_CTRL, (uint16_t)((ctrl | MSIX_ENABLE) & ~MSIX_FUNC_MASK));
    return 0;
}

int pci_irq_attach(struct pci_dev *pd, void (*handler)(void *), void *arg, int *msix)
{
    unsigned cap = pci_cap_next(pd, PCI_CAP_MSIX, 0);
    uint16_t cmd = pci_read16(pd, PCI_COMMAND);

    if (cap) {
        *msix = 1;
        pci_write16(pd, PCI_COMMAND, cmd | PCI_COMMAND_INTX_OFF);
        return msix_setup(pd, cap, handler, arg);
    }
    *msix = 0;
    if (!pd->irq_pin || pd->irq_line >= 16)
        return -ENODEV;
    int r = irq_line_attach(pd->irq_line, handler, arg);
    if (r == 0)
        pci_write16(pd, PCI_COMMAND, cmd & ~PCI_COMMAND_INTX_OFF);
    return r;
}
