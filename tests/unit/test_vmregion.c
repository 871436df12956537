/* Host tests for kernel/mm/vmregion.c: insert/find, overlap refusal, merging,
 * remove and protect with their splits and callbacks, find_gap, copy,
 * destroy, file regions' objects (holds, lists, VM_RDONLY), allocation failure (nothing changes,
 * nothing leaks), then a seeded random sequence of operations checked page by page against a shadow
 * model.
 *
 * Nodes come from the real kernel heap (kernel/mm/kmalloc.c, also in klib.o)
 * over an aligned_alloc page provider that can be switched off. The heap
 * keeps freed objects on free lists, so to make an allocation fail the tests
 * first take every cached object of the node's size ("hoarding"), then hand
 * back exactly as many as the operation may have. kmalloc_stats() counts live
 * objects, which checks for leaks: every region is exactly one object. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/vmregion.h"
#include "tests/unit/test_rng.h"

/* libc/include/errno.h values (Linux); the test sees the host's errno.h
 * only through cmocka, so spell them out. */
#define K_ENOMEM 12
#define K_EACCES 13
#define K_EEXIST 17
#define K_EINVAL 22

void k_kmalloc_init(const struct kmalloc_pages *src);
void *k_kmalloc(size_t n);
void k_kfree(void *p);
void k_kmalloc_stats(struct kmalloc_stats *st);

void k_vm_map_init(struct vm_map *m, uint64_t lo, uint64_t hi);
int k_vm_map_insert(struct vm_map *m, const struct vm_region *r);
struct vm_region *k_vm_map_find(struct vm_map *m, uint64_t addr);
struct vm_region *k_vm_map_next(struct vm_map *m, uint64_t addr);
bool k_vm_map_meets(struct vm_map *m, uint64_t start, uint64_t end);
bool k_vm_map_covers(struct vm_map *m, uint64_t start, uint64_t end);
int k_vm_map_find_gap(struct vm_map *m, uint64_t hint, uint64_t len, uint64_t *addr);
int k_vm_map_remove(struct vm_map *m, uint64_t start, uint64_t end, vm_unmap_cb *cb, void *arg);
int k_vm_map_protect(struct vm_map *m, uint64_t start, uint64_t end, uint32_t prot);
void k_vm_map_destroy(struct vm_map *m, vm_unmap_cb *cb, void *arg);
int k_vm_map_copy(struct vm_map *dst, const struct vm_map *src);
int k_vm_map_lock(struct vm_map *m, uint64_t start, uint64_t end, bool on);

#define PG(n) ((uint64_t)(n)*PAGE_SIZE)
#define R     VM_PROT_READ
#define RW    (VM_PROT_READ | VM_PROT_WRITE)
#define RX    (VM_PROT_READ | VM_PROT_EXEC)
#define LO    PG(1)
#define HI    PG(1024)

/* --- page provider and heap control ---------------------------------------- */

static bool pages_off;

static void *page_alloc(unsigned order)
{
    size_t size = (size_t)PAGE_SIZE << order;
    return pages_off ? NULL : aligned_alloc(size, size);
}

static void page_free(void *p, unsigned order)
{
    (void)order;
    free(p);
}

static int heap_setup(void **state)
{
    (void)state;
    static const struct kmalloc_pages src = {page_alloc, page_free};
    k_kmalloc_init(&src);
    return 0;
}

static long live_objects(void)
{
    struct kmalloc_stats st;
    k_kmalloc_stats(&st);
    return (long)(st.allocs - st.frees);
}

/* Hoarded node-sized objects, linked through their first word. */
static void *hoard;

/* Switch the provider off and take every cached node-sized object; at
 * least 16 of them, for allow() to hand back. */
static void starve(void)
{
    void *spare[16];
    for (unsigned i = 0; i < 16; i++)
        assert_non_null(spare[i] = k_kmalloc(sizeof(struct vm_region)));
    for (unsigned i = 0; i < 16; i++)
        k_kfree(spare[i]);
    pages_off = true;
    for (unsigned i = 0; i < 1000000; i++) {
        void **p = k_kmalloc(sizeof(struct vm_region));
        if (!p)
            return;
        *p = hoard;
        hoard = p;
    }
    fail_msg("kmalloc never ran out with the page provider off");
}

/* Give n hoarded objects back, so exactly n allocations can succeed. */
static void allow(unsigned n)
{
    for (; n > 0 && hoard; n--) {
        void **p = hoard;
        hoard = *p;
        k_kfree(p);
    }
    assert_int_equal(n, 0);
}

/* Take back whatever of the allowance is left; returns how many. */
static unsigned unused_allowance(void)
{
    unsigned n = 0;
    void **p;
    while ((p = k_kmalloc(sizeof(struct vm_region))) != NULL) {
        *p = hoard;
        hoard = p;
        n++;
    }
    return n;
}

static void feed(void)
{
    while (hoard) {
        void **p = hoard;
        hoard = *p;
        k_kfree(p);
    }
    pages_off = false;
}

/* --- the object file regions map -------------------------------------------- */

/* Every VM_FILE region of the tests maps this object; its holds count the
 * regions mapping it, in every map (vmregion.c keeps them in step). */
static long tobj_holds;

static void tobj_hold(struct vm_object *o)
{
    (void)o;
    tobj_holds++;
}

static void tobj_drop(struct vm_object *o)
{
    (void)o;
    assert_true(tobj_holds > 0);
    tobj_holds--;
}

static const struct vm_pager tpager = {NULL, tobj_hold, tobj_drop};
static struct vm_object tobj = {&tpager, NULL};

/* Regions on tobj's list, and those of them in map m. */
static long tobj_listed(const struct vm_map *m, long *in_m)
{
    long n = 0;
    *in_m = 0;
    for (const struct vm_region *r = tobj.regions; r; r = r->obj_next, n++) {
        if (r->obj_next && r->obj_next->obj_prev != r)
            fail_msg("object list: broken prev link");
        *in_m += r->map == m;
    }
    if (tobj.regions && tobj.regions->obj_prev)
        fail_msg("object list: head has a prev");
    return n;
}

/* --- map construction, dumps and invariants -------------------------------- */

struct rdump {
    uint64_t start, end;
    uint32_t prot;
    uint16_t kind, flags;
    const struct vm_object *obj;
    uint64_t pgoff, zero_from;
};

#define MAXDUMP 64

struct mapdump {
    unsigned n;
    struct rdump r[MAXDUMP];
};

#define D(s, e, prot, kind)                                                                        \
    ((struct rdump){PG(s), PG(e), (prot), (kind), 0, (kind) == VM_FILE ? &tobj : NULL, 0, 0})
#define DF(s, e, prot, pgoff) ((struct rdump){PG(s), PG(e), (prot), VM_FILE, 0, &tobj, (pgoff), 0})

static struct rdump rdump_of(const struct vm_region *r)
{
    return (struct rdump){r->start, r->end, r->prot,  r->kind,
                          r->flags, r->obj, r->pgoff, r->zero_from};
}

static void dump(const struct vm_map *m, struct mapdump *d)
{
    memset(d, 0, sizeof(*d));
    for (const struct vm_region *r = m->head; r; r = r->next) {
        assert_true(d->n < MAXDUMP);
        d->r[d->n++] = rdump_of(r);
    }
}

static bool rdump_eq(const struct rdump *a, const struct rdump *b)
{
    return a->start == b->start && a->end == b->end && a->prot == b->prot && a->kind == b->kind &&
           a->flags == b->flags && a->obj == b->obj && a->pgoff == b->pgoff &&
           a->zero_from == b->zero_from;
}

static void print_rdump(const char *what, unsigned i, const struct rdump *r)
{
    print_message("  %s[%u] = [%#llx, %#llx) prot %u kind %u flags %u object %p page %#llx zero "
                  "from %#llx\n",
                  what, i, (unsigned long long)r->start, (unsigned long long)r->end, r->prot,
                  r->kind, r->flags, (const void *)r->obj, (unsigned long long)r->pgoff,
                  (unsigned long long)r->zero_from);
}

static void expect_dump(const struct mapdump *got, const struct rdump *want, unsigned n)
{
    bool ok = got->n == n;
    for (unsigned i = 0; ok && i < n; i++)
        ok = rdump_eq(&got->r[i], &want[i]);
    if (ok)
        return;
    for (unsigned i = 0; i < got->n; i++)
        print_rdump("got", i, &got->r[i]);
    for (unsigned i = 0; i < n; i++)
        print_rdump("want", i, &want[i]);
    fail_msg("map differs (%u regions, want %u)", got->n, n);
}

