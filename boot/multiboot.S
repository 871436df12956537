/* Multiboot headers. Multiboot2 is what GRUB uses for the ISO; multiboot1
 * with the a.out-kludge fields (flag 16) is what QEMU's -kernel needs, since
 * QEMU refuses to load an ELF64 multiboot image by its program headers. */
#define KERNEL_VMA 0xffffffff80000000

#define MB1_MAGIC 0x1badb002
#define MB1_FLAGS 0x00010003 /* page-align modules, memory info, a.out kludge */

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH  0          /* i386 protected mode */

    .section .multiboot, "a"
    .align 4
mb1_header:
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header - KERNEL_VMA   /* header_addr */
    .long __load_start_phys         /* load_addr */
    .long __load_end_phys           /* load_end_addr: end of .data */
    .long __bss_end_phys            /* bss_end_addr: the loader zeroes .bss */
    .long _start32_phys             /* entry_addr */

    .align 8
mb2_header:
    .long MB2_MAGIC
    .long MB2_ARCH
    .long mb2_end - mb2_header
    .long -(MB2_MAGIC + MB2_ARCH + (mb2_end - mb2_header))

    /* Console flags: EGA text supported (bit 1), nothing required. With
     * it, GRUB honours grub.cfg's gfxpayload=text under BIOS (VGA text); without
     * it GRUB would pick a graphics mode because of the framebuffer tag. */
    .align 8
    .short 4, 0
    .long 12
    .long 2

    /* Framebuffer tag, optional, no preferred mode: under UEFI GRUB passes
     * the firmware's GOP framebuffer (gfxpayload=keep). */
    .align 8
    .short 5, 1
    .long 20
    .long 0, 0, 0

    /* Module alignment tag: modules page aligned. */
    .align 8
    .short 6, 0
    .long 8

    .align 8
    .short 0, 0
    .long 8
mb2_end:
