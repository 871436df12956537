/* Device interrupts: ISA IRQ lines routed through the I/O APIC (found in
 * the ACPI MADT, honouring its interrupt source overrides) or, without
 * one, through the 8259 PIC. */
#ifndef UNIPLEX_IRQ_H
#define UNIPLEX_IRQ_H

#include <stdint.h>

#define IRQ_VECTOR_BASE 0x30 /* ISA IRQ n arrives on vector 0x30 + n */

/* Find the I/O APIC and mask every line. Prints what it found. */
void irq_init(void);
/* Route ISA IRQ irq (0-15) to handler, which runs with interrupts off on
 * the interrupted thread's kernel stack and must not block. 0, -EINVAL or
 * -EBUSY. */
int irq_attach(unsigned irq, void (*handler)(void));
/* Deliver ISA IRQ irq as an NMI instead (the profiler's clock): it then
 * arrives even with interrupts disabled. 0, -EINVAL (in use), -ENODEV (no
 * I/O APIC: the 8259 cannot send NMIs). */
int irq_route_nmi(unsigned irq);
/* Called by the trap code for vectors IRQ_VECTOR_BASE..+15: run the
 * handler and acknowledge. Returns 1 if vector was a device IRQ. */
int irq_dispatch(unsigned vector);

#endif
