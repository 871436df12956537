/* GDT with one TSS. Everything runs at ring 0, so the GDT only needs kernel
 * code/data; the TSS exists for its interrupt stack table (IST). */
#include <stdint.h>
#include "kernel/arch/x86_64/gdt.h"

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "64-bit TSS is 104 bytes (SDM vol. 3 fig. 8-11)");

struct ist_stack {
    uint8_t bytes[IST_STACK_SIZE];
} __attribute__((aligned(16)));

static struct ist_stack ist_stacks[IST_COUNT];
static struct tss tss;
static uint64_t gdt[5];

struct descriptor_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static uint64_t tss_desc_low(uint64_t base, uint32_t limit)
{
    return (limit & 0xffffull) | ((base & 0xffffffull) << 16) | (0x89ull << 40) |
           ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
}

void gdt_init(void)
{
    uint64_t base = (uint64_t)(uintptr_t)&tss;

    for (int i = 0; i < IST_COUNT; i++)
        tss.ist[i] = (uint64_t)(uintptr_t)(ist_stacks[i].bytes + IST_STACK_SIZE);
    tss.iomap_base = sizeof(tss); /* no I/O bitmap */

    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull; /* GDT_KCODE: 64-bit code, DPL 0 */
    gdt[2] = 0x00cf92000000ffffull; /* GDT_KDATA */
    gdt[3] = tss_desc_low(base, sizeof(tss) - 1);
    gdt[4] = base >> 32;

    struct descriptor_ptr p = {sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(p), "i"((uint64_t)GDT_KCODE), "r"(GDT_KDATA), "r"(GDT_TSS)
                     : "rax", "memory");
}

int gdt_ist_contains(uint64_t addr)
{
    uint64_t lo = (uint64_t)(uintptr_t)ist_stacks;
    return addr >= lo && addr < lo + sizeof(ist_stacks);
}
