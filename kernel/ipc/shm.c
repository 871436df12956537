/* System V shared memory (shmget(2), shmat(2), shmdt(2), shmctl(2)).
 *
 * A segment's pages are a page cache (kernel/fs/pcache.c) of a vnode no
 * directory names, as Linux's are a file of its internal shm mount. An
 * attach is a shared VM_FILE region over the segment's own memory object,
 * whose pager hands out that cache's pages and counts the regions holding
 * it: that count is shm_nattch, so fork (which copies the regions), exec
 * and exit (which drop them) and a split region count as on Linux, where
 * shm_nattch counts the vmas. IPC_RMID of an attached segment only marks
 * it (SHM_DEST, key IPC_PRIVATE); the last detach frees it. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/ipcobj.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* Linux 6.1's defaults (include/uapi/linux/shm.h) */
#define SHMMIN 1ull
#define SHMMNI 4096u
#define SHMMAX (UINT64_MAX - (1ull << 24))
#define SHMALL (UINT64_MAX - (1ull << 24)) /* pages */
/* shmget flags */
#define SHM_HUGETLB   04000
#define SHM_NORESERVE 010000
/* shmat flags */
#define SHM_RDONLY  010000
#define SHM_RND     020000
#define SHM_REMAP   040000
#define SHM_EXEC    0100000
#define SHMAT_KNOWN (SHM_RDONLY | SHM_RND | SHM_REMAP | SHM_EXEC)
/* mode bits */
#define SHM_DEST   01000
#define SHM_LOCKED 02000
/* shmctl commands */
#define SHM_LOCK     11
#define SHM_UNLOCK   12
#define SHM_STAT     13
#define SHM_INFO     14
#define SHM_STAT_ANY 15

/* Linux x86-64 struct shmid64_ds, shminfo64, shm_info. */
struct shmid64_ds {
    struct ipc64_perm shm_perm;
    uint64_t shm_segsz;
    int64_t shm_atime, shm_dtime, shm_ctime;
    int32_t shm_cpid, shm_lpid;
    uint64_t shm_nattch, unused4, unused5;
};
_Static_assert(sizeof(struct shmid64_ds) == 112, "Linux x86-64 struct shmid64_ds");
_Static_assert(__builtin_offsetof(struct shmid64_ds, shm_cpid) == 80, "shmid64_ds.shm_cpid");
_Static_assert(__builtin_offsetof(struct shmid64_ds, shm_nattch) == 88, "shmid64_ds.shm_nattch");

struct shminfo64 {
    uint64_t shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};
_Static_assert(sizeof(struct shminfo64) == 72, "Linux x86-64 struct shminfo64");

struct shm_info {
    int32_t used_ids;
    uint64_t shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};
_Static_assert(sizeof(struct shm_info) == 48, "Linux x86-64 struct shm_info");

struct shm_seg {
    struct ipc_obj ipc;   /* first: the list holds these */
    struct vm_object obj; /* what attaches map */
    struct vnode *vn;     /* the pages: vn's page cache */
    uint64_t size;        /* bytes asked for */
    uint64_t nattch;      /* regions holding obj */
    int64_t atime, dtime;
    int32_t cpid, lpid;
};

struct ipc_ids shm_ids = {.mni = SHMMNI, .last_idx = -1};
static uint64_t shm_tot; /* pages of all segments (SHMALL) */

static struct shm_seg *seg_of_obj(struct vm_object *o)
{
    return (struct shm_seg *)((char *)o - __builtin_offsetof(struct shm_seg, obj));
}

static uint64_t seg_pages(const struct shm_seg *s)
{
    return page_round_up(s->size) / PAGE_SIZE;
}

static void seg_free(struct shm_seg *s)
{
    ipc_remove(&shm_ids, &s->ipc);
    shm_tot -= seg_pages(s);
    vn_unref(s->vn); /* its pages go with it */
    kfree(s);
}

/* --- the pager: attaches' way to the pages ------------------------------------ */

static int shm_get(struct vm_object *o, uint64_t idx, int how, struct page **pg)
{
    struct shm_seg *s = seg_of_obj(o);
    if (idx >= seg_pages(s))
        return -EIO;
    return pc_get(s->vn, idx, how, pg);
}

