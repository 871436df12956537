/* Host tests for kernel/mm/kmalloc.c over a page provider built on
 * aligned_alloc: every size 1..4096 and some large ones (alignment, usable
 * size, neighbours untouched), kzalloc, the panics on double frees and bad
 * pointers, allocation failure, statistics, and a seeded random run that
 * checks every object's contents survive until it is freed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"

void k_kmalloc_init(const struct kmalloc_pages *src);
void *k_kmalloc(size_t n);
void *k_kzalloc(size_t n);
void k_kfree(void *p);
size_t k_kmalloc_usable(const void *p);
void k_kmalloc_stats(struct kmalloc_stats *st);

/* --- panic capture: the kernel code's panic() is k_panic() here ---------- */

#include "tests/unit/panic_capture.h"
#include "tests/unit/test_rng.h"

/* --- the page provider ----------------------------------------------------- */

struct block {
    void *p;
    unsigned order;
    int freed; /* given back but kept (quarantine) */
};

static struct {
    unsigned max_order;   /* larger requests fail */
    uint64_t budget;      /* pages that may be outstanding at once */
    int quarantine;       /* keep given-back blocks so a double free is readable */
    uint64_t calls;       /* alloc calls, failed ones included */
    uint64_t outstanding; /* pages handed out and not given back */
    struct block *blocks;
    size_t nblocks, cap;
} prov;

static void *prov_alloc(unsigned order)
{
    size_t bytes = (size_t)PAGE_SIZE << order;

    prov.calls++;
    if (order > prov.max_order || prov.outstanding + (1ull << order) > prov.budget)
        return NULL;
    void *p = aligned_alloc(PAGE_SIZE, bytes);
    assert_non_null(p);
    memset(p, 0xa5, bytes); /* fresh memory is never zero by luck */
    if (prov.nblocks == prov.cap) {
        prov.cap = prov.cap ? 2 * prov.cap : 256;
        prov.blocks = realloc(prov.blocks, prov.cap * sizeof(*prov.blocks));
        assert_non_null(prov.blocks);
    }
    prov.blocks[prov.nblocks++] = (struct block){p, order, 0};
    prov.outstanding += 1ull << order;
    return p;
}

static void prov_free(void *p, unsigned order)
{
    for (size_t i = prov.nblocks; i-- > 0;) {
        struct block *b = &prov.blocks[i];
        if (b->p != p)
            continue;
        assert_false(b->freed);
        assert_int_equal(b->order, order);
        prov.outstanding -= 1ull << order;
        if (prov.quarantine) {
            b->freed = 1;
            return;
        }
        free(p);
        *b = prov.blocks[--prov.nblocks];
        return;
    }
    fail_msg("provider: free of %p, which it never handed out", p);
}

static const struct kmalloc_pages provider = {prov_alloc, prov_free};

static int setup(void **state)
{
    (void)state;
    prov.max_order = 12;
    prov.budget = UINT64_MAX;
    prov.quarantine = 0;
    prov.calls = prov.outstanding = 0;
    k_kmalloc_init(&provider);
    return 0;
}

/* Every block goes back to the host, bucket pages the heap still holds too:
 * the next test starts a new heap. */
static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < prov.nblocks; i++)
        free(prov.blocks[i].p);
    free(prov.blocks);
    prov.blocks = NULL;
    prov.nblocks = prov.cap = 0;
    return 0;
}

/* --- helpers ------------------------------------------------------------- */

static uint8_t pattern(uint64_t seed, size_t j)
{
    return (uint8_t)(seed * 0x9e3779b1u + j * 131 + (j >> 8));
}

static void fill(void *p, size_t n, uint64_t seed)
{
    for (size_t j = 0; j < n; j++)
        ((uint8_t *)p)[j] = pattern(seed, j);
}

static void check_fill(const void *p, size_t n, uint64_t seed)
{
    for (size_t j = 0; j < n; j++)
        if (((const uint8_t *)p)[j] != pattern(seed, j))
            fail_msg("object %p (seed %llu): byte %zu of %zu overwritten", p,
                     (unsigned long long)seed, j, n);
}

static struct kmalloc_stats stats(void)
{
    struct kmalloc_stats st;
    k_kmalloc_stats(&st);
    return st;
}

/* What kmalloc_usable must say for a request of n bytes. */
static size_t want_usable(size_t n)
{
    size_t size = KMALLOC_MIN;

    if (n <= KMALLOC_MAX) {
        while (size < n)
            size *= 2;
        return size;
    }
    size = PAGE_SIZE;
    while (size < n + KMALLOC_HDR)
        size *= 2;
    return size - KMALLOC_HDR;
}

/* --- cases --------------------------------------------------------------- */

