/* Memory locks and residency (mm/mlock.c, mm/mincore.c): mlock, mlock2,
 * munlock, mlockall, munlockall and mincore. A lock is the region flag
 * VM_LOCKED (kernel/mm/vmlock.c), counted in /proc/<pid>/status's VmLck
 * and within RLIMIT_MEMLOCK for a caller without CAP_IPC_LOCK; locking
 * faults the pages in (unless MLOCK_ONFAULT/MCL_ONFAULT), and with no swap
 * nothing ever pages them out. Locks are not inherited by fork and end
 * with exec, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define MLOCK_ONFAULT 1
#define MCL_CURRENT   1
#define MCL_FUTURE    2
#define MCL_ONFAULT   4

/* Bytes of [start, end) in locked regions. */
static uint64_t locked_in(struct vmspace *vs, uint64_t start, uint64_t end)
{
    uint64_t n = 0;
    for (const struct vm_region *r = vm_map_next(&vs->map, start); r && r->start < end; r = r->next)
        if (r->flags & VM_LOCKED)
            n += (r->end < end ? r->end : end) - (r->start > start ? r->start : start);
    return n;
}

int mm_lock_room(struct proc *p, uint64_t len)
{
    uint64_t lim = p->rlim[RLIMIT_MEMLOCK].cur;
    return cred_capable(CAP_IPC_LOCK) || lim == RLIM_INFINITY || vmspace_locked(p->vm) + len <= lim;
}

/* Linux's can_do_mlock: a lock is possible at all (-EPERM otherwise). */
static int may_lock(struct proc *p)
{
    return cred_capable(CAP_IPC_LOCK) || p->rlim[RLIMIT_MEMLOCK].cur != 0;
}

/* Fault in the pages of the regions in [start, end), each as its
 * protection allows (PROT_NONE ones stay out). */
static void lock_fill(struct proc *p, uint64_t start, uint64_t end)
{
    for (const struct vm_region *r = vm_map_next(&p->vm->map, start); r && r->start < end;
         r = r->next) {
        uint64_t s = r->start > start ? r->start : start, e = r->end < end ? r->end : end;
        mm_fill(p, s, e - s, mm_fill_access(r->prot, (r->flags & VM_SHARED) != 0));
    }
}

/* [addr, addr + len) widened to whole pages, as mlock takes it (addr
 * need not be aligned): 0, or -EINVAL when it wraps, -ENOMEM when it
 * leaves the program's half. */
static int lock_range(uint64_t addr, uint64_t len, uint64_t *start, uint64_t *end)
{
    *start = page_round_down(addr);
    uint64_t n = len + page_offset(addr);
    if (n < len || page_round_up(n) < n || *start + page_round_up(n) < *start)
        return -EINVAL;
    *end = *start + page_round_up(n);
    return *end > USER_MAX ? -ENOMEM : 0;
}

static int64_t do_mlock(uint64_t addr, uint64_t len, uint64_t flags)
{
    struct proc *p = proc_current();
    uint64_t start, end;
    if (flags & ~(uint64_t)MLOCK_ONFAULT)
        return -EINVAL;
    if (!may_lock(p))
        return -EPERM;
    int err = lock_range(addr, len, &start, &end);
    if (err || start == end)
        return err;
    if (!mm_lock_room(p, end - start - locked_in(p->vm, start, end)))
        return -ENOMEM;
    if ((err = vmspace_lock(p->vm, start, end - start, 1)))
        return err;
    if (!(flags & MLOCK_ONFAULT))
        lock_fill(p, start, end);
    return 0;
}

static int64_t sys_mlock(uint64_t addr, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return do_mlock(addr, len, 0);
}

static int64_t sys_mlock2(uint64_t addr, uint64_t len, uint64_t flags, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return do_mlock(addr, len, flags);
}

static int64_t sys_munlock(uint64_t addr, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t start, end;
    int err = lock_range(addr, len, &start, &end);
    return err ? err : vmspace_lock(proc_current()->vm, start, end - start, 0);
}

/* mlockall: MCL_CURRENT locks every mapping now, MCL_FUTURE every one
 * made from now on; MCL_ONFAULT with either leaves the pages to come on
 * first touch. MCL_ONFAULT alone, no flag or an unknown one is -EINVAL. */
static int64_t sys_mlockall(uint64_t flags, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    struct vmspace *vs = p->vm;
    if (!flags || (flags & ~(uint64_t)(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
        flags == MCL_ONFAULT)
        return -EINVAL;
    if (!may_lock(p))
        return -EPERM;
    if ((flags & MCL_CURRENT) && !mm_lock_room(p, vmspace_size(vs) - vmspace_locked(vs)))
        return -ENOMEM;
    if (flags & MCL_CURRENT) {
        int err = vmspace_lock_all(vs, 1);
        if (err)
            return err;
        if (!(flags & MCL_ONFAULT))
            lock_fill(p, vs->map.lo, vs->map.hi);
    }
    vs->def_flags = (flags & MCL_FUTURE) ? VM_LOCKED : 0;
    vs->lock_onfault = (flags & MCL_FUTURE) && (flags & MCL_ONFAULT);
    return 0;
}

static int64_t sys_munlockall(NOARGS)
{
    UNUSED;
    struct vmspace *vs = proc_current()->vm;
    vs->def_flags = 0;
    vs->lock_onfault = 0;
    return vmspace_lock_all(vs, 0);
}

/* mincore: one byte per page of [addr, addr + len), 1 for a page in
 * memory. addr must be page-aligned (-EINVAL); the range must lie in the
 * program's half (-ENOMEM) and be mapped throughout (-ENOMEM, after the
 * bytes for the pages before the hole are stored, as Linux stores them);
 * a bad vec is -EFAULT. */
#define MINCORE_CHUNK 4096 /* pages answered per step */
static int64_t sys_mincore(uint64_t addr, uint64_t len, uint64_t uvec, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct vmspace *vs = proc_current()->vm;
    if (page_offset(addr))
        return -EINVAL;
    if (addr + len < addr || addr + len > USER_MAX)
        return -ENOMEM;
    uint64_t pages = page_round_up(len) / PAGE_SIZE + (page_round_up(len) < len);
    if (pages && !user_range_ok((void *)uvec, pages))
        return -EFAULT;
    uint8_t *vec = pages ? kmalloc(MINCORE_CHUNK) : 0;
    if (pages && !vec)
        return -ENOMEM;
    int64_t err = 0;
    for (uint64_t i = 0; i < pages && !err; i += MINCORE_CHUNK) {
        uint64_t n = pages - i < MINCORE_CHUNK ? pages - i : MINCORE_CHUNK, done;
        err = vmspace_mincore(vs, addr + i * PAGE_SIZE, n, vec, &done);
        if (done && copy_to_user((uint8_t *)uvec + i, vec, done))
            err = -EFAULT;
    }
    kfree(vec);
    return err;
}

void sys_mlock_register(void)
{
    syscall_register(SYS_mlock, sys_mlock);
    syscall_register(SYS_mlock2, sys_mlock2);
    syscall_register(SYS_munlock, sys_munlock);
    syscall_register(SYS_mlockall, sys_mlockall);
    syscall_register(SYS_munlockall, sys_munlockall);
    syscall_register(SYS_mincore, sys_mincore);
}
