/* x86-64 4-level page tables (SDM vol. 3, 4.5). All pages are supervisor
 * pages: everything runs at ring 0 (docs/ARCHITECTURE.md, "Memory").
 *
 * Tables shared by fork: the child's root points at the parent's tables
 * (of any level below the root) instead of copies, with the entry pointing
 * at a shared table read-only and marked PTE_SHARED in both, and the
 * table's reference count raised. Write access needs every level to allow
 * it (SDM 4.6.1), so a write anywhere below a shared entry faults; the
 * first change made through a root unshares the path to the page, top
 * down: each shared table on it is copied for that root (or taken over by
 * its last user), and the entries of the copy become shared one level
 * further down (or, in a page table, copy-on-write pages). Fork thus
 * costs one entry per top-level slot in use, whatever the process's size,
 * and a sleeping child owns little more than its root and the path to
 * its stack. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmap.h"

#define PTE_P       (1ull << 0)
#define PTE_W       (1ull << 1)
#define PTE_PWT     (1ull << 3)
#define PTE_PCD     (1ull << 4)
#define PTE_PS      (1ull << 7)
#define PTE_G       (1ull << 8)
#define PTE_COW     (1ull << 9)  /* available to software */
#define PTE_SHARED  (1ull << 10) /* directory entry: its page table is shared */
#define PTE_PNONE   (1ull << 11) /* leaf without PTE_P: a frame kept, every access faults */
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000ffffffffff000ull
#define TABLE_FLAGS (PTE_P | PTE_W)  /* permissions are decided at the leaf */
#define PT_BITS     9                /* index bits per level */
#define PT_ENTRIES  (1u << PT_BITS)  /* entries per table */
#define PT_LOWER    (PT_ENTRIES / 2) /* the root's entries below the kernel half */

_Static_assert(PT_ENTRIES * sizeof(uint64_t) == PAGE_SIZE, "a table fills one page");

static pmap_table_alloc_fn table_alloc;
static const struct pmap_refs *refs;
static uint64_t table_pages;
static pmap_root kernel_root;

void pmap_set_table_alloc(pmap_table_alloc_fn fn)
{
    table_alloc = fn;
}

void pmap_set_refs(const struct pmap_refs *r)
{
    refs = r;
}

uint64_t pmap_table_pages(void)
{
    return table_pages;
}

static uint64_t *table_virt(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDR);
}

static unsigned idx(uint64_t va, int level)
{
    return (va >> (PAGE_SHIFT + PT_BITS * level)) & (PT_ENTRIES - 1);
}

/* Whether a page-table (level 0) entry maps a frame: present, or kept
 * inaccessible (PROT_NONE). */
static int leaf_mapped(uint64_t e)
{
    return (e & (PTE_P | PTE_PNONE)) != 0;
}

/* A leaf without PMAP_READ is not present (the CPU faults on any access)
 * but keeps its frame, marked PTE_PNONE. */
static uint64_t pte_bits(unsigned flags)
{
    uint64_t e = (flags & PMAP_READ) ? PTE_P : PTE_PNONE;
    if (flags & PMAP_WRITE)
        e |= PTE_W;
    if (!(flags & PMAP_EXEC))
        e |= PTE_NX;
    if (flags & PMAP_GLOBAL)
        e |= PTE_G;
    if (flags & PMAP_COW)
        e |= PTE_COW;
    if (flags & PMAP_UC)
        e |= PTE_PCD | PTE_PWT;
    return e;
}

static unsigned pte_flags(uint64_t e)
{
    unsigned f = (e & PTE_P) ? PMAP_READ : 0;
    if (e & PTE_W)
        f |= PMAP_WRITE;
    if (!(e & PTE_NX))
        f |= PMAP_EXEC;
    if (e & PTE_G)
        f |= PMAP_GLOBAL;
    if (e & PTE_COW)
        f |= PMAP_COW;
    if (e & PTE_PCD)
        f |= PMAP_UC;
    return f;
}

