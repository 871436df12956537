/* Pseudo-terminals (pty(7), Linux's Unix 98 ptys): each open of /dev/ptmx
 * makes a pair. The master is that file: what it writes is the slave's
 * input (through the slave's signal characters and, in canonical mode,
 * its line editor as it arrives), what it reads is the slave's output
 * after OPOST/ONLCR. The slave is /dev/pts/N, a tty like the console,
 * locked until the master unlocks it (TIOCSPTLCK). The master's close
 * hangs the slave up (reads see end of file, writes -EIO, its session
 * leader gets SIGHUP) and removes the node; once the last slave file is
 * closed too, the master reads -EIO after draining; the pair is freed
 * when both sides are closed. Each direction holds 4 KiB (Linux's
 * N_TTY_BUF_SIZE); writers wait for room. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/tty/devpts.h"
#include "kernel/tty/tty.h"

#define PTY_BUF 4096

#define TIOCGPTN    0x80045430
#define TIOCSPTLCK  0x40045431
#define TIOCGPTLCK  0x80045439
#define TIOCGPTPEER 0x5441

struct pty_ring {
    uint32_t head, len;
    char buf[PTY_BUF];
};

struct pty {
    struct tty tty; /* the slave's */
    int index;
    int locked;          /* TIOCSPTLCK: the slave cannot be opened */
    int master_open;     /* until the master's close */
    unsigned slaves;     /* files open on the slave (its own and /dev/tty's) */
    int slave_opened;    /* one was, at some point */
    struct pty_ring in;  /* master to slave: the slave's raw input */
    struct pty_ring out; /* slave to master: its output */
    struct waitq wq;     /* readers and writers of both sides */
    struct pollq pq;     /* both sides' pollers */
    struct vnode *vn;    /* /dev/pts/N (referenced) */
};

static size_t ring_get(struct pty_ring *r, char *buf, size_t n)
{
    size_t k = 0;
    for (; k < n && r->len; k++, r->len--) {
        buf[k] = r->buf[r->head];
        r->head = (r->head + 1) % PTY_BUF;
    }
    return k;
}

static void ring_put(struct pty_ring *r, const char *buf, size_t n)
{
    for (size_t k = 0; k < n && r->len < PTY_BUF; k++)
        r->buf[(r->head + r->len++) % PTY_BUF] = buf[k];
}

/* Something changed: wake every sleeper and tell every poller. */
static void pty_wake(struct pty *p)
{
    waitq_wake_all(&p->wq);
    pollq_notify(&p->pq, POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | POLLERR);
}

/* The last of the master and the slave's files is gone. */
static void pty_free(struct pty *p)
{
    tty_remove(&p->tty);
    devpts_free(p->index);
    p->vn->priv = 0;
    vn_unref(p->vn);
    kfree(p);
}

/* --- the slave's driver --------------------------------------------------- */

static int slave_pending(struct tty *t)
{
    return (int)((struct pty *)t->priv)->in.len;
}

static long slave_in_read(struct tty *t, char *buf, size_t n, uint64_t deadline)
{
    struct pty *p = t->priv;
    while (p->in.len == 0) {
        if (!p->master_open)
            return -EIO;
        int r = waitq_wait_intr(&p->wq, deadline);
        if (r)
            return r < 0 ? -EINTR : -EAGAIN;
    }
    size_t k = ring_get(&p->in, buf, n);
    pty_wake(p); /* room for the master's writes */
    return (long)k;
}

static void slave_in_flush(struct tty *t)
{
    struct pty *p = t->priv;
    p->in.len = 0;
    pty_wake(p);
}

static size_t slave_out_room(struct tty *t)
{
    return PTY_BUF - ((struct pty *)t->priv)->out.len;
}

static void slave_out_put(struct tty *t, const char *buf, size_t n)
{
    struct pty *p = t->priv;
    ring_put(&p->out, buf, n);
    pty_wake(p);
}

static int slave_out_wait(struct tty *t)
{
    return waitq_wait_intr(&((struct pty *)t->priv)->wq, 0) < 0 ? -ERESTARTSYS : 0;
}

static struct pollq *slave_pollq(struct tty *t)
{
    return &((struct pty *)t->priv)->pq;
}

static void slave_hold(struct tty *t)
{
    struct pty *p = t->priv;
    p->slaves++;
    p->slave_opened = 1;
    pty_wake(p);
}

static void slave_drop(struct tty *t)
{
    struct pty *p = t->priv;
    if (--p->slaves)
        return;
    if (!p->master_open)
        pty_free(p);
    else
        pty_wake(p); /* the master sees the hang-up */
}

static const struct tty_driver slave_driver = {
    .in_pending = slave_pending,
    .in_read = slave_in_read,
    .in_flush = slave_in_flush,
    .out_room = slave_out_room,
    .out_put = slave_out_put,
    .out_wait = slave_out_wait,
    .pollq = slave_pollq,
    .hold = slave_hold,
    .drop = slave_drop,
    .opost = 1,
    .pty = 1,
};

