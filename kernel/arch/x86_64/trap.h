#ifndef UNIPLEX_X86_TRAP_H
#define UNIPLEX_X86_TRAP_H

#include <stdint.h>

/* How many times an unexpected or spurious vector (>= 32) arrived. */
uint64_t trap_count(unsigned vector);

#ifdef KERNEL_TEST
struct arch_frame;
/* Test kernel only (testhooks.c): a fault in program code inside
 * arch_call_guarded makes that call return -EFAULT: 1 with tf pointed
 * there, 0 outside a guarded call. access is a VM_PROT_* bit. */
int trap_guard_stop(struct arch_frame *tf, uint64_t addr, uint32_t access);
#endif

#endif
