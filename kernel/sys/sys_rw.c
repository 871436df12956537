/* Positioned and vectored I/O on open descriptors: pread64, pwrite64,
 * readv, writev, preadv, pwritev, preadv2, pwritev2. Linux semantics and
 * errno values; read and write themselves are in sys_file.c. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* fd arguments are C ints: only the low 32 bits count (as on Linux). */
static struct file *getf(int64_t fd)
{
    return fd_get(proc_current(), (int)fd);
}

/* A transfer's position: POS_FILE for the file's own offset (read,
 * write, readv, writev, and preadv2/pwritev2's -1), else a byte offset. */
#define POS_FILE UINT64_MAX

/* One transfer of n bytes at off (POS_FILE: the file's offset). A
 * positioned read of a generated file reads at off with its own offset
 * put back after; devices that ignore positions ignore this one. */
static long xfer(struct file *f, uint64_t buf, uint64_t n, uint64_t off, int write)
{
    if (off == POS_FILE)
        return write ? file_write(f, (void *)buf, n) : file_read(f, (void *)buf, n);
    if (write)
        return file_pwrite(f, (void *)buf, n, off);
    if (!f->vn->fops || f->vn->fops->seekable == VN_SEEK_IGNORE)
        return file_pread(f, (void *)buf, n, off);
    uint64_t keep = f->off;
    f->off = off;
    long r = file_read(f, (void *)buf, n);
    f->off = keep;
    return r;
}

/* The file at fd for a positioned transfer at off, as Linux checks it:
 * -EINVAL for a negative offset (before the descriptor), -EBADF, and
 * -ESPIPE where there is no position (pipes, the console). */
static int get_positioned(uint64_t fd, uint64_t off, struct file **out)
{
    if ((int64_t)off < 0)
        return -EINVAL;
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    int seek = f->vn->fops ? f->vn->fops->seekable : VN_SEEK_OFFSET;
    if (seek == VN_SEEK_NONE)
        return -ESPIPE;
    *out = f;
    return 0;
}

/* pread/pwrite: at off, leaving the file offset alone. */
static int64_t prw(uint64_t fd, uint64_t buf, uint64_t n, uint64_t off, int write)
{
    struct file *f;
    int err = get_positioned(fd, off, &f);
    if (err)
        return err;
    n = n < RW_MAX ? n : RW_MAX;
    return xfer(f, buf, n, off, write);
}

static int64_t sys_pread64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t off, uint64_t a4,
                           uint64_t a5)
{
    ARG(a4), ARG(a5);
    return prw(fd, buf, n, off, 0);
}

static int64_t sys_pwrite64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t off, uint64_t a4,
                            uint64_t a5)
{
    ARG(a4), ARG(a5);
    return prw(fd, buf, n, off, 1);
}

/* readv/writev and their positioned kin (vec_check passed): one transfer
 * per element, at off (POS_FILE: the file's offset) onwards, stopping at
 * a short one. A bad element after some bytes moved ends the call with
 * their count. */
/* What Linux's vfs_readv/vfs_writev check before the vector is read: the
 * access mode (-EBADF, even for an empty vector), then its length. */
static int vec_check(const struct file *f, uint64_t cnt, int write)
{
    uint32_t acc = f->flags & O_ACCMODE;
    if ((f->flags & O_PATH) || acc == (write ? O_RDONLY : O_WRONLY))
        return -EBADF;
    return cnt > IOV_MAX ? -EINVAL : 0;
}

