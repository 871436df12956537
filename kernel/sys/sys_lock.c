/* Advisory locks from programs: flock(2), and fcntl(2)'s record-lock
 * commands (F_GETLK, F_SETLK, F_SETLKW and the open file description
 * ones, F_OFD_*). The lock tables are kernel/fs/lock.c's; this file turns
 * descriptors and struct flock into owners and byte ranges, with Linux's
 * checks and errno values. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8

#define F_GETLK      5
#define F_SETLK      6
#define F_SETLKW     7
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38

/* Linux x86-64 struct flock (and flock64: the same). */
struct kflock {
    int16_t l_type, l_whence;
    int64_t l_start, l_len;
    int32_t l_pid;
};
_Static_assert(sizeof(struct kflock) == 32, "Linux x86-64 struct flock");
_Static_assert(offsetof(struct kflock, l_start) == 8 && offsetof(struct kflock, l_len) == 16 &&
                   offsetof(struct kflock, l_pid) == 24,
               "Linux x86-64 struct flock");

/* A descriptor locks can be taken through: O_PATH ones cannot (Linux's
 * fdget leaves them out for flock, check_fcntl_cmd for fcntl). */
static struct file *lockable(struct proc *p, int64_t fd)
{
    struct file *f = fd_get(p, (int)fd);
    return f && !(f->flags & O_PATH) ? f : 0;
}

/* flock: LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB. The operation is
 * checked before the descriptor, as Linux does. Linux ignores LOCK_MAND
 * (it never worked) and says 0; here an unknown bit, LOCK_MAND too, is
 * -EINVAL, as for every flag the kernel does not honour. */
static int64_t sys_flock(uint64_t fd, uint64_t op, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int type;
    switch ((uint32_t)op & ~(uint32_t)LOCK_NB) {
    case LOCK_SH:
        type = LK_RDLCK;
        break;
    case LOCK_EX:
        type = LK_WRLCK;
        break;
    case LOCK_UN:
        type = LK_UNLCK;
        break;
    default:
        return -EINVAL;
    }
    struct file *f = lockable(proc_current(), (int64_t)fd);
    if (!f)
        return -EBADF;
    file_ref(f); /* a wait may outlive the descriptor */
    int err = lock_flock(f, type, !(op & LOCK_NB));
    file_unref(f);
    return err;
}

/* struct flock's range from f's view (Linux's flock_to_posix_lock):
 * 0 and *r, -EINVAL (whence, a start before 0), -EOVERFLOW. */
static int flock_range(const struct file *f, const struct kflock *fl, struct lock_range *r)
{
    int64_t base;
    if (file_whence(f, fl->l_whence, &base))
        return -EINVAL;
    if (fl->l_start > LK_OFF_MAX - base)
        return -EOVERFLOW;
    int64_t start = base + fl->l_start, end = LK_OFF_MAX;
    if (start < 0)
        return -EINVAL;
    if (fl->l_len > 0) {
        if (fl->l_len - 1 > LK_OFF_MAX - start)
            return -EOVERFLOW;
        end = start + fl->l_len - 1;
    } else if (fl->l_len < 0) {
        end = start - 1;
        start += fl->l_len;
        if (start < 0)
            return -EINVAL;
    }
    r->start = (uint64_t)start;
    r->end = (uint64_t)end;
    r->type = fl->l_type;
    return 0;
}

/* F_GETLK / F_OFD_GETLK: what would stop the lock described at uarg. */
static int64_t fcntl_getlk(struct file *f, const void *owner, struct kflock *fl, uint64_t uarg)
{
    struct lock_range r;
    int err = fl->l_type == LK_RDLCK || fl->l_type == LK_WRLCK ? flock_range(f, fl, &r) : -EINVAL;
    if (err)
        return err;
    lock_rec_get(f->vn, owner, &r);
    fl->l_type = (int16_t)r.type;
    if (r.type != LK_UNLCK) {
        fl->l_whence = SEEK_SET;
        fl->l_start = (int64_t)r.start;
        fl->l_len = r.end == LK_OFF_MAX ? 0 : (int64_t)(r.end - r.start + 1);
        fl->l_pid = r.pid;
    }
    return copy_to_user((void *)uarg, fl, sizeof(*fl)) ? -EFAULT : 0;
}

/* F_SETLK(W) / F_OFD_SETLK(W). A POSIX lock won while fd was closed
 * under the wait is given back (Linux's close/fcntl race check): -EBADF. */
static int64_t fcntl_setlk(struct proc *p, int fd, struct file *f, const void *owner,
                           const struct kflock *fl, int wait)
{
    struct lock_range r;
    int err = flock_range(f, fl, &r);
    if (err)
        return err;
    uint32_t acc = f->flags & O_ACCMODE;
    if ((r.type == LK_RDLCK && acc == O_WRONLY) || (r.type == LK_WRLCK && acc == O_RDONLY))
        return -EBADF;
    if (r.type != LK_RDLCK && r.type != LK_WRLCK && r.type != LK_UNLCK)
        return -EINVAL;
    int posix = owner == (const void *)p->fds;
    r.pid = posix ? p->pid : -1;
    file_ref(f);
    err = lock_rec_set(f->vn, owner, posix, &r, wait);
    if (!err && posix && r.type != LK_UNLCK && fd_get(p, fd) != f) {
        r.type = LK_UNLCK;
        lock_rec_set(f->vn, owner, posix, &r, 0);
        err = -EBADF;
    }
    file_unref(f);
    return err;
}

int64_t fcntl_lock(struct proc *p, int fd, struct file *f, uint64_t cmd, uint64_t uarg)
{
    int ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
    if (!ofd && cmd != F_GETLK && cmd != F_SETLK && cmd != F_SETLKW)
        return -EINVAL;
    if (f->flags & O_PATH)
        return -EBADF;
    struct kflock fl;
    if (copy_from_user(&fl, (const void *)uarg, sizeof(fl)))
        return -EFAULT;
    if (ofd && fl.l_pid != 0)
        return -EINVAL;
    const void *owner = ofd ? (const void *)f : (const void *)p->fds; /* Linux's files_struct */
    if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        return fcntl_getlk(f, owner, &fl, uarg);
    return fcntl_setlk(p, fd, f, owner, &fl, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

void sys_lock_register(void)
{
    syscall_register(SYS_flock, sys_flock);
}
