/* x86_64 instruction wrappers for the arch code of this directory; the
 * rest of the kernel and the drivers go through kernel/arch.h. */
#ifndef UNIPLEX_X86_CPU_H
#define UNIPLEX_X86_CPU_H

#include <stdint.h>

#define KERNEL_VMA 0xffffffff80000000ull
#define DIRECT_MAP 0xffff800000000000ull
/* The early page tables direct-map the first 4 GiB, the range arch_phys_map
 * serves; pmem_init maps the rest of RAM. */
#define DIRECT_MAP_EARLY_LIMIT 0x100000000ull

#define MSR_EFER    0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Load an empty IDT and raise an exception: the CPU cannot deliver it, nor
 * the double fault, and shuts down (a triple fault resets the machine). */
__attribute__((noreturn)) static inline void cpu_triple_fault(void)
{
    static const struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
    __builtin_unreachable();
}

#define DEFINE_READ_CR(n)                                                                          \
    static inline uint64_t read_cr##n(void)                                                        \
    {                                                                                              \
        uint64_t v;                                                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                                          \
        return v;                                                                                  \
    }
DEFINE_READ_CR(0)
DEFINE_READ_CR(2)
DEFINE_READ_CR(3)
DEFINE_READ_CR(4)
#undef DEFINE_READ_CR

static inline void write_cr3(uint64_t pa)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
}

/* uaccess.S: the FPU state into program memory at udst (64-byte aligned,
 * range checked): XSAVE of rfbm's components, FXSAVE when rfbm is 0. 0 or
 * -EFAULT. */
int arch_fpu_save_user(void *udst, uint64_t rfbm);
/* The FPU state loaded from program memory at usrc (range checked): XRSTOR
 * of rfbm's components, FXRSTOR when rfbm is 0. 0, or -EFAULT when the
 * memory faults or the CPU refuses the image (#GP); the registers may then
 * be partly loaded. */
int arch_fpu_restore_user(const void *usrc, uint64_t rfbm);
/* fpu.c: load the initial FPU state (Linux's init_fpstate: what
 * rt_sigreturn gives a frame without an FPU image). */
void arch_fpu_reset(void);

static inline void cpu_relax(void)
{
    __asm__ volatile("pause");
}

/* Physical address below DIRECT_MAP_EARLY_LIMIT -> kernel virtual address. */
static inline void *phys_to_virt(uint64_t pa)
{
    return (void *)(uintptr_t)(DIRECT_MAP + pa);
}

#endif
