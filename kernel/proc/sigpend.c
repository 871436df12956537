/* Pending sets (struct sigpend, signal.h): a process's and each LWP's.
 * A standard signal is pending once, with its first sender's siginfo.
 * Every instance of a real-time one is queued, in order, as Linux queues
 * them, up to RLIMIT_SIGPENDING instances per process (past it, one from
 * kill is kept pending without its siginfo queued, one from sigqueue is
 * refused). A POSIX timer's expiration (SI_TIMER) may add one from the
 * timer interrupt, which never interrupts kernel code (kmalloc included).
 * A POSIX timer is told when its signal is made pending and when it is
 * taken or dropped (ptimer_sig_queued, ptimer_sig_taken): it queues its
 * signal at most once and counts overruns meanwhile. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"

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
        if (info->code == SI_TIMER)
            ptimer_sig_queued(p, sig, info);
        return 0;
    }
    if (sig >= SIGRTMIN && info->code != SI_USER)
        return -EAGAIN; /* as Linux: sigqueue's is refused, kill's is kept without a queue */
    if (!pending) {
        sp->info[sig - 1] = *info;
        if (info->code == SI_TIMER)
            ptimer_sig_queued(p, sig, info);
    }
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
    if (info->code == SI_TIMER)
        ptimer_sig_taken(p, sig, info);
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
        if (q->info.code == SI_TIMER)
            ptimer_sig_taken(p, sig, &q->info);
        kfree(q);
        p->nqueued--;
    }
    if (sig < SIGRTMIN && (sp->set & SIGBIT(sig)) && sp->info[sig - 1].code == SI_TIMER)
        ptimer_sig_taken(p, sig, &sp->info[sig - 1]);
    sp->set &= ~SIGBIT(sig);
}

void sigpend_clear(struct proc *p, struct sigpend *sp)
{
    for (int sig = 1; sig <= NSIG; sig++)
        if (sp->set & SIGBIT(sig))
            sigpend_drop(p, sp, sig);
}
