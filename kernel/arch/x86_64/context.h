/* struct arch_context on x86-64: a thread's CPU context, embedded in
 * struct thread (kernel/sched/sched.h) and reached by generic code only
 * through kernel/arch.h. Generic code sets stack_lo/stack_hi (the bounds of
 * the thread's kernel stack) and fpu (an arch_fpu_area_size() save area,
 * 64-byte aligned, for threads that run program code; NULL for pure kernel
 * threads); the rest is the arch's. program.S reads stack_hi at a fixed
 * offset (asm.h CTX_STACK_HI, checked in context.c), syscall.S leaf_max. */
#ifndef UNIPLEX_X86_CONTEXT_H
#define UNIPLEX_X86_CONTEXT_H

#include <stdint.h>

struct arch_context {
    uint64_t rsp;     /* saved by arch_switch */
    uint64_t fs_base; /* the program's TLS base */
    uint64_t stack_lo, stack_hi;
    void *fpu;
    /* System calls numbered below it may take syscall.S's leaf path:
     * SYSCALL_MAX, or 0 once the thread's calls must all be checked
     * (arch_context_set_syscall_checked). syscall.S reads it at a fixed
     * offset (asm.h CTX_LEAF_MAX). */
    uint64_t leaf_max;
};

#endif
