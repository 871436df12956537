/* vmsplice(2): between a pipe and program memory, as Linux 6.1 moves it.
 * A pipe end open for writing (an O_RDWR FIFO too) takes the program's
 * buffers once it has room, as much as fits; one open only for reading
 * gives what it holds, once it holds anything, to the buffers (Linux's
 * vmsplice_to_user, a copy there too). Linux maps the pages of the first
 * direction into the pipe; here they are copied through the pipe's own
 * read and write copies (pipe.c's pipe_take_user, pipe_fill_user), which
 * is what a program may count on (SPLICE_F_GIFT gives Linux no promise to
 * take them either). Only SPLICE_F_NONBLOCK keeps it from waiting: the
 * pipe's own O_NONBLOCK does not, as on Linux. A write end with no reader
 * left is -EPIPE with SIGPIPE. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* A descriptor's open file, O_PATH ones left out (Linux's fdget). */
static struct file *getf(int64_t fd)
{
    struct file *f = fd_get(proc_current(), (int)fd);
    return f && !(f->flags & O_PATH) ? f : 0;
}

static int writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Linux's import_iovec for vmsplice: the cnt elements at uiov into a new
 * array (*out, the caller kfrees it; none for cnt 0) and their total,
 * cut to RW_MAX as an element's length is. -EINVAL for more than IOV_MAX
 * or a negative length, -EFAULT for an array or a buffer outside program
 * memory, -ENOMEM. */
static long iov_import(uint64_t uiov, uint64_t cnt, struct iovec_k **out, size_t *total)
{
    *out = 0;
    *total = 0;
    if (cnt > IOV_MAX)
        return -EINVAL;
    if (cnt == 0)
        return 0;
    struct iovec_k *v = kmalloc(cnt * sizeof(*v));
    long err = v ? 0 : -ENOMEM;
    if (!err && copy_from_user(v, (void *)uiov, cnt * sizeof(*v)))
        err = -EFAULT;
    for (uint64_t i = 0; !err && i < cnt; i++)
        err = (int64_t)v[i].len < 0 ? -EINVAL : 0;
    for (uint64_t i = 0; !err && i < cnt; i++) {
        if (!user_range_ok((void *)v[i].base, v[i].len))
            err = -EFAULT;
        v[i].len = min_sz(v[i].len, RW_MAX - *total);
        *total += v[i].len;
    }
    if (err)
        kfree(v);
    else
        *out = v;
    return err;
}

/* The program's buffers into pipe f once it has room: what fits, element
 * by element (Linux's vmsplice_to_pipe). -EPIPE sends SIGPIPE. */
static long vm_to_pipe(struct file *f, const struct iovec_k *v, uint64_t cnt, int nonblock)
{
    long room = pipe_wait_room(f, nonblock);
    if (room == -EPIPE)
        sig_send_self(SIGPIPE);
    if (room < 0)
        return room;
    size_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        long r = pipe_fill_user(f, (const void *)v[i].base, v[i].len);
        if (r < 0)
            return total ? (long)total : r;
        total += (size_t)r;
        if ((size_t)r < v[i].len)
            break;
    }
    return (long)total;
}

/* What pipe f holds, once it holds anything, out into the program's
 * buffers (Linux's vmsplice_to_user, a copy); 0 at its end of file. */
static long vm_from_pipe(struct file *f, const struct iovec_k *v, uint64_t cnt, int nonblock)
{
    long avail = pipe_wait_data(f, nonblock);
    if (avail <= 0)
        return avail;
    size_t total = 0;
    for (uint64_t i = 0; i < cnt; i++) {
        long r = v[i].len ? pipe_take_user(f, (void *)v[i].base, v[i].len) : 0;
        if (r < 0)
            return total ? (long)total : r;
        total += (size_t)r;
        if ((size_t)r < v[i].len)
            break;
    }
    return (long)total;
}

/* vmsplice(fd, iov, nr_segs, flags), with Linux's checks in its order:
 * the flags, the descriptor, the vector, then whether it is a pipe (an
 * empty vector is 0 before that). */
static int64_t sys_vmsplice(uint64_t fd, uint64_t uiov, uint64_t cnt, uint64_t flags, uint64_t a4,
                            uint64_t a5)
{
    ARG(a4), ARG(a5);
    if ((uint32_t)flags & ~(uint32_t)SPLICE_F_ALL)
        return -EINVAL;
    struct file *f = getf((int64_t)fd);
    if (!f)
        return -EBADF; /* O_PATH ones too: every other is readable or writable */
    struct iovec_k *v;
    size_t total;
    long r = iov_import(uiov, cnt, &v, &total);
    if (r < 0 || total == 0)
        goto out;
    r = -EBADF;
    if (!pipe_is(f))
        goto out;
    int nonblock = (uint32_t)flags & SPLICE_F_NONBLOCK;
    file_ref(f); /* held across the wait */
    r = writable(f) ? vm_to_pipe(f, v, cnt, nonblock) : vm_from_pipe(f, v, cnt, nonblock);
    file_unref(f);
out:
    kfree(v);
    return r;
}

void sys_vmsplice_register(void)
{
    syscall_register(SYS_vmsplice, sys_vmsplice);
}