static int64_t rw_vec(struct file *f, uint64_t uiov, uint64_t cnt, uint64_t off, int write)
{
    int64_t total = 0;
    file_ref(f);
    for (uint64_t i = 0; i < cnt; i++) {
        struct iovec_k v;
        long r = copy_from_user(&v, (void *)(uiov + i * sizeof(v)), sizeof(v)) ? -EFAULT : 0;
        if (v.len > RW_MAX - (uint64_t)total) /* the whole vector, as Linux's import_iovec */
            v.len = RW_MAX - (uint64_t)total;
        if (r == 0 && v.len)
            r = xfer(f, v.base, v.len, off == POS_FILE ? off : off + (uint64_t)total, write);
        if (r < 0) {
            total = total ? total : r;
            break;
        }
        total += r;
        if ((uint64_t)r < v.len)
            break;
    }
    file_unref(f);
    if (total == -EPIPE)
        sig_send_self(SIGPIPE);
    return total;
}

static int64_t rw_vec_fd(uint64_t fd, uint64_t uiov, uint64_t cnt, int write)
{
    struct file *f = getf((int64_t)fd);
    int err = f ? vec_check(f, cnt, write) : -EBADF;
    return err ? err : rw_vec(f, uiov, cnt, POS_FILE, write);
}

static int64_t sys_readv(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return rw_vec_fd(fd, iov, cnt, 0);
}

static int64_t sys_writev(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return rw_vec_fd(fd, iov, cnt, 1);
}

/* preadv2/pwritev2 flags (RWF_*). HIPRI asks for polled completion of
 * direct I/O; Linux, too, has no effect from it on a file without polled
 * queues, and every transfer here completes before the call returns.
 * DSYNC and SYNC ask for the data (and metadata) to be durable when the
 * call returns: files live in memory, as durable as they get, as fsync
 * says. NOWAIT and APPEND are done below. Others: -EOPNOTSUPP, as Linux's
 * kiocb_set_rw_flags. */
#define RWF_HIPRI     0x1
#define RWF_DSYNC     0x2
#define RWF_SYNC      0x4
#define RWF_NOWAIT    0x8
#define RWF_APPEND    0x10
#define RWF_SUPPORTED (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)

/* RWF_NOWAIT is honoured where a transfer can be kept from waiting: a
 * regular file (memory: it never waits) and a pipe (as O_NONBLOCK for
 * this call); elsewhere -EOPNOTSUPP, as Linux for a file without
 * FMODE_NOWAIT. */
static int rwf_check(const struct file *f, uint32_t flags)
{
    if (flags & ~(uint32_t)RWF_SUPPORTED)
        return -EOPNOTSUPP;
    if ((flags & RWF_NOWAIT) && f->vn->fops && !pipe_is(f))
        return -EOPNOTSUPP;
    return 0;
}

/* The open-file flags a transfer with flags adds for its duration: NOWAIT
 * is O_NONBLOCK; APPEND at the file's offset is O_APPEND (a positioned
 * one goes to the end instead: rw_vec_flags). */
static uint32_t rwf_file_flags(uint32_t flags, uint64_t pos, int write)
{
    uint32_t add = flags & RWF_NOWAIT ? O_NONBLOCK : 0;
    if ((flags & RWF_APPEND) && write && pos == POS_FILE)
        add |= O_APPEND;
    return add;
}

/* preadv/pwritev (flags 0, pos >= 0) and preadv2/pwritev2 (pos -1: the
 * file's offset, as readv/writev). The flags' open-file bits are put on
 * for the call and taken off after (only those it added): a transfer
 * with them does not wait, so no other thread runs meanwhile. */
static int64_t rw_vec_flags(uint64_t fd, uint64_t uiov, uint64_t cnt, uint64_t pos, uint32_t flags,
                            int write)
{
    struct file *f = 0;
    int err = pos == POS_FILE ? 0 : get_positioned(fd, pos, &f);
    if (!err && pos == POS_FILE && !(f = getf((int64_t)fd)))
        err = -EBADF;
    if (!err)
        err = vec_check(f, cnt, write);
    if (!err)
        err = rwf_check(f, flags);
    if (err)
        return err;
    if ((flags & RWF_APPEND) && write && pos != POS_FILE && !f->vn->fops)
        pos = f->vn->size;
    uint32_t add = rwf_file_flags(flags, pos, write) & ~f->flags;
    f->flags |= add;
    int64_t r = rw_vec(f, uiov, cnt, pos, write);
    f->flags &= ~add;
    return r;
}

