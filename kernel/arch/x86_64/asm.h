/* Assembler macros shared by the .S files of this directory. */
#ifndef UNIPLEX_X86_ASM_H
#define UNIPLEX_X86_ASM_H

/* Offset of stack_hi in struct arch_context (checked in context.c). */
#define CTX_STACK_HI 24
/* Offset of leaf_max in struct arch_context (checked in context.c). */
#define CTX_LEAF_MAX 40

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

/* struct arch_frame (frame.h) from rbx down to r15: what isr.S and
 * syscall.S push after rdi. */
.macro FRAME_PUSH_REST
    pushq %rbx
    pushq %rdx
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

/* Pop a struct arch_frame's general registers, r15 up to rax; RSP is left
 * at its vector field. */
.macro FRAME_POP_GPRS
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdx
    popq %rbx
    popq %rdi
    popq %rsi
    popq %rcx
    popq %rax
.endm

#endif
