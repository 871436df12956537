/* Buddy allocator over struct page frames. The contract is in page.h.
 *
 * Free blocks sit on one doubly linked list per order, so a block can be
 * unlinked in O(1) when its buddy is freed. A free block's head page carries
 * PG_FREE and its order; an allocated block's head carries PG_ALLOC and its
 * order, which is what lets buddy_free() catch double frees, tail pages and
 * wrong orders. Pages inside a block other than the head carry neither. */
#include <stddef.h>
#include <stdint.h>
#include "string.h"
#include "kernel/panic.h"
#include "kernel/mm/page.h"

static struct page *page_at(const struct buddy *b, uint64_t pfn)
{
    return &b->pages[pfn - b->base_pfn];
}

/* Make p the head of a free block of 2^order pages, first on its list. */
static void list_push(struct buddy *b, struct page *p, unsigned order)
{
    struct page *head = b->free[order];

    p->flags = PG_FREE;
    p->order = (uint8_t)order;
    p->refcount = 0;
    p->prev = NULL;
    p->next = head;
    if (head)
        head->prev = p;
    b->free[order] = p;
    b->nfree[order]++;
    b->free_pages += 1ull << order;
}

/* Take the free block headed by p off its list; p keeps no flags. */
static void list_remove(struct buddy *b, struct page *p, unsigned order)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        b->free[order] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
    p->flags = 0;
    b->nfree[order]--;
    b->free_pages -= 1ull << order;
}

/* Free the aligned block [pfn, pfn + 2^order), merging it with its buddy for
 * as long as the buddy is a free block of the same order inside the range.
 * The range check is what keeps an unaligned base_pfn or end safe: a buddy
 * that would stick out is treated as not free. */
static void free_block(struct buddy *b, uint64_t pfn, unsigned order)
{
    uint64_t end = b->base_pfn + b->npages;

    while (order < PG_ORDER_MAX) {
        uint64_t size = 1ull << order;
        uint64_t bpfn = pfn ^ size;

        if (bpfn < b->base_pfn || bpfn + size > end)
            break;
        struct page *q = page_at(b, bpfn);
        if (!(q->flags & PG_FREE) || q->order != order)
            break;
        list_remove(b, q, order);
        pfn &= ~size;
        order++;
    }
    list_push(b, page_at(b, pfn), order);
}

/* n entries from p on: no links, no references, flags. Written as one entry
 * then copies of the part done so far, doubling: a few string-instruction
 * iterations per entry, for the page array of all RAM at boot. */
static void fill(struct page *p, uint64_t n, uint16_t flags)
{
    if (n == 0)
        return;
    p[0] = (struct page){.flags = flags};
    for (uint64_t done = 1; done < n;) {
        uint64_t k = done < n - done ? done : n - done;
        memcpy(p + done, p, k * sizeof(*p));
        done += k;
    }
}

void buddy_init(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages)
{
    if (base_pfn + npages < base_pfn)
        panic("buddy_init: range %#llx+%#llx wraps", (unsigned long long)base_pfn,
              (unsigned long long)npages);
    b->pages = pages;
    b->base_pfn = base_pfn;
    b->npages = npages;
    for (unsigned k = 0; k <= PG_ORDER_MAX; k++) {
        b->free[k] = NULL;
        b->nfree[k] = 0;
    }
    b->free_pages = 0;
    fill(pages, npages, PG_RESERVED);
}

/* Largest order k <= PG_ORDER_MAX with pfn aligned to 2^k and the block
 * ending at or before end (pfn < end). */
static unsigned largest_block(uint64_t pfn, uint64_t end)
{
    unsigned k = pfn ? (unsigned)__builtin_ctzll(pfn) : PG_ORDER_MAX;

    if (k > PG_ORDER_MAX)
        k = PG_ORDER_MAX;
    while (pfn + (1ull << k) > end)
        k--;
    return k;
}

/* Every range sorted, disjoint and inside the allocator's pfns, else panic. */
static void check_ranges(const struct buddy *b, const struct pfn_range *r, unsigned n)
{
    uint64_t prev_end = b->base_pfn;
    for (unsigned i = 0; i < n; i++) {
        if (r[i].pfn < prev_end || r[i].pfn + r[i].count < r[i].pfn ||
            r[i].pfn + r[i].count > b->base_pfn + b->npages)
            panic("buddy_init_ranges: pfns %#llx+%#llx out of order, overlapping or outside",
                  (unsigned long long)r[i].pfn, (unsigned long long)r[i].count);
        prev_end = r[i].pfn + r[i].count;
    }
}

