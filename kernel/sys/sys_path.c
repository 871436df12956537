/* System calls that take path names: open, openat2, creat, stat, access, readlink,
 * getcwd, chdir, chroot, chmod (and their *at forms). Those that make,
 * remove or rename names are in sys_name.c. */
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

int user_string(uint64_t ustr, size_t n, char **out)
{
    char *k = kmalloc(n);
    if (!k)
        return -ENOMEM;
    long len = strncpy_from_user(k, (const char *)ustr, n);
    if (len < 0) {
        kfree(k);
        return (int)len;
    }
    *out = k;
    return 0;
}

int user_path(uint64_t upath, int allow_empty, char **out)
{
    int err = user_string(upath, PATH_MAX, out);
    if (!err && !**out && !allow_empty) {
        kfree(*out);
        *out = 0; /* as after any failure: *out holds nothing to free */
        err = -ENOENT;
    }
    return err;
}

int at_dir(struct proc *p, int64_t dirfd, struct vnode **out)
{
    dirfd = (int32_t)dirfd; /* an int argument: the upper half is not defined */
    if (dirfd == AT_FDCWD) {
        *out = p->cwd;
        return 0;
    }
    struct file *f = fd_get(p, (int)dirfd);
    if (!f)
        return -EBADF;
    if (!S_ISDIR(f->vn->mode))
        return -ENOTDIR;
    *out = f->vn;
    return 0;
}

int at_walk(int64_t dirfd, uint64_t upath, int flags, int walk_flags, struct vnode **out)
{
    struct proc *p = proc_current();
    char *path;
    dirfd = (int32_t)dirfd;
    int err = user_path(upath, flags & AT_EMPTY_PATH, &path);
    if (err)
        return err;
    if (!path[0]) {
        struct file *f = dirfd == AT_FDCWD ? 0 : fd_get(p, (int)dirfd);
        err = dirfd == AT_FDCWD ? 0 : f ? 0 : -EBADF;
        *out = f ? f->vn : p->cwd;
    } else {
        struct vnode *dir = vfs_root();
        int scoped = walk_flags & (WALK_BENEATH | WALK_IN_ROOT);      /* dirfd always counts */
        err = path[0] == '/' && !scoped ? 0 : at_dir(p, dirfd, &dir); /* absolute: dirfd ignored */
        if (!err)
            err = vfs_walk(dir, path, walk_flags, out);
    }
    kfree(path);
    return err;
}

/* at_parent under the WALK_* restrictions in walk_flags, with *slash 1
 * when the path ends in a slash. */
static int parent_of(int64_t dirfd, uint64_t upath, int walk_flags, struct vnode **dir, char *name,
                     size_t *len, int *slash)
{
    struct proc *p = proc_current();
    char *path;
    int err = user_path(upath, 0, &path);
    if (err)
        return err;
    struct vnode *base = vfs_root();
    int scoped = walk_flags & (WALK_BENEATH | WALK_IN_ROOT);
    err = path[0] == '/' && !scoped ? 0 : at_dir(p, dirfd, &base); /* absolute: dirfd ignored */
    if (!err)
        err = vfs_walk_parent_in(base, path, walk_flags, dir, name, len);
    *slash = path[strlen(path) - 1] == '/';
    kfree(path);
    return err;
}

int at_parent(int64_t dirfd, uint64_t upath, struct vnode **dir, char *name, size_t *len)
{
    int slash;
    return parent_of(dirfd, upath, 0, dir, name, len, &slash);
}

int is_dot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

int at_create(int64_t dirfd, uint64_t upath, int is_dir, struct vnode **dir, char *name,
              size_t *len)
{
    int slash, err = parent_of(dirfd, upath, 0, dir, name, len, &slash);
    if (err)
        return err;
    if (*len == 0 || is_dot(name, *len))
        return -EEXIST;
    if ((*dir)->nlink == 0)
        return -ENOENT; /* removed (IS_DEADDIR) */
    if (dir_lookup(*dir, name, *len))
        return -EEXIST;
    if (!dir_can_name(*dir) || (slash && !is_dir))
        return -ENOENT; /* procfs's lookup knows no other name; "name/" asks for a directory */
    return mnt_may_write(*dir);
}

