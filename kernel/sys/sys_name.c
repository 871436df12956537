/* System calls that make, remove and rename names: mkdir, symlink, mknod,
 * link, * unlink, rmdir, rename (and their *at forms). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define RENAME_NOREPLACE 1

/* A new node of mode in dir (vn_alloc_in: its file system and owner):
 * a symlink to target, a FIFO, a device node of number dev (or a socket's
 * name), a directory or a regular file. 0 and *out, or -ENOMEM. */
static int node_alloc(struct vnode *dir, uint32_t mode, const char *target, uint32_t dev,
                      struct vnode **out)
{
    uint32_t type = mode & S_IFMT;
    struct vnode *vn = vn_alloc_in(dir, mode);
    int err = vn ? 0 : -ENOMEM;
    if (!err && type == S_IFLNK)
        err = vn_setlink(vn, target);
    else if (!err && type == S_IFIFO)
        err = fifo_init(vn);
    if (!err && (type == S_IFCHR || type == S_IFBLK || type == S_IFSOCK)) {
        vn->rdev = type == S_IFSOCK ? 0 : dev;
        vn->fops = devfs_ops(type, vn->rdev);
    }
    if (err && vn)
        vn_unref(vn);
    *out = err ? 0 : vn;
    return err;
}

/* Make the node (dirfd, upath): 0 or -errno. */
static int make_node(int64_t dirfd, uint64_t upath, uint32_t mode, const char *target, uint32_t dev)
{
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    size_t len;
    int err = at_create(dirfd, upath, S_ISDIR(mode), &dir, name, &len);
    if (!err)
        err = node_alloc(dir, mode, target, dev, &vn);
    if (err)
        return err;
    err = dir_link(dir, name, len, vn);
    vn_unref(vn); /* the name keeps it, if it got one */
    return err;
}

static int64_t sys_mkdirat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    uint32_t perm = (uint32_t)mode & ~proc_current()->umask & 01777;
    return make_node((int64_t)dirfd, upath, S_IFDIR | perm, 0, 0);
}

static int64_t sys_mkdir(uint64_t upath, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_mkdirat((uint64_t)(int64_t)AT_FDCWD, upath, mode, 0, 0, 0);
}

/* mknod(2): a regular file (type 0 too), a FIFO, a socket's name, or a
 * device node (its number in Linux's encoding; one this kernel lacks opens
 * as -ENXIO). A directory is -EPERM, any other type -EINVAL, both before
 * the name is looked at, as Linux checks. */
static int64_t sys_mknodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t dev, uint64_t a4,
                           uint64_t a5)
{
    ARG(a4), ARG(a5);
    uint32_t type = (uint32_t)mode & S_IFMT, perm = (uint32_t)mode & ~proc_current()->umask & 07777;
    if (type == S_IFDIR)
        return -EPERM;
    if (type == 0)
        type = S_IFREG;
    if (type != S_IFREG && type != S_IFIFO && type != S_IFCHR && type != S_IFBLK &&
        type != S_IFSOCK)
        return -EINVAL;
    return make_node((int64_t)dirfd, upath, type | perm, 0, (uint32_t)dev);
}

static int64_t sys_mknod(uint64_t upath, uint64_t mode, uint64_t dev, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_mknodat((uint64_t)(int64_t)AT_FDCWD, upath, mode, dev, 0, 0);
}

static int64_t sys_symlinkat(uint64_t utarget, uint64_t dirfd, uint64_t upath, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    char *target;
    int err = user_path(utarget, 0, &target);
    if (err)
        return err;
    err = make_node((int64_t)dirfd, upath, S_IFLNK | 0777, target, 0);
    kfree(target);
    return err;
}

static int64_t sys_symlink(uint64_t utarget, uint64_t upath, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_symlinkat(utarget, (uint64_t)(int64_t)AT_FDCWD, upath, 0, 0, 0);
}

static int64_t sys_unlinkat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t a3,
                            uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    size_t len;
    int rmdir = (flags & AT_REMOVEDIR) != 0;
    if (flags & ~(uint64_t)AT_REMOVEDIR)
        return -EINVAL;
    int err = at_parent((int64_t)dirfd, upath, &dir, name, &len);
    if (err)
        return err;
    if (len == 0)
        return rmdir ? -EBUSY : -EISDIR;
    if (is_dot(name, len))
        return !rmdir ? -EISDIR : len == 1 ? -EINVAL : -ENOTEMPTY;
    if (!(vn = dir_lookup(dir, name, len)))
        return -ENOENT;
    if (!dir_can_name(dir))
        return -EPERM; /* Linux: the directory has no unlink/rmdir */
    if ((err = mnt_may_write(dir)))
        return err;
    if (rmdir && !S_ISDIR(vn->mode))
        return -ENOTDIR;
    if (!rmdir && S_ISDIR(vn->mode))
        return -EISDIR;
    if (rmdir && !dir_empty(vn))
        return -ENOTEMPTY;
    if (vn->mounted)
        return -EBUSY; /* a mount point */
    return dir_unlink(dir, name, len);
}

static int64_t sys_unlink(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_unlinkat((uint64_t)(int64_t)AT_FDCWD, upath, 0, 0, 0, 0);
}

static int64_t sys_rmdir(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_unlinkat((uint64_t)(int64_t)AT_FDCWD, upath, AT_REMOVEDIR, 0, 0, 0);
}

