/* POSIX timer system calls: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete (kernel/proc/ptimer.c). Arguments are
 * copied in and checked in Linux's order: a bad pointer to read is
 * -EFAULT before anything else; a result that cannot be written back is
 * -EFAULT after the change was made (timer_create's then deletes the
 * timer, as Linux's). A timer id and a clock id are ints: the register's
 * upper half is not looked at, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* struct itimerspec: the interval first, then the value. */
struct itimerspec_k {
    int64_t isec, insec, vsec, vnsec;
};
_Static_assert(sizeof(struct itimerspec_k) == 32, "struct itimerspec is 32 bytes");

/* One timespec of an itimerspec as ns (huge ones capped): 0, or -EINVAL
 * for a negative or unnormalised one (Linux's timespec64_valid). */
static int ts_ns(int64_t sec, int64_t nsec, uint64_t *ns)
{
    if (sec < 0 || nsec < 0 || (uint64_t)nsec >= NSEC_PER_SEC)
        return -EINVAL;
    *ns = clock_ns_of((uint64_t)sec, (uint64_t)nsec);
    return 0;
}

static int put_spec(uint64_t uval, const struct ptimer_spec *sp)
{
    struct itimerspec_k k = {
        (int64_t)(sp->interval / NSEC_PER_SEC), (int64_t)(sp->interval % NSEC_PER_SEC),
        (int64_t)(sp->value / NSEC_PER_SEC), (int64_t)(sp->value % NSEC_PER_SEC)};
    return copy_to_user((void *)uval, &k, sizeof(k)) ? -EFAULT : 0;
}

static int64_t sys_timer_create(uint64_t clock, uint64_t usev, uint64_t uid, uint64_t a3,
                                uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct ksigevent ev;
    int id;
    if (usev && copy_from_user(&ev, (void *)usev, sizeof(ev)))
        return -EFAULT;
    int err = ptimer_create((int32_t)clock, usev ? &ev : 0, &id);
    if (err)
        return err;
    if (copy_to_user((void *)uid, &id, sizeof(id))) {
        ptimer_delete(id);
        return -EFAULT;
    }
    return 0;
}

/* Linux looks at TIMER_ABSTIME only: other flag bits are accepted and
 * mean nothing there either. */
static int64_t sys_timer_settime(uint64_t id, uint64_t flags, uint64_t unew, uint64_t uold,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct itimerspec_k k;
    struct ptimer_spec sp, old;
    if (!unew)
        return -EINVAL;
    if (copy_from_user(&k, (void *)unew, sizeof(k)))
        return -EFAULT;
    if (ts_ns(k.isec, k.insec, &sp.interval) || ts_ns(k.vsec, k.vnsec, &sp.value))
        return -EINVAL;
    int err = ptimer_settime((int)id, (flags & TIMER_ABSTIME) != 0, &sp, &old);
    if (!err && uold)
        err = put_spec(uold, &old); /* the timer stays set, as on Linux */
    return err;
}

static int64_t sys_timer_gettime(uint64_t id, uint64_t ucur, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct ptimer_spec cur;
    int err = ptimer_gettime((int)id, &cur);
    return err ? err : put_spec(ucur, &cur);
}

static int64_t sys_timer_getoverrun(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                    uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return ptimer_getoverrun((int)id);
}

static int64_t sys_timer_delete(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return ptimer_delete((int)id);
}

void sys_timer_register(void)
{
    syscall_register(SYS_timer_create, sys_timer_create);
    syscall_register(SYS_timer_settime, sys_timer_settime);
    syscall_register(SYS_timer_gettime, sys_timer_gettime);
    syscall_register(SYS_timer_getoverrun, sys_timer_getoverrun);
    syscall_register(SYS_timer_delete, sys_timer_delete);
}
