#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/sys/aio.h"
#include "kernel/panic.h"

struct vmspace *vmspace_loaded;

int vmspace_create(struct vmspace **out)
{
    struct vmspace *vs = kzalloc(sizeof(*vs));
    struct page *root = pg_alloc(0); /* pmap_share_kernel fills all of it */

    if (!vs || !root) {
        kfree(vs);
        if (root)
            pg_free(root, 0);
        return -ENOMEM;
    }
    vs->root = pg_virt(root);
    pmap_share_kernel(vs->root);
    vm_map_init(&vs->map, USER_MIN, USER_MAX);
    vs->refs = 1;
    *out = vs;
    return 0;
}

/* Drop the reference a mapping holds. Frames the allocator does not hand
 * out (initrd file pages, reserved memory) are not counted. */
static void put_frame(uint64_t pa)
{
    struct page *p = pg_from_phys(pa);
    if (p && p->refcount > 0)
        pg_put(p);
}

static void leaf_put(void *arg, uint64_t va, uint64_t pa, unsigned flags)
{
    (void)arg, (void)va, (void)flags;
    put_frame(pa);
}

/* pmap_destroy_lower empties each table before it comes here. */
static void table_free(uint64_t pa)
{
    pg_free_zeroed(pg_from_phys(pa));
}

void vmspace_destroy(struct vmspace *vs)
{
    if (vs == vmspace_loaded) /* still loaded (lazily, for a kernel thread) */
        vmspace_switch(0);
    aio_exit(vs); /* before its ring mappings go */
    vm_map_destroy(&vs->map, 0, 0);
    pmap_destroy_lower(vs->root, leaf_put, table_free, 0);
    pg_free(pg_from_phys((uint64_t)(uintptr_t)vs->root - (uint64_t)(uintptr_t)phys_virt(0)), 0);
    kfree(vs);
}

/* fork, per page (tables that cannot be shared): every page of a private
 * region becomes read-only + COW in both spaces (read-only ones too, so
 * that a later mprotect cannot make one frame writable in both); every
 * managed frame gains the child's reference. */
static int fork_page(void *arg, uint64_t va, uint64_t pa, unsigned *pf, unsigned *cf)
{
    struct vmspace *src = arg;
    const struct vm_region *r = vm_map_find(&src->map, va);
    if (!r)
        return 1; /* no region: nothing the child may see */
    if (!(r->flags & VM_SHARED))
        *pf = (*pf & ~PMAP_WRITE) | PMAP_COW;
    *cf = *pf;
    struct page *pg = pg_from_phys(pa);
    if (pg && pg->refcount > 0)
        pg_get(pg);
    return 0;
}

/* fork, per table: the child may share it unless shared memory
 * (anonymous or a file's) lies in its range (those pages must stay
 * writable in both, which a shared table cannot express). */
static int fork_share(void *arg, uint64_t va, uint64_t len)
{
    struct vmspace *src = arg;
    uint64_t end = va + len;
    for (const struct vm_region *r = vm_map_next(&src->map, va); r && r->start < end; r = r->next)
        if (r->flags & VM_SHARED)
            return 0;
    return 1;
}

/* Pages present in [s, e): the cost follows the page tables, not the range. */
static uint64_t present_pages(struct vmspace *vs, uint64_t s, uint64_t e)
{
    uint64_t n = 0, pa;
    unsigned fl;
    for (uint64_t va = s; pmap_next(vs->root, va, e, &va, &pa, &fl) == 0; va += PAGE_SIZE)
        n++;
    return n;
}

/* Fork copies tables and pages only when one side first writes, so it
 * must not run the machine dry: below this many free pages it is refused
 * with -ENOMEM (as Linux's overcommit heuristic refuses a fork it cannot
 * back), which leaves the parent room to unshare and copy what it writes
 * next instead of being killed on its own stack. MAP_POPULATE stops there
 * too (vmspace_populate). */
#define RESERVE_PAGES 64

/* Shared anonymous memory (shared file mappings share through the page
 * cache: each side faults the file's own pages in). */
static int shared_anon(const struct vm_region *r)
{
    return (r->flags & VM_SHARED) && r->kind != VM_FILE;
}

/* Whether the free pages, less the reserve, can back every page of the
 * shared regions that has none yet (populate_shared's work, which would
 * otherwise run the machine dry filling a huge sparse region). */
static int shared_fits(struct vmspace *vs)
{
    struct pmem_stats st;
    uint64_t need = 0;
    pmem_stats(&st);
    for (struct vm_region *r = vs->map.head; r; r = r->next)
        if (shared_anon(r))
            need += (r->end - r->start) / PAGE_SIZE - present_pages(vs, r->start, r->end);
    return st.free_pages >= RESERVE_PAGES && need <= st.free_pages - RESERVE_PAGES;
}

