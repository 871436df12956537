/* Signal system calls: rt_sigaction, rt_sigprocmask, rt_sigpending,
 * rt_sigsuspend, rt_sigtimedwait, rt_sigqueueinfo, rt_tgsigqueueinfo,
 * rt_sigreturn, sigaltstack, pause, kill, tkill, tgkill,
 * alarm, setitimer and getitimer (ITIMER_REAL). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* The sa_flags kept (Linux's UAPI_SA_FLAGS on x86-64; SA_EXPOSE_TAGBITS is
 * kept as x86-64 addresses carry no tag bits). Other bits are dropped and
 * so read back clear, which is how Linux (5.11 on) tells a program a flag
 * is not supported. */
#define SA_KNOWN                                                                                   \
    (SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_EXPOSE_TAGBITS | SA_RESTORER | SA_ONSTACK |     \
     SA_RESTART | SA_NODEFER | SA_RESETHAND)
_Static_assert(SA_KNOWN == 0xdc000807u, "UAPI_SA_FLAGS (x86-64)");

static int64_t sys_rt_sigaction(uint64_t sig, uint64_t uact, uint64_t uold, uint64_t size,
                                uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    struct ksigaction act;
    if (size != SIGSET_SIZE || sig < 1 || sig > NSIG)
        return -EINVAL;
    if (uact && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (uact && copy_from_user(&act, (void *)uact, sizeof(act)))
        return -EFAULT;
    if (uold && copy_to_user((void *)uold, &p->sigact[sig - 1], sizeof(act)))
        return -EFAULT;
    if (uact) {
        act.flags &= SA_KNOWN;
        act.mask &= ~SIG_UNBLOCKABLE;
        p->sigact[sig - 1] = act;
        /* Setting SIG_IGN discards what is pending (POSIX). */
        if (act.handler == SIG_IGN || (act.handler == SIG_DFL && sig == SIGCHLD))
            sig_discard(p, (int)sig);
    }
    return 0;
}

/* The mask how makes of old and set: 0, or -EINVAL for an unknown how. */
static int mask_apply(uint64_t how, uint64_t old, uint64_t set, uint64_t *out)
{
    switch (how) {
    case SIG_BLOCK:
        *out = old | set;
        return 0;
    case SIG_UNBLOCK:
        *out = old & ~set;
        return 0;
    case SIG_SETMASK:
        *out = set;
        return 0;
    default:
        return -EINVAL;
    }
}

/* As Linux: a bad how fails before the old mask is written (and is not
 * looked at without a new set). */
static int64_t sys_rt_sigprocmask(uint64_t how, uint64_t uset, uint64_t uold, uint64_t size,
                                  uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct lwp *l = lwp_current();
    uint64_t set, mask = l->sigmask;
    if (size != SIGSET_SIZE)
        return -EINVAL;
    if (uset && copy_from_user(&set, (void *)uset, sizeof(set)))
        return -EFAULT;
    int err = uset ? mask_apply(how, l->sigmask, set, &mask) : 0;
    if (err)
        return err;
    if (uold && copy_to_user((void *)uold, &l->sigmask, sizeof(l->sigmask)))
        return -EFAULT;
    l->sigmask = mask & ~SIG_UNBLOCKABLE;
    sig_recalc(l);
    return 0;
}

static int64_t sys_rt_sigpending(uint64_t uset, uint64_t size, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct lwp *l = lwp_current();
    uint64_t pend = (l->pend.set | l->proc->pend.set) & l->sigmask;
    if (size > SIGSET_SIZE)
        return -EINVAL;
    return copy_to_user((void *)uset, &pend, size) ? -EFAULT : 0;
}

/* Sleep until a signal is deliverable: -ERESTARTNOHAND (EINTR once a
 * handler has run). */
static int64_t wait_for_signal(void)
{
    for (;;) {
        sched_block_prepare(0); /* before the check: see waitq_wait_intr */
        if (sched_interrupted())
            break;
        sched_block();
    }
    return -ERESTARTNOHAND;
}

static int64_t sys_rt_sigsuspend(uint64_t uset, uint64_t size, uint64_t a2, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int err = sig_mask_from_user(uset, size);
    return err ? err : wait_for_signal();
}

static int64_t sys_pause(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return wait_for_signal();
}

static int64_t sys_rt_sigreturn(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct lwp *l = lwp_current();
    uint64_t mask;
    if (arch_sigreturn(l->frame, &mask)) {
        struct proc *p = l->proc;
        printk("pid %d (%s): bad signal frame: killed by signal %d\n", p->pid, p->name, SIGSEGV);
        proc_exit_signal(l->frame, SIGSEGV, &(struct sigqinfo){SI_KERNEL, 0, 0, 0});
    }
    l->sigmask = mask & ~SIG_UNBLOCKABLE;
    sig_recalc(l);
    if (sched_interrupted())
        sig_deliver_trap(l->frame);
    arch_frame_resume(l->frame); /* every register, not a system call's return */
}

static int64_t sys_sigaltstack(uint64_t uss, uint64_t uold, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct lwp *l = lwp_current();
    uint64_t sp = arch_frame_sp(l->frame);
    int on = l->ss_size && sp - l->ss_sp < l->ss_size;
    struct kstack ss, old = {l->ss_sp,
                             on           ? SS_ONSTACK
                             : l->ss_size ? 0
                                          : SS_DISABLE,
                             0, l->ss_size};
    if (uss && copy_from_user(&ss, (void *)uss, sizeof(ss)))
        return -EFAULT;
    if (uold && copy_to_user((void *)uold, &old, sizeof(old)))
        return -EFAULT;
    if (!uss)
        return 0;
    if (on)
        return -EPERM;
    /* SS_AUTODISARM (clear the stack while a handler runs on it) is not
     * done: -EINVAL, as from kernels before 4.7. */
    uint32_t mode = (uint32_t)ss.flags;
    if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        l->ss_sp = l->ss_size = 0;
        return 0;
    }
    if (ss.size < MINSIGSTKSZ)
        return -ENOMEM;
    l->ss_sp = ss.sp;
    l->ss_size = ss.size;
    return 0;
}

