/* Host tests for kernel/mm/buddy.c: fixed cases for ranges, alignment,
 * exhaustion and the panics on bad frees, then a seeded random run of 10^6
 * allocations and frees against a shadow map of which pages are handed out,
 * with full structural checks of the free lists along the way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/mm/page.h"

void k_buddy_init(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages);
void k_buddy_add_range(struct buddy *b, uint64_t pfn, uint64_t count);
void k_buddy_init_ranges(struct buddy *b, struct page *pages, uint64_t base_pfn, uint64_t npages,
                         const struct pfn_range *r, unsigned n);
struct page *k_buddy_alloc(struct buddy *b, unsigned order);
void k_buddy_free(struct buddy *b, struct page *p, unsigned order);
uint64_t k_buddy_pfn(const struct buddy *b, const struct page *p);
struct page *k_buddy_page(const struct buddy *b, uint64_t pfn);

/* --- panic capture: the kernel code's panic() is k_panic() here ---------- */

#include "tests/unit/panic_capture.h"
#include "tests/unit/test_rng.h"

/* --- helpers ------------------------------------------------------------- */

struct range {
    uint64_t pfn, count;
};

struct block {
    uint64_t pfn;
    unsigned order;
};

static struct page *new_pages(uint64_t n)
{
    struct page *p = calloc(n, sizeof(*p));
    assert_non_null(p);
    return p;
}

static int block_cmp(const void *a, const void *b)
{
    const struct block *x = a, *y = b;
    return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* The free blocks, sorted by pfn; returns how many (at most max). */
static size_t free_blocks(const struct buddy *b, struct block *out, size_t max)
{
    size_t n = 0;

    for (unsigned k = 0; k <= PG_ORDER_MAX; k++)
        for (const struct page *p = b->free[k]; p; p = p->next) {
            assert_true(n < max);
            out[n++] = (struct block){k_buddy_pfn(b, p), k};
        }
    qsort(out, n, sizeof(*out), block_cmp);
    return n;
}

/* The maximal aligned blocks covering the pages marked in usable[] (indexed
 * from base): written independently of the allocator's own splitting. */
static size_t expected_blocks(const uint8_t *usable, uint64_t base, uint64_t n, struct block *out)
{
    size_t nb = 0;

    for (uint64_t i = 0; i < n;) {
        if (!usable[i]) {
            i++;
            continue;
        }
        uint64_t end = i;
        while (end < n && usable[end])
            end++;
        for (uint64_t pfn = base + i; pfn < base + end;) {
            unsigned k = PG_ORDER_MAX;
            while (k > 0 && ((pfn & ((1ull << k) - 1)) || pfn + (1ull << k) > base + end))
                k--;
            out[nb++] = (struct block){pfn, k};
            pfn += 1ull << k;
        }
        i = end;
    }
    return nb;
}

static void expect_blocks(const struct block *got, size_t ngot, const struct block *want,
                          size_t nwant)
{
    assert_int_equal(ngot, nwant);
    for (size_t i = 0; i < nwant; i++)
        if (got[i].pfn != want[i].pfn || got[i].order != want[i].order)
            fail_msg("block %zu: got pfn %#llx order %u, want pfn %#llx order %u", i,
                     (unsigned long long)got[i].pfn, got[i].order, (unsigned long long)want[i].pfn,
                     want[i].order);
}

/* Full structural check. usable[i]: page base+i was added; owned[i]: the
 * test holds it. Every usable page must be in exactly one free block or
 * owned, never both; free blocks must be aligned, in range, correctly
 * flagged and linked, counted right, and maximal (no free buddy). */
static void check_invariants(const struct buddy *b, const uint8_t *usable, const uint8_t *owned)
{
    uint64_t n = b->npages, total = 0;
    uint8_t *covered = calloc(n, 1);

    assert_non_null(covered);
    for (unsigned k = 0; k <= PG_ORDER_MAX; k++) {
        uint64_t count = 0, size = 1ull << k;
        const struct page *prev = NULL;
        for (const struct page *p = b->free[k]; p; prev = p, p = p->next, count++) {
            uint64_t pfn = k_buddy_pfn(b, p), i = pfn - b->base_pfn;
            assert_ptr_equal(p->prev, prev);
            assert_int_equal(p->flags, PG_FREE);
            assert_int_equal(p->order, k);
            assert_int_equal(p->refcount, 0);
            assert_int_equal(pfn & (size - 1), 0);
            assert_true(pfn >= b->base_pfn && i + size <= n);
            for (uint64_t j = i; j < i + size; j++) {
                assert_true(usable[j] && !owned[j] && !covered[j]);
                assert_true(j == i || b->pages[j].flags == 0);
                covered[j] = 1;
            }
            const struct page *q = k_buddy_page(b, pfn ^ size);
            if (k < PG_ORDER_MAX && q && (pfn ^ size) + size <= b->base_pfn + n)
                assert_false((q->flags & PG_FREE) && q->order == k);
        }
        assert_int_equal(count, b->nfree[k]);
        total += count * size;
    }
    assert_int_equal(total, b->free_pages);
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(!!usable[i], covered[i] || owned[i]);
        assert_int_equal(!usable[i], !!(b->pages[i].flags & PG_RESERVED));
    }
    free(covered);
}

