/* POSIX message queues: sending and receiving (mq_timedsend(2),
 * mq_timedreceive(2); mqobj.h).
 *
 * As Linux's, a send to a queue with a receiver waiting hands the message
 * to the first such receiver and queues nothing (so no notification
 * fires), and a receive from a full queue with a sender waiting takes
 * that sender's message into the queue in its place. A waiter is done
 * once the other side has done this for it: it then succeeds, whatever
 * else (a signal, the deadline) woke it. Waiters are served in arrival
 * order (Linux orders them by scheduling priority first). */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/mqobj.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"

static int can_read(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;
    return acc == O_RDONLY || acc == O_RDWR;
}

static int can_write(const struct file *f)
{
    uint32_t acc = f->flags & O_ACCMODE;
    return acc == O_WRONLY || acc == O_RDWR;
}

/* --- the messages -------------------------------------------------------------------- */

/* m into q after every message of its priority or higher: at the end,
 * without a walk, when the last one's priority is not below m's. */
static void msg_insert(struct mqueue *q, struct mq_msg *m)
{
    struct mq_msg **at = &q->head;
    if (q->last && q->last->prio >= m->prio)
        at = &q->last->next;
    while (*at && (*at)->prio >= m->prio)
        at = &(*at)->next;
    m->next = *at;
    *at = m;
    if (!m->next)
        q->last = m;
    q->curmsgs++;
    q->qsize += m->len;
}

static struct mq_msg *msg_first(struct mqueue *q)
{
    struct mq_msg *m = q->head;
    if (!(q->head = m->next))
        q->last = 0;
    q->curmsgs--;
    q->qsize -= m->len;
    return m;
}

void mq_msgs_free(struct mqueue *q)
{
    while (q->head)
        kfree(msg_first(q));
}

/* --- waiters ------------------------------------------------------------------------- */

static void waiter_add(struct mq_waiter **list, struct mq_waiter *w)
{
    while (*list)
        list = &(*list)->next;
    w->next = 0;
    *list = w;
}

static void waiter_del(struct mq_waiter **list, struct mq_waiter *w)
{
    while (*list != w)
        list = &(*list)->next;
    *list = w->next;
}

/* The first waiter of list, taken off it and marked done (its msg set by
 * the caller before waiter_wake), or NULL. */
static struct mq_waiter *waiter_first(struct mq_waiter **list)
{
    struct mq_waiter *w = *list;
    if (w) {
        *list = w->next;
        w->done = 1;
    }
    return w;
}

static void waiter_wake(struct mq_waiter *w)
{
    waitq_wake_all(&w->wq);
}

/* Wait on list until w is done (0), the deadline passes (-ETIMEDOUT) or
 * a signal comes (-ERESTARTSYS, as Linux's: SA_RESTART restarts these
 * calls, signal(7)). */
static int waiter_sleep(struct mq_waiter **list, struct mq_waiter *w, uint64_t deadline)
{
    waitq_init(&w->wq);
    w->done = 0;
    waiter_add(list, w);
    for (;;) {
        int r = waitq_wait_intr(&w->wq, deadline);
        if (w->done)
            return 0;
        if (r != 0) {
            waiter_del(list, w);
            return r > 0 ? -ETIMEDOUT : -ERESTARTSYS;
        }
    }
}

/* --- send ------------------------------------------------------------------------------ */

/* m to q, which has room: to the first waiting receiver, else queued. */
static void deliver(struct mqueue *q, struct mq_msg *m)
{
    struct mq_waiter *r = waiter_first(&q->receivers);
    if (r) {
        r->msg = m;
        waiter_wake(r);
        return;
    }
    msg_insert(q, m);
    mq_notify_fire(q);
    pollq_notify(&q->pq, POLLIN | POLLRDNORM);
}

/* Linux's order: the descriptor and its mode, the size, the copy, then
 * room or a wait. */
int mq_send(struct file *f, const void *ubuf, uint64_t len, uint32_t prio, uint64_t deadline)
{
    struct mqueue *q = mq_of_file(f);
    if (!q || !can_write(f))
        return -EBADF;
    if (len > (uint64_t)q->msgsize)
        return -EMSGSIZE;
    struct mq_msg *m = kmalloc(sizeof(*m) + len);
    if (!m)
        return -ENOMEM;
    m->prio = prio;
    m->len = len;
    int err = copy_from_user(m->data, ubuf, len) ? -EFAULT : 0;
    if (!err && q->curmsgs < q->maxmsg) {
        deliver(q, m);
        return 0;
    }
    if (!err && (f->flags & O_NONBLOCK))
        err = -EAGAIN;
    if (!err) {
        struct mq_waiter w = {.msg = m};
        err = waiter_sleep(&q->senders, &w, deadline); /* done: m is queued */
    }
    if (err)
        kfree(m);
    return err;
}

/* --- receive ---------------------------------------------------------------------------- */

/* A message was taken off q: the first waiting sender's goes in its
 * place, or there is room for pollers. */
static void refill(struct mqueue *q)
{
    struct mq_waiter *s = waiter_first(&q->senders);
    if (!s) {
        pollq_notify(&q->pq, POLLOUT | POLLWRNORM);
        return;
    }
    msg_insert(q, s->msg);
    waiter_wake(s);
}

/* The message to receive: 0 and *out (the caller's to free), or -errno. */
static int msg_get(struct mqueue *q, struct file *f, uint64_t deadline, struct mq_msg **out)
{
    if (q->curmsgs) {
        *out = msg_first(q);
        refill(q);
        return 0;
    }
    if (f->flags & O_NONBLOCK)
        return -EAGAIN;
    struct mq_waiter w = {.msg = 0};
    int err = waiter_sleep(&q->receivers, &w, deadline);
    *out = w.msg;
    return err;
}

int64_t mq_receive(struct file *f, void *ubuf, uint64_t len, uint64_t uprio, uint64_t deadline)
{
    struct mqueue *q = mq_of_file(f);
    if (!q || !can_read(f))
        return -EBADF;
    if (len < (uint64_t)q->msgsize)
        return -EMSGSIZE;
    struct mq_msg *m;
    int err = msg_get(q, f, deadline, &m);
    if (err)
        return err;
    int64_t r = (int64_t)m->len;
    if ((uprio && copy_to_user((void *)uprio, &m->prio, sizeof(m->prio))) ||
        copy_to_user(ubuf, m->data, m->len))
        r = -EFAULT; /* the message is lost, as on Linux */
    kfree(m);
    return r;
}
