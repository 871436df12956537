/* Objects behind descriptors: eventfd, eventfd2, timerfd_create,
 * timerfd_settime, timerfd_gettime, signalfd, signalfd4, memfd_create
 * (the objects are kernel/fs/eventfd.c, timerfd.c, signalfd.c, memfd.c). Arguments are checked in
 * Linux's order; int arguments (fds, flags, clock ids) are the low 32
 * bits of their register, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define EFD_SEMAPHORE 1
#define EFD_FLAGS     (EFD_SEMAPHORE | O_CLOEXEC | O_NONBLOCK) /* EFD_CLOEXEC, EFD_NONBLOCK */
#define TFD_FLAGS     (O_CLOEXEC | O_NONBLOCK)                 /* TFD_CLOEXEC, TFD_NONBLOCK */
#define SFD_FLAGS     (O_CLOEXEC | O_NONBLOCK)                 /* SFD_CLOEXEC, SFD_NONBLOCK */

/* A new object's file as a descriptor of the caller: the descriptor, or
 * -EMFILE / -ENOMEM with the file given back. */
static int64_t fdobj_install(int err, struct file *f, uint32_t flags)
{
    if (err)
        return err;
    int fd = fd_install(proc_current(), f, 0, (flags & O_CLOEXEC) != 0);
    if (fd < 0)
        file_unref(f);
    return fd;
}

static int64_t sys_eventfd2(uint64_t count, uint64_t flags, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint32_t fl = (uint32_t)flags;
    struct file *f = 0;
    if (fl & ~(uint32_t)EFD_FLAGS)
        return -EINVAL;
    int err = eventfd_create((uint32_t)count, fl & EFD_SEMAPHORE, fl & O_NONBLOCK, &f);
    return fdobj_install(err, f, fl);
}

static int64_t sys_eventfd(uint64_t count, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_eventfd2(count, 0, 0, 0, 0, 0);
}

/* memfd_create's flags. MFD_EXEC asks for what every memfd is here (mode
 * 0777, as Linux's default vm.memfd_noexec 0). MFD_HUGETLB (and the huge
 * page sizes under it) is refused: there are no huge pages to back it
 * (Linux without hugetlbfs fails it too). MFD_NOEXEC_SEAL would need
 * F_SEAL_EXEC, which is not kept (vfs.h): refused as well. */
#define MFD_CLOEXEC       0x1
#define MFD_ALLOW_SEALING 0x2
#define MFD_EXEC          0x10
#define MFD_FLAGS         (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC)

/* memfd_create(2): -EINVAL (flags; a name of more than MEMFD_NAME_MAX
 * bytes), -EFAULT, -EMFILE, -ENOMEM. */
static int64_t sys_memfd_create(uint64_t uname, uint64_t flags, uint64_t a2, uint64_t a3,
                                uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint32_t fl = (uint32_t)flags;
    if (fl & ~(uint32_t)MFD_FLAGS)
        return -EINVAL;
    char *name;
    int err = user_string(uname, MEMFD_NAME_MAX + 1, &name);
    if (err)
        return err == -ENAMETOOLONG ? -EINVAL : err;
    struct vnode *vn;
    struct file *f = 0;
    if (!(err = memfd_new(name, (fl & MFD_ALLOW_SEALING) != 0, &vn))) {
        err = file_open_vnode(vn, O_RDWR, &f);
        vn_unref(vn); /* the file holds it, if it was made */
    }
    kfree(name);
    return fdobj_install(err, f, fl & MFD_CLOEXEC ? O_CLOEXEC : 0);
}

/* CLOCK_*_ALARM (timers that would wake a suspended machine) need
 * CAP_WAKE_ALARM: an effective uid of 0 here, as every privilege. They are
 * the plain clocks otherwise: nothing suspends. */
static int tfd_clock(int clock, int *realtime)
{
    *realtime = clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM;
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
        return 0;
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        return cred_capable(CAP_WAKE_ALARM) ? 0 : -EPERM;
    default:
        return -EINVAL;
    }
}

static int64_t sys_timerfd_create(uint64_t clock, uint64_t flags, uint64_t a2, uint64_t a3,
                                  uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint32_t fl = (uint32_t)flags;
    struct file *f = 0;
    int realtime;
    int err = tfd_clock((int)clock, &realtime);
    if ((fl & ~(uint32_t)TFD_FLAGS) || err == -EINVAL)
        return -EINVAL;
    if (err)
        return err;
    err = timerfd_create(realtime, fl & O_NONBLOCK, &f);
    return fdobj_install(err, f, fl);
}

/* The timerfd open at fd: 0 and *out, or -EBADF. Not a timerfd: the
 * object's calls say -EINVAL. */
static int tfd_file(uint64_t fd, struct file **out)
{
    *out = fd_get(proc_current(), (int)fd);
    return *out ? 0 : -EBADF;
}

static int64_t sys_timerfd_settime(uint64_t fd, uint64_t flags, uint64_t unew, uint64_t uold,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct tfd_time t, old;
    struct file *f;
    uint32_t fl = (uint32_t)flags;
    int err = user_itimerspec(unew, &t.value, &t.interval);
    if (err == -EFAULT)
        return err;
    if ((fl & ~(uint32_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) || err)
        return -EINVAL;
    err = tfd_file(fd, &f);
    if (!err)
        err = timerfd_settime(f, fl, &t, &old);
    if (!err && uold)
        err = put_itimerspec(uold, old.value, old.interval); /* the timer stays set, as on Linux */
    return err;
}

static int64_t sys_timerfd_gettime(uint64_t fd, uint64_t ucur, uint64_t a2, uint64_t a3,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct tfd_time cur;
    struct file *f;
    int err = tfd_file(fd, &f);
    if (!err)
        err = timerfd_gettime(f, &cur);
    return err ? err : put_itimerspec(ucur, cur.value, cur.interval);
}

/* fd -1 makes a signalfd; any other fd must be one, whose mask changes
 * (flags are checked, and not applied to it, as on Linux). */
static int64_t sys_signalfd4(uint64_t fd, uint64_t umask, uint64_t size, uint64_t flags,
                             uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    uint32_t fl = (uint32_t)flags;
    uint64_t mask;
    struct file *f = 0;
    if (size != SIGSET_SIZE)
        return -EINVAL;
    if (copy_from_user(&mask, (void *)umask, sizeof(mask)))
        return -EFAULT;
    if (fl & ~(uint32_t)SFD_FLAGS)
        return -EINVAL;
    mask &= ~SIG_UNBLOCKABLE; /* silently, as Linux */
    if ((int)fd == -1) {
        int err = signalfd_create(mask, fl & O_NONBLOCK, &f);
        return fdobj_install(err, f, fl);
    }
    if (!(f = fd_get(proc_current(), (int)fd)))
        return -EBADF;
    int err = signalfd_set_mask(f, mask);
    return err ? err : (int)fd;
}

static int64_t sys_signalfd(uint64_t fd, uint64_t umask, uint64_t size, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_signalfd4(fd, umask, size, 0, 0, 0);
}

void sys_fdobj_register(void)
{
    syscall_register(SYS_eventfd, sys_eventfd);
    syscall_register(SYS_eventfd2, sys_eventfd2);
    syscall_register(SYS_memfd_create, sys_memfd_create);
    syscall_register(SYS_timerfd_create, sys_timerfd_create);
    syscall_register(SYS_timerfd_settime, sys_timerfd_settime);
    syscall_register(SYS_timerfd_gettime, sys_timerfd_gettime);
    syscall_register(SYS_signalfd, sys_signalfd);
    syscall_register(SYS_signalfd4, sys_signalfd4);
}