static int create_file(int64_t dirfd, uint64_t upath, uint32_t mode, int resolve,
                       struct vnode **out)
{
    struct vnode *dir;
    char name[NAME_MAX + 1];
    size_t len;
    int slash, err = parent_of(dirfd, upath, resolve, &dir, name, &len, &slash);
    if (err)
        return err;
    if (len == 0 || is_dot(name, len))
        return -EISDIR;
    if (!dir_can_name(dir))
        return -ENOENT; /* Linux: procfs's lookup knows no other name */
    if ((err = mnt_may_write(dir)))
        return err;
    struct vnode *vn = vn_alloc_in(dir, S_IFREG | (mode & ~proc_current()->umask & 07777));
    if (!vn)
        return -ENOMEM;
    err = dir_link(dir, name, len, vn);
    vn_unref(vn); /* the name keeps it */
    *out = vn;
    return err;
}

/* The open(2) flags Linux knows (VALID_OPEN_FLAGS). Besides those the
 * code below acts on, each is honoured as it stands: O_NOCTTY (the
 * device's open sees it: a pty's slave does not become the controlling
 * terminal), O_LARGEFILE (offsets are 64-bit),
 * O_SYNC and O_DSYNC (a tmpfs write is complete when write returns),
 * O_NOATIME (no read changes an access time: every mount is noatime);
 * O_ASYNC is ignored by Linux's open too (signal-driven I/O is asked for
 * with fcntl). Any other bit is -EINVAL, as openat2 has it (open itself
 * ignores them on Linux). */
#define OPEN_KNOWN                                                                                 \
    (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_SYNC |          \
     O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |         \
     O_PATH | O_TMPFILE)
#define TMPFILE_BIT  (O_TMPFILE & ~O_DIRECTORY)
#define O_PATH_FLAGS (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define OPEN_KEEP    (O_ACCMODE | O_APPEND | O_NONBLOCK | O_PATH | O_DIRECTORY | O_NOCTTY)

/* Linux's build_open_how and build_open_flags: 0 and *flags as they
 * apply (O_PATH drops every flag but O_PATH_FLAGS), or -EINVAL. */
static int open_flags(uint64_t *flags)
{
    uint64_t f = *flags;
    if (f & ~(uint64_t)OPEN_KNOWN)
        return -EINVAL;
    if (f & O_PATH)
        f &= O_PATH_FLAGS;
    if (f & O_DIRECT)
        return -EINVAL; /* no file here does direct I/O: Linux 6.1's tmpfs and devices */
    if ((f & (O_CREAT | O_DIRECTORY)) == (O_CREAT | O_DIRECTORY))
        return -EINVAL; /* Linux 6.4 on (it used to create a regular file) */
    if ((f & TMPFILE_BIT) && (!(f & O_DIRECTORY) || (f & O_ACCMODE) == O_RDONLY))
        return -EINVAL; /* O_TMPFILE wants O_DIRECTORY's bit and write access */
    *flags = f;
    return 0;
}

/* Check the open flags against what vn is (the caller truncates). */
static int open_check(struct vnode *vn, uint64_t flags)
{
    uint32_t acc = flags & O_ACCMODE;
    if ((flags & O_DIRECTORY) && !S_ISDIR(vn->mode))
        return -ENOTDIR;
    if (flags & O_PATH)
        return 0;
    if (S_ISLNK(vn->mode))
        return -ELOOP; /* O_NOFOLLOW on a symlink */
    if (S_ISDIR(vn->mode) && (acc != O_RDONLY || (flags & O_TRUNC) || (flags & O_CREAT)))
        return -EISDIR;
    if (acc == O_ACCMODE)
        return -EINVAL;
    int err = mnt_may_open_dev(vn);
    if (!err && (S_ISREG(vn->mode) || S_ISDIR(vn->mode)) && (acc != O_RDONLY || (flags & O_TRUNC)))
        err = mnt_may_write(vn); /* devices and FIFOs are written on a read-only mount too */
    return err;
}

