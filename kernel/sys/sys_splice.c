/* Data moved by the kernel between descriptors, as Linux 6.1 moves it:
 * sendfile, splice, tee and copy_file_range (vmsplice, between a pipe and
 * program memory, is sys_vmsplice.c).
 *
 * The ends are tmpfs regular files, pipes (FIFOs too) and sockets: a
 * file or a pipe into a socket (sendfile, splice: what web servers do), a
 * socket into a pipe (splice). Linux also splices to and from devices;
 * here their operations take program buffers only, so such an end is
 * -EINVAL (Linux's answer for a file without splice_read or
 * splice_write), and programs fall back to read and write. A pipe is never
 * a sendfile source (Linux 6.1: pipes have no splice_read).
 *
 * Bytes go through a kernel bounce buffer; a pipe end is reached through
 * pipe.c's kernel-side calls. Like Linux's, a transfer into a pipe moves
 * what fits once the pipe has room, and one out of a pipe what it holds
 * once it has any; file to file (sendfile, copy_file_range) moves it all.
 * An end of a pipe with no reader left is -EPIPE with SIGPIPE. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/socket.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define BOUNCE (4 * PAGE_SIZE)

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

static int readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}

static int writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* A tmpfs regular file (not a generated /proc one). */
static int is_reg(const struct file *f)
{
    return S_ISREG(f->vn->mode) && !f->vn->fops;
}

/* Has positions an offset may name (Linux's FMODE_PREAD). */
static int positioned(const struct file *f)
{
    return !f->vn->fops || f->vn->fops->seekable != VN_SEEK_NONE;
}

/* Linux's rw_verify_area for regular files: n bytes at pos. */
static int range_ok(int64_t pos, size_t n)
{
    return (int64_t)n >= 0 && pos >= 0 && pos <= INT64_MAX - (int64_t)n;
}

/* A transfer's error on its way to the program (SIGPIPE for -EPIPE). */
static int64_t finish(int64_t r)
{
    if (r == -EPIPE)
        sig_send_self(SIGPIPE);
    return r;
}

/* Up to n bytes of in at *ipos into pipe out, once it has room. */
static long file_to_pipe(struct file *in, uint64_t *ipos, struct file *out, size_t n, int nonblock,
                         uint8_t *buf)
{
    if (!is_reg(in))
        return -EINVAL;
    long room = pipe_wait_room(out, nonblock);
    if (room < 0)
        return room;
    n = min_sz(n, (size_t)room);
    size_t moved = 0;
    while (moved < n) {
        size_t k = min_sz(n - moved, BOUNCE);
        long r = reg_read_kernel(in->vn, buf, k, *ipos);
        if (r <= 0)
            break;
        pipe_fill(out, buf, (size_t)r); /* fits: nothing blocked since the wait */
        *ipos += (uint64_t)r;
        moved += (size_t)r;
        if ((size_t)r < k)
            break;
    }
    return (long)moved;
}

/* Where bytes drained from a pipe go: a regular file at *pos, or a
 * socket. */
struct sink {
    struct file *file;
    uint64_t *pos;
    struct socket *so;
    int nonblock;
};

/* k bytes at buf into the sink: the count taken (short or 0 when it took
 * less) or -errno. */
static long sink_put(const struct sink *s, const void *buf, size_t k)
{
    if (s->so)
        return sock_send_kernel(s->so, buf, k, s->nonblock);
    long w = reg_write_kernel(s->file->vn, buf, k, *s->pos);
    if (w > 0)
        *s->pos += (uint64_t)w;
    return w;
}

/* Up to n bytes of pipe in, once it has any, into the sink; the bytes it
 * took leave the pipe. */
