/* System calls about a file's attributes and its file system: owners
 * (chown, fchown, lchown, fchownat), timestamps (utime, utimes, futimesat,
 * utimensat), statfs and fstatfs; and times, the process's CPU time in
 * clock ticks. No permission is ever refused: the ids a process has
 * (kernel/proc/cred.c) are kept and reported, not yet checked. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* The file open at fd for the calls that need a real open (fchown,
 * futimens): an O_PATH descriptor is -EBADF as well (Linux's fdget). */
static int fd_file(uint64_t fd, struct file **out)
{
    struct file *f = fd_get(proc_current(), (int)fd);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    *out = f;
    return 0;
}

/* --- owners ----------------------------------------------------------------- */

#define ID_KEEP 0xffffffffu /* (uid_t)-1, (gid_t)-1: leave that id as it is */

/* Linux's chown_common: ctime changes, and a non-directory loses its
 * set-user-ID bit, and its set-group-ID bit if group-executable (without
 * group execute that bit marks mandatory locking, which root keeps), even
 * when neither id changes. */
static int set_owner(struct vnode *vn, uint64_t uid, uint64_t gid)
{
    int err = mnt_may_write(vn);
    if (err)
        return err;
    if ((uint32_t)uid != ID_KEEP)
        vn->uid = (uint32_t)uid;
    if ((uint32_t)gid != ID_KEEP)
        vn->gid = (uint32_t)gid;
    if (!S_ISDIR(vn->mode)) {
        vn->mode &= ~(uint32_t)S_ISUID;
        if ((vn->mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
            vn->mode &= ~(uint32_t)S_ISGID;
    }
    vn_touch(vn, VN_CTIME);
    vn_notify(vn, IN_ATTRIB);
    return 0;
}

static int64_t sys_fchownat(uint64_t dirfd, uint64_t upath, uint64_t uid, uint64_t gid,
                            uint64_t flags, uint64_t a5)
{
    ARG(a5);
    struct vnode *vn;
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = at_walk((int64_t)dirfd, upath, (int)flags,
                      (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
    return err ? err : set_owner(vn, uid, gid);
}

static int64_t sys_chown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_fchownat((uint64_t)(int64_t)AT_FDCWD, upath, uid, gid, 0, 0);
}

static int64_t sys_lchown(uint64_t upath, uint64_t uid, uint64_t gid, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_fchownat((uint64_t)(int64_t)AT_FDCWD, upath, uid, gid, AT_SYMLINK_NOFOLLOW, 0);
}

static int64_t sys_fchown(uint64_t fd, uint64_t uid, uint64_t gid, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct file *f;
    int err = fd_file(fd, &f);
    return err ? err : set_owner(f->vn, uid, gid);
}

/* --- timestamps ----------------------------------------------------------------- */

#define UTIME_NOW  ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)

struct timespec_k {
    int64_t sec, nsec;
};
struct timeval_k {
    int64_t sec, usec;
};
struct utimbuf_k {
    int64_t actime, modtime;
};

static int nsec_ok(int64_t nsec)
{
    return nsec == UTIME_NOW || nsec == UTIME_OMIT || (nsec >= 0 && nsec < (int64_t)NSEC_PER_SEC);
}

/* Linux's vfs_utimes: ts[0] is the access time, ts[1] the modification
 * time; one whose nsec is UTIME_NOW becomes now, UTIME_OMIT stays as it is;
 * no ts sets both to now. ctime becomes now in every case. */
static int set_times(struct vnode *vn, const struct timespec_k *ts)
{
    if (ts && (!nsec_ok(ts[0].nsec) || !nsec_ok(ts[1].nsec)))
        return -EINVAL;
    int err = mnt_may_write(vn);
    if (err)
        return err;
    struct vn_time now = vn_now(), *t[2] = {&vn->atime, &vn->mtime};
    int set = 0;
    for (int i = 0; i < 2; i++) {
        if (!ts || ts[i].nsec == UTIME_NOW)
            *t[i] = now;
        else if (ts[i].nsec != UTIME_OMIT)
            *t[i] = (struct vn_time){ts[i].sec, ts[i].nsec};
        if (!ts || ts[i].nsec != UTIME_OMIT)
            set |= 1 << i;
    }
    vn->ctime = now;
    /* Linux's fsnotify_change: both times, or one of them alone */
    vn_notify(vn, set == 3 ? IN_ATTRIB : set == 1 ? IN_ACCESS : IN_MODIFY);
    return 0;
}

/* Linux's do_utimes: a NULL path with a descriptor (not AT_FDCWD) names
 * that descriptor's file and takes no flags (futimens); otherwise
 * (dirfd, upath) is walked as the flags say. */
static int do_utimes(int64_t dirfd, uint64_t upath, const struct timespec_k *ts, uint64_t flags)
{
    struct vnode *vn;
    struct file *f;
    dirfd = (int32_t)dirfd;
    if (!upath && dirfd != AT_FDCWD) {
        if (flags)
            return -EINVAL;
        int err = fd_file((uint64_t)dirfd, &f);
        return err ? err : set_times(f->vn, ts);
    }
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err =
        at_walk(dirfd, upath, (int)flags, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
    return err ? err : set_times(vn, ts);
}

static int64_t sys_utimensat(uint64_t dirfd, uint64_t upath, uint64_t uts, uint64_t flags,
                             uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct timespec_k ts[2];
    if (uts) {
        if (copy_from_user(ts, (const void *)uts, sizeof(ts)))
            return -EFAULT;
        if (ts[0].nsec == UTIME_OMIT && ts[1].nsec == UTIME_OMIT)
            return 0; /* nothing to do: Linux does not even look at the path */
    }
    return do_utimes((int64_t)dirfd, upath, uts ? ts : 0, flags);
}

/* futimesat and utimes: microseconds, which cannot say UTIME_NOW or
 * UTIME_OMIT (refused with the other values out of range). */
static int64_t sys_futimesat(uint64_t dirfd, uint64_t upath, uint64_t utv, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct timeval_k tv[2];
    struct timespec_k ts[2];
    if (utv) {
        if (copy_from_user(tv, (const void *)utv, sizeof(tv)))
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            if (tv[i].usec < 0 || tv[i].usec >= 1000000)
                return -EINVAL;
            ts[i] = (struct timespec_k){tv[i].sec, tv[i].usec * 1000};
        }
    }
    return do_utimes((int64_t)dirfd, upath, utv ? ts : 0, 0);
}

static int64_t sys_utimes(uint64_t upath, uint64_t utv, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_futimesat((uint64_t)(int64_t)AT_FDCWD, upath, utv, 0, 0, 0);
}

/* utime: whole seconds. */
static int64_t sys_utime(uint64_t upath, uint64_t ubuf, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct utimbuf_k b;
    struct timespec_k ts[2];
    if (ubuf) {
        if (copy_from_user(&b, (const void *)ubuf, sizeof(b)))
            return -EFAULT;
        ts[0] = (struct timespec_k){b.actime, 0};
        ts[1] = (struct timespec_k){b.modtime, 0};
    }
    return do_utimes(AT_FDCWD, upath, ubuf ? ts : 0, 0);
}

/* --- file systems ----------------------------------------------------------------- */

static int put_statfs(const struct vnode *vn, uint64_t ubuf)
{
    struct kstatfs st;
    vfs_statfs(vn, &st);
    return copy_to_user((void *)ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

static int64_t sys_statfs(uint64_t upath, uint64_t ubuf, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vnode *vn;
    int err = at_walk(AT_FDCWD, upath, 0, WALK_FOLLOW, &vn);
    return err ? err : put_statfs(vn, ubuf);
}

/* Any descriptor, O_PATH ones too (Linux's fdget_raw). */
static int64_t sys_fstatfs(uint64_t fd, uint64_t ubuf, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = fd_get(proc_current(), (int)fd);
    return f ? put_statfs(f->vn, ubuf) : -EBADF;
}

/* --- times ---------------------------------------------------------------------- */

struct tms_k {
    int64_t utime, stime, cutime, cstime; /* clock ticks */
};

static int64_t ticks(uint64_t ns)
{
    return (int64_t)(ns / (NSEC_PER_SEC / USER_HZ));
}

/* times(2): CPU time split into user and system time as getrusage
 * reports it (kernel/proc/rusage.c); the children's is that of those waited for. The
 * result is the clock ticks since boot (the man page's "arbitrary point in
 * the past"; Linux's starts (2^32/HZ - 300) seconds before boot to catch
 * wrap-around bugs early). buf may be NULL. */
static int64_t sys_times(uint64_t ubuf, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    uint64_t sys = proc_sys_ns(p), csys = p->child_sys_ns;
    struct tms_k t = {ticks(proc_runtime_ns(p) - sys), ticks(sys), ticks(p->child_ns - csys),
                      ticks(csys)};
    if (ubuf && copy_to_user((void *)ubuf, &t, sizeof(t)))
        return -EFAULT;
    return ticks(clock_ns());
}

void sys_attr_register(void)
{
    syscall_register(SYS_chown, sys_chown);
    syscall_register(SYS_fchown, sys_fchown);
    syscall_register(SYS_lchown, sys_lchown);
    syscall_register(SYS_fchownat, sys_fchownat);
    syscall_register(SYS_utime, sys_utime);
    syscall_register(SYS_utimes, sys_utimes);
    syscall_register(SYS_futimesat, sys_futimesat);
    syscall_register(SYS_utimensat, sys_utimensat);
    syscall_register(SYS_statfs, sys_statfs);
    syscall_register(SYS_fstatfs, sys_fstatfs);
    syscall_register(SYS_times, sys_times);
}
