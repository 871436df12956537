/* POSIX message queues: mq_notify(2) (mqobj.h). One process at a time may
 * ask to be told when a message reaches the queue while it is empty and no
 * receiver waits; the registration goes once it has fired, when its
 * process unregisters, or when that process closes any descriptor of the
 * queue (Linux's flush), which it also does when it exits unless its
 * descriptor table lives on in another process (CLONE_FILES): the
 * registration then stays (EBUSY for others) and fires signalling nobody,
 * as Linux's whose owner task is gone.
 *
 * SIGEV_SIGNAL sends sigev_signo (none for 0, which Linux accepts) with
 * si_code SI_MESGQ, the sender's pid and real uid and sigev_value.
 * SIGEV_THREAD is the libc's, built on Linux's kernel side: sigev_signo
 * names a netlink socket and sigev_value points at a 32-byte cookie; the
 * kernel posts the cookie to that socket, its last byte NOTIFY_WOKENUP
 * when the notification fires or NOTIFY_REMOVED when the registration
 * goes otherwise, and the library's thread reading the socket calls the
 * program's function for the first. The registration holds the socket's
 * file meanwhile. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/mqobj.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/netlink.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"

/* SIGEV_THREAD's end: the cookie with what happened to the socket, whose
 * file the registration then lets go. */
static void post_cookie(struct mq_notify_reg *r, uint8_t code)
{
    r->cookie[MQ_COOKIE_LEN - 1] = code;
    netlink_post(r->sock, r->cookie, MQ_COOKIE_LEN); /* lost when it cannot be kept, as Linux's */
    file_unref(r->sock);
    r->sock = 0;
}

void mq_notify_clear(struct mqueue *q)
{
    if (q->reg.sock)
        post_cookie(&q->reg, MQ_NOTIFY_REMOVED);
    q->reg = (struct mq_notify_reg){0};
}

void mq_notify_flush(struct mqueue *q, int32_t owner)
{
    if (q->reg.pid == owner)
        mq_notify_clear(q);
}

void mq_notify_exit(struct mqueue *q, int32_t pid)
{
    if (q->reg.pid == pid)
        q->reg.gone = 1;
}

static void send_signal(const struct mq_notify_reg *r)
{
    struct proc *sender = proc_current(), *p = proc_find(r->pid);
    if (!p || r->gone || !r->signo)
        return;
    struct sigqinfo info = {.code = SI_MESGQ,
                            .pid = sender ? sender->pid : 0,
                            .data = r->value,
                            .overrun = sender ? (int32_t)sender->cred.uid[0] : 0};
    sig_send_info(p, 0, r->signo, &info); /* si_uid in si_overrun's place */
}

void mq_notify_fire(struct mqueue *q)
{
    if (!q->reg.pid || q->curmsgs != 1)
        return;
    if (q->reg.notify == SIGEV_SIGNAL)
        send_signal(&q->reg);
    else if (q->reg.notify == SIGEV_THREAD)
        post_cookie(&q->reg, MQ_NOTIFY_WOKENUP);
    mq_notify_clear(q);
}

/* SIGEV_THREAD's part of the sigevent: the cookie copied in and the
 * socket checked and held (Linux's order). 0, -EFAULT, -EBADF, -ENOTSOCK
 * or -EINVAL (not a netlink socket). */
static int thread_reg(const struct ksigevent *sev, struct mq_notify_reg *r)
{
    if (copy_from_user(r->cookie, (const void *)sev->value, MQ_COOKIE_LEN))
        return -EFAULT;
    struct file *s = fd_get(proc_current(), sev->signo);
    if (!s)
        return -EBADF;
    int err = netlink_file_check(s);
    if (err)
        return err;
    file_ref(s);
    r->sock = s;
    return 0;
}

/* Linux's order: the sigevent's checks, then the descriptor, then the
 * registration. */
int mq_notify_set(struct file *f, const struct ksigevent *sev)
{
    struct mq_notify_reg r = {0};
    if (sev && sev->notify != SIGEV_NONE && sev->notify != SIGEV_SIGNAL &&
        sev->notify != SIGEV_THREAD)
        return -EINVAL;
    if (sev && sev->notify == SIGEV_SIGNAL && (uint32_t)sev->signo > NSIG)
        return -EINVAL;
    int err = sev && sev->notify == SIGEV_THREAD ? thread_reg(sev, &r) : 0;
    struct mqueue *q = mq_of_file(f);
    if (!err && !q)
        err = -EBADF;
    if (!err && sev && q->reg.pid)
        err = -EBUSY;
    if (err) {
        if (r.sock)
            file_unref(r.sock); /* nothing posted: it was never registered */
        return err;
    }
    int32_t pid = proc_current()->pid;
    if (!sev) {
        mq_notify_flush(q, pid);
        return 0;
    }
    r.pid = pid;
    r.notify = sev->notify;
    r.signo = sev->notify == SIGEV_SIGNAL ? sev->signo : 0;
    r.value = sev->value;
    q->reg = r;
    return 0;
}