static long pipe_drain(struct file *in, const struct sink *s, size_t n, int nonblock, uint8_t *buf)
{
    long avail = pipe_wait_data(in, nonblock);
    if (avail <= 0)
        return avail;
    n = min_sz(n, (size_t)avail);
    long err = s->so ? 0 : file_write_limit(*s->pos, &n);
    size_t moved = 0;
    while (!err && moved < n) {
        size_t k = pipe_peek(in, 0, buf, min_sz(n - moved, BOUNCE));
        long w = sink_put(s, buf, k);
        if (w < 0) {
            err = w;
            break;
        }
        pipe_drop(in, (size_t)w);
        moved += (size_t)w;
        if ((size_t)w < k)
            break;
    }
    return moved ? (long)moved : err;
}

/* Up to n bytes of pipe in, once it has any, into out at *opos. */
static long pipe_to_file(struct file *in, struct file *out, uint64_t *opos, size_t n, int nonblock,
                         uint8_t *buf)
{
    struct sink s = {.file = out, .pos = opos};
    return is_reg(out) ? pipe_drain(in, &s, n, nonblock, buf) : -EINVAL;
}

/* Up to n bytes from pipe in to pipe out once in has some and out room;
 * keep leaves them in in (tee). */
static long pipe_to_pipe(struct file *in, struct file *out, size_t n, int nonblock, int keep,
                         uint8_t *buf)
{
    long avail, room;
    for (;;) {
        if ((avail = pipe_wait_data(in, nonblock)) <= 0)
            return avail;
        if ((room = pipe_wait_room(out, nonblock)) < 0)
            return room;
        avail = pipe_wait_data(in, 1); /* still there after a wait for room? */
        if (avail != -EAGAIN)
            break;
    }
    if (avail <= 0)
        return avail;
    n = min_sz(n, min_sz((size_t)avail, (size_t)room));
    for (size_t moved = 0; moved < n;) {
        size_t k = pipe_peek(in, moved, buf, min_sz(n - moved, BOUNCE));
        pipe_fill(out, buf, k);
        moved += k;
    }
    if (!keep)
        pipe_drop(in, n);
    return (long)n;
}

/* n bytes (fewer at in's end) of in at *ipos to out at *opos, both
 * regular files; RLIMIT_FSIZE cuts it. */
static long file_to_file(struct file *in, uint64_t *ipos, struct file *out, uint64_t *opos,
                         size_t n, uint8_t *buf)
{
    int err = n ? file_write_limit(*opos, &n) : 0;
    size_t moved = 0;
    while (!err && moved < n) {
        size_t k = min_sz(n - moved, BOUNCE);
        long r = reg_read_kernel(in->vn, buf, k, *ipos);
        if (r <= 0)
            break;
        long w = reg_write_kernel(out->vn, buf, (size_t)r, *opos);
        if (w < 0) {
            err = (int)w;
            break;
        }
        *ipos += (uint64_t)w;
        *opos += (uint64_t)w;
        moved += (size_t)w;
        if (w < r || (size_t)r < k)
            break;
    }
    return moved ? (long)moved : err;
}

/* --- sockets ------------------------------------------------------------------ */

/* Up to n bytes of regular file in at *ipos sent on socket out: as much
 * as the socket takes (a nonblocking one without room: -EAGAIN). */
static long file_to_sock(struct file *in, uint64_t *ipos, struct socket *out, size_t n,
                         int nonblock, uint8_t *buf)
{
    if (!is_reg(in))
        return -EINVAL;
    size_t moved = 0;
    long err = 0;
    while (moved < n) {
        long r = reg_read_kernel(in->vn, buf, min_sz(n - moved, BOUNCE), *ipos);
        if (r <= 0)
            break;
        long w = sock_send_kernel(out, buf, (size_t)r, nonblock);
        if (w <= 0) {
            err = w;
            break;
        }
        *ipos += (uint64_t)w;
        moved += (size_t)w;
        if (w < r)
            break;
    }
    return moved ? (long)moved : err;
}