/* Sorted, disjoint, non-empty, aligned, inside the window, links and count
 * consistent, file fields only on VM_FILE, every VM_FILE node on its
 * object's list with its map (and no other node of the map there),
 * touching VM_ANON twins merged. */
static void check_invariants(const struct vm_map *m)
{
    const struct vm_region *prev = NULL;
    unsigned n = 0;
    long files = 0, in_m;

    for (const struct vm_region *r = m->head; r; prev = r, r = r->next, n++) {
        if (r->prev != prev)
            fail_msg("region %u: broken prev link", n);
        if (r->start >= r->end || r->start % PAGE_SIZE || r->end % PAGE_SIZE)
            fail_msg("region %u: bad range [%#llx, %#llx)", n, (unsigned long long)r->start,
                     (unsigned long long)r->end);
        if (r->start < m->lo || r->end > m->hi)
            fail_msg("region %u: outside the window", n);
        if (r->kind != VM_FILE && (r->obj || r->pgoff || r->zero_from))
            fail_msg("region %u: file fields on a non-file region", n);
        if (r->kind == VM_FILE && (r->obj != &tobj || r->map != m))
            fail_msg("region %u: file region without its object or map", n);
        files += r->kind == VM_FILE;
        if (prev && prev->end > r->start)
            fail_msg("region %u: overlaps or is out of order", n);
        if (prev && prev->end == r->start && prev->kind == VM_ANON && r->kind == VM_ANON &&
            prev->prot == r->prot && prev->flags == r->flags)
            fail_msg("regions %u and %u: should have been merged", n - 1, n);
    }
    if (n != m->count)
        fail_msg("count %u, but %u regions linked", m->count, n);
    if (tobj_listed(m, &in_m) != tobj_holds || in_m != files)
        fail_msg("object: %ld holds, %ld listed, %ld of this map's for %ld file regions",
                 tobj_holds, tobj_listed(m, &in_m), in_m, files);
    if (m->hint) {
        bool found = false;
        for (const struct vm_region *r = m->head; r; r = r->next)
            found |= r == m->hint;
        if (!found)
            fail_msg("hint points at a region not in the map");
    }
}

static int insert_full(struct vm_map *m, uint64_t s, uint64_t e, uint32_t prot, uint16_t kind,
                       uint16_t flags, struct vm_object *obj, uint64_t pgoff)
{
    struct vm_region r = {.start = s,
                          .end = e,
                          .prot = prot,
                          .kind = kind,
                          .flags = flags,
                          .obj = obj,
                          .pgoff = pgoff};
    int rc = k_vm_map_insert(m, &r);
    check_invariants(m);
    return rc;
}

/* Insert pages [s, e). */
static int ins(struct vm_map *m, unsigned s, unsigned e, uint32_t prot, uint16_t kind)
{
    return insert_full(m, PG(s), PG(e), prot, kind, 0, kind == VM_FILE ? &tobj : NULL, 0);
}

static int ins_file(struct vm_map *m, unsigned s, unsigned e, uint32_t prot, uint64_t pgoff)
{
    return insert_full(m, PG(s), PG(e), prot, VM_FILE, 0, &tobj, pgoff);
}

#define EXPECT_MAP(m, ...)                                                                         \
    do {                                                                                           \
        const struct rdump want_[] = {__VA_ARGS__};                                                \
        struct mapdump got_;                                                                       \
        check_invariants(m);                                                                       \
        dump(m, &got_);                                                                            \
        expect_dump(&got_, want_, sizeof(want_) / sizeof(want_[0]));                               \
    } while (0)

#define EXPECT_EMPTY(m)                                                                            \
    do {                                                                                           \
        check_invariants(m);                                                                       \
        assert_null((m)->head);                                                                    \
        assert_int_equal((m)->count, 0);                                                           \
    } while (0)

static void expect_same(const struct vm_map *m, const struct mapdump *before)
{
    struct mapdump now;
    check_invariants(m);
    dump(m, &now);
    expect_dump(&now, before->r, before->n);
}

/* Callback recorder. */
struct cbcall {
    uint64_t s, e;
    struct rdump r;
};

struct cbrec {
    unsigned n;
    struct cbcall c[MAXDUMP];
};

static void record_cb(void *arg, uint64_t s, uint64_t e, const struct vm_region *r)
{
    struct cbrec *rec = arg;
    assert_true(rec->n < MAXDUMP);
    rec->c[rec->n++] = (struct cbcall){s, e, rdump_of(r)};
}

static void expect_call(const struct cbrec *rec, unsigned i, unsigned s, unsigned e,
                        struct rdump region)
{
    assert_true(i < rec->n);
    if (rec->c[i].s != PG(s) || rec->c[i].e != PG(e) || !rdump_eq(&rec->c[i].r, &region)) {
        print_rdump("got region", i, &rec->c[i].r);
        print_rdump("want region", i, &region);
        fail_msg("call %u: got [%#llx, %#llx), want [%#llx, %#llx)", i,
                 (unsigned long long)rec->c[i].s, (unsigned long long)rec->c[i].e,
                 (unsigned long long)PG(s), (unsigned long long)PG(e));
    }
}

/* Every test starts from an empty map and must end without leaked nodes. */
static long baseline;

static void begin(struct vm_map *m)
{
    assert_int_equal(tobj_holds, 0);
    baseline = live_objects();
    k_vm_map_init(m, LO, HI);
    EXPECT_EMPTY(m);
}

static void finish(struct vm_map *m)
{
    assert_int_equal(live_objects() - baseline, m->count);
    k_vm_map_destroy(m, NULL, NULL);
    EXPECT_EMPTY(m);
    assert_int_equal(live_objects(), baseline);
    assert_int_equal(tobj_holds, 0);
    assert_null(tobj.regions);
}

/* --- fixed cases ------------------------------------------------------------ */

static void test_insert_find(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_null(k_vm_map_find(&m, PG(10)));

    assert_int_equal(ins(&m, 20, 30, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 10, 12, RX, VM_FILE), 0);
    assert_int_equal(ins(&m, 40, 41, RW, VM_STACK), 0);
    EXPECT_MAP(&m, D(10, 12, RX, VM_FILE), D(20, 30, RW, VM_ANON), D(40, 41, RW, VM_STACK));

    struct vm_region *a = k_vm_map_find(&m, PG(10));
    assert_non_null(a);
    assert_true(a->start == PG(10) && a->end == PG(12));
    assert_ptr_equal(k_vm_map_find(&m, PG(12) - 1), a);
    assert_ptr_equal(k_vm_map_find(&m, PG(12) - 1), a); /* through the hint */
    assert_null(k_vm_map_find(&m, PG(12)));
    assert_null(k_vm_map_find(&m, PG(10) - 1));
    assert_null(k_vm_map_find(&m, 0));
    assert_null(k_vm_map_find(&m, UINT64_MAX));
    struct vm_region *b = k_vm_map_find(&m, PG(25) + 123);
    assert_true(b && b->start == PG(20) && b->end == PG(30));
    assert_ptr_equal(k_vm_map_find(&m, PG(20)), b);
    assert_ptr_equal(k_vm_map_find(&m, PG(11)), a); /* below the hint */
    struct vm_region *c = k_vm_map_find(&m, PG(41) - 1);
    assert_true(c && c->start == PG(40) && c->kind == VM_STACK);
    assert_null(k_vm_map_find(&m, PG(41)));
    assert_null(k_vm_map_find(&m, PG(35)));

    /* The hint must not outlive its region. */
    assert_ptr_equal(k_vm_map_find(&m, PG(40)), c);
    assert_int_equal(k_vm_map_remove(&m, PG(40), PG(41), NULL, NULL), 0);
    assert_null(k_vm_map_find(&m, PG(40)));
    assert_ptr_equal(k_vm_map_find(&m, PG(29)), b);
    finish(&m);
}

