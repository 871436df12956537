/* Time system calls: clock_gettime, clock_getres, time,
 * nanosleep, clock_nanosleep, and getrusage (kernel/proc/rusage.c).
 * CLOCK_MONOTONIC is the calibrated TSC from the first instruction,
 * CLOCK_REALTIME the RTC at boot plus it (until it is set). The CPU-time clocks
 * (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID and the ids
 * clock_getcpuclockid makes) are the scheduler's charge
 * (kernel/proc/cpuclock.c). Setting the clock is sys_settime.c's. A clock id is an int: the
 * register's upper half is not looked at, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

struct timespec_k {
    int64_t sec, nsec;
};

/* The clocks that read CLOCK_REALTIME (and move when it is set). */
static int clock_is_wall(int32_t id)
{
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_REALTIME_ALARM ||
           id == CLOCK_TAI;
}

/* The clock's time in ns: 0, or -EINVAL for an unknown id. */
static int clock_read(int32_t id, uint64_t *ns)
{
    if (cpuclock_is(id))
        return cpuclock_read(id, ns);
    if (clock_is_wall(id)) {
        *ns = clock_realtime_ns();
        return 0;
    }
    switch (id) {
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        *ns = clock_ns();
        return 0;
    default:
        return -EINVAL;
    }
}