/* Up to n bytes of pipe in, once it has any, sent on socket out. */
static long pipe_to_sock(struct file *in, struct socket *out, size_t n, int nonblock, uint8_t *buf)
{
    struct sink s = {.so = out, .nonblock = nonblock};
    return pipe_drain(in, &s, n, nonblock, buf);
}

/* What socket in has, up to n bytes and the room pipe out has, into out:
 * one receive (0 at the socket's end of file). */
static long sock_to_pipe(struct socket *in, struct file *out, size_t n, int nonblock, uint8_t *buf)
{
    long room = pipe_wait_room(out, nonblock);
    if (room < 0)
        return room;
    long r = sock_recv_kernel(in, buf, min_sz(min_sz(n, (size_t)room), BOUNCE), nonblock);
    if (r > 0)
        pipe_fill(out, buf, (size_t)r); /* fits: nothing wrote to out since the wait */
    return r;
}

/* --- sendfile -------------------------------------------------------------- */

/* sendfile into a file: Linux's do_splice_direct. */
static long sendfile_to_file(struct file *in, uint64_t *pos, struct file *out, size_t n,
                             uint8_t *buf)
{
    uint64_t opos = out->off;
    if (!range_ok((int64_t)opos, n) || (out->flags & O_APPEND) || !is_reg(in) || !is_reg(out))
        return -EINVAL;
    long r = file_to_file(in, pos, out, &opos, n, buf);
    if (r > 0)
        out->off = opos;
    return r;
}

/* Linux's do_sendfile: ppos NULL means in's own offset. */
static long sendfile_do(int64_t out_fd, int64_t in_fd, uint64_t *ppos, size_t n)
{
    struct file *in = getf(in_fd), *out;
    if (!in || !readable(in))
        return -EBADF;
    if (ppos && !positioned(in))
        return -ESPIPE;
    uint64_t pos = ppos ? *ppos : in->off;
    if (!range_ok((int64_t)pos, n))
        return -EINVAL;
    n = min_sz(n, RW_MAX);
    if (!(out = getf(out_fd)) || !writable(out))
        return -EBADF;
    uint8_t *buf = kmalloc(BOUNCE);
    if (!buf)
        return -ENOMEM;
    long r;
    if (pipe_is(out))
        r = file_to_pipe(in, &pos, out, n, out->flags & O_NONBLOCK, buf);
    else if (sock_of(out))
        r = file_to_sock(in, &pos, sock_of(out), n, out->flags & O_NONBLOCK, buf);
    else
        r = sendfile_to_file(in, &pos, out, n, buf);
    kfree(buf);
    if (r > 0 && ppos)
        *ppos = pos;
    else if (r > 0)
        in->off = pos;
    return r;
}

static int64_t sys_sendfile(uint64_t out_fd, uint64_t in_fd, uint64_t uoff, uint64_t n, uint64_t a4,
                            uint64_t a5)
{
    ARG(a4), ARG(a5);
    uint64_t pos;
    if (!uoff)
        return finish(sendfile_do((int64_t)out_fd, (int64_t)in_fd, 0, n));
    if (copy_from_user(&pos, (void *)uoff, sizeof(pos)))
        return -EFAULT;
    int64_t r = finish(sendfile_do((int64_t)out_fd, (int64_t)in_fd, &pos, n));
    return copy_to_user((void *)uoff, &pos, sizeof(pos)) ? -EFAULT : r;
}

/* --- splice ---------------------------------------------------------------- */

/* From pipe in to file out at *opos (NULL: out's offset). */
static long splice_from_pipe(struct file *in, struct file *out, uint64_t *opos, size_t n,
                             int nonblock, uint8_t *buf)
{
    if (opos && !positioned(out))
        return -EINVAL;
    uint64_t pos = opos ? *opos : out->off;
    if ((out->flags & O_APPEND) || !range_ok((int64_t)pos, n))
        return -EINVAL;
    long r = pipe_to_file(in, out, &pos, n, nonblock || (in->flags & O_NONBLOCK), buf);
    *(opos ? opos : &out->off) = pos;
    return r;
}

