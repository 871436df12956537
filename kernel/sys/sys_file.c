/* System calls on open descriptors: read and write (the positioned and
 * vectored ones are in sys_rw.c), seeking, descriptor management,
 * fcntl, ioctl, getdents and getdents64, fstat. Linux semantics and errno values. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ    1031
#define F_GETPIPE_SZ    1032
#define F_ADD_SEALS     1033
#define F_GET_SEALS     1034
#define FD_CLOEXEC      1
#define FIONCLEX        0x5450
#define FIOCLEX         0x5451
#define FIONBIO         0x5421

/* fd arguments are C ints: only the low 32 bits count (as on Linux). */
static struct file *getf(int64_t fd)
{
    return fd_get(proc_current(), (int)fd);
}

/* read/write at the file offset: the file is held across a blocking
 * device read or write. */
static int64_t rw(uint64_t fd, uint64_t buf, uint64_t n, int write)
{
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    if (n && !user_range_ok((void *)buf, n))
        return -EFAULT;
    n = n < RW_MAX ? n : RW_MAX;
    file_ref(f);
    long r = write ? file_write(f, (void *)buf, n) : file_read(f, (void *)buf, n);
    file_unref(f);
    if (r == -EPIPE)
        sig_send_self(SIGPIPE);
    return r;
}

static int64_t sys_read(uint64_t fd, uint64_t buf, uint64_t n, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return rw(fd, buf, n, 0);
}

static int64_t sys_write(uint64_t fd, uint64_t buf, uint64_t n, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return rw(fd, buf, n, 1);
}

static int64_t sys_lseek(uint64_t fd, uint64_t off, uint64_t whence, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf((int64_t)fd);
    return f ? file_seek(f, (int64_t)off, (int)whence) : -EBADF;
}

static int64_t sys_close(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return fd_close(proc_current(), (int)fd);
}

#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)

/* close_range(2): first and last are unsigned ints. CLOSE_RANGE_UNSHARE
 * asks for a table of the caller's own first: a copy when another process
 * shares it (clone(CLONE_FILES); fd_unshare). Every thread of a process
 * shares its table and an LWP cannot have one apart, so with other live
 * threads the flag is refused (-EINVAL), never ignored. */
static int64_t sys_close_range(uint64_t first, uint64_t last, uint64_t flags, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    if ((uint32_t)flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
        return -EINVAL;
    if ((uint32_t)first > (uint32_t)last)
        return -EINVAL;
    if (((uint32_t)flags & CLOSE_RANGE_UNSHARE) && p->nlive > 1)
        return -EINVAL;
    int err = ((uint32_t)flags & CLOSE_RANGE_UNSHARE) ? fd_unshare(p) : 0;
    if (err)
        return err;
    fd_close_range(p, (uint32_t)first, (uint32_t)last, (flags & CLOSE_RANGE_CLOEXEC) != 0);
    return 0;
}

static int64_t sys_dup(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    file_ref(f);
    int r = fd_install(proc_current(), f, 0, 0);
    if (r < 0)
        file_unref(f);
    return r;
}

static int64_t sys_dup3(uint64_t fd, uint64_t newfd, uint64_t flags, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    if ((flags & ~(uint64_t)O_CLOEXEC) || fd == newfd)
        return -EINVAL;
    if ((int)newfd != (int64_t)newfd)
        return -EBADF;
    return fd_dup_to(proc_current(), (int)fd, (int)newfd, flags != 0);
}

static int64_t sys_dup2(uint64_t fd, uint64_t newfd, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    if (fd == newfd)
        return getf((int64_t)fd) ? (int64_t)newfd : -EBADF;
    return sys_dup3(fd, newfd, 0, 0, 0, 0);
}

static int64_t fcntl_dupfd(struct proc *p, struct file *f, uint64_t min, int cloexec)
{
    if (min >= p->rlim[RLIMIT_NOFILE].cur)
        return -EINVAL;
    file_ref(f);
    int r = fd_install(p, f, (int)min, cloexec);
    if (r < 0)
        file_unref(f);
    return r;
}

/* F_SETFL changes O_APPEND and O_NONBLOCK. The access mode and the open-time
 * flags are ignored, as on Linux (programs pass F_GETFL's value back);
 * O_NOATIME holds anyway (no access times are kept). Signal-driven I/O
 * (O_ASYNC) and direct I/O (O_DIRECT) do not exist here: -EINVAL. */
static int64_t fcntl_setfl(struct file *f, uint64_t arg)
{
    if (arg & (O_ASYNC | O_DIRECT))
        return -EINVAL;
    f->flags =
        (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) | (uint32_t)(arg & (O_APPEND | O_NONBLOCK));
    return 0;
}

/* F_SETPIPE_SZ: the argument is an unsigned int, as Linux's pipe_fcntl
 * takes it; growing past fs.pipe-max-size needs CAP_SYS_RESOURCE (there
 * are no per-user pipe page limits: pipe-user-pages-soft is 0). The new
 * capacity, or -EBADF (not a pipe), -EINVAL, -EPERM, -EBUSY, -ENOMEM. */
static int64_t fcntl_pipe_size(struct file *f, uint32_t arg)
{
    if (!pipe_is(f))
        return -EBADF;
    uint32_t size = pipe_round_size(arg);
    if (!size)
        return -EINVAL;
    if (size > pipe_size(f) && size > PIPE_MAX_SIZE && !cred_capable(CAP_SYS_RESOURCE))
        return -EPERM;
    int err = pipe_resize(f, size);
    return err ? err : (int64_t)size;
}

static int64_t sys_fcntl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    switch (cmd) {
    case F_DUPFD:
        return fcntl_dupfd(p, f, arg, 0);
    case F_DUPFD_CLOEXEC:
        return fcntl_dupfd(p, f, arg, 1);
    case F_GETFD:
        return fd_get_cloexec(p, (int)fd) ? FD_CLOEXEC : 0;
    case F_SETFD:
        fd_set_cloexec(p, (int)fd, arg & FD_CLOEXEC);
        return 0;
    case F_GETFL:
        return f->flags | O_LARGEFILE;
    case F_GETPIPE_SZ:
        return pipe_is(f) ? (int64_t)pipe_size(f) : -EBADF;
    case F_SETPIPE_SZ:
        return fcntl_pipe_size(f, (uint32_t)arg);
    case F_SETFL:
        return fcntl_setfl(f, arg);
    case F_ADD_SEALS:
        return memfd_seals_add(f, (uint32_t)arg); /* Linux: an unsigned int */
    case F_GET_SEALS:
        return memfd_seals_get(f);
    default:
        return fcntl_lock(p, (int)fd, f, cmd, arg); /* the lock commands, else -EINVAL */
    }
}

