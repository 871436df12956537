/* The scheduling-policy calls (sched(7)): every thread here is scheduled
 * as Linux's SCHED_OTHER (one FIFO run queue, program code preempted after
 * a quantum, a share by nice value), which is what these report. Asking
 * for SCHED_OTHER is honoured, with its nice value (sched_setattr) and
 * SCHED_RESET_ON_FORK (SCHED_FLAG_RESET_ON_FORK: a thread made by this one
 * starts at nice 0 if this one's is below, kernel/proc/lwp.c); the
 * real-time policies are refused as Linux refuses a caller without
 * CAP_SYS_NICE (-EPERM), and SCHED_BATCH, SCHED_IDLE and SCHED_DEADLINE,
 * which nothing here would honour, are -EINVAL, after Linux's own checks
 * of the arguments and privileges (sched_check), in its order. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define SCHED_OTHER         0
#define SCHED_FIFO          1
#define SCHED_RR            2
#define SCHED_BATCH         3
#define SCHED_IDLE          5
#define SCHED_DEADLINE      6
#define SCHED_RESET_ON_FORK 0x40000000
#define SCHED_RT_PRIO_MAX   99   /* Linux's MAX_RT_PRIO - 1 */
#define SETPARAM_POLICY     (-1) /* keep the policy (sched_setparam) */

/* sched_setattr's flags. */
#define SCHED_FLAG_RESET_ON_FORK 0x01
#define SCHED_FLAG_RECLAIM       0x02
#define SCHED_FLAG_DL_OVERRUN    0x04
#define SCHED_FLAG_KEEP_POLICY   0x08
#define SCHED_FLAG_KEEP_PARAMS   0x10
#define SCHED_FLAG_UTIL_CLAMP    0x60 /* _MIN 0x20 | _MAX 0x40 */
#define SCHED_FLAG_ALL           0x7f
#define SCHED_FLAG_SUGOV         0x10000000 /* the kernel's own; never from a program */

/* struct sched_attr, its second version (util clamps); the first ends
 * before sched_util_min. */
struct sched_attr_k {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};
_Static_assert(sizeof(struct sched_attr_k) == 56, "struct sched_attr is 56 bytes");
#define SCHED_ATTR_SIZE_VER0 48

/* A change asked for: a policy (or SETPARAM_POLICY), its priority, the
 * nice value and SCHED_RESET_ON_FORK (-1: keep), sched_setattr's flags. */
struct sched_req {
    int policy;
    uint32_t prio;
    int nice, reset;
    uint64_t flags;
    uint64_t runtime, deadline, period;
};

/* The thread pid names (0: the caller): 0 and *out, or -ESRCH. */
static int sched_lwp(uint64_t pid, struct lwp **out)
{
    *out = (int)pid == 0 ? lwp_current() : lwp_find((int)pid);
    return *out ? 0 : -ESRCH;
}

/* The thread pid names (0: the caller): 0, -EINVAL (negative), -ESRCH. */
static int sched_target(uint64_t pid)
{
    if ((int)pid < 0)
        return -EINVAL;
    return (int)pid == 0 || lwp_find((int)pid) || proc_find((int)pid) ? 0 : -ESRCH;
}

static int64_t sys_sched_getscheduler(uint64_t pid, uint64_t a1, uint64_t a2, uint64_t a3,
                                      uint64_t a4, uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int err = sched_target(pid);
    struct lwp *l = (int)pid == 0 ? lwp_current() : lwp_find((int)pid);
    if (err)
        return err;
    return SCHED_OTHER | (l && l->sched_reset_on_fork ? SCHED_RESET_ON_FORK : 0);
}

static int64_t sys_sched_getparam(uint64_t pid, uint64_t uparam, uint64_t a2, uint64_t a3,
                                  uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int prio = 0; /* SCHED_OTHER's only priority */
    if (!uparam)
        return -EINVAL;
    int err = sched_target(pid);
    if (err)
        return err;
    return copy_to_user((void *)uparam, &prio, sizeof(prio)) ? -EFAULT : 0;
}

static int rt_policy(int policy)
{
    return policy == SCHED_FIFO || policy == SCHED_RR;
}

/* Linux's user_check_sched_setscheduler: what needs CAP_SYS_NICE
 * (-EPERM without it): a nice value below the current one beyond
 * RLIMIT_NICE, a real-time policy or priority beyond RLIMIT_RTPRIO,
 * SCHED_DEADLINE, another owner's thread, clearing SCHED_RESET_ON_FORK. */
static int sched_user_check(struct lwp *l, const struct sched_req *r)
{
    struct proc *p = l->proc;
    uint64_t rtprio = p->rlim[RLIMIT_RTPRIO].cur;
    uint32_t euid = proc_current()->cred.uid[1];
    int priv = 0;
    if (!rt_policy(r->policy) && r->policy != SCHED_DEADLINE && r->nice < sched_nice(l->thread) &&
        p->rlim[RLIMIT_NICE].cur < (uint64_t)(20 - r->nice))
        priv = 1;
    if (rt_policy(r->policy) && (!rtprio || r->prio > rtprio))
        priv = 1; /* every thread is SCHED_OTHER, priority 0: a change */
    if (r->policy == SCHED_DEADLINE || (p->cred.uid[1] != euid && p->cred.uid[0] != euid) ||
        (l->sched_reset_on_fork && !r->reset))
        priv = 1;
    return priv && !cred_capable(CAP_SYS_NICE) ? -EPERM : 0;
}

