/* fork, vfork and clone (kernel/fork.c semantics for processes): the child
 * gets a copy-on-write copy of the address space (or shares it with
 * CLONE_VM), the descriptor table with the open files shared, the limits,
 * cwd and umask, and returns 0 from the same system call. Everything that
 * can fail is acquired before the child can run (OpenBSD fork1). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

#define CLONE_SUPPORTED                                                                            \
    (CSIGNAL | CLONE_VM | CLONE_VFORK | CLONE_SETTLS | CLONE_PARENT_SETTID |                       \
     CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

static int fd_copy(struct proc *dst, struct proc *src)
{
    for (unsigned fd = 0; fd < src->fds.cap; fd++) {
        struct file *f = src->fds.files[fd];
        if (!f)
            continue;
        file_ref(f);
        int r = fd_install_at(dst, f, (int)fd, src->fds.cloexec[fd]);
        if (r < 0) {
            file_unref(f);
            return r;
        }
    }
    return 0;
}

/* Everything of the child but its thread: an embryo (proc_alloc). */
static int child_make(struct proc *p, uint64_t flags, struct proc **out)
{
    struct proc *c;
    if (proc_count() >= p->rlim[RLIMIT_NPROC].cur)
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
    if (!err)
        err = fd_copy(c, p);
    if (err) {
        proc_free(c);
        return err;
    }
    c->brk_start = p->brk_start;
    c->brk = p->brk;
    c->mmap_base = p->mmap_base;
    memcpy(c->name, p->name, sizeof(c->name));
    memcpy(c->sigact, p->sigact, sizeof(c->sigact));
    memcpy(c->exe, p->exe, sizeof(c->exe));
    if (p->cmdline && (c->cmdline = kmalloc(p->cmdline_len + 1))) {
        memcpy(c->cmdline, p->cmdline, p->cmdline_len);
        c->cmdline_len = p->cmdline_len;
    }
    c->exit_signal = (int)(flags & CSIGNAL);
    *out = c;
    return 0;
}

int64_t proc_clone(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls)
{
    struct proc *p = proc_current(), *c;
    struct lwp *l = lwp_current();
    if (flags & CLONE_THREAD)
        return -ENOSYS; /* no threads yet (the threads issue) */
    if (flags & ~(uint64_t)CLONE_SUPPORTED)
        return -EINVAL;
    if ((flags & CLONE_SETTLS) && !user_addr_ok(tls))
        return -EPERM; /* as ARCH_SET_FS: Linux's do_set_thread_area_64 */
    struct arch_frame *f = kmalloc(arch_frame_size());
    if (!f)
        return -ENOMEM;
    arch_frame_fork(f, l->frame, newsp);
    c = 0;
    int err = child_make(p, flags, &c);
    if (err)
        goto fail;
    uint64_t fs = (flags & CLONE_SETTLS) ? tls : arch_fs_base();
    err = proc_start_forked(c, f, fs, (flags & CLONE_CHILD_SETTID) ? ctid : 0);
    if (err)
        goto fail;
    f = 0; /* the child's LWP owns it */
    if (flags & CLONE_CHILD_CLEARTID)
        c->lwps->clear_child_tid = ctid;
    c->lwps->sigmask = l->sigmask; /* pending signals are not inherited */
    c->lwps->ss_sp = l->ss_sp;
    c->lwps->ss_size = l->ss_size;
    err = proc_publish(c); /* the last step that can fail */
    if (err)
        goto fail;
    int pid = c->pid;
    if (flags & CLONE_PARENT_SETTID)
        copy_to_user((void *)ptid, &pid, sizeof(pid)); /* a bad pointer is ignored, as Linux */
    if (flags & CLONE_VFORK) {
        c->vfork_parent = p;
        while (c->vfork_parent)
            waitq_wait(&c->vforkq, 0);
    }
    return pid;
fail:
    kfree(f);
    if (c)
        proc_free(c);
    return err;
}
