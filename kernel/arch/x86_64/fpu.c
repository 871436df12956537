/* FPU/SSE/AVX state (SDM vol. 1, 13): enable every state component XSAVE
 * offers and size the save area; fall back to FXSAVE without XSAVE. The
 * kernel itself is built -mgeneral-regs-only, so only threads that run
 * program code need their FPU state switched. */
#include <stdint.h>
#include "string.h"
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/fpu.h"
#include "kernel/printk.h"

#define CR4_OSFXSR     (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_OSXSAVE    (1u << 18)
#define MXCSR_DEFAULT  0x1f80u
#define FXSAVE_SIZE    512

#define FCW_DEFAULT 0x37fu

int fpu_use_xsave;
uint64_t fpu_xcr0;
static uint32_t area_size = FXSAVE_SIZE;
/* The state Linux gives a program whose rt_sigreturn frame has no FPU
 * image (init_fpstate): x87 control word 0x37f, MXCSR 0x1f80, every
 * register zero. XSTATE_BV is 0, so XRSTOR reads the legacy area and the
 * header alone and puts every component in its initial configuration. */
static uint8_t init_image[FXSAVE_SIZE + 64] __attribute__((aligned(64)));

static void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void arch_fpu_init(int legacy)
{
    uint32_t r[4];
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;

    cpuid(1, 0, r);
    fpu_use_xsave = !legacy && ((r[2] >> 26) & 1);
    if (fpu_use_xsave) {
        write_cr4(cr4 | CR4_OSXSAVE);
        cpuid(0xd, 0, r);
        fpu_xcr0 = ((uint64_t)r[3] << 32 | r[0]) & 0xe7; /* x87 SSE AVX + AVX-512 */
        xsetbv(0, fpu_xcr0);
        cpuid(0xd, 0, r);
        area_size = r[1]; /* size for the components now enabled */
    } else {
        write_cr4(cr4);
    }
    uint16_t fcw = FCW_DEFAULT;
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy(init_image, &fcw, 2);
    memcpy(init_image + 24, &mxcsr, 4);
    printk("fpu: %s, state components %#llx, %u-byte save area\n",
           fpu_use_xsave ? "xsave" : "fxsave", (unsigned long long)fpu_xcr0, area_size);
}

uint32_t arch_fpu_area_size(void)
{
    return area_size;
}

void arch_fpu_area_init(void *area)
{
    memset(area, 0, area_size); /* XSTATE_BV 0: every component at init */
    uint32_t mxcsr = MXCSR_DEFAULT;
    memcpy((uint8_t *)area + 24, &mxcsr, 4);
}

void arch_fpu_save(void *area)
{
    fpu_save(area);
}

void arch_fpu_restore(const void *area)
{
    fpu_restore(area);
}

void arch_fpu_reset(void)
{
    arch_fpu_restore(init_image);
}

uint64_t arch_fpu_xcr0(void)
{
    return fpu_xcr0;
}

int arch_has_avx(void)
{
    return fpu_use_xsave && (fpu_xcr0 & 0x6) == 0x6;
}