#define NSIZES 4096
static const size_t large_sizes[] = {4097,  5000,   8192 - 16,      8192 - 15, 8192,
                                     65536, 100000, (1 << 20) - 16, 1 << 20};
#define NLARGE (sizeof(large_sizes) / sizeof(large_sizes[0]))

static void test_sizes_aligned_and_isolated(void **state)
{
    (void)state;
    enum { N = NSIZES + NLARGE };
    static void *ptr[N];
    static size_t usable[N];
    struct kmalloc_stats base = stats();
    uint64_t in_use = 0;

    for (size_t i = 0; i < N; i++) {
        size_t n = i < NSIZES ? i + 1 : large_sizes[i - NSIZES];
        ptr[i] = k_kmalloc(n);
        assert_non_null(ptr[i]);
        assert_int_equal((uintptr_t)ptr[i] & 15, 0);
        usable[i] = k_kmalloc_usable(ptr[i]);
        assert_int_equal(usable[i], want_usable(n));
        fill(ptr[i], usable[i], i);
        in_use += usable[i];
    }
    for (size_t i = 0; i < N; i++)
        check_fill(ptr[i], usable[i], i);

    struct kmalloc_stats st = stats();
    assert_int_equal(st.bytes_in_use, base.bytes_in_use + in_use);
    assert_int_equal(st.allocs, base.allocs + N);
    assert_int_equal(st.pages_held, prov.outstanding);

    /* Free in a random order, checking the survivors now and then. */
    rng_state = 0x6b6d616c6c6f63ull;
    static size_t order[N];
    for (size_t i = 0; i < N; i++)
        order[i] = i;
    for (size_t i = N; i-- > 1;) {
        size_t j = rng() % (i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (size_t k = 0; k < N; k++) {
        size_t i = order[k];
        check_fill(ptr[i], usable[i], i);
        k_kfree(ptr[i]);
        ptr[i] = NULL;
        if (k == N / 2)
            for (size_t j = 0; j < N; j++)
                if (ptr[j])
                    check_fill(ptr[j], usable[j], j);
    }
    st = stats();
    assert_int_equal(st.bytes_in_use, base.bytes_in_use);
    assert_int_equal(st.frees, base.frees + N);
    assert_int_equal(st.pages_held, prov.outstanding);
}

/* Freed objects are reused (last freed, first reused) and a second identical
 * round of allocations takes no new pages. */
static void test_free_lists_reused(void **state)
{
    (void)state;
    void *p[1000];

    void *a = k_kmalloc(64);
    k_kfree(a);
    assert_ptr_equal(k_kmalloc(50), a);
    k_kfree(a);

    for (int round = 0; round < 2; round++) {
        struct kmalloc_stats before = stats();
        uint64_t calls = prov.calls;
        for (int i = 0; i < 1000; i++)
            assert_non_null(p[i] = k_kmalloc((size_t)(i * 37) % 2048 + 1));
        for (int i = 0; i < 1000; i++)
            k_kfree(p[i]);
        struct kmalloc_stats after = stats();
        assert_int_equal(after.bytes_in_use, before.bytes_in_use);
        if (round == 1) {
            assert_int_equal(prov.calls, calls);
            assert_int_equal(after.pages_held, before.pages_held);
        }
    }
}

static void test_kzalloc_zeroes(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 15, 16, 17, 64, 100, 2047, 2048, 2049, 5000, 70000};

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        uint8_t *p = k_kmalloc(n);
        assert_non_null(p);
        memset(p, 0xee, k_kmalloc_usable(p));
        k_kfree(p);
        uint8_t *z = k_kzalloc(n);
        assert_non_null(z);
        if (n <= KMALLOC_MAX)
            assert_ptr_equal(z, p); /* the dirty object again */
        for (size_t j = 0; j < n; j++)
            assert_int_equal(z[j], 0);
        k_kfree(z);
    }
}

static void test_zero_and_null(void **state)
{
    (void)state;
    struct kmalloc_stats base = stats();

    void *p = k_kmalloc(0);
    assert_non_null(p);
    assert_int_equal(k_kmalloc_usable(p), KMALLOC_MIN);
    k_kfree(p);
    k_kfree(NULL);
    assert_int_equal(k_kmalloc_usable(NULL), 0);
    struct kmalloc_stats st = stats();
    assert_int_equal(st.allocs, base.allocs + 1);
    assert_int_equal(st.frees, base.frees + 1);
}

static void expect_pointer_in_message(const void *p)
{
    char want[64];

    snprintf(want, sizeof(want), "%p (caller 0x", p);
    if (!strstr(panic_msg, want))
        fail_msg("panic \"%s\" does not name %s", panic_msg, want);
}

