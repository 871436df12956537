/* Device memory: a bump allocator over the arch's device area, each range
 * mapped page by page with PMAP_UC in the kernel's tables. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/devmap.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmap.h"

static uint64_t next_va; /* 0: not started */

int devmap(uint64_t pa, uint64_t len, void **va)
{
    uint64_t size, base = arch_devmap_area(&size);
    uint64_t lo = page_round_down(pa), hi = page_round_up(pa + len);

    if (len == 0 || pa + len < pa || hi <= lo)
        return -EINVAL;
    if (!next_va)
        next_va = base;
    if (hi - lo > base + size - next_va)
        return -ENOMEM;
    uint64_t at = next_va;
    next_va += hi - lo + PAGE_SIZE; /* an unmapped guard page between ranges */
    for (uint64_t off = 0; off < hi - lo; off += PAGE_SIZE) {
        unsigned fl = PMAP_READ | PMAP_WRITE | PMAP_GLOBAL | PMAP_UC;
        if (pmap_map(pmap_kernel(), at + off, lo + off, fl) != 0)
            return -ENOMEM; /* the range stays reserved, partly mapped, unused */
    }
    *va = (void *)(uintptr_t)(at + page_offset(pa));
    return 0;
}
