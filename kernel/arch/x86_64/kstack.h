#ifndef UNIPLEX_X86_KSTACK_H
#define UNIPLEX_X86_KSTACK_H

#include <stdint.h>

/* Declare [lo, hi) as the current thread's kernel stack: interrupt frames
 * from program code land at hi, frames from kernel code below their RSP. */
void kstack_set(uint64_t lo, uint64_t hi);
/* True for an address on the current kernel stack or an IST stack. */
int kstack_contains(uint64_t addr);

#endif