static int64_t sys_ioctl(uint64_t fd, uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    int on;
    switch (cmd) {
    case FIOCLEX:
        fd_set_cloexec(proc_current(), (int)fd, 1);
        return 0;
    case FIONCLEX:
        fd_set_cloexec(proc_current(), (int)fd, 0);
        return 0;
    case FIONBIO:
        if (copy_from_user(&on, (void *)arg, sizeof(on)))
            return -EFAULT;
        f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~(uint32_t)O_NONBLOCK;
        return 0;
    default:
        return file_ioctl(f, (uint32_t)cmd, arg) /* Linux: an unsigned int */;
    }
}

/* getdents and getdents64: one directory walk (file_getdents), two record
 * formats. The count is a C unsigned int on Linux. */
static int64_t getdents(uint64_t fd, uint64_t buf, uint64_t n, enum file_dirent fmt)
{
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    n = (uint32_t)n;
    if (!user_range_ok((void *)buf, n))
        return -EFAULT;
    return file_getdents(f, (void *)buf, n, fmt);
}

static int64_t sys_getdents64(uint64_t fd, uint64_t buf, uint64_t n, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return getdents(fd, buf, n, FILE_DIRENT64);
}

static int64_t sys_getdents(uint64_t fd, uint64_t buf, uint64_t n, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return getdents(fd, buf, n, FILE_DIRENT);
}

static int64_t sys_fstat(uint64_t fd, uint64_t ust, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    struct kstat st;
    vn_stat(f->vn, &st);
    return copy_to_user((void *)ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static int64_t sys_ftruncate(uint64_t fd, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF;
    if ((int64_t)len < 0 || !S_ISREG(f->vn->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;
    int err = len > f->vn->size ? file_size_check(len) : 0;
    return err ? err : reg_truncate(f->vn, len);
}

/* fsync/fdatasync through the file's operations (file_ops.fsync): files
 * and directories of the in-memory file systems are always as durable as
 * they will get; pipes, sockets and devices have no fsync on Linux:
 * -EINVAL. */
int fsync_file(struct file *f, int datasync)
{
    const struct file_ops *ops = f->vn->fops;
    if (!ops)
        return S_ISREG(f->vn->mode) || S_ISDIR(f->vn->mode) ? 0 : -EINVAL;
    return ops->fsync ? ops->fsync(f, datasync) : -EINVAL;
}

static int do_fsync(uint64_t fd, int datasync)
{
    struct file *f = getf((int64_t)fd);
    return f ? fsync_file(f, datasync) : -EBADF;
}

static int64_t sys_fsync(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return do_fsync(fd, 0);
}

static int64_t sys_fdatasync(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return do_fsync(fd, 1);
}

/* sync and syncfs: nothing is waiting to be written back (see fsync). */
static int64_t sys_sync(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return 0;
}

static int64_t sys_syncfs(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return getf((int64_t)fd) ? 0 : -EBADF;
}

void sys_file_register(void)
{
    syscall_register(SYS_read, sys_read);
    syscall_register(SYS_write, sys_write);
    syscall_register(SYS_close, sys_close);
    syscall_register(SYS_fstat, sys_fstat);
    syscall_register(SYS_lseek, sys_lseek);
    syscall_register(SYS_ioctl, sys_ioctl);
    syscall_register(SYS_dup, sys_dup);
    syscall_register(SYS_dup2, sys_dup2);
    syscall_register(SYS_fcntl, sys_fcntl);
    syscall_register(SYS_fsync, sys_fsync);
    syscall_register(SYS_fdatasync, sys_fdatasync);
    syscall_register(SYS_ftruncate, sys_ftruncate);
    syscall_register(SYS_sync, sys_sync);
    syscall_register(SYS_getdents, sys_getdents);
    syscall_register(SYS_getdents64, sys_getdents64);
    syscall_register(SYS_dup3, sys_dup3);
    syscall_register(SYS_syncfs, sys_syncfs);
    syscall_register(SYS_close_range, sys_close_range);
}
