/* Job control (Linux's group stop, kernel/signal.c and kernel/exit.c):
 * stop signals stop a whole process, SIGCONT resumes it, the parent hears
 * of both through wait and SIGCHLD, and a process group that exit leaves
 * orphaned with a stopped member is hung up and resumed.
 *
 * A stop: the LWP that takes the stop signal records it (stop_sig) and
 * has every other LWP interrupted (sig_recalc counts a stop in force as
 * something to deliver); each parks on p->stopq on its way back to program
 * code, the last to park completes the stop and tells the parent. SIGCONT,
 * at the moment it is sent, ends the stop and wakes them; an interrupted
 * system call then restarts, since no handler ran. */
#include <stdint.h>
#include "errno.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

/* The parent learns that p stopped or continued (Linux's
 * do_notify_parent_cldstop): SIGCHLD unless it asked for none with
 * SA_NOCLDSTOP, and its waiters are woken either way. */
static void notify_parent(struct proc *p, int code, int status)
{
    struct proc *pp = p->parent;
    if (!pp)
        return;
    if (!(pp->sigact[SIGCHLD - 1].flags & SA_NOCLDSTOP)) {
        struct sigqinfo info = {code, p->pid, (uint64_t)status, 0};
        sig_send_info(pp, 0, SIGCHLD, &info);
    }
    waitq_wake_all(&pp->exitq);
}

/* SIGCONT for p: a stop in force ends (one that had completed is
 * reported as a continue), parked LWPs go on. */
static void resume(struct proc *p)
{
    if (!p->stop_sig)
        return;
    int was_done = p->stop_done;
    p->stop_sig = p->stop_done = 0;
    if (was_done) {
        p->jc_report = JC_CONTINUED;
        notify_parent(p, CLD_CONTINUED, SIGCONT);
    }
    waitq_wake_all(&p->stopq);
}

/* Drop every pending instance of the signals in set from p's sets. */
static void drop_set(struct proc *p, uint64_t set)
{
    for (int sig = 1; sig <= NSIG; sig++) {
        if (!(set & SIGBIT(sig)))
            continue;
        sigpend_drop(p, &p->pend, sig);
        for (struct lwp *l = p->lwps; l; l = l->next)
            sigpend_drop(p, &l->pend, sig);
    }
    for (struct lwp *l = p->lwps; l; l = l->next)
        sig_recalc(l);
}

void jc_on_send(struct proc *p, int sig)
{
    if (sig == SIGCONT) {
        resume(p);
        drop_set(p, SIG_STOPSET);
    } else if (SIGBIT(sig) & SIG_STOPSET) {
        drop_set(p, SIGBIT(SIGCONT));
    } else if (sig == SIGKILL && p->stop_sig) {
        waitq_wake_all(&p->stopq);
    }
}

/* 1 when l must leave its stop: SIGKILL is pending or the process dies. */
static int must_leave(const struct lwp *l)
{
    return ((l->pend.set | l->proc->pend.set) & SIGBIT(SIGKILL)) || lwp_doomed(l);
}

/* The stop in force is complete once every live LWP has parked: the
 * parent is told. */
static void complete_if_parked(struct proc *p)
{
    if (!p->stop_sig || p->stop_done || p->dying || p->nparked < p->nlive)
        return;
    p->stop_done = 1;
    p->jc_report = JC_STOPPED;
    notify_parent(p, CLD_STOPPED, p->stop_sig);
}

void jc_lwp_gone(struct proc *p)
{
    complete_if_parked(p);
}

/* Park l until the stop ends; the last LWP to park completes it. */
static void park(struct lwp *l)
{
    struct proc *p = l->proc;
    p->nparked++;
    complete_if_parked(p);
    while (p->stop_sig && !must_leave(l))
        waitq_wait(&p->stopq, 0);
    p->nparked--;
    sig_recalc(l);
}

void jc_park_if_stopped(struct lwp *l)
{
    if (l->proc->stop_sig)
        park(l);
}

void jc_stop(struct lwp *l, int sig)
{
    struct proc *p = l->proc;
    if (sig != SIGSTOP && jc_pgrp_orphaned(p->pgid, 0))
        return; /* nobody would ever resume it: Linux discards the signal */
    if (!p->stop_sig) {
        p->stop_sig = sig;
        p->stop_done = 0;
        for (struct lwp *o = p->lwps; o; o = o->next) {
            sig_recalc(o);
            if (o != l && !o->exited && o->thread->intr)
                sched_wake(o->thread);
        }
    }
    park(l);
}

int jc_pgrp_orphaned(int pgid, const struct proc *ignore)
{
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *q = proc_at(i);
        if (!q || q->state != P_ALIVE || q->pgid != pgid || q == ignore)
            continue;
        struct proc *pp = q->parent;
        if (!pp || pp == ignore || pp->pid == 1)
            continue;
        if (pp->pgid != pgid && pp->sid == q->sid)
            return 0;
    }
    return 1;
}

/* 1 when a live member of group pgid is stopped. */
static int has_stopped(int pgid)
{
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *q = proc_at(i);
        if (q && q->state == P_ALIVE && q->pgid == pgid && q->stop_sig)
            return 1;
    }
    return 0;
}

/* Group pgid, reached from p through parent pp (both in the same
 * session, pp's group another), loses its link with exiting x. */
static void orphan_check(int pgid, int sid, const struct proc *pp, const struct proc *x)
{
    static const struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    if (pp->pgid == pgid || pp->sid != sid || !jc_pgrp_orphaned(pgid, x) || !has_stopped(pgid))
        return;
    sig_send_group(pgid, SIGHUP, &info);
    sig_send_group(pgid, SIGCONT, &info);
}

void jc_exit_orphans(struct proc *p)
{
    for (struct proc *c = p->children; c; c = c->sibling)
        if (c->state == P_ALIVE)
            orphan_check(c->pgid, c->sid, p, p);
    if (p->parent)
        orphan_check(p->pgid, p->sid, p->parent, p);
}

int jc_sig_wanted(const struct lwp *l, int sig)
{
    return !(l->sigmask & SIGBIT(sig)) && l->proc->sigact[sig - 1].handler != SIG_IGN;
}

int jc_tty_check(int sid, int fg_pgrp, int sig)
{
    static const struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    struct lwp *l = lwp_current();
    if (!l || !sid || l->proc->sid != sid || !fg_pgrp || l->proc->pgid == fg_pgrp)
        return 0; /* not its controlling terminal, or it is in the foreground */
    if (!jc_sig_wanted(l, sig))
        return sig == SIGTTIN ? -EIO : 0;
    if (jc_pgrp_orphaned(l->proc->pgid, 0))
        return -EIO;
    sig_send_group(l->proc->pgid, sig, &info);
    return -ERESTARTSYS;
}