/* A region maps the segment: an attach, fork's copy, or a split (Linux's
 * shm_open). */
static void shm_hold(struct vm_object *o)
{
    struct shm_seg *s = seg_of_obj(o);
    s->nattch++;
    s->atime = ipc_now();
    s->lpid = ipc_pid();
}

/* A region mapping it is gone (Linux's shm_close): the last one frees a
 * removed segment. */
static void shm_drop(struct vm_object *o)
{
    struct shm_seg *s = seg_of_obj(o);
    s->nattch--;
    s->dtime = ipc_now();
    s->lpid = ipc_pid();
    if (s->nattch == 0 && (s->ipc.mode & SHM_DEST))
        seg_free(s);
}

static const struct vm_pager shm_pager = {shm_get, shm_hold, shm_drop};

/* --- shmget -------------------------------------------------------------------- */

/* Linux's newseg: the size within SHMMIN..SHMMAX and SHMALL, and unless
 * SHM_NORESERVE no more than memory holds (the overcommit heuristic's
 * refusal). Pages come on first touch. */
static int shm_create(int32_t key, int flags, uint64_t size)
{
    struct pmem_stats st;
    if (flags & SHM_HUGETLB)
        return -EINVAL; /* no huge pages */
    if (size < SHMMIN || size > SHMMAX)
        return -EINVAL;
    uint64_t pages = page_round_up(size) / PAGE_SIZE;
    if (shm_tot + pages < shm_tot || shm_tot + pages > SHMALL)
        return -ENOSPC;
    pmem_stats(&st);
    if (!(flags & SHM_NORESERVE) && pages > st.total_pages)
        return -ENOMEM;
    if (shm_ids.in_use >= shm_ids.mni)
        return -ENOSPC;
    struct shm_seg *s = kzalloc(sizeof(*s));
    struct vnode *vn = s ? vn_alloc(S_IFREG | ((uint32_t)flags & 0777)) : 0;
    if (!vn) {
        kfree(s);
        return -ENOMEM;
    }
    vn->size = size;
    s->vn = vn;
    s->size = size;
    s->obj.pager = &shm_pager;
    s->cpid = ipc_pid();
    ipc_add(&shm_ids, &s->ipc, key, flags); /* room checked above */
    shm_tot += pages;
    return s->ipc.id;
}

/* An existing segment asked for with size: no larger than it is. */
static int shm_check(struct ipc_obj *o, uint64_t size)
{
    return size > ((struct shm_seg *)o)->size ? -EINVAL : 0;
}

static const struct ipc_kind shm_kind = {&shm_ids, shm_create, shm_check};

static int64_t sys_shmget(uint64_t key, uint64_t size, uint64_t flags, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return ipc_get(&shm_kind, (int32_t)key, (int)flags, size);
}

/* --- shmat and shmdt ------------------------------------------------------------ */

static struct shm_seg *shm_find(int64_t id)
{
    return (struct shm_seg *)ipc_find(&shm_ids, id);
}

/* Where an attach at addr goes (Linux's do_shmat with x86's SHMLBA of a
 * page): 0 and *at, or -EINVAL (misaligned without SHM_RND, SHM_REMAP
 * without an address or rounded to 0, a range taken without SHM_REMAP). */
static int shmat_place(struct proc *p, uint64_t addr, int flags, uint64_t len, uint64_t *at)
{
    if (!addr) {
        if (flags & SHM_REMAP)
            return -EINVAL;
        if (vm_map_find_gap(&p->vm->map, p->mmap_base, len, at) == 0)
            return 0;
        return vm_map_find_gap(&p->vm->map, USER_MIN, len, at) ? -ENOMEM : 0;
    }
    if (page_offset(addr)) {
        if (!(flags & SHM_RND))
            return -EINVAL;
        addr = page_round_down(addr);
        if (!addr && (flags & SHM_REMAP))
            return -EINVAL;
    }
    if (!user_range_ok((void *)addr, len))
        return -EINVAL;
    if (!(flags & SHM_REMAP) && vm_map_meets(&p->vm->map, addr, addr + len))
        return -EINVAL;
    *at = addr;
    return 0;
}

