/* The FPU save and restore themselves, inline for the context switch;
 * fpu.c sets the mode up (arch_fpu_init) and wraps them as the arch_fpu_*
 * hooks of kernel/arch.h. */
#ifndef UNIPLEX_X86_FPU_H
#define UNIPLEX_X86_FPU_H

#include <stdint.h>

extern int fpu_use_xsave; /* XSAVE (else FXSAVE), set once by arch_fpu_init */
extern uint64_t fpu_xcr0; /* the components XSAVE saves */

/* Save the FPU/SSE/AVX state into area (arch_fpu_area_size() bytes,
 * 64-byte aligned). */
static inline void fpu_save(void *area)
{
    if (fpu_use_xsave)
        __asm__ volatile("xsave64 (%0)"
                         :
                         : "r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

/* Load the state saved in area. */
static inline void fpu_restore(const void *area)
{
    if (fpu_use_xsave)
        __asm__ volatile("xrstor64 (%0)"
                         :
                         : "r"(area), "a"((uint32_t)fpu_xcr0), "d"((uint32_t)(fpu_xcr0 >> 32))
                         : "memory");
    else
        __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

#endif