/* Linux's __checkparam_dl: runtime <= deadline <= period (0: the
 * deadline), runtime at least 1024 ns, the period within Linux's default
 * sysctl bounds (100 us to 4.19 s), no bit 63. */
static int dl_params_valid(const struct sched_req *r)
{
    uint64_t period = r->period ? r->period : r->deadline;
    if (r->flags & SCHED_FLAG_SUGOV)
        return 1;
    if (!r->deadline || r->runtime < 1024 || ((r->deadline | r->period) >> 63))
        return 0;
    return period >= r->deadline && r->deadline >= r->runtime && period >= 100000ull &&
           period <= 4194304ull * 1000;
}

/* Linux's __sched_setscheduler checks in its order, then what this
 * kernel refuses (the top), then the change. */
static int sched_set(struct lwp *l, struct sched_req *r)
{
    if (r->policy == SETPARAM_POLICY) {
        r->policy = SCHED_OTHER;
        r->reset = l->sched_reset_on_fork;
    }
    if (r->policy != SCHED_OTHER && r->policy != SCHED_BATCH && r->policy != SCHED_IDLE &&
        !rt_policy(r->policy) && r->policy != SCHED_DEADLINE)
        return -EINVAL;
    if (r->flags & ~(uint64_t)(SCHED_FLAG_ALL | SCHED_FLAG_SUGOV))
        return -EINVAL;
    if (r->prio > SCHED_RT_PRIO_MAX || rt_policy(r->policy) != (r->prio != 0) ||
        (r->policy == SCHED_DEADLINE && !dl_params_valid(r)))
        return -EINVAL;
    int err = sched_user_check(l, r);
    if (err)
        return err;
    if (r->flags & SCHED_FLAG_SUGOV)
        return -EINVAL;
    if (r->flags & SCHED_FLAG_UTIL_CLAMP)
        return -EOPNOTSUPP; /* Linux without CONFIG_UCLAMP_TASK */
    if (rt_policy(r->policy))
        return -EPERM;
    if (r->policy != SCHED_OTHER || (r->flags & (SCHED_FLAG_RECLAIM | SCHED_FLAG_DL_OVERRUN)) ||
        r->runtime || r->deadline || r->period)
        return -EINVAL; /* nothing here would honour them */
    sched_set_nice(l->thread, r->nice);
    l->sched_reset_on_fork = r->reset;
    return 0;
}

/* Linux's order: the arguments, the parameter block, then the thread. */
static int set_policy(uint64_t pid, int policy, int reset, uint64_t uparam)
{
    int prio;
    struct lwp *l;
    if (!uparam || (int)pid < 0)
        return -EINVAL;
    if (copy_from_user(&prio, (void *)uparam, sizeof(prio)))
        return -EFAULT;
    int err = sched_lwp(pid, &l);
    if (err)
        return err;
    struct sched_req r = {policy, (uint32_t)prio, sched_nice(l->thread), reset, 0, 0, 0, 0};
    return sched_set(l, &r);
}

static int64_t sys_sched_setscheduler(uint64_t pid, uint64_t policy, uint64_t uparam, uint64_t a3,
                                      uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int pol = (int)policy;
    if (pol < 0)
        return -EINVAL;
    return set_policy(pid, pol & ~SCHED_RESET_ON_FORK, (pol & SCHED_RESET_ON_FORK) != 0, uparam);
}

static int64_t sys_sched_setparam(uint64_t pid, uint64_t uparam, uint64_t a2, uint64_t a3,
                                  uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return set_policy(pid, SETPARAM_POLICY, -1, uparam);
}

/* Linux's sched_copy_attr: size 0 is the first version's; a size below
 * it or above a page, or one whose bytes beyond ours are not all zero, is
 * -E2BIG with our size written back. The nice value is clamped. */
static int attr_copy_in(uint64_t uattr, struct sched_attr_k *a)
{
    uint32_t size, ours = sizeof(*a);
    memset(a, 0, sizeof(*a));
    if (copy_from_user(&size, (void *)uattr, sizeof(size)))
        return -EFAULT;
    size = size ? size : SCHED_ATTR_SIZE_VER0;
    if (size < SCHED_ATTR_SIZE_VER0 || size > PAGE_SIZE)
        goto e2big;
    if (copy_from_user(a, (void *)uattr, size < ours ? size : ours))
        return -EFAULT;
    for (uint32_t off = ours; off < size; off++) {
        uint8_t b;
        if (copy_from_user(&b, (void *)(uattr + off), 1))
            return -EFAULT;
        if (b)
            goto e2big;
    }
    if ((a->flags & SCHED_FLAG_UTIL_CLAMP) && size < ours)
        return -EINVAL;
    a->nice = a->nice < SCHED_NICE_MIN ? SCHED_NICE_MIN : a->nice;
    a->nice = a->nice > SCHED_NICE_MAX ? SCHED_NICE_MAX : a->nice;
    return 0;
e2big:
    copy_to_user((void *)uattr, &ours, sizeof(ours)); /* a fault here still says E2BIG */
    return -E2BIG;
}