static void test_insert_invalid(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 20, 30, RW, VM_ANON), 0);
    struct mapdump before;
    dump(&m, &before);

    assert_int_equal(insert_full(&m, PG(2) + 1, PG(4), RW, VM_ANON, 0, 0, 0), -K_EINVAL);
    assert_int_equal(insert_full(&m, PG(2), PG(4) - 8, RW, VM_ANON, 0, 0, 0), -K_EINVAL);
    assert_int_equal(ins(&m, 4, 4, RW, VM_ANON), -K_EINVAL);       /* empty */
    assert_int_equal(ins(&m, 5, 4, RW, VM_ANON), -K_EINVAL);       /* reversed */
    assert_int_equal(ins(&m, 0, 1, RW, VM_ANON), -K_EINVAL);       /* page 0, below lo */
    assert_int_equal(ins(&m, 0, 5, RW, VM_ANON), -K_EINVAL);       /* straddles lo */
    assert_int_equal(ins(&m, 1020, 1025, RW, VM_ANON), -K_EINVAL); /* straddles hi */
    assert_int_equal(ins(&m, 1024, 1025, RW, VM_ANON), -K_EINVAL); /* at hi */
    assert_int_equal(insert_full(&m, PG(2), 0, RW, VM_ANON, 0, 0, 0), -K_EINVAL);
    assert_int_equal(ins(&m, 2, 4, 8, VM_ANON), -K_EINVAL);       /* unknown prot */
    assert_int_equal(ins(&m, 2, 4, RW, VM_STACK + 1), -K_EINVAL); /* unknown kind */
    assert_int_equal(insert_full(&m, PG(2), PG(4), RW, VM_ANON, 2, 0, 0), -K_EINVAL);
    /* Invalid and overlapping: the range check comes first. */
    assert_int_equal(insert_full(&m, PG(20) + 1, PG(30), RW, VM_ANON, 0, 0, 0), -K_EINVAL);
    expect_same(&m, &before);

    /* The whole window and its edges are fine. */
    assert_int_equal(ins(&m, 1, 2, 0, VM_ANON), 0);
    assert_int_equal(ins(&m, 1023, 1024, 0, VM_STACK), 0);
    EXPECT_MAP(&m, D(1, 2, 0, VM_ANON), D(20, 30, RW, VM_ANON), D(1023, 1024, 0, VM_STACK));
    finish(&m);
}

static void test_overlap_refused(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 30, 40, RW, VM_FILE), 0);
    struct mapdump before;
    dump(&m, &before);

    /* Every shape, with attributes that would otherwise merge. */
    static const unsigned shapes[][2] = {
        {10, 20}, /* identical */
        {12, 15}, /* strictly inside */
        {5, 25},  /* covering */
        {5, 11},  /* over the start */
        {19, 25}, /* over the end */
        {10, 12}, /* sharing the start */
        {15, 20}, /* sharing the end */
        {10, 11}, /* first page */
        {19, 20}, /* last page */
        {5, 35},  /* over two regions */
        {15, 35}, /* from one into the next */
        {20, 31}, /* from a gap into the next */
        {1, 1024} /* everything */
    };
    for (unsigned i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        if (ins(&m, shapes[i][0], shapes[i][1], RW, VM_ANON) != -K_EEXIST)
            fail_msg("[%u, %u) not refused", shapes[i][0], shapes[i][1]);
        if (ins_file(&m, shapes[i][0], shapes[i][1], RW, 1) != -K_EEXIST)
            fail_msg("file [%u, %u) not refused", shapes[i][0], shapes[i][1]);
    }
    expect_same(&m, &before);
    assert_int_equal(live_objects() - baseline, 2);

    /* Touching is not overlapping. */
    assert_int_equal(ins(&m, 20, 30, R, VM_ANON), 0);
    assert_int_equal(ins(&m, 5, 10, R, VM_ANON), 0);
    EXPECT_MAP(&m, D(5, 10, R, VM_ANON), D(10, 20, RW, VM_ANON), D(20, 30, R, VM_ANON),
               D(30, 40, RW, VM_FILE));
    finish(&m);
}

static void test_merge_anon(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 20, 30, RW, VM_ANON), 0); /* after */
    EXPECT_MAP(&m, D(10, 30, RW, VM_ANON));
    assert_int_equal(ins(&m, 5, 10, RW, VM_ANON), 0); /* before */
    EXPECT_MAP(&m, D(5, 30, RW, VM_ANON));
    assert_int_equal(ins(&m, 40, 50, RW, VM_ANON), 0);
    EXPECT_MAP(&m, D(5, 30, RW, VM_ANON), D(40, 50, RW, VM_ANON));
    assert_int_equal(ins(&m, 30, 40, RW, VM_ANON), 0); /* bridging a gap */
    EXPECT_MAP(&m, D(5, 50, RW, VM_ANON));
    assert_int_equal(live_objects() - baseline, 1);

    /* Shared anon merges with shared anon only. */
    assert_int_equal(insert_full(&m, PG(60), PG(61), RW, VM_ANON, VM_SHARED, 0, 0), 0);
    assert_int_equal(insert_full(&m, PG(61), PG(62), RW, VM_ANON, VM_SHARED, 0, 0), 0);
    assert_int_equal(m.count, 2);
    assert_true(m.head->next->start == PG(60) && m.head->next->end == PG(62));
    assert_int_equal(m.head->next->flags, VM_SHARED);

    /* File fields of a non-file region are dropped and do not block merging. */
    assert_int_equal(insert_full(&m, PG(50), PG(51), RW, VM_ANON, 0, &tobj, 77), 0);
    EXPECT_MAP(&m, D(5, 51, RW, VM_ANON),
               ((struct rdump){PG(60), PG(62), RW, VM_ANON, VM_SHARED, 0, 0, 0}));
    finish(&m);
}

static void test_no_merge(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 20, 30, R, VM_ANON), 0);                                  /* prot */
    assert_int_equal(insert_full(&m, PG(30), PG(40), R, VM_ANON, VM_SHARED, 0, 0), 0); /* flags */
    assert_int_equal(ins(&m, 40, 50, R, VM_STACK), 0);                                 /* kind */
    assert_int_equal(ins(&m, 50, 60, R, VM_STACK), 0);                                 /* stacks */
    assert_int_equal(ins_file(&m, 60, 62, R, 0x100), 0);
    assert_int_equal(ins_file(&m, 62, 64, R, 0x102), 0); /* files, even contiguous */
    assert_int_equal(ins(&m, 64, 65, R, VM_ANON), 0);
    assert_int_equal(ins(&m, 9, 10, R, VM_FILE), 0);
    assert_int_equal(insert_full(&m, PG(70), PG(71), R, VM_STACK, 0, &tobj, 5), 0);
    assert_int_equal(insert_full(&m, PG(72), PG(73), R, VM_ANON, 0, &tobj, 5), 0);
    EXPECT_MAP(&m, DF(9, 10, R, 0), D(10, 20, RW, VM_ANON), D(20, 30, R, VM_ANON),
               ((struct rdump){PG(30), PG(40), R, VM_ANON, VM_SHARED, 0, 0, 0}),
               D(40, 50, R, VM_STACK), D(50, 60, R, VM_STACK), DF(60, 62, R, 0x100),
               DF(62, 64, R, 0x102), D(64, 65, R, VM_ANON), D(70, 71, R, VM_STACK),
               D(72, 73, R, VM_ANON));
    finish(&m);
}

static void test_remove_split_in_three(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    const uint64_t off = 0x200;
    assert_int_equal(ins_file(&m, 10, 30, RX, off), 0);
    assert_int_equal(ins(&m, 40, 50, RW, VM_ANON), 0);

    struct cbrec rec = {0};
    assert_int_equal(k_vm_map_remove(&m, PG(15), PG(20), record_cb, &rec), 0);
    assert_int_equal(rec.n, 1);
    expect_call(&rec, 0, 15, 20, DF(10, 30, RX, off));
    EXPECT_MAP(&m, DF(10, 15, RX, off), DF(20, 30, RX, off + 10), D(40, 50, RW, VM_ANON));

    /* Anonymous: split, then the hole filled again merges all three. */
    rec.n = 0;
    assert_int_equal(k_vm_map_remove(&m, PG(41), PG(49), record_cb, &rec), 0);
    assert_int_equal(rec.n, 1);
    expect_call(&rec, 0, 41, 49, D(40, 50, RW, VM_ANON));
    EXPECT_MAP(&m, DF(10, 15, RX, off), DF(20, 30, RX, off + 10), D(40, 41, RW, VM_ANON),
               D(49, 50, RW, VM_ANON));
    assert_int_equal(ins(&m, 41, 49, RW, VM_ANON), 0);
    EXPECT_MAP(&m, DF(10, 15, RX, off), DF(20, 30, RX, off + 10), D(40, 50, RW, VM_ANON));

    /* Cutting the front again advances the page index again. */
    rec.n = 0;
    assert_int_equal(k_vm_map_remove(&m, PG(20), PG(26), record_cb, &rec), 0);
    expect_call(&rec, 0, 20, 26, DF(20, 30, RX, off + 10));
    EXPECT_MAP(&m, DF(10, 15, RX, off), DF(26, 30, RX, off + 16), D(40, 50, RW, VM_ANON));
    finish(&m);
}

