/* unshare(2): stop sharing parts of the execution context, Linux's rules.
 *
 * Here a process's threads share its descriptor table, file-system
 * context (cwd, root, umask), signal actions, address space and SEM_UNDO
 * list. Between processes only the address space (vfork, CLONE_VM) and
 * the descriptor table (CLONE_FILES) can be shared: clone refuses
 * CLONE_FS, CLONE_SIGHAND and CLONE_SYSVSEM without CLONE_THREAD.
 *
 * For a single-threaded caller: CLONE_FILES gives it a copy of a table
 * another process shares (fd_unshare: the same open files, closes no
 * longer seen by the other), and nothing to do when none does; CLONE_FS,
 * CLONE_SIGHAND and CLONE_THREAD are already unshared and succeed, as on
 * Linux when nothing is shared; CLONE_VM too unless another process uses
 * the address space (then -EINVAL, Linux's current_is_single_threaded
 * check); CLONE_SYSVSEM does what Linux's does (exit_sem): the SEM_UNDO
 * adjustments are applied now and the list is emptied. Linux's
 * implications come first: CLONE_VM takes CLONE_SIGHAND, which takes
 * CLONE_THREAD, and those three are -EINVAL for a multithreaded caller.
 *
 * A thread of a multithreaded process asking for CLONE_FILES, CLONE_FS
 * or CLONE_SYSVSEM would need a table, context or list of its own, apart
 * from its process's other threads, which an LWP cannot have here:
 * refused with -EINVAL (logged), never ignored. No namespace is
 * implemented: CLONE_NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET,
 * NEWCGROUP and NEWTIME are -EINVAL (logged) too, as are bits unshare
 * does not know. */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define CLONE_NEWTIME   0x00000080u
#define CLONE_NEWNS     0x00020000u
#define CLONE_NEWCGROUP 0x02000000u
#define CLONE_NEWUTS    0x04000000u
#define CLONE_NEWIPC    0x08000000u
#define CLONE_NEWUSER   0x10000000u
#define CLONE_NEWPID    0x20000000u
#define CLONE_NEWNET    0x40000000u

/* What unshare takes at all (Linux's check_unshare_flags). */
#define UNSHARE_KNOWN                                                                              \
    (CLONE_THREAD | CLONE_FS | CLONE_NEWNS | CLONE_SIGHAND | CLONE_VM | CLONE_FILES |              \
     CLONE_SYSVSEM | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER | CLONE_NEWPID |   \
     CLONE_NEWCGROUP | CLONE_NEWTIME)
/* What needs a thread's own copy of something the process owns. */
#define UNSHARE_PER_THREAD (CLONE_FILES | CLONE_FS | CLONE_SYSVSEM)
#define UNSHARE_HONOURED   (UNSHARE_PER_THREAD | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)

static int64_t sys_unshare(uint64_t uflags, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    static uint64_t logged[PROC_REFUSED_SEEN];
    struct proc *p = proc_current();
    uint32_t flags = (uint32_t)uflags; /* an int, as Linux's */
    if (flags & CLONE_VM)
        flags |= CLONE_SIGHAND;
    if (flags & CLONE_SIGHAND)
        flags |= CLONE_THREAD;
    if (flags & ~UNSHARE_KNOWN)
        return -EINVAL;
    if ((flags & (CLONE_THREAD | CLONE_SIGHAND | CLONE_VM)) && p->nlive > 1)
        return -EINVAL;
    if ((flags & CLONE_VM) && p->vm->refs > 1)
        return -EINVAL;
    if ((flags & ~UNSHARE_HONOURED) || ((flags & UNSHARE_PER_THREAD) && p->nlive > 1))
        return proc_refuse_flags(logged, "unshare", flags);
    int err = (flags & CLONE_FILES) ? fd_unshare(p) : 0; /* the one step that can fail */
    if (!err && (flags & CLONE_SYSVSEM))
        ipc_sem_detach(p);
    return err;
}

void sys_unshare_register(void)
{
    syscall_register(SYS_unshare, sys_unshare);
}
