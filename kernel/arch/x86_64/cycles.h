/* The cycle counter read inline (kernel/arch.h's arch_cycles): every
 * context switch and clock read starts with it. */
#ifndef UNIPLEX_X86_CYCLES_H
#define UNIPLEX_X86_CYCLES_H

#include "kernel/arch/x86_64/cpu.h"

static inline uint64_t arch_cycles(void)
{
    return rdtsc();
}

#endif
