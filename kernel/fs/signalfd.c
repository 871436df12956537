/* signalfd(2): pending signals read from a descriptor. A signalfd holds
 * only a mask; what it reads, and what its poll reports, is the pending
 * signals of that mask of whoever reads or polls (the LWP's own, then its
 * process's), as on Linux, so one shared by fork reads each process's own.
 *
 * Readiness comes from the process, not the file: each process has one
 * queue (proc->sigfdq) that the signal code notifies whenever it makes a
 * signal pending (signalfd_notify), and a poll of a signalfd registers on
 * the poller's process's queue. That queue goes with the process: what is
 * still on it then (an epoll instance held by another process) is taken
 * off, as Linux's signalfd_cleanup does, and hears no more. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

struct signalfd {
    uint64_t mask; /* never SIGKILL or SIGSTOP */
};

/* Linux's struct signalfd_siginfo (128 bytes). */
struct sfd_siginfo {
    uint32_t signo;
    int32_t errnum, code;
    uint32_t pid, uid;
    int32_t fd;
    uint32_t tid, band, overrun, trapno;
    int32_t status, int_value;
    uint64_t ptr, utime, stime, addr;
    uint16_t addr_lsb, pad2;
    int32_t syscall;
    uint64_t call_addr;
    uint32_t arch;
    uint8_t pad[28];
};
_Static_assert(sizeof(struct sfd_siginfo) == 128, "struct signalfd_siginfo is 128 bytes");
_Static_assert(offsetof(struct sfd_siginfo, ptr) == 48, "signalfd_siginfo's ssi_ptr at 48");
_Static_assert(offsetof(struct sfd_siginfo, addr_lsb) == 80, "signalfd_siginfo's ssi_addr_lsb");
_Static_assert(offsetof(struct sfd_siginfo, arch) == 96, "signalfd_siginfo's ssi_arch at 96");

/* The record of sig and what it carried, as Linux's signalfd_copyinfo
 * lays out each kind: a negative si_code (sigqueue, tkill) carries
 * si_value (SI_TIMER its timer id and overruns too); SIGCHLD's CLD_*
 * codes the child's status; the rest (kill,
 * the kernel's) the sender only. Senders' uids are not kept: 0. */
static void sfd_info(struct sfd_siginfo *si, int sig, const struct sigqinfo *qi)
{
    *si = (struct sfd_siginfo){.signo = (uint32_t)sig, .code = qi->code, .pid = (uint32_t)qi->pid};
    if (qi->code == SI_TIMER) {
        si->pid = 0;
        si->tid = (uint32_t)qi->pid;
        si->overrun = (uint32_t)qi->overrun;
    }
    if (qi->code < 0) {
        si->int_value = (int32_t)qi->data;
        si->ptr = qi->data;
    } else if (sig == SIGCHLD && qi->code > 0 && qi->code < SI_KERNEL) {
        si->status = (int32_t)qi->data;
    }
}

/* A reader asleep until a signal is made pending for its process. */
struct sfd_waiter {
    struct pollent pe;
    struct thread *thread;
};

static int sfd_wake(struct pollent *pe, int events)
{
    (void)events;
    sched_wake(((struct sfd_waiter *)pe)->thread);
    return 1;
}

static int sfd_ready(const struct lwp *l, uint64_t mask)
{
    return ((l->pend.set | l->proc->pend.set) & mask) != 0;
}

/* Take one signal of s's mask for the calling LWP, waiting for one unless
 * nonblock: the signal and *qi, -EAGAIN, or -ERESTARTSYS (a signal to
 * handle). The mask is looked at afresh after each wake-up: another
 * thread may change it. */
static int sfd_take(struct signalfd *s, int nonblock, struct sigqinfo *qi)
{
    struct lwp *l = lwp_current();
    struct sfd_waiter w = {.pe.notify = sfd_wake, .thread = sched_current()};
    int sig = sig_take_set(l, s->mask, qi);
    if (sig || nonblock)
        return sig ? sig : -EAGAIN;
    pollq_add(&l->proc->sigfdq, &w.pe);
    while (!(sig = sig_take_set(l, s->mask, qi))) {
        if (sched_interrupted()) {
            sig = -ERESTARTSYS;
            break;
        }
        sched_block_prepare(0); /* before the checks: a signal after them wakes the block */
        if (!sfd_ready(l, s->mask) && !sched_interrupted())
            sched_block();
    }
    pollq_del(&w.pe);
    return sig;
}

/* As many records as fit in n bytes (at least one, -EINVAL when not even
 * that fits), waiting only for the first. A record that cannot be copied
 * out is lost, as on Linux. */
static long sfd_read(struct file *f, void *ubuf, size_t n)
{
    struct signalfd *s = f->vn->priv;
    size_t done = 0;
    int nonblock = (f->flags & O_NONBLOCK) != 0;
    if (n < sizeof(struct sfd_siginfo))
        return -EINVAL;
    for (; n - done >= sizeof(struct sfd_siginfo); nonblock = 1) {
        struct sigqinfo qi;
        struct sfd_siginfo si;
        int sig = sfd_take(s, nonblock, &qi);
        if (sig < 0)
            return done ? (long)done : sig;
        sfd_info(&si, sig, &qi);
        if (copy_to_user((uint8_t *)ubuf + done, &si, sizeof(si)))
            return done ? (long)done : -EFAULT;
        done += sizeof(si);
    }
    return (long)done;
}

/* IN when the poller has a signal of the mask pending. A kernel thread
 * (no process) has none. */
static int sfd_poll(struct file *f, struct poll_table *pt)
{
    struct signalfd *s = f->vn->priv;
    struct lwp *l = lwp_current();
    if (!l)
        return 0;
    poll_wait(f, &l->proc->sigfdq, pt);
    return sfd_ready(l, s->mask) ? POLLIN : 0;
}

static void sfd_release(struct vnode *vn)
{
    kfree(vn->priv);
}

static const struct file_ops signalfd_ops = {
    .read = sfd_read,
    .poll = sfd_poll,
    .release = sfd_release,
};

int signalfd_create(uint64_t mask, uint32_t flags, struct file **out)
{
    struct signalfd *s = kzalloc(sizeof(*s));
    if (!s)
        return -ENOMEM;
    s->mask = mask;
    int err = anon_file(&signalfd_ops, s, flags, out);
    if (err)
        kfree(s);
    return err;
}

/* The caller's process's readers and pollers look again, with the new
 * mask (Linux wakes the same queue). */
int signalfd_set_mask(struct file *f, uint64_t mask)
{
    if (f->vn->fops != &signalfd_ops)
        return -EINVAL;
    ((struct signalfd *)f->vn->priv)->mask = mask;
    signalfd_notify(proc_current());
    return 0;
}

void signalfd_notify(struct proc *p)
{
    if (p->sigfdq.head) /* most processes have no signalfd watching */
        pollq_notify(&p->sigfdq, POLLIN);
}

void signalfd_proc_free(struct proc *p)
{
    while (p->sigfdq.head)
        pollq_del(p->sigfdq.head);
}
