/* The page size and page arithmetic, physical page frames and the buddy
 * allocator over them.
 *
 * One struct page per 4 KiB frame, in a caller-provided array. A buddy
 * allocator owns the frames [base_pfn, base_pfn + npages): every frame starts
 * reserved, buddy_add_range() makes usable RAM allocatable, and blocks of
 * 2^order frames (order 0..PG_ORDER_MAX) are split on allocation and merged
 * with their buddy on free. Blocks are aligned to their size in absolute pfn
 * terms (the buddy of block pfn at order k is pfn ^ (1 << k)), so an order-k
 * block is 2^k * 4 KiB aligned in physical memory whatever base_pfn is.
 *
 * Not reentrant: the caller serialises (one CPU, no use from interrupts). */
#ifndef UNIPLEX_MM_PAGE_H
#define UNIPLEX_MM_PAGE_H

#include <stdbool.h>
#include <stdint.h>

/* The one definition of the page size (the MMU's smallest page), for every
 * address, length and frame computation. */
#define PAGE_SHIFT       12
#define PAGE_SIZE        4096
#define PAGE_OFFSET_MASK ((uint64_t)PAGE_SIZE - 1) /* offset bits (Linux's PAGE_MASK inverted) */
#define PAGE_KIB         (PAGE_SIZE / 1024)        /* for reports in KiB */
#define PG_ORDER_MAX     10                        /* blocks of 1..1024 pages (4 MiB) */

_Static_assert(PAGE_SIZE == 1 << PAGE_SHIFT, "PAGE_SIZE is 2^PAGE_SHIFT");

/* a's offset in its page. */
static inline uint64_t page_offset(uint64_t a)
{
    return a & PAGE_OFFSET_MASK;
}

/* Whether a is a page boundary (or a whole number of pages). */
static inline bool page_aligned(uint64_t a)
{
    return page_offset(a) == 0;
}

/* The start of a's page. */
static inline uint64_t page_round_down(uint64_t a)
{
    return a & ~PAGE_OFFSET_MASK;
}

/* a rounded up to a page boundary. Wraps to 0 for a above
 * UINT64_MAX - PAGE_OFFSET_MASK: callers taking such values from programs
 * check that first (or compare the result with a). */
static inline uint64_t page_round_up(uint64_t a)
{
    return (a + PAGE_OFFSET_MASK) & ~PAGE_OFFSET_MASK;
}

/* struct page flags */
#define PG_FREE     0x1 /* head of a free block of 2^order pages, on free[order] */
#define PG_RESERVED 0x2 /* never allocatable: holes, kernel, firmware */
#define PG_ALLOC    0x4 /* head of an allocated block of 2^order pages */
#define PG_CACHED   0x8 /* order-0 page parked in pmem's page cache (still PG_ALLOC) */

/* One per 4 KiB frame. Pages inside a block other than its head have no
 * PG_FREE / PG_ALLOC flag; their order and links mean nothing. */
struct page {
    union {
        struct page *next; /* free-list link (when free) */
        uint64_t pt_used;  /* an allocated page table's groups in use (pmap_refs.used) */
    };
    struct page *prev; /* free-list link (when free) */
    uint32_t refcount; /* users of an allocated page (COW sharers); 0 when free */
    uint16_t flags;    /* PG_* */
    uint8_t order;     /* order of the free or allocated block this page heads */
    uint8_t reserved_;
};
_Static_assert(sizeof(struct page) <= 32, "struct page must stay compact");

/* One allocator over pfns [base_pfn, base_pfn + npages). */
struct buddy {
    struct page *pages; /* caller-provided array of npages entries */
    uint64_t base_pfn, npages;
    struct page *free[PG_ORDER_MAX + 1]; /* heads of doubly linked, NULL-terminated free lists */
    uint64_t nfree[PG_ORDER_MAX + 1];    /* blocks per order */
    uint64_t free_pages;                 /* total free pages */
};

/* Take over pages[0..npages) for pfns [base_pfn, base_pfn + npages): every
 * page starts PG_RESERVED with refcount 0, so nothing is allocatable yet. */
void buddy_init(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages);

/* buddy_init, then the pfns of the n ranges r made usable as by
 * buddy_add_range, each page entry written once (the boot's bulk form).
 * The ranges must be sorted by pfn, disjoint and inside the allocator's
 * range: panics otherwise. */
struct pfn_range {
    uint64_t pfn, count;
};
void buddy_init_ranges(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages,
                       const struct pfn_range *r, unsigned n);

/* Make pfns [pfn, pfn + count) usable: clear PG_RESERVED and free them as the
 * largest aligned blocks, merging with free neighbours (including ranges added
 * earlier). Panics if the range leaves the allocator's range or a page in it
 * is already usable. Ranges may be added in any order. */
void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);

/* A block of 2^order pages, aligned to its size in pfn terms, or NULL when no
 * block that large is free (or order > PG_ORDER_MAX). The head gets PG_ALLOC,
 * order and refcount 1; the contents of the memory are not touched. */
struct page *buddy_alloc(struct buddy *b, unsigned order);

/* Free a block returned by buddy_alloc(b, order), merging with free buddies.
 * The head's refcount must be 0 or 1 (callers sharing a page drop their
 * references first); it becomes 0. Panics on a double free, a page outside
 * the allocator, a reserved page, a page that is not the head of an allocated
 * block (misaligned or a tail page), the wrong order, or refcount > 1. */
void buddy_free(struct buddy *b, struct page *p, unsigned order);

/* Frame number of p, which must belong to b. */
uint64_t buddy_pfn(const struct buddy *b, const struct page *p);

/* The struct page of pfn, or NULL outside [base_pfn, base_pfn + npages). */
struct page *buddy_page(const struct buddy *b, uint64_t pfn);

#endif
