/* Physical memory: bring-up from the boot memory map, and the page
 * allocator interface the rest of the kernel uses (a buddy allocator over
 * every usable range, struct page per 4 KiB frame). */
#ifndef UNIPLEX_PMEM_H
#define UNIPLEX_PMEM_H

#include <stdint.h>
#include "kernel/bootinfo.h"
#include "kernel/mm/page.h"

/* Build the final kernel page tables (direct map of all RAM at DIRECT_MAP,
 * the kernel image with real permissions, nothing in the lower half), switch
 * to them, and hand every usable frame not holding the kernel, the boot
 * modules, the first MiB or these structures to the buddy allocator. */
void pmem_init(const struct bootinfo *bi);

/* Start the kernel heap (kmalloc) on top of the page allocator. */
void heap_init(void);

/* 2^order contiguous frames, refcount 1, or NULL. */
struct page *pg_alloc(unsigned order);
/* Same, zero-filled. */
struct page *pg_alloc_zeroed(unsigned order);
/* Give back a block obtained with pg_alloc(order). */
void pg_free(struct page *p, unsigned order);
/* The same for an order-0 page whose bytes are all zero: kept to be
 * handed out by pg_alloc_zeroed without zeroing it again (the test kernel
 * checks the claim). */
void pg_free_zeroed(struct page *p);
/* Drop one reference to an order-0 page; frees it at zero. */
void pg_put(struct page *p);
/* Take another reference to an allocated order-0 page. */
void pg_get(struct page *p);

uint64_t pg_phys(const struct page *p);
void *pg_virt(const struct page *p);
/* The struct page of a frame, or NULL if the frame is not managed. */
struct page *pg_from_phys(uint64_t pa);
/* Kernel virtual address of any physical address (direct map). */
void *phys_virt(uint64_t pa);

struct pmem_stats {
    uint64_t total_pages;  /* usable RAM according to the memory map */
    uint64_t free_pages;   /* in the buddy allocator now */
    uint64_t kernel_pages; /* the kernel image */
    uint64_t boot_pages;   /* early page tables and the struct page array */
    uint64_t table_pages;  /* page-table pages allocated since */
};
void pmem_stats(struct pmem_stats *st);
/* Print the meminfo line: total, free, kernel image, page tables, heap. */
void pmem_print(void);

#endif