/* From file in at *ipos (NULL: in's offset) to pipe out. */
static long splice_to_pipe(struct file *in, uint64_t *ipos, struct file *out, size_t n,
                           int nonblock, uint8_t *buf)
{
    if (ipos && !positioned(in))
        return -EINVAL;
    uint64_t pos = ipos ? *ipos : in->off;
    if (!range_ok((int64_t)pos, n))
        return -EINVAL;
    long r = file_to_pipe(in, &pos, out, n, nonblock || (out->flags & O_NONBLOCK), buf);
    *(ipos ? ipos : &in->off) = pos;
    return r;
}

/* Linux's do_splice: one end must be a pipe. */
static long splice_do(struct file *in, uint64_t *ipos, struct file *out, uint64_t *opos, size_t n,
                      unsigned flags)
{
    int nonblock = flags & SPLICE_F_NONBLOCK;
    if (!readable(in) || !writable(out))
        return -EBADF;
    if ((!pipe_is(in) && !pipe_is(out)) || in->vn == out->vn)
        return -EINVAL;
    n = min_sz(n, RW_MAX);
    uint8_t *buf = kmalloc(BOUNCE);
    if (!buf)
        return -ENOMEM;
    long r;
    if (pipe_is(in) && pipe_is(out))
        r = pipe_to_pipe(in, out, n, nonblock || ((in->flags | out->flags) & O_NONBLOCK), 0, buf);
    else if (pipe_is(in) && sock_of(out) && !opos)
        r = pipe_to_sock(in, sock_of(out), n, nonblock || ((in->flags | out->flags) & O_NONBLOCK),
                         buf);
    else if (sock_of(in) && !ipos)
        r = sock_to_pipe(sock_of(in), out, n, nonblock || ((in->flags | out->flags) & O_NONBLOCK),
                         buf);
    else if (pipe_is(in))
        r = splice_from_pipe(in, out, opos, n, nonblock, buf);
    else
        r = splice_to_pipe(in, ipos, out, n, nonblock, buf);
    kfree(buf);
    return r;
}

/* An offset the program passed for a splice end, or none (uoff 0). */
static int splice_off(uint64_t uoff, uint64_t *off, uint64_t **p)
{
    *p = uoff ? off : 0;
    return uoff && copy_from_user(off, (void *)uoff, sizeof(*off)) ? -EFAULT : 0;
}

static int64_t sys_splice(uint64_t in_fd, uint64_t uoff_in, uint64_t out_fd, uint64_t uoff_out,
                          uint64_t n, uint64_t flags)
{
    uint64_t oin, oout, *pin, *pout;
    if (n == 0)
        return 0;
    if ((uint32_t)flags & ~(uint32_t)SPLICE_F_ALL)
        return -EINVAL;
    struct file *in = getf((int64_t)in_fd), *out = getf((int64_t)out_fd);
    if (!in || !out)
        return -EBADF;
    if ((pipe_is(in) && uoff_in) || (pipe_is(out) && uoff_out))
        return -ESPIPE;
    if (splice_off(uoff_out, &oout, &pout) || splice_off(uoff_in, &oin, &pin))
        return -EFAULT;
    int64_t r = finish(splice_do(in, pin, out, pout, n, (unsigned)flags));
    if (r < 0)
        return r;
    if ((pout && copy_to_user((void *)uoff_out, pout, sizeof(*pout))) ||
        (pin && copy_to_user((void *)uoff_in, pin, sizeof(*pin))))
        return -EFAULT;
    return r;
}

