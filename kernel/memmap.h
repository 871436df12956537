/* Physical memory map as the boot loader reported it, cleaned up. */
#ifndef UNIPLEX_MEMMAP_H
#define UNIPLEX_MEMMAP_H

#include <stdint.h>

/* Types as in multiboot / E820. Unknown types are treated as reserved. */
#define MEM_USABLE   1
#define MEM_RESERVED 2
#define MEM_ACPI     3 /* ACPI tables, reclaimable */
#define MEM_NVS      4
#define MEM_BAD      5

struct mem_range {
    uint64_t base, len;
    uint32_t type;
};

struct memmap_stats {
    unsigned zero_length; /* entries of length 0, dropped */
    unsigned overlaps;    /* pairs of entries of different types that overlapped */
    unsigned truncated;   /* ranges lost because the output was full or wrapped past 2^64 */
};

/* Rewrite r[0..n) in place into a sorted list of disjoint ranges: zero-length
 * entries dropped, where entries overlap the more restrictive type wins
 * (usable < ACPI < reserved < NVS < bad), neighbours of one type merged.
 * At most max entries are kept (max >= n). Returns the new count. */
unsigned memmap_sanitize(struct mem_range *r, unsigned n, unsigned max, struct memmap_stats *st);

/* Sum of the lengths of the MEM_USABLE ranges. */
uint64_t memmap_usable(const struct mem_range *r, unsigned n);

const char *memmap_type_name(uint32_t type);

#endif
