#ifndef UNIPLEX_X86_KSTACK_H
#define UNIPLEX_X86_KSTACK_H

#include <stdint.h>

/* The current thread's kernel stack, [lo, hi) (isr.S, syscall.S read them). */
extern uint64_t arch_kstack_lo, arch_kstack_hi;

/* Declare [lo, hi) as the current thread's kernel stack: interrupt frames
 * from program code land at hi, frames from kernel code below their RSP. */
static inline void kstack_set(uint64_t lo, uint64_t hi)
{
    arch_kstack_lo = lo;
    arch_kstack_hi = hi;
}
/* True for an address on the current kernel stack or an IST stack. */
int kstack_contains(uint64_t addr);

#endif
