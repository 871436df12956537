/* inotify(7)'s system calls: inotify_init, inotify_init1,
 * inotify_add_watch, inotify_rm_watch (the instances are
 * kernel/fs/inotify.c). Arguments are checked in Linux's order. */
#include <stdint.h>
#include "errno.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define IN_CLOEXEC  O_CLOEXEC
#define IN_NONBLOCK O_NONBLOCK
/* Every bit add_watch knows (Linux's ALL_INOTIFY_BITS): a mask with none
 * of them, or with another, is -EINVAL before the descriptor is looked at.
 * A mask of flags alone is a watch that hears nothing but IN_IGNORED and
 * IN_UNMOUNT, as on Linux. */
#define IN_ALL_BITS                                                                                \
    (IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ONLYDIR | IN_DONT_FOLLOW |       \
     IN_EXCL_UNLINK | IN_MASK_CREATE | IN_MASK_ADD | IN_ISDIR | IN_ONESHOT)

static int64_t sys_inotify_init1(uint64_t flags, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint32_t fl = (uint32_t)flags;
    struct file *f;
    if (fl & ~(uint32_t)(IN_CLOEXEC | IN_NONBLOCK))
        return -EINVAL;
    int err = inotify_create(fl & IN_NONBLOCK, &f);
    if (err)
        return err;
    int fd = fd_install(proc_current(), f, 0, (fl & IN_CLOEXEC) != 0);
    if (fd < 0)
        file_unref(f);
    return fd;
}

static int64_t sys_inotify_init(NOARGS)
{
    UNUSED;
    return sys_inotify_init1(0, 0, 0, 0, 0, 0);
}

/* The instance open at fd: 0 and *out, -EBADF. */
static int instance_file(uint64_t fd, struct file **out)
{
    *out = fd_get(proc_current(), (int)fd);
    return *out ? 0 : -EBADF;
}

static int64_t sys_inotify_add_watch(uint64_t fd, uint64_t upath, uint64_t mask, uint64_t a3,
                                     uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    uint32_t m = (uint32_t)mask;
    struct file *f;
    struct vnode *vn;
    int wd;
    if (!(m & IN_ALL_BITS) || (m & ~(uint32_t)IN_ALL_BITS))
        return -EINVAL;
    int err = instance_file(fd, &f);
    if (!err && ((m & IN_MASK_ADD) && (m & IN_MASK_CREATE)))
        err = -EINVAL;
    if (!err && !file_is_inotify(f))
        err = -EINVAL;
    if (!err)
        err = at_walk(AT_FDCWD, upath, 0, (m & IN_DONT_FOLLOW) ? 0 : WALK_FOLLOW, &vn);
    if (!err && (m & IN_ONLYDIR) && !S_ISDIR(vn->mode))
        err = -ENOTDIR;
    if (!err)
        err = inotify_add(f, vn, m, &wd);
    return err ? err : wd;
}

static int64_t sys_inotify_rm_watch(uint64_t fd, uint64_t wd, uint64_t a2, uint64_t a3, uint64_t a4,
                                    uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f;
    int err = instance_file(fd, &f);
    return err ? err : inotify_rm(f, (int)(int32_t)wd);
}

void sys_inotify_register(void)
{
    syscall_register(SYS_inotify_init, sys_inotify_init);
    syscall_register(SYS_inotify_init1, sys_inotify_init1);
    syscall_register(SYS_inotify_add_watch, sys_inotify_add_watch);
    syscall_register(SYS_inotify_rm_watch, sys_inotify_rm_watch);
}
