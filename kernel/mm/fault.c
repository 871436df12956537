/* Page-fault resolution against a vmspace's regions. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"

static unsigned region_flags(const struct vm_region *r)
{
    return vm_prot_pmap(r->prot);
}

/* Drop the reference a page carries for a mapping (frames the allocator
 * does not count carry none: vmobject.h). */
static void page_unref(struct page *p)
{
    if (p->refcount > 0)
        pg_put(p);
}

static int map_new(struct vmspace *vs, uint64_t va, struct page *p, unsigned flags)
{
    int err = pmap_map(vs->root, va, pg_phys(p), flags);
    if (err)
        page_unref(p);
    return err == -EEXIST ? 0 : err;
}

static int fault_zero(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    struct page *p = pg_alloc_zeroed(0);
    return p ? map_new(vs, va, p, region_flags(r)) : -ENOMEM;
}

/* The page of r's object at va (vm_pager.get). */
static int file_page(const struct vm_region *r, uint64_t va, int how, struct page **pg)
{
    struct vm_object *o = r->obj;
    return o->pager->get(o, r->pgoff + (va - r->start) / PAGE_SIZE, how, pg);
}

/* How an object's page (ro: one the pager gave read-only) is mapped in r:
 * as the region allows in a shared region; otherwise read-only and COW,
 * whatever the region allows now, so that neither a write nor a later
 * mprotect can reach the object's page (the write fault copies it, or
 * asks the object for its own). */
static unsigned file_flags(const struct vm_region *r, int ro)
{
    unsigned f = region_flags(r);
    if (ro || !(r->flags & VM_SHARED))
        f = (f & ~PMAP_WRITE) | PMAP_COW;
    return f;
}

/* Fault-around: a program reading its text or data will soon touch the
 * next pages too; mapping up to 15 more pages the object has at hand
 * saves a fault each (they cost nothing: no copy, no allocation but page
 * tables). */
#define FAULT_AROUND 16
static void fault_around(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    uint64_t end = r->zero_from ? page_round_down(r->zero_from) : r->end;
    for (unsigned k = 1; k < FAULT_AROUND && va + (uint64_t)PAGE_SIZE * k < end; k++) {
        uint64_t pa, v = va + (uint64_t)PAGE_SIZE * k;
        unsigned fl;
        struct page *pg;
        if (pmap_lookup(vs->root, v, &pa, &fl) == 0)
            continue;
        int ro = file_page(r, v, VM_GET_PEEK, &pg);
        if (ro < 0 || map_new(vs, v, pg, file_flags(r, ro)) != 0)
            return;
    }
}

/* A read or fetch of a file page: the object's page itself. */
static int fault_file_read(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    struct page *pg;
    int ro = file_page(r, va, VM_GET_READ, &pg);
    if (ro < 0)
        return ro;
    int err = map_new(vs, va, pg, file_flags(r, ro));
    if (err == 0)
        fault_around(vs, r, va);
    return err;
}

/* A private copy of a file page: the first access is a write, or the
 * page holds the region's zero_from (zeros from there on). */
static int fault_file_copy(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    struct page *src;
    int err = file_page(r, va, VM_GET_READ, &src);
    if (err < 0)
        return err;
    uint64_t n = r->zero_from > va && r->zero_from - va < PAGE_SIZE ? r->zero_from - va : PAGE_SIZE;
    struct page *p = pg_alloc(0);
    if (p) {
        memcpy(pg_virt(p), pg_virt(src), n);
        memset((uint8_t *)pg_virt(p) + n, 0, PAGE_SIZE - n);
    }
    page_unref(src);
    return p ? map_new(vs, va, p, region_flags(r)) : -ENOMEM;
}

/* A write to a shared file page: the object's own page, writable. A
 * read-only page mapped here before is gone (the object replaced it and
 * took it out of every shared region: vm_object_replaced), or is taken
 * out now. */
static int fault_shared_write(struct vmspace *vs, const struct vm_region *r, uint64_t va)
{
    struct page *pg;
    int err = file_page(r, va, VM_GET_WRITE, &pg);
    if (err < 0)
        return err;
    vmspace_unmap_pages(vs, va, va + PAGE_SIZE);
    return map_new(vs, va, pg, region_flags(r));
}

static int fault_file(struct vmspace *vs, const struct vm_region *r, uint64_t va, uint32_t access)
{
    if (r->zero_from && va + PAGE_SIZE > r->zero_from)
        return va >= r->zero_from ? fault_zero(vs, r, va) : fault_file_copy(vs, r, va);
    if (!(access & VM_PROT_WRITE))
        return fault_file_read(vs, r, va);
    if (r->flags & VM_SHARED)
        return fault_shared_write(vs, r, va);
    return fault_file_copy(vs, r, va);
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
            return r->kind == VM_FILE && (r->flags & VM_SHARED) ? fault_shared_write(vs, r, va)
                                                                : cow_break(vs, r, va, pa);
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

int vmspace_copyin(struct vmspace *vs, uint64_t va, void *dst, uint64_t len)
{
    uint8_t *to = dst;
    while (len > 0) {
        uint64_t pa, n = PAGE_SIZE - page_offset(va);
        unsigned fl;
        if (n > len)
            n = len;
        if (pmap_lookup(vs->root, va, &pa, &fl) != 0) {
            int err = vmspace_fault(vs, va, VM_PROT_READ);
            if (err)
                return err;
            if (pmap_lookup(vs->root, va, &pa, &fl) != 0)
                return -EFAULT;
        }
        memcpy(to, phys_virt(pa), n);
        va += n;
        to += n;
        len -= n;
    }
    return 0;
}

int vmspace_access(struct vmspace *vs, uint64_t va, void *buf, uint64_t len, int write)
{
    uint32_t need = write ? VM_PROT_WRITE : VM_PROT_READ;
    if (!len)
        return 0;
    if (va < USER_MIN || va >= USER_MAX || len > USER_MAX - va)
        return -EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t at = va + done, n = PAGE_SIZE - page_offset(at);
        n = n < len - done ? n : len - done;
        const struct vm_region *r = vm_map_find(&vs->map, at);
        if (!r || (r->prot & need) != need)
            return -EFAULT;
        int err = write ? vmspace_copyout(vs, at, (const uint8_t *)buf + done, n)
                        : vmspace_copyin(vs, at, (uint8_t *)buf + done, n);
        if (err)
            return err;
        done += n;
    }
    return 0;
}
