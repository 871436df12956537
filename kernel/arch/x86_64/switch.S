#include "kernel/arch/x86_64/asm.h"
/* Kernel thread context switch: only callee-saved registers and the stack
 * pointer (everything else is dead across a call, SysV ABI). */

    .text
/* void arch_switch(uint64_t *save_rsp, uint64_t new_rsp) */
    .global arch_switch
arch_switch:
    pushq %rbp
    PUSH_CALLEE_SAVED
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    POP_CALLEE_SAVED
    popq %rbp
    ret

/* First instruction of every thread: arch_context_init leaves fn in r12
 * and its argument in r13 (popped by arch_switch above). */
    .global arch_thread_start
arch_thread_start:
    movq %r13, %rdi
    call *%r12
    call thread_exit
    ud2