static void test_remove_across(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 20, 30, R, VM_ANON), 0);
    assert_int_equal(ins(&m, 35, 40, RW, VM_STACK), 0);
    assert_int_equal(ins_file(&m, 50, 60, RX, 0x300), 0);
    assert_int_equal(ins(&m, 70, 80, RW, VM_ANON), 0);

    struct cbrec rec = {0};
    assert_int_equal(k_vm_map_remove(&m, PG(15), PG(55), record_cb, &rec), 0);
    assert_int_equal(rec.n, 4);
    expect_call(&rec, 0, 15, 20, D(10, 20, RW, VM_ANON));
    expect_call(&rec, 1, 20, 30, D(20, 30, R, VM_ANON));
    expect_call(&rec, 2, 35, 40, D(35, 40, RW, VM_STACK));
    expect_call(&rec, 3, 50, 55, DF(50, 60, RX, 0x300));
    EXPECT_MAP(&m, D(10, 15, RW, VM_ANON), DF(55, 60, RX, 0x305), D(70, 80, RW, VM_ANON));

    /* Exactly one region, then everything (window and beyond). */
    rec.n = 0;
    assert_int_equal(k_vm_map_remove(&m, PG(55), PG(60), record_cb, &rec), 0);
    assert_int_equal(rec.n, 1);
    expect_call(&rec, 0, 55, 60, DF(55, 60, RX, 0x305));
    rec.n = 0;
    assert_int_equal(k_vm_map_remove(&m, 0, PG(4096), record_cb, &rec), 0);
    assert_int_equal(rec.n, 2);
    expect_call(&rec, 0, 10, 15, D(10, 15, RW, VM_ANON));
    expect_call(&rec, 1, 70, 80, D(70, 80, RW, VM_ANON));
    EXPECT_EMPTY(&m);
    finish(&m);
}

static void test_remove_edge_cases(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 30, 40, RW, VM_ANON), 0);
    struct mapdump before;
    dump(&m, &before);

    struct cbrec rec = {0};
    assert_int_equal(k_vm_map_remove(&m, PG(20), PG(30), record_cb, &rec), 0); /* a hole */
    assert_int_equal(k_vm_map_remove(&m, PG(2000), PG(3000), record_cb, &rec), 0);
    assert_int_equal(k_vm_map_remove(&m, 0, PG(1), record_cb, &rec), 0);
    assert_int_equal(k_vm_map_remove(&m, PG(10) + 1, PG(12), record_cb, &rec), -K_EINVAL);
    assert_int_equal(k_vm_map_remove(&m, PG(10), PG(12) - 1, record_cb, &rec), -K_EINVAL);
    assert_int_equal(k_vm_map_remove(&m, PG(12), PG(12), record_cb, &rec), -K_EINVAL);
    assert_int_equal(k_vm_map_remove(&m, PG(14), PG(12), record_cb, &rec), -K_EINVAL);
    assert_int_equal(rec.n, 0);
    expect_same(&m, &before);

    /* Front and back trims, no callback argument. */
    assert_int_equal(k_vm_map_remove(&m, PG(5), PG(11), NULL, NULL), 0);
    assert_int_equal(k_vm_map_remove(&m, PG(39), PG(45), NULL, NULL), 0);
    EXPECT_MAP(&m, D(11, 20, RW, VM_ANON), D(30, 39, RW, VM_ANON));
    finish(&m);
}

static void test_protect_split_and_merge(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 30, RW, VM_ANON), 0);

    assert_int_equal(k_vm_map_protect(&m, PG(15), PG(20), R), 0);
    EXPECT_MAP(&m, D(10, 15, RW, VM_ANON), D(15, 20, R, VM_ANON), D(20, 30, RW, VM_ANON));
    assert_int_equal(k_vm_map_protect(&m, PG(15), PG(20), RW), 0); /* re-merged */
    EXPECT_MAP(&m, D(10, 30, RW, VM_ANON));
    assert_int_equal(live_objects() - baseline, 1);

    assert_int_equal(k_vm_map_protect(&m, PG(10), PG(15), R), 0); /* front */
    EXPECT_MAP(&m, D(10, 15, R, VM_ANON), D(15, 30, RW, VM_ANON));
    assert_int_equal(k_vm_map_protect(&m, PG(25), PG(30), R), 0); /* back */
    EXPECT_MAP(&m, D(10, 15, R, VM_ANON), D(15, 25, RW, VM_ANON), D(25, 30, R, VM_ANON));
    assert_int_equal(k_vm_map_protect(&m, PG(12), PG(27), R), 0); /* across, merges all */
    EXPECT_MAP(&m, D(10, 30, R, VM_ANON));

    /* The piece split off merges into the neighbour beyond the range. */
    assert_int_equal(ins(&m, 30, 40, RW, VM_ANON), 0);
    assert_int_equal(k_vm_map_protect(&m, PG(25), PG(30), RW), 0);
    EXPECT_MAP(&m, D(10, 25, R, VM_ANON), D(25, 40, RW, VM_ANON));

    /* Same prot: nothing split, nothing allocated. */
    long objs = live_objects();
    assert_int_equal(k_vm_map_protect(&m, PG(12), PG(14), R), 0);
    EXPECT_MAP(&m, D(10, 25, R, VM_ANON), D(25, 40, RW, VM_ANON));
    assert_int_equal(live_objects(), objs);

    /* Other kinds split but never merge; file offsets follow the cuts. */
    assert_int_equal(ins_file(&m, 40, 50, RW, 0x400), 0);
    assert_int_equal(ins(&m, 50, 60, RW, VM_STACK), 0);
    assert_int_equal(k_vm_map_protect(&m, PG(38), PG(55), R), 0);
    EXPECT_MAP(&m, D(10, 25, R, VM_ANON), D(25, 38, RW, VM_ANON), D(38, 40, R, VM_ANON),
               DF(40, 50, R, 0x400), D(50, 55, R, VM_STACK), D(55, 60, RW, VM_STACK));
    assert_int_equal(k_vm_map_protect(&m, PG(42), PG(44), RX), 0);
    EXPECT_MAP(&m, D(10, 25, R, VM_ANON), D(25, 38, RW, VM_ANON), D(38, 40, R, VM_ANON),
               DF(40, 42, R, 0x400), DF(42, 44, RX, 0x402), DF(44, 50, R, 0x404),
               D(50, 55, R, VM_STACK), D(55, 60, RW, VM_STACK));
    assert_int_equal(k_vm_map_protect(&m, PG(10), PG(60), R), 0);
    EXPECT_MAP(&m, D(10, 40, R, VM_ANON), DF(40, 42, R, 0x400), DF(42, 44, R, 0x402),
               DF(44, 50, R, 0x404), D(50, 55, R, VM_STACK), D(55, 60, R, VM_STACK));
    finish(&m);
}

static void test_protect_hole(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 20, 25, R, VM_STACK), 0);
    assert_int_equal(ins(&m, 30, 40, RW, VM_ANON), 0);
    struct mapdump before;
    dump(&m, &before);
    long objs = live_objects();

    assert_int_equal(k_vm_map_protect(&m, PG(15), PG(35), RX), -K_ENOMEM); /* over a hole */
    assert_int_equal(k_vm_map_protect(&m, PG(5), PG(12), RX), -K_ENOMEM);  /* before */
    assert_int_equal(k_vm_map_protect(&m, PG(38), PG(45), RX), -K_ENOMEM); /* after */
    assert_int_equal(k_vm_map_protect(&m, PG(26), PG(28), RX), -K_ENOMEM); /* inside a hole */
    assert_int_equal(k_vm_map_protect(&m, PG(24), PG(26), RX), -K_ENOMEM); /* into a hole */
    assert_int_equal(k_vm_map_protect(&m, PG(100), PG(101), RX), -K_ENOMEM);
    assert_int_equal(k_vm_map_protect(&m, PG(12) + 1, PG(13), RX), -K_EINVAL);
    assert_int_equal(k_vm_map_protect(&m, PG(12), PG(13) + 1, RX), -K_EINVAL);
    assert_int_equal(k_vm_map_protect(&m, PG(13), PG(12), RX), -K_EINVAL);
    assert_int_equal(k_vm_map_protect(&m, PG(12), PG(13), 8), -K_EINVAL);
    assert_int_equal(k_vm_map_protect(&m, PG(26), PG(26), RX), 0); /* empty: a no-op */
    expect_same(&m, &before);
    assert_int_equal(live_objects(), objs);

    /* Two touching regions of different kinds are covered without a hole. */
    assert_int_equal(k_vm_map_protect(&m, PG(15), PG(25), RX), 0);
    EXPECT_MAP(&m, D(10, 15, RW, VM_ANON), D(15, 20, RX, VM_ANON), D(20, 25, RX, VM_STACK),
               D(30, 40, RW, VM_ANON));
    finish(&m);
}