static void test_double_free_panics(void **state)
{
    (void)state;
    prov.quarantine = 1;

    void *p = k_kmalloc(100);
    k_kfree(p);
    EXPECT_PANIC(k_kfree(p), "kfree: double free of ");
    expect_pointer_in_message(p);
    EXPECT_PANIC(k_kmalloc_usable(p), "kmalloc_usable: use after free of ");
    assert_ptr_equal(k_kmalloc(100), p); /* the failed kfree changed nothing */
    k_kfree(p);

    void *big = k_kmalloc(10000);
    k_kfree(big);
    EXPECT_PANIC(k_kfree(big), "kfree: double free of ");
    expect_pointer_in_message(big);
}

static void test_bad_pointer_panics(void **state)
{
    (void)state;
    struct kmalloc_stats base = stats();
    uint8_t *p = k_kmalloc(64), *big = k_kmalloc(10000);
    static _Alignas(16) uint8_t outside[64];

    fill(p, 64, 1);
    EXPECT_PANIC(k_kfree(p + 32), "kfree: bad pointer or corrupted header ");
    expect_pointer_in_message(p + 32);
    EXPECT_PANIC(k_kfree(p + 16), "kfree: bad pointer or corrupted header ");
    EXPECT_PANIC(k_kfree(p + 8), "kfree: bad pointer or corrupted header ");
    EXPECT_PANIC(k_kfree(p + 1), "kfree: bad pointer or corrupted header ");
    EXPECT_PANIC(k_kfree(outside + 16), "kfree: bad pointer or corrupted header ");
    EXPECT_PANIC(k_kmalloc_usable(p + 32), "kmalloc_usable: bad pointer or corrupted header ");

    /* Corrupt each header field in turn, then put it back. */
    uint8_t saved[KMALLOC_HDR];
    memcpy(saved, p - KMALLOC_HDR, KMALLOC_HDR);
    p[-KMALLOC_HDR + 1] ^= 0x10; /* magic */
    EXPECT_PANIC(k_kfree(p), "kfree: bad pointer or corrupted header ");
    memcpy(p - KMALLOC_HDR, saved, KMALLOC_HDR);
    p[-12] = KMALLOC_BUCKETS; /* bucket */
    EXPECT_PANIC(k_kfree(p), "kfree: bad pointer or corrupted header ");
    p[-12] = 3; /* another valid bucket */
    EXPECT_PANIC(k_kfree(p), "kfree: bad pointer or corrupted header ");
    EXPECT_PANIC(k_kmalloc_usable(p), "kmalloc_usable: bad pointer or corrupted header ");
    p[-12] = saved[4];
    p[-11] = 1; /* order */
    EXPECT_PANIC(k_kfree(p), "kfree: bad pointer or corrupted header ");
    p[-12] = 0xff; /* "large", but the header is not page aligned */
    EXPECT_PANIC(k_kfree(p), "kfree: bad pointer or corrupted header ");
    memcpy(p - KMALLOC_HDR, saved, KMALLOC_HDR);

    memcpy(saved, big - KMALLOC_HDR, KMALLOC_HDR);
    big[-11] = 31; /* order */
    EXPECT_PANIC(k_kfree(big), "kfree: bad pointer or corrupted header ");
    memcpy(big - KMALLOC_HDR, saved, KMALLOC_HDR);
    big[-12] = 3; /* another valid bucket: the check field catches it */
    EXPECT_PANIC(k_kfree(big), "kfree: bad pointer or corrupted header ");
    big[-12] = 0xff;
    big[-1] ^= 1; /* a live object's link field is unused and unchecked */
    assert_int_equal(k_kmalloc_usable(big), want_usable(10000));
    big[-9] ^= 1; /* the check field is checked */
    EXPECT_PANIC(k_kfree(big), "kfree: bad pointer or corrupted header ");
    memcpy(big - KMALLOC_HDR, saved, KMALLOC_HDR);

    check_fill(p, 64, 1);
    k_kfree(p);
    k_kfree(big);
    assert_int_equal(stats().bytes_in_use, base.bytes_in_use);
}

static void test_allocation_failure(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 64, 2048, 2049, 100000};

    prov.budget = 0;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        assert_null(k_kmalloc(sizes[i]));
        assert_null(k_kzalloc(sizes[i]));
    }
    struct kmalloc_stats st = stats();
    assert_int_equal(st.allocs, 0);
    assert_int_equal(st.pages_held, 0);
    assert_int_equal(st.bytes_in_use, 0);

    /* Absurd sizes fail without asking the provider. */
    prov.budget = UINT64_MAX;
    uint64_t calls = prov.calls;
    assert_null(k_kmalloc(SIZE_MAX));
    assert_null(k_kmalloc(SIZE_MAX - KMALLOC_HDR + 1));
    assert_null(k_kmalloc(((size_t)PAGE_SIZE << 30) - KMALLOC_HDR + 1));
    assert_int_equal(prov.calls, calls);
}