/* kill's targets: pid > 0 that process, 0 the caller's group, -1 all but
 * init and the caller, < -1 the group -pid. */
/* Whether p has an LWP that has not run yet since fork. */
static int proc_unstarted(struct proc *p)
{
    for (struct lwp *l = p->lwps; l; l = l->next)
        if (l->thread && sched_unstarted(l->thread))
            return 1;
    return 0;
}

/* kill(2) to a process forked but not run yet lets it run first (the
 * caller queues behind it), as it would have started at once on another
 * CPU of a Linux machine: a shell's child resets the dispositions it
 * inherited (an interactive shell ignores SIGTERM) before the shell's
 * `kill %1` reaches it. The parent itself goes on after fork at once
 * (bash's `coproc C { :; }; echo $C_PID` still sees its child). pid > 0:
 * that process; else the group pgid. */
static void kill_lets_unstarted_run(struct proc *self, int pid, int pgid)
{
    if (pid > 0) {
        struct proc *p = pid == self->pid ? 0 : proc_find(pid);
        if (p && p->state == P_ALIVE && proc_unstarted(p))
            sched_yield();
        return;
    }
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && p != self && p->state == P_ALIVE && p->pgid == pgid && proc_unstarted(p)) {
            sched_yield();
            return;
        }
    }
}

static int64_t sys_kill(uint64_t upid, uint64_t sig, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *self = proc_current();
    struct sigqinfo info = {SI_USER, self->pid, 0, 0};
    int pid = (int)upid, found = 0;
    if (sig > NSIG)
        return -EINVAL;
    if (pid != -1 && pid != INT32_MIN)
        kill_lets_unstarted_run(self, pid, pid == 0 ? self->pgid : -pid);
    if (pid > 0) {
        struct proc *p = pid == self->pid ? self : proc_find(pid); /* no table scan for self */
        struct lwp *l = p ? 0 : lwp_find(pid);
        if (l)
            p = l->proc; /* a thread's tid names its process, as on Linux */
        return p ? sig_send_info(p, 0, (int)sig, &info) : -ESRCH; /* a zombie ignores it */
    }
    if (pid == INT32_MIN)
        return -ESRCH;
    if (pid != -1)
        return sig_send_group(pid == 0 ? self->pgid : -pid, (int)sig, &info);
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && p->state == P_ALIVE && p->pid > 1 && p != self) {
            found = 1;
            sig_send_info(p, 0, (int)sig, &info);
        }
    }
    return found ? 0 : -ESRCH;
}

/* Signal LWP tid, which must belong to process tgid unless that is 0. */
static int64_t kill_lwp(int tgid, int tid, uint64_t sig, const struct sigqinfo *info)
{
    if (tid <= 0 || sig > NSIG)
        return -EINVAL;
    struct lwp *l = lwp_find(tid);
    if (!l || (tgid && l->proc->pid != tgid))
        return -ESRCH;
    return sig_send_lwp(l, (int)sig, info);
}

