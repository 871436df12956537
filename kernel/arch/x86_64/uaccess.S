/* Accesses to program memory that may fault. Each faulting instruction has
 * an entry (instruction, fixup) in __ex_table; the page-fault handler, when
 * it cannot resolve a fault, resumes at the fixup. */

    .text
/* uint64_t arch_copy_user(void *dst, const void *src, uint64_t n):
 * bytes NOT copied (0 on success). Quadwords, then the last n % 8 bytes:
 * as fast as one rep movsb where the CPU has ERMS, and about ten times
 * faster under QEMU's TCG, which runs each rep iteration on its own. */
    .global arch_copy_user
arch_copy_user:
    movq %rdx, %rcx
    shrq $3, %rcx
1:  rep movsq
    movl %edx, %ecx
    andl $7, %ecx
2:  rep movsb
    xorl %eax, %eax
    ret
8:  leaq (, %rcx, 8), %rax       /* rep leaves the quadwords left in rcx */
    andl $7, %edx
    addq %rdx, %rax
    ret
9:  movq %rcx, %rax              /* and the bytes left, in the tail */
    ret

/* long arch_strncpy_user(char *dst, const char *src, long n): length of the
 * string (NUL copied) if it ends within n bytes, n if it does not (dst not
 * terminated), -EFAULT (-14) on a fault. */
    .global arch_strncpy_user
arch_strncpy_user:
    xorl %eax, %eax
3:  cmpq %rdx, %rax
    je 5f
4:  movb (%rsi, %rax), %cl
    movb %cl, (%rdi, %rax)
    testb %cl, %cl
    jz 5f
    incq %rax
    jmp 3b
5:  ret
6:  movq $-14, %rax
    ret

/* int arch_fpu_save_user(void *udst, uint64_t rfbm): the FPU state
 * straight into program memory (a signal frame), XSAVE of the components
 * rfbm names, or FXSAVE when rfbm is 0: 0, or -EFAULT (-14) on a fault.
 * udst: 64-byte aligned and checked by the caller (user_range_ok). One
 * write instead of a save to the thread's area and a copy of it out. */
    .global arch_fpu_save_user
arch_fpu_save_user:
    movq %rsi, %rax
    movq %rsi, %rdx
    shrq $32, %rdx
    testq %rsi, %rsi
    jz 11f
10: xsave64 (%rdi)
    xorl %eax, %eax
    ret
11: fxsave64 (%rdi)
    xorl %eax, %eax
    ret
12: movl $-14, %eax
    ret

/* int arch_fpu_restore_user(const void *usrc, uint64_t rfbm): the FPU
 * state straight from program memory (rt_sigreturn's frame), XRSTOR of the
 * components rfbm names, or FXRSTOR when rfbm is 0: 0, or -EFAULT (-14)
 * when the memory faults or the CPU refuses the image (#GP: a misaligned
 * area, reserved MXCSR bits, a bad XSAVE header), as Linux refuses the
 * frame. usrc: range-checked by the caller. On -EFAULT the FPU registers
 * may be partly loaded: the caller ends the program. */
    .global arch_fpu_restore_user
arch_fpu_restore_user:
15: testl $0xffff0000, 24(%rdi)    /* MXCSR's reserved bits: refused by the */
    jnz 12b                        /* CPU (#GP), though not by QEMU's TCG */
    movq %rsi, %rax
    movq %rsi, %rdx
    shrq $32, %rdx
    testq %rsi, %rsi
    jz 14f
13: xrstor64 (%rdi)
    xorl %eax, %eax
    ret
14: fxrstor64 (%rdi)
    xorl %eax, %eax
    ret

    .section __ex_table, "a"
    .balign 8
    .quad 1b, 8b
    .quad 2b, 9b
    .quad 4b, 6b
    .quad 10b, 12b
    .quad 11b, 12b
    .quad 13b, 12b
    .quad 14b, 12b
    .quad 15b, 12b

