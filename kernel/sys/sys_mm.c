/* Memory system calls: brk, mmap, munmap, mprotect, madvise, mremap, msync (mm/mmap.c
 * semantics: page-granular, -EINVAL for misalignment and bad flags,
 * -ENOMEM for ranges that are not mapped or cannot be). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define PROT_READ           1
#define PROT_WRITE          2
#define PROT_EXEC           4
#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_32BIT           0x40
#define MAP_DENYWRITE       0x800
#define MAP_EXECUTABLE      0x1000
#define MAP_LOCKED          0x2000
#define MAP_NORESERVE       0x4000
#define MAP_POPULATE        0x8000
#define MAP_NONBLOCK        0x10000
#define MAP_STACK           0x20000
#define MAP_FIXED_NOREPLACE 0x100000
#define MAP_UNINITIALIZED   0x4000000
/* The flags mmap takes. Beyond those acted on below: MAP_DENYWRITE and
 * MAP_EXECUTABLE are ignored by Linux too, MAP_NORESERVE holds (nothing
 * reserves swap here), MAP_STACK is a hint Linux takes as "no huge pages"
 * (none here), MAP_UNINITIALIZED allows what zeroed pages satisfy. The
 * others (MAP_GROWSDOWN, MAP_HUGETLB, MAP_SYNC, unknown bits) are -EINVAL,
 * -EOPNOTSUPP with MAP_SHARED_VALIDATE as Linux answers there. */
#define MAP_KNOWN                                                                                  \
    (MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_32BIT | MAP_DENYWRITE | MAP_EXECUTABLE |           \
     MAP_LOCKED | MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_FIXED_NOREPLACE |  \
     MAP_UNINITIALIZED)
#define MAP_32BIT_LO    0x40000000ull /* MAP_32BIT's range on x86-64: [1 GiB, 2 GiB) */
#define MAP_32BIT_HI    0x80000000ull
#define MADV_NORMAL     0
#define MADV_RANDOM     1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED   3
#define MADV_DONTNEED   4
#define MADV_FREE       8

static int64_t sys_brk(uint64_t addr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                       uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    uint64_t old = page_round_up(p->brk), want = page_round_up(addr);
    if (addr < p->brk_start || addr >= USER_MAX)
        return (int64_t)p->brk;
    if (want > old &&
        vmspace_map_anon(p->vm, old, want - old, VM_PROT_READ | VM_PROT_WRITE, VM_ANON) != 0)
        return (int64_t)p->brk;
    if (want < old)
        vmspace_unmap(p->vm, want, old - want);
    p->brk = addr;
    return (int64_t)addr;
}

/* MAP_FIXED and MAP_FIXED_NOREPLACE: at hint exactly (what was there goes,
 * or with NOREPLACE the call is -EEXIST). */
static int mmap_place_fixed(struct proc *p, uint64_t hint, uint64_t len, uint64_t flags)
{
    if (page_offset(hint))
        return -EINVAL;
    if (!user_range_ok((void *)hint, len))
        return -ENOMEM;
    if (flags & MAP_FIXED_NOREPLACE) {
        if (vm_map_meets(&p->vm->map, hint, hint + len))
            return -EEXIST;
    } else {
        vmspace_unmap(p->vm, hint, len);
    }
    return 0;
}

/* Where a new mapping of len bytes goes: 0 and *at, or -errno. The hint
 * if that room is free, else the first gap from mmap_base (MAP_32BIT: a
 * gap that ends below 2 GiB, from 1 GiB). */
static int mmap_place(struct proc *p, uint64_t hint, uint64_t len, uint64_t flags, uint64_t *at)
{
    uint64_t hi = (flags & MAP_32BIT) ? MAP_32BIT_HI : USER_MAX;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        *at = hint;
        return mmap_place_fixed(p, hint, len, flags);
    }
    hint = page_round_down(hint);
    if (hint >= USER_MIN && hint + len <= hi && hint + len > hint &&
        vm_map_find_gap(&p->vm->map, hint, len, at) == 0 && *at == hint)
        return 0;
    if (flags & MAP_32BIT) {
        int err = vm_map_find_gap(&p->vm->map, MAP_32BIT_LO, len, at);
        return err || *at + len > hi ? -ENOMEM : 0;
    }
    if (vm_map_find_gap(&p->vm->map, p->mmap_base, len, at) == 0)
        return 0;
    return vm_map_find_gap(&p->vm->map, USER_MIN, len, at);
}

