#ifndef UNIPLEX_X86_IDT_H
#define UNIPLEX_X86_IDT_H

/* Install all 256 vectors (isr.S stubs). Requires gdt_init() first. */
void idt_init(void);

#endif
