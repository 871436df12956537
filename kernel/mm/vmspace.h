/* Per-process address spaces: a page-table root whose kernel half is shared
 * with every other root, plus the ordered set of regions of the lower half.
 * Pages are populated on fault (vmspace_fault). One vmspace is used by one
 * thread at a time (no locking yet). */
#ifndef UNIPLEX_VMSPACE_H
#define UNIPLEX_VMSPACE_H

#include <stdint.h>
#include "kernel/mm/pmap.h"
#include "kernel/mm/vmregion.h"

struct vmspace {
    pmap_root root;
    struct vm_map map;
    unsigned refs; /* processes using it (vfork and CLONE_VM share one); 1 at creation */
    /* membarrier(2)'s registrations (kernel/sys/sys_system.c), kept with
     * the address space as Linux keeps them with the mm: shared by all its
     * users, copied by fork, none in exec's new address space. */
    unsigned membarrier;
    /* mlockall(MCL_FUTURE) (vmlock.c): VM_LOCKED, given to every mapping
     * made from then on, or 0; lock_onfault: MCL_ONFAULT with it (those
     * mappings are not filled at once). Neither survives fork or exec. */
    uint16_t def_flags;
    uint8_t lock_onfault;
    /* pkey_alloc has been tried here (kernel/sys/sys_pkey.c): Linux's key
     * 0 left marked allocated by the failed first try on a CPU without
     * PKU. Kept with the mm as Linux keeps it: copied by fork, none in
     * exec's new address space. */
    uint8_t pkey_spent;
    /* Its AIO contexts (kernel/sys/sys_aio.c), as Linux keeps them with
     * the mm: shared by its threads, none after fork or exec; they go
     * with it (vmspace_destroy calls aio_exit). */
    struct aio_ctx *aio;
};

/* 0 and *out, or -ENOMEM. */
int vmspace_create(struct vmspace **out);
/* Unmap everything, drop every page reference, free every lower-half table
 * page and the root. No thread may still use vs; if its tables are still
 * loaded (kernel threads run on whatever is loaded), the kernel's own are
 * loaded first. */
void vmspace_destroy(struct vmspace *vs);
/* fork: a copy of src whose private pages are shared copy-on-write (both
 * sides lose write access until a fault copies or, for the last owner,
 * re-enables it) and whose shared pages are shared. Page tables are shared
 * too, and copied on first change (pmap.h). 0 and *out, or -ENOMEM with
 * src unchanged in content, also when fewer than a reserve of free pages
 * is left for the copies both sides will make. */
int vmspace_fork(struct vmspace *src, struct vmspace **out);
/* The space whose tables are loaded (NULL: the kernel's only). Written
 * only by vmspace_switch. */
extern struct vmspace *vmspace_loaded;

/* Make vs the active address space (NULL: the kernel's tables only); the
 * tables are loaded only if they are not already, as loading them flushes
 * the TLB. Inline: every switch between processes does it. */
static inline void vmspace_switch(struct vmspace *vs)
{
    if (vs == vmspace_loaded)
        return;
    vmspace_loaded = vs;
    pmap_activate(vs ? vs->root : pmap_kernel());
}

static inline struct vmspace *vmspace_current(void)
{
    return vmspace_loaded;
}

/* Region API (addresses and lengths page-aligned; errors as in vmregion.h:
 * -EINVAL, -EEXIST on overlap, -ENOMEM). kind is VM_ANON or VM_STACK. */
int vmspace_map_anon(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot,
                     enum vm_kind kind);
/* Shared anonymous memory (MAP_SHARED | MAP_ANONYMOUS): demand zero, and
 * after fork the same pages in both processes. */
int vmspace_map_shared(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot);
/* Map len bytes of the object o from its page pgoff (a file's page
 * cache). flags 0: private, the object's pages mapped read-only and copied
 * on the first write; VM_SHARED: its pages themselves, written in place
 * and seen by every sharer (VM_RDONLY too: PROT_WRITE is never allowed).
 * Pages past the object's end are SIGBUS (vmspace_fault's -EIO). */
int vmspace_map_file(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot, uint16_t flags,
                     struct vm_object *o, uint64_t pgoff);
/* An ELF segment: a private mapping as above whose object bytes end at
 * zero_from (addr < zero_from <= addr + len; 0: they do not), the rest
 * reading as zeros, its bss. The page holding zero_from is copied when
 * first touched, zeroed past it (Linux's padzero, done lazily). */
int vmspace_map_segment(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot,
                        struct vm_object *o, uint64_t pgoff, uint64_t zero_from);
/* mprotect: pages already present take the new rights at once (PROT_NONE
 * ones keep their frames in entries the CPU faults on: vm_prot_pmap). */
int vmspace_protect(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t prot);
int vmspace_unmap(struct vmspace *vs, uint64_t addr, uint64_t len);
/* madvise(MADV_DONTNEED): drop the pages of [addr, addr + len) but keep the
 * regions, so private anonymous memory reads back as zeros and private file
 * mappings as the file. Shared memory keeps its pages: it must read back
 * as it was (Linux refills it from the shared object), and the other
 * sharers still use them. -ENOMEM if part of the range is unmapped. */