/* /dev/pts/N: -EIO while locked or once the master is gone (Linux's
 * pts_unix98_lookup and tty_open). */
static int slave_open(struct file *f)
{
    struct pty *p = f->vn->priv;
    if (!p || !p->master_open || p->locked)
        return -EIO;
    tty_file_open(&p->tty, f, f->flags);
    return 0;
}

static const struct file_ops slave_fops = {
    .open = slave_open,
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
    .close = tty_close,
};

/* --- the master ----------------------------------------------------------- */

static int other_closed(const struct pty *p)
{
    return p->slave_opened && p->slaves == 0;
}

static int master_open(struct file *f)
{
    struct pty *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    int err = devpts_new(&slave_fops, p, &p->index, &p->vn);
    if (err) {
        kfree(p);
        return err;
    }
    tty_init(&p->tty, &slave_driver, p);
    waitq_init(&p->wq);
    pollq_init(&p->pq);
    p->locked = 1;
    p->master_open = 1;
    f->priv = p;
    return 0;
}

static void master_close(struct file *f)
{
    struct pty *p = f->priv;
    p->master_open = 0;
    devpts_unname(p->index);
    tty_hangup(&p->tty);
    pty_wake(p);
    if (p->slaves == 0)
        pty_free(p);
}

static long master_read(struct file *f, void *ubuf, size_t n)
{
    struct pty *p = f->priv;
    if (n == 0)
        return 0;
    while (p->out.len == 0) {
        if (other_closed(p))
            return -EIO;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&p->wq, 0) < 0)
            return -ERESTARTSYS;
    }
    char buf[256];
    size_t k = ring_get(&p->out, buf, n < sizeof(buf) ? n : sizeof(buf));
    pty_wake(p); /* room for the slave's output */
    return copy_to_user(ubuf, buf, k) ? -EFAULT : (long)k;
}

/* One byte of the slave's input: 1 queued (or taken as a signal), 0 when
 * there is no room, after waiting unless nonblock; or -ERESTARTSYS. */
static int master_put(struct pty *p, char c, int nonblock)
{
    if (tty_filter(&p->tty, c))
        return 1;
    while (p->in.len == PTY_BUF) {
        tty_cook(&p->tty);
        if (p->in.len < PTY_BUF)
            break;
        if (nonblock)
            return 0;
        if (waitq_wait_intr(&p->wq, 0) < 0)
            return -ERESTARTSYS;
    }
    ring_put(&p->in, &c, 1);
    return 1;
}

static long master_write(struct file *f, const void *ubuf, size_t n)
{
    struct pty *p = f->priv;
    char buf[256];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf), i = 0;
        if (copy_from_user(buf, (const char *)ubuf + done, k))
            return done ? (long)done : -EFAULT;
        int r = 1;
        for (; i < k && (r = master_put(p, buf[i], (f->flags & O_NONBLOCK) != 0)) == 1; i++)
            ;
        done += i;
        tty_cook(&p->tty); /* canonical input is edited (and echoed) as it arrives */
        pty_wake(p);
        if (r != 1)
            return done ? (long)done : r == 0 ? -EAGAIN : r;
    }
    return (long)done;
}

static int master_poll(struct file *f, struct poll_table *pt)
{
    struct pty *p = f->priv;
    poll_wait(f, &p->pq, pt);
    int ev = p->out.len ? POLLIN | POLLRDNORM : 0;
    if (other_closed(p))
        ev |= POLLHUP;
    if (PTY_BUF - p->in.len >= TTY_WAKEUP)
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

/* TIOCGPTPEER: the slave opened from the master (flags: open's access
 * mode, O_NONBLOCK, O_NOCTTY, O_CLOEXEC; others are left out as Linux
 * does), a new descriptor. */
static long master_peer(struct pty *p, uint64_t flags)
{
    struct file *sf;
    int err = file_open_vnode(p->vn, (uint32_t)flags & (O_ACCMODE | O_NONBLOCK | O_NOCTTY), &sf);
    if (err)
        return err;
    int fd = fd_install(proc_current(), sf, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_unref(sf);
    return fd;
}

static long master_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct pty *p = f->priv;
    void *u = (void *)(uintptr_t)arg;
    int v;
    switch (cmd) {
    case TIOCGPTN:
        return copy_to_user(u, &p->index, sizeof(int)) ? -EFAULT : 0;
    case TIOCGPTLCK:
        return copy_to_user(u, &p->locked, sizeof(int)) ? -EFAULT : 0;
    case TIOCSPTLCK:
        if (copy_from_user(&v, u, sizeof(v)))
            return -EFAULT;
        p->locked = v != 0;
        return 0;
    case TIOCGPTPEER:
        return master_peer(p, arg);
    default: {
        long r = tty_ioctl_common(&p->tty, f, cmd, arg, 1);
        return r == TTY_NOIOCTL ? -ENOTTY : r;
    }
    }
}

const struct file_ops ptmx_fops = {
    .open = master_open,
    .close = master_close,
    .read = master_read,
    .write = master_write,
    .ioctl = master_ioctl,
    .poll = master_poll,
};
