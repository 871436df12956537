/* Signals (signal(7)): per-process actions, per-LWP mask and pending set,
 * delivery on the way back to program code. Default actions: terminate,
 * ignore, or stop (job control, jobctl.c). An interrupted system call is
 * restarted or fails with EINTR as Linux decides (ERESTARTSYS with and
 * without SA_RESTART, ERESTARTNOHAND); one interrupted by a stop restarts. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

/* Signals whose default action is to be ignored. */
static int default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

/* 1 when sig's action is the default and that is to stop. */
static int stops(const struct proc *p, int sig)
{
    return (SIGBIT(sig) & SIG_STOPSET) && p->sigact[sig - 1].handler == SIG_DFL;
}

/* init (pid 1) is not killed by a signal it has no handler for, SIGKILL
 * included, as Linux's SIGNAL_UNKILLABLE: only its own faults end it. */
static int init_immune(const struct proc *p, int sig)
{
    return p->pid == 1 && p->sigact[sig - 1].handler == SIG_DFL;
}

static int ignored(const struct proc *p, int sig)
{
    uint64_t h = p->sigact[sig - 1].handler;
    if (init_immune(p, sig))
        return 1;
    return sig != SIGKILL && (h == SIG_IGN || (h == SIG_DFL && default_ignored(sig)));
}

/* Signals l may take now: its own and its process's, less those it blocks. */
static uint64_t deliverable(const struct lwp *l)
{
    return (l->pend.set | l->proc->pend.set) & ~(l->sigmask & ~SIG_UNBLOCKABLE);
}

void sig_recalc(struct lwp *l)
{
    l->thread->intr = !l->exited && (lwp_doomed(l) || deliverable(l) != 0 || l->proc->stop_sig);
}

/* After the process-wide set changed: every LWP's view of it. */
static void recalc_all(struct proc *p)
{
    for (struct lwp *l = p->lwps; l; l = l->next)
        sig_recalc(l);
}

int sig_mask_from_user(uint64_t umask, uint64_t size)
{
    struct lwp *l = lwp_current();
    uint64_t mask;
    if (size != SIGSET_SIZE)
        return -EINVAL;
    if (copy_from_user(&mask, (void *)umask, sizeof(mask)))
        return -EFAULT;
    l->saved_mask = l->sigmask;
    l->restore_mask = 1;
    l->sigmask = mask & ~SIG_UNBLOCKABLE;
    sig_recalc(l);
    return 0;
}

void sig_mask_restore_unless(int interrupted)
{
    struct lwp *l = lwp_current();
    if (interrupted || !l->restore_mask)
        return;
    l->sigmask = l->saved_mask;
    l->restore_mask = 0;
    sig_recalc(l);
}

/* The LWP a process-directed sig goes to: the first (the main one, tid
 * == pid, when it can) that does not block it, or NULL when all do. */
static struct lwp *sig_target(struct proc *p, int sig)
{
    struct lwp *pick = 0;
    for (struct lwp *l = p->lwps; l; l = l->next) {
        if (l->exited || (l->sigmask & SIGBIT(sig) & ~SIG_UNBLOCKABLE))
            continue;
        if (!pick || l->tid == p->pid)
            pick = l;
    }
    return pick;
}

/* Make l notice sig, just made pending for it. One l does not block is
 * one it may take: interruptible at once, as sig_recalc would find,
 * without recomputing it. */
static void sig_kick(struct lwp *l, int sig)
{
    if (l->sigmask & SIGBIT(sig))
        sig_recalc(l);
    else
        l->thread->intr = 1;
    if (l->thread->intr)
        sched_wake(l->thread);
}

/* Ignored signals are dropped at once, unless blocked (by the main LWP,
 * as Linux looks at the target task's mask). */
static int dropped(struct proc *p, const struct lwp *l, int sig)
{
    return ignored(p, sig) && !(l->sigmask & SIGBIT(sig));
}

int sig_send_info(struct proc *p, struct lwp *prefer, int sig, const struct sigqinfo *info)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (sig == 0 || p->state != P_ALIVE || !p->nlive)
        return 0;
    if ((SIGBIT(sig) & JC_SIGNALS) && !init_immune(p, sig))
        jc_on_send(p, sig);
    struct lwp *to = sig_target(p, sig), *first = p->lwps;
    if (prefer && prefer->proc == p && !prefer->exited && !(prefer->sigmask & SIGBIT(sig)))
        to = prefer;
    while (first->exited)
        first = first->next;
    if (dropped(p, to ? to : first, sig))
        return 0;
    int err = sigpend_add(p, &p->pend, sig, info);
    if (!err && to)
        sig_kick(to, sig);
    if (!err)
        signalfd_notify(p);
    return err;
}

int sig_send(struct proc *p, int sig)
{
    struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    return sig_send_info(p, 0, sig, &info);
}

int sig_send_self(int sig)
{
    struct lwp *l = lwp_current();
    struct sigqinfo info = {SI_USER, l->proc->pid, 0, 0};
    return sig_send_info(l->proc, l, sig, &info);
}