int vmspace_discard(struct vmspace *vs, uint64_t addr, uint64_t len);

/* MAP_POPULATE: fault [addr, addr + len) in page by page as access would:
 * 0, or the error of the fault that stopped it, -ENOMEM also when free
 * memory is down to the reserve fork keeps (the rest comes on first
 * touch). So a huge range costs at most what free memory can hold, and
 * leaves the machine room to go on. */
int vmspace_populate(struct vmspace *vs, uint64_t addr, uint64_t len, uint32_t access);

/* mremap: move the pages present in [from, from + len) to [to, to + len)
 * (same frames and flags, no copy); the caller has made the regions and
 * [to, to + len) holds no pages. 0, or -ENOMEM with nothing moved. */
int vmspace_move(struct vmspace *vs, uint64_t from, uint64_t to, uint64_t len);

/* Futex keys (kernel/proc/futex.c): 1 and *pa, the physical address of
 * addr, when addr lies in shared memory (a VM_SHARED region) and its page
 * is present, which is then the same frame in every process sharing it;
 * 0 otherwise (private memory, no region, or a shared page never touched,
 * which no other process can map yet: fork gives every shared page a frame
 * before copying). Looks only: never faults, allocates or blocks. */
int vmspace_shared_phys(struct vmspace *vs, uint64_t addr, uint64_t *pa);

/* The pages present in [s, e) of vs unmapped and their references
 * dropped (regions stay). */
void vmspace_unmap_pages(struct vmspace *vs, uint64_t s, uint64_t e);
/* The vmspace whose region set m is. */
struct vmspace *vmspace_of_map(struct vm_map *m);

/* mlock/munlock (vmlock.c): VM_LOCKED set (on) or cleared on every
 * region of [addr, addr + len) (page-aligned), which must be mapped
 * throughout (else -ENOMEM, nothing changed); -ENOMEM also when a node for
 * a split cannot be had. The pages are not touched: the caller fills them
 * (vmspace_populate) as mlock does. */
int vmspace_lock(struct vmspace *vs, uint64_t addr, uint64_t len, int on);
/* mlockall(MCL_CURRENT) / munlockall: every region locked or unlocked. */
int vmspace_lock_all(struct vmspace *vs, int on);
/* Bytes of the VM_LOCKED regions (/proc/<pid>/status's VmLck). */
uint64_t vmspace_locked(struct vmspace *vs);
/* mincore: for the n pages from addr (page-aligned), vec[i] = 1 when the
 * page is in memory (mapped, or for a file mapping in the file's page
 * cache), else 0, stopping at the first page no region holds: 0 with all
 * n done, or -ENOMEM with *done the pages filled before the hole. */
int vmspace_mincore(struct vmspace *vs, uint64_t addr, uint64_t n, uint8_t *vec, uint64_t *done);

/* Bytes of all regions, and pages present (for /proc). */
uint64_t vmspace_size(struct vmspace *vs);
uint64_t vmspace_resident(struct vmspace *vs);
/* /proc/<pid>/statm's figures, in pages: all regions, those present, the
 * present pages of file and shared regions, executable file mappings
 * (text), private writable regions and the stack (data). */
struct vm_statm {
    uint64_t size, resident, shared, text, data;
};
void vmspace_statm(struct vmspace *vs, struct vm_statm *st);

/* Page-table flags for a region protection (VM_PROT_* -> PMAP_*). */
unsigned vm_prot_pmap(uint32_t prot);

/* Resolve a fault at addr for access (VM_PROT_READ/WRITE/EXEC): demand
 * zero, file page, or copy-on-write. 0 when resolved; -EFAULT when no
 * region allows it (SIGSEGV), -EIO for a file page past the end of the
 * file (SIGBUS), -ENOMEM when no page could be had. */
int vmspace_fault(struct vmspace *vs, uint64_t addr, uint32_t access);

/* Write len bytes from the kernel buffer src at va of vs, which need not be
 * the active space: pages are faulted in for writing as a program's store
 * would, then written through the direct map (no page-table switch, which
 * would flush the TLB twice). 0, -EFAULT or -ENOMEM. */
int vmspace_copyout(struct vmspace *vs, uint64_t va, const void *src, uint64_t len);
/* Read len bytes at va of vs (need not be active) into the kernel buffer
 * dst, faulting pages in for reading as a program's load would (Linux's
 * access_remote_vm, for /proc/<pid>/environ). 0, -EFAULT or -ENOMEM. */
int vmspace_copyin(struct vmspace *vs, uint64_t va, void *dst, uint64_t len);
/* process_vm_readv/writev's access to vs (need not be active): len bytes
 * at va read into buf, or written from it (write), as vmspace_copyin and
 * vmspace_copyout do, but only where a program access would be allowed:
 * every byte in the user window and in a region readable (for a read) or
 * writable (for a write), else -EFAULT; no FOLL_FORCE, as Linux's
 * process_vm calls use none. 0, -EFAULT or -ENOMEM (part of buf or of the
 * target may then have been copied). */
int vmspace_access(struct vmspace *vs, uint64_t va, void *buf, uint64_t len, int write);

#endif