/* What mapping f maps (file_ops.mmap): 0 and *o, FILE_MMAP_ANON, or
 * -ENODEV; a regular file maps its page cache. */
static int mmap_source(struct file *f, struct vm_object **o)
{
    const struct file_ops *ops = f->vn->fops;
    if (!ops)
        return S_ISREG(f->vn->mode) ? pc_object(f->vn, o) : -ENODEV;
    return ops->mmap ? ops->mmap(f, o) : -ENODEV;
}

/* The open file a mapping comes from, checked as Linux's do_mmap checks it
 * (before MAP_FIXED removes anything): 0 and *out, -EBADF, -EACCES,
 * -ENODEV for what cannot be mapped (neither a regular file nor
 * /dev/zero), or -EOVERFLOW for a range reaching past the largest file. */
static int mmap_file_check(struct proc *p, uint64_t fd, uint64_t len, uint64_t prot, uint64_t flags,
                           uint64_t off, struct file **out)
{
    struct file *f = fd_get(p, (int)fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    uint32_t acc = f->flags & O_ACCMODE;
    int shared_write = (flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE);
    if (acc == O_WRONLY || (shared_write && acc == O_RDONLY))
        return -EACCES;
    if ((prot & PROT_EXEC) && mnt_may_exec(f->vn))
        return -EPERM; /* a noexec mount */
    if (off / PAGE_SIZE > (INT64_MAX - page_round_up(len)) / PAGE_SIZE)
        return -EOVERFLOW; /* past the largest file size (Linux's file_mmap_ok) */
    if (memfd_mmap_check(f->vn, (flags & MAP_TYPE) != MAP_PRIVATE, shared_write) < 0)
        return -EPERM; /* a memfd sealed against writes */
    *out = f;
    const struct file_ops *ops = f->vn->fops;
    return (!ops && S_ISREG(f->vn->mode)) || (ops && ops->mmap) ? 0 : -ENODEV;
}

/* Anonymous memory at [at, at + len): private, or shared with the children. */
static int mmap_anon(struct proc *p, uint64_t at, uint64_t len, uint32_t prot, uint64_t flags)
{
    if ((flags & MAP_TYPE) == MAP_PRIVATE)
        return vmspace_map_anon(p->vm, at, len, prot, VM_ANON);
    return vmspace_map_shared(p->vm, at, len, prot);
}

/* f's pages from off at [at, at + len), through its page cache: shared
 * with every process mapping it shared and with read and write, or
 * private copy-on-write (/dev/zero: anonymous memory). A shared mapping
 * of a file not open for writing, or of a memfd sealed against writes, may
 * never be made writable (mprotect: -EACCES, as Linux's VM_MAYWRITE). */
static int mmap_file(struct proc *p, struct file *f, uint64_t at, uint64_t len, uint32_t prot,
                     uint64_t flags, uint64_t off)
{
    struct vm_object *o;
    uint16_t vflags = 0;
    int err = mmap_source(f, &o);
    if (err == FILE_MMAP_ANON)
        return mmap_anon(p, at, len, prot, flags);
    int sealed = memfd_mmap_check(f->vn, (flags & MAP_TYPE) != MAP_PRIVATE, 0) == 1;
    if ((flags & MAP_TYPE) != MAP_PRIVATE)
        vflags = VM_SHARED | ((f->flags & O_ACCMODE) == O_RDWR && !sealed ? 0 : VM_RDONLY);
    return err ? err : vmspace_map_file(p->vm, at, len, prot, vflags, o, off / PAGE_SIZE);
}

/* mm_fill works this much between looks at pending work. */
#define POPULATE_CHUNK (2ull << 20)

void mm_fill(struct proc *p, uint64_t at, uint64_t len, uint32_t access)
{
    for (uint64_t off = 0; access && off < len; off += POPULATE_CHUNK) {
        uint64_t n = len - off < POPULATE_CHUNK ? len - off : POPULATE_CHUNK;
        if (vmspace_populate(p->vm, at + off, n, access) != 0)
            return;
        arch_idle_poll();
        if (sched_interrupted())
            return;
    }
}

uint32_t mm_fill_access(uint32_t prot, int shared)
{
    int cow = (prot & VM_PROT_WRITE) && !shared;
    return cow ? VM_PROT_WRITE : prot & ~(uint32_t)VM_PROT_WRITE;
}

/* MAP_POPULATE (unless MAP_NONBLOCK: Linux 2.6.23 on) and MAP_LOCKED (or
 * mlockall(MCL_FUTURE) without MCL_ONFAULT) fault the pages in now
 * (mm_fill). */
static void mmap_populate(struct proc *p, uint64_t at, uint64_t len, uint32_t prot, uint64_t flags)
{
    int locked = (flags & MAP_LOCKED) || (p->vm->def_flags && !p->vm->lock_onfault);
    if (!locked && (flags & (MAP_POPULATE | MAP_NONBLOCK)) != MAP_POPULATE)
        return;
    mm_fill(p, at, len, mm_fill_access(prot, (flags & MAP_TYPE) != MAP_PRIVATE));
}

/* MAP_LOCKED: the new mapping is locked as mlock locks (VmLck), within
 * RLIMIT_MEMLOCK unless the caller has CAP_IPC_LOCK (-EAGAIN, as Linux's
 * mmap answers). Checked before anything is mapped. */
static int mmap_lock_check(struct proc *p, uint64_t len, uint64_t flags)
{
    if (!(flags & MAP_LOCKED) && !p->vm->def_flags)
        return 0;
    return mm_lock_room(p, len) ? 0 : -EAGAIN;
}

/* mmap's arguments as Linux's do_mmap checks them: 0 or -errno. */
static int mmap_check(uint64_t len, uint64_t prot, uint64_t flags, uint64_t off)
{
    uint64_t type = flags & MAP_TYPE;
    if (len == 0 || page_offset(off) || (prot & ~7ull))
        return -EINVAL;
    if (type != MAP_SHARED && type != MAP_PRIVATE && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (type == MAP_SHARED_VALIDATE && (flags & MAP_ANONYMOUS))
        return -EINVAL; /* Linux: for files only */
    if (flags & ~(uint64_t)MAP_KNOWN)
        return type == MAP_SHARED_VALIDATE ? -EOPNOTSUPP : -EINVAL;
    if (page_round_up(len) < len || page_round_up(len) >= USER_MAX)
        return -ENOMEM;
    return 0;
}

static int64_t sys_mmap(uint64_t addr, uint64_t len, uint64_t prot, uint64_t flags, uint64_t fd,
                        uint64_t off)
{
    struct proc *p = proc_current();
    struct file *f = 0;
    uint32_t vprot = (uint32_t)prot; /* PROT_* == VM_PROT_* */
    uint64_t at;
    int err = mmap_check(len, prot, flags, off);
    if (!err && !(flags & MAP_ANONYMOUS))
        err = mmap_file_check(p, fd, len, prot, flags, off, &f);
    len = page_round_up(len);
    if (!err)
        err = mmap_lock_check(p, len, flags);
    if (!err)
        err = mmap_place(p, addr, len, flags, &at);
    if (!err)
        err = f ? mmap_file(p, f, at, len, vprot, flags, off) : mmap_anon(p, at, len, vprot, flags);
    if (!err && (flags & MAP_LOCKED) && (err = vmspace_lock(p->vm, at, len, 1)))
        vmspace_unmap(p->vm, at, len);
    if (err)
        return err;
    mmap_populate(p, at, len, vprot, flags);
    return (int64_t)at;
}

static int64_t sys_munmap(uint64_t addr, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    if (page_offset(addr) || len == 0 || page_round_up(len) < len)
        return -EINVAL;
    if (addr + page_round_up(len) > USER_MAX || addr + page_round_up(len) < addr)
        return -EINVAL;
    return vmspace_unmap(proc_current()->vm, addr, page_round_up(len));
}

int64_t mm_protect(uint64_t addr, uint64_t len, uint64_t prot, int pkey)
{
    if (page_offset(addr) || (prot & ~7ull) || page_round_up(len) < len)
        return -EINVAL;
    if (len == 0)
        return 0;
    if (pkey != -1)
        return -EINVAL; /* no key is ever allocated (sys_pkey.c) */
    if (!user_range_ok((void *)addr, page_round_up(len)))
        return -ENOMEM;
    return vmspace_protect(proc_current()->vm, addr, page_round_up(len), (uint32_t)prot);
}

static int64_t sys_mprotect(uint64_t addr, uint64_t len, uint64_t prot, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return mm_protect(addr, len, prot, -1);
}

/* No page of [addr, addr + len) lies in a file or shared mapping: the
 * regions meeting the range are looked at, not its pages. */
static int private_anon(struct proc *p, uint64_t addr, uint64_t len)
{
    uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;
    for (const struct vm_region *r = vm_map_next(&p->vm->map, addr); r && r->start < end;
         r = r->next)
        if (r->kind == VM_FILE || (r->flags & VM_SHARED))
            return 0;
    return 1;
}

static int madv_dontneed(uint64_t addr, uint64_t len)
{
    if (len == 0)
        return 0;
    if (!user_range_ok((void *)addr, page_round_up(len)))
        return -ENOMEM;
    return vmspace_discard(proc_current()->vm, addr, page_round_up(len));
}

static int64_t sys_madvise(uint64_t addr, uint64_t len, uint64_t advice, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    if (page_offset(addr) || page_round_up(len) < len)
        return -EINVAL;
    switch (advice) {
    case MADV_NORMAL:
    case MADV_RANDOM:
    case MADV_SEQUENTIAL:
    case MADV_WILLNEED:
        return 0;   /* hints about paging: nothing is paged here */
    case MADV_FREE: /* freeing at once is what it allows */
        if (!private_anon(proc_current(), addr, page_round_up(len)))
            return -EINVAL; /* Linux: private anonymous memory only */
        return madv_dontneed(addr, len);
    case MADV_DONTNEED:
        return madv_dontneed(addr, len);
    default:
        return -EINVAL;
    }
}

#define MS_ASYNC      1
#define MS_INVALIDATE 2
#define MS_SYNC       4

/* msync (mm/msync.c): checked as Linux checks it, -ENOMEM when part of the
 * range is not mapped. Nothing else to do: a file mapping maps the page
 * cache's own pages, which are the file (tmpfs has nowhere to write them
 * back to), and there is no stale copy for MS_INVALIDATE to drop. */
static int64_t sys_msync(uint64_t addr, uint64_t len, uint64_t flags, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    if ((flags & ~(uint64_t)(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) || page_offset(addr) ||
        ((flags & MS_ASYNC) && (flags & MS_SYNC)))
        return -EINVAL;
    uint64_t end = addr + page_round_up(len); /* a length near 2^64 rounds to 0, as Linux's */
    if (end < addr)
        return -ENOMEM;
    if (end == addr)
        return 0;
    return vm_map_covers(&proc_current()->vm->map, addr, end) ? 0 : -ENOMEM;
}

#define MREMAP_MAYMOVE 1
#define MREMAP_FIXED   2

/* The region holding all of [addr, addr + len), or NULL (-EFAULT). */
static struct vm_region *one_region(struct proc *p, uint64_t addr, uint64_t len)
{
    struct vm_region *r = vm_map_find(&p->vm->map, addr);
    return r && addr + len <= r->end ? r : 0;
}

/* What mremap's new range [at, at + len) keeps of the region r it comes
 * from (r is stale after): its lock (the lock moves with the pages) and
 * its memory policy (mbind's, which Linux keeps with the vma). 0, or
 * -ENOMEM with the range unmapped. */
static int mremap_keep(struct proc *p, uint64_t at, uint64_t len, int locked,
                       const struct vm_policy *pol)
{
    int err = locked ? vmspace_lock(p->vm, at, len, 1) : 0;
    if (!err && pol->mode != MPOL_DEFAULT)
        err = vm_map_set_policy(&p->vm->map, at, at + len, pol);
    if (err)
        vmspace_unmap(p->vm, at, len);
    return err;
}

/* Grow [old, old + osz) to nsz bytes in place, if the room after it is
 * free (anonymous memory only). */
static int mremap_grow(struct proc *p, const struct vm_region *r, uint64_t old, uint64_t osz,
                       uint64_t nsz)
{
    int locked = (r->flags & VM_LOCKED) != 0;
    struct vm_policy pol = r->pol;
    if (r->kind == VM_FILE || old + nsz > USER_MAX || old + nsz < old)
        return -ENOMEM;
    if (vm_map_meets(&p->vm->map, old + osz, old + nsz))
        return -ENOMEM;
    int err = vmspace_map_anon(p->vm, old + osz, nsz - osz, r->prot, VM_ANON);
    return err ? err : mremap_keep(p, old + osz, nsz - osz, locked, &pol);
}

/* Move [old, old + osz) to a new place of nsz bytes (at fixed if FIXED). */
static int64_t mremap_move(struct proc *p, const struct vm_region *r, uint64_t old, uint64_t osz,
                           uint64_t nsz, uint64_t flags, uint64_t fixed)
{
    uint64_t at, prot = r->prot;
    int locked = (r->flags & VM_LOCKED) != 0;
    struct vm_policy pol = r->pol;
    if (r->kind == VM_FILE)
        return -ENOMEM; /* file mappings stay where they are */
    if ((flags & MREMAP_FIXED) && (fixed < old + osz && old < fixed + nsz))
        return -EINVAL;
    int err = mmap_place(p, fixed, nsz, (flags & MREMAP_FIXED) ? MAP_FIXED : 0, &at);
    if (err || (err = vmspace_map_anon(p->vm, at, nsz, (uint32_t)prot, VM_ANON)) ||
        (err = mremap_keep(p, at, nsz, locked, &pol)))
        return err;
    if ((err = vmspace_move(p->vm, old, at, osz < nsz ? osz : nsz))) {
        vmspace_unmap(p->vm, at, nsz);
        return err;
    }
    vmspace_unmap(p->vm, old, osz);
    return (int64_t)at;
}

/* mremap (mm/mremap.c): shrink in place, grow in place when there is room,
 * else move the pages (no copy) when MREMAP_MAYMOVE allows. */
static int64_t sys_mremap(uint64_t old, uint64_t osz, uint64_t nsz, uint64_t flags, uint64_t fixed,
                          uint64_t a5)
{
    ARG(a5);
    struct proc *p = proc_current();
    if (page_offset(old) || (flags & ~(uint64_t)(MREMAP_MAYMOVE | MREMAP_FIXED)) || nsz == 0 ||
        osz == 0 || ((flags & MREMAP_FIXED) && (!(flags & MREMAP_MAYMOVE) || page_offset(fixed))))
        return -EINVAL;
    if (page_round_up(osz) < osz || page_round_up(nsz) < nsz)
        return -ENOMEM;
    osz = page_round_up(osz);
    nsz = page_round_up(nsz);
    struct vm_region *r = one_region(p, old, osz);
    if (!r)
        return -EFAULT;
    if (!(flags & MREMAP_FIXED)) {
        if (nsz <= osz) {
            if (nsz < osz)
                vmspace_unmap(p->vm, old + nsz, osz - nsz);
            return (int64_t)old;
        }
        if (mremap_grow(p, r, old, osz, nsz) == 0)
            return (int64_t)old;
    }
    if (!(flags & MREMAP_MAYMOVE))
        return -ENOMEM;
    return mremap_move(p, r, old, osz, nsz, flags, fixed);
}

void sys_mm_register(void)
{
    syscall_register(SYS_mremap, sys_mremap);
    syscall_register(SYS_mmap, sys_mmap);
    syscall_register(SYS_mprotect, sys_mprotect);
    syscall_register(SYS_munmap, sys_munmap);
    syscall_register(SYS_brk, sys_brk);
    syscall_register(SYS_madvise, sys_madvise);
    syscall_register(SYS_msync, sys_msync);
}
