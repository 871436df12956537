/* AF_UNIX receiving: stream bytes across messages, datagrams and
 * seqpackets whole (MSG_TRUNC), the control messages a message carries
 * in and out (SCM_RIGHTS, SCM_CREDENTIALS), and SO_PEERCRED. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/net/unix.h"
#include "kernel/proc/proc.h"

/* --- control messages in ----------------------------------------------------- */

static int scm_rights(const struct cmsghdr *c, struct unix_msg *m)
{
    int n = (int)((c->cmsg_len - sizeof(*c)) / sizeof(int));
    const int *fds = (const int *)CMSG_DATA(c);
    if (n <= 0 || m->nfds + n > UNIX_SCM_MAX_FD)
        return -EINVAL;
    struct file **v = kmalloc((size_t)(m->nfds + n) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    memcpy(v, m->fds, (size_t)m->nfds * sizeof(*v));
    for (int i = 0; i < n; i++) {
        struct file *f = fd_get(proc_current(), fds[i]);
        if (!f) {
            kfree(v);
            return -EBADF;
        }
        v[m->nfds + i] = f;
    }
    for (int i = 0; i < n; i++) {
        file_ref(v[m->nfds + i]);
        unix_inflight(v[m->nfds + i], 1);
    }
    kfree(m->fds);
    m->fds = v;
    m->nfds += n;
    return 0;
}

/* Linux's scm_check_creds: one's own pid, and ids one has (root: any). */
static int scm_creds(const struct cmsghdr *c, struct unix_msg *m)
{
    struct ucred u;
    struct proc *p = proc_current();
    if (c->cmsg_len != CMSG_LEN(sizeof(u)))
        return -EINVAL;
    memcpy(&u, CMSG_DATA(c), sizeof(u));
    int ok = (u.pid == p->pid || cred_capable(CAP_SYS_ADMIN)) &&
             (u.uid == p->cred.uid[0] || u.uid == p->cred.uid[1] || u.uid == p->cred.uid[2] ||
              cred_capable(CAP_SETUID)) &&
             (u.gid == p->cred.gid[0] || u.gid == p->cred.gid[1] || u.gid == p->cred.gid[2] ||
              cred_capable(CAP_SETGID));
    if (!ok)
        return -EPERM;
    m->cred = u;
    return 0;
}

int scm_take(const struct sock_msg *sm, struct unix_msg *m)
{
    const struct cmsghdr *c = 0;
    int r;
    cred_now(&m->cred, 0);
    while ((r = sock_cmsg_next(sm, &c)) == 1) {
        if (c->cmsg_level != SOL_SOCKET)
            continue; /* Linux's __scm_send skips other levels */
        if (c->cmsg_type == SCM_RIGHTS)
            r = scm_rights(c, m);
        else if (c->cmsg_type == SCM_CREDENTIALS)
            r = scm_creds(c, m);
        else
            r = -EINVAL;
        if (r)
            return r;
    }
    return r;
}

/* --- control messages out ------------------------------------------------------ */

/* m's files as new descriptors of the caller, as many as fit the control
 * buffer; the rest are closed (taken: the message gives them up) and
 * MSG_CTRUNC set, as Linux's scm_detach_fds. peek: m keeps its files. */
static void scm_give(struct sock_msg *sm, struct unix_msg *m, int peek, int cloexec)
{
    int room = (int)(sock_cmsg_room(sm) / sizeof(int)), n = 0;
    int fds[UNIX_SCM_MAX_FD];
    for (int i = 0; i < m->nfds; i++) {
        struct file *f = m->fds[i];
        if (peek)
            file_ref(f);
        else {
            m->fds[i] = 0;
            unix_inflight(f, -1);
        }
        int fd = n < room ? fd_install(proc_current(), f, 0, cloexec) : -1;
        if (fd < 0) {
            file_unref(f);
            sm->flags |= MSG_CTRUNC;
            continue;
        }
        fds[n++] = fd;
    }
    if (n)
        sock_cmsg_put(sm, SOL_SOCKET, SCM_RIGHTS, fds, (size_t)n * sizeof(int));
    if (!peek)
        m->nfds = 0;
}

static void scm_out(struct socket *so, struct sock_msg *sm, struct unix_msg *m, int flags)
{
    if (so->opts & SOCK_OPT_PASSCRED)
        sock_cmsg_put(sm, SOL_SOCKET, SCM_CREDENTIALS, &m->cred, sizeof(m->cred));
    if (m->nfds)
        scm_give(sm, m, (flags & MSG_PEEK) != 0, (flags & MSG_CMSG_CLOEXEC) != 0);
}

/* --- the queue ----------------------------------------------------------------- */

/* Take the oldest message. Senders waiting for room are woken; pollers
 * told: a connection's one writer, or, for a datagram queue that may have
 * kept someone from writing (full, or past a quarter of the smallest send
 * buffer), every socket connected to it. */
static void dequeue(struct unix_sock *us)
{
    struct unix_msg *m = us->q_head;
    int was_full = us->qlen >= UNIX_DGRAM_QLEN || us->qbytes * 4 > SOCK_SNDBUF_MIN;
    if (!(us->q_head = m->next))
        us->q_tail = &us->q_head;
    us->qbytes -= m->len;
    us->qlen--;
    msg_free(m);
    waitq_wake_all(&us->wq);
    if (us->sock->type != SOCK_DGRAM && us->peer && us->peer->so)
        sock_notify(us->peer->so, POLLOUT | POLLWRNORM);
    else if (us->sock->type == SOCK_DGRAM && was_full)
        unix_wake_senders(us);
}

/* Wait for a message: 0 (one is there), 1 (end of file), or -errno. */
static int recv_wait(struct socket *so, struct unix_sock *us, int flags, uint64_t deadline)
{
    while (!us->q_head) {
        if (so->error) {
            int e = so->error;
            so->error = 0;
            return -e;
        }
        if (us->shut & UNIX_SHUT_RCV)
            return 1;
        if (so->type != SOCK_DGRAM && !us->peer)
            return 1;
        if (flags & MSG_DONTWAIT)
            return -EAGAIN;
        int err = sock_wait(&us->rq, deadline);
        if (err)
            return err;
    }
    return 0;
}

/* A datagram or seqpacket: the whole message's length (MSG_TRUNC) or
 * what was copied. */
static long recv_record(struct socket *so, struct sock_msg *sm, int flags)
{
    struct unix_sock *us = us_of(so);
    if (so->type == SOCK_SEQPACKET && !us->connected)
        return -ENOTCONN;
    int w = recv_wait(so, us, flags, sock_deadline(so, 0));
    if (w)
        return w == 1 ? 0 : w;
    struct unix_msg *m = us->q_head;
    long r = sock_msg_copy_out(sm, m->data, m->len);
    if (r < 0)
        return r;
    if ((size_t)r < m->len)
        sm->flags |= MSG_TRUNC;
    if (so->type == SOCK_SEQPACKET)
        sm->flags |= MSG_EOR;
    memcpy(sm->name, m->addr, (size_t)m->addrlen);
    sm->namelen = m->addrlen;
    scm_out(so, sm, m, flags);
    long len = flags & MSG_TRUNC ? (long)m->len : r;
    if (!(flags & MSG_PEEK))
        dequeue(us);
    return len;
}

/* Copy from the stream's messages: PEEK reads past skip bytes without
 * taking them. first: nothing was copied yet by this call (only then do
 * a message's credentials and files go out). Stops after a message with
 * files, and before one with files once bytes were copied, as Linux. The
 * count (0: stopped before files) or -EFAULT. */
static long stream_take(struct socket *so, struct sock_msg *sm, int flags, size_t *skip, int first)
{
    struct unix_sock *us = us_of(so);
    struct unix_msg *m = us->q_head;
    size_t done = 0, sk = *skip;
    while (m && sm->left) {
        size_t avail = m->len - m->off;
        if (sk >= avail) {
            sk -= avail;
            m = m->next;
            continue;
        }
        if (m->nfds && (done || *skip || !first))
            break;
        long r = sock_msg_copy_out(sm, m->data + m->off + sk, avail - sk);
        if (r <= 0)
            return done ? (long)done : r ? r : 0;
        int files = m->nfds, partial = (size_t)r < avail - sk;
        if (first && !done) /* one message's credentials and files per call */
            scm_out(so, sm, m, flags);
        done += (size_t)r;
        if (flags & MSG_PEEK)
            sk += (size_t)r;
        else if ((m->off += (size_t)r) == m->len)
            dequeue(us);
        if (files || partial)
            break;
        m = flags & MSG_PEEK ? m : us->q_head;
    }
    *skip = (flags & MSG_PEEK) ? *skip + done : 0;
    return (long)done;
}

static long recv_stream(struct socket *so, struct sock_msg *sm, int flags)
{
    struct unix_sock *us = us_of(so);
    uint64_t deadline = sock_deadline(so, 0);
    size_t target = flags & MSG_WAITALL ? sm->left : (size_t)so->rcvlowat;
    size_t done = 0, skip = 0;
    if (!us->connected)
        return -EINVAL;
    target = target < sm->left ? target : sm->left;
    if (!target)
        return 0; /* Linux: a read of nothing never waits */
    do {          /* until target bytes (SO_RCVLOWAT, MSG_WAITALL), end of file or an error */
        int w = recv_wait(so, us, flags, deadline);
        if (w)
            return done ? (long)done : w == 1 ? 0 : w;
        long r = stream_take(so, sm, flags, &skip, done == 0);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
        if (r == 0 || (flags & MSG_PEEK)) /* r 0: files wait for the next call */
            break;
    } while (done < target && sm->left);
    return (long)done;
}

long unix_recvmsg(struct socket *so, struct sock_msg *sm, int flags)
{
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    sm->namelen = 0;
    return so->type == SOCK_STREAM ? recv_stream(so, sm, flags) : recv_record(so, sm, flags);
}

int unix_getsockopt(struct socket *so, int level, int name, void *val, int *len)
{
    struct unix_sock *us = us_of(so);
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name != SO_PEERCRED)
        return -ENOPROTOOPT;
    struct ucred none = {0, (uint32_t)-1, (uint32_t)-1};
    int has = us->connected || so->acceptconn;
    memcpy(val, has ? &us->peercred : &none, sizeof(none));
    *len = sizeof(none);
    return 0;
}