/* mlock's flag: set and cleared on a range, splitting at its ends and
 * merging back when the flags agree again; holes are skipped. */
static void test_lock(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 30, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 40, 50, RW, VM_ANON), 0);
    assert_int_equal(k_vm_map_lock(&m, PG(15), PG(20), true), 0);
    assert_int_equal(m.count, 4);
    assert_int_equal(k_vm_map_find(&m, PG(15))->flags, VM_LOCKED);
    assert_int_equal(k_vm_map_find(&m, PG(19))->end, PG(20));
    assert_int_equal(k_vm_map_find(&m, PG(14))->flags, 0);
    assert_int_equal(k_vm_map_find(&m, PG(20))->flags, 0);
    assert_int_equal(k_vm_map_lock(&m, PG(12), PG(45), true), 0); /* over the hole */
    assert_int_equal(m.count, 4);
    assert_int_equal(k_vm_map_find(&m, PG(12))->start, PG(12));
    assert_int_equal(k_vm_map_find(&m, PG(29))->start, PG(12)); /* merged */
    assert_int_equal(k_vm_map_find(&m, PG(44))->flags, VM_LOCKED);
    assert_int_equal(k_vm_map_lock(&m, PG(12), PG(45), true), 0); /* already: nothing */
    assert_int_equal(m.count, 4);
    assert_int_equal(k_vm_map_lock(&m, LO, HI, false), 0);
    EXPECT_MAP(&m, D(10, 30, RW, VM_ANON), D(40, 50, RW, VM_ANON));
    assert_int_equal(k_vm_map_lock(&m, PG(12) + 1, PG(13), true), -K_EINVAL);
    finish(&m);
}

/* No more than VM_MAP_MAX regions: an insert that needs a node, and a
 * split by protect, lock or remove, are -ENOMEM at the limit. */
static void test_map_limit(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    k_vm_map_init(&m, LO, PG(3 * VM_MAP_MAX + 8));
    for (unsigned i = 0; i < VM_MAP_MAX; i++) {
        if (i)
            k_vm_map_find(&m, PG(1 + 2 * i - 2)); /* the hint makes each insert O(1) */
        assert_int_equal(ins(&m, 1 + 2 * i, 2 + 2 * i, i % 2 ? R : RW, VM_ANON), 0);
    }
    assert_int_equal(m.count, VM_MAP_MAX);
    uint64_t top = 1 + 2 * VM_MAP_MAX; /* the last region is [top - 2, top - 1), R */
    assert_int_equal(ins(&m, top + 2, top + 4, R, VM_ANON), -K_ENOMEM);
    assert_int_equal(ins(&m, top - 1, top + 1, R, VM_ANON), 0); /* merges: no node */
    assert_int_equal(m.count, VM_MAP_MAX);
    assert_int_equal(k_vm_map_protect(&m, PG(top - 1), PG(top), RW), -K_ENOMEM);
    assert_int_equal(k_vm_map_lock(&m, PG(top - 1), PG(top), true), -K_ENOMEM);
    assert_int_equal(k_vm_map_remove(&m, PG(top - 1), PG(top), NULL, NULL), -K_ENOMEM);
    assert_int_equal(k_vm_map_protect(&m, PG(top - 1), PG(top + 1), RW), -K_ENOMEM);
    assert_int_equal(k_vm_map_remove(&m, PG(top), PG(top + 1), NULL, NULL), 0); /* no split */
    assert_int_equal(k_vm_map_remove(&m, PG(top - 2), PG(top), NULL, NULL), 0);
    assert_int_equal(m.count, VM_MAP_MAX - 1);
    assert_int_equal(ins(&m, top + 4, top + 5, R, VM_ANON), 0);
    finish(&m);
}

static void test_find_gap(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    k_vm_map_init(&m, PG(1), PG(64));
    uint64_t a = 0;

    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(63), &a), 0); /* empty map */
    assert_true(a == PG(1));
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(64), &a), -K_ENOMEM);

    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 25, 30, RW, VM_FILE), 0);
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(5), &a), 0);
    assert_true(a == PG(1));
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(9), &a), 0); /* exactly [1, 10) */
    assert_true(a == PG(1));
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(10), &a), 0);
    assert_true(a == PG(30));
    assert_int_equal(k_vm_map_find_gap(&m, PG(12), PG(5), &a), 0); /* exactly [20, 25) */
    assert_true(a == PG(20));
    assert_int_equal(k_vm_map_find_gap(&m, PG(12) + 1, PG(5), &a), 0);
    assert_true(a == PG(20));
    assert_int_equal(k_vm_map_find_gap(&m, PG(3) + 1, PG(6), &a), 0); /* rounded up to 4 */
    assert_true(a == PG(4));
    assert_int_equal(k_vm_map_find_gap(&m, PG(5), PG(6), &a), 0);
    assert_true(a == PG(30)); /* [5, 10) too short, [20, 25) too */
    assert_int_equal(k_vm_map_find_gap(&m, PG(21), PG(4), &a), 0);
    assert_true(a == PG(21));
    assert_int_equal(k_vm_map_find_gap(&m, PG(30), PG(34), &a), 0); /* exactly [30, 64) */
    assert_true(a == PG(30));
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(35), &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, PG(31), PG(34), &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, PG(64), PG(1), &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, UINT64_MAX, PG(1), &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, UINT64_MAX - PG(1), PG(1), &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, 0, UINT64_MAX - PG(1) + 1, &a), -K_ENOMEM);
    assert_int_equal(k_vm_map_find_gap(&m, 0, 0, &a), -K_EINVAL);
    assert_int_equal(k_vm_map_find_gap(&m, 0, PG(1) + 1, &a), -K_EINVAL);

    /* The hint does not make find_gap miss regions below it. */
    assert_non_null(k_vm_map_find(&m, PG(27)));
    assert_int_equal(k_vm_map_find_gap(&m, PG(2), PG(8), &a), 0);
    assert_true(a == PG(2));
    finish(&m);
}

/* The range questions answered from the regions, not page by page. */
static void test_next_meets_covers(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_null(k_vm_map_next(&m, PG(1)));
    assert_false(k_vm_map_meets(&m, LO, HI));
    assert_false(k_vm_map_covers(&m, PG(2), PG(3)));

    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins(&m, 20, 30, R, VM_ANON), 0);
    assert_int_equal(ins(&m, 40, 50, RW, VM_FILE), 0);
    assert_true(k_vm_map_next(&m, PG(1))->start == PG(10));
    assert_true(k_vm_map_next(&m, PG(19))->start == PG(10));
    assert_true(k_vm_map_next(&m, PG(20))->start == PG(20));
    assert_true(k_vm_map_next(&m, PG(30))->start == PG(40));
    assert_null(k_vm_map_next(&m, PG(50)));

    assert_false(k_vm_map_meets(&m, LO, PG(10)));
    assert_true(k_vm_map_meets(&m, LO, PG(11)));
    assert_true(k_vm_map_meets(&m, PG(29), PG(40)));
    assert_false(k_vm_map_meets(&m, PG(30), PG(40)));
    assert_true(k_vm_map_meets(&m, PG(30), HI));
    assert_false(k_vm_map_meets(&m, PG(50), HI));

    assert_true(k_vm_map_covers(&m, PG(10), PG(30))); /* two regions, no hole */
    assert_true(k_vm_map_covers(&m, PG(15), PG(16)));
    assert_false(k_vm_map_covers(&m, PG(9), PG(12)));
    assert_false(k_vm_map_covers(&m, PG(25), PG(41)));
    assert_true(k_vm_map_covers(&m, PG(40), PG(50)));
    assert_false(k_vm_map_covers(&m, PG(40), PG(51)));
    finish(&m);
}

