/* Kernel heap: power-of-two buckets for small objects, whole page blocks for
 * large ones (after rumprun's bmk allocator, the idea only).
 *
 * Every object is preceded by a 16-byte header holding a magic value and its
 * bucket (or its page order), so returned pointers are 16-byte aligned and
 * kfree() needs no size. Buckets hold objects of 16, 32, ..., 2048 usable
 * bytes, carved from page blocks; requests of more than 2048 bytes take the
 * smallest page block that holds the request plus the header. Freed bucket
 * objects go on per-bucket free lists and their pages are never given back to
 * the page provider (bmk's simplicity); large blocks are given back at once.
 *
 * Not reentrant: the caller serialises (one CPU, no use from interrupts). */
#ifndef UNIPLEX_MM_KMALLOC_H
#define UNIPLEX_MM_KMALLOC_H

#include <stddef.h>
#include <string.h>
#include <stdint.h>

#define KMALLOC_MIN     16   /* smallest bucket, usable bytes */
#define KMALLOC_MAX     2048 /* largest bucket; larger requests take pages */
#define KMALLOC_HDR     16   /* header bytes before every object */
#define KMALLOC_BUCKETS 8    /* 16, 32, ..., 2048 */

/* Where the heap gets its memory: blocks of 2^order pages, at least 4 KiB
 * aligned and directly addressable; alloc returns NULL when out of memory. */
struct kmalloc_pages {
    void *(*alloc)(unsigned order);
    void (*free)(void *p, unsigned order);
};

struct kmalloc_stats {
    uint64_t bytes_in_use;  /* sum of kmalloc_usable() over live objects */
    uint64_t pages_held;    /* pages taken from the provider and not given back */
    uint64_t allocs, frees; /* successful kmalloc/kzalloc calls; kfree calls of non-NULL */
};

/* Start an empty heap over src (copied). Forgets any earlier heap without
 * giving its pages back. Before the first call every kmalloc returns NULL. */
void kmalloc_init(const struct kmalloc_pages *src);

/* n bytes (kmalloc(0) is a valid minimum-size object), 16-byte aligned, or
 * NULL when the provider is out of memory or n is absurdly large. */
void *kmalloc(size_t n);
/* kmalloc, with the first n bytes zeroed. */
void *kzalloc(size_t n);
/* A kmalloc'd copy of the string s (the caller kfrees it), or NULL. */
static inline char *kstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = kmalloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
/* Give back an object; kfree(NULL) does nothing. Panics on a double free
 * and on a pointer kmalloc did not return or whose header was overwritten. */
void kfree(void *p);
/* Bytes the caller may use at p (>= the size asked for); 0 for NULL. Panics
 * like kfree on a bad pointer. */
size_t kmalloc_usable(const void *p);

void kmalloc_stats(struct kmalloc_stats *st);

#endif
