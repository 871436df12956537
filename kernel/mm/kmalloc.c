/* Kernel heap. The contract is in kmalloc.h.
 *
 * Bucket b (0..7) holds objects of 16 << b usable bytes; each sits right after
 * its 16-byte header, so a bucket's chunk is (16 << b) + 16 bytes and chunks
 * are carved back to back from a page block. Because the usable sizes, not
 * the chunks, are powers of two, a 64-byte object costs 80 bytes instead of
 * the 128 a header-inclusive power of two would. Block orders are chosen so
 * that every block holds about 15 chunks (waste under 6%).
 *
 * Header: a 64-bit tag (magic, bucket, page order, and a check of bucket and
 * order) and the free-list link, which lives in the header so a free
 * object's contents are left alone. A live object's tag is compared as one
 * word, so a stray write to any of its bytes is caught, not just the magic.
 *
 * The fast paths are a bucket index from count-leading-zeros, a pop or push
 * on a singly linked free list and one tag compare. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "kernel/panic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"

#define KM_MAGIC_USED 0x6b6d4155u /* live object */
#define KM_MAGIC_FREE 0x6b6d4652u /* on a free list, or a large block given back */
#define KM_CHECK      0xa55au     /* folded into a live tag's check field */
#define KM_LARGE      0xff        /* bucket of a page-block object */
#define KM_ORDER_MAX  30          /* largest page order kmalloc asks for (4 TiB) */

/* tag: bits 0..31 magic, 32..39 bucket, 40..47 order, 48..63 check. */
struct kmhdr {
    uint64_t tag;
    struct kmhdr *next; /* free-list link while free */
};
_Static_assert(sizeof(struct kmhdr) == KMALLOC_HDR, "header size");
_Static_assert(KMALLOC_MAX == KMALLOC_MIN << (KMALLOC_BUCKETS - 1), "bucket sizes");

static inline uint64_t live_tag(unsigned bucket, unsigned order)
{
    uint64_t bo = bucket | order << 8;
    return KM_MAGIC_USED | bo << 32 | (bo ^ KM_CHECK) << 48;
}

static inline uint64_t free_tag(unsigned bucket)
{
    return KM_MAGIC_FREE | (uint64_t)bucket << 32;
}

static inline unsigned tag_bucket(uint64_t tag)
{
    return (tag >> 32) & 0xff;
}

static inline unsigned tag_order(uint64_t tag)
{
    return (tag >> 40) & 0xff;
}

/* Page order of the blocks each bucket carves: ~15 chunks per block. */
static const uint8_t slab_order[KMALLOC_BUCKETS] = {0, 0, 0, 0, 0, 1, 2, 3};

static struct {
    struct kmhdr *free[KMALLOC_BUCKETS];
    struct kmalloc_pages src;
    struct kmalloc_stats st;
} km;

void kmalloc_init(const struct kmalloc_pages *src)
{
    for (unsigned b = 0; b < KMALLOC_BUCKETS; b++)
        km.free[b] = NULL;
    km.src = *src;
    km.st = (struct kmalloc_stats){0};
}

/* Bucket of a request of 1..KMALLOC_MAX bytes: the smallest 16 << b >= n. */
static inline unsigned bucket_of(size_t n)
{
    return 60 - (unsigned)__builtin_clzll((unsigned long long)((n - 1) | 15));
}

static inline size_t bucket_size(unsigned b)
{
    return (size_t)KMALLOC_MIN << b;
}

/* Carve a new page block into free chunks for bucket b and return the free
 * list (lowest address first). A block of the preferred order is tried
 * first, then smaller ones down to a single page, which still holds at
 * least one chunk of any bucket: fragmentation only costs density. */
static __attribute__((noinline)) struct kmhdr *refill(unsigned b)
{
    size_t chunk = bucket_size(b) + KMALLOC_HDR;
    unsigned order = slab_order[b];
    char *mem;

    if (!km.src.alloc)
        return NULL;
    while (!(mem = km.src.alloc(order)))
        if (order-- == 0)
            return NULL;

    struct kmhdr *list = NULL;
    for (size_t i = ((size_t)PAGE_SIZE << order) / chunk; i-- > 0;) {
        struct kmhdr *h = (struct kmhdr *)(mem + i * chunk);
        *h = (struct kmhdr){.tag = free_tag(b), .next = list};
        list = h;
    }
    km.st.pages_held += 1ull << order;
    km.free[b] = list;
    return list;
}

/* An object of more than KMALLOC_MAX bytes: its own block of pages, the
 * header at the start. */
