/* 32-bit entry from multiboot1 (QEMU -kernel) or multiboot2 (GRUB, BIOS or
 * UEFI): protected mode, paging off, EAX = magic, EBX = boot information.
 * Builds the early page tables, enters long mode and calls
 * kmain(magic, info_phys) on the boot stack in the higher half.
 *
 * Early map (2 MiB pages, 4 page directories shared by all three views):
 *   0 .. 4 GiB                     identity (only used to reach the higher half)
 *   0xffff800000000000 + 0..4 GiB  direct map
 *   0xffffffff80000000 + 0..1 GiB  kernel image */
#define KERNEL_VMA 0xffffffff80000000
#define P(x) ((x) - KERNEL_VMA)

#define CR0_PE    (1 << 0)
#define CR0_WP    (1 << 16)
#define CR0_PG    (1 << 31)
#define CR4_PAE   (1 << 5)
#define EFER_LME  (1 << 8)
#define EFER_NXE  (1 << 11)
#define PTE_P_RW  0x3
#define PDE_LARGE 0x83

    .section .boot.text, "ax"
    .code32
    .global _start32
_start32:
    movl %eax, P(boot_magic)
    movl %ebx, P(boot_info)
    rdtsc                            /* boot time starts here */
    movl %eax, P(boot_tsc0)
    movl %edx, P(boot_tsc0) + 4

    /* Long mode is required (CPUID 0x80000001 EDX bit 29); keep bit 20 (NX). */
    movl $0x80000000, %eax
    cpuid
    cmpl $0x80000001, %eax
    jb no_long_mode
    movl $0x80000001, %eax
    cpuid
    testl $(1 << 29), %edx
    jz no_long_mode
    movl %edx, %ebp

    /* The loaders zero .bss, but do not rely on every loader doing so. */
    cld
    movl $P(__bss_start), %edi
    movl $P(__bss_end), %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    /* 2048 2 MiB entries covering 0 .. 4 GiB. */
    movl $P(boot_pd), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $PDE_LARGE, %eax
    movl %eax, (%edi, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, 4(%edi, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 1b

    movl $P(boot_pd) + PTE_P_RW, %eax
    movl %eax, P(boot_pdpt_low)
    addl $4096, %eax
    movl %eax, P(boot_pdpt_low) + 8
    addl $4096, %eax
    movl %eax, P(boot_pdpt_low) + 16
    addl $4096, %eax
    movl %eax, P(boot_pdpt_low) + 24
    movl $P(boot_pd) + PTE_P_RW, P(boot_pdpt_high) + 510 * 8

    movl $P(boot_pdpt_low) + PTE_P_RW, %eax
    movl %eax, P(boot_pml4)              /* slot 0: identity */
    movl %eax, P(boot_pml4) + 256 * 8    /* slot 256: direct map */
    movl $P(boot_pdpt_high) + PTE_P_RW, P(boot_pml4) + 511 * 8

    movl %cr4, %eax
    orl $CR4_PAE, %eax
    movl %eax, %cr4
    movl $P(boot_pml4), %eax
    movl %eax, %cr3

    movl $0xc0000080, %ecx
    rdmsr
    orl $EFER_LME, %eax
    testl $(1 << 20), %ebp
    jz 2f
    orl $EFER_NXE, %eax
2:  wrmsr

    movl %cr0, %eax
    orl $(CR0_PG | CR0_WP | CR0_PE), %eax
    movl %eax, %cr0

    lgdt P(boot_gdtr)
    ljmp $0x08, $P(start64_low)

no_long_mode:
    movl $P(msg_no_long_mode), %esi
    movl $0xb8000, %edi
    movw $0x3f8, %dx
3:  lodsb
    testb %al, %al
    jz 4f
    outb %al, %dx
    movb %al, (%edi)
    movb $0x4f, 1(%edi)
    addl $2, %edi
    jmp 3b
4:  cli
    hlt
    jmp 4b

    .code64
start64_low:
    movabsq $start64, %rax
    jmp *%rax

    .text
start64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $boot_stack_top, %rsp
    xorl %ebp, %ebp                  /* ends every backtrace */
    movl boot_magic(%rip), %edi
    movl boot_info(%rip), %esi
    call kmain
5:  cli
    hlt
    jmp 5b

    .section .rodata
msg_no_long_mode:
    .asciz "Uniplex needs a 64-bit (x86_64) CPU; halting."

    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff         /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff         /* 0x10: data */
boot_gdt_end:
boot_gdtr:
    .short boot_gdt_end - boot_gdt - 1
    .long P(boot_gdt)

    .data
    .align 8
    .global boot_tsc0
boot_tsc0:
    .quad 0
boot_magic:
    .long 0
boot_info:
    .long 0

    .bss
    .align 4096
boot_pml4:
    .skip 4096
boot_pdpt_low:
    .skip 4096
boot_pdpt_high:
    .skip 4096
boot_pd:
    .skip 4 * 4096
    .global boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 16384
boot_stack_top:
