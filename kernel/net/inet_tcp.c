/* TCP sockets on lwIP's raw API: connections, listening and the byte
 * stream. What Linux does and lwIP does not is done here: EADDRINUSE at
 * bind, the order of errors after a reset (ECONNRESET once, then end of
 * file for reads and EPIPE for writes), RST on closing with unread data,
 * accept queues that several processes can wait on. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/net/inet.h"
#include "kernel/net/inet_tcp.h"
#include "kernel/net/net.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"

#define TCP_NODELAY   1
#define TCP_MAXSEG    2
#define TCP_KEEPIDLE  4
#define TCP_KEEPINTVL 5
#define TCP_KEEPCNT   6

#define LWIP_BACKLOG_MAX 255 /* lwIP counts a listener's backlog in a byte */

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static void on_error(void *arg, err_t err);

/* Hand pcb's events to ts (or to nobody: ts NULL, before lwIP is let go
 * of it, so that no callback reaches a freed socket). */
static void tsock_hook(struct tsock *ts, struct tcp_pcb *pcb)
{
    tcp_arg(pcb, ts);
    tcp_recv(pcb, ts ? on_recv : NULL);
    tcp_sent(pcb, ts ? on_sent : NULL);
    tcp_err(pcb, ts ? on_error : NULL);
}

void tsock_wake(struct tsock *ts, int events)
{
    waitq_wake_all(&ts->wq);
    sock_notify(ts->so, events);
}

/* Remember both ends while the pcb is there (getsockname and getpeername
 * still answer after lwIP has freed it). */
void tsock_note_addrs(struct tsock *ts)
{
    if (!ts->pcb || ts->state == TS_LISTEN)
        return;
    ts->laddr = ts->pcb->local_ip;
    ts->lport = ts->pcb->local_port;
    ts->raddr = ts->pcb->remote_ip;
    ts->rport = ts->pcb->remote_port;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct tsock *ts = arg;
    (void)pcb;
    (void)err;
    if (!p) {
        ts->rx_fin = 1;
        tsock_wake(ts, POLLIN | POLLRDNORM | POLLRDHUP);
        return ERR_OK;
    }
    tsock_rx_append(ts, p);
    tsock_wake(ts, POLLIN | POLLRDNORM);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    tsock_wake(arg, POLLOUT | POLLWRNORM);
    return ERR_OK;
}

/* lwIP has freed the pcb: a reset, a refused connection or a timeout. */
static void on_error(void *arg, err_t err)
{
    struct tsock *ts = arg;
    int e = err == ERR_RST ? ECONNRESET : err == ERR_ABRT ? ETIMEDOUT : -inet_errno(err);
    ts->pcb = NULL;
    if (ts->state == TS_CONNECTING) {
        e = err == ERR_RST ? ECONNREFUSED : e;
        ts->state = TS_IDLE;
    } else if (ts->state == TS_CONNECTED) {
        ts->reset = e;
        ts->dead = 1;
    }
    ts->so->error = e;
    tsock_wake(ts, POLLIN | POLLOUT | POLLERR | POLLHUP);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct tsock *ts = arg;
    (void)pcb;
    (void)err;
    ts->state = TS_CONNECTED;
    tsock_note_addrs(ts);
    tsock_wake(ts, POLLOUT | POLLWRNORM);
    return ERR_OK;
}

/* A connection for the listener arg: queued until a program accepts it. */
static err_t on_accept(void *arg, struct tcp_pcb *newpcb, err_t err)
{
    struct tsock *ls = rp_pick(arg), *ts;
    struct socket *so;
    if (err != ERR_OK || !newpcb)
        return ERR_VAL;
    if (sock_alloc(ls->so, &so) != 0)
        return ERR_MEM; /* lwIP resets the connection */
    if (tsock_new(so, newpcb, &ts) != 0) {
        sock_destroy(so);
        return ERR_MEM;
    }
    ts->state = TS_CONNECTED;
    tsock_note_addrs(ts);
    tcp_backlog_delayed(newpcb); /* counts against the backlog until accept */
    ts->listener = ls;
    if (ls->q_tail)
        ls->q_tail->q_next = ts;
    else
        ls->q_head = ts;
    ls->q_tail = ts;
    tsock_wake(ls, POLLIN | POLLRDNORM);
    return ERR_OK;
}

int tsock_new(struct socket *so, struct tcp_pcb *pcb, struct tsock **out)
{
    struct tsock *ts = kzalloc(sizeof *ts);
    if (!ts)
        return -ENOMEM;
    ts->so = so;
    ts->pcb = pcb;
    waitq_init(&ts->wq);
    so->priv = ts;
    so->ops = &inet_tcp_ops;
    tsock_hook(ts, pcb);
    *out = ts;
    return 0;
}

int inet_tcp_create(struct socket *so)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    struct tsock *ts;
    if (!pcb)
        return -ENOMEM;
    if (tsock_new(so, pcb, &ts) != 0) {
        tcp_abort(pcb);
        return -ENOMEM;
    }
    return 0;
}

/* Another socket listening on port, on an address that overlaps ip. */
static int port_listened(const ip_addr_t *ip, uint16_t port)
{
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next)
        if (l->local_port == port &&
            (ip_addr_isany(&l->local_ip) || ip_addr_isany(ip) || ip_addr_cmp(&l->local_ip, ip)))
            return 1;
    return 0;
}

static int tcp_so_bind(struct socket *so, const struct sockaddr_storage *sa, int len)
{
    struct tsock *ts = so->priv;
    ip_addr_t ip;
    uint16_t port;
    int err = inet_bind_check(sa, len, &ip, &port);
    if (err)
        return err; /* before EINVAL for a bound socket, as Linux checks */
    if (!ts->pcb || ts->state != TS_IDLE || ts->pcb->local_port || ts->rp_leader)
        return -EINVAL;
    if (rp_bind(ts, &ip, port))
        return 0;
    /* lwIP lets two SO_REUSEADDR sockets bind a port one listens on and
     * refuses only at listen; Linux refuses the bind. */
    if (port && port_listened(&ip, port))
        return -EADDRINUSE;
    if (so->opts & SOCK_OPT_REUSEADDR)
        ip_set_option(ts->pcb, SOF_REUSEADDR);
    return inet_errno(tcp_bind(ts->pcb, &ip, port));
}

static int tcp_so_listen(struct socket *so, int backlog)
{
    struct tsock *ts = so->priv;
    err_t err = ERR_OK;
    /* Linux queues backlog + 1 connections. */
    int bl = backlog >= LWIP_BACKLOG_MAX ? LWIP_BACKLOG_MAX : backlog + 1;
    if (ts->state == TS_LISTEN) {
        if (ts->pcb) /* listen again: the new backlog, as Linux */
            tcp_backlog_set(ts->pcb, (u8_t)bl);
        return 0;
    }
    if (ts->state != TS_IDLE || !ts->pcb)
        return -EINVAL;
    if (ts->rp_leader) {
        tsock_hook(NULL, ts->pcb);
        tcp_close(ts->pcb); /* never bound: freed at once */
        ts->pcb = NULL;
        ts->state = TS_LISTEN;
        so->acceptconn = 1;
        return 0;
    }
    if (!ts->pcb->local_port && tcp_bind(ts->pcb, IP_ANY_TYPE, 0) != ERR_OK)
        return -EADDRINUSE;
    struct tcp_pcb *l = tcp_listen_with_backlog_and_err(ts->pcb, (u8_t)bl, &err);
    if (!l)
        return inet_errno(err);
    ts->pcb = l; /* lwIP freed the old pcb */
    ts->laddr = l->local_ip;
    ts->lport = l->local_port;
    ts->state = TS_LISTEN;
    tcp_arg(l, ts);
    tcp_accept(l, on_accept);
    so->acceptconn = 1;
    return 0;
}

static int tcp_so_accept(struct socket *so, int nonblock, struct socket **out)
{
    struct tsock *ls = so->priv;
    uint64_t deadline = sock_deadline(so, 0);
    for (;;) {
        if (ls->state != TS_LISTEN)
            return -EINVAL;
        struct tsock *ts = ls->q_head;
        if (ts) {
            ls->q_head = ts->q_next;
            if (!ls->q_head)
                ls->q_tail = NULL;
            ts->q_next = NULL;
            ts->listener = NULL;
            if (ts->pcb)
                tcp_backlog_accepted(ts->pcb);
            *out = ts->so;
            return 0;
        }
        if (nonblock)
            return -EAGAIN;
        int r = sock_wait(&ls->wq, deadline);
        if (r < 0)
            return r;
    }
}

/* The socket is connecting: wait until it is not (blocking connect). */
static int connect_wait(struct socket *so, struct tsock *ts)
{
    uint64_t deadline = sock_deadline(so, 1);
    while (ts->state == TS_CONNECTING) {
        int r = sock_wait(&ts->wq, deadline);
        if (r == -EAGAIN)
            return -EINPROGRESS; /* SO_SNDTIMEO ran out, as Linux reports it */
        if (r < 0)
            return r;
    }
    return 0;
}

/* How a connect ended: 0 connected, or the error (cleared from SO_ERROR,
 * which connect reports instead). */
static int connect_result(struct socket *so, struct tsock *ts)
{
    if (ts->state == TS_CONNECTED)
        return 0;
    int e = so->error ? so->error : ECONNREFUSED;
    so->error = 0;
    return -e;
}

/* A pcb for another try after a failed connect (lwIP freed the last). */
static int fresh_pcb(struct tsock *ts)
{
    if (ts->pcb)
        return 0;
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
    if (!pcb)
        return -ENOMEM;
    ts->pcb = pcb;
    tsock_hook(ts, pcb);
    return 0;
}

static int tcp_so_connect(struct socket *so, const struct sockaddr_storage *sa, int len,
                          int nonblock)
{
    struct tsock *ts = so->priv;
    ip_addr_t ip;
    uint16_t port;
    int err = inet_addr_dest(sa, len, &ip, &port);
    if (err)
        return err;
    if (ts->state == TS_CONNECTING)
        return nonblock ? -EALREADY : connect_wait(so, ts) ?: connect_result(so, ts);
    if (ts->state == TS_CONNECTED || ts->dead)
        return -EISCONN;
    if (ts->state != TS_IDLE)
        return -EINVAL;
    if ((err = fresh_pcb(ts)) != 0)
        return err;
    if (so->opts & SOCK_OPT_KEEPALIVE)
        ip_set_option(ts->pcb, SOF_KEEPALIVE);
    err = inet_errno(tcp_connect(ts->pcb, &ip, port, on_connected));
    if (err)
        return err;
    ts->state = TS_CONNECTING;
    tsock_note_addrs(ts);
    net_flush(); /* over loopback, the handshake happens here */
    if (ts->state == TS_CONNECTING && nonblock)
        return -EINPROGRESS;
    return connect_wait(so, ts) ?: connect_result(so, ts);
}

static int tcp_so_shutdown(struct socket *so, int how)
{
    struct tsock *ts = so->priv;
    if (ts->state != TS_CONNECTED)
        return -ENOTCONN;
    if (how != SHUT_WR)
        ts->shut_rd = 1;
    if (how != SHUT_RD && !ts->shut_wr) {
        ts->shut_wr = 1;
        if (ts->pcb) {
            tcp_shutdown(ts->pcb, 0, 1);
            net_flush();
        }
    }
    tsock_wake(ts, POLLIN | POLLOUT | POLLRDHUP);
    return 0;
}

static int tcp_so_getname(struct socket *so, struct sockaddr_storage *sa, int *len, int peer)
{
    struct tsock *ts = so->priv;
    if (peer) {
        if (ts->state != TS_CONNECTED)
            return -ENOTCONN;
        inet_addr_out(sa, len, &ts->raddr, ts->rport);
        return 0;
    }
    if (ts->pcb && ts->state != TS_LISTEN)
        tsock_note_addrs(ts);
    if (ts->pcb && !ts->lport && ts->state == TS_IDLE)
        inet_addr_out(sa, len, &ts->pcb->local_ip, ts->pcb->local_port);
    else
        inet_addr_out(sa, len, &ts->laddr, ts->lport);
    return 0;
}

static int tcp_so_poll(struct socket *so, struct file *f, struct poll_table *pt)
{
    struct tsock *ts = so->priv;
    int ev = 0;
    poll_wait(f, &so->pq, pt);
    if (ts->state == TS_LISTEN)
        return ts->q_head ? POLLIN | POLLRDNORM : 0;
    if (ts->rx_len || ts->rx_fin || ts->dead || ts->shut_rd)
        ev |= POLLIN | POLLRDNORM;
    if (ts->rx_fin)
        ev |= POLLRDHUP;
    if (ts->state == TS_CONNECTED && ts->pcb && !ts->shut_wr && tcp_sndbuf(ts->pcb) > 0)
        ev |= POLLOUT | POLLWRNORM;
    if (so->error)
        ev |= POLLERR;
    /* Linux: hung up once both directions are shut, or never connected. */
    if (ts->dead || (ts->rx_fin && ts->shut_wr) || ts->state == TS_IDLE)
        ev |= POLLHUP | (ts->state == TS_IDLE ? POLLOUT | POLLWRNORM : 0);
    return ev;
}

/* SO_LINGER with a timeout: the close waits until what was sent is
 * acknowledged, the timeout passes or a signal comes; the rest goes on
 * in the background (socket(7)). */
static void tcp_linger(struct tsock *ts)
{
    uint64_t deadline = clock_add(clock_ns(), (uint64_t)ts->so->linger_s * 1000000000ull);
    while (ts->pcb && !ts->dead && (ts->pcb->unsent || ts->pcb->unacked)) {
        tcp_output(ts->pcb);
        net_flush();
        if (sock_wait(&ts->wq, deadline) < 0)
            return;
    }
}

/* Let go of a connection: RST when unread data would be lost (as Linux)
 * or SO_LINGER asks for it with a zero timeout, else a FIN. */
static void tcp_let_go(struct tsock *ts)
{
    if (ts->so->linger_on && ts->so->linger_s > 0 && !ts->rx_len)
        tcp_linger(ts);
    if (!ts->pcb)
        return; /* reset while lingering */
    struct tcp_pcb *pcb = ts->pcb;
    ts->pcb = NULL;
    tsock_hook(NULL, pcb);
    if (ts->rx_len || (ts->so->linger_on && ts->so->linger_s == 0) || tcp_close(pcb) != ERR_OK)
        tcp_abort(pcb);
}

static void tcp_so_release(struct socket *so)
{
    struct tsock *ts = so->priv;
    if (ts->rp_leader || ts->rp_next)
        rp_leave(ts);
    if (ts->state == TS_LISTEN) {
        while (ts->q_head) {
            struct tsock *c = ts->q_head;
            ts->q_head = c->q_next;
            sock_destroy(c->so);
        }
        if (ts->pcb) {
            tcp_arg(ts->pcb, NULL);
            tcp_close(ts->pcb); /* a listener closes at once */
            ts->pcb = NULL;
        }
    }
    if (ts->pcb)
        tcp_let_go(ts);
    tsock_rx_drop(ts);
    ts->state = TS_CLOSED;
    waitq_wake_all(&ts->wq);
    so->priv = NULL;
    kfree(ts);
    net_flush();
}

static int tcp_so_setsockopt(struct socket *so, int level, int name, const void *val, int len)
{
    struct tsock *ts = so->priv;
    int v;
    if (level == IPPROTO_IP)
        return ts->pcb ? inet_ip_setsockopt(ts->pcb, name, val, len) : -EINVAL;
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    if (len < (int)sizeof(int))
        return -EINVAL;
    memcpy(&v, val, sizeof v);
    return tsock_setopt(ts, name, v);
}

static int tcp_so_getsockopt(struct socket *so, int level, int name, void *val, int *len)
{
    struct tsock *ts = so->priv;
    int v;
    if (level == IPPROTO_IP)
        return ts->pcb ? inet_ip_getsockopt(ts->pcb, name, val, len) : -EINVAL;
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    int err = tsock_getopt(ts, name, &v);
    if (err)
        return err;
    memcpy(val, &v, sizeof v);
    *len = (int)sizeof v;
    return 0;
}

int tsock_setopt(struct tsock *ts, int name, int v)
{
    struct tcp_pcb *pcb = ts->pcb;
    if (name != TCP_NODELAY && name != TCP_KEEPIDLE && name != TCP_KEEPINTVL && name != TCP_KEEPCNT)
        return -ENOPROTOOPT;
    if (name != TCP_NODELAY && (v < 1 || v > 32767))
        return -EINVAL;
    if (!pcb || ts->state == TS_LISTEN)
        return name == TCP_NODELAY ? 0 : -EINVAL;
    if (name == TCP_NODELAY) {
        if (v)
            tcp_nagle_disable(pcb);
        else
            tcp_nagle_enable(pcb);
    } else if (name == TCP_KEEPIDLE) {
        pcb->keep_idle = (u32_t)v * 1000;
    } else if (name == TCP_KEEPINTVL) {
        pcb->keep_intvl = (u32_t)v * 1000;
    } else {
        pcb->keep_cnt = (u32_t)v;
    }
    return 0;
}

int tsock_getopt(struct tsock *ts, int name, int *v)
{
    struct tcp_pcb *pcb = ts->state == TS_LISTEN ? NULL : ts->pcb;
    switch (name) {
    case TCP_NODELAY:
        *v = pcb ? tcp_nagle_disabled(pcb) != 0 : 0;
        return 0;
    case TCP_MAXSEG:
        *v = pcb && ts->state == TS_CONNECTED ? pcb->mss : TCP_MSS;
        return 0;
    case TCP_KEEPIDLE:
        *v = (int)((pcb ? pcb->keep_idle : TCP_KEEPIDLE_DEFAULT) / 1000);
        return 0;
    case TCP_KEEPINTVL:
        *v = (int)((pcb ? pcb->keep_intvl : TCP_KEEPINTVL_DEFAULT) / 1000);
        return 0;
    case TCP_KEEPCNT:
        *v = (int)(pcb ? pcb->keep_cnt : TCP_KEEPCNT_DEFAULT);
        return 0;
    default:
        return -ENOPROTOOPT;
    }
}

static void tcp_so_changed(struct socket *so, int name)
{
    struct tsock *ts = so->priv;
    if (!ts->pcb || ts->state == TS_LISTEN)
        return;
    if (name == SO_KEEPALIVE) {
        if (so->opts & SOCK_OPT_KEEPALIVE)
            ip_set_option(ts->pcb, SOF_KEEPALIVE);
        else
            ip_reset_option(ts->pcb, SOF_KEEPALIVE);
    }
}

const struct sock_ops inet_tcp_ops = {
    .bind = tcp_so_bind,
    .listen = tcp_so_listen,
    .accept = tcp_so_accept,
    .connect = tcp_so_connect,
    .shutdown = tcp_so_shutdown,
    .getname = tcp_so_getname,
    .sendmsg = tsock_sendmsg,
    .recvmsg = tsock_recvmsg,
    .setsockopt = tcp_so_setsockopt,
    .getsockopt = tcp_so_getsockopt,
    .changed = tcp_so_changed,
    .poll = tcp_so_poll,
    .ioctl = tsock_ioctl,
    .release = tcp_so_release,
};