/* Shared anonymous memory is one set of pages for parent and child: give
 * every page of the shared regions a frame before the copy (-ENOMEM, at
 * once, when free memory cannot: the loop below is then bounded by it). */
static int populate_shared(struct vmspace *vs)
{
    if (!shared_fits(vs))
        return -ENOMEM;
    for (struct vm_region *r = vs->map.head; r; r = r->next) {
        if (!shared_anon(r))
            continue;
        for (uint64_t va = r->start; va < r->end; va += PAGE_SIZE) {
            uint64_t pa;
            unsigned fl;
            if (pmap_lookup(vs->root, va, &pa, &fl) == 0)
                continue;
            struct page *p = pg_alloc_zeroed(0);
            int err = p ? pmap_map(vs->root, va, pg_phys(p), vm_prot_pmap(r->prot)) : -ENOMEM;
            if (err) {
                if (p)
                    pg_put(p);
                return err;
            }
        }
    }
    return 0;
}

int vmspace_fork(struct vmspace *src, struct vmspace **out)
{
    struct vmspace *vs;
    struct pmem_stats st;
    pmem_stats(&st);
    if (st.free_pages < RESERVE_PAGES)
        return -ENOMEM;
    int err = populate_shared(src);
    if (err)
        return err;
    err = vmspace_create(&vs);
    if (err)
        return err;
    vs->membarrier = src->membarrier;
    vs->pkey_spent = src->pkey_spent;
    err = vm_map_copy(&vs->map, &src->map);
    if (!err) /* locks are not inherited (mlock(2)); no split: the whole window */
        err = vm_map_lock(&vs->map, vs->map.lo, vs->map.hi, false);
    if (!err)
        err = pmap_copy_lower(src->root, vs->root, &(struct pmap_copy){fork_share, fork_page, src});
    if (src == vmspace_loaded)
        pmap_activate(src->root); /* write access was taken away: flush */
    if (err) {
        vmspace_destroy(vs);
        return err;
    }
    *out = vs;
    return 0;
}

int vmspace_map_anon(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot,
                     enum vm_kind kind)
{
    struct vm_region r = {
        .start = addr, .end = addr + len, .prot = prot, .kind = kind, .flags = vs->def_flags};
    if (len == 0 || addr + len < addr || kind == VM_FILE)
        return -EINVAL;
    return vm_map_insert(&vs->map, &r);
}

int vmspace_map_shared(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot)
{
    struct vm_region r = {.start = addr,
                          .end = addr + len,
                          .prot = prot,
                          .kind = VM_ANON,
                          .flags = VM_SHARED | vs->def_flags};
    if (len == 0 || addr + len < addr)
        return -EINVAL;
    return vm_map_insert(&vs->map, &r);
}

int vmspace_map_file(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot, uint16_t flags,
                     struct vm_object *o, uint64_t pgoff)
{
    struct vm_region r = {.start = addr,
                          .end = addr + len,
                          .prot = prot,
                          .kind = VM_FILE,
                          .flags = flags | vs->def_flags,
                          .obj = o,
                          .pgoff = pgoff};
    if (len == 0 || addr + len < addr)
        return -EINVAL;
    return vm_map_insert(&vs->map, &r);
}

int vmspace_map_segment(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot,
                        struct vm_object *o, uint64_t pgoff, uint64_t zero_from)
{
    struct vm_region r = {.start = addr,
                          .end = addr + len,
                          .prot = prot,
                          .kind = VM_FILE,
                          .obj = o,
                          .pgoff = pgoff,
                          .zero_from = zero_from};
    if (len == 0 || addr + len < addr || (zero_from && (zero_from <= addr || zero_from > r.end)))
        return -EINVAL;
    return vm_map_insert(&vs->map, &r);
}

struct vmspace *vmspace_of_map(struct vm_map *m)
{
    return (struct vmspace *)((char *)m - offsetof(struct vmspace, map));
}

void vmspace_unmap_pages(struct vmspace *vs, uint64_t s, uint64_t e)
{
    uint64_t pa;
    unsigned fl;
    for (uint64_t va = s; pmap_next(vs->root, va, e, &va, &pa, &fl) == 0; va += PAGE_SIZE)
        if (pmap_unmap(vs->root, va, &pa) == 0)
            put_frame(pa);
}

static void unmap_piece(void *arg, uint64_t s, uint64_t e, const struct vm_region *r)
{
    (void)r;
    vmspace_unmap_pages(arg, s, e);
}

int vmspace_unmap(struct vmspace *vs, uint64_t addr, uint64_t len)
{
    if (len == 0 || addr + len < addr)
        return -EINVAL;
    return vm_map_remove(&vs->map, addr, addr + len, unmap_piece, vs);
}

