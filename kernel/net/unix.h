/* AF_UNIX's insides, shared by unix.c (sockets, names, connections,
 * sending) and unix_recv.c (receiving, control messages, options). */
#ifndef UNIPLEX_NET_UNIX_H
#define UNIPLEX_NET_UNIX_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/net/socket.h"

#define UNIX_PATH_OFF   2   /* offsetof(struct sockaddr_un, sun_path) */
#define UNIX_ADDR_MAX   110 /* sizeof(struct sockaddr_un) */
#define UNIX_DGRAM_QLEN 10  /* net.unix.max_dgram_qlen */
#define UNIX_SCM_MAX_FD 253 /* SCM_MAX_FD: files one message may carry */
#define UNIX_SHUT_RCV   1   /* Linux's RCV_SHUTDOWN */
#define UNIX_SHUT_SND   2   /* SEND_SHUTDOWN */

/* A message in a receive queue. */
struct unix_msg {
    struct unix_msg *next;
    size_t len, off;   /* data [off, len) unread (streams read part of one) */
    struct file **fds; /* SCM_RIGHTS in flight (referenced), nfds of them */
    int nfds;
    struct ucred cred; /* the sender's (SCM_CREDENTIALS) */
    int addrlen;       /* the sender's address, for datagrams */
    char addr[UNIX_ADDR_MAX];
    uint8_t data[];
};

struct unix_sock {
    unsigned refs;       /* its socket's, and datagram peers' pointing at it */
    int dead;            /* released: its socket is gone */
    struct socket *so;   /* its socket, NULL once released */
    struct socket *sock; /* the same, kept for type checks while referenced */
    struct unix_sock *peer;
    int connected; /* stream/seqpacket: had a peer (peer NULL once it went) */
    int shut;      /* UNIX_SHUT_* */
    struct ucred peercred;
    struct unix_msg *q_head, **q_tail;
    size_t qbytes;
    unsigned qlen;
    struct waitq rq, wq; /* readers wait for messages, senders for room in this queue */
    /* listening: connections made, not yet accepted; connectors wait on accq too */
    struct unix_sock *acc_head, **acc_tail, *acc_next;
    int nacc, backlog;
    struct waitq accq;
    char addr[UNIX_ADDR_MAX]; /* its name (a sockaddr_un), addrlen bytes; 0: none */
    int addrlen;
    struct vnode *path_vn; /* a path name's node (referenced), else NULL */
    struct unix_sock *bound_next;
    /* unix_gc.c: every live socket, and how many references to its file
     * messages in flight hold */
    struct unix_sock *all_next, **all_pprev;
    unsigned inflight;
};

static inline struct unix_sock *us_of(struct socket *so)
{
    return so->priv;
}
void us_unref(struct unix_sock *us);
void msg_free(struct unix_msg *m);
/* Wake us's waiters and tell its pollers events. */
void us_kick(struct unix_sock *us, int events);
/* The caller's pid and (effective: 1) or real (0) ids. */
void cred_now(struct ucred *c, int effective);
/* 1 when a message of need bytes from `from` does not fit in to's queue now. */
int queue_full(const struct unix_sock *to, const struct unix_sock *from, size_t need);
/* The control messages of a send: SCM_RIGHTS files referenced into m,
 * SCM_CREDENTIALS checked into m->cred (else the sender's real ids). 0,
 * -EINVAL, -EBADF, -EPERM, -ENOMEM. */
int scm_take(const struct sock_msg *sm, struct unix_msg *m);
/* The AF_UNIX socket behind f, or NULL. */
struct unix_sock *unix_of_file(const struct file *f);
/* unix_gc.c: f was put in flight in a message / taken out of one. */
void unix_inflight(struct file *f, int delta);
/* to's queue has room again: tell the pollers of every socket whose
 * peer it is (datagram senders connected to it do not know each other). */
void unix_wake_senders(struct unix_sock *to);
/* A live socket joins / leaves the list the collector walks. */
void unix_gc_add(struct unix_sock *us);
void unix_gc_del(struct unix_sock *us);
/* Free the messages only unreachable sockets' queues hold (cycles of
 * sockets in flight in each other, which no descriptor reaches): Linux's
 * unix_gc. Runs when a socket is released while files are in flight. */
void unix_gc(void);
long unix_recvmsg(struct socket *so, struct sock_msg *sm, int flags);
int unix_getsockopt(struct socket *so, int level, int name, void *val, int *len);

#endif