int rw_aio(struct file *f, uint64_t buf, uint64_t n, int64_t off, uint32_t flags, int write,
           int vec, int64_t *res)
{
    int err = vec_check(f, vec ? n : 0, write);
    if (!err && off < 0)
        err = -EINVAL;
    if (!err)
        err = rwf_check(f, flags);
    uint64_t len = n < RW_MAX ? n : RW_MAX;
    if (!err && !vec && (buf > USER_MAX || len > USER_MAX - buf))
        err = -EFAULT; /* Linux's access_ok: only the window's end (page 0 is a result) */
    struct iovec_k v;
    for (uint64_t i = 0; !err && vec && i < n; i++) /* Linux's import_iovec */
        if (copy_from_user(&v, (void *)(buf + i * sizeof(v)), sizeof(v)))
            err = -EFAULT;
    if (err)
        return err;
    int seek = f->vn->fops ? f->vn->fops->seekable : VN_SEEK_OFFSET;
    uint64_t pos = seek == VN_SEEK_NONE ? POS_FILE : (uint64_t)off;
    if ((flags & RWF_APPEND) && write && pos != POS_FILE && !f->vn->fops)
        pos = f->vn->size;
    uint32_t add = rwf_file_flags(flags, pos, write) & ~f->flags;
    f->flags |= add;
    if (vec) {
        *res = rw_vec(f, buf, n, pos, write);
    } else {
        file_ref(f);
        *res = xfer(f, buf, n < RW_MAX ? n : RW_MAX, pos, write);
        file_unref(f);
        if (*res == -EPIPE)
            sig_send_self(SIGPIPE);
    }
    f->flags &= ~add;
    return 0;
}

/* The raw calls split the offset into pos_l and pos_h for 32-bit
 * programs; on x86-64 pos_l holds all 64 bits and Linux shifts pos_h out
 * entirely (pos_from_hilo), so it is not looked at. */
static int64_t sys_preadv(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t pos_l, uint64_t pos_h,
                          uint64_t a5)
{
    ARG(pos_h), ARG(a5);
    if (pos_l == POS_FILE)
        return -EINVAL; /* -1 means the file's offset only to preadv2 */
    return rw_vec_flags(fd, iov, cnt, pos_l, 0, 0);
}

static int64_t sys_pwritev(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t pos_l, uint64_t pos_h,
                           uint64_t a5)
{
    ARG(pos_h), ARG(a5);
    if (pos_l == POS_FILE)
        return -EINVAL;
    return rw_vec_flags(fd, iov, cnt, pos_l, 0, 1);
}

static int64_t sys_preadv2(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t pos_l, uint64_t pos_h,
                           uint64_t flags)
{
    ARG(pos_h);
    return rw_vec_flags(fd, iov, cnt, pos_l, (uint32_t)flags, 0);
}

static int64_t sys_pwritev2(uint64_t fd, uint64_t iov, uint64_t cnt, uint64_t pos_l, uint64_t pos_h,
                            uint64_t flags)
{
    ARG(pos_h);
    return rw_vec_flags(fd, iov, cnt, pos_l, (uint32_t)flags, 1);
}

void sys_rw_register(void)
{
    syscall_register(SYS_pread64, sys_pread64);
    syscall_register(SYS_pwrite64, sys_pwrite64);
    syscall_register(SYS_readv, sys_readv);
    syscall_register(SYS_writev, sys_writev);
    syscall_register(SYS_preadv, sys_preadv);
    syscall_register(SYS_pwritev, sys_pwritev);
    syscall_register(SYS_preadv2, sys_preadv2);
    syscall_register(SYS_pwritev2, sys_pwritev2);
}
