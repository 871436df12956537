/* The extended-attribute calls: setxattr, lsetxattr, fsetxattr, getxattr,
 * lgetxattr, fgetxattr, listxattr, llistxattr, flistxattr, removexattr,
 * lremovexattr, fremovexattr. No file system here keeps extended
 * attributes, so each answers as Linux does for a file system with no
 * xattr handler at all (procfs is one there): the arguments are checked
 * and the file found as always (-EINVAL, -ERANGE, -E2BIG, -EFAULT, then
 * -ENOENT, -ENOTDIR, -ELOOP, -EBADF, -EROFS), the VFS's namespace rules
 * applied (xattr_permission), and then setting, getting or removing one
 * is -EOPNOTSUPP, while the list of names is empty (0: Linux's
 * vfs_listxattr with neither a listxattr operation nor a security
 * module's names). The checks come in Linux 6.13's order, where the f*
 * calls are the *at ones on an empty path: name and flags first, then the
 * file. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define XATTR_CREATE   1
#define XATTR_REPLACE  2
#define XATTR_NAME_MAX 255   /* bytes of a name, without the NUL */
#define XATTR_SIZE_MAX 65536 /* bytes of a value */
#define S_ISVTX        01000

/* How a call names its file: a path followed or not, or a descriptor. */
enum xa_how { XA_FOLLOW, XA_NOFOLLOW, XA_FD };

/* The attribute name, as Linux's import_xattr_name: 0, -ERANGE (empty or
 * longer than XATTR_NAME_MAX), -EFAULT. */
static int xa_name(uint64_t uname, char buf[XATTR_NAME_MAX + 1])
{
    long len = strncpy_from_user(buf, (const char *)uname, XATTR_NAME_MAX + 1);
    if (len == -ENAMETOOLONG || len == 0)
        return -ERANGE;
    return len < 0 ? (int)len : 0;
}

/* setxattr's value must be readable whole (Linux copies it in before
 * anything else): 0, -E2BIG, -EFAULT. */
static int xa_value(uint64_t uval, uint64_t size)
{
    if (size > XATTR_SIZE_MAX)
        return -E2BIG;
    char chunk[256];
    for (uint64_t at = 0; at < size; at += sizeof(chunk)) {
        uint64_t n = size - at < sizeof(chunk) ? size - at : sizeof(chunk);
        if (copy_from_user(chunk, (const void *)(uval + at), n))
            return -EFAULT;
    }
    return 0;
}

/* The file the call is about: 0 and *out, or -errno from the walk, or
 * -EBADF (an O_PATH descriptor too, as Linux's fdget). */
static int xa_target(uint64_t where, enum xa_how how, struct vnode **out)
{
    if (how != XA_FD)
        return at_walk(AT_FDCWD, where, 0, how == XA_FOLLOW ? WALK_FOLLOW : 0, out);
    struct file *f = fd_get(proc_current(), (int)where);
    if (!f || (f->flags & O_PATH))
        return -EBADF;
    *out = f->vn;
    return 0;
}

static int prefixed(const char *name, const char *prefix)
{
    return strncmp(name, prefix, strlen(prefix)) == 0;
}

/* Linux's xattr_permission and the capability module's setxattr check,
 * without the access-mode test (no permission is refused on mode bits
 * here, see sys_attr.c): trusted.* needs CAP_SYS_ADMIN; user.* is only
 * for regular files and directories, a sticky directory's only for its
 * owner; writing security.* (but security.capability) needs
 * CAP_SYS_ADMIN. A read that may not look finds no attribute (-ENODATA),
 * a write is -EPERM. */
static int xa_permission(const struct vnode *vn, const char *name, int write)
{
    int refused = write ? -EPERM : -ENODATA;
    if (prefixed(name, "trusted."))
        return cred_capable(CAP_SYS_ADMIN) ? 0 : refused;
    if (prefixed(name, "user.")) {
        if (!S_ISREG(vn->mode) && !S_ISDIR(vn->mode))
            return refused;
        uint32_t fsuid, fsgid;
        proc_fsids(&fsuid, &fsgid);
        if (S_ISDIR(vn->mode) && (vn->mode & S_ISVTX) && write && fsuid != vn->uid &&
            !cred_capable(CAP_FOWNER))
            return -EPERM;
    }
    if (write && prefixed(name, "security.") && strcmp(name, "security.capability") != 0 &&
        !cred_capable(CAP_SYS_ADMIN))
        return -EPERM;
    return 0;
}

/* The file, then what Linux asks of it before the file system's handler
 * (which there is none of: -EOPNOTSUPP). */
static int xa_reach(uint64_t where, enum xa_how how, const char *name, int write)
{
    struct vnode *vn;
    int err = xa_target(where, how, &vn);
    if (!err && write)
        err = mnt_may_write(vn);
    if (!err)
        err = xa_permission(vn, name, write);
    return err ? err : -EOPNOTSUPP;
}

