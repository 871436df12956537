/* The kernel's memcpy and memset (libc/string.c's C ones are weak and stay
 * for the host builds): quadwords, then the last n % 8 bytes, as
 * arch_copy_user copies. Network buffers and the page cache move through
 * memcpy; every zeroed page (page tables, demand-zero pages) through
 * memset, whose one `rep stosq` replaces a loop of four instructions per
 * quadword (under QEMU's -icount, 512 instructions a page instead of
 * about 2,000; docs/PERFORMANCE.md). */

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

/* void *memset(void *dst, int c, size_t n): dst. */
    .global memset
memset:
    movq %rdi, %r9
    movzbl %sil, %eax
    movabsq $0x0101010101010101, %r8
    imulq %r8, %rax
    movq %rdx, %rcx
    shrq $3, %rcx
    rep stosq
    movl %edx, %ecx
    andl $7, %ecx
    rep stosb
    movq %r9, %rax
    ret