/* tee: pipe to pipe, leaving the bytes in the source. */
static int64_t sys_tee(uint64_t in_fd, uint64_t out_fd, uint64_t n, uint64_t flags, uint64_t a4,
                       uint64_t a5)
{
    ARG(a4), ARG(a5);
    if ((uint32_t)flags & ~(uint32_t)SPLICE_F_ALL)
        return -EINVAL;
    if (n == 0)
        return 0;
    struct file *in = getf((int64_t)in_fd), *out = getf((int64_t)out_fd);
    if (!in || !out)
        return -EBADF;
    if (!readable(in) || !writable(out))
        return -EBADF;
    if (!pipe_is(in) || !pipe_is(out) || in->vn == out->vn)
        return -EINVAL;
    uint8_t *buf = kmalloc(BOUNCE);
    if (!buf)
        return -ENOMEM;
    int nonblock = (flags & SPLICE_F_NONBLOCK) || ((in->flags | out->flags) & O_NONBLOCK);
    long r = pipe_to_pipe(in, out, min_sz(n, RW_MAX), nonblock, 1, buf);
    kfree(buf);
    return finish(r);
}

/* --- copy_file_range ------------------------------------------------------- */

/* Linux's generic_copy_file_checks, with its rw_verify_area calls: 0 and
 * *n cut to what can be copied, or -errno. */
static int cfr_check(struct file *in, uint64_t pin, struct file *out, uint64_t pout, size_t *n)
{
    if (S_ISDIR(in->vn->mode) || S_ISDIR(out->vn->mode))
        return -EISDIR;
    if (!is_reg(in) || !is_reg(out))
        return -EINVAL;
    if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
        return -EBADF;
    if (pin + *n < pin || pout + *n < pout)
        return -EOVERFLOW;
    size_t count = (int64_t)pin >= (int64_t)in->vn->size ? 0 : min_sz(*n, in->vn->size - pin);
    if (!range_ok((int64_t)pin, count) || !range_ok((int64_t)pout, count))
        return -EINVAL;
    int err = file_write_limit(pout, &count);
    if (err)
        return err;
    if (in->vn == out->vn && pout + count > pin && pout < pin + count)
        return -EINVAL; /* overlapping ranges in one file */
    *n = min_sz(count, RW_MAX);
    return 0;
}

static long cfr_do(struct file *in, uint64_t *pin, struct file *out, uint64_t *pout, size_t n)
{
    int err = cfr_check(in, *pin, out, *pout, &n);
    if (err || n == 0)
        return err;
    uint8_t *buf = kmalloc(BOUNCE);
    if (!buf)
        return -ENOMEM;
    long r = file_to_file(in, pin, out, pout, n, buf);
    kfree(buf);
    return r;
}

static int64_t sys_copy_file_range(uint64_t in_fd, uint64_t uoff_in, uint64_t out_fd,
                                   uint64_t uoff_out, uint64_t n, uint64_t flags)
{
    struct file *in = getf((int64_t)in_fd), *out;
    if (!in || !(out = getf((int64_t)out_fd)))
        return -EBADF;
    uint64_t pin = in->off, pout = out->off;
    if ((uoff_in && copy_from_user(&pin, (void *)uoff_in, sizeof(pin))) ||
        (uoff_out && copy_from_user(&pout, (void *)uoff_out, sizeof(pout))))
        return -EFAULT;
    if ((uint32_t)flags)
        return -EINVAL;
    long r = cfr_do(in, &pin, out, &pout, n);
    if (r <= 0)
        return r;
    if (!uoff_in)
        in->off = pin;
    else if (copy_to_user((void *)uoff_in, &pin, sizeof(pin)))
        r = -EFAULT;
    if (!uoff_out)
        out->off = pout;
    else if (copy_to_user((void *)uoff_out, &pout, sizeof(pout)))
        r = -EFAULT;
    return r;
}

void sys_splice_register(void)
{
    syscall_register(SYS_sendfile, sys_sendfile);
    syscall_register(SYS_splice, sys_splice);
    syscall_register(SYS_tee, sys_tee);
    syscall_register(SYS_copy_file_range, sys_copy_file_range);
}