int sig_send_lwp(struct lwp *l, int sig, const struct sigqinfo *info)
{
    if (sig < 0 || sig > NSIG)
        return -EINVAL;
    if (sig == 0 || l->exited)
        return 0;
    if ((SIGBIT(sig) & JC_SIGNALS) && !init_immune(l->proc, sig))
        jc_on_send(l->proc, sig);
    if (dropped(l->proc, l, sig))
        return 0;
    int err = sigpend_add(l->proc, &l->pend, sig, info);
    if (!err) {
        sig_kick(l, sig);
        signalfd_notify(l->proc);
    }
    return err;
}

void sig_discard(struct proc *p, int sig)
{
    sigpend_drop(p, &p->pend, sig);
    for (struct lwp *l = p->lwps; l; l = l->next)
        sigpend_drop(p, &l->pend, sig);
    recalc_all(p);
}

int sig_send_group(int pgid, int sig, const struct sigqinfo *info)
{
    int found = 0;
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && p->state == P_ALIVE && p->pgid == pgid) {
            sig_send_info(p, 0, sig, info);
            found = 1;
        }
    }
    return found ? 0 : -ESRCH;
}

int sig_take(struct lwp *l, int sig, struct sigqinfo *info)
{
    struct proc *p = l->proc;
    if ((l->pend.set & SIGBIT(sig)) && sigpend_take(p, &l->pend, sig, info)) {
        sig_recalc(l);
        return 1;
    }
    if (!sigpend_take(p, &p->pend, sig, info))
        return 0;
    recalc_all(p); /* others that were woken for it sleep on */
    return 1;
}

int sig_take_set(struct lwp *l, uint64_t set, struct sigqinfo *info)
{
    uint64_t ready = (l->pend.set | l->proc->pend.set) & set;
    int sig = ready ? __builtin_ctzll(ready) + 1 : 0;
    if (sig)
        sig_take(l, sig, info);
    return sig;
}

/* The lowest deliverable signal (taken off its pending set, what it
 * carries in *info), or 0. */
static int next_signal(struct lwp *l, struct sigqinfo *info)
{
    uint64_t ready = deliverable(l);
    if (!ready)
        return 0;
    int sig = __builtin_ctzll(ready) + 1;
    sig_take(l, sig, info);
    return sig;
}

/* Prepare the handler's frame on f for the signal s names (its sig,
 * fault, info and addr filled in by the caller, every other field here):
 * 0, or -EFAULT. */
static int run_handler(struct lwp *l, struct sig_setup *s, struct arch_frame *f)
{
    int sig = s->sig;
    struct ksigaction *act = &l->proc->sigact[sig - 1];
    s->act = act;
    s->oldmask = l->restore_mask ? l->saved_mask : l->sigmask;
    s->ss_sp = l->ss_sp;
    s->ss_size = l->ss_size;
    s->ss_flags = l->ss_size ? 0 : SS_DISABLE;
    s->stack_top = (act->flags & SA_ONSTACK) && l->ss_size ? l->ss_sp + l->ss_size : 0;
    /* On Linux a handler or restorer outside user space faults in user
     * mode and the process dies of SIGSEGV; here it would run at ring 0. */
    if (!user_addr_ok(act->handler) || !user_addr_ok(act->restorer))
        return -EFAULT;
    l->restore_mask = 0;
    int err = arch_sig_setup(f, s);
    if (err)
        return err;
    l->sigmask |= act->mask | ((act->flags & SA_NODEFER) ? 0 : SIGBIT(sig));
    l->sigmask &= ~SIG_UNBLOCKABLE;
    if (act->flags & SA_RESETHAND)
        act->handler = SIG_DFL; /* the flags stay, SA_SIGINFO too, as on Linux */
    sig_recalc(l);
    return 0;
}

/* Deliver one signal: 1 if a handler was set up, 0 if it was ignored.
 * The default action "terminate" does not return. */
static int deliver_one(struct lwp *l, int sig, struct arch_frame *f, const struct sigqinfo *qi)
{
    struct proc *p = l->proc;
    uint64_t h = p->sigact[sig - 1].handler;
    if (sig != SIGKILL && h != SIG_DFL && h != SIG_IGN) {
        struct sig_setup s; /* run_handler sets the rest */
        s.sig = sig;
        s.fault = 0;
        s.errnum = 0;
        s.info = *qi;
        s.addr = 0;
        if (run_handler(l, &s, f) == 0)
            return 1;
        printk("pid %d (%s): signal %d: its handler, restorer or stack is not usable: killed by "
               "signal %d\n",
               p->pid, p->name, sig, SIGSEGV);
        /* Linux's force_sigsegv: a core file too, when the limits allow. */
        proc_exit_signal(f, SIGSEGV, &(struct sigqinfo){SI_KERNEL, 0, 0, 0});
    }
    if ((sig != SIGKILL && (h == SIG_IGN || default_ignored(sig))) || init_immune(p, sig))
        return 0; /* init: one that was blocked when it came */
    if (stops(p, sig)) {
        jc_stop(l, sig);
        return 0;
    }
    proc_exit_signal(f, sig, qi);
}