static int64_t sys_sched_setattr(uint64_t pid, uint64_t uattr, uint64_t flags, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct sched_attr_k a;
    struct lwp *l;
    if (!uattr || (int)pid < 0 || (uint32_t)flags)
        return -EINVAL;
    int err = attr_copy_in(uattr, &a);
    if (err)
        return err;
    if ((int)a.policy < 0)
        return -EINVAL;
    if ((err = sched_lwp(pid, &l)))
        return err;
    struct sched_req r = {
        (int)a.policy, a.priority, a.nice,     (a.flags & SCHED_FLAG_RESET_ON_FORK) != 0,
        a.flags,       a.runtime,  a.deadline, a.period};
    if (a.flags & SCHED_FLAG_KEEP_POLICY)
        r.policy = SETPARAM_POLICY;
    if (a.flags & SCHED_FLAG_KEEP_PARAMS) { /* what getattr reports for SCHED_OTHER */
        r.nice = sched_nice(l->thread);
        r.prio = 0;
        r.runtime = 0;
    }
    return sched_set(l, &r);
}

/* The attributes into usize bytes: ours (size says how many), the rest
 * zeroed, as Linux's copy_struct_to_user. */
static int64_t sys_sched_getattr(uint64_t pid, uint64_t uattr, uint64_t usize, uint64_t flags,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct sched_attr_k a;
    struct lwp *l;
    uint32_t size = (uint32_t)usize;
    if (!uattr || (int)pid < 0 || size > PAGE_SIZE || size < SCHED_ATTR_SIZE_VER0 ||
        (uint32_t)flags)
        return -EINVAL;
    int err = sched_lwp(pid, &l);
    if (err)
        return err;
    memset(&a, 0, sizeof(a));
    a.size = size < sizeof(a) ? size : sizeof(a);
    a.policy = SCHED_OTHER;
    a.flags = l->sched_reset_on_fork ? SCHED_FLAG_RESET_ON_FORK : 0;
    a.nice = sched_nice(l->thread);
    if (copy_to_user((void *)uattr, &a, a.size))
        return -EFAULT;
    static const uint8_t zero[64];
    for (uint32_t off = a.size; off < size; off += sizeof(zero)) {
        uint32_t n = size - off < sizeof(zero) ? size - off : sizeof(zero);
        if (copy_to_user((void *)(uattr + off), zero, n))
            return -EFAULT;
    }
    return 0;
}

static int64_t sys_sched_get_priority_max(uint64_t policy, uint64_t a1, uint64_t a2, uint64_t a3,
                                          uint64_t a4, uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    switch ((int)policy) {
    case SCHED_FIFO:
    case SCHED_RR:
        return SCHED_RT_PRIO_MAX;
    case SCHED_OTHER:
    case SCHED_BATCH:
    case SCHED_IDLE:
    case SCHED_DEADLINE:
        return 0;
    default:
        return -EINVAL;
    }
}

static int64_t sys_sched_get_priority_min(uint64_t policy, uint64_t a1, uint64_t a2, uint64_t a3,
                                          uint64_t a4, uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int64_t max = sys_sched_get_priority_max(policy, 0, 0, 0, 0, 0);
    return max > 0 ? 1 : max;
}

/* The time slice: the preemption quantum, scaled for a thread of
 * another nice value than 0 (sched_slice; a pid names its main thread). */
static int64_t sys_sched_rr_get_interval(uint64_t pid, uint64_t uts, uint64_t a2, uint64_t a3,
                                         uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int err = sched_target(pid);
    if (err)
        return err;
    struct lwp *l = (int)pid ? lwp_find((int)pid) : lwp_current();
    uint64_t q = l ? sched_slice(l->thread) : sched_quantum();
    int64_t ts[2] = {(int64_t)(q / NSEC_PER_SEC), (int64_t)(q % NSEC_PER_SEC)};
    return copy_to_user((void *)uts, ts, sizeof(ts)) ? -EFAULT : 0;
}

void sys_sched_register(void)
{
    syscall_register(SYS_sched_getscheduler, sys_sched_getscheduler);
    syscall_register(SYS_sched_setscheduler, sys_sched_setscheduler);
    syscall_register(SYS_sched_getparam, sys_sched_getparam);
    syscall_register(SYS_sched_setparam, sys_sched_setparam);
    syscall_register(SYS_sched_get_priority_max, sys_sched_get_priority_max);
    syscall_register(SYS_sched_get_priority_min, sys_sched_get_priority_min);
    syscall_register(SYS_sched_rr_get_interval, sys_sched_rr_get_interval);
    syscall_register(SYS_sched_setattr, sys_sched_setattr);
    syscall_register(SYS_sched_getattr, sys_sched_getattr);
}
