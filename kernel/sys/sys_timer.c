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
    struct ptimer_spec sp, old;
    if (!unew)
        return -EINVAL;
    int err = user_itimerspec(unew, &sp.value, &sp.interval);
    if (err)
        return err;
    err = ptimer_settime((int)id, (flags & TIMER_ABSTIME) != 0, &sp, &old);
    if (!err && uold)
        err = put_itimerspec(uold, old.value, old.interval); /* the timer stays set, as on Linux */
    return err;
}

static int64_t sys_timer_gettime(uint64_t id, uint64_t ucur, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct ptimer_spec cur;
    int err = ptimer_gettime((int)id, &cur);
    return err ? err : put_itimerspec(ucur, cur.value, cur.interval);
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
