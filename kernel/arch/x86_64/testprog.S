/* Test programs for the scheduler suite, assembled here and copied into a
 * test address space (the bytes are data in the kernel; they only run from
 * the copy). All data references are RIP-relative inside the blob. */

    .section .rodata
    .balign 64
    .global testprog_start, testprog_end, testprog_spin, testprog_redzone
    .global testprog_fpu, testprog_data
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

/* Keep arg in xmm1 and check it until stop is set: 0 if it survived. */
testprog_fpu:
    movq %rdi, %xmm1
4:  incq tp_fpu_count(%rip)
    movq %xmm1, %rax
    cmpq %rdi, %rax
    jne 5f
    cmpq $0, tp_stop(%rip)
    je 4b
    xorl %eax, %eax
    ret
5:  movl $1, %eax
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
