/* Residency of an address space's pages: memory locks (mlock(2): a flag
 * on each region, VM_LOCKED, which /proc reports as VmLck; with no swap
 * every page stays in memory anyway, so a lock is the promise plus the
 * filling the caller does) and mincore(2)'s view of which pages are in
 * memory. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmspace.h"

int vmspace_lock(struct vmspace *vs, uint64_t addr, uint64_t len, int on)
{
    if (len == 0)
        return 0;
    if (addr + len < addr || !vm_map_covers(&vs->map, addr, addr + len))
        return -ENOMEM;
    return vm_map_lock(&vs->map, addr, addr + len, on != 0);
}

int vmspace_lock_all(struct vmspace *vs, int on)
{
    return vm_map_lock(&vs->map, vs->map.lo, vs->map.hi, on != 0);
}

uint64_t vmspace_locked(struct vmspace *vs)
{
    uint64_t n = 0;
    for (const struct vm_region *r = vs->map.head; r; r = r->next)
        if (r->flags & VM_LOCKED)
            n += r->end - r->start;
    return n;
}

/* Whether the page at va of r is in memory: mapped, or for a file mapping
 * a page its object has at hand (asked without allocating: the pager's
 * peek, whose mapping reference is given back at once). */
static uint8_t page_in(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    uint64_t pa;
    unsigned fl;
    struct page *pg;
    if (pmap_lookup(vs->root, va, &pa, &fl) == 0)
        return 1;
    if (r->kind != VM_FILE)
        return 0;
    struct vm_object *o = r->obj;
    if (o->pager->get(o, r->pgoff + (va - r->start) / PAGE_SIZE, VM_GET_PEEK, &pg) < 0)
        return 0;
    if (pg->refcount > 0)
        pg_put(pg);
    return 1;
}

int vmspace_mincore(struct vmspace *vs, uint64_t addr, uint64_t n, uint8_t *vec, uint64_t *done)
{
    uint64_t i = 0;
    while (i < n) {
        uint64_t va = addr + i * PAGE_SIZE;
        const struct vm_region *r = vm_map_find(&vs->map, va);
        if (!r)
            break;
        for (; i < n && va < r->end; i++, va += PAGE_SIZE)
            vec[i] = page_in(vs, r, va);
    }
    *done = i;
    return i == n ? 0 : -ENOMEM;
}