static int64_t xa_set(uint64_t where, enum xa_how how, uint64_t uname, uint64_t uval, uint64_t size,
                      uint64_t flags)
{
    char name[XATTR_NAME_MAX + 1];
    if ((uint32_t)flags & ~(uint32_t)(XATTR_CREATE | XATTR_REPLACE))
        return -EINVAL;
    int err = xa_name(uname, name);
    if (!err)
        err = xa_value(uval, size);
    return err ? err : xa_reach(where, how, name, 1);
}

/* The value's buffer is never written: there is no value to copy. */
static int64_t xa_get(uint64_t where, enum xa_how how, uint64_t uname)
{
    char name[XATTR_NAME_MAX + 1];
    int err = xa_name(uname, name);
    return err ? err : xa_reach(where, how, name, 0);
}

static int64_t xa_remove(uint64_t where, enum xa_how how, uint64_t uname)
{
    char name[XATTR_NAME_MAX + 1];
    int err = xa_name(uname, name);
    return err ? err : xa_reach(where, how, name, 1);
}

/* No names: an empty list (0), the buffer untouched. */
static int64_t xa_list(uint64_t where, enum xa_how how)
{
    struct vnode *vn;
    int err = xa_target(where, how, &vn);
    return err ? err : 0;
}

static int64_t sys_setxattr(uint64_t path, uint64_t name, uint64_t val, uint64_t size,
                            uint64_t flags, uint64_t a5)
{
    ARG(a5);
    return xa_set(path, XA_FOLLOW, name, val, size, flags);
}

static int64_t sys_lsetxattr(uint64_t path, uint64_t name, uint64_t val, uint64_t size,
                             uint64_t flags, uint64_t a5)
{
    ARG(a5);
    return xa_set(path, XA_NOFOLLOW, name, val, size, flags);
}

static int64_t sys_fsetxattr(uint64_t fd, uint64_t name, uint64_t val, uint64_t size,
                             uint64_t flags, uint64_t a5)
{
    ARG(a5);
    return xa_set(fd, XA_FD, name, val, size, flags);
}

static int64_t sys_getxattr(uint64_t path, uint64_t name, uint64_t val, uint64_t size, uint64_t a4,
                            uint64_t a5)
{
    ARG(val), ARG(size), ARG(a4), ARG(a5);
    return xa_get(path, XA_FOLLOW, name);
}

static int64_t sys_lgetxattr(uint64_t path, uint64_t name, uint64_t val, uint64_t size, uint64_t a4,
                             uint64_t a5)
{
    ARG(val), ARG(size), ARG(a4), ARG(a5);
    return xa_get(path, XA_NOFOLLOW, name);
}

static int64_t sys_fgetxattr(uint64_t fd, uint64_t name, uint64_t val, uint64_t size, uint64_t a4,
                             uint64_t a5)
{
    ARG(val), ARG(size), ARG(a4), ARG(a5);
    return xa_get(fd, XA_FD, name);
}

static int64_t sys_listxattr(uint64_t path, uint64_t list, uint64_t size, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(list), ARG(size), ARG(a3), ARG(a4), ARG(a5);
    return xa_list(path, XA_FOLLOW);
}

static int64_t sys_llistxattr(uint64_t path, uint64_t list, uint64_t size, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(list), ARG(size), ARG(a3), ARG(a4), ARG(a5);
    return xa_list(path, XA_NOFOLLOW);
}

static int64_t sys_flistxattr(uint64_t fd, uint64_t list, uint64_t size, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(list), ARG(size), ARG(a3), ARG(a4), ARG(a5);
    return xa_list(fd, XA_FD);
}

static int64_t sys_removexattr(uint64_t path, uint64_t name, uint64_t a2, uint64_t a3, uint64_t a4,
                               uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return xa_remove(path, XA_FOLLOW, name);
}

static int64_t sys_lremovexattr(uint64_t path, uint64_t name, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return xa_remove(path, XA_NOFOLLOW, name);
}

static int64_t sys_fremovexattr(uint64_t fd, uint64_t name, uint64_t a2, uint64_t a3, uint64_t a4,
                                uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return xa_remove(fd, XA_FD, name);
}

void sys_xattr_register(void)
{
    syscall_register(SYS_setxattr, sys_setxattr);
    syscall_register(SYS_lsetxattr, sys_lsetxattr);
    syscall_register(SYS_fsetxattr, sys_fsetxattr);
    syscall_register(SYS_getxattr, sys_getxattr);
    syscall_register(SYS_lgetxattr, sys_lgetxattr);
    syscall_register(SYS_fgetxattr, sys_fgetxattr);
    syscall_register(SYS_listxattr, sys_listxattr);
    syscall_register(SYS_llistxattr, sys_llistxattr);
    syscall_register(SYS_flistxattr, sys_flistxattr);
    syscall_register(SYS_removexattr, sys_removexattr);
    syscall_register(SYS_lremovexattr, sys_lremovexattr);
    syscall_register(SYS_fremovexattr, sys_fremovexattr);
}
