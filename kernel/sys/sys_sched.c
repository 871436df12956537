/* The scheduling-policy calls (sched(7)): every thread here is scheduled
 * as Linux's SCHED_OTHER (one FIFO run queue, program code preempted after
 * a quantum), which is what these report. Asking for SCHED_OTHER is
 * honoured; the real-time policies are refused as Linux refuses a caller
 * without CAP_SYS_NICE (-EPERM), and SCHED_BATCH, SCHED_IDLE and
 * SCHED_DEADLINE, which nothing here would honour, are -EINVAL. */
#include <stdint.h>
#include "errno.h"
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
#define SCHED_RT_PRIO_MAX   99 /* Linux's MAX_RT_PRIO - 1 */

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
    return err ? err : SCHED_OTHER;
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

/* A policy and priority asked for: 0 when it is what every thread has
 * (SCHED_OTHER, priority 0), else as the file's comment says. */
static int policy_check(int policy, int prio)
{
    switch (policy) {
    case SCHED_OTHER:
        return prio == 0 ? 0 : -EINVAL;
    case SCHED_FIFO:
    case SCHED_RR:
        return prio < 1 || prio > SCHED_RT_PRIO_MAX ? -EINVAL : -EPERM;
    default:
        return -EINVAL;
    }
}

/* Linux's order: the arguments, the parameter block, then the thread. */
static int set_policy(uint64_t pid, int policy, uint64_t uparam)
{
    int prio;
    if (!uparam || (int)pid < 0)
        return -EINVAL;
    if (copy_from_user(&prio, (void *)uparam, sizeof(prio)))
        return -EFAULT;
    int err = sched_target(pid);
    return err ? err : policy_check(policy, prio);
}

static int64_t sys_sched_setscheduler(uint64_t pid, uint64_t policy, uint64_t uparam, uint64_t a3,
                                      uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int pol = (int)policy & ~SCHED_RESET_ON_FORK; /* nothing to reset: all SCHED_OTHER */
    if (pol < 0)
        return -EINVAL;
    return set_policy(pid, pol, uparam);
}

static int64_t sys_sched_setparam(uint64_t pid, uint64_t uparam, uint64_t a2, uint64_t a3,
                                  uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return set_policy(pid, SCHED_OTHER, uparam);
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
}
