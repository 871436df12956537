/* Pipes (pipe(7)): a 64 KiB ring (fcntl F_SETPIPE_SZ resizes it); writes of at most PIPE_BUF bytes
 * are atomic (they wait for room for all of it); reads return what is there, block while the pipe
 * is empty and has writers, and see end-of-file when the last write end is closed; a write with no
 * read end left is -EPIPE. A FIFO (fifo(7), mknod) is the same pipe opened by name, and a pipe is
 * opened as one (once per end, and again through /proc/<pid>/fd). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

struct pipe {
    uint8_t *buf;       /* the ring, made by the first write: an idle pipe costs little */
    uint32_t head, len; /* data is [head, head + len) modulo size */
    uint32_t size;      /* capacity, a power of two: PIPE_SIZE or pipe_round_size's */
    unsigned readers, writers;
    unsigned r_opens, w_opens; /* FIFOs: opens so far, which a waiting open watches */
    int anon;                  /* made by pipe(2): its opens never wait, as Linux's is_pipe */
    struct waitq rq, wq;       /* readers wait for data (or a writer's open), writers for room */
    struct pollq pq;           /* pollers and epoll: told of data, room and hang-ups */
};

/* The other side may go on: readers or writers of p woken (q), and its
 * pollers told what may have become ready (events). */
static inline void pipe_kick(struct pipe *p, struct waitq *q, int events)
{
    waitq_wake_all(q);
    pollq_notify(&p->pq, events);
}

/* Move up to n of the bytes p holds out to program memory: the count (0
 * when it is empty), or -EFAULT when none could be copied. Writers are
 * told of the room. */
static inline long pipe_take(struct pipe *p, void *ubuf, size_t n)
{
    size_t done = 0;
    int fault = 0;
    while (done < n && p->len) {
        size_t k = p->size - p->head < p->len ? p->size - p->head : p->len;
        if (k > n - done)
            k = n - done;
        if ((fault = copy_to_user((uint8_t *)ubuf + done, p->buf + p->head, k) != 0))
            break;
        p->head = (p->head + (uint32_t)k) & (p->size - 1);
        p->len -= (uint32_t)k;
        done += k;
    }
    if (done)
        pipe_kick(p, &p->wq, POLLOUT | POLLWRNORM);
    return done || !fault ? (long)done : -EFAULT;
}

static long pipe_read(struct file *f, void *ubuf, size_t n)
{
    if (n == 0)
        return 0;
    long avail = pipe_wait_data(f, f->flags & O_NONBLOCK);
    return avail <= 0 ? avail : pipe_take(f->vn->priv, ubuf, n);
}

/* Copy up to n bytes in at the tail, from program memory (user) or the
 * kernel's: the count, or -EFAULT. */
static inline long pipe_put(struct pipe *p, const uint8_t *buf, size_t n, int user)
{
    size_t done = 0;
    while (done < n && p->len < p->size) {
        uint32_t tail = (p->head + p->len) & (p->size - 1);
        size_t k = tail >= p->head ? p->size - tail : p->head - tail;
        if (k > n - done)
            k = n - done;
        if (!user)
            memcpy(p->buf + tail, buf + done, k);
        else if (copy_from_user(p->buf + tail, buf + done, k))
            return done ? (long)done : -EFAULT;
        p->len += (uint32_t)k;
        done += k;
    }
    return (long)done;
}

/* Copy up to n bytes in from program memory, as many as fit: the count,
 * or -EFAULT. Readers are told of the data. */
static inline long pipe_give(struct pipe *p, const void *ubuf, size_t n)
{
    long done = pipe_put(p, ubuf, n, 1);
    if (done > 0)
        pipe_kick(p, &p->rq, POLLIN | POLLRDNORM);
    return done;
}

static long pipe_write(struct file *f, const void *ubuf, size_t n)
{
    struct pipe *p = f->vn->priv;
    size_t done = 0;
    if (n == 0)
        return 0; /* Linux: even with no reader left */
    while (done < n) {
        if (p->readers == 0)
            return done ? (long)done : -EPIPE;
        size_t room = p->size - p->len;
        if (room == 0 || (n <= PIPE_BUF && room < n)) {
            if (f->flags & O_NONBLOCK)
                return done ? (long)done : -EAGAIN;
            if (waitq_wait_intr(&p->wq, 0) < 0)
                return done ? (long)done : -ERESTARTSYS;
            continue;
        }
        if (!p->buf && !(p->buf = kmalloc(p->size)))
            return done ? (long)done : -ENOMEM;
        long r = pipe_give(p, (const uint8_t *)ubuf + done, n - done);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
    }
    return (long)done;
}

static long pipe_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct pipe *p = f->vn->priv;
    int avail = (int)p->len;
    if (cmd != FIONREAD)
        return -ENOTTY;
    return copy_to_user((void *)arg, &avail, sizeof(avail)) ? -EFAULT : 0;
}