static int64_t sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct sigqinfo info = {SI_TKILL, proc_current()->pid, 0, 0};
    return (int)tgid <= 0 ? -EINVAL : kill_lwp((int)tgid, (int)tid, sig, &info);
}

static int64_t sys_tkill(uint64_t tid, uint64_t sig, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct sigqinfo info = {SI_TKILL, proc_current()->pid, 0, 0};
    return kill_lwp(0, (int)tid, sig, &info);
}

/* The program's siginfo for rt_sigqueueinfo and rt_tgsigqueueinfo: 0 and
 * *qi, -EFAULT, or -EPERM when it claims to come from kill or the kernel
 * (si_code >= 0) or tkill, to another process than the caller (Linux's
 * rule). */
static int queue_info(uint64_t uinfo, int tgid, struct sigqinfo *qi)
{
    struct ksiginfo ki;
    if (copy_from_user(&ki, (void *)uinfo, sizeof(ki)))
        return -EFAULT;
    if ((ki.code >= 0 || ki.code == SI_TKILL) && tgid != proc_current()->pid)
        return -EPERM;
    qi->code = ki.code;
    qi->pid = ki.u.kill.pid;
    qi->overrun = ki.u.timer.overrun;
    memcpy(&qi->data, ki.u.bytes + 8, sizeof(qi->data));
    return 0;
}

static int64_t sys_rt_sigqueueinfo(uint64_t tgid, uint64_t sig, uint64_t uinfo, uint64_t a3,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct sigqinfo qi;
    int err = queue_info(uinfo, (int)tgid, &qi);
    if (err)
        return err;
    struct proc *p = (int)tgid > 0 ? proc_find((int)tgid) : 0;
    if (sig > NSIG)
        return -EINVAL;
    return p ? sig_send_info(p, 0, (int)sig, &qi) : -ESRCH;
}

static int64_t sys_rt_tgsigqueueinfo(uint64_t tgid, uint64_t tid, uint64_t sig, uint64_t uinfo,
                                     uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct sigqinfo qi;
    if ((int)tgid <= 0)
        return -EINVAL;
    int err = queue_info(uinfo, (int)tgid, &qi);
    return err ? err : kill_lwp((int)tgid, (int)tid, sig, &qi);
}

/* Sleep (until deadline, 0: none) with set unblocked, so that a signal of
 * it wakes the caller, as Linux's do_sigtimedwait: the signal taken, or
 * -EAGAIN (timed out) or -EINTR (another signal). */
static int wait_in_set(struct lwp *l, uint64_t set, uint64_t deadline, struct sigqinfo *qi)
{
    uint64_t blocked = l->sigmask;
    int timed_out = 0, sig;
    l->sigmask &= ~set;
    sig_recalc(l);
    while (!timed_out) {
        sched_block_prepare(deadline); /* before the check: see waitq_wait_intr */
        if (sched_interrupted())
            break;
        timed_out = sched_block();
    }
    l->sigmask = blocked;
    sig_recalc(l);
    sig = sig_take_set(l, set, qi);
    return sig ? sig : timed_out ? -EAGAIN : -EINTR;
}

static int64_t sys_rt_sigtimedwait(uint64_t uset, uint64_t uinfo, uint64_t uts, uint64_t size,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct lwp *l = lwp_current();
    uint64_t set, ns = 0;
    if (size != SIGSET_SIZE)
        return -EINVAL;
    if (copy_from_user(&set, (void *)uset, sizeof(set)))
        return -EFAULT;
    int err = uts ? user_timespec(uts, &ns) : 0;
    if (err)
        return err;
    set &= ~SIG_UNBLOCKABLE;
    struct sigqinfo qi;
    int sig = sig_take_set(l, set, &qi);
    if (!sig)
        sig = uts && ns == 0 ? -EAGAIN
                             : wait_in_set(l, set, uts ? clock_add(clock_ns(), ns) : 0, &qi);
    if (sig < 0)
        return sig;
    struct ksiginfo info;
    memset(&info, 0, sizeof(info));
    info.signo = sig;
    info.code = qi.code;
    info.u.kill.pid = qi.pid;
    info.u.timer.overrun = qi.overrun; /* 0 but for SI_TIMER */
    memcpy(info.u.bytes + 8, &qi.data, sizeof(qi.data));
    if (uinfo && copy_to_user((void *)uinfo, &info, sizeof(info)))
        return -EFAULT;
    return sig;
}

/* ITIMER_REAL: SIGALRM at alarm_at, then every alarm_interval. Runs from
 * the timer interrupt. */
