/* Physical memory bring-up. The direct map covers all usable RAM and the
 * whole first 4 GiB (firmware tables, framebuffers); reserved ranges above
 * the last usable byte (e.g. QEMU's 1 TiB HyperTransport hole) are not mapped. Order matters: the
 * early tables of boot/entry.S only reach the first 4 GiB, so the final page tables and the struct
 * page array are carved from a boot bump allocator below 4 GiB first; only then can the buddy
 * allocator (which lives in that array) take over. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmap.h"
#include "kernel/mm/pmem.h"
#include "kernel/panic.h"
#include "kernel/printk.h"

#define MIB         (1ull << 20)
#define LARGE       (2 * MIB)
#define EARLY_LIMIT (4 * 1024 * MIB) /* what boot/entry.S maps: 4 GiB */
#define MAX_EXCL    (BOOT_MODS_MAX + 4)
/* Free pieces of usable RAM: each excluded range splits at most one. */
#define MAX_PIECES (BOOT_MMAP_MAX + MAX_EXCL)

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];

struct range {
    uint64_t lo, hi;
};

static struct buddy pmem;
static struct range excl[MAX_EXCL];
static unsigned nexcl;
static struct range bump;  /* [lo, hi): what the boot allocator may use */
static uint64_t bump_next; /* next free byte in bump */
static uint64_t total_pages, kernel_pages, boot_table_pages;

void *phys_virt(uint64_t pa)
{
    return (void *)(uintptr_t)(arch_direct_map_base() + pa);
}

static uint64_t kva_to_pa(const void *p)
{
    return (uint64_t)(uintptr_t)p - arch_kernel_base();
}

static void exclude(uint64_t lo, uint64_t hi)
{
    if (nexcl == MAX_EXCL)
        panic("pmem: too many excluded ranges");
    excl[nexcl++] = (struct range){page_round_down(lo), page_round_up(hi)};
}

/* Call fn for each piece of [lo, hi) outside every excluded range. */
static void each_free_piece(uint64_t lo, uint64_t hi, void (*fn)(uint64_t, uint64_t, void *),
                            void *arg)
{
    lo = page_round_up(lo);
    hi = page_round_down(hi);
    while (lo < hi) {
        uint64_t cut = hi, skip = lo;
        for (unsigned i = 0; i < nexcl; i++) {
            if (excl[i].lo <= lo && excl[i].hi > lo)
                skip = excl[i].hi > skip ? excl[i].hi : skip;
            else if (excl[i].lo > lo && excl[i].lo < cut)
                cut = excl[i].lo;
        }
        if (skip > lo) {
            lo = skip;
            continue;
        }
        fn(lo, cut, arg);
        lo = cut;
    }
}

static void pick_bump(uint64_t lo, uint64_t hi, void *arg)
{
    (void)arg;
    if (hi > EARLY_LIMIT)
        hi = EARLY_LIMIT;
    if (hi > lo && hi - lo > bump.hi - bump.lo)
        bump = (struct range){lo, hi};
}

/* Boot memory, not zeroed (for what its user writes whole). */
static uint64_t boot_alloc_raw(uint64_t bytes)
{
    uint64_t pa = bump_next;
    bytes = page_round_up(bytes);
    if (bytes > bump.hi - pa)
        panic("pmem: out of boot memory (%llu bytes wanted)", (unsigned long long)bytes);
    bump_next += bytes;
    return pa;
}

static uint64_t boot_alloc(uint64_t bytes)
{
    uint64_t pa = boot_alloc_raw(bytes);
    memset(phys_virt(pa), 0, page_round_up(bytes));
    return pa;
}

static uint64_t boot_table_alloc(void)
{
    return boot_alloc(PAGE_SIZE);
}

static void map_kernel_image(pmap_root root)
{
    uint64_t base = arch_kernel_base();
    for (char *v = __kernel_start; v < __kernel_end; v += PAGE_SIZE) {
        unsigned fl = PMAP_READ | PMAP_GLOBAL;
        if (v < __text_end)
            fl |= PMAP_EXEC;
        else if (v >= __rodata_end)
            fl |= PMAP_WRITE;
        if (pmap_map(root, (uint64_t)(uintptr_t)v, (uint64_t)(uintptr_t)v - base, fl) != 0)
            panic("pmem: cannot map the kernel image");
    }
}

static pmap_root build_kernel_tables(uint64_t max_pa)
{
    pmap_root root = phys_virt(boot_alloc(PAGE_SIZE));
    uint64_t dm = arch_direct_map_base();

    if (pmap_map_large_range(root, dm, 0, max_pa, PMAP_READ | PMAP_WRITE | PMAP_GLOBAL) != 0)
        panic("pmem: cannot build the direct map");
    map_kernel_image(root);
    if (pmap_reserve_top(root, arch_kstack_area()) != 0)
        panic("pmem: cannot reserve the kernel-stack area");
    return root;
}

