/* POSIX message queue system calls: mq_open, mq_unlink, mq_timedsend,
 * mq_timedreceive, mq_notify, mq_getsetattr (the queues are kernel/ipc,
 * ipc.h). Arguments are copied in and checked in Linux's order: the
 * structures and the timeout first (a timeout that is not a valid
 * timespec is -EINVAL even when the call would not wait, as Linux's
 * prepare_timeout, though mq_timedsend(3) says otherwise), then the
 * descriptor. Descriptors and priorities are ints, flags unsigned: the
 * register's upper half is not looked at, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* An absolute CLOCK_REALTIME timeout (uts 0: none) as a realtime-tagged
 * deadline (clock_deadline_rt: it moves when the clock is set, as on
 * Linux; 0: none): 0, -EFAULT or -EINVAL. */
static int mq_deadline(uint64_t uts, uint64_t *deadline)
{
    uint64_t ns;
    *deadline = 0;
    if (!uts)
        return 0;
    int err = user_timespec(uts, &ns);
    if (err)
        return err;
    *deadline = clock_deadline_rt(ns);
    return 0;
}

/* mq_open(2): a descriptor, always close-on-exec (as Linux's do_mq_open);
 * -EFAULT, -ENOENT (an empty name), -ENAMETOOLONG, -EMFILE, or
 * mq_open_file's errors. The attributes are read whenever given, and used
 * only to create. */
static int64_t sys_mq_open(uint64_t uname, uint64_t oflag, uint64_t mode, uint64_t uattr,
                           uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct mq_attr_k attr;
    char *name;
    struct file *f;
    if (uattr && copy_from_user(&attr, (const void *)uattr, sizeof(attr)))
        return -EFAULT;
    int err = user_path(uname, 0, &name);
    if (err)
        return err;
    err = fd_room(proc_current()); /* before the queue is made, as Linux */
    if (!err)
        err = mq_open_file(name, (int)oflag, (uint32_t)mode, uattr ? &attr : 0, &f);
    kfree(name);
    if (err)
        return err;
    int fd = fd_install(proc_current(), f, 0, 1);
    if (fd < 0)
        file_unref(f);
    return fd;
}

static int64_t sys_mq_unlink(uint64_t uname, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    char *name;
    int err = user_path(uname, 0, &name);
    if (err)
        return err;
    err = mq_unlink_name(name);
    kfree(name);
    return err;
}

/* The file of descriptor fd, referenced for the call (it may block while
 * another thread closes fd), or NULL. */
static struct file *mq_file(uint64_t fd)
{
    struct file *f = fd_get(proc_current(), (int)fd);
    if (f)
        file_ref(f);
    return f;
}

static int64_t sys_mq_timedsend(uint64_t fd, uint64_t ubuf, uint64_t len, uint64_t prio,
                                uint64_t uts, uint64_t a5)
{
    ARG(a5);
    uint64_t deadline;
    int err = mq_deadline(uts, &deadline);
    if (err)
        return err;
    if ((uint32_t)prio >= MQ_PRIO_MAX)
        return -EINVAL;
    struct file *f = mq_file(fd);
    if (!f)
        return -EBADF;
    err = mq_send(f, (const void *)ubuf, len, (uint32_t)prio, deadline);
    file_unref(f);
    return err;
}

static int64_t sys_mq_timedreceive(uint64_t fd, uint64_t ubuf, uint64_t len, uint64_t uprio,
                                   uint64_t uts, uint64_t a5)
{
    ARG(a5);
    uint64_t deadline;
    int err = mq_deadline(uts, &deadline);
    if (err)
        return err;
    struct file *f = mq_file(fd);
    if (!f)
        return -EBADF;
    int64_t r = mq_receive(f, (void *)ubuf, len, uprio, deadline);
    file_unref(f);
    return r;
}

static int64_t sys_mq_notify(uint64_t fd, uint64_t usev, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct ksigevent sev;
    if (usev && copy_from_user(&sev, (const void *)usev, sizeof(sev)))
        return -EFAULT;
    return mq_notify_set(fd_get(proc_current(), (int)fd), usev ? &sev : 0);
}

/* The new flags are set before the old attributes are written back, so
 * a bad uold is -EFAULT after the change, as on Linux. */
static int64_t sys_mq_getsetattr(uint64_t fd, uint64_t unew, uint64_t uold, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct mq_attr_k new, old;
    if (unew && copy_from_user(&new, (const void *)unew, sizeof(new)))
        return -EFAULT;
    int err = mq_getsetattr_file(fd_get(proc_current(), (int)fd), unew ? &new : 0, uold ? &old : 0);
    if (!err && uold && copy_to_user((void *)uold, &old, sizeof(old)))
        err = -EFAULT;
    return err;
}

void sys_mqueue_register(void)
{
    syscall_register(SYS_mq_open, sys_mq_open);
    syscall_register(SYS_mq_unlink, sys_mq_unlink);
    syscall_register(SYS_mq_timedsend, sys_mq_timedsend);
    syscall_register(SYS_mq_timedreceive, sys_mq_timedreceive);
    syscall_register(SYS_mq_notify, sys_mq_notify);
    syscall_register(SYS_mq_getsetattr, sys_mq_getsetattr);
}