int vmspace_discard(struct vmspace *vs, uint64_t addr, uint64_t len)
{
    if (len == 0 || addr + len < addr)
        return -EINVAL;
    uint64_t end = addr + len;
    if (!vm_map_covers(&vs->map, addr, end))
        return -ENOMEM;
    for (struct vm_region *r = vm_map_next(&vs->map, addr); r && r->start < end; r = r->next)
        if (!(r->flags & VM_SHARED))
            vmspace_unmap_pages(vs, r->start > addr ? r->start : addr, r->end < end ? r->end : end);
    return 0;
}

/* Put the pages present at [from, from + n) back where they came from
 * (undo of a partial move). */
static void move_back(struct vmspace *vs, uint64_t from, uint64_t to, uint64_t n)
{
    uint64_t pa;
    unsigned fl;
    for (uint64_t va = to; pmap_next(vs->root, va, to + n, &va, &pa, &fl) == 0; va += PAGE_SIZE) {
        pmap_unmap(vs->root, va, &pa);
        pmap_map(vs->root, from + (va - to), page_round_down(pa), fl); /* its tables exist */
    }
}

int vmspace_move(struct vmspace *vs, uint64_t from, uint64_t to, uint64_t len)
{
    uint64_t pa;
    unsigned fl;
    for (uint64_t va = from; pmap_next(vs->root, va, from + len, &va, &pa, &fl) == 0;
         va += PAGE_SIZE) {
        int err = pmap_map(vs->root, to + (va - from), page_round_down(pa), fl);
        if (err) {
            move_back(vs, from, to, va - from);
            return err;
        }
        pmap_unmap(vs->root, va, &pa);
    }
    return 0;
}

/* Whether free memory is above the reserve. */
static int above_reserve(void)
{
    struct pmem_stats st;
    pmem_stats(&st);
    return st.free_pages > RESERVE_PAGES;
}

int vmspace_populate(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t access)
{
    for (uint64_t va = addr; va < addr + len; va += PAGE_SIZE) {
        int err = above_reserve() ? vmspace_fault(vs, va, access) : -ENOMEM;
        if (err)
            return err;
    }
    return 0;
}

unsigned vm_prot_pmap(uint32_t prot)
{
    unsigned f = prot ? PMAP_READ : 0; /* PROT_NONE: kept, but no access */
    if (prot & VM_PROT_WRITE)
        f |= PMAP_WRITE;
    if (prot & VM_PROT_EXEC)
        f |= PMAP_EXEC;
    return f;
}

int vmspace_protect(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot)
{
    if (len == 0 || addr + len < addr)
        return -EINVAL;
    int err = vm_map_protect(&vs->map, addr, addr + len, prot);
    if (err)
        return err;
    uint64_t pa;
    unsigned old;
    for (uint64_t va = addr; pmap_next(vs->root, va, addr + len, &va, &pa, &old) == 0;
         va += PAGE_SIZE) {
        unsigned f = vm_prot_pmap(prot);
        if (old & PMAP_COW) /* stays read-only until the write fault copies it */
            f = (f & ~PMAP_WRITE) | PMAP_COW;
        pmap_protect(vs->root, va, f);
    }
    return 0;
}

int vmspace_shared_phys(struct vmspace *vs, uint64_t addr, uint64_t *pa)
{
    const struct vm_region *r = vm_map_find(&vs->map, addr);
    unsigned fl;
    return r && (r->flags & VM_SHARED) && pmap_lookup(vs->root, addr, pa, &fl) == 0;
}

uint64_t vmspace_size(struct vmspace *vs)
{
    uint64_t n = 0;
    for (const struct vm_region *r = vs->map.head; r; r = r->next)
        n += r->end - r->start;
    return n;
}

uint64_t vmspace_resident(struct vmspace *vs)
{
    uint64_t n = 0;
    for (const struct vm_region *r = vs->map.head; r; r = r->next)
        n += present_pages(vs, r->start, r->end);
    return n;
}

void vmspace_statm(struct vmspace *vs, struct vm_statm *st)
{
    *st = (struct vm_statm){0};
    for (const struct vm_region *r = vs->map.head; r; r = r->next) {
        uint64_t pages = (r->end - r->start) / PAGE_SIZE;
        uint64_t present = present_pages(vs, r->start, r->end);
        int shared = (r->flags & VM_SHARED) != 0;
        st->size += pages;
        st->resident += present;
        st->shared += r->kind == VM_FILE || shared ? present : 0;
        st->text += r->kind == VM_FILE && (r->prot & VM_PROT_EXEC) && !shared ? pages : 0;
        st->data += (r->prot & VM_PROT_WRITE) && !shared ? pages : 0;
    }
}
