/* Hints about a file's data and its write-back: fadvise64
 * (posix_fadvise), readahead and sync_file_range, with Linux 6.1's checks
 * in Linux's order.
 *
 * What the hints would act on is not here: every file's data lives in
 * memory, in the page cache (pcache.c) that is the file system's only
 * copy of it, or in the initrd's bytes it reads in place. Nothing is read
 * ahead because nothing is read from a device, and a clean page cannot be
 * dropped because no other copy exists to read it back from: Linux answers
 * the same way for tmpfs (a backing device with no read-ahead), validating
 * the advice and then leaving it. Likewise nothing waits to be written
 * back, so sync_file_range, past its checks, does what fsync does here:
 * the file's own fsync operation if it has one, else nothing. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* posix_fadvise's advice, x86-64's numbering (s390x differs). */
#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5

#define SYNC_FILE_RANGE_WAIT_BEFORE 1
#define SYNC_FILE_RANGE_WRITE       2
#define SYNC_FILE_RANGE_WAIT_AFTER  4
#define SYNC_FILE_RANGE_ALL                                                                        \
    (SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

/* A descriptor's open file, O_PATH ones left out (Linux's fdget); fd
 * arguments are C ints. */
static struct file *getf(uint64_t fd)
{
    struct file *f = fd_get(proc_current(), (int)fd);
    return f && !(f->flags & O_PATH) ? f : 0;
}

/* Linux's generic_fadvise on a file system without read-ahead (tmpfs):
 * -ESPIPE for a pipe or FIFO, -EINVAL for a negative length or advice
 * Linux does not know, else 0 with the advice left (see the top). */
static int fadvise(const struct file *f, int64_t len, int advice)
{
    if (S_ISFIFO(f->vn->mode))
        return -ESPIPE;
    if (len < 0)
        return -EINVAL;
    switch (advice) {
    case POSIX_FADV_NORMAL:
    case POSIX_FADV_RANDOM:
    case POSIX_FADV_SEQUENTIAL:
    case POSIX_FADV_WILLNEED:
    case POSIX_FADV_DONTNEED:
    case POSIX_FADV_NOREUSE:
        return 0;
    default:
        return -EINVAL;
    }
}

/* fadvise64(fd, offset, len, advice): any offset, even a negative one, is
 * taken (Linux's too); sockets, devices and directories take advice. */
static int64_t sys_fadvise64(uint64_t fd, uint64_t off, uint64_t len, uint64_t advice, uint64_t a4,
                             uint64_t a5)
{
    ARG(off), ARG(a4), ARG(a5);
    struct file *f = getf(fd);
    if (!f)
        return -EBADF;
    return fadvise(f, (int64_t)len, (int)advice);
}

/* readahead(fd, offset, count): Linux's ksys_readahead, a WILLNEED advice
 * limited to regular files open for reading. */
static int64_t sys_readahead(uint64_t fd, uint64_t off, uint64_t n, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(off), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = getf(fd);
    if (!f || (f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (!S_ISREG(f->vn->mode))
        return -EINVAL;
    return fadvise(f, (int64_t)n, POSIX_FADV_WILLNEED);
}

/* sync_file_range's checks (Linux's, in its order): -EINVAL for unknown
 * flags or a range that is negative or overflows, -ESPIPE for what has no
 * pages to write (pipes, sockets, devices). nbytes 0 means to the end. */
static int sfr_check(const struct file *f, int64_t off, int64_t n, uint32_t flags)
{
    if (flags & ~(uint32_t)SYNC_FILE_RANGE_ALL)
        return -EINVAL;
    if (off < 0 || n < 0 || off > INT64_MAX - n)
        return -EINVAL;
    uint32_t mode = f->vn->mode;
    if (!S_ISREG(mode) && !S_ISDIR(mode) && !S_ISLNK(mode) && (mode & S_IFMT) != S_IFBLK)
        return -ESPIPE;
    return 0;
}

/* sync_file_range(fd, offset, nbytes, flags): past its checks, a range
 * asked to be written is written as fdatasync writes the file (the whole
 * file: no file system here keeps dirty ranges apart). */
static int64_t sys_sync_file_range(uint64_t fd, uint64_t off, uint64_t n, uint64_t flags,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct file *f = getf(fd);
    if (!f)
        return -EBADF;
    int err = sfr_check(f, (int64_t)off, (int64_t)n, (uint32_t)flags);
    if (err || !((uint32_t)flags & SYNC_FILE_RANGE_WRITE))
        return err;
    const struct file_ops *ops = f->vn->fops;
    return ops && ops->fsync ? ops->fsync(f, 1) : 0;
}

void sys_fadvise_register(void)
{
    syscall_register(SYS_fadvise64, sys_fadvise64);
    syscall_register(SYS_readahead, sys_readahead);
    syscall_register(SYS_sync_file_range, sys_sync_file_range);
}