static void test_copy(void **state)
{
    (void)state;
    struct vm_map m, c;
    begin(&m);
    k_vm_map_init(&m, PG(4), PG(512));
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins_file(&m, 20, 30, RX, 0x500), 0);
    assert_int_equal(insert_full(&m, PG(40), PG(50), RW, VM_ANON, VM_SHARED, 0, 0), 0);
    assert_int_equal(ins(&m, 100, 132, RW, VM_STACK), 0);
    struct mapdump orig, copy;
    dump(&m, &orig);

    /* dst need not be initialised. */
    memset(&c, 0xa5, sizeof(c));
    assert_int_equal(k_vm_map_copy(&c, &m), 0);
    check_invariants(&c);
    dump(&c, &copy);
    expect_dump(&copy, orig.r, orig.n);
    assert_true(c.lo == PG(4) && c.hi == PG(512) && c.count == m.count);
    for (struct vm_region *p = m.head, *q = c.head; p; p = p->next, q = q->next)
        assert_ptr_not_equal(p, q);
    assert_int_equal(live_objects() - baseline, 2 * m.count);

    /* Independent both ways. */
    assert_int_equal(k_vm_map_remove(&c, PG(15), PG(45), NULL, NULL), 0);
    assert_int_equal(k_vm_map_protect(&c, PG(100), PG(110), R), 0);
    assert_int_equal(ins(&c, 200, 210, RW, VM_ANON), 0);
    expect_same(&m, &orig);
    assert_int_equal(ins(&m, 300, 310, RW, VM_ANON), 0);
    EXPECT_MAP(&c, D(10, 15, RW, VM_ANON),
               ((struct rdump){PG(45), PG(50), RW, VM_ANON, VM_SHARED, 0, 0, 0}),
               D(100, 110, R, VM_STACK), D(110, 132, RW, VM_STACK), D(200, 210, RW, VM_ANON));
    k_vm_map_destroy(&c, NULL, NULL);
    EXPECT_EMPTY(&c);
    assert_int_equal(k_vm_map_remove(&m, PG(300), PG(310), NULL, NULL), 0);
    expect_same(&m, &orig);

    /* Copying an empty map. */
    struct vm_map e;
    k_vm_map_init(&e, PG(1), PG(2));
    assert_int_equal(k_vm_map_copy(&c, &e), 0);
    EXPECT_EMPTY(&c);
    assert_true(c.lo == PG(1) && c.hi == PG(2));
    finish(&m);
}

static void test_destroy_calls_back(void **state)
{
    (void)state;
    struct vm_map m;
    begin(&m);
    assert_int_equal(ins(&m, 10, 20, RW, VM_ANON), 0);
    assert_int_equal(ins_file(&m, 20, 30, RX, 0x600), 0);
    assert_int_equal(ins(&m, 1000, 1024, RW, VM_STACK), 0);
    assert_non_null(k_vm_map_find(&m, PG(1000)));

    struct cbrec rec = {0};
    k_vm_map_destroy(&m, record_cb, &rec);
    assert_int_equal(rec.n, 3);
    expect_call(&rec, 0, 10, 20, D(10, 20, RW, VM_ANON));
    expect_call(&rec, 1, 20, 30, DF(20, 30, RX, 0x600));
    expect_call(&rec, 2, 1000, 1024, D(1000, 1024, RW, VM_STACK));
    EXPECT_EMPTY(&m);
    assert_null(m.hint);
    assert_int_equal(live_objects(), baseline);

    /* Still usable, and destroying an empty map calls nothing. */
    assert_int_equal(ins(&m, 1000, 1001, RW, VM_ANON), 0);
    assert_ptr_equal(k_vm_map_find(&m, PG(1000)), m.head);
    k_vm_map_destroy(&m, NULL, NULL);
    rec.n = 0;
    k_vm_map_destroy(&m, record_cb, &rec);
    assert_int_equal(rec.n, 0);
    finish(&m);
}

/* A file region holds its object from insertion to removal: splits and
 * copies take holds of their own, cuts advance the page index; VM_RDONLY
 * goes only on shared file regions, which never become writable. */
static void test_file_object(void **state)
{
    (void)state;
    const uint16_t ro = VM_SHARED | VM_RDONLY;
    struct vm_map m, c;
    begin(&m);
    assert_int_equal(insert_full(&m, PG(10), PG(20), RW, VM_FILE, 0, NULL, 0), -K_EINVAL);
    assert_int_equal(insert_full(&m, PG(10), PG(20), R, VM_FILE, VM_RDONLY, &tobj, 0), -K_EINVAL);
    assert_int_equal(insert_full(&m, PG(10), PG(20), R, VM_ANON, ro, NULL, 0), -K_EINVAL);
    assert_int_equal(insert_full(&m, PG(10), PG(20), R, VM_ANON, 8, NULL, 0), -K_EINVAL);
    struct vm_region z = {.start = PG(30),
                          .end = PG(40),
                          .prot = RW,
                          .kind = VM_FILE,
                          .flags = VM_SHARED,
                          .obj = &tobj,
                          .zero_from = PG(35) + 8};
    assert_int_equal(k_vm_map_insert(&m, &z), -K_EINVAL); /* zero_from: private only */
    assert_int_equal(tobj_holds, 0);
    assert_int_equal(insert_full(&m, PG(10), PG(20), R, VM_FILE, ro, &tobj, 5), 0);
    assert_int_equal(tobj_holds, 1);
    assert_int_equal(k_vm_map_remove(&m, PG(12), PG(14), NULL, NULL), 0);
    assert_int_equal(tobj_holds, 2);
    EXPECT_MAP(&m, ((struct rdump){PG(10), PG(12), R, VM_FILE, ro, &tobj, 5, 0}),
               ((struct rdump){PG(14), PG(20), R, VM_FILE, ro, &tobj, 9, 0}));
    assert_int_equal(k_vm_map_protect(&m, PG(10), PG(20), RW), -K_ENOMEM); /* the hole first */
    assert_int_equal(k_vm_map_protect(&m, PG(14), PG(16), RW), -K_EACCES);
    assert_int_equal(k_vm_map_protect(&m, PG(14), PG(16), RX), 0);
    assert_int_equal(tobj_holds, 3);
    EXPECT_MAP(&m, ((struct rdump){PG(10), PG(12), R, VM_FILE, ro, &tobj, 5, 0}),
               ((struct rdump){PG(14), PG(16), RX, VM_FILE, ro, &tobj, 9, 0}),
               ((struct rdump){PG(16), PG(20), R, VM_FILE, ro, &tobj, 11, 0}));
    assert_int_equal(k_vm_map_copy(&c, &m), 0);
    assert_int_equal(tobj_holds, 6);
    check_invariants(&c);
    k_vm_map_destroy(&c, NULL, NULL);
    assert_int_equal(tobj_holds, 3);

    /* zero_from is an address: splits, cuts and copies keep it as it is. */
    z.flags = 0;
    assert_int_equal(k_vm_map_insert(&m, &z), 0);
    assert_int_equal(k_vm_map_remove(&m, PG(32), PG(33), NULL, NULL), 0);
    assert_int_equal(k_vm_map_remove(&m, PG(30), PG(31), NULL, NULL), 0);
    EXPECT_MAP(&m, ((struct rdump){PG(10), PG(12), R, VM_FILE, ro, &tobj, 5, 0}),
               ((struct rdump){PG(14), PG(16), RX, VM_FILE, ro, &tobj, 9, 0}),
               ((struct rdump){PG(16), PG(20), R, VM_FILE, ro, &tobj, 11, 0}),
               ((struct rdump){PG(31), PG(32), RW, VM_FILE, 0, &tobj, 1, PG(35) + 8}),
               ((struct rdump){PG(33), PG(40), RW, VM_FILE, 0, &tobj, 3, PG(35) + 8}));
    assert_int_equal(k_vm_map_copy(&c, &m), 0);
    struct mapdump a, b;
    dump(&m, &a);
    dump(&c, &b);
    expect_dump(&b, a.r, a.n);
    k_vm_map_destroy(&c, NULL, NULL);
    finish(&m);
}

/* --- allocation failure ----------------------------------------------------- */

/* Run op with exactly n node allocations possible; expect rc, an unchanged
 * map when rc < 0, and every unused allocation given back. */
#define WITH_NODES(NODES, M, RC, OP)                                                               \
    do {                                                                                           \
        struct mapdump before_;                                                                    \
        dump((M), &before_);                                                                       \
        long objs_ = live_objects();                                                               \
        starve();                                                                                  \
        allow(NODES);                                                                              \
        assert_int_equal((OP), (RC));                                                              \
        long left_ = unused_allowance();                                                           \
        feed();                                                                                    \
        check_invariants(M);                                                                       \
        long grown_ = (long)(M)->count - (long)before_.n;                                          \
        assert_int_equal(live_objects() - objs_, grown_);                                          \
        assert_int_equal(left_, (long)(NODES)-grown_);                                             \
        if ((RC) < 0)                                                                              \
            expect_same((M), &before_);                                                            \
    } while (0)