/* A FIFO opened O_RDWR is both ends at once. */
static int pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->vn->priv;
    poll_wait(f, &p->pq, pt);
    uint32_t acc = f->flags & O_ACCMODE;
    int ev = 0;
    if (acc != O_WRONLY)
        ev |= (p->len ? POLLIN | POLLRDNORM : 0) | (p->writers ? 0 : POLLHUP);
    if (acc != O_RDONLY && !p->readers)
        ev |= POLLERR;
    else if (acc != O_RDONLY && p->size - p->len >= PIPE_BUF)
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

static void pipe_close(struct file *f)
{
    struct pipe *p = f->vn->priv;
    uint32_t acc = f->flags & O_ACCMODE;
    if (acc != O_WRONLY)
        p->readers--;
    if (acc != O_RDONLY)
        p->writers--;
    waitq_wake_all(&p->rq);
    waitq_wake_all(&p->wq);
    pollq_notify(&p->pq, POLLIN | POLLOUT | POLLHUP | POLLERR);
}

static void pipe_release(struct vnode *vn)
{
    struct pipe *p = vn->priv;
    kfree(p->buf);
    kfree(p);
}

static const struct file_ops fifo_ops;

int pipe_create(uint32_t flags, struct file **rd, struct file **wr)
{
    struct pipe *p = kzalloc(sizeof(*p));
    struct vnode *vn = vn_alloc(S_IFIFO | 0600);
    int err = -ENOMEM;
    if (!p || !vn) {
        kfree(p);
        goto out;
    }
    p->size = PIPE_SIZE;
    waitq_init(&p->rq);
    waitq_init(&p->wq);
    pollq_init(&p->pq);
    p->anon = 1;
    vn->priv = p; /* vn owns the pipe from here: pipe_release frees it with vn */
    vn->fops = &fifo_ops;
    /* Opened as a FIFO is (Linux's pipes and FIFOs share their file
     * operations, so /proc/self/fd/N reopens either). */
    err = file_open_vnode(vn, O_RDONLY | (flags & O_NONBLOCK), rd);
    if (!err && (err = file_open_vnode(vn, O_WRONLY | (flags & O_NONBLOCK), wr)))
        file_unref(*rd);
out:
    if (vn)
        vn_unref(vn); /* the files hold it, if they were made */
    return err;
}

/* --- FIFOs --------------------------------------------------------------- */

/* Wait until *opens moves past seen (an open of the other end): 0, or
 * -ERESTARTSYS for a signal. */
static int fifo_wait(struct waitq *q, const unsigned *opens, unsigned seen)
{
    while (*opens == seen)
        if (waitq_wait_intr(q, 0) < 0)
            return -ERESTARTSYS;
    return 0;
}

/* The ring goes with the last end: what was left in it is lost, as on
 * Linux. */
static void fifo_idle(struct pipe *p)
{
    if (p->readers || p->writers)
        return;
    kfree(p->buf);
    p->buf = 0;
    p->head = p->len = 0;
}

/* Linux's fifo_open: a reader waits for a writer unless O_NONBLOCK; a
 * writer waits for a reader, or with O_NONBLOCK fails with -ENXIO when
 * there is none; O_RDWR waits for nobody. An anonymous pipe (its ends, or
 * one reopened through /proc/<pid>/fd) waits for nobody either: its other
 * end may be long gone (bash's `cat <(echo a)`). */
static int fifo_open(struct file *f)
{
    struct pipe *p = f->vn->priv;
    uint32_t acc = f->flags & O_ACCMODE;
    int err = 0;
    if (acc == O_WRONLY && (f->flags & O_NONBLOCK) && !p->readers && !p->anon)
        return -ENXIO;
    unsigned r0 = p->r_opens, w0 = p->w_opens;
    p->readers += acc != O_WRONLY;
    p->r_opens += acc != O_WRONLY;
    p->writers += acc != O_RDONLY;
    p->w_opens += acc != O_RDONLY;
    waitq_wake_all(&p->rq);
    waitq_wake_all(&p->wq);
    pollq_notify(&p->pq, POLLIN | POLLOUT);
    if (p->anon)
        return 0;
    if (acc == O_RDONLY && !(f->flags & O_NONBLOCK) && !p->writers)
        err = fifo_wait(&p->rq, &p->w_opens, w0);
    else if (acc == O_WRONLY && !p->readers)
        err = fifo_wait(&p->wq, &p->r_opens, r0);
    if (err) {
        p->readers -= acc != O_WRONLY;
        p->writers -= acc != O_RDONLY;
        fifo_idle(p);
    }
    return err;
}

static void fifo_close(struct file *f)
{
    pipe_close(f);
    fifo_idle(f->vn->priv);
}

