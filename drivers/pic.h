/* Legacy 8259 PIC pair. */
#ifndef UNIPLEX_PIC_H
#define UNIPLEX_PIC_H

/* IRQ n arrives on PIC_VECTOR_BASE + n: the same vectors the I/O APIC path
 * uses (drivers/irq.h), so one dispatcher serves both. */
#define PIC_VECTOR_BASE 0x30

/* Remap IRQs 0-15 off the exception vectors and mask every line. */
void pic_init(void);
/* Unmask one line (and the cascade for the second PIC). */
void pic_unmask(unsigned irq);
/* Acknowledge irq. */
void pic_eoi(unsigned irq);

#endif
