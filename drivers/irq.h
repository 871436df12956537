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
/* PCI interrupts get vectors of their own, IRQ_DYN_BASE up to (not
 * including) IRQ_DYN_END, each with one handler(arg), which runs as the
 * ISA handlers do (interrupts off, must not block, no EOI of its own). */
#define IRQ_DYN_BASE 0x40
#define IRQ_DYN_END  0xf0 /* the local APIC timer's vector and above are taken */
/* A message-signalled interrupt (MSI, MSI-X) to this CPU: a free vector
 * for handler(arg), and the message the device writes to raise it (*addr,
 * *data). 0, -EINVAL, -ENOSPC (no vector left), -ENODEV (no I/O APIC:
 * the machine runs on the 8259 and its local APIC is not used). */
int irq_msi_attach(void (*handler)(void *), void *arg, uint64_t *addr, uint32_t *data);
/* A PCI INTx line: ISA IRQ line (what firmware wrote in the function's
 * interrupt-line register) through the I/O APIC, level-triggered and
 * active-low unless the MADT overrides them; the pin must not be in use.
 * 0, -EINVAL, -EBUSY, -ENOSPC, -ENODEV (no I/O APIC). */
int irq_line_attach(unsigned line, void (*handler)(void *), void *arg);
/* Called by the trap code for every device vector: run the handler and
 * acknowledge. Returns 1 if vector was a device IRQ. */
int irq_dispatch(unsigned vector);

#endif
