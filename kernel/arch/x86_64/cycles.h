/* The arch hooks every context switch calls, inline: the cycle counter
 * (kernel/arch.h's arch_cycles; every clock read starts with it too) and
 * the page-root load (kernel/mm/pmap.h's pmap_activate). */
#ifndef UNIPLEX_X86_CYCLES_H
#define UNIPLEX_X86_CYCLES_H

#include "kernel/arch/x86_64/cpu.h"

static inline uint64_t arch_cycles(void)
{
    return rdtsc();
}

/* Load the page root at its direct-map address root (CR3). */
static inline void arch_pmap_load(const uint64_t *root)
{
    write_cr3((uint64_t)(uintptr_t)root - DIRECT_MAP);
}

#endif
