/* timerfd(2): a timer behind a descriptor, read as the number of
 * expirations since the last read.
 *
 * As Linux's, an interval timer is not re-armed from the interrupt: the
 * callout marks the first expiration and wakes readers, and the next read
 * (or gettime) counts the intervals that passed since (the overruns) and
 * arms it again. So a timer nobody reads costs no interrupt per interval.
 *
 * The callout runs from the timer interrupt with interrupts off, and
 * kernel code runs with them off too: no lock. The file's last close
 * cancels it, before the vnode (and this) can be freed. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"

struct timerfd {
    int realtime;      /* CLOCK_REALTIME: abstime values are wall-clock times */
    uint64_t expires;  /* the next (or last, if expired) expiration on its clock; 0: disarmed */
    uint64_t interval; /* ns; 0: one-shot */
    uint64_t ticks;    /* expirations not yet read */
    int expired;       /* the callout ran and the timer has not been moved on since */
    struct callout co;
    struct waitq rq; /* readers wait for an expiration */
    struct pollq pq; /* pollers and epoll: told of each expiration */
};

/* An expiration: from the timer interrupt, or at once for a time past. */
static void tfd_fire(void *arg)
{
    struct timerfd *t = arg;
    t->ticks++;
    t->expired = 1;
    waitq_wake_all(&t->rq);
    pollq_notify(&t->pq, POLLIN);
}

/* The time now on t's clock. */
static uint64_t tfd_now(const struct timerfd *t)
{
    return t->realtime ? clock_realtime_ns() : clock_ns();
}

/* Arm for t->expires (on t's clock; now is that clock's time). The wall
 * clock is clock_ns() plus a constant (nothing sets it here), so the
 * callout is due as far from clock_ns() as the expiration is from now. */
static void tfd_arm(struct timerfd *t, uint64_t now)
{
    if (t->expires <= now)
        tfd_fire(t);
    else
        callout_add(&t->co, clock_add(clock_ns(), t->expires - now), tfd_fire, t);
}

/* An interval timer that expired: count the intervals that passed since
 * its expiration (Linux's hrtimer_forward_now) and arm it for the next. */
static void tfd_forward(struct timerfd *t, uint64_t now)
{
    if (!t->expired || !t->interval)
        return;
    uint64_t overruns = now < t->expires ? 1 : (now - t->expires) / t->interval + 1;
    t->ticks += overruns - 1; /* tfd_fire counted the first */
    t->expires = clock_add(t->expires, overruns * t->interval);
    t->expired = 0;
    tfd_arm(t, now);
}

static long tfd_read(struct file *f, void *ubuf, size_t n)
{
    struct timerfd *t = f->vn->priv;
    if (n < sizeof(uint64_t))
        return -EINVAL;
    while (t->ticks == 0) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&t->rq, 0) < 0)
            return -ERESTARTSYS;
    }
    tfd_forward(t, tfd_now(t));
    uint64_t v = t->ticks;
    if (copy_to_user(ubuf, &v, sizeof(v)))
        return -EFAULT; /* the count stays */
    t->ticks = 0;
    t->expired = 0;
    return sizeof(v);
}

static int tfd_poll(struct file *f, struct poll_table *pt)
{
    struct timerfd *t = f->vn->priv;
    poll_wait(f, &t->pq, pt);
    return t->ticks ? POLLIN : 0;
}

static void tfd_close(struct file *f)
{
    struct timerfd *t = f->vn->priv;
    callout_cancel(&t->co);
}

static void tfd_release(struct vnode *vn)
{
    kfree(vn->priv);
}

static const struct file_ops timerfd_ops = {
    .read = tfd_read,
    .poll = tfd_poll,
    .close = tfd_close,
    .release = tfd_release,
};

int timerfd_create(int realtime, uint32_t flags, struct file **out)
{
    struct timerfd *t = kzalloc(sizeof(*t));
    if (!t)
        return -ENOMEM;
    t->realtime = realtime;
    waitq_init(&t->rq);
    pollq_init(&t->pq);
    int err = anon_file(&timerfd_ops, t, flags, out);
    if (err)
        kfree(t);
    return err;
}

/* The timer's state now: time to the next expiration (0 when disarmed or
 * a one-shot that expired) and the interval. Moves an expired interval
 * timer on first, as Linux's gettime does. */
static void tfd_get(struct timerfd *t, uint64_t now, struct tfd_time *cur)
{
    tfd_forward(t, now);
    cur->value = t->expires > now ? t->expires - now : 0;
    cur->interval = t->interval;
}

int timerfd_gettime(struct file *f, struct tfd_time *cur)
{
    if (f->vn->fops != &timerfd_ops)
        return -EINVAL;
    tfd_get(f->vn->priv, tfd_now(f->vn->priv), cur);
    return 0;
}

int timerfd_settime(struct file *f, int abstime, const struct tfd_time *v, struct tfd_time *old)
{
    if (f->vn->fops != &timerfd_ops)
        return -EINVAL;
    struct timerfd *t = f->vn->priv;
    uint64_t now = tfd_now(t);
    tfd_get(t, now, old);
    callout_cancel(&t->co);
    t->ticks = 0;
    t->expired = 0;
    t->interval = v->interval;
    t->expires = 0;
    if (v->value) {
        t->expires = abstime ? v->value : clock_add(now, v->value);
        tfd_arm(t, now);
    }
    return 0;
}