static __attribute__((noinline)) void *alloc_large(size_t n)
{
    if (n > ((size_t)PAGE_SIZE << KM_ORDER_MAX) - KMALLOC_HDR || !km.src.alloc)
        return NULL;
    size_t pages = page_round_up(n + KMALLOC_HDR) >> PAGE_SHIFT;
    unsigned order = pages <= 1 ? 0 : 64 - (unsigned)__builtin_clzll(pages - 1);
    struct kmhdr *h = km.src.alloc(order);
    if (!h)
        return NULL;
    *h = (struct kmhdr){.tag = live_tag(KM_LARGE, order)};
    km.st.bytes_in_use += ((size_t)PAGE_SIZE << order) - KMALLOC_HDR;
    km.st.pages_held += 1ull << order;
    km.st.allocs++;
    return h + 1;
}

void *kmalloc(size_t n)
{
    if (__builtin_expect(n - 1 >= KMALLOC_MAX, 0)) {
        if (n)
            return alloc_large(n);
        n = 1;
    }
    unsigned b = bucket_of(n);
    struct kmhdr *h = km.free[b];
    if (__builtin_expect(!h, 0) && !(h = refill(b)))
        return NULL;
    km.free[b] = h->next;
    h->tag = live_tag(b, 0);
    km.st.bytes_in_use += bucket_size(b);
    km.st.allocs++;
    return h + 1;
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);

    if (p)
        memset(p, 0, n);
    return p;
}

/* The panic for a pointer whose header does not check out, from kfree
 * (freeing) or kmalloc_usable. */
static __attribute__((noreturn, noinline, cold)) void bad_pointer(bool freeing, const void *p,
                                                                  void *caller)
{
    const struct kmhdr *h = (const struct kmhdr *)p - 1;
    bool was_freed = !((uintptr_t)p & 15) && (uint32_t)h->tag == KM_MAGIC_FREE;

    if (freeing && was_freed)
        panic("kfree: double free of %p (caller %p)", p, caller);
    if (freeing)
        panic("kfree: bad pointer or corrupted header %p (caller %p)", p, caller);
    if (was_freed)
        panic("kmalloc_usable: use after free of %p (caller %p)", p, caller);
    panic("kmalloc_usable: bad pointer or corrupted header %p (caller %p)", p, caller);
}

/* The header of live object p, or a panic: the full check, small or large.
 * A large object's header must also be page aligned with a sane order. */
static struct kmhdr *live_header(bool freeing, const void *p, void *caller)
{
    struct kmhdr *h = (struct kmhdr *)p - 1;

    if ((uintptr_t)p & 15)
        bad_pointer(freeing, p, caller);
    unsigned b = tag_bucket(h->tag), order = tag_order(h->tag);
    if (h->tag != live_tag(b, order))
        bad_pointer(freeing, p, caller);
    if (b < KMALLOC_BUCKETS ? order != 0
                            : b != KM_LARGE || order > KM_ORDER_MAX || page_offset((uintptr_t)h))
        bad_pointer(freeing, p, caller);
    return h;
}

/* kfree of anything but a valid bucket object: a large one, or a panic. */
static __attribute__((noinline)) void kfree_slow(void *p, void *caller)
{
    struct kmhdr *h = live_header(true, p, caller);
    unsigned order = tag_order(h->tag);

    /* Best effort: a second kfree is caught only while the block is unused. */
    h->tag = free_tag(KM_LARGE);
    km.st.bytes_in_use -= ((size_t)PAGE_SIZE << order) - KMALLOC_HDR;
    km.st.pages_held -= 1ull << order;
    km.st.frees++;
    km.src.free(h, order);
}

void kfree(void *p)
{
    void *caller = __builtin_return_address(0);

    if (!p)
        return;
    if (__builtin_expect((uintptr_t)p & 15, 0))
        bad_pointer(true, p, caller);
    struct kmhdr *h = (struct kmhdr *)p - 1;
    uint64_t tag = h->tag;
    unsigned b = tag_bucket(tag);
    if (__builtin_expect(b >= KMALLOC_BUCKETS || tag != live_tag(b, 0), 0)) {
        kfree_slow(p, caller);
        return;
    }
    h->tag = free_tag(b);
    h->next = km.free[b];
    km.free[b] = h;
    km.st.bytes_in_use -= bucket_size(b);
    km.st.frees++;
}

size_t kmalloc_usable(const void *p)
{
    if (!p)
        return 0;
    const struct kmhdr *h = live_header(false, p, __builtin_return_address(0));
    unsigned b = tag_bucket(h->tag);
    if (b == KM_LARGE)
        return ((size_t)PAGE_SIZE << tag_order(h->tag)) - KMALLOC_HDR;
    return bucket_size(b);
}

void kmalloc_stats(struct kmalloc_stats *st)
{
    *st = km.st;
}