/* Groups of entries in use. The tables a process has are mostly empty (a
 * fork's child owns the paths to its stack and data: 512 entries a level
 * for a handful in use), so each table page carries a word (pmap_refs.used)
 * with bit g set once entry 8g..8g+7 has been written nonzero; walks over
 * whole tables (unshare, destroy, fork's copy) visit those groups alone.
 * Bits are never cleared while the table lives: a set bit only means
 * "look". Every nonzero write of an entry goes through mark(). */
#define GROUP_SHIFT 3 /* 8 entries a group, 64 groups a table */

/* The group word of the table at t, or NULL (tables made before the
 * allocator took over: walked entry by entry). */
static uint64_t *groups_of(const uint64_t *t)
{
    return refs && refs->used ? refs->used((uint64_t)(uintptr_t)t - DIRECT_MAP) : 0;
}

static uint64_t groups(const uint64_t *t)
{
    uint64_t *g = groups_of(t);
    return g ? *g : ~0ull;
}

/* Entry *e (in a table page) is about to hold a nonzero value. */
static void mark(uint64_t *e)
{
    uint64_t *g = groups_of((uint64_t *)((uintptr_t)e & ~(uintptr_t)(PAGE_SIZE - 1)));
    if (g)
        *g |= 1ull << (((uintptr_t)e & (PAGE_SIZE - 1)) / sizeof(*e) >> GROUP_SHIFT);
}

/* The first entry of t at or after i and before end that is not 0, else
 * end; used: t's group word. */
static unsigned next_used(const uint64_t *t, uint64_t used, unsigned i, unsigned end)
{
    for (; i < end; i++) {
        unsigned g = i >> GROUP_SHIFT;
        if (!(used & (1ull << g))) { /* a group never used: on to the next used one */
            uint64_t later = g == 63 ? 0 : used & ~((2ull << g) - 1);
            if (!later)
                return end;
            i = (unsigned)__builtin_ctzll(later) << GROUP_SHIFT;
            if (i >= end)
                return end;
        }
        if (t[i])
            return i;
    }
    return end;
}

/* The table one level down from table[i], allocating it if asked. NULL if
 * absent (or a large page is in the way, or out of memory). */
static uint64_t *descend(uint64_t *table, unsigned i, int alloc)
{
    uint64_t e = table[i];
    if (e & PTE_P)
        return (e & PTE_PS) ? 0 : table_virt(e);
    if (!alloc || !table_alloc)
        return 0;
    uint64_t pa = table_alloc();
    if (!pa)
        return 0;
    table_pages++;
    mark(&table[i]);
    table[i] = pa | TABLE_FLAGS;
    return phys_to_virt(pa);
}

/* Share the table that entry *e points at one more time: the entry
 * becomes read-only and PTE_SHARED (every root's copy of it says so). */
static uint64_t share_entry(uint64_t *e)
{
    *e = (*e & ~PTE_W) | PTE_SHARED;
    refs->table(*e & PTE_ADDR, 1);
    return *e;
}

/* Make the table that entry *e (in a table of level `level`) points at this
 * root's own. Its last user takes it over; otherwise it is copied, and each
 * entry it holds is now in two tables: a table below is shared (one more
 * reference), a page becomes copy-on-write in both (read-only pages too,
 * so that a later mprotect cannot make a frame both roots see writable).
 * 0 or -ENOMEM. */
static int unshare(uint64_t *e, int level)
{
    uint64_t opa = *e & PTE_ADDR;
    if (refs->table(opa, 0) == 1) {
        *e = opa | TABLE_FLAGS;
        return 0;
    }
    uint64_t npa = table_alloc ? table_alloc() : 0;
    if (!npa)
        return -ENOMEM;
    table_pages++;
    uint64_t *old = phys_to_virt(opa), *copy = phys_to_virt(npa);
    uint64_t used = groups(old), *copy_used = groups_of(copy);
    if (copy_used)
        *copy_used = used;
    for (unsigned i = next_used(old, used, 0, PT_ENTRIES); i < PT_ENTRIES;
         i = next_used(old, used, i + 1, PT_ENTRIES)) {
        uint64_t x = old[i];
        if (!(x & PTE_P) && !(level == 1 && leaf_mapped(x)))
            continue;
        if (level > 1 && !(x & PTE_PS)) {
            x = share_entry(&old[i]);
        } else {
            x = (x & ~PTE_W) | PTE_COW;
            old[i] = x;
            refs->frame_get(x & PTE_ADDR);
        }
        copy[i] = x;
    }
    refs->table(opa, -1);
    *e = npa | TABLE_FLAGS;
    return 0;
}