static uint64_t pmem_table_alloc(void);
static const struct pmap_refs pmem_refs;

/* The free pieces of usable RAM, sorted by address, for buddy_init_ranges. */
struct pieces {
    struct pfn_range r[MAX_PIECES];
    unsigned n;
};

static void add_free(uint64_t lo, uint64_t hi, void *arg)
{
    struct pieces *ps = arg;
    unsigned i = ps->n;
    if (ps->n == MAX_PIECES)
        panic("pmem: usable RAM in more than %d pieces", MAX_PIECES);
    for (; i > 0 && ps->r[i - 1].pfn > lo >> PAGE_SHIFT; i--)
        ps->r[i] = ps->r[i - 1];
    ps->r[i] = (struct pfn_range){lo >> PAGE_SHIFT, (hi - lo) >> PAGE_SHIFT};
    ps->n++;
}

void pmem_init(const struct bootinfo *bi)
{
    uint64_t max_usable = 0, max_pa = EARLY_LIMIT;

    exclude(0, MIB);
    exclude(kva_to_pa(__kernel_start), kva_to_pa(__kernel_end));
    for (unsigned i = 0; i < bi->nmods; i++)
        exclude(bi->mods[i].start, bi->mods[i].end);
    for (unsigned i = 0; i < bi->nmmap; i++) {
        const struct mem_range *r = &bi->mmap[i];
        uint64_t end = r->base + r->len;
        if (r->type != MEM_USABLE)
            continue;
        max_pa = end > max_pa ? end : max_pa;
        max_usable = end > max_usable ? end : max_usable;
        total_pages += r->len >> PAGE_SHIFT;
        each_free_piece(r->base, end, pick_bump, 0);
    }
    kernel_pages = (kva_to_pa(__kernel_end) - kva_to_pa(__kernel_start)) >> PAGE_SHIFT;
    bump_next = bump.lo;

    pmap_set_table_alloc(boot_table_alloc);
    max_pa = (max_pa + LARGE - 1) & ~(LARGE - 1);
    pmap_root root = build_kernel_tables(max_pa);
    boot_table_pages = pmap_table_pages();
    pmap_set_kernel(root);
    pmap_activate(root);

    uint64_t npages = max_usable >> PAGE_SHIFT;
    struct page *pages = phys_virt(boot_alloc_raw(npages * sizeof(struct page)));
    static struct pieces free_ram; /* too big for the boot stack */
    exclude(bump.lo, bump_next);
    for (unsigned i = 0; i < bi->nmmap; i++)
        if (bi->mmap[i].type == MEM_USABLE)
            each_free_piece(bi->mmap[i].base, bi->mmap[i].base + bi->mmap[i].len, add_free,
                            &free_ram);
    buddy_init_ranges(&pmem, pages, 0, npages, free_ram.r, free_ram.n);
    pmap_set_table_alloc(pmem_table_alloc);
    pmap_set_refs(&pmem_refs);
}

static uint64_t pmem_table_alloc(void)
{
    struct page *p = pg_alloc_zeroed(0);
    if (!p)
        return 0;
    p->pt_used = 0; /* no entry in use (pmap_refs.used) */
    return pg_phys(p);
}

/* Page tables shared by fork count their users in the table page's
 * refcount (pmap.h); the count never reaches 0 here: the last user frees
 * the table through the vmspace teardown. */
static int table_ref(uint64_t pa, int delta)
{
    struct page *p = pg_from_phys(pa);
    p->refcount += delta;
    if (p->refcount == 0)
        panic("table_ref: page table %#llx lost its last user", (unsigned long long)pa);
    return (int)p->refcount;
}

static void frame_get(uint64_t pa)
{
    struct page *p = pg_from_phys(pa);
    if (p && p->refcount > 0) /* reserved frames (the initrd) are not counted */
        pg_get(p);
}

static uint64_t *table_used(uint64_t pa)
{
    struct page *p = pg_from_phys(pa);
    return p ? &p->pt_used : 0; /* a table outside the allocator: none */
}

static const struct pmap_refs pmem_refs = {table_ref, frame_get, table_used};

/* Order-0 pages freed recently, handed out again without touching the
 * buddy lists: a fully merged buddy would otherwise split and re-merge all
 * PG_ORDER_MAX levels for every single-page allocation. Cached pages stay
 * allocated as far as the buddy knows, count as free in pmem_stats, and
 * carry PG_CACHED so a double free is still caught. */
#define PCACHE_MAX 64
static struct page *pcache[PCACHE_MAX];
static unsigned pcache_n;

/* Beside it, pages known to be all zero (pg_free_zeroed: page tables a
 * vmspace teardown emptied), for pg_alloc_zeroed: a fork's child copies
 * the tables on the paths it writes and its exit empties them, so each
 * fork would otherwise zero again pages that are zero already. */
#define ZCACHE_MAX 32
static struct page *zcache[ZCACHE_MAX];
static unsigned zcache_n;

