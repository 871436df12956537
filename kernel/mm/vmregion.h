/* The region set of a process address space (the "vm map"): an ordered list
 * of disjoint, page-aligned regions, each with protection, kind and backing.
 * Pure bookkeeping: nothing here touches page tables; callers that map pages
 * do so on top (remove and destroy report every piece they drop, so the
 * caller can unmap it).
 *
 * Invariants after every call: regions are sorted by start, disjoint,
 * non-empty, page-aligned and inside [lo, hi); no two neighbours that touch
 * are both VM_ANON with equal prot, flags and policy (they are always
 * merged);
 * count is the number of regions.
 *
 * Every call that can fail allocates all the nodes it needs first and
 * changes nothing when it fails. Not thread-safe: the owner serialises.
 * Readers may walk m->head / r->next directly (ascending order). */
#ifndef UNIPLEX_MM_VMREGION_H
#define UNIPLEX_MM_VMREGION_H

#include <stdbool.h>
#include <stdint.h>
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/page.h"
#include "kernel/mm/vmobject.h"

#define VM_PROT_READ  1
#define VM_PROT_WRITE 2
#define VM_PROT_EXEC  4
#define VM_PROT_MASK  (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)

enum vm_kind {
    VM_ANON,  /* demand-zero memory */
    VM_FILE,  /* backed by the pages of an object (a file's page cache) */
    VM_STACK, /* demand-zero, but never merged with its neighbours */
};

/* flags */
#define VM_SHARED 0x1 /* shared mapping (else private) */
#define VM_RDONLY 0x2 /* VM_SHARED VM_FILE from a file not open for writing: no PROT_WRITE */
#define VM_LOCKED 0x4 /* mlock: its pages stay in memory (all do: there is no swap) */
#define VM_FLAGS  (VM_SHARED | VM_RDONLY | VM_LOCKED)

/* The most regions a map holds (Linux's vm.max_map_count default, which
 * /proc/sys/vm/max_map_count reports): a call that would need more fails
 * with -ENOMEM, as Linux's mmap, mprotect and munmap do. */
#define VM_MAP_MAX 65530

struct vm_map;

struct vm_region {
    uint64_t start, end;  /* page-aligned, [start, end), start < end */
    uint32_t prot;        /* VM_PROT_* */
    uint16_t kind;        /* enum vm_kind */
    uint16_t flags;       /* VM_SHARED, VM_RDONLY, VM_LOCKED */
    struct vm_policy pol; /* mbind's policy (mempolicy.h); zero: none */
    /* VM_FILE only (NULL and 0 for the other kinds): the object mapped and
     * the index of its page at `start` (cutting the front of a region
     * advances it). Every VM_FILE node is on obj's list, with map the map
     * holding it, and holds obj (pager hold/drop) while it exists. A
     * private one may end the object's bytes early: from the address
     * zero_from on (0: nowhere) it reads as zeros, as an ELF segment's bss
     * after its file data (the page holding zero_from is copied). */
    struct vm_object *obj;
    uint64_t pgoff;
    uint64_t zero_from;
    struct vm_map *map;
    struct vm_region *obj_next, *obj_prev;
    struct vm_region *next, *prev; /* ascending order; owned by the map */
};

struct vm_map {
    struct vm_region *head; /* lowest region, or NULL */
    struct vm_region *hint; /* last region vm_map_find returned, or NULL */
    unsigned count;
    uint64_t lo, hi; /* allowed window [lo, hi), page-aligned */
};

/* Callback for every piece [s, e) that remove/destroy drop. It runs BEFORE
 * the piece disappears; r is the region the piece belongs to, unchanged yet
 * (its start/end may extend beyond [s, e)). It must not modify the map. */
typedef void vm_unmap_cb(void *arg, uint64_t s, uint64_t e, const struct vm_region *r);

/* An empty map whose regions must lie within [lo, hi) (page-aligned, lo < hi). */
void vm_map_init(struct vm_map *m, uint64_t lo, uint64_t hi);