/* The entry for va at level (0 = PT, 1 = PD, 2 = PDPT), walking from the
 * root. A walk to change an entry (change) unshares the tables on its way;
 * *shared (if given) says whether the walk passed a shared entry. */
static uint64_t *walk_to(pmap_root root, uint64_t va, int level, int alloc, int change, int *shared)
{
    uint64_t *t = root;
    for (int l = 3; l > level; l--) {
        uint64_t *e = &t[idx(va, l)];
        if ((*e & PTE_SHARED) && change && unshare(e, l) != 0)
            return 0;
        if (shared && (*e & PTE_SHARED))
            *shared = 1;
        t = descend(t, idx(va, l), alloc);
        if (!t)
            return 0;
    }
    return &t[idx(va, level)];
}

static uint64_t *walk(pmap_root root, uint64_t va, int level, int alloc)
{
    return walk_to(root, va, level, alloc, 1, 0);
}

int pmap_unshare(pmap_root root, uint64_t va)
{
    uint64_t *t = root;
    for (int l = 3; l > 0; l--) {
        uint64_t *e = &t[idx(va, l)];
        if (!(*e & PTE_P) || (*e & PTE_PS))
            return 0;
        if ((*e & PTE_SHARED) && unshare(e, l) != 0)
            return -ENOMEM;
        t = table_virt(*e);
    }
    return 0;
}

