/* Page tables: the generic interface to the arch's page-table format.
 * A root is the kernel-virtual address of a top-level table. Table pages
 * come from pg_alloc() (or, before it exists, the boot allocator set with
 * pmap_set_table_alloc). Callers serialise access to one root. */
#ifndef UNIPLEX_PMAP_H
#define UNIPLEX_PMAP_H

#include <stdint.h>
#include "kernel/arch.h"

#define PMAP_READ                                                                                  \
    0x01u /* accessible; a page mapped without it keeps its frame but faults on any access         \
             (PROT_NONE) */
#define PMAP_WRITE  0x02u
#define PMAP_EXEC   0x04u /* else NX */
#define PMAP_GLOBAL 0x08u
#define PMAP_COW    0x10u /* software bit: private page shared after fork */
#define PMAP_LARGE  0x20u /* 2 MiB page (lookup output; pmap_map_large input) */
#define PMAP_UC     0x40u /* uncached (device memory) */

typedef uint64_t *pmap_root;

/* Physical page for a new table, zeroed, or 0 when out of memory. */
typedef uint64_t (*pmap_table_alloc_fn)(void);
void pmap_set_table_alloc(pmap_table_alloc_fn fn);

/* Map one 4 KiB page va -> pa. -ENOMEM when a table page cannot be had,
 * -EEXIST when va is already mapped (nothing changed). */
int pmap_map(pmap_root root, uint64_t va, uint64_t pa, unsigned flags);
/* Map one 2 MiB page (va, pa 2 MiB aligned). -EEXIST if anything is there. */
int pmap_map_large(pmap_root root, uint64_t va, uint64_t pa, unsigned flags);
/* pmap_map_large for each 2 MiB of [va, va + len) to [pa, pa + len) (all
 * 2 MiB aligned), walking the tables once per page directory. 0, -ENOMEM,
 * or -EEXIST at the first 2 MiB already mapped (those before it stay). */
int pmap_map_large_range(pmap_root root, uint64_t va, uint64_t pa, uint64_t len, unsigned flags);
/* Remove the 4 KiB mapping of va: 0 and *pa, or -ENOENT (or -ENOMEM when
 * its table was shared and could not be copied). Flushes the TLB entry. */
int pmap_unmap(pmap_root root, uint64_t va, uint64_t *pa);
/* Change the flags of the 4 KiB mapping of va (keeps the frame): 0,
 * -ENOENT, or -ENOMEM as pmap_unmap. */
int pmap_protect(pmap_root root, uint64_t va, unsigned flags);
/* Look va up: 0 with *pa (of va itself, offset included) and *flags, or -ENOENT. */
int pmap_lookup(pmap_root root, uint64_t va, uint64_t *pa, unsigned *flags);

/* The first mapping at or above va and below end, skipping whole every
 * table that is absent: 0 with *at (va itself or a later page boundary),
 * and *pa and *flags as pmap_lookup gives them for *at, or -ENOENT when
 * [va, end) maps nothing. Its cost follows the tables present, not the
 * size of the range, so loops over a program's range step through it as
 *   for (v = s; pmap_next(root, v, e, &v, &pa, &fl) == 0; v += PAGE_SIZE)
 * (the root's lower half only; va page-aligned). */
int pmap_next(pmap_root root, uint64_t va, uint64_t end, uint64_t *at, uint64_t *pa,
              unsigned *flags);

/* Reference counts kept by the page allocator. table(pa, delta) adds
 * delta to a table page's count and returns the new count (delta 0 reads
 * it): a page table shared after fork counts once per root using it.
 * frame_get(pa) takes a reference on a mapped frame (frames the allocator
 * does not manage are left alone). used(pa) is a word kept with the table
 * page at pa for pmap alone: bit g set when entries 8g..8g+7 may be in
 * use, so that walks over whole tables (fork, unshare, destroy) visit the
 * groups in use only (NULL for a page it does not manage: walked whole);
 * the table allocator hands out tables with it 0 (pmap_set_table_alloc).
 * Set once, before the first fork. */
struct pmap_refs {
    int (*table)(uint64_t pa, int delta);
    void (*frame_get)(uint64_t pa);
    uint64_t *(*used)(uint64_t pa);
};
void pmap_set_refs(const struct pmap_refs *r);

/* fork: copy src's lower half into dst. For each table below the root,
 * largest first, share(arg, va, len) says whether dst may share it (it
 * maps [va, va + len)); see pmap_unshare: its pages become copy-on-write
 * when either side first changes something below it. Otherwise, down to
 * the page tables, page(arg, ...) is called for every 4 KiB mapping, in
 * address order, and decides the flags of the source entry (*src_flags,
 * rewritten) and of the copy made in dst (*dst_flags); returning nonzero
 * skips the page. 0, or -ENOMEM when a table for dst could not be had (dst
 * then holds part of the copy; the caller destroys it). The caller flushes
 * src's TLB. */
struct pmap_copy {
    int (*share)(void *arg, uint64_t va, uint64_t len);
    int (*page)(void *arg, uint64_t va, uint64_t pa, unsigned *src_flags, unsigned *dst_flags);
    void *arg;
};
int pmap_copy_lower(pmap_root src, pmap_root dst, const struct pmap_copy *c);

/* Make the tables on the path to va root's own, copying those fork left
 * shared with other roots; every page a copied page table maps is then
 * copy-on-write in each copy. pmap_map, pmap_unmap and pmap_protect do
 * this themselves; a copy-on-write fault calls it first so that page
 * reference counts are exact before it decides between copying a page and
 * taking it over. 0 or -ENOMEM. pmap_lookup reports a page under a shared table as
 * read-only and COW. */
int pmap_unshare(pmap_root root, uint64_t va);

/* Visit every 4 KiB mapping of the lower half (user window) in address
 * order, then free the lower half's table pages through free_table, each
 * emptied first (every entry 0: the page can be reused as a new table
 * without zeroing). Used to tear a vmspace down. */
void pmap_destroy_lower(pmap_root root,
                        void (*leaf)(void *arg, uint64_t va, uint64_t pa, unsigned flags),
                        void (*free_table)(uint64_t pa), void *arg);

/* Allocate the second-level table under va's top-level slot, so mappings
 * added there later are seen by every root sharing the kernel half. */
int pmap_reserve_top(pmap_root root, uint64_t va);

/* Install root as the kernel's own tables (once, in pmem_init). The kernel
 * half's top-level slots are fixed from then on: roots share them by copy. */
void pmap_set_kernel(pmap_root root);
/* Make the page root a fresh root, whatever it held: its lower half
 * empty, its kernel half (slots 256-511) the kernel root's. */
void pmap_share_kernel(pmap_root root);
/* The kernel's root (after mm_init: the final kernel tables). */
pmap_root pmap_kernel(void);
/* Switch the CPU to root (inline: every switch between processes does). */
static inline void pmap_activate(pmap_root root)
{
    arch_pmap_load(root);
}
/* Table pages currently allocated through the table allocator. */
uint64_t pmap_table_pages(void);

#endif