static void alarm_fire(void *arg)
{
    struct proc *p = arg;
    sig_send(p, SIGALRM);
    p->alarm_at = 0;
    if (p->alarm_interval) {
        p->alarm_at = clock_add(clock_ns(), p->alarm_interval);
        callout_add(&p->alarm, p->alarm_at, alarm_fire, p);
    }
}

/* Arm (value ns from now, 0: disarm); the time that was left in *left. */
static void alarm_set(struct proc *p, uint64_t value, uint64_t interval, uint64_t *left,
                      uint64_t *old_interval)
{
    uint64_t now = clock_ns();
    *left = p->alarm_at > now ? p->alarm_at - now : (p->alarm_at ? 1 : 0);
    *old_interval = p->alarm_interval;
    callout_cancel(&p->alarm);
    p->alarm_at = value ? clock_add(now, value) : 0;
    p->alarm_interval = value ? interval : 0;
    if (value)
        callout_add(&p->alarm, p->alarm_at, alarm_fire, p);
}

static int64_t sys_alarm(uint64_t secs, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t left, iv;
    alarm_set(proc_current(), clock_ns_of((uint32_t)secs, 0), 0, &left, &iv);
    return (int64_t)((left + NSEC_PER_SEC - 1) / NSEC_PER_SEC); /* rounded up, as Linux */
}

struct itimerval_k {
    int64_t isec, iusec, vsec, vusec;
};

static int64_t put_itimer(uint64_t uold, uint64_t left, uint64_t interval)
{
    struct itimerval_k o = {(int64_t)(interval / NSEC_PER_SEC),
                            (int64_t)(interval % NSEC_PER_SEC / 1000),
                            (int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC / 1000)};
    return uold && copy_to_user((void *)uold, &o, sizeof(o)) ? -EFAULT : 0;
}

/* Only ITIMER_REAL: the CPU-time timers need CPU accounting (-EINVAL). */
static int64_t sys_setitimer(uint64_t which, uint64_t unew, uint64_t uold, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct itimerval_k n = {0, 0, 0, 0};
    uint64_t left, iv;
    if (which != 0)
        return -EINVAL;
    if (unew && copy_from_user(&n, (void *)unew, sizeof(n)))
        return -EFAULT;
    if (n.isec < 0 || n.vsec < 0 || n.iusec < 0 || n.iusec >= 1000000 || n.vusec < 0 ||
        n.vusec >= 1000000)
        return -EINVAL;
    alarm_set(proc_current(), clock_ns_of((uint64_t)n.vsec, (uint64_t)n.vusec * 1000),
              clock_ns_of((uint64_t)n.isec, (uint64_t)n.iusec * 1000), &left, &iv);
    return put_itimer(uold, left, iv);
}

static int64_t sys_getitimer(uint64_t which, uint64_t uval, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    uint64_t now = clock_ns();
    if (which != 0)
        return -EINVAL;
    return put_itimer(uval, p->alarm_at > now ? p->alarm_at - now : 0, p->alarm_interval);
}

/* restart_syscall(2): Linux runs the restart block an interrupted call
 * left (its restart_block), and -EINTR when there is none. Here the rest
 * of an interrupted relative sleep runs in the kernel before the program
 * sees the interruption (sig_deliver_syscall), so a program never has a
 * block to restart: -EINTR, as Linux's do_no_restart_syscall. */
static int64_t sys_restart_syscall(NOARGS)
{
    UNUSED;
    return -EINTR;
}

void sys_signal_register(void)
{
    syscall_register(SYS_restart_syscall, sys_restart_syscall);
    syscall_register(SYS_rt_sigaction, sys_rt_sigaction);
    syscall_register(SYS_rt_sigprocmask, sys_rt_sigprocmask);
    syscall_register(SYS_rt_sigreturn, sys_rt_sigreturn);
    syscall_register(SYS_pause, sys_pause);
    syscall_register(SYS_getitimer, sys_getitimer);
    syscall_register(SYS_alarm, sys_alarm);
    syscall_register(SYS_setitimer, sys_setitimer);
    syscall_register(SYS_kill, sys_kill);
    syscall_register(SYS_rt_sigpending, sys_rt_sigpending);
    syscall_register(SYS_rt_sigsuspend, sys_rt_sigsuspend);
    syscall_register(SYS_sigaltstack, sys_sigaltstack);
    syscall_register(SYS_tkill, sys_tkill);
    syscall_register(SYS_tgkill, sys_tgkill);
    syscall_register(SYS_rt_sigtimedwait, sys_rt_sigtimedwait);
    syscall_register(SYS_rt_sigqueueinfo, sys_rt_sigqueueinfo);
    syscall_register(SYS_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);
}
