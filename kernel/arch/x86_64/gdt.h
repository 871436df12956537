#ifndef UNIPLEX_X86_GDT_H
#define UNIPLEX_X86_GDT_H

/* Selectors (also used by syscall.S). */
#define GDT_KCODE 0x08
#define GDT_KDATA 0x10
#define GDT_TSS   0x18

/* IST slots (1-based, as in the IDT gate). */
#define IST_COMMON     1 /* every vector not listed below; the frame moves off it */
#define IST_NMI        2
#define IST_DF         3
#define IST_MC         4
#define IST_COUNT      4
#define IST_STACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Load the GDT and the TSS whose IST pointers serve every IDT gate. */
void gdt_init(void);
/* True when addr lies in one of the IST stacks. */
int gdt_ist_contains(uint64_t addr);
#endif

#endif
