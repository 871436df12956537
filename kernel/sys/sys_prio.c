/* Priorities and where a thread runs: getpriority, setpriority (nice
 * values, honoured by the scheduler: kernel/sched/sched.h) and getcpu.
 *
 * As on Linux, a nice value belongs to a thread: PRIO_PROCESS names one
 * by its tid (0: the caller), PRIO_PGRP every thread of every process of
 * a group (0: the caller's), PRIO_USER every thread of every process
 * whose real uid is who (0: the caller's). getpriority's raw result is
 * 20 - nice of the highest-priority thread named (the C libraries turn it
 * back into a nice value). */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
#define NICE_RAW_TOP 20 /* the raw getpriority result is NICE_RAW_TOP - nice */

int prio_each(int which, int who, void (*fn)(struct lwp *, void *), void *arg)
{
    struct proc *self = proc_current();
    if (which == PRIO_PROCESS) {
        struct lwp *l = who ? lwp_find(who) : lwp_current();
        if (l)
            fn(l, arg);
        return l != 0;
    }
    int n = 0, pgid = who ? who : self->pgid;
    uint32_t uid = who ? (uint32_t)who : self->cred.uid[0];
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (!p || p->state != P_ALIVE ||
            (which == PRIO_PGRP ? p->pgid != pgid : p->cred.uid[0] != uid))
            continue;
        for (struct lwp *l = p->lwps; l; l = l->next)
            if (!l->exited) {
                fn(l, arg);
                n++;
            }
    }
    return n;
}

static void prio_highest(struct lwp *l, void *arg)
{
    int *best = arg, raw = NICE_RAW_TOP - sched_nice(l->thread);
    if (raw > *best)
        *best = raw;
}

static int64_t sys_getpriority(uint64_t which, uint64_t who, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int best = 0;
    if ((uint32_t)which > PRIO_USER)
        return -EINVAL;
    return prio_each((int)which, (int)who, prio_highest, &best) ? best : -ESRCH;
}

struct prio_set {
    int nice, err; /* err: -ESRCH until a thread takes the value */
};

/* Linux's set_one_prio: the caller must own l (its effective uid is l's
 * real or effective one) or have CAP_SYS_NICE (-EPERM); lowering l's nice
 * takes l's RLIMIT_NICE (20 - nice at most) or CAP_SYS_NICE (-EACCES).
 * The last error stays; a success only replaces -ESRCH. */
static void prio_set_one(struct lwp *l, void *arg)
{
    struct prio_set *ps = arg;
    const struct cred *c = &l->proc->cred;
    uint32_t euid = proc_current()->cred.uid[1];
    int nice_cap = cred_capable(CAP_SYS_NICE);
    if (c->uid[0] != euid && c->uid[1] != euid && !nice_cap) {
        ps->err = -EPERM;
        return;
    }
    if (ps->nice < sched_nice(l->thread) && !nice_cap &&
        l->proc->rlim[RLIMIT_NICE].cur < (uint64_t)(NICE_RAW_TOP - ps->nice)) {
        ps->err = -EACCES;
        return;
    }
    if (ps->err == -ESRCH)
        ps->err = 0;
    sched_set_nice(l->thread, ps->nice);
}

static int64_t sys_setpriority(uint64_t which, uint64_t who, uint64_t nice, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct prio_set ps = {(int)nice, -ESRCH};
    if ((uint32_t)which > PRIO_USER)
        return -EINVAL;
    if (ps.nice < SCHED_NICE_MIN) /* out-of-range values are clamped, as Linux */
        ps.nice = SCHED_NICE_MIN;
    if (ps.nice > SCHED_NICE_MAX)
        ps.nice = SCHED_NICE_MAX;
    prio_each((int)which, (int)who, prio_set_one, &ps);
    return ps.err;
}

/* getcpu(cpu, node, tcache): one CPU and one NUMA node, both 0. The third
 * argument is unused, as on Linux since 2.6.24. */
static int64_t sys_getcpu(uint64_t ucpu, uint64_t unode, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint32_t zero = 0;
    int bad = ucpu && copy_to_user((void *)ucpu, &zero, sizeof(zero));
    bad |= unode && copy_to_user((void *)unode, &zero, sizeof(zero));
    return bad ? -EFAULT : 0;
}

void sys_prio_register(void)
{
    syscall_register(SYS_getpriority, sys_getpriority);
    syscall_register(SYS_setpriority, sys_setpriority);
    syscall_register(SYS_getcpu, sys_getcpu);
}
