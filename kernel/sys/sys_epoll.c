/* epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and
 * epoll_pwait2: the arguments, descriptors, timeouts and signal masks of
 * the calls, in Linux's order of checks; the instances themselves are
 * kernel/fs/epoll.c's. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define EPOLL_CLOEXEC O_CLOEXEC
#define EP_EVENT_SIZE 12 /* x86-64 struct epoll_event, packed */
/* Most events one call may ask for (Linux's EP_MAX_EVENTS). */
#define EP_MAX_EVENTS (INT32_MAX / EP_EVENT_SIZE)

/* The file open at fd, as Linux's fdget: none for an O_PATH descriptor. */
static struct file *ep_fd(int fd)
{
    struct file *f = fd_get(proc_current(), fd);
    return f && !(f->flags & O_PATH) ? f : 0;
}

static int64_t epoll_new(int cloexec)
{
    struct file *f;
    int err = epoll_create_file(&f);
    if (err)
        return err;
    int fd = fd_install(proc_current(), f, 0, cloexec);
    if (fd < 0)
        file_unref(f);
    return fd;
}

/* size is only checked: the interest list grows as it needs. */
static int64_t sys_epoll_create(uint64_t size, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return (int)size <= 0 ? -EINVAL : epoll_new(0);
}

static int64_t sys_epoll_create1(uint64_t flags, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    if ((uint32_t)flags & ~(uint32_t)EPOLL_CLOEXEC)
        return -EINVAL;
    return epoll_new((uint32_t)flags & EPOLL_CLOEXEC);
}

/* The event is read for every op but DEL, a bad op included, as Linux. */
static int64_t sys_epoll_ctl(uint64_t epfd, uint64_t op, uint64_t fd, uint64_t uev, uint64_t a4,
                             uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct {
        uint32_t events;
        uint64_t data;
    } __attribute__((packed)) ev = {0, 0};
    _Static_assert(sizeof(ev) == EP_EVENT_SIZE, "x86-64 struct epoll_event");
    if ((int)op != EPOLL_CTL_DEL && copy_from_user(&ev, (void *)uev, sizeof(ev)))
        return -EFAULT;
    struct file *ep = ep_fd((int)epfd), *tf = ep_fd((int)fd);
    if (!ep || !tf)
        return -EBADF;
    return epoll_ctl_file(ep, (int)op, (int)fd, tf, ev.events, ev.data);
}

/* Linux's do_epoll_wait, in the order of checks of the host's Linux
 * (6.18): the descriptor first. */
static int64_t epoll_wait_at(uint64_t epfd, uint64_t uev, uint64_t max, uint64_t deadline)
{
    struct file *f = ep_fd((int)epfd);
    if (!f)
        return -EBADF;
    if ((int)max <= 0 || (int)max > EP_MAX_EVENTS)
        return -EINVAL;
    if (!user_range_ok((void *)uev, (size_t)(int)max * EP_EVENT_SIZE))
        return -EFAULT;
    file_ref(f); /* another thread may close it while this one sleeps */
    int r = epoll_wait_file(f, (void *)uev, (int)max, deadline);
    file_unref(f);
    return r;
}

/* A timeout in ms as a deadline: none when negative, EPOLL_NOWAIT for 0. */
static uint64_t ms_deadline(uint64_t timeout)
{
    int ms = (int)timeout;
    if (ms <= 0)
        return ms ? 0 : EPOLL_NOWAIT;
    return clock_add(clock_ns(), (uint64_t)ms * NSEC_PER_MSEC);
}

/* With the signal mask at umask (NULL: the caller's) while it waits; the
 * caller's own is back at once unless a signal interrupted the wait, as
 * Linux's restore_saved_sigmask_unless. */
static int64_t epoll_pwait_at(uint64_t epfd, uint64_t uev, uint64_t max, uint64_t deadline,
                              uint64_t umask, uint64_t size)
{
    int64_t r = umask ? sig_mask_from_user(umask, size) : 0;
    if (r)
        return r;
    r = epoll_wait_at(epfd, uev, max, deadline);
    if (umask)
        sig_mask_restore_unless(r == -EINTR);
    return r;
}

static int64_t sys_epoll_wait(uint64_t epfd, uint64_t uev, uint64_t max, uint64_t timeout,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    return epoll_wait_at(epfd, uev, max, ms_deadline(timeout));
}

static int64_t sys_epoll_pwait(uint64_t epfd, uint64_t uev, uint64_t max, uint64_t timeout,
                               uint64_t umask, uint64_t size)
{
    return epoll_pwait_at(epfd, uev, max, ms_deadline(timeout), umask, size);
}

/* The timeout is a struct timespec (NULL: none), read first. */
static int64_t sys_epoll_pwait2(uint64_t epfd, uint64_t uev, uint64_t max, uint64_t uts,
                                uint64_t umask, uint64_t size)
{
    uint64_t ns, deadline = 0;
    if (uts) {
        int err = user_timespec(uts, &ns);
        if (err)
            return err;
        deadline = ns ? clock_add(clock_ns(), ns) : EPOLL_NOWAIT;
    }
    return epoll_pwait_at(epfd, uev, max, deadline, umask, size);
}

void sys_epoll_register(void)
{
    syscall_register(SYS_epoll_create, sys_epoll_create);
    syscall_register(SYS_epoll_create1, sys_epoll_create1);
    syscall_register(SYS_epoll_ctl, sys_epoll_ctl);
    syscall_register(SYS_epoll_wait, sys_epoll_wait);
    syscall_register(SYS_epoll_pwait, sys_epoll_pwait);
    syscall_register(SYS_epoll_pwait2, sys_epoll_pwait2);
}
