#include "kernel/arch/x86_64/asm.h"
/* Test kernel only (build/kernel-test.elf): the entries the in-kernel tests
 * use to run program code (lower half) from a kernel thread and come back
 * when it returns, or when it faults. */

    .text
/* int64_t arch_run_program(uint64_t entry, uint64_t arg, uint64_t arg2,
 * uint64_t user_rsp): call entry(arg, arg2) on the stack user_rsp (16-byte
 * aligned), interrupts enabled; returns its rax. While the program runs the
 * thread's kernel-stack top is moved down to this frame, so interrupt
 * frames and system calls from the program land below it; the old top is
 * kept in the frame, at the new top. */
    .global arch_run_program
arch_run_program:
    /* rdi entry, rsi arg, rdx arg2, rcx user_rsp */
    pushq %rbp
    movq %rsp, %rbp
    PUSH_CALLEE_SAVED
    movq arch_cur_ctx(%rip), %rax
    pushq CTX_STACK_HI(%rax)          /* 16-byte aligned from here */
    movq %rsp, CTX_STACK_HI(%rax)
    movq %rsp, arch_kstack_hi(%rip)
    leaq arch_program_exit(%rip), %r8
    subq $8, %rcx
    movq %r8, (%rcx)                  /* the program "returns" to the kernel */
    movq %rcx, %rsp
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    xorl %ebp, %ebp
    sti
    jmp *%rax

arch_program_exit:
    cli
    movq arch_cur_ctx(%rip), %rcx
    movq CTX_STACK_HI(%rcx), %rsp
    popq %rdx
    movq %rdx, CTX_STACK_HI(%rcx)
    movq %rdx, arch_kstack_hi(%rip)
    POP_CALLEE_SAVED
    popq %rbp
    ret

/* int arch_call_guarded(void (*fn)(void *), void *arg): call fn(arg); if
 * it faults in program code (lower half), return -EFAULT (-14) instead,
 * with every callee-saved register restored from this frame (the page-fault
 * handler resumes at arch_guard_resume: trap_guard_stop, testhooks.c). */
    .global arch_call_guarded, arch_guard_rsp, arch_guard_resume
arch_call_guarded:
    pushq %rbp
    movq %rsp, %rbp
    PUSH_CALLEE_SAVED
    subq $8, %rsp
    movq %rsp, arch_guard_rsp(%rip)
    movq %rdi, %rax
    movq %rsi, %rdi
    call *%rax
    xorl %eax, %eax
1:  movq $0, arch_guard_rsp(%rip)
    addq $8, %rsp
    POP_CALLEE_SAVED
    popq %rbp
    ret
arch_guard_resume:
    movl $-14, %eax
    jmp 1b

    .bss
    .balign 8
arch_guard_rsp:
    .quad 0