/* Insert a copy of *r (its links and map are ignored; obj, pgoff and
 * zero_from are cleared unless kind is VM_FILE). Returns 0; -EINVAL if
 * start/end are not page-aligned, the range is empty or not inside
 * [lo, hi), prot, kind or flags hold unknown values, or a VM_FILE region
 * has no object (or VM_RDONLY without VM_SHARED, or VM_RDONLY on another
 * kind, or zero_from on a shared one);
 * -EEXIST if it overlaps an existing region;
 * -ENOMEM if a node is needed and none can be allocated (or the map holds
 * VM_MAP_MAX regions already). Nothing changes on
 * failure. A VM_ANON region touching a VM_ANON neighbour with equal prot and
 * flags is merged into it (this needs no allocation); VM_FILE and VM_STACK
 * regions are never merged. */
int vm_map_insert(struct vm_map *m, const struct vm_region *r);

/* The region containing addr, or NULL. O(count), but a one-entry hint of
 * the last hit makes repeated and ascending lookups cheap. The pointer is
 * valid until the next call that modifies the map. */
struct vm_region *vm_map_find(struct vm_map *m, uint64_t addr);

/* The lowest region that ends above addr (it holds addr or lies wholly
 * above it), or NULL: the regions meeting [addr, end) are it and its
 * successors while their start is below end. Valid as vm_map_find's. */
struct vm_region *vm_map_next(struct vm_map *m, uint64_t addr);

/* Whether some region meets [start, end) (start < end): one lookup,
 * whatever the size of the range. */
bool vm_map_meets(struct vm_map *m, uint64_t start, uint64_t end);

/* Whether regions cover every page of [start, end) (start < end) without
 * a hole. */
bool vm_map_covers(struct vm_map *m, uint64_t start, uint64_t end);

/* Lowest free range of len bytes (page-aligned, > 0) at or above hint
 * (rounded up to a page; raised to lo), ending at or below hi. Bottom-up
 * only: nothing below hint is considered (retry from lo to search it all).
 * Returns 0 and *addr; -EINVAL for a bad len; -ENOMEM if there is no gap. */
int vm_map_find_gap(struct vm_map *m, uint64_t hint, uint64_t len, uint64_t *addr);

/* munmap: remove [start, end) (page-aligned, start < end, else -EINVAL).
 * Regions partly inside are trimmed, or split in two when the range lies
 * strictly inside one region. cb (may be NULL) sees every removed piece, in
 * ascending order. Ranges without regions, or outside [lo, hi), are not an
 * error. -ENOMEM if a split needs a node and none is available (nothing
 * changed, cb not called). */
int vm_map_remove(struct vm_map *m, uint64_t start, uint64_t end, vm_unmap_cb *cb, void *arg);

/* mprotect: set prot on [start, end) (page-aligned, start <= end, known
 * prot bits, else -EINVAL; start == end is a no-op). Every page of the range
 * must be in some region, else -ENOMEM and nothing changes; -EACCES if
 * prot has write access and a VM_RDONLY region meets the range. Regions crossing
 * the range's ends are split (a region whose prot already equals prot is
 * left whole, so at most two new nodes are needed; -ENOMEM if they cannot
 * be allocated); touching VM_ANON neighbours are merged afterwards. */
int vm_map_protect(struct vm_map *m, uint64_t start, uint64_t end, uint32_t prot);

/* mlock/munlock: set (on) or clear VM_LOCKED on the regions meeting
 * [start, end) (page-aligned, start <= end, else -EINVAL), splitting
 * those that cross its ends; holes are skipped (the caller checks
 * coverage: vm_map_covers). -ENOMEM if a split needs a node and none can
 * be had (nothing changes); touching VM_ANON neighbours are merged. */
int vm_map_lock(struct vm_map *m, uint64_t start, uint64_t end, bool on);

/* mbind: give the regions meeting [start, end) (page-aligned, start <=
 * end, else -EINVAL) the policy pol, splitting those that cross its ends;
 * holes are skipped (the caller checks coverage). -ENOMEM as
 * vm_map_lock; touching VM_ANON neighbours are merged. */
int vm_map_set_policy(struct vm_map *m, uint64_t start, uint64_t end, const struct vm_policy *pol);

/* Drop every region, in ascending order, calling cb (may be NULL) for each
 * as vm_map_remove would. The map is left empty and usable. */
void vm_map_destroy(struct vm_map *m, vm_unmap_cb *cb, void *arg);

/* fork: make dst (overwritten, not freed: pass an uninitialised or empty
 * map) a deep copy of src with the same window. 0, or -ENOMEM with dst an
 * empty map of src's window. */
int vm_map_copy(struct vm_map *dst, const struct vm_map *src);

#endif