static void test_alloc_failure(void **state)
{
    (void)state;
    struct vm_map m, c;
    begin(&m);
    assert_int_equal(ins(&m, 10, 30, RW, VM_ANON), 0);
    assert_int_equal(ins_file(&m, 40, 60, RX, 0x700), 0);
    struct vm_region r = {.start = PG(100), .end = PG(110), .prot = RW, .kind = VM_ANON};

    /* Insert: a new node is needed; merging needs none. */
    WITH_NODES(0, &m, -K_ENOMEM, k_vm_map_insert(&m, &r));
    WITH_NODES(1, &m, 0, k_vm_map_insert(&m, &r));
    r.start = PG(30), r.end = PG(35);
    WITH_NODES(0, &m, 0, k_vm_map_insert(&m, &r));
    EXPECT_MAP(&m, D(10, 35, RW, VM_ANON), DF(40, 60, RX, 0x700), D(100, 110, RW, VM_ANON));

    /* Remove: splitting one region in two needs a node (no callback then);
     * trimming and dropping do not. */
    struct cbrec rec = {0};
    WITH_NODES(0, &m, -K_ENOMEM, k_vm_map_remove(&m, PG(45), PG(50), record_cb, &rec));
    assert_int_equal(rec.n, 0);
    WITH_NODES(0, &m, 0, k_vm_map_remove(&m, PG(30), PG(45), record_cb, &rec));
    assert_int_equal(rec.n, 2);
    WITH_NODES(1, &m, 0, k_vm_map_remove(&m, PG(50), PG(51), NULL, NULL));
    EXPECT_MAP(&m, D(10, 30, RW, VM_ANON), DF(45, 50, RX, 0x705), DF(51, 60, RX, 0x70b),
               D(100, 110, RW, VM_ANON));

    /* Protect: a range strictly inside one region needs two nodes; failing
     * at the second must give the first back. */
    WITH_NODES(0, &m, -K_ENOMEM, k_vm_map_protect(&m, PG(12), PG(14), R));
    WITH_NODES(1, &m, -K_ENOMEM, k_vm_map_protect(&m, PG(12), PG(14), R));
    WITH_NODES(2, &m, 0, k_vm_map_protect(&m, PG(12), PG(14), R));
    WITH_NODES(0, &m, -K_ENOMEM, k_vm_map_protect(&m, PG(100), PG(101), R));
    WITH_NODES(1, &m, 0, k_vm_map_protect(&m, PG(100), PG(101), R));
    WITH_NODES(0, &m, 0, k_vm_map_protect(&m, PG(10), PG(12), R)); /* merges, no split */
    WITH_NODES(0, &m, 0, k_vm_map_protect(&m, PG(11), PG(13), R)); /* prot unchanged */
    WITH_NODES(0, &m, 0, k_vm_map_protect(&m, PG(15), PG(20), RW));
    WITH_NODES(0, &m, -K_ENOMEM, k_vm_map_protect(&m, PG(45), PG(60), R)); /* hole at 50 */
    WITH_NODES(0, &m, 0, k_vm_map_protect(&m, PG(45), PG(50), R));         /* whole regions */
    WITH_NODES(0, &m, 0, k_vm_map_protect(&m, PG(51), PG(60), R));
    EXPECT_MAP(&m, D(10, 14, R, VM_ANON), D(14, 30, RW, VM_ANON), DF(45, 50, R, 0x705),
               DF(51, 60, R, 0x70b), D(100, 101, R, VM_ANON), D(101, 110, RW, VM_ANON));

    /* Copy: failing part way leaves dst empty and frees what it took. */
    struct mapdump before;
    dump(&m, &before);
    for (unsigned n = 0; n < m.count; n++) {
        long objs = live_objects();
        starve();
        allow(n);
        assert_int_equal(k_vm_map_copy(&c, &m), -K_ENOMEM);
        assert_int_equal(unused_allowance(), n);
        feed();
        EXPECT_EMPTY(&c);
        assert_true(c.lo == m.lo && c.hi == m.hi);
        assert_int_equal(live_objects(), objs);
        expect_same(&m, &before);
    }
    starve();
    allow(m.count);
    assert_int_equal(k_vm_map_copy(&c, &m), 0);
    feed();
    expect_same(&c, &before);
    k_vm_map_destroy(&c, NULL, NULL);
    finish(&m);
}

/* --- random operations against a page-granular model ----------------------- */

#define NPAGES 256
#define MBASE  16 /* the model window is pages [MBASE, MBASE + NPAGES) */

struct spage {
    bool mapped;
    uint32_t prot;
    uint16_t kind, flags;
    uint64_t pgoff;     /* VM_FILE: the object's page here */
    uint64_t zero_from; /* VM_FILE: its region's */
};

struct model {
    struct vm_map m;
    struct spage pg[NPAGES];
    unsigned op;
    bool seen[NPAGES]; /* pages reported by the current remove */
};

/* Model page index of address a, or -1 outside the window. */
static int pidx(uint64_t a)
{
    if (a < PG(MBASE) || a >= PG(MBASE + NPAGES))
        return -1;
    return (int)(a / PAGE_SIZE - MBASE);
}

static void check_page(const struct model *md, const struct vm_region *r, uint64_t a)
{
    const struct spage *p = &md->pg[pidx(a)];
    uint64_t off = a - r->start;

    if (!p->mapped || p->prot != r->prot || p->kind != r->kind || p->flags != r->flags)
        fail_msg("op %u: page %#llx: region prot %u kind %u flags %u, model %s prot %u kind %u "
                 "flags %u",
                 md->op, (unsigned long long)a, r->prot, r->kind, r->flags,
                 p->mapped ? "mapped" : "unmapped", p->prot, p->kind, p->flags);
    if (r->kind == VM_FILE && r->zero_from != p->zero_from)
        fail_msg("op %u: page %#llx: zero from %#llx, model %#llx", md->op, (unsigned long long)a,
                 (unsigned long long)r->zero_from, (unsigned long long)p->zero_from);
    if (r->kind == VM_FILE && r->pgoff + off / PAGE_SIZE != p->pgoff)
        fail_msg("op %u: page %#llx: object page %#llx, model %#llx", md->op, (unsigned long long)a,
                 (unsigned long long)(r->pgoff + off / PAGE_SIZE), (unsigned long long)p->pgoff);
}

static void check_model(struct model *md)
{
    bool covered[NPAGES] = {0};

    check_invariants(&md->m);
    if (live_objects() - baseline != md->m.count)
        fail_msg("op %u: %ld live nodes for %u regions", md->op, live_objects() - baseline,
                 md->m.count);
    for (const struct vm_region *r = md->m.head; r; r = r->next) {
        if (pidx(r->start) < 0 || pidx(r->end - 1) < 0)
            fail_msg("op %u: region outside the model window", md->op);
        for (uint64_t a = r->start; a < r->end; a += PAGE_SIZE) {
            check_page(md, r, a);
            covered[pidx(a)] = true;
        }
    }
    for (unsigned i = 0; i < NPAGES; i++)
        if (md->pg[i].mapped && !covered[i])
            fail_msg("op %u: page %u mapped in the model but not in the map", md->op, i);
}

/* Random address range: mostly inside the window, sometimes over its edges. */
static void random_range(uint64_t *s, uint64_t *e)
{
    unsigned sp = MBASE - 4 + rnd(NPAGES + 8);
    unsigned len = rnd(8) == 0 ? 1 + rnd(NPAGES) : 1 + rnd(24);
    *s = PG(sp);
    *e = PG(sp + len);
}

static bool range_state(const struct model *md, uint64_t s, uint64_t e, bool *any, bool *all)
{
    *any = false;
    *all = true;
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        int i = pidx(a);
        bool mapped = i >= 0 && md->pg[i].mapped;
        *any |= mapped;
        *all &= mapped;
    }
    return *any;
}

/* Often aim at a hole: part of it touching one side, or all of it. */
static void aim_at_hole(const struct model *md, uint64_t *s, uint64_t *e)
{
    unsigned at = rnd(NPAGES), a = at, b = at + 1, how = rnd(3);
    if (md->pg[at].mapped)
        return;
    while (a > 0 && !md->pg[a - 1].mapped && (how != 1 || rnd(8)))
        a--;
    while (b < NPAGES && !md->pg[b].mapped && (how != 2 || rnd(8)))
        b++;
    *s = PG(MBASE + a);
    *e = PG(MBASE + b);
}

