/* Datagram sockets on lwIP's raw API: UDP, and raw IP sockets (SOCK_RAW:
 * ping's ICMP; root only, as Linux's CAP_NET_RAW). Datagrams keep their
 * boundaries, queue up to SO_RCVBUF before the first read, may be empty; a
 * connected socket takes datagrams only from its peer; recv(MSG_TRUNC)
 * returns a datagram's real length. A raw socket receives each packet of
 * its protocol with the IP header and sends without one, as Linux's. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/inet.h"
#include "kernel/net/net.h"
#include "kernel/proc/proc.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/raw.h"
#include "lwip/udp.h"

#define TIOCOUTQ     0x5411
#define UDP_MAX_DATA 65507 /* an IPv4 datagram's payload less the UDP header */
#define DGRAM_COST   256   /* bookkeeping charged per datagram against SO_RCVBUF */

struct dgram {
    struct dgram *next;
    struct pbuf *p;
    ip_addr_t from;
    uint16_t port;
};

struct usock {
    struct socket *so;
    struct udp_pcb *pcb;  /* UDP */
    struct raw_pcb *rpcb; /* raw IP (pcb NULL) */
    struct dgram *q_head, *q_tail;
    size_t q_bytes; /* charged against so->rcvbuf */
    int connected, shut_rd, bound;
    struct waitq wq;
};

static void usock_wake(struct usock *us, int events)
{
    waitq_wake_all(&us->wq);
    sock_notify(us->so, events);
}

/* Queue datagram p (taken) from addr:port, or drop it. */
static void dgram_queue(struct usock *us, struct pbuf *p, const ip_addr_t *addr, u16_t port,
                        int stranger)
{
    size_t cost = p->tot_len + DGRAM_COST;
    struct dgram *d = NULL;
    if (stranger || us->shut_rd || us->q_bytes + cost > (size_t)us->so->rcvbuf ||
        !(d = kmalloc(sizeof *d))) {
        pbuf_free(p);
        return;
    }
    d->next = NULL;
    d->p = p;
    d->from = *addr;
    d->port = port;
    if (us->q_tail)
        us->q_tail->next = d;
    else
        us->q_head = d;
    us->q_tail = d;
    us->q_bytes += cost;
    usock_wake(us, POLLIN | POLLRDNORM);
}

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    /* lwIP hands a connected pcb what no better pcb takes: Linux drops
     * datagrams from anyone but the peer. */
    struct usock *us = arg;
    dgram_queue(us, p, addr, port,
                us->connected && (port != pcb->remote_port || !ip_addr_cmp(addr, &pcb->remote_ip)));
}

/* A raw socket gets a copy: lwIP goes on with the packet (ICMP answers
 * an echo request in place). */
static u8_t on_raw_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *addr)
{
    struct usock *us = arg;
    struct pbuf *copy = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (copy)
        dgram_queue(us, copy, addr, 0, us->connected && !ip_addr_cmp(addr, &pcb->remote_ip));
    return 0;
}

static const struct sock_ops inet_udp_ops;

uint64_t inet_udp_ino(const void *arg)
{
    const struct usock *us = arg;
    return us && us->so->vn ? us->so->vn->ino : 0;
}

/* protocol: 0 for UDP, else the IP protocol of a raw socket. */
static int dgram_create(struct socket *so, int protocol)
{
    struct usock *us = kzalloc(sizeof *us);
    if (!us)
        return -ENOMEM;
    if (protocol)
        us->rpcb = raw_new_ip_type(IPADDR_TYPE_V4, (u8_t)protocol);
    else
        us->pcb = udp_new_ip_type(IPADDR_TYPE_V4);
    if (!us->pcb && !us->rpcb) {
        kfree(us);
        return -ENOMEM;
    }
    us->so = so;
    waitq_init(&us->wq);
    if (protocol)
        raw_recv(us->rpcb, on_raw_recv, us);
    else
        udp_recv(us->pcb, on_recv, us);
    so->priv = us;
    so->ops = &inet_udp_ops;
    return 0;
}

int inet_udp_create(struct socket *so)
{
    return dgram_create(so, 0);
}

int inet_raw_create(struct socket *so, int protocol)
{
    if (!cred_capable(CAP_NET_RAW))
        return -EPERM;
    if (protocol <= 0 || protocol > 255)
        return -EPROTONOSUPPORT; /* IPPROTO_RAW's send-only kind: not built */
    return dgram_create(so, protocol);
}