static void invlpg(uint64_t va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

int pmap_map(pmap_root root, uint64_t va, uint64_t pa, unsigned flags)
{
    uint64_t *e = walk(root, va, 0, 1);
    if (!e) {
        /* Out of memory, or a 2 MiB page covers va. */
        uint64_t *pd = walk(root, va, 1, 0);
        return (pd && (*pd & PTE_PS)) ? -EEXIST : -ENOMEM;
    }
    if (leaf_mapped(*e))
        return -EEXIST;
    mark(e);
    *e = (pa & PTE_ADDR) | pte_bits(flags);
    return 0;
}

int pmap_map_large(pmap_root root, uint64_t va, uint64_t pa, unsigned flags)
{
    uint64_t *e = walk(root, va, 1, 1);
    if (!e)
        return -ENOMEM;
    if (*e & PTE_P)
        return -EEXIST;
    mark(e);
    *e = (pa & PTE_ADDR & ~0x1fffffull) | pte_bits(flags) | PTE_PS;
    return 0;
}

#define LARGE_SIZE 0x200000ull

int pmap_map_large_range(pmap_root root, uint64_t va, uint64_t pa, uint64_t len, unsigned flags)
{
    uint64_t bits = pte_bits(flags) | PTE_PS;
    while (len >= LARGE_SIZE) {
        uint64_t *e = walk(root, va, 1, 1); /* one walk per page directory */
        if (!e)
            return -ENOMEM;
        for (unsigned i = idx(va, 1); i < 512 && len >= LARGE_SIZE; i++, e++) {
            if (*e & PTE_P)
                return -EEXIST;
            mark(e);
            *e = (pa & PTE_ADDR & ~(LARGE_SIZE - 1)) | bits;
            va += LARGE_SIZE;
            pa += LARGE_SIZE;
            len -= LARGE_SIZE;
        }
    }
    return 0;
}

/* The page-table entry of va, unshared, for pmap_unmap/pmap_protect: 0
 * and *out, -ENOENT when va is not mapped, -ENOMEM when a shared table on
 * the way could not be copied. */
static int leaf_to_change(pmap_root root, uint64_t va, uint64_t **out)
{
    uint64_t *e = walk(root, va, 0, 0);
    if (!e) /* absent on the way, or an unshare failed: which one? */
        return pmap_unshare(root, va) ? -ENOMEM : -ENOENT;
    *out = e;
    return leaf_mapped(*e) ? 0 : -ENOENT;
}

int pmap_unmap(pmap_root root, uint64_t va, uint64_t *pa)
{
    uint64_t *e;
    int err = leaf_to_change(root, va, &e);
    if (err)
        return err;
    *pa = *e & PTE_ADDR;
    *e = 0;
    invlpg(va);
    return 0;
}

int pmap_protect(pmap_root root, uint64_t va, unsigned flags)
{
    uint64_t *e;
    int err = leaf_to_change(root, va, &e);
    if (err)
        return err;
    *e = (*e & PTE_ADDR) | pte_bits(flags);
    invlpg(va);
    return 0;
}

/* A page under a shared table is read-only and copy-on-write, whatever its
 * entry says: that is what it becomes when the table is unshared. */
int pmap_lookup(pmap_root root, uint64_t va, uint64_t *pa, unsigned *flags)
{
    int shared = 0;
    uint64_t *pd = walk_to(root, va, 1, 0, 0, &shared);
    if (pd && (*pd & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS)) {
        *pa = (*pd & PTE_ADDR & ~0x1fffffull) | (va & 0x1fffff);
        *flags = pte_flags(*pd) | PMAP_LARGE;
        return 0;
    }
    if (!pd || !(*pd & PTE_P))
        return -ENOENT;
    uint64_t *e = &table_virt(*pd)[idx(va, 0)];
    if (!leaf_mapped(*e))
        return -ENOENT;
    *pa = (*e & PTE_ADDR) | page_offset(va);
    *flags = pte_flags(*e);
    if (shared || (*pd & PTE_SHARED))
        *flags = (*flags & ~PMAP_WRITE) | PMAP_COW;
    return 0;
}

/* What pmap_next found. */
struct next_hit {
    uint64_t va, pa;
    unsigned flags;
};

/* pmap_next in table t of level `level`, from va's entry on: entries
 * absent are stepped over whole. shared: an entry on the way down was
 * PTE_SHARED (the page then reads as pmap_lookup reports it). */
static int next_level(const uint64_t *t, int level, uint64_t va, uint64_t end, int shared,
                      struct next_hit *h)
{
    uint64_t size = 1ull << (PAGE_SHIFT + PT_BITS * level);
    for (unsigned i = idx(va, level); i < (level == 3 ? PT_LOWER : PT_ENTRIES) && va < end; i++) {
        uint64_t e = t[i];
        if ((e & PTE_P) && level > 0 && !(e & PTE_PS) &&
            next_level(table_virt(e), level - 1, va, end, shared || (e & PTE_SHARED), h) == 0)
            return 0;
        if (level == 0 ? leaf_mapped(e) : (e & PTE_P) && (e & PTE_PS)) {
            h->va = va;
            h->pa = level ? (e & PTE_ADDR & ~0x1fffffull) | (va & 0x1fffff) : e & PTE_ADDR;
            h->flags = pte_flags(e) | (level ? PMAP_LARGE : 0);
            if (level == 0 && shared)
                h->flags = (h->flags & ~PMAP_WRITE) | PMAP_COW;
            return 0;
        }
        va = (va & ~(size - 1)) + size;
    }
    return -ENOENT;
}

int pmap_next(pmap_root root, uint64_t va, uint64_t end, uint64_t *at, uint64_t *pa,
              unsigned *flags)
{
    struct next_hit h;
    if (va >= end || next_level(root, 3, va, end, 0, &h) != 0)
        return -ENOENT;
    *at = h.va;
    *pa = h.pa;
    *flags = h.flags;
    return 0;
}

/* Level 3 is the root: only its lower half (entries below PT_LOWER) is visited. */
static void destroy_level(uint64_t *t, int level, uint64_t base,
                          void (*leaf)(void *, uint64_t, uint64_t, unsigned),
                          void (*free_table)(uint64_t), void *arg)
{
    unsigned n = level == 3 ? PT_LOWER : PT_ENTRIES;
    uint64_t used = groups(t);
    for (unsigned i = next_used(t, used, 0, n); i < n; i = next_used(t, used, i + 1, n)) {
        uint64_t e = t[i], va = base + ((uint64_t)i << (PAGE_SHIFT + PT_BITS * level));
        t[i] = 0; /* every table freed leaves empty (pmap_destroy_lower) */
        if (level == 0 ? !leaf_mapped(e) : !(e & PTE_P))
            continue;
        if (level == 0) {
            leaf(arg, va, e & PTE_ADDR, pte_flags(e));
        } else if ((e & PTE_SHARED) && refs->table(e & PTE_ADDR, 0) > 1) {
            refs->table(e & PTE_ADDR, -1); /* the other roots keep it */
        } else if (!(e & PTE_PS)) {
            destroy_level(table_virt(e), level - 1, va, leaf, free_table, arg);
            free_table(e & PTE_ADDR);
            table_pages--;
        }
    }
}

void pmap_destroy_lower(pmap_root root, void (*leaf)(void *, uint64_t, uint64_t, unsigned),
                        void (*free_table)(uint64_t), void *arg)
{
    destroy_level(root, 3, 0, leaf, free_table, arg);
}

/* Copy level `level` of src (table t, covering base) into dst: entries
 * whose whole range c->share allows are shared, the rest copied. */
static int copy_level(uint64_t *t, int level, uint64_t base, pmap_root dst,
                      const struct pmap_copy *c)
{
    uint64_t *dpt = 0, size = 1ull << (PAGE_SHIFT + PT_BITS * level);
    unsigned n = level == 3 ? PT_LOWER : PT_ENTRIES;
    uint64_t used = groups(t);
    for (unsigned i = next_used(t, used, 0, n); i < n; i = next_used(t, used, i + 1, n)) {
        uint64_t e = t[i], va = base + i * size;
        if (level == 0 ? !leaf_mapped(e) : !(e & PTE_P) || (e & PTE_PS))
            continue;
        if (level > 0 && refs && c->share(c->arg, va, size)) {
            uint64_t *d = level == 3 ? &dst[i] : walk_to(dst, va, level, 1, 0, 0);
            if (!d)
                return -ENOMEM;
            mark(d);
            *d = share_entry(&t[i]);
            continue;
        }
        if (level > 0 && (e & PTE_SHARED)) {
            int err = unshare(&t[i], level); /* copied entry by entry below */
            if (err)
                return err;
            e = t[i];
        }
        if (level > 0) {
            int err = copy_level(table_virt(e), level - 1, va, dst, c);
            if (err)
                return err;
            continue;
        }
        unsigned pflags = pte_flags(e), cflags = pflags;
        if (c->page(c->arg, va, e & PTE_ADDR, &pflags, &cflags))
            continue;
        t[i] = (e & PTE_ADDR) | pte_bits(pflags);
        if (!dpt) { /* the child's table for this whole table, walked to once */
            uint64_t *d = walk_to(dst, va, 0, 1, 0, 0);
            if (!d)
                return -ENOMEM;
            dpt = d - i;
        }
        mark(&dpt[i]);
        dpt[i] = (e & PTE_ADDR) | pte_bits(cflags);
    }
    return 0;
}

int pmap_copy_lower(pmap_root src, pmap_root dst, const struct pmap_copy *c)
{
    return copy_level(src, 3, 0, dst, c);
}

int pmap_reserve_top(pmap_root root, uint64_t va)
{
    return descend(root, idx(va, 3), 1) ? 0 : -ENOMEM;
}

void pmap_share_kernel(pmap_root root)
{
    uint64_t *used = groups_of(root);
    if (used)
        *used = 0; /* the lower half, empty; the upper half is never walked */
    memset(root, 0, PT_LOWER * sizeof(*root));
    memcpy(&root[PT_LOWER], &kernel_root[PT_LOWER], (PT_ENTRIES - PT_LOWER) * sizeof(*root));
}

pmap_root pmap_kernel(void)
{
    return kernel_root;
}

void pmap_set_kernel(pmap_root root)
{
    kernel_root = root;
}