/* Only single pages: buckets fall back to smaller blocks, large objects
 * that need more than a page fail. */
static void test_fragmented_provider(void **state)
{
    (void)state;
    prov.max_order = 0;

    void *a = k_kmalloc(2048), *b = k_kmalloc(2048), *c = k_kmalloc(600);
    assert_true(a && b && c);
    assert_int_equal(stats().pages_held, 3); /* one 2048 chunk per page, then 1024s */
    void *d = k_kmalloc(PAGE_SIZE - KMALLOC_HDR);
    assert_non_null(d);
    assert_null(k_kmalloc(PAGE_SIZE - KMALLOC_HDR + 1));
    k_kfree(d);
    k_kfree(a);
    k_kfree(b);
    k_kfree(c);
}

/* A budget runs out, then a free makes room again. */
static void test_exhaustion_recovers(void **state)
{
    (void)state;
    static void *p[1000];
    size_t n = 0;

    prov.budget = 8;
    while ((p[n] = k_kmalloc(64)))
        n++;
    assert_int_equal(n, 8 * (PAGE_SIZE / (64 + KMALLOC_HDR)));
    assert_null(k_kmalloc(64));
    k_kfree(p[17]);
    assert_ptr_equal(k_kmalloc(64), p[17]);
    assert_null(k_kmalloc(64));
    for (size_t i = 0; i < n; i++)
        k_kfree(p[i]);
    assert_int_equal(stats().bytes_in_use, 0);
}

static void test_uninitialised_heap(void **state)
{
    (void)state;
    const struct kmalloc_pages none = {0};

    k_kmalloc_init(&none);
    assert_null(k_kmalloc(16));
    assert_null(k_kmalloc(100000));
}

/* --- random run ---------------------------------------------------------- */

static size_t random_size(void)
{
    uint64_t r = rng() % 100;

    if (r < 60)
        return rng() % 128 + 1;
    if (r < 90)
        return rng() % KMALLOC_MAX + 1;
    if (r < 99)
        return rng() % (16384 - KMALLOC_MAX) + KMALLOC_MAX + 1;
    return rng() % (256 * 1024) + 1;
}

static void test_random_stress(void **state)
{
    (void)state;
    enum { MAXLIVE = 4096 };
    static struct obj {
        void *p;
        size_t usable;
        uint64_t seed;
    } live[MAXLIVE];
    size_t nlive = 0;
    uint64_t in_use = 0;

    rng_state = 0x737472657373ull;
    for (uint64_t op = 0; op < 300000; op++) {
        if (nlive < MAXLIVE && (nlive == 0 || rng() % 100 < 52)) {
            size_t n = random_size();
            int zero = rng() & 1;
            void *p = zero ? k_kzalloc(n) : k_kmalloc(n);
            assert_non_null(p);
            size_t u = k_kmalloc_usable(p);
            assert_true(u >= n && ((uintptr_t)p & 15) == 0);
            if (zero)
                for (size_t j = 0; j < n; j++)
                    assert_int_equal(((uint8_t *)p)[j], 0);
            fill(p, u, op);
            live[nlive++] = (struct obj){p, u, op};
            in_use += u;
        } else {
            size_t i = rng() % nlive;
            check_fill(live[i].p, live[i].usable, live[i].seed);
            k_kfree(live[i].p);
            in_use -= live[i].usable;
            live[i] = live[--nlive];
        }
        if (op % 10000 == 0) {
            struct kmalloc_stats st = stats();
            assert_int_equal(st.bytes_in_use, in_use);
            assert_int_equal(st.pages_held, prov.outstanding);
        }
    }
    while (nlive) {
        nlive--;
        check_fill(live[nlive].p, live[nlive].usable, live[nlive].seed);
        k_kfree(live[nlive].p);
    }
    struct kmalloc_stats st = stats();
    assert_int_equal(st.bytes_in_use, 0);
    assert_int_equal(st.allocs, st.frees);
    assert_int_equal(st.pages_held, prov.outstanding);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_sizes_aligned_and_isolated),
        T(test_free_lists_reused),
        T(test_kzalloc_zeroes),
        T(test_zero_and_null),
        T(test_double_free_panics),
        T(test_bad_pointer_panics),
        T(test_allocation_failure),
        T(test_fragmented_provider),
        T(test_exhaustion_recovers),
        T(test_uninitialised_heap),
        T(test_random_stress),
    };

    return cmocka_run_group_tests_name("kernel/mm/kmalloc", tests, NULL, NULL);
}
