/* AF_NETLINK sockets (netlink(7)): port ids (bind, autobind to the process
 * id as Linux), datagrams of netlink messages to the kernel (answered at
 * once by rtnl.c, in sendmsg) or to another netlink socket by port id, the
 * receive queue (MSG_PEEK, MSG_TRUNC, overrun as -ENOBUFS), and Linux's
 * framing of requests: NLM_F_REQUEST, control messages, NLM_F_ACK and
 * NLMSG_ERROR with the request echoed. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/net/netlink.h"
#include "kernel/net/socket.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"

struct nl_sock {
    struct socket *so;
    struct nl_sock *next; /* in nl_socks */
    uint32_t portid;
    int bound;
    struct nl_dgram *q_head, **q_tail;
    size_t qbytes;
    struct waitq rq;
};

static struct nl_sock *nl_socks;

static struct nl_sock *nl_of(struct socket *so)
{
    return so->priv;
}

static struct nl_sock *nl_find(uint32_t portid)
{
    for (struct nl_sock *n = nl_socks; n; n = n->next)
        if (n->bound && n->portid == portid)
            return n;
    return NULL;
}

/* Linux's netlink_autobind: the process id, else -4096, -4097... */
static void nl_autobind(struct nl_sock *n)
{
    static int32_t rover = -4096;
    uint32_t id = (uint32_t)proc_current()->pid;
    while (nl_find(id)) {
        id = (uint32_t)rover--;
        if (rover > -4096)
            rover = -4096;
    }
    n->portid = id;
    n->bound = 1;
}

/* --- building replies ----------------------------------------------------- */

void nl_msg_start(struct nl_msg *m, const struct nl_reply *r, uint16_t type, uint16_t flags,
                  const void *hdr, size_t n)
{
    struct nlmsghdr h = {(uint32_t)(sizeof(h) + n), type, flags, r->req->nlmsg_seq, r->portid};
    KASSERT(NLMSG_ALIGN(sizeof(h) + n) <= NL_MSG_MAX);
    memset(m->buf, 0, NLMSG_ALIGN(sizeof(h) + n));
    memcpy(m->buf, &h, sizeof(h));
    memcpy(m->buf + sizeof(h), hdr, n);
    m->len = sizeof(h) + n;
}

void nl_msg_attr(struct nl_msg *m, uint16_t type, const void *data, size_t n)
{
    struct rtattr a = {(uint16_t)(sizeof(a) + n), type};
    size_t at = NLMSG_ALIGN(m->len);
    KASSERT(at + NLMSG_ALIGN(sizeof(a) + n) <= NL_MSG_MAX);
    memset(m->buf + at, 0, NLMSG_ALIGN(sizeof(a) + n));
    memcpy(m->buf + at, &a, sizeof(a));
    memcpy(m->buf + at + sizeof(a), data, n);
    m->len = at + NLMSG_ALIGN(sizeof(a) + n); /* the message takes the padding, as Linux's */
    ((struct nlmsghdr *)m->buf)->nlmsg_len = (uint32_t)m->len;
}

static struct nl_dgram *dgram_new(size_t cap, uint32_t src)
{
    struct nl_dgram *d = kmalloc(sizeof(*d) + cap);
    if (d) {
        d->next = NULL;
        d->src = src;
        d->len = 0;
        d->cap = cap;
    }
    return d;
}

void nl_reply_put(struct nl_reply *r, const void *msg, size_t n)
{
    struct nl_dgram *last = r->last;
    size_t need = NLMSG_ALIGN(n);
    if (r->err)
        return;
    if (!last || last->len + need > last->cap) {
        last = dgram_new(need > NL_DGRAM_MAX ? need : NL_DGRAM_MAX, 0);
        if (!last) {
            r->err = -ENOMEM;
            return;
        }
        if (r->last)
            r->last->next = last;
        else
            r->head = last;
        r->last = last;
    }
    memset(last->data + last->len, 0, need);
    memcpy(last->data + last->len, msg, n);
    last->len += need;
}

void nl_reply_add(struct nl_reply *r, const struct nl_msg *m)
{
    nl_reply_put(r, m->buf, m->len);
}

static void dgrams_free(struct nl_dgram *d)
{
    while (d) {
        struct nl_dgram *next = d->next;
        kfree(d);
        d = next;
    }
}

/* NLMSG_ERROR for h: err, and (for an error, as Linux without
 * NETLINK_CAP_ACK) the whole request after the header. */
static void nl_ack(struct nl_reply *r, const struct nlmsghdr *h, int err)
{
    size_t echo = err ? h->nlmsg_len : sizeof(*h);
    size_t n = sizeof(struct nlmsghdr) + sizeof(int32_t) + echo;
    uint8_t *buf = kmalloc(n);
    if (!buf) {
        r->err = -ENOMEM;
        return;
    }
    struct nlmsghdr eh = {(uint32_t)n, NLMSG_ERROR, 0, h->nlmsg_seq, r->portid};
    int32_t e = err;
    memcpy(buf, &eh, sizeof(eh));
    memcpy(buf + sizeof(eh), &e, sizeof(e));
    memcpy(buf + sizeof(eh) + sizeof(e), h, echo);
    nl_reply_put(r, buf, n);
    kfree(buf);
}

