/* Resource usage (Linux's struct rusage): getrusage(2) of the calling
 * process, and what wait4(2) and waitid(2) report of a child they reap.
 *
 * CPU time is what the scheduler charges each thread (account() in
 * kernel/sched/sched.c): all of its time on the CPU, program code and
 * kernel code alike; ru_stime is the part sampled in kernel code
 * (thread_sys_ns: tick-based, as Linux's default accounting), ru_utime the
 * rest. /proc/<pid>/stat and times(2) split it the same way.
 *
 * ru_maxrss: the address space keeps no peak of its resident set, so a
 * process's figure is the largest resident set sampled so far by
 * proc_rusage_sample (at each getrusage), at least the resident set now.
 * A child's figure passes to its parent when the parent waits for it, as
 * Linux passes it; it is what was sampled while the child ran (proc.h).
 *
 * Page faults, swaps, block I/O, messages, signals and context switches
 * are not counted: those fields are 0. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"

#define RUSAGE_SELF     0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD   1

struct timeval_k {
    int64_t sec, usec;
};

struct rusage_k {
    struct timeval_k utime, stime;
    int64_t maxrss; /* KiB */
    int64_t ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock;
    int64_t msgsnd, msgrcv, nsignals, nvcsw, nivcsw;
};
_Static_assert(sizeof(struct rusage_k) == 144, "Linux struct rusage (x86-64)");

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

void proc_rusage_sample(struct proc *p)
{
    if (p->vm)
        p->maxrss = max_u64(p->maxrss, vmspace_resident(p->vm));
}

static struct timeval_k tv_of(uint64_t ns)
{
    return (struct timeval_k){(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000)};
}

/* Copy out CPU time cpu_ns, of which sys_ns system time, and maxrss_pages. */
static int put_rusage(uint64_t uru, uint64_t cpu_ns, uint64_t sys_ns, uint64_t maxrss_pages)
{
    struct rusage_k ru;
    memset(&ru, 0, sizeof(ru));
    if (sys_ns > cpu_ns)
        sys_ns = cpu_ns;
    ru.utime = tv_of(cpu_ns - sys_ns);
    ru.stime = tv_of(sys_ns);
    ru.maxrss = (int64_t)(maxrss_pages * (PAGE_SIZE / 1024));
    return copy_to_user((void *)uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

int proc_getrusage(int who, uint64_t uru)
{
    struct proc *p = proc_current();
    proc_rusage_sample(p);
    switch (who) {
    case RUSAGE_SELF: /* every LWP of the process */
        return put_rusage(uru, proc_runtime_ns(p), proc_sys_ns(p), p->maxrss);
    case RUSAGE_THREAD: /* the calling LWP's time; the process's memory, as Linux */
        return put_rusage(uru, thread_runtime_ns(lwp_current()->thread),
                          thread_sys_ns(lwp_current()->thread), p->maxrss);
    case RUSAGE_CHILDREN: /* the children waited for, and theirs */
        return put_rusage(uru, p->child_ns, p->child_sys_ns, p->child_maxrss);
    default:
        return -EINVAL;
    }
}

/* Linux's RUSAGE_BOTH of the zombie: its own figures and its children's,
 * which is what its parent's RUSAGE_CHILDREN gains by reaping it. */
int proc_rusage_child(const struct proc *c, uint64_t uru)
{
    return put_rusage(uru, proc_runtime_ns(c) + c->child_ns, proc_sys_ns(c) + c->child_sys_ns,
                      max_u64(c->maxrss, c->child_maxrss));
}

void proc_rusage_reap(struct proc *p, const struct proc *c)
{
    p->child_maxrss = max_u64(p->child_maxrss, max_u64(c->maxrss, c->child_maxrss));
}