/* The random test's memory: an unaligned base, holes, a reserved tail. */
#define RBASE 0x12345ull
#define RN    (1ull << 16)

static const struct range rand_ranges[] = {
    {RBASE + 20000 + 3072, 40000 - 20000 - 3072}, /* added out of order */
    {RBASE, 7000},
    {RBASE + 40001, RN - 40001 - 5},
    {RBASE + 7003, 20000 - 7003},
};

static void add_ranges(struct buddy *b, uint8_t *usable, const struct range *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        k_buddy_add_range(b, r[i].pfn, r[i].count);
        memset(usable + (r[i].pfn - b->base_pfn), 1, r[i].count);
    }
}

/* --- fixed cases --------------------------------------------------------- */

static void test_init_all_reserved(void **state)
{
    (void)state;
    struct page *pages = new_pages(100);
    struct buddy b;

    k_buddy_init(&b, pages, 7, 100);
    assert_int_equal(b.free_pages, 0);
    for (unsigned k = 0; k <= PG_ORDER_MAX; k++)
        assert_int_equal(b.nfree[k], 0);
    for (unsigned i = 0; i < 100; i++)
        assert_int_equal(pages[i].flags, PG_RESERVED);
    assert_null(k_buddy_alloc(&b, 0));
    assert_ptr_equal(k_buddy_page(&b, 7), &pages[0]);
    assert_ptr_equal(k_buddy_page(&b, 106), &pages[99]);
    assert_null(k_buddy_page(&b, 6));
    assert_null(k_buddy_page(&b, 107));
    assert_int_equal(k_buddy_pfn(&b, &pages[42]), 49);
    free(pages);
}

static void test_add_range_maximal_blocks(void **state)
{
    (void)state;
    struct page *pages = new_pages(RN);
    uint8_t *usable = calloc(RN, 1), *owned = calloc(RN, 1);
    static struct block got[4096], want[4096];
    struct buddy b;

    k_buddy_init(&b, pages, RBASE, RN);
    add_ranges(&b, usable, rand_ranges, 4);
    check_invariants(&b, usable, owned);
    expect_blocks(got, free_blocks(&b, got, 4096), want, expected_blocks(usable, RBASE, RN, want));
    assert_int_equal(b.free_pages, RN - 1 - 3 - 3072 - 5);
    free(pages);
    free(usable);
    free(owned);
}

/* Adding adjacent pieces in any order gives what one big range gives. */
static void test_add_range_pieces_merge(void **state)
{
    (void)state;
    struct page *p1 = new_pages(5000), *p2 = new_pages(5000);
    static struct block a[256], c[256];
    struct buddy b1, b2;

    k_buddy_init(&b1, p1, 3, 5000);
    k_buddy_add_range(&b1, 3, 5000);
    k_buddy_init(&b2, p2, 3, 5000);
    k_buddy_add_range(&b2, 2048, 1500);
    k_buddy_add_range(&b2, 3, 1);
    k_buddy_add_range(&b2, 3548, 5003 - 3548);
    k_buddy_add_range(&b2, 4, 2044);
    expect_blocks(a, free_blocks(&b1, a, 256), c, free_blocks(&b2, c, 256));
    assert_int_equal(b2.free_pages, 5000);
    assert_int_equal(b2.nfree[PG_ORDER_MAX], 3); /* 1024, 2048, 3072 */
    free(p1);
    free(p2);
}

/* The boot's bulk form leaves exactly what buddy_init and buddy_add_range
 * of the same ranges leave: the same page entries and the same blocks. */