/* --- the receive queue ------------------------------------------------------ */

/* Queue the datagrams d for n (taken), or drop them all with ENOBUFS for
 * the socket once its queue holds SO_RCVBUF bytes (Linux's overrun). */
static void nl_deliver(struct nl_sock *n, struct nl_dgram *d)
{
    while (d) {
        struct nl_dgram *next = d->next;
        d->next = NULL;
        if (n->qbytes >= (size_t)n->so->rcvbuf) {
            n->so->error = ENOBUFS;
            kfree(d);
        } else {
            *n->q_tail = d;
            n->q_tail = &d->next;
            n->qbytes += d->len;
        }
        d = next;
    }
    waitq_wake_all(&n->rq);
    sock_notify(n->so, n->so->error ? POLLIN | POLLRDNORM | POLLERR : POLLIN | POLLRDNORM);
}

static void nl_dequeue(struct nl_sock *n)
{
    struct nl_dgram *d = n->q_head;
    if (!(n->q_head = d->next))
        n->q_tail = &n->q_head;
    n->qbytes -= d->len;
    kfree(d);
}

/* --- requests to the kernel --------------------------------------------------- */

/* One message of the request: its replies and acknowledgement into r, as
 * Linux's netlink_rcv_skb. */
static void nl_request_one(const struct nlmsghdr *h, struct nl_reply *r)
{
    int err = 0;
    r->req = h;
    if ((h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_type >= NLMSG_MIN_TYPE) {
        err = rtnl_request(h, r);
        if (err == 1)
            return;
    }
    if (err || (h->nlmsg_flags & NLM_F_ACK))
        nl_ack(r, h, err);
}

/* The messages in buf (n bytes, from the socket with portid), answered
 * into r; a malformed length ends them, as Linux. */
static void nl_kernel(const uint8_t *buf, size_t n, struct nl_reply *r)
{
    while (n >= sizeof(struct nlmsghdr)) {
        const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
        if (h->nlmsg_len < sizeof(*h) || h->nlmsg_len > n)
            return;
        nl_request_one(h, r);
        size_t step = NLMSG_ALIGN(h->nlmsg_len);
        step = step > n ? n : step;
        buf += step;
        n -= step;
    }
}

/* --- the socket operations ---------------------------------------------------- */

/* A program's sockaddr_nl: 0, or -EINVAL as Linux's bind and sendmsg. */
static int nl_addr_in(const struct sockaddr_storage *a, int len, struct sockaddr_nl *out)
{
    if (len < (int)sizeof(*out))
        return -EINVAL;
    memcpy(out, a, sizeof(*out));
    return out->nl_family == AF_NETLINK ? 0 : -EINVAL;
}

static int nl_bind(struct socket *so, const struct sockaddr_storage *addr, int len)
{
    struct nl_sock *n = nl_of(so);
    struct sockaddr_nl a;
    int err = nl_addr_in(addr, len, &a);
    if (err)
        return err;
    if (a.nl_groups)
        return -EINVAL; /* no multicast group is ever sent to */
    if (n->bound)
        return a.nl_pid == n->portid ? 0 : -EINVAL;
    if (!a.nl_pid) {
        nl_autobind(n);
        return 0;
    }
    if (nl_find(a.nl_pid))
        return -EADDRINUSE;
    n->portid = a.nl_pid;
    n->bound = 1;
    return 0;
}

static int nl_getname(struct socket *so, struct sockaddr_storage *addr, int *len, int peer)
{
    struct nl_sock *n = nl_of(so);
    struct sockaddr_nl a = {AF_NETLINK, 0, peer || !n->bound ? 0 : n->portid, 0};
    memset(addr, 0, sizeof(*addr));
    memcpy(addr, &a, sizeof(a));
    *len = sizeof(a);
    return 0;
}

/* The destination of a send: 0 and *to (port id), or -errno. */
static int nl_dest(const struct sock_msg *m, uint32_t *to)
{
    struct sockaddr_nl a;
    *to = 0;
    if (!m->namelen)
        return 0;
    int err = nl_addr_in(m->name, m->namelen, &a);
    if (err)
        return err;
    if (a.nl_groups && !cred_capable(CAP_NET_ADMIN))
        return -EPERM; /* NETLINK_ROUTE takes group sends from CAP_NET_ADMIN only */
    *to = a.nl_pid;    /* the groups have no member: nothing more to send */
    return 0;
}

/* Deliver buf to the socket bound to port id to: 0, -ECONNREFUSED, -ENOMEM. */
static int nl_unicast(struct nl_sock *from, uint32_t to, const uint8_t *buf, size_t n)
{
    struct nl_sock *dst = nl_find(to);
    if (!dst)
        return -ECONNREFUSED;
    struct nl_dgram *d = dgram_new(n, from->portid);
    if (!d)
        return -ENOMEM;
    memcpy(d->data, buf, n);
    d->len = n;
    nl_deliver(dst, d);
    return 0;
}

static long nl_sendmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct nl_sock *n = nl_of(so);
    uint32_t to;
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    int err = nl_dest(m, &to);
    if (err)
        return err;
    if (!n->bound)
        nl_autobind(n);
    size_t len = m->left;
    if (len > (size_t)so->sndbuf - 32)
        return -EMSGSIZE;
    uint8_t *buf = kmalloc(len);
    if (!buf)
        return -ENOMEM;
    long r = sock_msg_copy_in(m, buf, len);
    if (r >= 0 && (size_t)r < len)
        r = -EFAULT;
    if (r >= 0 && to)
        r = nl_unicast(n, to, buf, len);
    else if (r >= 0) {
        struct nl_reply rep = {NULL, NULL, NULL, n->portid, 0};
        nl_kernel(buf, len, &rep);
        if (rep.err) {
            dgrams_free(rep.head);
            r = rep.err;
        } else {
            nl_deliver(n, rep.head);
        }
    }
    kfree(buf);
    return r < 0 ? r : (long)len;
}

