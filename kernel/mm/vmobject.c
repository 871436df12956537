/* Taking an object's pages out of the address spaces that map it: the
 * object's list of regions (kept by vmregion.c) is its reverse map. */
#include <stdint.h>
#include "kernel/mm/page.h"
#include "kernel/mm/pmap.h"
#include "kernel/mm/vmobject.h"
#include "kernel/mm/vmspace.h"

/* The part of r's range that maps indices [from, to): 0 and [*s, *e), or 1
 * when r maps none of them. */
static int region_span(const struct vm_region *r, uint64_t from, uint64_t to, uint64_t *s,
                       uint64_t *e)
{
    uint64_t n = (r->end - r->start) / PAGE_SIZE;
    if (to <= r->pgoff)
        return 1;
    uint64_t lo = from > r->pgoff ? from : r->pgoff;
    uint64_t hi = to - r->pgoff < n ? to : r->pgoff + n;
    if (lo >= hi)
        return 1;
    *s = r->start + (lo - r->pgoff) * PAGE_SIZE;
    *e = r->start + (hi - r->pgoff) * PAGE_SIZE;
    return 0;
}

void vm_object_unmap(struct vm_object *o, uint64_t from, uint64_t to)
{
    uint64_t s, e;
    for (struct vm_region *r = o->regions; r; r = r->obj_next)
        if (region_span(r, from, to, &s, &e) == 0)
            vmspace_unmap_pages(vmspace_of_map(r->map), s, e);
}

void vm_object_replaced(struct vm_object *o, uint64_t idx, uint64_t old_pa)
{
    uint64_t s, e, pa;
    unsigned fl;
    for (struct vm_region *r = o->regions; r; r = r->obj_next) {
        if (!(r->flags & VM_SHARED) || region_span(r, idx, idx + 1, &s, &e) != 0)
            continue;
        struct vmspace *vs = vmspace_of_map(r->map);
        if (pmap_lookup(vs->root, s, &pa, &fl) == 0 && page_round_down(pa) == old_pa)
            vmspace_unmap_pages(vs, s, e);
    }
}