/* The common part of either pcb (addresses, options). */
static struct ip_pcb *dgram_ip(struct usock *us)
{
    return us->pcb ? (struct ip_pcb *)us->pcb : (struct ip_pcb *)us->rpcb;
}

static uint16_t dgram_lport(struct usock *us)
{
    return us->pcb ? us->pcb->local_port : 0;
}

static int udp_so_bind(struct socket *so, const struct sockaddr_storage *sa, int len)
{
    struct usock *us = so->priv;
    ip_addr_t ip;
    uint16_t port;
    int err = inet_bind_check(sa, len, &ip, &port);
    if (err)
        return err; /* before EINVAL for a bound socket, as Linux checks */
    if (dgram_lport(us) || us->bound)
        return -EINVAL;
    if (so->opts & SOCK_OPT_REUSEADDR)
        ip_set_option(dgram_ip(us), SOF_REUSEADDR);
    err = inet_errno(us->pcb ? udp_bind(us->pcb, &ip, port) : raw_bind(us->rpcb, &ip));
    us->bound = !err;
    return err;
}

static int udp_so_connect(struct socket *so, const struct sockaddr_storage *sa, int len,
                          int nonblock)
{
    struct usock *us = so->priv;
    ip_addr_t ip;
    uint16_t port;
    (void)nonblock;
    if (len >= 2 && sa->ss_family == AF_UNSPEC) {
        if (us->pcb)
            udp_disconnect(us->pcb);
        else
            raw_disconnect(us->rpcb);
        us->connected = 0;
        return 0;
    }
    int err = inet_addr_dest(sa, len, &ip, &port);
    if (err)
        return err;
    err = inet_errno(us->pcb ? udp_connect(us->pcb, &ip, port) : raw_connect(us->rpcb, &ip));
    if (err)
        return err;
    us->connected = 1;
    return 0;
}

static int udp_so_shutdown(struct socket *so, int how)
{
    struct usock *us = so->priv;
    if (!us->connected)
        return -ENOTCONN;
    if (how != SHUT_WR)
        us->shut_rd = 1;
    usock_wake(us, POLLIN | POLLRDNORM);
    return 0;
}

static int udp_so_getname(struct socket *so, struct sockaddr_storage *sa, int *len, int peer)
{
    struct usock *us = so->priv;
    if (peer && !us->connected)
        return -ENOTCONN;
    struct ip_pcb *ip = dgram_ip(us);
    if (peer)
        inet_addr_out(sa, len, &ip->remote_ip, us->pcb ? us->pcb->remote_port : 0);
    else
        inet_addr_out(sa, len, &ip->local_ip, dgram_lport(us));
    return 0;
}

/* A broadcast address: everyone's, or an interface's network's. */
static int dgram_broadcast(const ip_addr_t *ip)
{
    struct netif *nif;
    if (ip4_addr_get_u32(ip_2_ip4(ip)) == IPADDR_BROADCAST)
        return 1;
    NETIF_FOREACH(nif)
    {
        if (ip4_addr_isbroadcast(ip_2_ip4(ip), nif))
            return 1;
    }
    return 0;
}

static long udp_so_sendmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct usock *us = so->priv;
    ip_addr_t ip = dgram_ip(us)->remote_ip;
    uint16_t port = us->pcb ? us->pcb->remote_port : 0;
    size_t len = m->left;
    (void)flags;
    if (m->namelen) {
        int err = inet_addr_dest(m->name, m->namelen, &ip, &port);
        if (err)
            return err;
    } else if (!us->connected) {
        return -EDESTADDRREQ;
    }
    if (dgram_broadcast(&ip) && !(so->opts & SOCK_OPT_BROADCAST))
        return -EACCES; /* Linux wants SO_BROADCAST first */
    if (len > UDP_MAX_DATA)
        return -EMSGSIZE;
    struct pbuf *p = pbuf_alloc(us->pcb ? PBUF_TRANSPORT : PBUF_IP, (u16_t)len, PBUF_RAM);
    if (!p)
        return -ENOMEM;
    long got = len ? sock_msg_copy_in(m, p->payload, len) : 0;
    int err = got < (long)len ? -EFAULT
              : us->pcb       ? inet_errno(udp_sendto(us->pcb, p, &ip, port))
                              : inet_errno(raw_sendto(us->rpcb, p, &ip));
    pbuf_free(p);
    net_flush();
    return err ? err : (long)len;
}

