/* x86_64 implementations of the kernel/arch.h hooks. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/idt.h"
#include "kernel/arch/x86_64/kstack.h"
#include "kernel/panic.h"

extern uint8_t boot_stack_bottom[], boot_stack_top[];
extern uint64_t boot_tsc0;

/* Read by isr.S: the bounds of the current thread's kernel stack. */
uint64_t arch_kstack_lo;
uint64_t arch_kstack_hi;

uintptr_t __stack_chk_guard;

static int has_rdrand(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return (r[2] >> 30) & 1;
}

__attribute__((no_stack_protector)) void arch_stack_guard_init(void)
{
    uint64_t v = 0;
    if (has_rdrand()) {
        for (int i = 0; i < 10 && v == 0; i++)
            __asm__ volatile("rdrand %0" : "=r"(v) : : "cc");
    }
    if (v == 0)
        v = rdtsc() * 0x9e3779b97f4a7c15ull;
    __stack_chk_guard = (uintptr_t)(v & ~0xffull); /* a NUL byte stops string overruns */
}

void __stack_chk_fail(void)
{
    panic("stack smashing detected");
}

void arch_early_init(void)
{
    kstack_set((uint64_t)(uintptr_t)boot_stack_bottom, (uint64_t)(uintptr_t)boot_stack_top);
    gdt_init();
    idt_init();
}

void kstack_set(uint64_t lo, uint64_t hi)
{
    arch_kstack_lo = lo;
    arch_kstack_hi = hi;
}

int kstack_contains(uint64_t addr)
{
    return (addr >= arch_kstack_lo && addr < arch_kstack_hi) || gdt_ist_contains(addr);
}

void arch_irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

void arch_halt(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

uint64_t arch_cycles(void)
{
    return rdtsc();
}

void *arch_phys_map(uint64_t pa, uint64_t len)
{
    if (pa >= DIRECT_MAP_EARLY_LIMIT || len > DIRECT_MAP_EARLY_LIMIT - pa)
        return 0;
    return phys_to_virt(pa);
}

uint64_t arch_direct_map_base(void)
{
    return DIRECT_MAP;
}

uint64_t arch_kernel_base(void)
{
    return KERNEL_VMA;
}

uint64_t arch_boot_cycles(void)
{
    return boot_tsc0;
}

__attribute__((noinline)) void arch_selftest_ud2(void)
{
    __asm__ volatile("ud2");
}

__attribute__((noinline)) void arch_selftest_page_fault(void)
{
    /* A lower-half address with no vmspace active: kernel code touching it
     * is a kernel bug, so this must end in the #PF register dump. */
    volatile uint64_t *p = (volatile uint64_t *)0x0000700000000000ull;
    *p = 1;
}
