/* The kernel's memcpy (libc/string.c's C one is weak and stays for the host
 * builds): quadwords, then the last n % 8 bytes, as arch_copy_user copies.
 * Network buffers and the page cache move through it. */

    .text
/* void *memcpy(void *dst, const void *src, size_t n): dst. */
    .global memcpy
memcpy:
    movq %rdi, %rax
    movq %rdx, %rcx
    shrq $3, %rcx
    rep movsq
    movl %edx, %ecx
    andl $7, %ecx
    rep movsb
    ret
