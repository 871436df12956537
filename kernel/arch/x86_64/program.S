#include "kernel/arch/x86_64/asm.h"
/* Entering program code (lower half) for good: a new process image, a
 * forked child's first return, a return after a signal handler (every
 * register). Program code runs with interrupts enabled on its own stack;
 * interrupt frames and system calls taken there start at the top of the
 * thread's kernel stack (arch_kstack_hi). */

#define FRAME_BYTES 176 /* sizeof(struct arch_frame), checked in frame.c */

/* Interrupts off; the current thread's kernel stack becomes empty again:
 * the next entry from the program starts at its top (in %rdx). */
.macro KSTACK_RESET
    cli
    movq arch_cur_ctx(%rip), %rax
    movq CTX_STACK_HI(%rax), %rdx
    movq %rdx, arch_kstack_hi(%rip)
.endm

    .text
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
 * lower on the same stack), unless it is that top already (a system
 * call's own frame: rt_sigreturn), where the interrupt return path pops it
 * and iretq restores RIP, RFLAGS and RSP together. */
    .global arch_frame_resume
arch_frame_resume:
    KSTACK_RESET
    leaq -FRAME_BYTES(%rdx), %rax       /* where the frame goes */
    cmpq %rdi, %rax
    je 1f
    leaq (FRAME_BYTES - 8)(%rdi), %rsi  /* last qword of f */
    leaq -8(%rdx), %rdi                 /* last qword of the destination */
    movl $(FRAME_BYTES / 8), %ecx
    std
    rep movsq
    cld
1:  movq %rax, %rsp
    jmp trap_return
