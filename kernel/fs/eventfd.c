/* eventfd(2): a 64-bit counter behind a descriptor. A write adds its
 * 8-byte value, waiting while the sum would pass EFD_MAX; a read takes
 * the whole counter (or 1 in semaphore mode), waiting while it is 0. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"

/* The largest count: a write of UINT64_MAX itself is -EINVAL, as Linux. */
#define EFD_MAX (UINT64_MAX - 1)

struct eventfd {
    uint64_t count;
    int semaphore;
    struct waitq rq, wq; /* readers wait for a count, writers for room */
    struct pollq pq;     /* pollers and epoll: told of every change */
};

static long efd_read(struct file *f, void *ubuf, size_t n)
{
    struct eventfd *e = f->vn->priv;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    while (e->count == 0) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&e->rq, 0) < 0)
            return -ERESTARTSYS;
    }
    uint64_t v = e->semaphore ? 1 : e->count;
    if (copy_to_user(ubuf, &v, sizeof(v)))
        return -EFAULT; /* the count stays */
    e->count -= v;
    waitq_wake_all(&e->wq);
    pollq_notify(&e->pq, POLLOUT);
    return sizeof(v);
}

static long efd_write(struct file *f, const void *ubuf, size_t n)
{
    struct eventfd *e = f->vn->priv;
    uint64_t v;
    if (n < sizeof(v))
        return -EINVAL;
    if (copy_from_user(&v, ubuf, sizeof(v)))
        return -EFAULT;
    if (v > EFD_MAX)
        return -EINVAL;
    while (v > EFD_MAX - e->count) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&e->wq, 0) < 0)
            return -ERESTARTSYS;
    }
    e->count += v;
    waitq_wake_all(&e->rq);
    pollq_notify(&e->pq, POLLIN);
    return sizeof(v);
}

/* Linux's bits: IN with a count, OUT while a write of 1 would not wait,
 * ERR at UINT64_MAX, which only the kernel's own signalling (Linux's
 * eventfd_signal) can reach: writes stop at EFD_MAX. */
static int efd_poll(struct file *f, struct poll_table *pt)
{
    struct eventfd *e = f->vn->priv;
    poll_wait(f, &e->pq, pt);
    int ev = e->count ? POLLIN : 0;
    if (e->count == UINT64_MAX)
        ev |= POLLERR;
    if (e->count < EFD_MAX)
        ev |= POLLOUT;
    return ev;
}

static void efd_release(struct vnode *vn)
{
    kfree(vn->priv);
}

static const struct file_ops eventfd_ops = {
    .read = efd_read,
    .write = efd_write,
    .poll = efd_poll,
    .release = efd_release,
};

int eventfd_is(const struct file *f)
{
    return f->vn->fops == &eventfd_ops;
}

/* Linux's eventfd_signal: the counter may reach UINT64_MAX (POLLERR),
 * never pass it; readers and pollers are told. */
void eventfd_signal(struct file *f, uint64_t n)
{
    struct eventfd *e = f->vn->priv;
    e->count = n > UINT64_MAX - e->count ? UINT64_MAX : e->count + n;
    waitq_wake_all(&e->rq);
    pollq_notify(&e->pq, POLLIN);
}

int eventfd_create(uint32_t count, int semaphore, uint32_t flags, struct file **out)
{
    struct eventfd *e = kzalloc(sizeof(*e));
    if (!e)
        return -ENOMEM;
    e->count = count;
    e->semaphore = semaphore;
    waitq_init(&e->rq);
    waitq_init(&e->wq);
    pollq_init(&e->pq);
    int err = anon_file(&eventfd_ops, e, flags, out);
    if (err)
        kfree(e);
    return err;
}
