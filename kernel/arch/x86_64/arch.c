/* x86_64 implementations of the kernel/arch.h hooks. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/gdt.h"
#include "kernel/arch/x86_64/idt.h"
#include "kernel/arch/x86_64/kstack.h"
#include "kernel/mm/page.h"
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

int arch_random(uint64_t *v)
{
    static int have = -1;
    if (have < 0)
        have = has_rdrand();
    for (int i = 0; have && i < 10; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return 1;
    }
    return 0;
}

void arch_cpu_names(char vendor[16], char model[64])
{
    uint32_t r[4];
    cpuid(0, 0, r);
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = 0;
    strlcpy(model, "unknown", 64);
    cpuid(0x80000000u, 0, r);
    if (r[0] < 0x80000004u)
        return;
    for (uint32_t i = 0; i < 3; i++) {
        cpuid(0x80000002u + i, 0, r);
        memcpy(model + 16 * i, r, 16);
    }
    model[48] = 0;
}

uint64_t arch_hwcap(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    return r[3];
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

uint64_t arch_kstack_area(void)
{
    return 0xffffff0000000000ull; /* PML4 slot 510 */
}

uint64_t arch_devmap_area(uint64_t *size)
{
    *size = 0x1000000000ull;      /* 64 GiB */
    return 0xffffffc000000000ull; /* PML4 slot 511, 254 GiB below the kernel image */
}

uint64_t arch_kernel_base(void)
{
    return KERNEL_VMA;
}

uint64_t arch_boot_cycles(void)
{
    return boot_tsc0;
}

int arch_cpu_emulated(void)
{
    uint64_t n = 2000, t0 = rdtsc();
    __asm__ volatile("1: dec %0; jnz 1b" : "+r"(n));
    return (rdtsc() - t0) / 2000 > 500;
}

#define MSR_APIC_BASE    0x1b
#define APIC_BASE_ENABLE (1u << 11)
#define CPUID1_EDX_APIC  (1u << 9)

int arch_lapic_enable(uint64_t *base)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[3] & CPUID1_EDX_APIC))
        return -ENODEV;
    uint64_t msr = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
    *base = page_round_down(msr); /* the registers' physical page */
    return 0;
}

void arch_cpu_reset(void)
{
    cpu_triple_fault();
}

#define MSR_STAR   0xc0000081u
#define MSR_LSTAR  0xc0000082u
#define MSR_SFMASK 0xc0000084u
#define EFER_SCE   1u
#define RFLAGS_TF  (1u << 8)
#define RFLAGS_IF  (1u << 9)
#define RFLAGS_DF  (1u << 10)
#define RFLAGS_AC  (1u << 18)

extern char syscall_entry[];

void arch_syscall_init(void)
{
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* STAR[47:32]: CS for syscall (SS = CS + 8); ring 0 throughout. */
    wrmsr(MSR_STAR, (uint64_t)GDT_KCODE << 32);
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    /* Interrupts off on entry, like any kernel code; direction flag clear. */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
}
