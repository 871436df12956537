#include "kernel/arch.h"
#include "drivers/pic.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xa0
#define PIC2_DATA 0xa1

void pic_init(void)
{
    arch_outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 follows */
    arch_outb(PIC2_CMD, 0x11);
    arch_outb(PIC1_DATA, PIC_VECTOR_BASE); /* ICW2: vector base */
    arch_outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
    arch_outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ2 */
    arch_outb(PIC2_DATA, 0x02);
    arch_outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    arch_outb(PIC2_DATA, 0x01);
    arch_outb(PIC1_DATA, 0xff); /* mask all */
    arch_outb(PIC2_DATA, 0xff);
}

void pic_unmask(unsigned irq)
{
    uint16_t port = irq < 8 ? PIC1_DATA : PIC2_DATA;
    arch_outb(port, arch_inb(port) & ~(1u << (irq & 7)));
    if (irq >= 8)
        arch_outb(PIC1_DATA, arch_inb(PIC1_DATA) & ~(1u << 2)); /* cascade */
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        arch_outb(PIC2_CMD, 0x20);
    arch_outb(PIC1_CMD, 0x20);
}