/* Copy datagram d to the program: bytes copied or -EFAULT. */
static long dgram_copy(const struct dgram *d, struct sock_msg *m)
{
    long done = 0;
    for (const struct pbuf *q = d->p; q && m->left; q = q->next) {
        size_t take = q->len < m->left ? q->len : m->left;
        long r = sock_msg_copy_out(m, q->payload, take);
        if (r < 0)
            return done ? done : r;
        done += r;
        if ((size_t)r < take)
            break;
    }
    return done;
}

static void dgram_pop(struct usock *us)
{
    struct dgram *d = us->q_head;
    us->q_head = d->next;
    if (!us->q_head)
        us->q_tail = NULL;
    us->q_bytes -= d->p->tot_len + DGRAM_COST;
    pbuf_free(d->p);
    kfree(d);
}

static long udp_so_recvmsg(struct socket *so, struct sock_msg *m, int flags)
{
    struct usock *us = so->priv;
    uint64_t deadline = sock_deadline(so, 0);
    if (flags & MSG_OOB)
        return -EOPNOTSUPP;
    while (!us->q_head) {
        if (us->shut_rd)
            return 0;
        if (flags & MSG_DONTWAIT)
            return -EAGAIN;
        int r = sock_wait(&us->wq, deadline);
        if (r < 0)
            return r;
    }
    struct dgram *d = us->q_head;
    size_t real = d->p->tot_len;
    long got = dgram_copy(d, m);
    if (got < 0)
        return got;
    if ((size_t)got < real)
        m->flags |= MSG_TRUNC;
    if (m->name)
        inet_addr_out(m->name, &m->namelen, &d->from, d->port);
    if (!(flags & MSG_PEEK))
        dgram_pop(us);
    return (flags & MSG_TRUNC) ? (long)real : got;
}

static int udp_so_poll(struct socket *so, struct file *f, struct poll_table *pt)
{
    struct usock *us = so->priv;
    poll_wait(f, &so->pq, pt);
    int ev = POLLOUT | POLLWRNORM;
    if (us->q_head || us->shut_rd)
        ev |= POLLIN | POLLRDNORM;
    if (so->error)
        ev |= POLLERR;
    return ev;
}

static long udp_so_ioctl(struct socket *so, unsigned long cmd, uint64_t arg)
{
    struct usock *us = so->priv;
    int v;
    if (cmd == FIONREAD)
        v = us->q_head ? us->q_head->p->tot_len : 0; /* the next datagram, as Linux */
    else if (cmd == TIOCOUTQ)
        v = 0; /* sent at once: nothing waits */
    else
        return -ENOTTY;
    return copy_to_user((void *)arg, &v, sizeof v) ? -EFAULT : 0;
}

static int udp_so_setsockopt(struct socket *so, int level, int name, const void *val, int len)
{
    struct usock *us = so->priv;
    if (level == IPPROTO_IP)
        return inet_ip_setsockopt(dgram_ip(us), name, val, len);
    return -ENOPROTOOPT;
}

static int udp_so_getsockopt(struct socket *so, int level, int name, void *val, int *len)
{
    struct usock *us = so->priv;
    if (level == IPPROTO_IP)
        return inet_ip_getsockopt(dgram_ip(us), name, val, len);
    return -ENOPROTOOPT;
}

static void udp_so_release(struct socket *so)
{
    struct usock *us = so->priv;
    if (us->pcb)
        udp_remove(us->pcb);
    else
        raw_remove(us->rpcb);
    while (us->q_head)
        dgram_pop(us);
    waitq_wake_all(&us->wq);
    so->priv = NULL;
    kfree(us);
}

static const struct sock_ops inet_udp_ops = {
    .bind = udp_so_bind,
    .connect = udp_so_connect,
    .shutdown = udp_so_shutdown,
    .getname = udp_so_getname,
    .sendmsg = udp_so_sendmsg,
    .recvmsg = udp_so_recvmsg,
    .setsockopt = udp_so_setsockopt,
    .getsockopt = udp_so_getsockopt,
    .poll = udp_so_poll,
    .ioctl = udp_so_ioctl,
    .release = udp_so_release,
};
