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

/* Layout (DESIGN.md "Address space"): the direct map of all RAM starts at
 * arch_direct_map_base(); the kernel image is linked at arch_kernel_base()
 * plus its physical address. */
uint64_t arch_direct_map_base(void);
uint64_t arch_kernel_base(void);

/* Kernel virtual address of physical range [pa, pa + len), or NULL when
 * the direct map does not cover it (today: the first 4 GiB). */
void *arch_phys_map(uint64_t pa, uint64_t len);

/* Print a backtrace starting at the caller of this function (crash path). */
void arch_backtrace_here(void);

/* Copy n bytes where src or dst is program memory; returns the bytes NOT
 * copied (a fault that could not be resolved stops the copy). */
uint64_t arch_copy_user(void *dst, const void *src, uint64_t n);
/* See strncpy_from_user: length, n when no NUL within n, or -EFAULT. */
long arch_strncpy_user(char *dst, const char *src, long n);
/* Call fn(arg); a fault in program code (lower half) inside it that cannot
 * be resolved returns -EFAULT here instead of ending the machine. Until
 * processes exist this is how a faulting "program" is stopped. Not nested. */
int arch_call_guarded(void (*fn)(void *), void *arg);

/* Print memory-type state and time a register-only loop (diagnostics). */
void arch_cpu_diag(void);

/* Execute an invalid instruction / touch an unmapped address (self tests). */
void arch_selftest_ud2(void);
void arch_selftest_page_fault(void);

#endif
