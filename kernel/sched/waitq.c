/* Wait queues and the kernel mutex and condition variable built on them. */
#include <stdint.h>
#include "errno.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

void waitq_init(struct waitq *q)
{
    q->head = q->tail = 0;
}

static void wq_remove(struct waitq *q, struct thread *t)
{
    struct thread *prev = 0;
    for (struct thread *p = q->head; p; prev = p, p = p->wq_next) {
        if (p != t)
            continue;
        if (prev)
            prev->wq_next = p->wq_next;
        else
            q->head = p->wq_next;
        if (q->tail == p)
            q->tail = prev;
        break;
    }
    t->wq = 0;
}

/* Phase 1 of a wait on q: announced to the scheduler, then queued. */
static void wq_enter(struct waitq *q, struct thread *self, uint64_t deadline)
{
    sched_block_prepare(deadline);
    self->wq_next = 0;
    self->wq = q;
    if (q->tail)
        q->tail->wq_next = self;
    else
        q->head = self;
    q->tail = self;
}

int waitq_wait(struct waitq *q, uint64_t deadline)
{
    struct thread *self = sched_current();
    wq_enter(q, self, deadline);
    int timed_out = sched_block();
    if (self->wq) /* timed out (or woken directly): still queued */
        wq_remove(q, self);
    return timed_out;
}

int waitq_wait_intr(struct waitq *q, uint64_t deadline)
{
    struct thread *self = sched_current();
    wq_enter(q, self, deadline);
    /* Looked at once the wait is announced: a signal sent from an
     * interrupt before this point is seen here, one sent after it wakes
     * the sleep. */
    int r = self->intr ? -EINTR : sched_block();
    if (self->wq)
        wq_remove(q, self);
    return r;
}

int waitq_wake_one(struct waitq *q)
{
    struct thread *t = q->head;
    if (!t)
        return 0;
    wq_remove(q, t);
    sched_wake(t);
    return 1;
}

int waitq_wake_all(struct waitq *q)
{
    if (!q->head)
        return 0;
    int n = 0;
    while (waitq_wake_one(q))
        n++;
    return n;
}

void kmutex_init(struct kmutex *m)
{
    m->owner = 0;
    waitq_init(&m->waiters);
}

void kmutex_lock(struct kmutex *m)
{
    while (m->owner)
        waitq_wait(&m->waiters, 0);
    m->owner = sched_current();
}

void kmutex_unlock(struct kmutex *m)
{
    if (m->owner != sched_current())
        panic("kmutex_unlock: %p not held by %s", (void *)m, sched_current()->name);
    m->owner = 0;
    waitq_wake_one(&m->waiters);
}

void kcond_init(struct kcond *c)
{
    waitq_init(&c->waiters);
}

int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline)
{
    /* No preemption: nothing can run between the unlock and the wait, so
     * a signal cannot slip in unseen. */
    kmutex_unlock(m);
    int timed_out = waitq_wait(&c->waiters, deadline);
    kmutex_lock(m);
    return timed_out;
}

void kcond_signal(struct kcond *c)
{
    waitq_wake_one(&c->waiters);
}

void kcond_broadcast(struct kcond *c)
{
    waitq_wake_all(&c->waiters);
}