static void test_init_ranges_matches_add_range(void **state)
{
    (void)state;
    static const struct pfn_range sorted[] = {
        {RBASE, 7000},
        {RBASE + 7003, 20000 - 7003},
        {RBASE + 20000 + 3072, 40000 - 20000 - 3072},
        {RBASE + 40001, RN - 40001 - 5},
    };
    struct page *p1 = new_pages(RN), *p2 = new_pages(RN);
    uint8_t *usable = calloc(RN, 1), *owned = calloc(RN, 1);
    static struct block a[4096], c[4096];
    struct buddy b1, b2;

    memset(p2, 0xa5, RN * sizeof(*p2)); /* the bulk form must write every entry */
    k_buddy_init(&b1, p1, RBASE, RN);
    add_ranges(&b1, usable, rand_ranges, 4);
    k_buddy_init_ranges(&b2, p2, RBASE, RN, sorted, 4);
    check_invariants(&b2, usable, owned);
    expect_blocks(c, free_blocks(&b2, c, 4096), a, free_blocks(&b1, a, 4096));
    for (uint64_t i = 0; i < RN; i++)
        if (!(p1[i].flags & PG_FREE))
            assert_memory_equal(&p1[i], &p2[i], sizeof(p1[i]));
    assert_int_equal(b2.free_pages, b1.free_pages);
    free(p1);
    free(p2);
    free(usable);
    free(owned);
}

static void test_init_ranges_errors(void **state)
{
    (void)state;
    struct page *pages = new_pages(64);
    struct buddy b;
    static const struct pfn_range unsorted[] = {{80, 4}, {70, 4}};
    static const struct pfn_range overlapping[] = {{70, 4}, {73, 4}};
    static const struct pfn_range outside[] = {{60, 8}};
    static const struct pfn_range past_end[] = {{120, 9}};

    EXPECT_PANIC(k_buddy_init_ranges(&b, pages, 64, 64, unsorted, 2), "out of order");
    EXPECT_PANIC(k_buddy_init_ranges(&b, pages, 64, 64, overlapping, 2), "overlapping");
    EXPECT_PANIC(k_buddy_init_ranges(&b, pages, 64, 64, outside, 1), "outside");
    EXPECT_PANIC(k_buddy_init_ranges(&b, pages, 64, 64, past_end, 1), "outside");
    k_buddy_init_ranges(&b, pages, 64, 64, 0, 0);
    assert_int_equal(b.free_pages, 0);
    for (unsigned i = 0; i < 64; i++)
        assert_int_equal(pages[i].flags, PG_RESERVED);
    free(pages);
}

static void test_add_range_errors(void **state)
{
    (void)state;
    struct page *pages = new_pages(64);
    struct buddy b;

    k_buddy_init(&b, pages, 64, 64);
    k_buddy_add_range(&b, 70, 10);
    EXPECT_PANIC(k_buddy_add_range(&b, 60, 8), "outside");
    EXPECT_PANIC(k_buddy_add_range(&b, 120, 9), "outside");
    EXPECT_PANIC(k_buddy_add_range(&b, 65, 6), "already usable");
    /* The failed call changed nothing: 65..69 are still reserved. */
    assert_int_equal(pages[1].flags, PG_RESERVED);
    assert_int_equal(b.free_pages, 10);
    k_buddy_add_range(&b, 65, 5);
    assert_int_equal(b.free_pages, 15);
    free(pages);
}

/* Blocks are aligned in absolute pfns, whatever the base, and never
 * straddle the range ends. */
static void test_alignment_unaligned_base(void **state)
{
    (void)state;
    const uint64_t base = 3, n = 4 * 1024 + 10;
    struct page *pages = new_pages(n);
    struct buddy b;

    k_buddy_init(&b, pages, base, n);
    k_buddy_add_range(&b, base, n);
    for (unsigned k = PG_ORDER_MAX + 1; k-- > 0;) {
        struct page *p;
        while ((p = k_buddy_alloc(&b, k))) {
            uint64_t pfn = k_buddy_pfn(&b, p);
            assert_int_equal(pfn & ((1ull << k) - 1), 0);
            assert_true(pfn >= base && pfn + (1ull << k) <= base + n);
            assert_int_equal(p->flags, PG_ALLOC);
            assert_int_equal(p->order, k);
            assert_int_equal(p->refcount, 1);
        }
    }
    assert_int_equal(b.free_pages, 0);
    assert_null(k_buddy_alloc(&b, PG_ORDER_MAX + 1));
    free(pages);
}

/* The entries just outside the array look like free order-0 heads: merging
 * with them (pfn 0 is the buddy of 1, pfn 7 of 6) would show in the blocks. */