static void free_range(struct buddy *b, uint64_t pfn, uint64_t end)
{
    while (pfn < end) {
        unsigned k = largest_block(pfn, end);
        free_block(b, pfn, k);
        pfn += 1ull << k;
    }
}

void buddy_init_ranges(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages,
                       const struct pfn_range *r, unsigned n)
{
    uint64_t at = base_pfn;

    if (base_pfn + npages < base_pfn)
        panic("buddy_init_ranges: range %#llx+%#llx wraps", (unsigned long long)base_pfn,
              (unsigned long long)npages);
    buddy_init(b, pages, base_pfn, 0); /* empty lists, no page entries written yet */
    b->npages = npages;
    check_ranges(b, r, n);
    for (unsigned i = 0; i < n; i++) {
        fill(page_at(b, at), r[i].pfn - at, PG_RESERVED);
        fill(page_at(b, r[i].pfn), r[i].count, 0);
        at = r[i].pfn + r[i].count;
    }
    fill(page_at(b, at), base_pfn + npages - at, PG_RESERVED);
    for (unsigned i = 0; i < n; i++)
        free_range(b, r[i].pfn, r[i].pfn + r[i].count);
}

void buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
    uint64_t end = pfn + count;

    if (pfn < b->base_pfn || end < pfn || end > b->base_pfn + b->npages)
        panic("buddy_add_range: pfns %#llx+%#llx outside %#llx+%#llx", (unsigned long long)pfn,
              (unsigned long long)count, (unsigned long long)b->base_pfn,
              (unsigned long long)b->npages);
    /* Check everything before changing anything. */
    for (uint64_t i = pfn; i < end; i++)
        if (!(page_at(b, i)->flags & PG_RESERVED))
            panic("buddy_add_range: pfn %#llx is already usable", (unsigned long long)i);
    for (uint64_t i = pfn; i < end; i++)
        page_at(b, i)->flags = 0;
    free_range(b, pfn, end);
}

struct page *buddy_alloc(struct buddy *b, unsigned order)
{
    unsigned k = order;

    if (order > PG_ORDER_MAX)
        return NULL;
    while (!b->free[k])
        if (++k > PG_ORDER_MAX)
            return NULL;

    struct page *p = b->free[k];
    list_remove(b, p, k);
    /* Split: keep the lower half, free the upper halves (their buddies, p's
     * halves, are not free, so no merging is needed). */
    while (k > order) {
        k--;
        list_push(b, p + (1ull << k), k);
    }
    p->flags = PG_ALLOC;
    p->order = (uint8_t)order;
    p->refcount = 1;
    return p;
}

/* The checks of buddy_free(); each failure is a bug in the caller. */
static void check_free(const struct buddy *b, const struct page *p, unsigned order)
{
    if (p < b->pages || p >= b->pages + b->npages)
        panic("buddy_free: page %p is outside the allocator", (const void *)p);

    unsigned long long pfn = buddy_pfn(b, p);
    if (p->flags & PG_RESERVED)
        panic("buddy_free: pfn %#llx is reserved", pfn);
    if (p->flags & PG_FREE)
        panic("buddy_free: double free of pfn %#llx", pfn);
    if (!(p->flags & PG_ALLOC))
        panic("buddy_free: pfn %#llx is not an allocated block head (double free or tail page)",
              pfn);
    if (order != p->order || (pfn & ((1ull << p->order) - 1)))
        panic("buddy_free: pfn %#llx freed with order %u, allocated with order %u", pfn, order,
              p->order);
    if (p->refcount > 1)
        panic("buddy_free: pfn %#llx still has %u users", pfn, p->refcount);
}

void buddy_free(struct buddy *b, struct page *p, unsigned order)
{
    check_free(b, p, order);
    p->flags = 0;
    p->refcount = 0;
    free_block(b, buddy_pfn(b, p), order);
}

uint64_t buddy_pfn(const struct buddy *b, const struct page *p)
{
    return b->base_pfn + (uint64_t)(p - b->pages);
}

struct page *buddy_page(const struct buddy *b, uint64_t pfn)
{
    if (pfn < b->base_pfn || pfn - b->base_pfn >= b->npages)
        return NULL;
    return page_at(b, pfn);
}
