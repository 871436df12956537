/* Setting the wall clock: clock_settime and settimeofday, and
 * gettimeofday, which reports the timezone settimeofday stores.
 *
 * CLOCK_REALTIME is clock_ns() plus an offset (kernel/sched/clock.c);
 * setting it changes the offset only, so CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME never move. Everything that counts on the realtime clock
 * follows (settime_step): absolute realtime sleeps, futex waits and
 * timers expire at the new time, relative ones do not move, and timerfds
 * armed with TFD_TIMER_CANCEL_ON_SET are cancelled (Linux's
 * clock_was_set). The checks run in Linux's order: the clock id, the
 * copy (-EFAULT), the value (-EINVAL), then CAP_SYS_TIME (-EPERM). */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* The latest second a clock may be set to: Linux's TIME_SETTOD_SEC_MAX
 * (KTIME_SEC_MAX less 30 years of uptime). */
#define SETTOD_SEC_MAX (CLOCK_NS_MAX / NSEC_PER_SEC - 30ull * 365 * 86400)
#define TZ_MINUTES_MAX (15 * 60) /* Linux's range for tz_minuteswest */

struct timespec_k {
    int64_t sec, nsec;
};
struct timezone_k {
    int32_t minuteswest, dsttime;
};
_Static_assert(sizeof(struct timezone_k) == 8, "struct timezone is 8 bytes");

/* Linux's sys_tz: what settimeofday stored, what gettimeofday reports. */
static struct timezone_k sys_tz;

int settime_step(uint64_t ns)
{
    int64_t delta;
    int err = clock_realtime_set(ns, &delta);
    if (err)
        return err;
    adjtime_clear();
    if (delta)
        timerfd_clock_was_set();
    return 0;
}

/* Linux's do_sys_settimeofday64: tv (NULL: none) checked, the privilege,
 * then tz (NULL: none) stored before the clock is set. */
static int settod(const struct timespec_k *tv, const struct timezone_k *tz)
{
    if (tv && (tv->sec < 0 || (uint64_t)tv->sec >= SETTOD_SEC_MAX || tv->nsec < 0 ||
               (uint64_t)tv->nsec >= NSEC_PER_SEC))
        return -EINVAL;
    if (!cred_capable(CAP_SYS_TIME))
        return -EPERM;
    if (tz) {
        if (tz->minuteswest > TZ_MINUTES_MAX || tz->minuteswest < -TZ_MINUTES_MAX)
            return -EINVAL;
        sys_tz = *tz;
    }
    return tv ? settime_step((uint64_t)tv->sec * NSEC_PER_SEC + (uint64_t)tv->nsec) : 0;
}

/* Only CLOCK_REALTIME is set. The CPU-time clocks that clock_getcpuclockid
 * makes (negative ids) have a setter on Linux that always fails: -EINVAL
 * for a clock that names nothing (a file-descriptor clock too), else
 * -EPERM, both after the copy; every other clock, CLOCK_PROCESS_CPUTIME_ID
 * and CLOCK_THREAD_CPUTIME_ID included, is -EINVAL at once. */
static int64_t sys_clock_settime(uint64_t id, uint64_t uts, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int32_t cid = (int32_t)id;
    struct timespec_k ts;
    uint64_t ns;
    if (cid != CLOCK_REALTIME && cid >= 0)
        return -EINVAL;
    if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
        return -EFAULT;
    if (cid != CLOCK_REALTIME)
        return cpuclock_read(cid, &ns) ? -EINVAL : -EPERM;
    return settod(&ts, 0);
}

/* tv is a struct timeval: microseconds, checked (0..1000000) before tz is
 * read, as Linux. */
static int64_t sys_settimeofday(uint64_t utv, uint64_t utz, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct timespec_k tv;
    struct timezone_k tz;
    if (utv) {
        if (copy_from_user(&tv, (const void *)utv, sizeof(tv)))
            return -EFAULT;
        if (tv.nsec > 1000000 || tv.nsec < 0)
            return -EINVAL;
        tv.nsec *= 1000;
    }
    if (utz && copy_from_user(&tz, (const void *)utz, sizeof(tz)))
        return -EFAULT;
    return settod(utv ? &tv : 0, utz ? &tz : 0);
}

static int64_t sys_gettimeofday(uint64_t utv, uint64_t utz, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t ns = clock_realtime_ns();
    int64_t tv[2] = {(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC / 1000)};
    if (utv && copy_to_user((void *)utv, tv, sizeof(tv)))
        return -EFAULT;
    if (utz && copy_to_user((void *)utz, &sys_tz, sizeof(sys_tz)))
        return -EFAULT;
    return 0;
}

void sys_settime_register(void)
{
    syscall_register(SYS_clock_settime, sys_clock_settime);
    syscall_register(SYS_settimeofday, sys_settimeofday);
    syscall_register(SYS_gettimeofday, sys_gettimeofday);
}
