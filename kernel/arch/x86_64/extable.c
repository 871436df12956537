#include <stdint.h>
#include "kernel/arch/x86_64/extable.h"

struct extable_entry {
    uint64_t insn, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

uint64_t extable_fixup(uint64_t rip)
{
    /* A handful of entries: a linear scan is enough. */
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->insn == rip)
            return e->fixup;
    return 0;
}
