#include <stdint.h>
#include "kernel/ksyms.h"

/* Emitted by tools/mksyms.sh, sorted by address. */
struct ksym {
    uint64_t addr;
    uint64_t name; /* offset into ksyms_names */
};
extern const uint64_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];
extern const char __kernel_start[], __text_end[];

const char *ksyms_lookup(uint64_t addr, uint64_t *off)
{
    uint64_t lo = 0, hi = ksyms_count;

    if (addr < (uint64_t)(uintptr_t)__kernel_start || addr >= (uint64_t)(uintptr_t)__text_end)
        return 0;
    /* Last entry with entry.addr <= addr. */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_count == 0 || ksyms_table[lo].addr > addr)
        return 0;
    *off = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name;
}
