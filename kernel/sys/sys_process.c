/* Process life-cycle system calls: fork, vfork, clone, execve, execveat,
 * wait4, waitid, pipe, pipe2, rt_sigprocmask, clone3. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define EXEC_VEC_MAX 8192             /* pointers in argv, and in envp */
#define EXEC_ARG_MAX (32 * PAGE_SIZE) /* one string with its NUL: Linux MAX_ARG_STRLEN */

static int64_t sys_fork(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return proc_clone(SIGCHLD, 0, 0, 0, 0, 0);
}

static int64_t sys_vfork(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return proc_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0, 0);
}

/* x86-64 argument order: flags, newsp, parent_tid, child_tid, tls. The
 * pidfd of CLONE_PIDFD goes where parent_tid points, so the two flags
 * together are -EINVAL (Linux). */
static int64_t sys_clone(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls,
                         uint64_t a5)
{
    ARG(a5);
    uint32_t fl = (uint32_t)flags; /* as Linux: the low 32 bits */
    if ((fl & CLONE_PIDFD) && (fl & CLONE_PARENT_SETTID))
        return -EINVAL;
    return proc_clone(fl, newsp, ptid, ctid, tls, ptid);
}

/* struct clone_args (<linux/sched.h>): 64 bytes in its first version;
 * set_tid (80) and cgroup (88) came later. */
