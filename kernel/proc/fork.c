/* fork, vfork and clone (kernel/fork.c semantics for processes): the child
 * gets a copy-on-write copy of the address space (or shares it with
 * CLONE_VM), a copy of the descriptor table with the open files shared
 * (or the table itself with CLONE_FILES), the limits, cwd and umask, and returns 0 from the same
 * system call. Everything that can fail is acquired before the child can run (OpenBSD fork1). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

/* The flag sets honoured: a process (fork, vfork, posix_spawn; sharing
 * the descriptor table with CLONE_FILES), and a thread (pthread_create:
 * an LWP sharing everything the process owns). */
#define CLONE_PROCESS                                                                              \
    (CSIGNAL | CLONE_VM | CLONE_FILES | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |         \
     CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID | CLONE_PIDFD)
#define CLONE_THREAD_NEEDS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD)
#define CLONE_THREAD_MAY                                                                           \
    (CSIGNAL | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |         \
     CLONE_DETACHED | CLONE_CHILD_SETTID)

/* Linux's own rules first (copy_process): a thread shares the signal
 * actions, which need a shared address space; CLONE_PIDFD takes neither
 * CLONE_DETACHED nor, before Linux 6.9, CLONE_THREAD. Then what is honoured: a
 * thread shares the descriptors and cwd (no per-thread tables exist), and
 * a process may share the descriptor table, never the cwd (no CLONE_FS). Anything else is -EINVAL,
 * logged once per combination so that a program's unsupported use shows in the log. */
static int clone_flags_check(uint64_t flags)
{
    static uint64_t logged[PROC_REFUSED_SEEN];
    if (((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND)) ||
        ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)) ||
        ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_THREAD))))
        return -EINVAL;
    if (flags & CLONE_THREAD) {
        if ((flags & CLONE_THREAD_NEEDS) == CLONE_THREAD_NEEDS &&
            !(flags & ~(uint64_t)(CLONE_THREAD_NEEDS | CLONE_THREAD_MAY)))
            return 0;
    } else if (!(flags & ~(uint64_t)CLONE_PROCESS)) {
        return 0;
    }
    return proc_refuse_flags(logged, "clone", flags);
}

/* Everything of the child but its thread: an embryo (proc_alloc). */
static int child_make(struct proc *p, uint64_t flags, struct proc **out)
{
    struct proc *c;
    if (lwp_count() >= p->rlim[RLIMIT_NPROC].cur)
        return -EAGAIN;
    int err = proc_alloc(p, &c);
    if (err)
        return err;
    if (flags & CLONE_VM) {
        c->vm = p->vm;
        c->vm->refs++;
    } else {
        err = vmspace_fork(p->vm, &c->vm);
    }
    if (flags & CLONE_FILES)
        fd_table_share(c, p);
    else if (!err)
        err = fd_table_copy(c, p);
    if (!err && p->exe && !(c->exe = kstrdup(p->exe)))
        err = -ENOMEM;
    if (err) {
        proc_free(c);
        return err;
    }
    c->brk_start = p->brk_start;
    c->brk = p->brk;
    c->mmap_base = p->mmap_base;
    c->env_start = p->env_start;
    c->env_end = p->env_end;
    c->auxv = p->auxv;
    c->nodump = p->nodump;
    memcpy(c->name, p->name, sizeof(c->name));
    memcpy(c->sigact, p->sigact, sizeof(c->sigact));
    if (p->cmdline && (c->cmdline = kmalloc(p->cmdline_len + 1))) {
        memcpy(c->cmdline, p->cmdline, p->cmdline_len);
        c->cmdline_len = p->cmdline_len;
    }
    c->exit_signal = (int)(flags & CSIGNAL);
    c->parent_tid = lwp_current()->tid;
    *out = c;
    return 0;
}

/* The child process of clone, its LWP returning through f (taken over on
 * success): its pid, or -errno. */
/* CLONE_PIDFD: a pidfd of embryo c as a descriptor of p (close-on-exec),
 * its number stored at upidfd: the fd, or -EMFILE / -ENOMEM / -EFAULT
 * with nothing left behind. */
static int clone_pidfd(struct proc *p, const struct proc *c, uint64_t upidfd)
{
    struct file *pf;
    int err = pidfd_create(c, 0, &pf);
    if (err)
        return err;
    int fd = fd_install(p, pf, 0, 1);
    if (fd < 0) {
        file_unref(pf);
        return fd;
    }
    if (copy_to_user((void *)upidfd, &fd, sizeof(fd))) {
        fd_close(p, fd);
        return -EFAULT;
    }
    return fd;
}

static int64_t clone_process(struct arch_frame *f, uint64_t flags, uint64_t ptid, uint64_t ctid,
                             uint64_t tls, uint64_t upidfd)
{
    int pidfd = -1;
    struct proc *p = proc_current(), *c = 0;
    struct lwp *l = lwp_current();
    int err = child_make(p, flags, &c);
    if (err)
        return err;
    uint64_t fs = (flags & CLONE_SETTLS) ? tls : arch_fs_base();
    err = proc_start_forked(c, f, fs, (flags & CLONE_CHILD_SETTID) ? ctid : 0);
    if (err)
        goto fail;
    if (flags & CLONE_CHILD_CLEARTID)
        c->lwps->clear_child_tid = ctid;
    c->lwps->sigmask = l->sigmask; /* pending signals are not inherited */
    lwp_inherit_prctl(c->lwps, l);
    if (!(flags & CLONE_VM) || (flags & CLONE_VFORK)) {
        c->lwps->ss_sp = l->ss_sp; /* as Linux: kept unless the stack could be shared */
        c->lwps->ss_size = l->ss_size;
    }
    if (flags & CLONE_PIDFD) {
        pidfd = clone_pidfd(p, c, upidfd);
        err = pidfd < 0 ? pidfd : 0;
    }
    if (!err)
        err = proc_publish(c); /* the last step that can fail */
    if (err) {
        if (pidfd >= 0)
            fd_close(p, pidfd);
        c->lwps->resume = 0; /* the caller still owns f */
        goto fail;
    }
    int pid = c->pid;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user((void *)ptid, &pid, sizeof(pid)); /* a bad pointer is ignored, as Linux */
    /* The parent goes on, as Linux's does (the child would start on
     * another CPU meanwhile): kill(2) lets a child that has not run yet
     * run first (sys_signal.c). */
    if (flags & CLONE_VFORK) {
        c->vfork_parent = p;
        while (c->vfork_parent)
            waitq_wait(&c->vforkq, 0);
    }
    return pid;
fail:
    proc_free(c);
    return err;
}

int64_t proc_clone(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls,
                   uint64_t upidfd)
{
    struct lwp *l = lwp_current();
    int err = clone_flags_check(flags);
    if (err)
        return err;
    if ((flags & CLONE_SETTLS) && !user_addr_ok(tls))
        return -EPERM; /* as ARCH_SET_FS: Linux's do_set_thread_area_64 */
    if (l->proc->dying)
        return -ERESTARTNOINTR; /* a fatal signal is on its way: Linux's answer */
    struct arch_frame *f = kmalloc(arch_frame_size());
    if (!f)
        return -ENOMEM;
    arch_frame_fork(f, l->frame, newsp);
    if (!(flags & CLONE_THREAD)) {
        int64_t r = clone_process(f, flags, ptid, ctid, tls, upidfd);
        if (r < 0)
            kfree(f);
        return r;
    }
    int tid;
    err = lwp_clone(f, flags, tls, ctid, &tid);
    if (err) {
        kfree(f);
        return err;
    }
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user((void *)ptid, &tid, sizeof(tid));
    return tid;
}
