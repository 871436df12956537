#include "kernel/arch/x86_64/asm.h"
/* Entering program code (lower half) from a kernel thread, and coming back
 * when it returns. Program code runs with interrupts enabled on its own
 * stack; interrupt frames taken there go to arch_kstack_hi, which is moved
 * down to just below this function's frame while the program runs. */

#define CTX_STACK_HI  24
#define CTX_PROG_KRSP 40
#define CTX_SAVED_HI  48
#define FRAME_BYTES   176 /* sizeof(struct arch_frame), checked in frame.c */

/* Interrupts off; the current thread's kernel stack becomes empty again:
 * the next entry from the program starts at its top (in %rdx). */
.macro KSTACK_RESET
    cli
    movq arch_cur_ctx(%rip), %rax
    movq CTX_STACK_HI(%rax), %rdx
    movq %rdx, arch_kstack_hi(%rip)
.endm

    .text
/* int64_t arch_run_program(uint64_t entry, uint64_t arg, uint64_t user_rsp):
 * call entry(arg) on the stack user_rsp (16-byte aligned); returns its rax.
 * arch_run_program2(entry, arg, arg2, user_rsp) passes a second argument. */
    .global arch_run_program, arch_run_program2
arch_run_program:
    movq %rdx, %rcx
    xorl %edx, %edx
arch_run_program2:
    /* rdi entry, rsi arg, rdx arg2, rcx user_rsp */
    pushq %rbp
    movq %rsp, %rbp
    PUSH_CALLEE_SAVED
    subq $8, %rsp                     /* 16-byte aligned from here */
    movq arch_cur_ctx(%rip), %rax
    movq %rsp, CTX_PROG_KRSP(%rax)
    movq CTX_STACK_HI(%rax), %r9
    movq %r9, CTX_SAVED_HI(%rax)
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
    movq CTX_PROG_KRSP(%rcx), %rsp
    movq CTX_SAVED_HI(%rcx), %rdx
    movq %rdx, CTX_STACK_HI(%rcx)
    movq %rdx, arch_kstack_hi(%rip)
    addq $8, %rsp
    POP_CALLEE_SAVED
    popq %rbp
    ret

/* void arch_enter_program(uint64_t entry, uint64_t user_rsp): start a
 * process image. The kernel stack is abandoned (reset to its top for the
 * next entry from the program); registers are cleared so nothing of the
 * kernel leaks into the program, and rdx = 0 tells _start that there is no
 * loader finalizer to register (System V x86-64 ABI, process entry). */
    .global arch_enter_program
arch_enter_program:
    KSTACK_RESET
    movq %rdi, %rcx
    movq %rsi, %rsp
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %edi, %edi
    xorl %ebp, %ebp
    xorl %r8d, %r8d
    xorl %r9d, %r9d
    xorl %r10d, %r10d
    xorl %r11d, %r11d
    xorl %r12d, %r12d
    xorl %r13d, %r13d
    xorl %r14d, %r14d
    xorl %r15d, %r15d
    sti
    jmp *%rcx

/* void arch_frame_resume(const struct arch_frame *f): return to a program
 * with every register from f (a forked child's first entry, rt_sigreturn).
 * The kernel stack is reset and f copied to its top (backwards: f may lie
 * lower on the same stack, or be that top already), where the interrupt
 * return path pops it and iretq restores RIP, RFLAGS and RSP together. */
    .global arch_frame_resume
arch_frame_resume:
    KSTACK_RESET
    leaq (FRAME_BYTES - 8)(%rdi), %rsi  /* last qword of f */
    leaq -8(%rdx), %rdi                 /* last qword of the destination */
    movl $(FRAME_BYTES / 8), %ecx
    std
    rep movsq
    cld
    leaq -FRAME_BYTES(%rdx), %rsp
    jmp trap_return
