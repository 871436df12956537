/* Memory objects: what a file mapping maps. An object hands out its pages
 * by index through its pager (a regular file's page cache,
 * kernel/fs/pcache.c) and knows every region that maps it, in any address
 * space, so that pages it replaces or drops can be taken out of them
 * (vmobject.c). The region set (vmregion.c) keeps that list and the
 * object's holds: a region mapping an object holds it for its life.
 *
 * Reference rule: a page the pager gives for a mapping carries a reference
 * for it, dropped when the mapping goes, except frames the allocator does
 * not count (refcount 0: the initrd's, read in place), which are never
 * freed, never written through a mapping and carry none. */
#ifndef UNIPLEX_MM_VMOBJECT_H
#define UNIPLEX_MM_VMOBJECT_H

#include <stdint.h>

struct page;
struct vm_object;
struct vm_region;

/* vm_pager.get's how. */
#define VM_GET_READ  0 /* a page to read: possibly one to map read-only (below) */
#define VM_GET_WRITE 1 /* its own page, to write (a read-only one is copied first) */
#define VM_GET_PEEK  2 /* as VM_GET_READ, but only without allocating: else -ENOENT */

struct vm_pager {
    /* Page idx of o: 0 and *pg (writable in place), 1 and *pg (read-only:
     * mapped without write access until asked again with VM_GET_WRITE), or
     * -EIO for a page wholly past the object's end (the access is SIGBUS),
     * -ENOENT (VM_GET_PEEK), -ENOMEM. */
    int (*get)(struct vm_object *o, uint64_t idx, int how, struct page **pg);
    void (*hold)(struct vm_object *o); /* a region maps o now */
    void (*drop)(struct vm_object *o); /* a region mapping o is gone */
};

struct vm_object {
    const struct vm_pager *pager;
    struct vm_region *regions; /* those mapping it, linked through obj_next/obj_prev */
};

/* Unmap the pages at indices [from, to) of o from every region mapping
 * it, private copies made from them too (truncation: Linux's even_cows);
 * later accesses fault them in again, or SIGBUS past the end. */
void vm_object_unmap(struct vm_object *o, uint64_t from, uint64_t to);
/* o now has another page at idx than the frame at old_pa (a read-only
 * page copied to be written): shared regions, which must all see the one
 * page, lose their mapping of the old one; private regions keep theirs, a
 * snapshot of the bytes they mapped, as a private mapping may. */
void vm_object_replaced(struct vm_object *o, uint64_t idx, uint64_t old_pa);

#endif
