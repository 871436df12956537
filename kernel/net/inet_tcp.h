/* TCP sockets (inet_tcp.c: connections; inet_tcpio.c: the byte stream),
 * internal to kernel/net. */
#ifndef UNIPLEX_INET_TCP_H
#define UNIPLEX_INET_TCP_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/net/socket.h"
#include "lwip/ip_addr.h"
#include "lwip/pbuf.h"

struct tcp_pcb;

enum { TS_IDLE, TS_CONNECTING, TS_CONNECTED, TS_LISTEN, TS_CLOSED };

/* A TCP socket's state (so->priv). pcb is lwIP's, NULL once lwIP freed it
 * (on_error) or the socket let it go; lwIP's callbacks find the socket
 * through it while it is hooked. */
struct tsock {
    struct socket *so;
    struct tcp_pcb *pcb;
    int state;                      /* TS_* */
    struct pbuf *rx_head, *rx_tail; /* received bytes, one pbuf after another */
    uint16_t rx_off;                /* bytes of rx_head already read */
    size_t rx_len;                  /* bytes ready to read */
    int rx_fin;                     /* the peer's FIN came: reads end after rx */
    int reset;                      /* positive errno a read or write reports once */
    int dead;                       /* reset or timed out: no more data either way */
    int shut_rd, shut_wr;
    struct waitq wq;        /* everyone waiting on this socket */
    ip_addr_t laddr, raddr; /* the ends, kept when lwIP frees pcb */
    uint16_t lport, rport;
    /* A listener's connections not accepted yet, oldest first; a queued
     * one's listener. */
    struct tsock *q_head, *q_tail, *q_next, *listener;
    /* SO_REUSEPORT groups (inet_reuseport.c): a member's leader (NULL for
     * the leader, which owns the pcb), the next member, the next turn. */
    struct tsock *rp_leader, *rp_next, *rp_turn;
};

extern const struct sock_ops inet_tcp_ops;

/* A tsock for so around pcb, hooked to lwIP's callbacks: 0 or -ENOMEM. */
int tsock_new(struct socket *so, struct tcp_pcb *pcb, struct tsock **out);
/* Wake ts's waiters and pollers with events. */
void tsock_wake(struct tsock *ts, int events);
void tsock_note_addrs(struct tsock *ts);
int tsock_setopt(struct tsock *ts, int name, int v);
int tsock_getopt(struct tsock *ts, int name, int *v);

/* SO_REUSEPORT (inet_reuseport.c). rp_bind: 1 when ts joined the group
 * of the socket that owns ip:port (both asked for SO_REUSEPORT), 0 to
 * bind as usual. rp_pick: the listener whose turn it is to get a
 * connection. rp_leave: ts closes (a leader's pcb may go to a member). */
int rp_bind(struct tsock *ts, const ip_addr_t *ip, uint16_t port);
struct tsock *rp_pick(struct tsock *leader);
void rp_leave(struct tsock *ts);

/* The byte stream (inet_tcpio.c). */
void tsock_rx_append(struct tsock *ts, struct pbuf *p); /* takes p */
void tsock_rx_drop(struct tsock *ts);                   /* frees what was not read */
long tsock_sendmsg(struct socket *so, struct sock_msg *m, int flags);
long tsock_recvmsg(struct socket *so, struct sock_msg *m, int flags);
long tsock_ioctl(struct socket *so, unsigned long cmd, uint64_t arg);

#endif
