/* The register frame built by isr.S; layout fixed by the push order there. */
#ifndef UNIPLEX_X86_TRAPFRAME_H
#define UNIPLEX_X86_TRAPFRAME_H

#include <stdint.h>

struct trapframe {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdx, rbx, rdi, rsi, rcx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

_Static_assert(sizeof(struct trapframe) == 22 * 8, "trapframe layout is fixed by isr.S");
_Static_assert(__builtin_offsetof(struct trapframe, rax) == 14 * 8, "isr.S pushes rax first");
_Static_assert(__builtin_offsetof(struct trapframe, rsp) == 20 * 8, "isr.S reads RSP at 72");

/* Entry point from isr.S, interrupts disabled. */
void trap_dispatch(struct trapframe *tf);

#endif