static const struct file_ops fifo_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .ioctl = pipe_ioctl,
    .poll = pipe_poll,
    .open = fifo_open,
    .close = fifo_close,
    .release = pipe_release,
};

int fifo_init(struct vnode *vn)
{
    struct pipe *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->size = PIPE_SIZE;
    waitq_init(&p->rq);
    waitq_init(&p->wq);
    pollq_init(&p->pq);
    vn->priv = p; /* freed with vn (pipe_release) */
    vn->fops = &fifo_ops;
    return 0;
}

/* --- kernel-side transfers (splice, tee, sendfile: kernel/sys/sys_splice.c;
 * vmsplice: kernel/sys/sys_vmsplice.c) --- */

int pipe_is(const struct file *f)
{
    return f->vn->fops == &fifo_ops;
}

long pipe_wait_data(struct file *f, int nonblock)
{
    struct pipe *p = f->vn->priv;
    while (p->len == 0) {
        if (p->writers == 0)
            return 0;
        if (nonblock)
            return -EAGAIN;
        if (waitq_wait_intr(&p->rq, 0) < 0)
            return -ERESTARTSYS;
    }
    return p->len;
}

long pipe_wait_room(struct file *f, int nonblock)
{
    struct pipe *p = f->vn->priv;
    for (;;) {
        if (p->readers == 0)
            return -EPIPE;
        if (p->len < p->size) /* the ring is made by the first write (pipe_write) */
            return p->buf || (p->buf = kmalloc(p->size)) ? (long)(p->size - p->len) : -ENOMEM;
        if (nonblock)
            return -EAGAIN;
        if (waitq_wait_intr(&p->wq, 0) < 0)
            return -ERESTARTSYS;
    }
}

size_t pipe_peek(struct file *f, size_t skip, void *buf, size_t n)
{
    struct pipe *p = f->vn->priv;
    size_t done = 0;
    if (skip >= p->len)
        return 0;
    if (n > p->len - skip)
        n = p->len - skip;
    while (done < n) {
        uint32_t at = (uint32_t)((p->head + skip + done) % p->size);
        size_t k = p->size - at < n - done ? p->size - at : n - done;
        memcpy((uint8_t *)buf + done, p->buf + at, k);
        done += k;
    }
    return done;
}

void pipe_drop(struct file *f, size_t n)
{
    struct pipe *p = f->vn->priv;
    KASSERT(n <= p->len);
    p->head = (uint32_t)((p->head + n) % p->size);
    p->len -= (uint32_t)n;
    pipe_kick(p, &p->wq, POLLOUT | POLLWRNORM);
}

size_t pipe_fill(struct file *f, const void *buf, size_t n)
{
    struct pipe *p = f->vn->priv;
    size_t done = (size_t)pipe_put(p, buf, n, 0); /* kernel memory: cannot fault */
    if (done)
        pipe_kick(p, &p->rq, POLLIN | POLLRDNORM);
    return done;
}

/* vmsplice's ends in program memory: pipe_read's and pipe_write's copies
 * without their waits (the caller waited). */
long pipe_take_user(struct file *f, void *ubuf, size_t n)
{
    return pipe_take(f->vn->priv, ubuf, n);
}

long pipe_fill_user(struct file *f, const void *ubuf, size_t n)
{
    return pipe_give(f->vn->priv, ubuf, n);
}

/* --- capacity (fcntl F_GETPIPE_SZ, F_SETPIPE_SZ) ----------------------------- */

uint32_t pipe_round_size(uint64_t n)
{
    if (n > (1ull << 31))
        return 0;
    uint64_t pages = n ? (n + PAGE_SIZE - 1) / PAGE_SIZE : 1, p2 = 1;
    while (p2 < pages)
        p2 <<= 1;
    return (uint32_t)(p2 * PAGE_SIZE);
}

uint32_t pipe_size(struct file *f)
{
    return ((struct pipe *)f->vn->priv)->size;
}

int pipe_resize(struct file *f, uint32_t size)
{
    struct pipe *p = f->vn->priv;
    KASSERT(size && !(size & (size - 1))); /* the ring indexes by mask */
    if (p->len > size)
        return -EBUSY;
    if (p->buf) { /* the data moves to the start of a ring of the new size */
        uint8_t *nb = kmalloc(size);
        if (!nb)
            return -ENOMEM;
        for (uint32_t done = 0; done < p->len;) {
            uint32_t at = (p->head + done) % p->size;
            uint32_t k = p->size - at < p->len - done ? p->size - at : p->len - done;
            memcpy(nb + done, p->buf + at, k);
            done += k;
        }
        kfree(p->buf);
        p->buf = nb;
        p->head = 0;
    }
    p->size = size;
    pipe_kick(p, &p->wq, POLLOUT | POLLWRNORM); /* there may be room now */
    return 0;
}