static int64_t sys_shmat(uint64_t id, uint64_t addr, uint64_t flags, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    int f = (int)flags;
    if ((int64_t)(int32_t)id < 0 || (flags & ~(uint64_t)SHMAT_KNOWN))
        return -EINVAL;
    struct shm_seg *s = shm_find((int32_t)id);
    if (!s)
        return -EINVAL;
    unsigned want = (f & SHM_RDONLY) ? 0400 : 0600;
    int err = ipc_access(&s->ipc, want | ((f & SHM_EXEC) ? 0100 : 0));
    uint64_t len = page_round_up(s->size), at = 0;
    if (!err)
        err = shmat_place(p, addr, f, len, &at);
    if (err)
        return err;
    if (f & SHM_REMAP)
        vmspace_unmap(p->vm, at, len);
    uint32_t prot =
        VM_PROT_READ | ((f & SHM_RDONLY) ? 0 : VM_PROT_WRITE) | ((f & SHM_EXEC) ? VM_PROT_EXEC : 0);
    uint16_t vflags = VM_SHARED | ((f & SHM_RDONLY) ? VM_RDONLY : 0);
    err = vmspace_map_file(p->vm, at, len, prot, vflags, &s->obj, 0);
    return err ? err : (int64_t)at;
}

/* r maps a segment as an attach at addr would have: its page at r->start
 * is the one (r->start - addr) into the segment. */
static int is_attach(const struct vm_region *r, uint64_t addr)
{
    return r->kind == VM_FILE && r->obj->pager == &shm_pager && r->start >= addr &&
           (r->start - addr) / PAGE_SIZE == r->pgoff;
}

/* Linux's shmdt: the first region at or above addr that is an attach from
 * addr names the segment; it goes, and so do the later regions of the
 * same segment within its size that line up with addr. */
static int64_t sys_shmdt(uint64_t addr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vmspace *vm = proc_current()->vm;
    if (page_offset(addr) || addr >= USER_MAX)
        return -EINVAL;
    struct vm_region *r = vm_map_next(&vm->map, addr);
    while (r && !is_attach(r, addr))
        r = r->next;
    if (!r)
        return -EINVAL;
    struct vm_object *obj = r->obj; /* compared only: it may go below */
    uint64_t end = addr + page_round_up(seg_of_obj(obj)->size), next = r->end;
    vmspace_unmap(vm, r->start, r->end - r->start);
    while ((r = vm_map_next(&vm->map, next)) && r->end <= end) {
        next = r->end;
        if (r->obj == obj && is_attach(r, addr))
            vmspace_unmap(vm, r->start, r->end - r->start);
    }
    return 0;
}

/* --- shmctl --------------------------------------------------------------------- */

static void shm_ds(const struct shm_seg *s, struct shmid64_ds *ds)
{
    *ds = (struct shmid64_ds){.shm_segsz = s->size,
                              .shm_atime = s->atime,
                              .shm_dtime = s->dtime,
                              .shm_ctime = s->ipc.ctime,
                              .shm_cpid = s->cpid,
                              .shm_lpid = s->lpid,
                              .shm_nattch = s->nattch};
    ipc_perm_out(&s->ipc, &ds->shm_perm);
}

/* Resident pages of all segments. */
static uint64_t shm_rss(void)
{
    uint64_t n = 0;
    for (struct ipc_obj *o = shm_ids.head; o; o = o->next)
        n += pc_file_pages(((struct shm_seg *)o)->vn);
    return n;
}

static int64_t shm_info(int cmd, uint64_t ubuf)
{
    if (cmd == IPC_INFO) {
        struct shminfo64 si = {SHMMAX, SHMMIN, SHMMNI, SHMMNI, SHMALL, {0}};
        if (copy_to_user((void *)ubuf, &si, sizeof(si)))
            return -EFAULT;
    } else {
        struct shm_info si = {
            .used_ids = (int32_t)shm_ids.in_use, .shm_tot = shm_tot, .shm_rss = shm_rss()};
        if (copy_to_user((void *)ubuf, &si, sizeof(si)))
            return -EFAULT;
    }
    return ipc_max_idx(&shm_ids);
}

/* IPC_STAT (by id) and SHM_STAT, SHM_STAT_ANY (by index, the result the
 * id). */
