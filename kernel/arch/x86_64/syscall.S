/* System-call entry. Programs run at ring 0, so `syscall` changes no
 * privilege: the CPU puts the return RIP in RCX and RFLAGS in R11, loads
 * CS/SS from STAR, clears the RFLAGS bits in SFMASK (IF among them) and
 * jumps here without touching the stack. The program's RSP (and the red
 * zone below it) must not be written: switch to the thread's kernel stack
 * first. The return restores RFLAGS and jumps to RCX (no sysret: that
 * would go to ring 3). Linux ABI: number in rax, arguments in rdi rsi rdx
 * r10 r8 r9, result in rax, rcx and r11 clobbered. */
#include "kernel/arch/x86_64/asm.h"

    .text
    .global syscall_entry
syscall_entry:
    movq %rsp, syscall_user_rsp(%rip)
    movq arch_kstack_hi(%rip), %rsp
    pushq syscall_user_rsp(%rip)     /* struct syscall_frame, top down */
    pushq %r11                       /* rflags */
    pushq %rcx                       /* rip */
    pushq %rax                       /* nr; the result replaces it */
    pushq %rdi
    pushq %rsi
    pushq %rdx
    pushq %r10
    pushq %r8
    pushq %r9
    pushq %rbp
    PUSH_CALLEE_SAVED
    cld
    movq %rsp, %rdi
    xorl %ebp, %ebp
    call syscall_dispatch
    .global syscall_return
syscall_return:                      /* rsp: a struct syscall_frame */
    POP_CALLEE_SAVED
    popq %rbp
    popq %r9
    popq %r8
    popq %r10
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rax
    popq %rcx                        /* rip */
    popq %r11                        /* rflags (Linux leaves them in r11) */
    pushq %r11
    popfq                            /* may enable interrupts: from here an
                                        interrupt sees kernel RIP, so it is
                                        never a preemption point */
    movq (%rsp), %rsp                /* the program's stack */
    jmp *%rcx

    .bss
    .balign 8
syscall_user_rsp:
    .quad 0
