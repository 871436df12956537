/* fallocate(2) (and so posix_fallocate) on tmpfs regular files: mode 0
 * gives the range memory and grows the file to cover it; with
 * FALLOC_FL_KEEP_SIZE the size stays. Memory that cannot be had is
 * -ENOSPC (tmpfs's full), with nothing changed. Linux's checks in Linux's order
 * (vfs_fallocate, then shmem_fallocate's own): every other mode Linux
 * knows is -EOPNOTSUPP, as tmpfs answers for those it lacks (the hole
 * punch is not here yet), an unknown one too. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define FALLOC_FL_KEEP_SIZE      0x01
#define FALLOC_FL_PUNCH_HOLE     0x02
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE     0x10
#define FALLOC_FL_INSERT_RANGE   0x20
#define FALLOC_FL_UNSHARE_RANGE  0x40
/* Linux's FALLOC_FL_SUPPORTED_MASK: the modes Linux knows. */
#define FALLOC_FL_KNOWN                                                                            \
    (FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE | FALLOC_FL_COLLAPSE_RANGE |                       \
     FALLOC_FL_ZERO_RANGE | FALLOC_FL_INSERT_RANGE | FALLOC_FL_UNSHARE_RANGE)

/* vfs_fallocate's rules for the mode's bits. */
static int mode_check(uint32_t mode)
{
    if (mode & ~(uint32_t)FALLOC_FL_KNOWN)
        return -EOPNOTSUPP;
    if ((mode & FALLOC_FL_PUNCH_HOLE) &&
        (mode & FALLOC_FL_ZERO_RANGE || !(mode & FALLOC_FL_KEEP_SIZE)))
        return -EOPNOTSUPP;
    if (mode & FALLOC_FL_COLLAPSE_RANGE && mode != FALLOC_FL_COLLAPSE_RANGE)
        return -EINVAL;
    if (mode & FALLOC_FL_INSERT_RANGE && mode != FALLOC_FL_INSERT_RANGE)
        return -EINVAL;
    if (mode & FALLOC_FL_UNSHARE_RANGE &&
        mode & ~(uint32_t)(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE))
        return -EINVAL;
    return 0;
}

/* The file's kind, as vfs_fallocate sorts them: 0 for a tmpfs regular file. */
static int kind_check(const struct vnode *vn)
{
    if (S_ISFIFO(vn->mode))
        return -ESPIPE;
    if (S_ISDIR(vn->mode))
        return -EISDIR;
    if (!S_ISREG(vn->mode))
        return -ENODEV;
    return vn->fops ? -EOPNOTSUPP : 0; /* a generated (/proc) file */
}

static int64_t sys_fallocate(uint64_t fd, uint64_t umode, uint64_t uoff, uint64_t ulen, uint64_t a4,
                             uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct file *f = fd_get(proc_current(), (int)fd);
    uint32_t mode = (uint32_t)umode;
    int64_t off = (int64_t)uoff, len = (int64_t)ulen;
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    if (off < 0 || len <= 0)
        return -EINVAL;
    int err = mode_check(mode);
    if (!err && (f->flags & O_ACCMODE) == O_RDONLY)
        err = -EBADF;
    if (!err)
        err = kind_check(f->vn);
    if (!err && off > INT64_MAX - len)
        err = -EFBIG; /* past the largest size, or wrapping */
    if (!err && (mode & ~(uint32_t)FALLOC_FL_KEEP_SIZE))
        err = -EOPNOTSUPP; /* tmpfs's own answer: only mode 0 and KEEP_SIZE here */
    if (err)
        return err;
    struct vnode *vn = f->vn;
    uint64_t end = (uint64_t)(off + len);
    if (end > vn->size && (err = file_size_check(end))) /* KEEP_SIZE too, as shmem */
        return err;
    if (end > vn->size && (err = memfd_size_check(vn, end))) /* F_SEAL_GROW, KEEP_SIZE too */
        return err;
    if (reg_allocate(vn, (uint64_t)off, (uint64_t)len))
        return -ENOSPC; /* tmpfs's answer when it cannot have the pages */
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > vn->size)
        vn->size = end;
    vn_touch(vn, VN_MTIME | VN_CTIME); /* Linux's file_modified, KEEP_SIZE too */
    vn_notify(vn, IN_MODIFY);
    return 0;
}

void sys_falloc_register(void)
{
    syscall_register(SYS_fallocate, sys_fallocate);
}