/* Wait for a datagram: 0, or -errno (a pending ENOBUFS first, once). */
static int nl_recv_wait(struct socket *so, struct nl_sock *n, int flags)
{
    uint64_t deadline = sock_deadline(so, 0);
    while (!n->q_head) {
        if (so->error) {
            int e = so->error;
            so->error = 0;
            return -e;
        }
        if (flags & MSG_DONTWAIT)
            return -EAGAIN;
        int err = sock_wait(&n->rq, deadline);
        if (err)
            return err;
    }
    return 0;
}

/* One datagram: what was copied, or its whole length with MSG_TRUNC. */
static long nl_recvmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct nl_sock *n = nl_of(so);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    int err = nl_recv_wait(so, n, flags);
    if (err)
        return err;
    struct nl_dgram *d = n->q_head;
    long r = sock_msg_copy_out(m, d->data, d->len);
    if (r < 0)
        return r;
    if ((size_t)r < d->len)
        m->flags |= MSG_TRUNC;
    struct sockaddr_nl src = {AF_NETLINK, 0, d->src, 0};
    memset(m->name, 0, sizeof(src));
    memcpy(m->name, &src, sizeof(src));
    m->namelen = sizeof(src);
    long len = flags & MSG_TRUNC ? (long)d->len : r;
    if (!(flags & MSG_PEEK))
        nl_dequeue(n);
    return len;
}

static int nl_poll(struct socket *so, struct file *f, struct poll_table *pt)
{
    struct nl_sock *n = nl_of(so);
    (void)f;
    (void)pt;
    int ev = POLLOUT | POLLWRNORM;
    if (n->q_head)
        ev |= POLLIN | POLLRDNORM;
    if (so->error)
        ev |= POLLERR;
    return ev;
}

static void nl_release(struct socket *so)
{
    struct nl_sock *n = nl_of(so);
    for (struct nl_sock **p = &nl_socks; *p; p = &(*p)->next) {
        if (*p == n) {
            *p = n->next;
            break;
        }
    }
    dgrams_free(n->q_head);
    waitq_wake_all(&n->rq);
    kfree(n);
    so->priv = NULL;
}

static const struct sock_ops nl_ops = {
    .bind = nl_bind,
    .getname = nl_getname,
    .sendmsg = nl_sendmsg,
    .recvmsg = nl_recvmsg,
    .poll = nl_poll,
    .release = nl_release,
};

/* Linux's netlink_create: raw or datagram sockets; of the protocols, only
 * NETLINK_ROUTE is built. */
static int nl_create(struct socket *so, int type, int protocol)
{
    if (type != SOCK_RAW && type != SOCK_DGRAM)
        return -ESOCKTNOSUPPORT;
    if (protocol != NETLINK_ROUTE)
        return -EPROTONOSUPPORT;
    struct nl_sock *n = kzalloc(sizeof(*n));
    if (!n)
        return -ENOMEM;
    n->so = so;
    n->q_tail = &n->q_head;
    waitq_init(&n->rq);
    n->next = nl_socks;
    nl_socks = n;
    so->ops = &nl_ops;
    so->priv = n;
    return 0;
}

static const struct sock_family nl_family = {AF_NETLINK, nl_create};

int netlink_file_check(struct file *f)
{
    struct socket *so = sock_of(f);
    if (!so)
        return -ENOTSOCK;
    return so->family == AF_NETLINK ? 0 : -EINVAL;
}

int netlink_post(struct file *f, const void *data, size_t n)
{
    struct socket *so = sock_of(f);
    KASSERT(so && so->family == AF_NETLINK && so->priv); /* the caller holds f */
    struct nl_dgram *d = dgram_new(n, 0);
    if (!d)
        return -ENOMEM;
    memcpy(d->data, data, n);
    d->len = n;
    nl_deliver(nl_of(so), d);
    return 0;
}

void netlink_init(void)
{
    sock_family_register(&nl_family);
}