/* 1 when sig runs a handler of the program's. */
static int has_handler(const struct proc *p, int sig)
{
    uint64_t h = p->sigact[sig - 1].handler;
    return sig != SIGKILL && h != SIG_DFL && h != SIG_IGN;
}

/* A handler for sig is about to run on the way back from the system call
 * whose result r is in f: an interrupted call restarts (SA_RESTART,
 * ERESTARTNOINTR) or fails with EINTR. The result it now has. */
static int64_t interrupted(struct lwp *l, struct arch_frame *f, int64_t r, int sig)
{
    if (r == -ERESTART_RESTARTBLOCK)
        r = -ERESTARTNOHAND; /* a handler runs: EINTR */
    if (r != -ERESTARTSYS && r != -ERESTARTNOHAND && r != -ERESTARTNOINTR)
        return r;
    int restart = r == -ERESTARTNOINTR ||
                  (r == -ERESTARTSYS && (l->proc->sigact[sig - 1].flags & SA_RESTART));
    if (restart)
        arch_frame_restart(f, l->sysnr);
    else
        arch_frame_set_retval(f, (uint64_t)-EINTR);
    return restart ? 0 : -EINTR;
}

/* The LWP's process is dying: leave for good, its registers first when
 * the process dumps core. */
static void leave_if_doomed(struct lwp *l, struct arch_frame *f)
{
    if (lwp_doomed(l)) {
        coredump_lwp_exit(l, f);
        lwp_exit(0); /* the status is the group exit's */
    }
}

/* Where an LWP on its way back to program code (its registers in f)
 * leaves for good (its process dies) or waits out a stop. */
static void stop_point(struct lwp *l, struct arch_frame *f)
{
    leave_if_doomed(l, f);
    jc_park_if_stopped(l);
    leave_if_doomed(l, f);
}

/* One pass of delivery on the way back from the system call whose result
 * is in f: signals are taken until a handler is set up. An interrupted
 * call restarts when no handler ran; the result, -ERESTART_RESTARTBLOCK
 * when the call's rest (restart_fn) is to run now. */
static int64_t deliver_pass(struct lwp *l, struct arch_frame *f)
{
    int64_t r = (int64_t)arch_frame_retval(f);
    int handled = 0, sig;
    struct sigqinfo qi;
    if (l->proc->dying || l->proc->stop_sig) /* else stop_point would do nothing */
        stop_point(l, f);
    while (!handled && (sig = next_signal(l, &qi)) != 0) {
        if (has_handler(l->proc, sig))
            r = interrupted(l, f, r, sig);
        handled = deliver_one(l, sig, f, &qi);
    }
    if (!handled && (r == -ERESTARTSYS || r == -ERESTARTNOHAND || r == -ERESTARTNOINTR)) {
        arch_frame_restart(f, l->sysnr); /* nothing ran: the call goes on */
    }
    return handled ? 0 : r;
}

void sig_deliver_syscall(struct arch_frame *f)
{
    struct lwp *l = lwp_current();
    /* A relative sleep interrupted by a signal that ran no handler (a stop
     * and SIGCONT) goes on to its deadline, as Linux's restart_block. */
    while (deliver_pass(l, f) == -ERESTART_RESTARTBLOCK)
        arch_frame_set_retval(f, (uint64_t)l->restart_fn(l));
    if (l->restore_mask) { /* rt_sigsuspend ended without a handler */
        l->sigmask = l->saved_mask;
        l->restore_mask = 0;
        sig_recalc(l);
    }
}

void sig_deliver_trap(struct arch_frame *f)
{
    struct lwp *l = lwp_current();
    int sig;
    struct sigqinfo qi;
    if (l->proc->dying || l->proc->stop_sig)
        stop_point(l, f);
    while ((sig = next_signal(l, &qi)) != 0)
        if (deliver_one(l, sig, f, &qi))
            return;
}

int sig_force_fault(struct arch_frame *f, int sig, int code, uint64_t addr)
{
    return sig_force_info(f, sig, &(struct sigqinfo){code, 0, 0, 0}, addr, 0);
}

int sig_force_info(struct arch_frame *f, int sig, const struct sigqinfo *info, uint64_t addr,
                   int32_t errnum)
{
    struct lwp *l = lwp_current();
    struct ksigaction *act = &l->proc->sigact[sig - 1];
    /* Blocked or ignored, a fault would only repeat: Linux resets it. */
    if ((l->sigmask & SIGBIT(sig)) || act->handler == SIG_IGN) {
        act->handler = SIG_DFL;
        l->sigmask &= ~SIGBIT(sig);
        sig_recalc(l);
    }
    struct sig_setup s; /* run_handler sets the rest */
    s.sig = sig;
    s.fault = 1;
    s.errnum = errnum;
    s.info = *info;
    s.addr = addr;
    return act->handler != SIG_DFL && run_handler(l, &s, f) == 0;
}

void sig_exec_reset(struct proc *p)
{
    for (int i = 0; i < NSIG; i++)
        if (p->sigact[i].handler != SIG_IGN)
            p->sigact[i] = (struct ksigaction){SIG_DFL, 0, 0, 0};
}
