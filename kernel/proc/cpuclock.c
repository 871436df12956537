/* CPU-time clocks (Linux's posix CPU clocks) and RLIMIT_CPU.
 *
 * A clock id below 0 names the CPU time of one process or one thread, as
 * clock_getcpuclockid(3) and pthread_getcpuclockid(3) make it: the pid or
 * tid, complemented, above 3 low bits; bit 2 set for a thread; the low two
 * bits the kind (CPUCLOCK_PROF 0, VIRT 1, SCHED 2). Id 0 means the caller.
 * CLOCK_PROCESS_CPUTIME_ID (2) and CLOCK_THREAD_CPUTIME_ID (3) are the
 * caller's SCHED clocks. Ids whose low three bits are 3 are Linux's
 * file-descriptor clocks (PTP devices), which this kernel has none of.
 *
 * The time is what the scheduler charges (thread_runtime_ns): SCHED and
 * PROF are all of it (program and kernel code), VIRT the program-code part
 * (the total less thread_sys_ns). As on Linux, a thread clock names only
 * a thread of the caller's own process, a process clock only a process
 * (not a thread that is not its leader); anything else is -EINVAL.
 *
 * RLIMIT_CPU (Linux's semantics): once a process's CPU time (all LWPs,
 * PROF) reaches the soft limit it is sent SIGXCPU and the soft limit goes
 * up by a second (so SIGXCPU comes again every CPU second); at the hard
 * limit SIGKILL. The scheduler's accounting sample (every timer tick while
 * a program thread runs) compares the process's time against cpu_limit_at,
 * the time the next signal is due, worked out whenever the limit changes. */
#include <stdint.h>
#include "errno.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/proc/signal.h"
#include "kernel/sched/sched.h"

#define CPUCLOCK_PROF       0
#define CPUCLOCK_VIRT       1
#define CPUCLOCK_SCHED      2
#define CPUCLOCK_WHICH_MASK 3
#define CPUCLOCK_PERTHREAD  4
#define CLOCKFD             3 /* low three bits of a file-descriptor clock */

int cpuclock_is(int32_t id)
{
    return id == CLOCK_PROCESS_CPUTIME_ID || id == CLOCK_THREAD_CPUTIME_ID || id < 0;
}

int cpuclock_thread(int32_t id)
{
    return id == CLOCK_THREAD_CPUTIME_ID || (id < 0 && (id & CPUCLOCK_PERTHREAD));
}

/* The CPU time (ns) and the system-time part of what id names. */
static int cpuclock_sample(int32_t id, uint64_t *total, uint64_t *sys)
{
    if (id >= 0) /* the caller's own: pid 0, complemented, is -1 << 3 */
        id = id == CLOCK_THREAD_CPUTIME_ID ? -8 | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED
                                           : -8 | CPUCLOCK_SCHED;
    if ((id & 7) == CLOCKFD || (id & CPUCLOCK_WHICH_MASK) == 3)
        return -EINVAL;
    int pid = ~(id >> 3);
    struct lwp *self = lwp_current();
    if (id & CPUCLOCK_PERTHREAD) {
        struct lwp *l = pid ? lwp_find(pid) : self;
        if (!l || l->proc != self->proc)
            return -EINVAL;
        *total = thread_runtime_ns(l->thread);
        *sys = thread_sys_ns(l->thread);
        return 0;
    }
    struct proc *p = pid ? proc_find(pid) : self->proc;
    if (!p || p->state == P_EMBRYO)
        return -EINVAL;
    *total = proc_runtime_ns(p);
    *sys = proc_sys_ns(p);
    return 0;
}

int cpuclock_read(int32_t id, uint64_t *ns)
{
    uint64_t total, sys;
    int err = cpuclock_sample(id, &total, &sys);
    if (err)
        return err;
    int virt = id < 0 && (id & CPUCLOCK_WHICH_MASK) == CPUCLOCK_VIRT;
    *ns = virt ? total - (sys < total ? sys : total) : total;
    return 0;
}

int cpuclock_res(int32_t id, uint64_t *ns)
{
    uint64_t total, sys;
    int err = cpuclock_sample(id, &total, &sys);
    if (err)
        return err;
    /* SCHED is exact (the TSC at each switch); PROF and VIRT are a tick
     * as on Linux (the user/system split is sampled at the accounting
     * tick). */
    int sched = id >= 0 || (id & CPUCLOCK_WHICH_MASK) == CPUCLOCK_SCHED;
    *ns = sched ? 1 : SCHED_ACCT_TICK_NS;
    return 0;
}

/* Seconds of a limit as ns, saturating (UINT64_MAX: never). */
static uint64_t limit_ns(uint64_t secs)
{
    return secs == RLIM_INFINITY || secs > UINT64_MAX / NSEC_PER_SEC ? UINT64_MAX
                                                                     : secs * NSEC_PER_SEC;
}

void proc_cpulimit_arm(struct proc *p)
{
    /* The soft limit is never above the hard one, so it comes first. */
    p->cpu_limit_at = limit_ns(p->rlim[RLIMIT_CPU].cur);
}

void proc_cpulimit_tick(void *lwp)
{
    struct lwp *l = lwp;
    struct proc *p = l->proc;
    if (p->state != P_ALIVE || l->exited)
        return;
    ptimer_cpu_tick(l);
    if (p->cpu_limit_at == UINT64_MAX)
        return;
    uint64_t t = proc_runtime_ns(p);
    if (t < p->cpu_limit_at)
        return;
    struct rlimit64 *r = &p->rlim[RLIMIT_CPU];
    if (t >= limit_ns(r->max)) {
        sig_send(p, SIGKILL);
        p->cpu_limit_at = UINT64_MAX;
        return;
    }
    sig_send(p, SIGXCPU);
    r->cur++; /* the next SIGXCPU a CPU second on (getrlimit shows it, as Linux) */
    proc_cpulimit_arm(p);
}