static void model_insert(struct model *md)
{
    static const uint32_t prots[] = {R, RW, RX};
    uint64_t s, e;
    random_range(&s, &e);
    if (rnd(2))
        aim_at_hole(md, &s, &e);
    unsigned k = rnd(10);
    uint16_t kind = k < 7 ? VM_ANON : k < 9 ? VM_FILE : VM_STACK;
    uint16_t flags = rnd(8) == 0 ? VM_SHARED : 0;
    if (kind == VM_FILE && flags && rnd(2))
        flags |= VM_RDONLY;
    uint32_t prot = prots[rnd(3)];
    if (flags & VM_RDONLY)
        prot &= ~(uint32_t)VM_PROT_WRITE;
    /* Non-file regions get file fields too: the map must drop them. */
    uint64_t pgoff = rng() % 0x1000000;
    uint64_t zero_from = !(flags & VM_SHARED) && rnd(2) ? e - 1 - rng() % (e - s) : 0;
    bool bad = rnd(64) == 0, any, all;
    if (bad)
        s += 8 * (1 + rnd(511));

    int want = bad || s < PG(MBASE) || e > PG(MBASE + NPAGES) ? -K_EINVAL
               : range_state(md, s, e, &any, &all)            ? -K_EEXIST
                                                              : 0;
    struct vm_region r = {.start = s,
                          .end = e,
                          .prot = prot,
                          .kind = kind,
                          .flags = flags,
                          .obj = &tobj,
                          .pgoff = pgoff,
                          .zero_from = zero_from};
    int rc = k_vm_map_insert(&md->m, &r);
    check_invariants(&md->m);
    if (rc != want)
        fail_msg("op %u: insert [%#llx, %#llx) returned %d, want %d", md->op, (unsigned long long)s,
                 (unsigned long long)e, rc, want);
    for (uint64_t a = s; rc == 0 && a < e; a += PAGE_SIZE) {
        bool file = kind == VM_FILE;
        md->pg[pidx(a)] = (struct spage){
            true, prot, kind, flags, file ? pgoff + (a - s) / PAGE_SIZE : 0, file ? zero_from : 0};
    }
}

static void model_cb(void *arg, uint64_t s, uint64_t e, const struct vm_region *r)
{
    struct model *md = arg;
    if (s >= e || s % PAGE_SIZE || e % PAGE_SIZE || s < r->start || e > r->end)
        fail_msg("op %u: callback [%#llx, %#llx) for region [%#llx, %#llx)", md->op,
                 (unsigned long long)s, (unsigned long long)e, (unsigned long long)r->start,
                 (unsigned long long)r->end);
    for (uint64_t a = s; a < e; a += PAGE_SIZE) {
        int i = pidx(a);
        if (i < 0 || md->seen[i])
            fail_msg("op %u: page %#llx reported twice or outside", md->op, (unsigned long long)a);
        check_page(md, r, a);
        md->seen[i] = true;
    }
}

static void model_remove(struct model *md)
{
    uint64_t s, e;
    random_range(&s, &e);
    memset(md->seen, 0, sizeof(md->seen));
    int rc = k_vm_map_remove(&md->m, s, e, model_cb, md);
    if (rc != 0)
        fail_msg("op %u: remove returned %d", md->op, rc);
    for (unsigned i = 0; i < NPAGES; i++) {
        uint64_t a = PG(MBASE + i);
        bool inside = a >= s && a < e;
        if (md->seen[i] != (inside && md->pg[i].mapped))
            fail_msg("op %u: remove [%#llx, %#llx): page %#llx %s", md->op, (unsigned long long)s,
                     (unsigned long long)e, (unsigned long long)a,
                     md->seen[i] ? "reported wrongly" : "not reported");
        if (inside)
            md->pg[i] = (struct spage){0};
    }
}

static void model_protect(struct model *md)
{
    static const uint32_t prots[] = {R, RW, RX, 0};
    uint64_t s, e;
    random_range(&s, &e);
    uint32_t prot = prots[rnd(4)];
    bool any, all;
    range_state(md, s, e, &any, &all);
    /* Often aim at exactly the mapped pages around a random one. */
    int at = rnd(2) ? -1 : (int)rnd(NPAGES);
    if (at >= 0 && md->pg[at].mapped) {
        unsigned a = at, b = at + 1;
        while (a > rnd(NPAGES) && md->pg[a - 1].mapped)
            a--;
        while (b < NPAGES && md->pg[b].mapped && rnd(16))
            b++;
        s = PG(MBASE + a), e = PG(MBASE + b), all = true;
    }

    bool rdonly = false;
    for (uint64_t a = s; a < e; a += PAGE_SIZE)
        rdonly |= pidx(a) >= 0 && (md->pg[pidx(a)].flags & VM_RDONLY);
    int want = !all ? -K_ENOMEM : rdonly && (prot & VM_PROT_WRITE) ? -K_EACCES : 0;
    int rc = k_vm_map_protect(&md->m, s, e, prot);
    if (rc != want)
        fail_msg("op %u: protect [%#llx, %#llx) returned %d, want %d", md->op,
                 (unsigned long long)s, (unsigned long long)e, rc, want);
    for (uint64_t a = s; rc == 0 && a < e; a += PAGE_SIZE)
        md->pg[pidx(a)].prot = prot;
}

static void model_lookups(struct model *md)
{
    for (unsigned k = 0; k < 4; k++) {
        uint64_t a = PG(MBASE - 2) + rng() % PG(NPAGES + 4);
        int i = pidx(a);
        struct vm_region *r = k_vm_map_find(&md->m, a);
        bool want = i >= 0 && md->pg[i].mapped;
        if ((r != NULL) != want || (r && (a < r->start || a >= r->end)))
            fail_msg("op %u: find %#llx wrong", md->op, (unsigned long long)a);
        if (r)
            check_page(md, r, page_round_down(a));
    }
}

static void model_gap(struct model *md)
{
    uint64_t hint = PG(MBASE) + rng() % PG(NPAGES), len = PG(1 + rnd(16)), a = 0;
    uint64_t want = 0;
    unsigned run = 0;
    for (unsigned i = (unsigned)((hint + PAGE_SIZE - 1) / PAGE_SIZE - MBASE); i < NPAGES; i++) {
        run = md->pg[i].mapped ? 0 : run + 1;
        if (PG(run) == len) {
            want = PG(MBASE + i + 1) - len;
            break;
        }
    }
    int rc = k_vm_map_find_gap(&md->m, hint, len, &a);
    if (rc != (want ? 0 : -K_ENOMEM) || (want && a != want))
        fail_msg("op %u: find_gap(%#llx, %#llx) = %d/%#llx, want %#llx", md->op,
                 (unsigned long long)hint, (unsigned long long)len, rc, (unsigned long long)a,
                 (unsigned long long)want);
}

static void model_copy(struct model *md)
{
    struct vm_map c;
    struct mapdump a, b;
    assert_int_equal(k_vm_map_copy(&c, &md->m), 0);
    check_invariants(&c);
    dump(&md->m, &a);
    dump(&c, &b);
    expect_dump(&b, a.r, a.n);
    k_vm_map_destroy(&c, NULL, NULL);
}

static void test_random_model(void **state)
{
    (void)state;
    static struct model md;
    memset(&md, 0, sizeof(md));
    begin(&md.m);
    k_vm_map_init(&md.m, PG(MBASE), PG(MBASE + NPAGES));
    rng_state = 0x766d726567696f6eull;
    unsigned maxcount = 0;

    for (md.op = 0; md.op < 20000; md.op++) {
        unsigned k = rnd(10);
        if (k < 4)
            model_insert(&md);
        else if (k < 7)
            model_remove(&md);
        else
            model_protect(&md);
        check_model(&md);
        model_lookups(&md);
        if (md.op % 16 == 0)
            model_gap(&md);
        if (md.op % 500 == 0)
            model_copy(&md);
        maxcount = md.m.count > maxcount ? md.m.count : maxcount;
    }
    print_message("random model: up to %u regions\n", maxcount);
    finish(&md.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_find),
        cmocka_unit_test(test_insert_invalid),
        cmocka_unit_test(test_overlap_refused),
        cmocka_unit_test(test_merge_anon),
        cmocka_unit_test(test_no_merge),
        cmocka_unit_test(test_remove_split_in_three),
        cmocka_unit_test(test_remove_across),
        cmocka_unit_test(test_remove_edge_cases),
        cmocka_unit_test(test_protect_split_and_merge),
        cmocka_unit_test(test_protect_hole),
        cmocka_unit_test(test_lock),
        cmocka_unit_test(test_map_limit),
        cmocka_unit_test(test_find_gap),
        cmocka_unit_test(test_next_meets_covers),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_destroy_calls_back),
        cmocka_unit_test(test_file_object),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_random_model),
    };

    return cmocka_run_group_tests_name("kernel/mm/vmregion", tests, heap_setup, NULL);
}
