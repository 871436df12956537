/* System-call entry. Programs run at ring 0, so `syscall` changes no
 * privilege: the CPU puts the return RIP in RCX and RFLAGS in R11, loads
 * CS/SS from STAR, clears the RFLAGS bits in SFMASK (IF among them) and
 * jumps here without touching the stack. The program's RSP (and the red
 * zone below it) must not be written: switch to the thread's kernel stack
 * first. The frame is a struct arch_frame (frame.h), the layout isr.S
 * builds, so signals, fork and rt_sigreturn treat every entry alike. The
 * return restores RFLAGS and jumps to RCX (no sysret: that would go to
 * ring 3). Linux ABI: number in rax, arguments in rdi rsi rdx r10 r8 r9,
 * result in rax, rcx and r11 clobbered (here: RIP and RFLAGS).
 *
 * A leaf call (syscall_register_leaf: getpid and the like) takes the short
 * path: no frame, the handler called with the arguments still in their
 * registers and interrupts still off, the registers the C ABI lets it
 * clobber saved around it, and no look for signals on the way out (a leaf
 * changes nothing a signal depends on, and with interrupts off none can
 * arrive during it). A thread whose calls seccomp checks has leaf_max 0
 * in its context: every call of it takes the full path through
 * syscall_dispatch_checked (as does a number past the table), so that
 * syscall_dispatch itself never looks at seccomp. */
#include "kernel/arch/x86_64/asm.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/sys/syscall.h"

    .text
    .global syscall_entry
syscall_entry:
    movq %rsp, syscall_user_rsp(%rip)
    movq arch_cur_ctx(%rip), %rsp    /* a scratch register: no stack yet */
    cmpq CTX_LEAF_MAX(%rsp), %rax    /* SYSCALL_MAX, or 0: all checked */
    movq arch_kstack_hi(%rip), %rsp
    jae syscall_checked
    cmpq $0, syscall_leaf(,%rax,8)   /* -mcmodel=kernel: absolute is fine */
    je syscall_full
    pushq syscall_user_rsp(%rip)
    pushq %r11                       /* rflags */
    pushq %rcx                       /* rip */
    pushq %rdi                       /* what the C ABI may clobber but */
    pushq %rsi                       /* the Linux ABI keeps */
    pushq %rdx
    pushq %r8
    pushq %r9
    pushq %r10
    subq $8, %rsp                    /* the call's 16-byte alignment */
    movq %r10, %rcx                  /* the fourth argument, C's way */
    call *syscall_leaf(,%rax,8)
    addq $8, %rsp
    popq %r10
    popq %r9
    popq %r8
    popq %rdx
    popq %rsi
    popq %rdi
    popq %rcx
    movq (%rsp), %r11
    popfq                            /* as below: no preemption point */
    popq %rsp
    jmp *%rcx
/* struct arch_frame, top down (the CPU's part first: ss rsp rflags cs
 * rip), then error, vector, the number (the result replaces it) and the
 * general registers. */
.macro SYSCALL_FRAME
    pushq $GDT_KDATA                 /* ss */
    pushq syscall_user_rsp(%rip)     /* rsp */
    pushq %r11                       /* rflags */
    pushq $GDT_KCODE                 /* cs */
    pushq %rcx                       /* rip */
    pushq $0                         /* error */
    pushq $0                         /* vector */
    pushq %rax                       /* nr; the result replaces it */
    pushq %rcx
    pushq %rsi
    pushq %rdi
    FRAME_PUSH_REST
    cld
    movq %rsp, %rdi
    xorl %ebp, %ebp
.endm
/* A thread seccomp checks, or a number past the table. */
syscall_checked:
    SYSCALL_FRAME
    call syscall_dispatch_checked
    jmp syscall_return
syscall_full:
    SYSCALL_FRAME
    call syscall_dispatch
syscall_return:                      /* rsp: the struct arch_frame */
    FRAME_POP_GPRS                   /* RCX and R11 are replaced below */
    movq 16(%rsp), %rcx              /* rip (past vector, error) */
    movq 32(%rsp), %r11              /* rflags (Linux leaves them in r11) */
    addq $32, %rsp                   /* vector, error, rip, cs */
    popfq                            /* may enable interrupts: from here an
                                        interrupt sees kernel RIP, so it is
                                        never a preemption point */
    movq (%rsp), %rsp                /* the program's stack */
    jmp *%rcx

    .bss
    .balign 8
syscall_user_rsp:
    .quad 0
