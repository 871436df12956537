/* mount(2) and umount2(2): new instances of tmpfs, devtmpfs, proc and
 * devpts (one at a time) on a directory, and their removal. Every mount
 * is private (there are no mount namespaces to propagate to); flags the
 * kernel does not honour are -EINVAL, logged once each. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define MS_SILENT  32768
#define MS_PRIVATE (1 << 18)
#define MS_REC     16384
#define MS_MGC_MSK 0xffff0000u
#define MS_MGC_VAL 0xc0ed0000u /* the old magic in the upper half: ignored, as Linux */
#define MS_REMOUNT 32
#define MS_TAKEN                                                                                   \
    (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_SILENT)
#define MNT_FORCE       1
#define UMOUNT_NOFOLLOW 8

/* A flag word not taken: -EINVAL, logged once per word (a few). */
static int refuse(const char *call, uint64_t flags)
{
    static uint64_t seen[PROC_REFUSED_SEEN];
    return proc_refuse_flags(seen, call, flags);
}

/* mount(2)'s strings: user_string, with too long as mount(2) says it
 * for each (a type: -ENODEV; options: -EINVAL). */
static int mount_string(uint64_t u, size_t n, int toolong, char **out)
{
    int err = user_string(u, n, out);
    return err == -ENAMETOOLONG ? toolong : err;
}

/* Propagation changes (mount --make-private): every mount is private
 * already, so that one is done; shared and slave mounts do not exist. */
static int64_t mount_propagation(uint64_t flags)
{
    if ((flags & ~(uint64_t)(MS_PRIVATE | MS_REC | MS_SILENT)) != 0)
        return refuse("mount", flags);
    return 0;
}

/* MS_REMOUNT: m's flags become the new ones; data, if any, has the
 * options its type takes again. */
static int64_t remount(struct mount *m, uint64_t flags, uint64_t udata)
{
    char *data = 0;
    int err = udata ? mount_string(udata, PAGE_SIZE, -EINVAL, &data) : 0;
    if (!err)
        err = vfs_remount(m, (uint32_t)(flags & MS_TAKEN & ~(uint64_t)MS_SILENT), data);
    kfree(data);
    return err;
}

static int64_t sys_mount(uint64_t usrc, uint64_t utarget, uint64_t utype, uint64_t flags,
                         uint64_t udata, uint64_t a5)
{
    ARG(a5);
    char *src = 0, *type = 0, *data = 0;
    struct vnode *dir;
    if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
        flags &= ~(uint64_t)MS_MGC_MSK;
    if (!cred_capable(CAP_SYS_ADMIN))
        return -EPERM;
    int err = at_walk(AT_FDCWD, utarget, 0, WALK_FOLLOW, &dir);
    if (!err && (flags & MS_PRIVATE))
        return mount_propagation(flags);
    if (!err && (flags & ~(uint64_t)(MS_TAKEN | MS_REMOUNT)))
        return refuse("mount", flags);
    if (!err && (flags & MS_REMOUNT) && (dir == vfs_root() || vn_is_mount_root(dir)))
        return remount(dir->mnt, flags, udata);
    if (!err && (flags & MS_REMOUNT))
        return -EINVAL; /* not a mount's root */
    if (!err)
        err = mount_string(utype, 64, -ENODEV, &type);
    if (!err && usrc)
        err = user_string(usrc, PATH_MAX, &src);
    if (!err && udata)
        err = mount_string(udata, PAGE_SIZE, -EINVAL, &data);
    if (!err)
        err = vfs_mount(type, src ? src : "none", dir, (uint32_t)(flags & ~(uint64_t)MS_SILENT),
                        data);
    kfree(src);
    kfree(type);
    kfree(data);
    return err;
}

static int64_t sys_umount2(uint64_t utarget, uint64_t flags, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vnode *vn;
    if (flags & ~(uint64_t)(MNT_FORCE | UMOUNT_NOFOLLOW))
        return refuse("umount2", flags);
    if (!cred_capable(CAP_SYS_ADMIN))
        return -EPERM;
    int err = at_walk(AT_FDCWD, utarget, 0, (flags & UMOUNT_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
    if (err)
        return err;
    if (vn == vfs_root())
        return -EBUSY; /* the root is always in use */
    /* MNT_FORCE asks a network file system to give up waiting; nothing
     * here waits, so it unmounts as without it. */
    return vfs_umount(vn);
}

void sys_mount_register(void)
{
    syscall_register(SYS_mount, sys_mount);
    syscall_register(SYS_umount2, sys_umount2);
}