struct clone_args_k {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
_Static_assert(sizeof(struct clone_args_k) == 88, "struct clone_args (CLONE_ARGS_SIZE_VER2)");
#define CLONE_ARGS_SIZE_VER0 64

/* clone3: clone's semantics with the arguments in a structure. A larger
 * structure than known must be zero beyond it (-E2BIG otherwise, as
 * Linux); set_tid (choosing the child's pid) is refused, and the flags
 * clone refuses, CLONE_INTO_CGROUP among them, are too. CLONE_PIDFD's
 * descriptor goes where the pidfd field points. */
static int64_t sys_clone3(uint64_t uargs, uint64_t size, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct clone_args_k ca;
    uint8_t extra;
    if (size < CLONE_ARGS_SIZE_VER0)
        return -EINVAL;
    if (size > PAGE_SIZE)
        return -E2BIG;
    memset(&ca, 0, sizeof(ca));
    if (copy_from_user(&ca, (void *)uargs, size < sizeof(ca) ? size : sizeof(ca)))
        return -EFAULT;
    for (uint64_t off = sizeof(ca); off < size; off++) {
        if (copy_from_user(&extra, (void *)(uargs + off), 1))
            return -EFAULT;
        if (extra)
            return -E2BIG;
    }
    if (ca.exit_signal > NSIG || (ca.flags & CSIGNAL) || ca.set_tid || ca.set_tid_size)
        return -EINVAL;
    if ((ca.flags & CLONE_THREAD) && ca.exit_signal)
        return -EINVAL; /* a thread reports no exit to anyone */
    if ((ca.stack == 0) != (ca.stack_size == 0))
        return -EINVAL;
    uint64_t sp = ca.stack ? ca.stack + ca.stack_size : 0;
    return proc_clone(ca.flags | ca.exit_signal, sp, ca.parent_tid, ca.child_tid, ca.tls, ca.pidfd);
}

static int64_t sys_wait4(uint64_t pid, uint64_t ustatus, uint64_t options, uint64_t urusage,
                         uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    return proc_wait4((int32_t)pid, ustatus, (uint32_t)options, urusage); /* int arguments */
}

static int64_t sys_waitid(uint64_t idtype, uint64_t id, uint64_t uinfo, uint64_t options,
                          uint64_t urusage, uint64_t a5)
{
    ARG(a5);
    return proc_waitid(idtype, (uint32_t)id, uinfo, (uint32_t)options, urusage);
}

/* execve's arguments, copied in before the old image is given up. */
struct exec_args {
    char *strs;
    size_t used;
    char **argv, **envp;
    char *path;
};

static void exec_args_free(void *arg)
{
    struct exec_args *a = arg;
    kfree(a->strs);
    kfree(a->argv);
    kfree(a->envp);
    kfree(a->path);
}

/* Copy a NULL-terminated vector of strings (NULL: empty) into a. */
static int copy_vector(struct exec_args *a, uint64_t uvec, char **vec)
{
    unsigned n = 0;
    for (; uvec; n++) {
        uint64_t up;
        if (copy_from_user(&up, (void *)(uvec + 8ull * n), sizeof(up)))
            return -EFAULT;
        if (!up)
            break;
        if (n >= EXEC_VEC_MAX - 1 || a->used >= EXEC_ARGS_MAX)
            return -E2BIG;
        size_t room =
            EXEC_ARGS_MAX - a->used < EXEC_ARG_MAX ? EXEC_ARGS_MAX - a->used : EXEC_ARG_MAX;
        long len = strncpy_from_user(a->strs + a->used, (const char *)up, room);
        if (len < 0)
            return len == -ENAMETOOLONG ? -E2BIG : (int)len;
        vec[n] = a->strs + a->used;
        a->used += (size_t)len + 1;
    }
    vec[n] = 0;
    return 0;
}

/* Copy execve's arguments into a (zeroed first: on failure the caller
 * frees what was copied, with exec_args_free). */
static int exec_args_copy(struct exec_args *a, uint64_t upath, uint64_t uargv, uint64_t uenvp,
                          int allow_empty)
{
    memset(a, 0, sizeof(*a));
    int err = user_path(upath, allow_empty, &a->path);
    if (err)
        return err;
    a->strs = kmalloc(EXEC_ARGS_MAX);
    a->argv = kmalloc(EXEC_VEC_MAX * sizeof(char *));
    a->envp = kmalloc(EXEC_VEC_MAX * sizeof(char *));
    if (!a->strs || !a->argv || !a->envp)
        return -ENOMEM;
    if ((err = copy_vector(a, uargv, a->argv)))
        return err;
    return copy_vector(a, uenvp, a->envp);
}

/* Where execveat's path starts: the root for an absolute one, dirfd's
 * directory for a relative one; with AT_EMPTY_PATH and "" (fexecve), the
 * file open at dirfd itself, named /dev/fd/N as Linux names it. */
static int exec_base(struct exec_args *a, int dirfd, struct vnode **base, int *xflags)
{
    struct proc *p = proc_current();
    *base = vfs_root();
    if (a->path[0] == '/')
        return 0;
    if (a->path[0])
        return at_dir(p, dirfd, base);
    struct file *f = dirfd == AT_FDCWD ? 0 : fd_get(p, dirfd);
    if (!f && dirfd != AT_FDCWD)
        return -EBADF;
    *base = f ? f->vn : p->cwd; /* AT_FDCWD: the cwd, a directory (-EACCES) */
    *xflags |= EXEC_FD;
    snprintf(a->path, PATH_MAX, "/dev/fd/%d", dirfd);
    return 0;
}

/* execveat: the path as at_dir and AT_EMPTY_PATH resolve it (exec_base);
 * AT_SYMLINK_NOFOLLOW: a symlink as the last component is -ELOOP. */
static int64_t sys_execveat(uint64_t dirfd, uint64_t upath, uint64_t uargv, uint64_t uenvp,
                            uint64_t flags, uint64_t a5)
{
    ARG(a5);
    struct exec_args a;
    struct vnode *base;
    int xflags = (flags & AT_SYMLINK_NOFOLLOW) ? EXEC_NOFOLLOW : 0;
    if (flags & ~(uint64_t)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
        return -EINVAL;
    int err = exec_args_copy(&a, upath, uargv, uenvp, (flags & AT_EMPTY_PATH) != 0);
    if (!err)
        err = exec_base(&a, (int32_t)dirfd, &base, &xflags);
    if (!err) /* returns only on failure: a new image frees a through exec_args_free */
        err = proc_execve(base, a.path, xflags, a.argv, a.envp, exec_args_free, &a);
    exec_args_free(&a);
    return err;
}

static int64_t sys_execve(uint64_t upath, uint64_t uargv, uint64_t uenvp, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return sys_execveat((uint64_t)(int64_t)AT_FDCWD, upath, uargv, uenvp, 0, 0);
}

/* Give up one end of a new pipe: its descriptor once it has one, else the
 * file itself. */
static void end_drop(struct proc *p, int fd, struct file *f)
{
    if (fd >= 0)
        fd_close(p, fd);
    else
        file_unref(f);
}

/* pipe2: both ends, installed as two descriptors written to fds[2]. */
static int64_t sys_pipe2(uint64_t ufds, uint64_t flags, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    struct file *rd, *wr;
    int fds[2] = {-1, -1}, cloexec = (flags & O_CLOEXEC) != 0;
    if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL; /* O_DIRECT too: no packet mode (Linux 3.4) here */
    if (!user_range_ok((void *)ufds, sizeof(fds)))
        return -EFAULT;
    int err = pipe_create((uint32_t)flags, &rd, &wr);
    if (err)
        return err;
    if ((err = fds[0] = fd_install(p, rd, 0, cloexec)) < 0 ||
        (err = fds[1] = fd_install(p, wr, 0, cloexec)) < 0)
        goto fail;
    if (!copy_to_user((void *)ufds, fds, sizeof(fds)))
        return 0;
    err = -EFAULT;
fail:
    end_drop(p, fds[0], rd);
    end_drop(p, fds[1], wr);
    return err;
}

static int64_t sys_pipe(uint64_t ufds, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_pipe2(ufds, 0, 0, 0, 0, 0);
}

void sys_process_register(void)
{
    syscall_register(SYS_pipe, sys_pipe);
    syscall_register(SYS_clone, sys_clone);
    syscall_register(SYS_clone3, sys_clone3);
    syscall_register(SYS_fork, sys_fork);
    syscall_register(SYS_vfork, sys_vfork);
    syscall_register(SYS_execve, sys_execve);
    syscall_register(SYS_wait4, sys_wait4);
    syscall_register(SYS_waitid, sys_waitid);
    syscall_register(SYS_pipe2, sys_pipe2);
    syscall_register(SYS_execveat, sys_execveat);
}
