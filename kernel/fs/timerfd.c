/* timerfd(2): a timer behind a descriptor, read as the number of
 * expirations since the last read.
 *
 * As Linux's, an interval timer is not re-armed from the interrupt: the
 * callout marks the first expiration and wakes readers, and the next read
 * (or gettime) counts the intervals that passed since (the overruns) and
 * arms it again. So a timer nobody reads costs no interrupt per interval.
 *
 * Linux's clock rules: a relative timer counts on CLOCK_MONOTONIC whatever
 * its clock (setting the realtime clock does not move it); an absolute
 * one on CLOCK_REALTIME counts on that clock, through a realtime-tagged
 * callout deadline that moves when the clock is set. Armed with
 * TFD_TIMER_CANCEL_ON_SET, such a timer is also cancelled by a set: its
 * next read fails with ECANCELED (timerfd_clock_was_set).
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
    int wall;          /* armed absolute on CLOCK_REALTIME: expires is a wall-clock time */
    int cancel_on_set; /* on cancel_list: a clock set cancels it */
    int canceled;      /* a clock set cancelled it and no read has said so yet */
    struct timerfd *cancel_next;
    uint64_t expires;  /* the next (or last, if expired) expiration on its clock; 0: disarmed */
    uint64_t interval; /* ns; 0: one-shot */
    uint64_t ticks;    /* expirations not yet read */
    int expired;       /* the callout ran and the timer has not been moved on since */
    struct callout co;
    struct waitq rq; /* readers wait for an expiration */
    struct pollq pq; /* pollers and epoll: told of each expiration */
};

/* The timers armed with TFD_TIMER_CANCEL_ON_SET. */
static struct timerfd *cancel_list;

static void cancel_remove(struct timerfd *t)
{
    if (!t->cancel_on_set)
        return;
    for (struct timerfd **pp = &cancel_list; *pp; pp = &(*pp)->cancel_next)
        if (*pp == t) {
            *pp = t->cancel_next;
            break;
        }
    t->cancel_on_set = 0;
}

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
    return t->wall ? clock_realtime_ns() : clock_ns();
}

/* Arm for t->expires (on t's clock; now is that clock's time). */
static void tfd_arm(struct timerfd *t, uint64_t now)
{
    if (t->expires <= now)
        tfd_fire(t);
    else
        callout_add(&t->co, t->wall ? clock_deadline_rt(t->expires) : t->expires, tfd_fire, t);
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
    while (t->ticks == 0 && !(f->flags & O_NONBLOCK))
        if (waitq_wait_intr(&t->rq, 0) < 0)
            return -ERESTARTSYS;
    if (t->canceled) { /* the clock was set: the count means nothing */
        t->canceled = 0;
        t->ticks = 0;
        t->expired = 0;
        return -ECANCELED;
    }
    if (t->ticks == 0)
        return -EAGAIN;
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
    cancel_remove(t);
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

/* Linux's: TFD_TIMER_CANCEL_ON_SET counts only on an absolute realtime
 * timer; otherwise the timer leaves the list. */
static void tfd_setup_cancel(struct timerfd *t, uint32_t flags)
{
    if (!t->realtime || !(flags & TFD_TIMER_ABSTIME) || !(flags & TFD_TIMER_CANCEL_ON_SET)) {
        cancel_remove(t);
        t->canceled = 0;
        return;
    }
    if (t->cancel_on_set)
        return;
    t->cancel_on_set = 1;
    t->cancel_next = cancel_list;
    cancel_list = t;
}

int timerfd_settime(struct file *f, uint32_t flags, const struct tfd_time *v, struct tfd_time *old)
{
    if (f->vn->fops != &timerfd_ops)
        return -EINVAL;
    struct timerfd *t = f->vn->priv;
    tfd_get(t, tfd_now(t), old);
    tfd_setup_cancel(t, flags);
    callout_cancel(&t->co);
    t->ticks = 0;
    t->expired = 0;
    t->interval = v->interval;
    t->expires = 0;
    t->wall = t->realtime && (flags & TFD_TIMER_ABSTIME);
    if (!v->value)
        return 0;
    uint64_t now = tfd_now(t);
    t->expires = flags & TFD_TIMER_ABSTIME ? v->value : clock_add(now, v->value);
    tfd_arm(t, now);
    if (t->canceled) { /* a set came since the last read: said here, as Linux */
        t->canceled = 0;
        return -ECANCELED;
    }
    return 0;
}

void timerfd_clock_was_set(void)
{
    for (struct timerfd *t = cancel_list; t; t = t->cancel_next) {
        t->canceled = 1;
        t->ticks++;
        waitq_wake_all(&t->rq);
        pollq_notify(&t->pq, POLLIN);
    }
}