static void test_never_merges_past_ends(void **state)
{
    (void)state;
    struct page guard[8] = {0};
    struct buddy b;
    static const struct block want[] = {{1, 0}, {2, 1}, {4, 1}, {6, 0}};
    struct block got[8];
    struct page *p[6];

    k_buddy_init(&b, guard + 1, 1, 6);
    guard[0] = guard[7] = (struct page){.flags = PG_FREE};
    k_buddy_add_range(&b, 1, 6);
    expect_blocks(got, free_blocks(&b, got, 8), want, 4);
    for (unsigned i = 0; i < 6; i++)
        assert_non_null(p[i] = k_buddy_alloc(&b, 0));
    for (unsigned i = 0; i < 6; i++)
        k_buddy_free(&b, p[i], 0);
    expect_blocks(got, free_blocks(&b, got, 8), want, 4);
    assert_int_equal(guard[0].flags, PG_FREE);
    assert_int_equal(guard[7].flags, PG_FREE);
}

static void test_exhaustion_and_recovery(void **state)
{
    (void)state;
    const uint64_t base = 1000, n = 3000;
    struct page *pages = new_pages(n), **got = calloc(n, sizeof(*got));
    static struct block before[64], after[64];
    struct buddy b;

    k_buddy_init(&b, pages, base, n);
    k_buddy_add_range(&b, base, n);
    size_t nbefore = free_blocks(&b, before, 64);
    assert_int_equal(b.nfree[PG_ORDER_MAX], 2); /* 1024..2047, 2048..3071 */
    assert_non_null(got[0] = k_buddy_alloc(&b, PG_ORDER_MAX));
    assert_non_null(got[1] = k_buddy_alloc(&b, PG_ORDER_MAX));
    assert_null(k_buddy_alloc(&b, PG_ORDER_MAX));
    k_buddy_free(&b, got[1], PG_ORDER_MAX);
    k_buddy_free(&b, got[0], PG_ORDER_MAX);

    size_t count = 0;
    while ((got[count] = k_buddy_alloc(&b, 0)))
        count++;
    assert_int_equal(count, n);
    assert_int_equal(b.free_pages, 0);
    assert_null(k_buddy_alloc(&b, 0));
    assert_null(k_buddy_alloc(&b, 3));
    struct page *p = got[1234];
    k_buddy_free(&b, p, 0);
    assert_null(k_buddy_alloc(&b, 1));
    assert_ptr_equal(k_buddy_alloc(&b, 0), p);
    assert_null(k_buddy_alloc(&b, 0));
    for (size_t i = 0; i < count; i++)
        k_buddy_free(&b, got[(i * 7) % count], 0); /* 7 is coprime with 3000 */
    assert_int_equal(b.free_pages, n);
    expect_blocks(after, free_blocks(&b, after, 64), before, nbefore);
    free(pages);
    free(got);
}

static void test_double_free_panics(void **state)
{
    (void)state;
    struct page *pages = new_pages(64);
    struct buddy b;

    k_buddy_init(&b, pages, 64, 64);
    k_buddy_add_range(&b, 64, 64);
    struct page *lo = k_buddy_alloc(&b, 0), *hi = k_buddy_alloc(&b, 0);
    assert_int_equal(k_buddy_pfn(&b, lo), 64);
    assert_int_equal(k_buddy_pfn(&b, hi), 65);
    struct page *big = k_buddy_alloc(&b, 3);
    k_buddy_free(&b, hi, 0);
    EXPECT_PANIC(k_buddy_free(&b, hi, 0), "double free"); /* hi heads a free block */
    k_buddy_free(&b, lo, 0);                              /* merges lo and hi */
    EXPECT_PANIC(k_buddy_free(&b, hi, 0), "double free"); /* hi is inside one */
    EXPECT_PANIC(k_buddy_free(&b, lo, 0), "double free");
    k_buddy_free(&b, big, 3);
    EXPECT_PANIC(k_buddy_free(&b, big, 3), "double free");
    assert_int_equal(b.free_pages, 64);
    assert_int_equal(b.nfree[6], 1);
    free(pages);
}

static void test_bad_free_panics(void **state)
{
    (void)state;
    struct page *pages = new_pages(64), outside = {0};
    struct buddy b;

    k_buddy_init(&b, pages, 64, 64);
    k_buddy_add_range(&b, 64, 60); /* 124..127 stay reserved */
    EXPECT_PANIC(k_buddy_free(&b, k_buddy_page(&b, 125), 0), "reserved");
    EXPECT_PANIC(k_buddy_free(&b, &outside, 0), "outside");
    EXPECT_PANIC(k_buddy_free(&b, pages + 64, 0), "outside");

    struct page *p = k_buddy_alloc(&b, 2);
    EXPECT_PANIC(k_buddy_free(&b, p, 1), "order");
    EXPECT_PANIC(k_buddy_free(&b, p, 3), "order");
    EXPECT_PANIC(k_buddy_free(&b, p, 99), "order");
    EXPECT_PANIC(k_buddy_free(&b, p + 1, 0), "not an allocated block head");
    EXPECT_PANIC(k_buddy_free(&b, p + 2, 1), "not an allocated block head");
    p->refcount = 2;
    EXPECT_PANIC(k_buddy_free(&b, p, 2), "users");
    p->refcount = 0; /* a caller that dropped its reference first */
    k_buddy_free(&b, p, 2);
    assert_int_equal(b.free_pages, 60);
    free(pages);
}

