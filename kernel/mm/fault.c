/* Page-fault resolution against a vmspace's regions. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmspace.h"

static unsigned region_flags(const struct vm_region *r)
{
    return vm_prot_pmap(r->prot);
}

static int map_new(struct vmspace *vs, uint64_t va, struct page *p, unsigned flags)
{
    int err = pmap_map(vs->root, va, pg_phys(p), flags);
    if (err)
        pg_put(p);
    return err == -EEXIST ? 0 : err;
}

static int fault_zero(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    struct page *p = pg_alloc_zeroed(0);
    return p ? map_new(vs, va, p, region_flags(r)) : -ENOMEM;
}

/* Map the backing page at va read-only (COW if the region is writable)
 * when a whole aligned page of it exists: 0, 1 if it cannot be done that
 * way, or -errno. */
static int map_backing(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    uint64_t off = va - r->start, src = r->file_phys + off;
    uint64_t avail = r->file_len > off ? r->file_len - off : 0;
    unsigned flags = region_flags(r);
    if (avail < PAGE_SIZE || !page_aligned(src))
        return 1;
    if (flags & PMAP_WRITE)
        flags = (flags & ~PMAP_WRITE) | PMAP_COW;
    struct page *fp = pg_from_phys(src);
    int err = pmap_map(vs->root, va, src, flags);
    if (err == 0 && fp && fp->refcount > 0)
        pg_get(fp); /* reserved frames (the initrd) are not counted */
    return err == -EEXIST ? 0 : err;
}

/* Fault-around: a program reading its text or data will soon touch the
 * next pages too; mapping up to 15 more backing pages now saves a fault
 * each (they cost nothing: no copy, no allocation but page tables). */
#define FAULT_AROUND 16
static void fault_around(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    for (unsigned k = 1; k < FAULT_AROUND && va + (uint64_t)PAGE_SIZE * k < r->end; k++) {
        uint64_t pa, v = va + (uint64_t)PAGE_SIZE * k;
        unsigned fl;
        if (pmap_lookup(vs->root, v, &pa, &fl) == 0)
            continue;
        if (map_backing(vs, r, v) != 0)
            return;
    }
}

/* File-backed: map the backing page itself (read-only; private writable
 * regions get the COW bit) when a whole aligned page of it exists and this
 * is not a write; otherwise a private copy, zero-filled past the data. */
static int fault_file(struct vmspace *vs, const struct vm_region *r, uint64_t va, uint32_t access)
{
    uint64_t off = va - r->start, src = r->file_phys + off;
    uint64_t avail = r->file_len > off ? r->file_len - off : 0;
    if (!(access & VM_PROT_WRITE)) {
        int err = map_backing(vs, r, va);
        if (err <= 0) {
            if (err == 0)
                fault_around(vs, r, va);
            return err;
        }
    }
    struct page *p = pg_alloc_zeroed(0);
    if (!p)
        return -ENOMEM;
    memcpy(pg_virt(p), phys_virt(src), avail < PAGE_SIZE ? avail : PAGE_SIZE);
    return map_new(vs, va, p, region_flags(r));
}

/* Write to a COW page: sole owner re-enables writing, else copy. A table
 * fork left shared becomes this space's own first, so that the frame's
 * reference count says who else maps it (the other faults change the
 * tables through pmap_map/pmap_protect, which unshare by themselves). */
static int cow_break(struct vmspace *vs, const struct vm_region *r, uint64_t va, uint64_t pa)
{
    int err = pmap_unshare(vs->root, va);
    if (err)
        return err;
    struct page *old = pg_from_phys(pa);
    if (old && old->refcount == 1)
        return pmap_protect(vs->root, va, region_flags(r));
    struct page *p = pg_alloc(0);
    if (!p)
        return -ENOMEM;
    memcpy(pg_virt(p), phys_virt(page_round_down(pa)), PAGE_SIZE);
    uint64_t unmapped;
    pmap_unmap(vs->root, va, &unmapped);
    err = pmap_map(vs->root, va, pg_phys(p), region_flags(r));
    if (old && old->refcount > 0)
        pg_put(old);
    return err;
}

int vmspace_fault(struct vmspace *vs, uint64_t addr, uint32_t access)
{
    struct vm_region *r = vm_map_find(&vs->map, addr);
    uint64_t va = page_round_down(addr), pa;
    unsigned fl;

    if (!r || (access & ~r->prot) != 0)
        return -EFAULT;
    if (pmap_lookup(vs->root, va, &pa, &fl) == 0) {
        if ((access & VM_PROT_WRITE) && (fl & PMAP_COW))
            return cow_break(vs, r, va, pa);
        /* Present: the PTE lags the region (or two faults raced); bring it
         * up to the region's rights so the access cannot fault again. */
        return pmap_protect(vs->root, va, (fl & PMAP_COW) ? fl : region_flags(r));
    }
    if (r->kind == VM_FILE)
        return fault_file(vs, r, va, access);
    return fault_zero(vs, r, va);
}

int vmspace_copyout(struct vmspace *vs, uint64_t va, const void *src, uint64_t len)
{
    const uint8_t *from = src;
    while (len > 0) {
        uint64_t pa, n = PAGE_SIZE - page_offset(va);
        unsigned fl;
        if (n > len)
            n = len;
        if (pmap_lookup(vs->root, va, &pa, &fl) != 0 || !(fl & PMAP_WRITE)) {
            int err = vmspace_fault(vs, va, VM_PROT_WRITE);
            if (err)
                return err;
            if (pmap_lookup(vs->root, va, &pa, &fl) != 0)
                return -EFAULT;
        }
        memcpy(phys_virt(pa), from, n);
        va += n;
        from += n;
        len -= n;
    }
    return 0;
}