/* 1 when dir is vn or lies below it. */
static int is_under(struct vnode *dir, struct vnode *vn)
{
    for (struct vnode *d = dir;; d = d->parent) {
        if (d == vn)
            return 1;
        if (d == d->parent)
            return 0;
    }
}

static int rename_check(struct vnode *src, struct vnode *dst, struct vnode *newdir, uint64_t flags)
{
    if (S_ISDIR(src->mode) && is_under(newdir, src))
        return -EINVAL;
    if (!dst)
        return 0;
    if (flags & RENAME_NOREPLACE)
        return -EEXIST;
    if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
        return -ENOTDIR;
    if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
        return -EISDIR;
    if (S_ISDIR(dst->mode) && !dir_empty(dst))
        return -ENOTEMPTY;
    if (dst->mounted)
        return -EBUSY;
    return 0;
}

static int64_t sys_renameat2(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
                             uint64_t flags, uint64_t a5)
{
    ARG(a5);
    struct vnode *odir, *ndir;
    char oname[NAME_MAX + 1], nname[NAME_MAX + 1];
    size_t olen, nlen;
    if (flags & ~(uint64_t)RENAME_NOREPLACE)
        return -EINVAL;
    int err = at_parent((int64_t)olddirfd, uold, &odir, oname, &olen);
    if (!err)
        err = at_parent((int64_t)newdirfd, unew, &ndir, nname, &nlen);
    if (err)
        return err;
    if (odir->mnt != ndir->mnt)
        return -EXDEV; /* each mount is a file system of its own */
    if (olen == 0 || nlen == 0 || is_dot(oname, olen) || is_dot(nname, nlen))
        return -EBUSY;
    struct vnode *src = dir_lookup(odir, oname, olen), *dst = dir_lookup(ndir, nname, nlen);
    if (!src)
        return -ENOENT;
    if (src == dst)
        return 0;
    if (!dir_can_name(odir) || !dir_can_name(ndir))
        return -EPERM; /* Linux: the directory has no rename */
    if ((err = mnt_may_write(odir)))
        return err;
    if (src->mounted)
        return -EBUSY;
    if ((err = rename_check(src, dst, ndir, flags)))
        return err;
    return dir_move(odir, oname, olen, ndir, nname, nlen);
}

static int64_t sys_renameat(uint64_t od, uint64_t uold, uint64_t nd, uint64_t unew, uint64_t a4,
                            uint64_t a5)
{
    ARG(a4), ARG(a5);
    return sys_renameat2(od, uold, nd, unew, 0, 0);
}

static int64_t sys_rename(uint64_t uold, uint64_t unew, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t cwd = (uint64_t)(int64_t)AT_FDCWD;
    return sys_renameat2(cwd, uold, cwd, unew, 0, 0);
}

/* --- link, linkat ------------------------------------------------------------ */

/* Linux's vfs_link checks once the new name is free: a name for vn in dir. */
static int link_check(struct vnode *vn, struct vnode *dir)
{
    if (vn->mnt != dir->mnt)
        return -EXDEV; /* each mount is a file system of its own */
    if (S_ISDIR(vn->mode))
        return -EPERM;
    if (vn->nlink == 0 && !vn->linkable)
        return -ENOENT; /* unlinked; an O_TMPFILE file only without O_EXCL */
    return 0;
}

/* A second name for a file: no limit on links (tmpfs has none); the
 * first name of an O_TMPFILE file ends its linkability, as on Linux. */
static int64_t sys_linkat(uint64_t olddirfd, uint64_t uold, uint64_t newdirfd, uint64_t unew,
                          uint64_t flags, uint64_t a5)
{
    ARG(a5);
    struct vnode *vn, *dir;
    char name[NAME_MAX + 1];
    size_t len;
    if (flags & ~(uint64_t)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = at_walk((int64_t)olddirfd, uold, (int)flags,
                      (flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0, &vn);
    if (!err)
        err = at_create((int64_t)newdirfd, unew, 0, &dir, name, &len);
    if (!err)
        err = link_check(vn, dir);
    if (!err)
        err = dir_link(dir, name, len, vn);
    if (!err)
        vn->linkable = 0;
    return err;
}

/* link(2) never follows a symlink (Linux since 2.0). */
static int64_t sys_link(uint64_t uold, uint64_t unew, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t cwd = (uint64_t)(int64_t)AT_FDCWD;
    return sys_linkat(cwd, uold, cwd, unew, 0, 0);
}

void sys_name_register(void)
{
    syscall_register(SYS_rename, sys_rename);
    syscall_register(SYS_mkdir, sys_mkdir);
    syscall_register(SYS_rmdir, sys_rmdir);
    syscall_register(SYS_unlink, sys_unlink);
    syscall_register(SYS_symlink, sys_symlink);
    syscall_register(SYS_mkdirat, sys_mkdirat);
    syscall_register(SYS_unlinkat, sys_unlinkat);
    syscall_register(SYS_renameat, sys_renameat);
    syscall_register(SYS_symlinkat, sys_symlinkat);
    syscall_register(SYS_mknodat, sys_mknodat);
    syscall_register(SYS_mknod, sys_mknod);
    syscall_register(SYS_renameat2, sys_renameat2);
    syscall_register(SYS_link, sys_link);
    syscall_register(SYS_linkat, sys_linkat);
}