/* 1 when opening vn with flags truncates it: after the open, as Linux's
 * do_open (watches hear IN_OPEN, then IN_MODIFY), and never a file the
 * open made (open_lookup takes O_TRUNC off then). */
static int open_truncates(const struct vnode *vn, uint64_t flags)
{
    return (flags & O_TRUNC) && !(flags & O_PATH) && S_ISREG(vn->mode) &&
           (flags & O_ACCMODE) != O_RDONLY;
}

/* The file open names (made if O_CREAT says so, and then *flags loses
 * O_TRUNC), checked against *flags; resolve: openat2's WALK_* restrictions. */
static int open_lookup(int64_t dirfd, uint64_t upath, uint64_t *flags, uint32_t mode, int resolve,
                       struct vnode **out)
{
    uint64_t fl = *flags;
    int excl = (fl & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
    int err =
        at_walk(dirfd, upath, 0, resolve | ((fl & O_NOFOLLOW) || excl ? 0 : WALK_FOLLOW), out);
    if (err == -ENOENT && (fl & O_CREAT)) {
        err = create_file(dirfd, upath, mode, resolve, out);
        *flags &= ~(uint64_t)O_TRUNC;
    } else if (!err && excl)
        err = -EEXIST;
    return err ? err : open_check(*out, fl);
}

/* O_TMPFILE: a new regular file with no name, for the directory at
 * (dirfd, upath); the caller's reference is its only one until opened.
 * Without O_EXCL, linkat may give it a name (Linux's I_LINKABLE). */
static int open_tmpfile(int64_t dirfd, uint64_t upath, uint64_t flags, uint32_t mode, int resolve,
                        struct vnode **out)
{
    struct vnode *dir;
    int err = at_walk(dirfd, upath, 0, resolve | WALK_FOLLOW, &dir);
    if (err)
        return err;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (!dir_can_name(dir))
        return -EOPNOTSUPP; /* procfs has no tmpfile operation */
    if ((err = mnt_may_write(dir)))
        return err;
    *out = vn_alloc_in(dir, S_IFREG | (mode & ~proc_current()->umask & 07777));
    if (!*out)
        return -ENOMEM;
    (*out)->linkable = !(flags & O_EXCL);
    return 0;
}

/* Open vn (found, checked) with flags as open_flags made them: the new
 * descriptor or -errno. tmp: an O_TMPFILE file, whose reference the open
 * file takes over. */
static int open_install(struct vnode *vn, uint64_t flags, int tmp)
{
    struct file *f;
    int err = file_open_vnode(vn, (uint32_t)flags & OPEN_KEEP, &f);
    if (tmp)
        vn_unref(vn); /* the open file holds it alone (or it goes now) */
    if (err)
        return err;
    if (!tmp && open_truncates(vn, flags) && (err = reg_truncate(vn, 0))) {
        file_unref(f);
        return err;
    }
    int fd = fd_install(proc_current(), f, 0, flags & O_CLOEXEC);
    if (fd < 0)
        file_unref(f);
    return fd;
}

/* openat with flags as open_flags made them, under the WALK_* restrictions
 * in resolve (openat2's; 0 for openat). */
static int open_at(int64_t dirfd, uint64_t upath, uint64_t flags, uint32_t mode, int resolve)
{
    struct vnode *vn;
    int err, tmp = (flags & O_TMPFILE) == O_TMPFILE;
    err = tmp ? open_tmpfile(dirfd, upath, flags, mode, resolve, &vn)
              : open_lookup(dirfd, upath, &flags, mode, resolve, &vn);
    return err ? err : open_install(vn, flags, tmp);
}

static int64_t sys_openat(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mode,
                          uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    int err = open_flags(&flags);
    return err ? err : open_at((int64_t)dirfd, upath, flags, (uint32_t)mode, 0);
}

/* openat2(2)'s struct open_how (include/uapi/linux/openat2.h). */
struct open_how {
    uint64_t flags, mode, resolve;
};
_Static_assert(sizeof(struct open_how) == 24, "OPEN_HOW_SIZE_VER0");
#define RESOLVE_NO_XDEV       0x01
#define RESOLVE_NO_MAGICLINKS 0x02
#define RESOLVE_NO_SYMLINKS   0x04
#define RESOLVE_BENEATH       0x08
#define RESOLVE_IN_ROOT       0x10
#define RESOLVE_CACHED        0x20
#define RESOLVE_KNOWN         0x3f

/* Linux's copy_struct_from_user for open_how: 0, -EINVAL (older than
 * version 0), -E2BIG (over a page, or a newer struct's fields set), or
 * -EFAULT. */
static int open_how_in(uint64_t uhow, uint64_t size, struct open_how *how)
{
    if (size < sizeof(*how))
        return -EINVAL;
    if (size > PAGE_SIZE)
        return -E2BIG;
    for (uint64_t at = sizeof(*how); at < size;) {
        uint8_t tail[64];
        size_t n = size - at < sizeof(tail) ? (size_t)(size - at) : sizeof(tail);
        if (copy_from_user(tail, (const void *)(uhow + at), n))
            return -EFAULT;
        for (size_t i = 0; i < n; i++)
            if (tail[i])
                return -E2BIG;
        at += n;
    }
    return copy_from_user(how, (const void *)uhow, sizeof(*how)) ? -EFAULT : 0;
}

/* build_open_flags's checks that openat2 adds to openat's: every flag,
 * mode and resolve bit known, a mode only for a file the open may make;
 * RESOLVE_CACHED (every lookup here is in memory) refuses an open that
 * would write. 0 with *walk_flags, or -EINVAL / -EAGAIN. */
static int open_how_check(const struct open_how *how, uint64_t *flags, int *walk_flags)
{
    uint64_t f = how->flags, r = how->resolve;
    int creates = (f & (O_CREAT | TMPFILE_BIT)) != 0;
    if ((r & ~(uint64_t)RESOLVE_KNOWN) || ((r & RESOLVE_BENEATH) && (r & RESOLVE_IN_ROOT)))
        return -EINVAL;
    if (creates ? how->mode & ~(uint64_t)07777 : how->mode != 0)
        return -EINVAL;
    int err = open_flags(&f);
    if (err)
        return err;
    if ((r & RESOLVE_CACHED) && (f & (O_TRUNC | O_CREAT | TMPFILE_BIT)))
        return -EAGAIN;
    *flags = f;
    *walk_flags = (r & RESOLVE_NO_XDEV ? WALK_NO_XDEV : 0) |
                  (r & RESOLVE_NO_MAGICLINKS ? WALK_NO_MAGICLINKS : 0) |
                  (r & RESOLVE_NO_SYMLINKS ? WALK_NO_SYMLINKS : 0) |
                  (r & RESOLVE_BENEATH ? WALK_BENEATH : 0) |
                  (r & RESOLVE_IN_ROOT ? WALK_IN_ROOT : 0);
    return 0;
}

static int64_t sys_openat2(uint64_t dirfd, uint64_t upath, uint64_t uhow, uint64_t size,
                           uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct open_how how;
    uint64_t flags;
    int walk_flags, err = open_how_in(uhow, size, &how);
    if (!err)
        err = open_how_check(&how, &flags, &walk_flags);
    return err ? err : open_at((int64_t)dirfd, upath, flags, (uint32_t)how.mode, walk_flags);
}

int open_vnode(struct vnode *vn, uint64_t flags)
{
    int err = open_flags(&flags);
    if (!err && (flags & O_TMPFILE) == O_TMPFILE)
        err = -EINVAL; /* a handle names a file, not a directory to make one in */
    if (!err && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        err = -EEXIST;
    if (!err)
        err = open_check(vn, flags);
    return err ? err : open_install(vn, flags, 0);
}

static int64_t sys_open(uint64_t upath, uint64_t flags, uint64_t mode, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_openat((uint64_t)(int64_t)AT_FDCWD, upath, flags, mode, 0, 0);
}

/* creat(2): open with O_CREAT | O_WRONLY | O_TRUNC. */
static int64_t sys_creat(uint64_t upath, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_open(upath, O_CREAT | O_WRONLY | O_TRUNC, mode, 0, 0, 0);
}

int at_walk_stat(int64_t dirfd, uint64_t upath, uint64_t flags, struct vnode **out)
{
    return at_walk(dirfd, upath, (int)flags, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, out);
}

static int64_t sys_newfstatat(uint64_t dirfd, uint64_t upath, uint64_t ust, uint64_t flags,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    if (flags & ~(uint64_t)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
        return -EINVAL;
    struct vnode *vn;
    int err = at_walk_stat((int64_t)dirfd, upath, flags, &vn);
    if (err)
        return err;
    struct kstat st;
    vn_stat(vn, &st);
    return copy_to_user((void *)ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static int64_t sys_stat(uint64_t upath, uint64_t ust, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_newfstatat((uint64_t)(int64_t)AT_FDCWD, upath, ust, 0, 0, 0);
}

static int64_t sys_lstat(uint64_t upath, uint64_t ust, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_newfstatat((uint64_t)(int64_t)AT_FDCWD, upath, ust, AT_SYMLINK_NOFOLLOW, 0, 0);
}

/* Permissions are not checked against the caller's ids yet (cred.c):
 * only X_OK can be refused (no execute bit), as for root. */
static int64_t sys_faccessat2(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t flags,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    /* AT_EACCESS holds: the real and effective ids are one (root). */
    if ((mode & ~7ull) || (flags & ~(uint64_t)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)))
        return -EINVAL;
    struct vnode *vn;
    int err = at_walk((int64_t)dirfd, upath, (int)flags,
                      (flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, &vn);
    if (err)
        return err;
    if ((mode & 1) && !S_ISDIR(vn->mode) && !(vn->mode & 0111))
        return -EACCES;
    return 0;
}

static int64_t sys_faccessat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_faccessat2(dirfd, upath, mode, 0, 0, 0);
}

static int64_t sys_access(uint64_t upath, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_faccessat2((uint64_t)(int64_t)AT_FDCWD, upath, mode, 0, 0, 0);
}

static int64_t sys_readlinkat(uint64_t dirfd, uint64_t upath, uint64_t ubuf, uint64_t size,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    if ((int64_t)size <= 0)
        return -EINVAL;
    struct vnode *vn;
    int err = at_walk((int64_t)dirfd, upath, AT_EMPTY_PATH, 0, &vn);
    if (err)
        return err;
    if (!S_ISLNK(vn->mode))
        return -EINVAL;
    char tbuf[256];
    const char *target = vn_link_target(vn, tbuf, sizeof(tbuf));
    uint64_t len = strlen(target), n = len < size ? len : size;
    return copy_to_user((void *)ubuf, target, n) ? -EFAULT : (int64_t)n;
}

static int64_t sys_readlink(uint64_t upath, uint64_t ubuf, uint64_t size, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_readlinkat((uint64_t)(int64_t)AT_FDCWD, upath, ubuf, size, 0, 0);
}

static int64_t sys_getcwd(uint64_t ubuf, uint64_t size, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    char *k = kmalloc(PATH_MAX);
    if (!k)
        return -ENOMEM;
    long len = vfs_path_of(proc_current()->cwd, k, PATH_MAX);
    if (len >= 0 && (uint64_t)len + 1 > size)
        len = -ERANGE;
    if (len >= 0 && copy_to_user((void *)ubuf, k, (size_t)len + 1))
        len = -EFAULT;
    kfree(k);
    return len < 0 ? len : len + 1;
}

static int set_cwd(struct vnode *vn)
{
    if (!S_ISDIR(vn->mode))
        return -ENOTDIR;
    struct proc *p = proc_current();
    vn_ref(vn);
    vn_unref(p->cwd);
    p->cwd = vn;
    return 0;
}

static int64_t sys_chdir(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vnode *vn;
    int err = at_walk(AT_FDCWD, upath, 0, WALK_FOLLOW, &vn);
    return err ? err : set_cwd(vn);
}

/* chroot(2): the directory becomes the caller's "/" (its children's too);
 * the cwd is left where it is, as on Linux. */
static int64_t sys_chroot(uint64_t upath, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    struct vnode *vn;
    int err = at_walk(AT_FDCWD, upath, 0, WALK_FOLLOW, &vn);
    if (err)
        return err;
    if (!S_ISDIR(vn->mode))
        return -ENOTDIR;
    vn_ref(vn);
    if (p->root)
        vn_unref(p->root);
    p->root = vn;
    return 0;
}

static int64_t sys_fchdir(uint64_t fd, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = fd_get(proc_current(), (int)fd);
    return f ? set_cwd(f->vn) : -EBADF;
}

/* truncate(2): a regular file by name, cut or extended to len bytes. */
static int64_t sys_truncate(uint64_t upath, uint64_t len, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vnode *vn;
    if ((int64_t)len < 0)
        return -EINVAL;
    int err = at_walk(AT_FDCWD, upath, 0, WALK_FOLLOW, &vn);
    if (!err && S_ISDIR(vn->mode))
        err = -EISDIR;
    else if (!err && !S_ISREG(vn->mode))
        err = -EINVAL;
    if (!err)
        err = mnt_may_write(vn);
    if (!err && len > vn->size)
        err = file_size_check(len);
    return err ? err : reg_truncate(vn, len);
}

static int set_mode(struct vnode *vn, uint64_t mode)
{
    int err = mnt_may_write(vn);
    if (err)
        return err;
    vn->mode = (vn->mode & S_IFMT) | ((uint32_t)mode & 07777);
    vn_touch(vn, VN_CTIME);
    vn_notify(vn, IN_ATTRIB);
    return 0;
}

static int64_t sys_fchmodat(uint64_t dirfd, uint64_t upath, uint64_t mode, uint64_t a3, uint64_t a4,
                            uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct vnode *vn;
    int err = at_walk((int64_t)dirfd, upath, 0, WALK_FOLLOW, &vn);
    return err ? err : set_mode(vn, mode);
}

static int64_t sys_chmod(uint64_t upath, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_fchmodat((uint64_t)(int64_t)AT_FDCWD, upath, mode, 0, 0, 0);
}

static int64_t sys_fchmod(uint64_t fd, uint64_t mode, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct file *f = fd_get(proc_current(), (int)fd);
    return f ? set_mode(f->vn, mode) : -EBADF;
}

void sys_path_register(void)
{
    syscall_register(SYS_chmod, sys_chmod);
    syscall_register(SYS_truncate, sys_truncate);
    syscall_register(SYS_fchmod, sys_fchmod);
    syscall_register(SYS_fchmodat, sys_fchmodat);
    syscall_register(SYS_open, sys_open);
    syscall_register(SYS_creat, sys_creat);
    syscall_register(SYS_stat, sys_stat);
    syscall_register(SYS_lstat, sys_lstat);
    syscall_register(SYS_access, sys_access);
    syscall_register(SYS_getcwd, sys_getcwd);
    syscall_register(SYS_chdir, sys_chdir);
    syscall_register(SYS_fchdir, sys_fchdir);
    syscall_register(SYS_chroot, sys_chroot);
    syscall_register(SYS_readlink, sys_readlink);
    syscall_register(SYS_openat, sys_openat);
    syscall_register(SYS_openat2, sys_openat2);
    syscall_register(SYS_newfstatat, sys_newfstatat);
    syscall_register(SYS_readlinkat, sys_readlinkat);
    syscall_register(SYS_faccessat, sys_faccessat);
    syscall_register(SYS_faccessat2, sys_faccessat2);
}