/* --- random run ---------------------------------------------------------- */

static unsigned random_order(void)
{
    /* Half order 0 (the common case), half uniform over 0..10. */
    return rng() & 1 ? 0 : (unsigned)(rng() % (PG_ORDER_MAX + 1));
}

static void take(uint8_t *owned, const struct buddy *b, uint64_t pfn, unsigned order, int set)
{
    uint64_t i = pfn - b->base_pfn;

    for (uint64_t j = i; j < i + (1ull << order); j++) {
        if (owned[j] == set)
            fail_msg("pfn %#llx %s", (unsigned long long)(b->base_pfn + j),
                     set ? "handed out twice" : "freed but not held");
        owned[j] = (uint8_t)set;
    }
}

static void test_random_alloc_free(void **state)
{
    (void)state;
    struct page *pages = new_pages(RN);
    uint8_t *usable = calloc(RN, 1), *owned = calloc(RN, 1);
    struct block *live = calloc(RN, sizeof(*live));
    static struct block before[4096], after[4096];
    uint64_t nulls = 0, allocated[PG_ORDER_MAX + 1] = {0};
    size_t nlive = 0;
    struct buddy b;

    k_buddy_init(&b, pages, RBASE, RN);
    add_ranges(&b, usable, rand_ranges, 4);
    uint64_t initial = b.free_pages;
    size_t nbefore = free_blocks(&b, before, 4096);
    rng_state = 0x627564647921ull;
    for (unsigned op = 0; op < 1000000; op++) {
        /* Alternate phases that fill memory up and drain it. */
        unsigned alloc_pct = (op / 20000) % 2 ? 75 : 35;
        if (nlive == 0 || rng() % 100 < alloc_pct) {
            unsigned k = random_order();
            struct page *p = k_buddy_alloc(&b, k);
            if (!p) {
                nulls++;
                for (unsigned j = k; j <= PG_ORDER_MAX; j++)
                    assert_int_equal(b.nfree[j], 0);
                continue;
            }
            uint64_t pfn = k_buddy_pfn(&b, p);
            assert_int_equal(pfn & ((1ull << k) - 1), 0);
            assert_true(p->flags == PG_ALLOC && p->order == k && p->refcount == 1);
            take(owned, &b, pfn, k, 1);
            live[nlive++] = (struct block){pfn, k};
            allocated[k]++;
        } else {
            size_t i = rng() % nlive;
            struct block blk = live[i];
            live[i] = live[--nlive];
            take(owned, &b, blk.pfn, blk.order, 0);
            k_buddy_free(&b, k_buddy_page(&b, blk.pfn), blk.order);
        }
        if (op % 50000 == 0)
            check_invariants(&b, usable, owned);
    }
    assert_true(nulls > 1000);
    for (unsigned k = 0; k <= PG_ORDER_MAX; k++)
        assert_true(allocated[k] > 100);

    check_invariants(&b, usable, owned);
    while (nlive) {
        struct block blk = live[--nlive];
        take(owned, &b, blk.pfn, blk.order, 0);
        k_buddy_free(&b, k_buddy_page(&b, blk.pfn), blk.order);
    }
    check_invariants(&b, usable, owned);
    assert_int_equal(b.free_pages, initial);
    expect_blocks(after, free_blocks(&b, after, 4096), before, nbefore);
    free(pages);
    free(usable);
    free(owned);
    free(live);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_all_reserved),
        cmocka_unit_test(test_add_range_maximal_blocks),
        cmocka_unit_test(test_add_range_pieces_merge),
        cmocka_unit_test(test_add_range_errors),
        cmocka_unit_test(test_init_ranges_matches_add_range),
        cmocka_unit_test(test_init_ranges_errors),
        cmocka_unit_test(test_alignment_unaligned_base),
        cmocka_unit_test(test_never_merges_past_ends),
        cmocka_unit_test(test_exhaustion_and_recovery),
        cmocka_unit_test(test_double_free_panics),
        cmocka_unit_test(test_bad_free_panics),
        cmocka_unit_test(test_random_alloc_free),
    };

    return cmocka_run_group_tests_name("kernel/mm/buddy", tests, NULL, NULL);
}
