/* Pending sets (struct sigpend, signal.h): a process's and each LWP's.
 * A standard signal is pending once, with its first sender's siginfo.
 * Every instance of a real-time one is queued, in order, as Linux queues
 * them, up to RLIMIT_SIGPENDING instances per process (past it, one from
 * kill is kept pending without its siginfo queued, one from sigqueue is
 * refused). Only system calls send real-time signals: the queue is never
 * allocated from an interrupt. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"

struct sigq {
    struct sigq *next;
    int sig;
    struct sigqinfo info;
};

/* Append an instance of real-time sig to sp's queue: 0, or -EAGAIN past
 * RLIMIT_SIGPENDING or without memory. */
static int enqueue(struct proc *p, struct sigpend *sp, int sig, const struct sigqinfo *info)
{
    struct sigq *n = p->nqueued < p->rlim[RLIMIT_SIGPENDING].cur ? kmalloc(sizeof(*n)) : 0;
    if (!n)
        return -EAGAIN;
    *n = (struct sigq){0, sig, *info};
    struct sigq **pp = &sp->queue;
    while (*pp)
        pp = &(*pp)->next;
    *pp = n;
    p->nqueued++;
    return 0;
}

int sigpend_add(struct proc *p, struct sigpend *sp, int sig, const struct sigqinfo *info)
{
    int pending = (sp->set & SIGBIT(sig)) != 0;
    if (sig >= SIGRTMIN && enqueue(p, sp, sig, info) == 0) {
        sp->set |= SIGBIT(sig);
        return 0;
    }
    if (sig >= SIGRTMIN && info->code != SI_USER)
        return -EAGAIN; /* as Linux: sigqueue's is refused, kill's is kept without a queue */
    if (!pending)
        sp->info[sig - 1] = *info;
    sp->set |= SIGBIT(sig);
    return 0;
}

/* Unlink and return the oldest queued instance of sig, or NULL. */
static struct sigq *queued(struct sigpend *sp, int sig)
{
    for (struct sigq **pp = &sp->queue; *pp; pp = &(*pp)->next) {
        struct sigq *q = *pp;
        if (q->sig == sig) {
            *pp = q->next;
            return q;
        }
    }
    return 0;
}

/* 1 when an instance of sig is queued in sp. */
static int has_queued(const struct sigpend *sp, int sig)
{
    for (const struct sigq *q = sp->queue; q; q = q->next)
        if (q->sig == sig)
            return 1;
    return 0;
}

int sigpend_take(struct proc *p, struct sigpend *sp, int sig, struct sigqinfo *info)
{
    if (!(sp->set & SIGBIT(sig)))
        return 0;
    struct sigq *q = sig >= SIGRTMIN ? queued(sp, sig) : 0;
    *info = q ? q->info : sp->info[sig - 1];
    if (q) {
        kfree(q);
        p->nqueued--;
    }
    if (!has_queued(sp, sig))
        sp->set &= ~SIGBIT(sig);
    return 1;
}

void sigpend_drop(struct proc *p, struct sigpend *sp, int sig)
{
    struct sigq *q;
    while ((q = queued(sp, sig)) != 0) {
        kfree(q);
        p->nqueued--;
    }
    sp->set &= ~SIGBIT(sig);
}

void sigpend_clear(struct proc *p, struct sigpend *sp)
{
    while (sp->queue) {
        struct sigq *q = sp->queue;
        sp->queue = q->next;
        kfree(q);
        p->nqueued--;
    }
    sp->set = 0;
}
