/* Assembler macros shared by the .S files of this directory. */
#ifndef UNIPLEX_X86_ASM_H
#define UNIPLEX_X86_ASM_H

/* Offset of stack_hi in struct arch_context (checked in context.c). */
#define CTX_STACK_HI 24

/* The SysV callee-saved registers other than rbp, in one fixed order. */
.macro PUSH_CALLEE_SAVED
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro POP_CALLEE_SAVED
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
.endm

#endif
