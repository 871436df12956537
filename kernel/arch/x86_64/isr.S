/* Interrupt and exception entry.
 *
 * Every vector enters on an IST stack, because at ring 0 the CPU would
 * otherwise push the interrupt frame onto the interrupted stack and clobber
 * a program's 128-byte red zone. The common stub then moves the frame off the
 * IST stack (IST stacks are not re-entrant) to the current kernel stack:
 *   - interrupted RSP in the lower half (a program's stack; kernel code
 *     never runs on one, a program may run kernel-half code on it): top of
 *     the kernel stack;
 *   - interrupted RSP on the kernel stack (kernel code, built -mno-red-zone):
 *     just below it;
 *   - an unknown stack (an IST stack, a kernel stack about to overflow,
 *     anything else) under program code (lower-half RIP: a program that
 *     moved its stack into the kernel half): top of the kernel stack;
 *   - an unknown stack under kernel code: stay where we are; trap_dispatch
 *     treats that as fatal.
 * NMI, #DF and #MC have IST stacks of their own and are always handled there.
 *
 * Frame built for trap_dispatch (struct arch_frame, low to high):
 *   r15 r14 r13 r12 r11 r10 r9 r8 rbp rdx rbx rdi rsi rcx rax vector error
 *   rip cs rflags rsp ss */

#include "kernel/arch/x86_64/asm.h"

#define KSTACK_MARGIN 1024 /* below this much room left, do not move the frame */
#define MOVED_BYTES   88   /* rdi rsi rcx rax vector error + 5-word CPU frame */

    .text
    .altmacro

.macro ISR_STUB vec
    .align 16
isr_stub_\vec:
    .if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    .if (\vec == 2) || (\vec == 8) || (\vec == 18)
    jmp isr_common_stay
    .else
    jmp isr_common_move
    .endif
.endm

    .set vec, 0
    .rept 256
    ISR_STUB %vec
    .set vec, vec + 1
    .endr

isr_common_stay:
    pushq %rax
    pushq %rcx
    pushq %rsi
    pushq %rdi
    cld
    jmp isr_save_rest

isr_common_move:
    pushq %rax
    pushq %rcx
    pushq %rsi
    pushq %rdi
    cld
    movq 72(%rsp), %rax              /* interrupted RSP */
    btq $63, %rax
    jnc 1f                           /* a program's stack */
    movq arch_kstack_lo(%rip), %rcx
    addq $KSTACK_MARGIN, %rcx
    cmpq %rcx, %rax
    jb 3f
    cmpq arch_kstack_hi(%rip), %rax
    ja 3f
    andq $-16, %rax                  /* on the kernel stack: just below */
    jmp 2f
3:  movq 48(%rsp), %rcx              /* an unknown stack: whose code? */
    btq $63, %rcx
    jc isr_save_rest                 /* the kernel's: stay (fatal) */
1:  movq arch_kstack_hi(%rip), %rax  /* a program's: the kernel stack's top */
2:  subq $MOVED_BYTES, %rax
    movq %rsp, %rsi
    movq %rax, %rdi
    movl $(MOVED_BYTES / 8), %ecx
    rep movsq
    movq %rax, %rsp

isr_save_rest:
    FRAME_PUSH_REST
    movq %rsp, %rdi
    xorl %ebp, %ebp
    call trap_dispatch
    .global trap_return
trap_return:                         /* rsp: a struct arch_frame */
    FRAME_POP_GPRS
    addq $16, %rsp
    iretq

.macro ISR_ADDR vec
    .quad isr_stub_\vec
.endm

    .section .rodata
    .align 8
    .global isr_stub_table
isr_stub_table:
    .set vec, 0
    .rept 256
    ISR_ADDR %vec
    .set vec, vec + 1
    .endr