static int64_t shm_stat(int cmd, int64_t id, uint64_t ubuf)
{
    struct shmid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_stat_obj(&shm_ids, cmd == IPC_STAT, id, cmd == SHM_STAT_ANY, &o);
    if (err)
        return err;
    struct shm_seg *s = (struct shm_seg *)o;
    shm_ds(s, &ds);
    if (copy_to_user((void *)ubuf, &ds, sizeof(ds)))
        return -EFAULT;
    return cmd == IPC_STAT ? 0 : s->ipc.id;
}

/* IPC_SET, IPC_RMID, SHM_LOCK, SHM_UNLOCK (pages are never swapped out
 * here, so a segment is always as good as locked; the bit is kept). */
static int64_t shm_change(int cmd, int64_t id, uint64_t ubuf)
{
    struct shmid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_change_obj(&shm_ids, id, cmd == IPC_SET ? &ds : 0, sizeof(ds), ubuf, &o);
    if (err)
        return err;
    struct shm_seg *s = (struct shm_seg *)o;
    if (cmd == IPC_SET)
        ipc_perm_set(&s->ipc, &ds.shm_perm);
    else if (cmd == SHM_LOCK)
        s->ipc.mode |= SHM_LOCKED;
    else if (cmd == SHM_UNLOCK)
        s->ipc.mode &= ~(uint32_t)SHM_LOCKED;
    else if (s->nattch == 0)
        seg_free(s);
    else {
        s->ipc.mode |= SHM_DEST;
        s->ipc.key = IPC_PRIVATE;
    }
    return 0;
}

static int64_t sys_shmctl(uint64_t id, uint64_t cmd, uint64_t ubuf, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int c = (int)cmd, i = (int)id;
    if (c < 0 || i < 0)
        return -EINVAL;
    switch (c) {
    case IPC_INFO:
    case SHM_INFO:
        return shm_info(c, ubuf);
    case IPC_STAT:
    case SHM_STAT:
    case SHM_STAT_ANY:
        return shm_stat(c, i, ubuf);
    case IPC_SET:
    case IPC_RMID:
    case SHM_LOCK:
    case SHM_UNLOCK:
        return shm_change(c, i, ubuf);
    default:
        return -EINVAL;
    }
}

/* --- /proc ----------------------------------------------------------------------- */

int gen_sysvipc_shm(int id, char *buf, size_t n)
{
    (void)id;
    size_t len = (size_t)snprintf(buf, n,
                                  "       key      shmid perms                  size  cpid  lpid "
                                  "nattch   uid   gid  cuid  cgid      atime      dtime      ctime "
                                  "                  rss                  swap\n");
    for (struct ipc_obj *o = shm_ids.head; o && len < n; o = o->next) {
        struct shm_seg *s = (struct shm_seg *)o;
        size_t k =
            (size_t)snprintf(buf + len, n - len,
                             "%10d %10d  %4o %21llu %5d %5d  %5llu %5u %5u %5u %5u %10lld %10lld "
                             "%10lld %21llu %21llu\n",
                             o->key, o->id, o->mode, (unsigned long long)s->size, s->cpid, s->lpid,
                             (unsigned long long)s->nattch, o->uid, o->gid, o->cuid, o->cgid,
                             (long long)s->atime, (long long)s->dtime, (long long)o->ctime,
                             (unsigned long long)pc_file_pages(s->vn) * PAGE_SIZE, 0ull);
        if (len + k >= n) {
            buf[len] = 0; /* whole lines only */
            break;
        }
        len += k;
    }
    return len < n ? (int)len : (int)n - 1; /* n - 1: the header alone did not fit */
}

int gen_sys_shmmax(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%llu\n", (unsigned long long)SHMMAX);
}

int gen_sys_shmall(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%llu\n", (unsigned long long)SHMALL);
}

int gen_sys_shmmni(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%u\n", SHMMNI);
}

void shm_register(void)
{
    syscall_register(SYS_shmget, sys_shmget);
    syscall_register(SYS_shmat, sys_shmat);
    syscall_register(SYS_shmdt, sys_shmdt);
    syscall_register(SYS_shmctl, sys_shmctl);
}