static int put_timespec(uint64_t uts, uint64_t ns)
{
    struct timespec_k ts = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};
    return copy_to_user((void *)uts, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* A timespec as ns (huge ones capped): 0, or -EINVAL for a negative or
 * unnormalised one (Linux's timespec64_valid). */
static int timespec_ns(const struct timespec_k *ts, uint64_t *ns)
{
    if (ts->sec < 0 || ts->nsec < 0 || (uint64_t)ts->nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *ns = clock_ns_of((uint64_t)ts->sec, (uint64_t)ts->nsec);
    return 0;
}

/* sys.h: a program timespec as nanoseconds. */
int user_timespec(uint64_t uts, uint64_t *ns)
{
    struct timespec_k ts;
    if (copy_from_user(&ts, (void *)uts, sizeof(ts)))
        return -EFAULT;
    return timespec_ns(&ts, ns);
}

/* struct itimerspec: the interval first, then the value. */
struct itimerspec_k {
    struct timespec_k interval, value;
};
_Static_assert(sizeof(struct itimerspec_k) == 32, "struct itimerspec is 32 bytes");

int user_itimerspec(uint64_t uval, uint64_t *value, uint64_t *interval)
{
    struct itimerspec_k k;
    if (copy_from_user(&k, (void *)uval, sizeof(k)))
        return -EFAULT;
    return timespec_ns(&k.interval, interval) ? -EINVAL : timespec_ns(&k.value, value);
}

int put_itimerspec(uint64_t uval, uint64_t value, uint64_t interval)
{
    struct itimerspec_k k = {
        {(int64_t)(interval / NSEC_PER_SEC), (int64_t)(interval % NSEC_PER_SEC)},
        {(int64_t)(value / NSEC_PER_SEC), (int64_t)(value % NSEC_PER_SEC)}};
    return copy_to_user((void *)uval, &k, sizeof(k)) ? -EFAULT : 0;
}

uint64_t timeout_deadline(uint64_t ns)
{
    return ns == 0 ? 1 : clock_add(clock_ns(), ns);
}

int user_timeout(uint64_t uts, uint64_t *deadline)
{
    uint64_t ns;
    *deadline = 0;
    if (!uts)
        return 0;
    int err = user_timespec(uts, &ns);
    if (!err)
        *deadline = timeout_deadline(ns);
    return err;
}

static int64_t sys_clock_gettime(uint64_t id, uint64_t uts, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t ns;
    int err = clock_read((int32_t)id, &ns);
    return err ? err : put_timespec(uts, ns);
}

static int64_t sys_clock_getres(uint64_t id, uint64_t uts, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t ns, res = 1; /* the TSC resolves nanoseconds */
    int32_t cid = (int32_t)id;
    int err = cpuclock_is(cid) ? cpuclock_res(cid, &res) : clock_read(cid, &ns);
    if (err || !uts)
        return err;
    return put_timespec(uts, res);
}

static int64_t sys_time(uint64_t ut, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int64_t t = (int64_t)(clock_realtime_ns() / NSEC_PER_SEC);
    if (ut && copy_to_user((void *)ut, &t, sizeof(t)))
        return -EFAULT;
    return t;
}

/* A relative sleep until `until` (clock_ns) interrupted by a signal: the
 * time left goes to urem, and the sleep goes on unless a handler runs
 * (-ERESTART_RESTARTBLOCK; nanosleep_rest is its rest). */
static int64_t nanosleep_rest(struct lwp *l);
static int64_t nanosleep_interrupted(uint64_t until, uint64_t urem)
{
    uint64_t left = until > clock_ns() ? until - clock_ns() : 0;
    if (urem && put_timespec(urem, left))
        return -EFAULT;
    struct lwp *l = lwp_current();
    l->restart_fn = nanosleep_rest;
    l->restart_until = until;
    l->restart_arg = urem;
    return -ERESTART_RESTARTBLOCK;
}

static int64_t nanosleep_rest(struct lwp *l)
{
    uint64_t until = l->restart_until;
    if (until <= clock_ns() || sched_sleep_intr(until) == 0)
        return 0;
    return nanosleep_interrupted(until, l->restart_arg);
}

/* A sleep until CPU-time clock id reaches until (Linux's posix CPU timer
 * sleep, done by looking at the clock every accounting tick): 0 then, or
 * when the clock's process or thread has gone (Linux fires the timer when
 * its task exits); interrupted by a signal, -ERESTARTNOHAND for an
 * absolute sleep, and for a relative one the CPU time left to urem and a
 * restart that goes on to the same point (cpu_sleep_rest). */
static int64_t cpu_sleep_rest(struct lwp *l);
static int64_t cpu_sleep_until(int32_t id, uint64_t until, int relative, uint64_t urem)
{
    uint64_t now;
    for (;;) {
        if (clock_read(id, &now) || now >= until)
            return 0;
        if (sched_sleep_intr(clock_ns() + SCHED_ACCT_TICK_NS))
            break;
    }
    if (!relative)
        return -ERESTARTNOHAND;
    if (urem && put_timespec(urem, until - now))
        return -EFAULT;
    struct lwp *l = lwp_current();
    l->restart_fn = cpu_sleep_rest;
    l->restart_clock = id;
    l->restart_until = until;
    l->restart_arg = urem;
    return -ERESTART_RESTARTBLOCK;
}

static int64_t cpu_sleep_rest(struct lwp *l)
{
    return cpu_sleep_until(l->restart_clock, l->restart_until, 1, l->restart_arg);
}

/* A sleep on a CPU-time clock. As Linux: CLOCK_THREAD_CPUTIME_ID has no
 * sleep (-EOPNOTSUPP), the caller's own thread named by a dynamic id is
 * -EINVAL (it could never wake); a process's CPU time (the caller's own
 * included: its other threads run) or another thread's is waited for. */
static int64_t cpu_nanosleep(int32_t id, uint64_t flags, uint64_t ureq, uint64_t urem)
{
    uint64_t now, req;
    int err = user_timespec(ureq, &req);
    if (err)
        return err;
    if (id == CLOCK_THREAD_CPUTIME_ID)
        return -EOPNOTSUPP;
    if ((err = clock_read(id, &now)))
        return err;
    int tid = ~(id >> 3);
    if (cpuclock_thread(id) && (tid == 0 || tid == lwp_current()->tid))
        return -EINVAL;
    int relative = !(flags & TIMER_ABSTIME);
    return cpu_sleep_until(id, relative ? clock_add(now, req) : req, relative, urem);
}

static int64_t sys_clock_nanosleep(uint64_t id, uint64_t flags, uint64_t ureq, uint64_t urem,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    uint64_t req, now; /* now: only to check the clock id */
    if (flags & ~(uint64_t)TIMER_ABSTIME)
        return -EINVAL; /* Linux ignores other bits; none means anything */
    if (cpuclock_is((int32_t)id))
        return cpu_nanosleep((int32_t)id, flags, ureq, urem);
    int err = clock_read((int32_t)id, &now);
    if (!err)
        err = user_timespec(ureq, &req);
    if (err)
        return err;
    if (flags & TIMER_ABSTIME) {
        /* On a wall clock, a realtime deadline: the sleep ends when the
         * clock reaches req, however it is set meanwhile (Linux's
         * clock_was_set); interrupted, it is simply made again. */
        uint64_t until = clock_is_wall((int32_t)id) ? clock_deadline_rt(req) : req;
        if (clock_deadline_ns(until) <= clock_ns() || sched_sleep_intr(until) == 0)
            return 0;
        return -ERESTARTNOHAND;
    }
    /* Relative: on CLOCK_MONOTONIC whatever the clock, as on Linux (a
     * relative realtime sleep does not move with the clock). Interrupted
     * by a signal: EINTR once a handler runs, with the time left. */
    uint64_t mono = clock_ns(), until = clock_add(mono, req);
    if (until <= mono || sched_sleep_intr(until) == 0)
        return 0;
    return nanosleep_interrupted(until, urem);
}

static int64_t sys_nanosleep(uint64_t ureq, uint64_t urem, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, ureq, urem, 0, 0);
}

/* who is an int: the upper half of the register is not looked at. */
static int64_t sys_getrusage(uint64_t who, uint64_t uru, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return proc_getrusage((int32_t)who, uru);
}

void sys_time_register(void)
{
    syscall_register(SYS_getrusage, sys_getrusage);
    syscall_register(SYS_nanosleep, sys_nanosleep);
    syscall_register(SYS_time, sys_time);
    syscall_register(SYS_clock_gettime, sys_clock_gettime);
    syscall_register(SYS_clock_getres, sys_clock_getres);
    syscall_register(SYS_clock_nanosleep, sys_clock_nanosleep);
}