static struct page *cache_take(struct page **cache, unsigned *n)
{
    struct page *p = cache[--*n];
    p->flags &= ~PG_CACHED;
    p->refcount = 1;
    return p;
}

struct page *pg_alloc(unsigned order)
{
    if (order == 0 && pcache_n > 0)
        return cache_take(pcache, &pcache_n);
    struct page *p = buddy_alloc(&pmem, order);
    if (!p && order == 0 && zcache_n > 0) /* the zeroed ones are free pages too */
        p = cache_take(zcache, &zcache_n);
    return p;
}

struct page *pg_alloc_zeroed(unsigned order)
{
    if (order == 0 && zcache_n > 0)
        return cache_take(zcache, &zcache_n);
    struct page *p = pg_alloc(order);
    if (p)
        memset(pg_virt(p), 0, (uint64_t)PAGE_SIZE << order);
    return p;
}

void pg_free(struct page *p, unsigned order)
{
    if (order != 0 || pcache_n == PCACHE_MAX || !(p->flags & PG_ALLOC) || p->order != 0) {
        buddy_free(&pmem, p, order); /* also diagnoses a bad page or order */
        return;
    }
    if (p->flags & PG_CACHED)
        panic("pg_free: double free of page %#llx", (unsigned long long)pg_phys(p));
    if (p->refcount > 1)
        panic("pg_free: page %#llx still has %u users", (unsigned long long)pg_phys(p),
              p->refcount);
    p->refcount = 0;
    p->flags |= PG_CACHED;
    pcache[pcache_n++] = p;
}

#ifdef KERNEL_TEST
static void check_zeroed(struct page *p)
{
    const uint64_t *w = pg_virt(p);
    for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
        if (w[i])
            panic("pg_free_zeroed: page %#llx word %u is %#llx", (unsigned long long)pg_phys(p), i,
                  (unsigned long long)w[i]);
}
#else
static void check_zeroed(struct page *p)
{
    (void)p;
}
#endif

void pg_free_zeroed(struct page *p)
{
    if (zcache_n == ZCACHE_MAX || !(p->flags & PG_ALLOC) || (p->flags & PG_CACHED) ||
        p->order != 0 || p->refcount > 1) {
        pg_free(p, 0); /* also diagnoses a double free */
        return;
    }
    check_zeroed(p);
    p->refcount = 0;
    p->flags |= PG_CACHED;
    zcache[zcache_n++] = p;
}

void pg_get(struct page *p)
{
    KASSERT(p->refcount > 0);
    p->refcount++;
}

void pg_put(struct page *p)
{
    if (p->refcount == 0)
        panic("pg_put: page %#llx is not in use", (unsigned long long)pg_phys(p));
    if (--p->refcount == 0) {
        p->refcount = 1; /* pg_free takes an allocated page */
        pg_free(p, 0);
    }
}

uint64_t pg_phys(const struct page *p)
{
    return buddy_pfn(&pmem, p) << PAGE_SHIFT;
}

void *pg_virt(const struct page *p)
{
    return phys_virt(pg_phys(p));
}

struct page *pg_from_phys(uint64_t pa)
{
    return buddy_page(&pmem, pa >> PAGE_SHIFT);
}

void pmem_stats(struct pmem_stats *st)
{
    st->total_pages = total_pages;
    st->free_pages = pmem.free_pages + pcache_n + zcache_n;
    st->kernel_pages = kernel_pages;
    st->boot_pages = (bump_next - bump.lo) >> PAGE_SHIFT;
    st->table_pages = pmap_table_pages() - boot_table_pages;
}

void pmem_print(void)
{
    struct pmem_stats st;
    struct kmalloc_stats ks;

    pmem_stats(&st);
    kmalloc_stats(&ks);
    printk(
        "meminfo: total %llu KiB, free %llu KiB, kernel image %llu KiB, boot tables+page "
        "array %llu KiB, page tables %llu KiB, heap %llu KiB in use (%llu KiB held)\n",
        (unsigned long long)st.total_pages * PAGE_KIB, (unsigned long long)st.free_pages * PAGE_KIB,
        (unsigned long long)st.kernel_pages * PAGE_KIB,
        (unsigned long long)st.boot_pages * PAGE_KIB, (unsigned long long)st.table_pages * PAGE_KIB,
        (unsigned long long)ks.bytes_in_use / 1024, (unsigned long long)ks.pages_held * PAGE_KIB);
}

static void *heap_page_alloc(unsigned order)
{
    struct page *p = pg_alloc(order);
    return p ? pg_virt(p) : 0;
}

static void heap_page_free(void *v, unsigned order)
{
    pg_free(pg_from_phys((uint64_t)(uintptr_t)v - arch_direct_map_base()), order);
}

static const struct kmalloc_pages heap_pages = {heap_page_alloc, heap_page_free};

void heap_init(void)
{
    kmalloc_init(&heap_pages);
}
