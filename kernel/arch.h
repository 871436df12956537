/* The hooks generic kernel code uses to reach the CPU. Implemented in
 * kernel/arch/<arch>/; generic code has no inline assembly of its own. */
#ifndef UNIPLEX_ARCH_H
#define UNIPLEX_ARCH_H

#include <stdint.h>

/* Set the stack-protector canary. Call first thing in kmain. */
void arch_stack_guard_init(void);
/* GDT, TSS/IST stacks, IDT: exceptions are reported from here on. */
void arch_early_init(void);

void arch_irq_disable(void);
/* Stop this CPU for good (interrupts off). */
__attribute__((noreturn)) void arch_halt(void);

/* Calibrate the cycle counter and print its frequency and source. */
void arch_clock_init(void);
/* Cycle counter (TSC); arch_cycles_hz() is 0 until arch_clock_init(). */
uint64_t arch_cycles(void);
uint64_t arch_cycles_hz(void);
/* Cycle count at the kernel's first instruction. */
uint64_t arch_boot_cycles(void);

/* Kernel virtual address of physical range [pa, pa + len), or NULL when
 * the direct map does not cover it (today: the first 4 GiB). */
void *arch_phys_map(uint64_t pa, uint64_t len);

/* Print a backtrace starting at the caller of this function (crash path). */
void arch_backtrace_here(void);

/* Execute an invalid instruction / touch an unmapped address (self tests). */
void arch_selftest_ud2(void);
void arch_selftest_page_fault(void);

#endif
