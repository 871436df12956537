/* The kernel's own symbol table, generated at build time from the linked
 * image (tools/mksyms.sh) and linked into .rodata. */
#ifndef UNIPLEX_KSYMS_H
#define UNIPLEX_KSYMS_H

#include <stdint.h>

/* Name of the function containing addr, with *off = addr - its start;
 * NULL when addr is outside the kernel text or the table is empty. */
const char *ksyms_lookup(uint64_t addr, uint64_t *off);

#endif
