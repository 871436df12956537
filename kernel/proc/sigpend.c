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

/* sigpend_add for real-time sig: every instance queued while
 * RLIMIT_SIGPENDING allows; past it kill's is kept pending without its
 * siginfo and sigqueue's refused (-EAGAIN), as on Linux. Out of line: the
 * standard signals' path stays short. */
static __attribute__((noinline)) int add_rt(struct proc *p, struct sigpend *sp, int sig,
                                            const struct sigqinfo *info)
{
    uint64_t bit = SIGBIT(sig);
    if (enqueue(p, sp, sig, info) == 0) {
        sp->set |= bit;
        if (info->code == SI_TIMER)
            ptimer_sig_queued(p, sig, info);
        return 0;
    }
    if (info->code != SI_USER)
        return -EAGAIN;
    if (!(sp->set & bit))
        sp->info[sig - 1] = *info;
    sp->set |= bit;
    return 0;
}

int sigpend_add(struct proc *p, struct sigpend *sp, int sig, const struct sigqinfo *info)
{
    uint64_t bit = SIGBIT(sig);
    if (sig >= SIGRTMIN)
        return add_rt(p, sp, sig, info);
    if (!(sp->set & bit)) { /* pending once: the first sender's siginfo */
        sp->info[sig - 1] = *info;
        if (info->code == SI_TIMER)
            ptimer_sig_queued(p, sig, info);
    }
    sp->set |= bit;
    return 0;
}

/* Unlink and return the oldest queued instance of sig, or NULL; *more: 1
 * when a later one stays queued. */
static struct sigq *queued(struct sigpend *sp, int sig, int *more)
{
    for (struct sigq **pp = &sp->queue; *pp; pp = &(*pp)->next) {
        struct sigq *q = *pp;
        if (q->sig == sig) {
            *pp = q->next;
            *more = 0;
            for (const struct sigq *r = q->next; r && !*more; r = r->next)
                *more = r->sig == sig;
            return q;
        }
    }
    *more = 0;
    return 0;
}

/* sigpend_take for real-time sig, pending in sp: the oldest queued
 * instance (or, with none queued, what info[] holds). Out of line, as
 * add_rt. */
static __attribute__((noinline)) void take_rt(struct proc *p, struct sigpend *sp, int sig,
                                              struct sigqinfo *info)
{
    int more;
    struct sigq *q = queued(sp, sig, &more);
    *info = q ? q->info : sp->info[sig - 1];
    if (info->code == SI_TIMER)
        ptimer_sig_taken(p, sig, info);
    if (q) {
        kfree(q);
        p->nqueued--;
    }
    if (!more)
        sp->set &= ~SIGBIT(sig);
}

int sigpend_take(struct proc *p, struct sigpend *sp, int sig, struct sigqinfo *info)
{
    uint64_t bit = SIGBIT(sig);
    if (!(sp->set & bit))
        return 0;
    if (sig >= SIGRTMIN) {
        take_rt(p, sp, sig, info);
        return 1;
    }
    *info = sp->info[sig - 1]; /* a standard signal is never queued */
    sp->set &= ~bit;
    if (info->code == SI_TIMER)
        ptimer_sig_taken(p, sig, info);
    return 1;
}

void sigpend_drop(struct proc *p, struct sigpend *sp, int sig)
{
    struct sigq *q;
    int more;
    while ((q = queued(sp, sig, &more)) != 0) {
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
