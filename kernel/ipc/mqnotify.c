/* POSIX message queues: mq_notify(2) (mqobj.h). One process at a time may
 * ask to be told when a message reaches the queue while it is empty and no
 * receiver waits; the registration goes once it has fired, when its
 * process unregisters, or when that process closes any descriptor of the
 * queue (Linux's flush), which it also does when it exits.
 *
 * SIGEV_SIGNAL sends sigev_signo (none for 0, which Linux accepts) with
 * si_code SI_MESGQ, the sender's pid and real uid and sigev_value.
 * SIGEV_THREAD is refused (-EINVAL): on Linux its kernel side posts a
 * cookie to a netlink socket the library passes as sigev_signo, which
 * this kernel's netlink sockets (kernel/net/netlink.c, NETLINK_ROUTE's
 * requests only) do not take; musl's and glibc's mq_notify then fail
 * with EINVAL. */
#include <stdint.h>
#include "errno.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/mqobj.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"

void mq_notify_clear(struct mqueue *q)
{
    q->reg = (struct mq_notify_reg){0};
}

void mq_notify_flush(struct mqueue *q, int32_t owner)
{
    if (q->reg.pid == owner)
        mq_notify_clear(q);
}

void mq_notify_fire(struct mqueue *q)
{
    if (!q->reg.pid || q->curmsgs != 1)
        return;
    struct proc *sender = proc_current();
    struct proc *p = proc_find(q->reg.pid);
    if (p && q->reg.notify == SIGEV_SIGNAL && q->reg.signo) {
        struct sigqinfo info = {.code = SI_MESGQ,
                                .pid = sender ? sender->pid : 0,
                                .data = q->reg.value,
                                .overrun = sender ? (int32_t)sender->cred.uid[0] : 0};
        sig_send_info(p, 0, q->reg.signo, &info); /* si_uid in si_overrun's place */
    }
    mq_notify_clear(q);
}

/* Linux's order: the sigevent's checks, then the descriptor, then the
 * registration. */
int mq_notify_set(struct file *f, const struct ksigevent *sev)
{
    if (sev && sev->notify != SIGEV_NONE && sev->notify != SIGEV_SIGNAL)
        return -EINVAL; /* SIGEV_THREAD too: see above */
    if (sev && sev->notify == SIGEV_SIGNAL && (uint32_t)sev->signo > NSIG)
        return -EINVAL;
    struct mqueue *q = mq_of_file(f);
    if (!q)
        return -EBADF;
    int32_t pid = proc_current()->pid;
    if (!sev) {
        mq_notify_flush(q, pid);
        return 0;
    }
    if (q->reg.pid)
        return -EBUSY;
    q->reg = (struct mq_notify_reg){
        .pid = pid, .notify = sev->notify, .signo = sev->signo, .value = sev->value};
    return 0;
}
