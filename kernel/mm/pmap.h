/* Page tables: the generic interface to the arch's page-table format.
 * A root is the kernel-virtual address of a top-level table. Table pages
 * come from pg_alloc() (or, before it exists, the boot allocator set with
 * pmap_set_table_alloc). Callers serialise access to one root. */
#ifndef UNIPLEX_PMAP_H
#define UNIPLEX_PMAP_H

#include <stdint.h>

#define PMAP_READ   0x01u /* present */
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
/* Remove the 4 KiB mapping of va: 0 and *pa, or -ENOENT. Flushes the TLB entry. */
int pmap_unmap(pmap_root root, uint64_t va, uint64_t *pa);
/* Change the flags of the 4 KiB mapping of va (keeps the frame): 0 or -ENOENT. */
int pmap_protect(pmap_root root, uint64_t va, unsigned flags);
/* Look va up: 0 with *pa (of va itself, offset included) and *flags, or -ENOENT. */
int pmap_lookup(pmap_root root, uint64_t va, uint64_t *pa, unsigned *flags);

/* fork: for every 4 KiB mapping of src's lower half, in address order, fn
 * decides the flags of the source entry (*src_flags, rewritten) and of the
 * copy made in dst (*dst_flags); returning nonzero skips the page. 0, or
 * -ENOMEM when a table for dst could not be had (dst then holds part of
 * the copy; the caller destroys it). The caller flushes src's TLB. */
typedef int pmap_copy_fn(void *arg, uint64_t va, uint64_t pa, unsigned *src_flags,
                         unsigned *dst_flags);
int pmap_copy_lower(pmap_root src, pmap_root dst, pmap_copy_fn *fn, void *arg);

/* Visit every 4 KiB mapping of the lower half (user window) in address
 * order, then free the lower half's table pages through free_table.
 * Used to tear a vmspace down. */
void pmap_destroy_lower(pmap_root root,
                        void (*leaf)(void *arg, uint64_t va, uint64_t pa, unsigned flags),
                        void (*free_table)(uint64_t pa), void *arg);

/* Allocate the second-level table under va's top-level slot, so mappings
 * added there later are seen by every root sharing the kernel half. */
int pmap_reserve_top(pmap_root root, uint64_t va);

/* Install root as the kernel's own tables (once, in pmem_init). The kernel
 * half's top-level slots are fixed from then on: roots share them by copy. */
void pmap_set_kernel(pmap_root root);
/* Make root share the kernel half (slots 256-511) of the kernel's root. */
void pmap_share_kernel(pmap_root root);
/* The kernel's root (after mm_init: the final kernel tables). */
pmap_root pmap_kernel(void);
/* Switch the CPU to root (CR3). */
void pmap_activate(pmap_root root);
/* Table pages currently allocated through the table allocator. */
uint64_t pmap_table_pages(void);

#endif
