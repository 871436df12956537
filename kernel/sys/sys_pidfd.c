/* Process file descriptors: pidfd_open, pidfd_send_signal and pidfd_getfd (the file:
 * kernel/proc/pidfd.c; waitid's P_PIDFD: kernel/proc/wait.c). Arguments
 * are checked in Linux's order. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define PIDFD_NONBLOCK O_NONBLOCK

/* A pidfd of a thread-group leader, alive or a zombie not yet reaped; the
 * descriptor always has close-on-exec, as on Linux. A pid that names
 * another thread is -EINVAL (Linux before 6.9 has no thread pidfds). */
static int64_t sys_pidfd_open(uint64_t upid, uint64_t flags, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int pid = (int)upid;
    struct file *f;
    if ((uint32_t)flags & ~(uint32_t)PIDFD_NONBLOCK || pid <= 0)
        return -EINVAL;
    struct proc *p = proc_find(pid);
    if (!p)
        return lwp_find(pid) ? -EINVAL : -ESRCH;
    int err = pidfd_create(p, (uint32_t)flags & PIDFD_NONBLOCK, &f);
    if (err)
        return err;
    int fd = fd_install(proc_current(), f, 0, 1);
    if (fd < 0)
        file_unref(f);
    return fd;
}

/* The program's siginfo for a signal sig to p: what it carries, -EFAULT,
 * -EINVAL when its si_signo is not sig, or -EPERM when it claims to come
 * from kill, the kernel or tkill (si_code >= 0, SI_TKILL) and p is not
 * the caller's own process (Linux's rule, as rt_sigqueueinfo's). */
static int pidfd_info(uint64_t uinfo, int sig, const struct proc *p, struct sigqinfo *qi)
{
    struct ksiginfo ki;
    if (copy_from_user(&ki, (void *)uinfo, sizeof(ki)))
        return -EFAULT;
    if (ki.signo != sig)
        return -EINVAL;
    if ((ki.code >= 0 || ki.code == SI_TKILL) && p != proc_current())
        return -EPERM;
    qi->code = ki.code;
    qi->pid = ki.u.kill.pid;
    memcpy(&qi->data, ki.u.bytes + 8, sizeof(qi->data));
    return 0;
}

/* kill(2) of the process the pidfd names, with info (NULL: as kill sends,
 * SI_USER from the caller). A zombie takes it (and ignores it); once the
 * process is reaped, -ESRCH. No flag is defined: any is -EINVAL. */
static int64_t sys_pidfd_send_signal(uint64_t fd, uint64_t sig, uint64_t uinfo, uint64_t flags,
                                     uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct proc *p;
    struct sigqinfo qi = {SI_USER, proc_current()->pid, 0, 0};
    if ((uint32_t)flags)
        return -EINVAL;
    int err = pidfd_target(fd_get(proc_current(), (int)fd), &p);
    if (err)
        return err;
    if (uinfo && (err = pidfd_info(uinfo, (int)sig, p, &qi)) != 0)
        return err;
    if (!p)
        return -ESRCH;
    if ((int)sig < 0 || (int)sig > NSIG)
        return -EINVAL;
    return sig_send_info(p, 0, (int)sig, &qi);
}

/* A duplicate in the caller of descriptor targetfd of the process the
 * pidfd names (the same open file, as dup), close-on-exec as on Linux.
 * Linux's order: flags (none defined: -EINVAL), the pidfd (-EBADF), the
 * process (-ESRCH once it has exited: a zombie has no descriptors left),
 * the ptrace-attach right (-EPERM, cred_may_access), then targetfd
 * (-EBADF); -EMFILE when the caller has no descriptor free. */
static int64_t sys_pidfd_getfd(uint64_t pidfd, uint64_t targetfd, uint64_t flags, uint64_t a3,
                               uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct proc *self = proc_current(), *p;
    if ((uint32_t)flags)
        return -EINVAL;
    int err = pidfd_target(fd_get(self, (int)pidfd), &p);
    if (err)
        return err;
    if (!p || p->state != P_ALIVE)
        return -ESRCH;
    if (!cred_may_access(p))
        return -EPERM;
    struct file *f = fd_get(p, (int)targetfd);
    if (!f)
        return -EBADF;
    file_ref(f);
    int fd = fd_install(self, f, 0, 1);
    if (fd < 0)
        file_unref(f);
    return fd;
}

void sys_pidfd_register(void)
{
    syscall_register(SYS_pidfd_getfd, sys_pidfd_getfd);
    syscall_register(SYS_pidfd_open, sys_pidfd_open);
    syscall_register(SYS_pidfd_send_signal, sys_pidfd_send_signal);
}
