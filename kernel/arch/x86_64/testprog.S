/* Test programs for the scheduler suite, assembled here and copied into a
 * test address space (the bytes are data in the kernel; they only run from
 * the copy). All data references are RIP-relative inside the blob. */

    .section .rodata
    .balign 64
    .global testprog_start, testprog_end, testprog_spin, testprog_redzone
    .global testprog_fpu, testprog_data, testprog_sysloop, testprog_sysregs
testprog_start:

/* Count in spin_count until stop is set; return the count. */
testprog_spin:
1:  incq tp_spin_count(%rip)
    cmpq $0, tp_stop(%rip)
    je 1b
    movq tp_spin_count(%rip), %rax
    ret

/* Fill the 128-byte red zone below RSP with a pattern and check all of it
 * on every iteration until stop is set: 0 if it never changed, else 1. */
testprog_redzone:
    movabsq $0x5a5aa5a55a5aa5a5, %r8
    .set off, 8
    .rept 16
    movq %r8, -off(%rsp)
    .set off, off + 8
    .endr
2:  incq tp_rz_count(%rip)
    .set off, 8
    .rept 16
    cmpq %r8, -off(%rsp)
    jne 3f
    .set off, off + 8
    .endr
    cmpq $0, tp_stop(%rip)
    je 2b
    xorl %eax, %eax
    ret
3:  movl $1, %eax
    ret

/* SSE2 arithmetic: xmm1 accumulates arg (paddq) while rcx does the same
 * in a general register; they must agree on every iteration until stop.
 * With rsi != 0 (AVX present), the upper half of ymm3 also holds arg and
 * is checked too. Returns 0 if everything survived, else 1. */
testprog_fpu:
    pxor %xmm1, %xmm1
    movq %rdi, %xmm2
    xorl %ecx, %ecx
    testq %rsi, %rsi
    jz 4f
    vmovq %rdi, %xmm3
    vinsertf128 $1, %xmm3, %ymm3, %ymm3
4:  incq tp_fpu_count(%rip)
    paddq %xmm2, %xmm1
    addq %rdi, %rcx
    movq %xmm1, %rax
    cmpq %rcx, %rax
    jne 5f
    testq %rsi, %rsi
    jz 6f
    vextractf128 $1, %ymm3, %xmm4
    vmovq %xmm4, %rax
    cmpq %rdi, %rax
    jne 5f
6:  cmpq $0, tp_stop(%rip)
    je 4b
    xorl %eax, %eax
    ret
5:  movl $1, %eax
    ret

/* Make rsi system calls number rdi; return the last result. */
testprog_sysloop:
    movq %rdi, %rbx
    movq %rsi, %r12
7:  movq %rbx, %rax
    syscall
    decq %r12
    jnz 7b
    ret

/* One system call rdi with every register the Linux ABI preserves (all
 * but rax, rcx, r11) and the 128-byte red zone holding known values; return
 * the call's result if they all survived, else 1000 + which failed. */
testprog_sysregs:
    movq %rdi, %rax
    .set off, 8
    .rept 16
    movq $0x5a5aa5a5, -off(%rsp)
    .set off, off + 8
    .endr
    movq $0x1111, %rbx
    movq $0x2222, %rbp
    movq $0x3333, %rdx
    movq $0x4444, %rsi
    movq $0x5555, %rdi
    movq $0x8888, %r8
    movq $0x9999, %r9
    movq $0xaaaa, %r10
    movq $0xcccc, %r12
    movq $0xdddd, %r13
    movq $0xeeee, %r14
    movq $0xffff, %r15
    syscall
    movl $1001, %ecx
    cmpq $0x1111, %rbx
    jne 8f
    incl %ecx
    cmpq $0x2222, %rbp
    jne 8f
    incl %ecx
    cmpq $0x3333, %rdx
    jne 8f
    incl %ecx
    cmpq $0x4444, %rsi
    jne 8f
    incl %ecx
    cmpq $0x5555, %rdi
    jne 8f
    incl %ecx
    cmpq $0x8888, %r8
    jne 8f
    incl %ecx
    cmpq $0x9999, %r9
    jne 8f
    incl %ecx
    cmpq $0xaaaa, %r10
    jne 8f
    incl %ecx
    cmpq $0xcccc, %r12
    jne 8f
    incl %ecx
    cmpq $0xdddd, %r13
    jne 8f
    incl %ecx
    cmpq $0xeeee, %r14
    jne 8f
    incl %ecx
    cmpq $0xffff, %r15
    jne 8f
    movl $1100, %ecx
    .set off, 8
    .rept 16
    cmpq $0x5a5aa5a5, -off(%rsp)
    jne 8f
    .set off, off + 8
    .endr
    ret
8:  movq %rcx, %rax
    ret

    .balign 64
testprog_data:
tp_spin_count:
    .quad 0
tp_rz_count:
    .quad 0
tp_fpu_count:
    .quad 0
tp_stop:
    .quad 0
testprog_end:
