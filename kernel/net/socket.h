/* The BSD socket layer (Linux's net/socket.c): a socket is an object
 * behind a descriptor (a vnode of mode S_IFSOCK | 0777 that no directory
 * names, as Linux's sockfs inodes), whose address family does the work
 * through struct sock_ops. The generic layer (socket.c, and the system
 * calls in kernel/sys/sys_socket.c) owns everything that comes from the
 * program: it copies addresses, the msghdr, its iovec array and control
 * buffers in and out once, answers the SOL_SOCKET options every socket
 * has, turns SO_RCVTIMEO/SO_SNDTIMEO into deadlines, and sends SIGPIPE for
 * -EPIPE. Families see kernel structures only, and move data between
 * program memory and their buffers with sock_msg_copy_in/out.
 *
 * Blocking: one CPU, kernel code never preempted: a family's state holds
 * until it blocks (sock_wait), and must be looked at again after.
 *
 * Lifetime: a socket is made by sock_alloc (socket(2), socketpair, or a
 * family making the server side of a connection), then owned by the
 * file sock_file makes for it. The last close of that file calls
 * ops->release (the family frees so->priv and wakes whoever waits on the
 * socket); the struct goes with the vnode. A socket that never got a
 * file (a connection nobody accepted) is ended with sock_destroy. */
#ifndef UNIPLEX_NET_SOCKET_H
#define UNIPLEX_NET_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/fs/vfs.h"
#include "kernel/sched/sched.h"

/* Address families (Linux's values). */
#define AF_UNSPEC 0
#define AF_UNIX   1
#define AF_INET   2
#define AF_INET6  10
#define AF_MAX    46 /* socket(2): family >= AF_MAX is -EAFNOSUPPORT */

/* Socket types and socket(2)'s flags on the type word. */
#define SOCK_STREAM    1
#define SOCK_DGRAM     2
#define SOCK_RAW       3
#define SOCK_RDM       4
#define SOCK_SEQPACKET 5
#define SOCK_MAX       11 /* type >= SOCK_MAX is -EINVAL */
#define SOCK_TYPE_MASK 0xf
#define SOCK_NONBLOCK  O_NONBLOCK
#define SOCK_CLOEXEC   O_CLOEXEC

/* Option levels and the SOL_SOCKET options (x86-64 values). */
#define SOL_SOCKET      1
#define SO_DEBUG        1
#define SO_REUSEADDR    2
#define SO_TYPE         3
#define SO_ERROR        4
#define SO_DONTROUTE    5
#define SO_BROADCAST    6
#define SO_SNDBUF       7
#define SO_RCVBUF       8
#define SO_KEEPALIVE    9
#define SO_OOBINLINE    10
#define SO_LINGER       13
#define SO_REUSEPORT    15
#define SO_PASSCRED     16
#define SO_PEERCRED     17
#define SO_RCVLOWAT     18
#define SO_SNDLOWAT     19
#define SO_RCVTIMEO_OLD 20 /* struct timeval (SO_RCVTIMEO in glibc and musl on x86-64) */
#define SO_SNDTIMEO_OLD 21
#define SO_ACCEPTCONN   30
#define SO_SNDBUFFORCE  32
#define SO_RCVBUFFORCE  33
#define SO_PROTOCOL     38
#define SO_DOMAIN       39
#define SO_RCVTIMEO_NEW 66 /* struct __kernel_sock_timeval: two int64_t */
#define SO_SNDTIMEO_NEW 67

/* send/recv flags (Linux's MSG_*). */
#define MSG_OOB          0x1
#define MSG_PEEK         0x2
#define MSG_DONTROUTE    0x4
#define MSG_CTRUNC       0x8
#define MSG_TRUNC        0x20
#define MSG_DONTWAIT     0x40
#define MSG_EOR          0x80
#define MSG_WAITALL      0x100
#define MSG_ERRQUEUE     0x2000
#define MSG_NOSIGNAL     0x4000
#define MSG_MORE         0x8000
#define MSG_WAITFORONE   0x10000
#define MSG_CMSG_CLOEXEC 0x40000000

/* listen(2)'s backlog is cut to this (net.core.somaxconn; a negative one
 * too, as Linux compares it unsigned). */
#define SOMAXCONN 4096

/* shutdown(2)'s how. */
#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

/* Control messages (struct cmsghdr, x86-64) and their SOL_SOCKET types. */
#define SCM_RIGHTS      1
#define SCM_CREDENTIALS 2
struct cmsghdr {
    uint64_t cmsg_len; /* header and data, unpadded */
    int32_t cmsg_level;
    int32_t cmsg_type;
};
_Static_assert(sizeof(struct cmsghdr) == 16, "Linux x86-64 struct cmsghdr");
#define CMSG_ALIGN(n) (((n) + 7) & ~(size_t)7)
#define CMSG_LEN(n)   (sizeof(struct cmsghdr) + (n))
#define CMSG_SPACE(n) (sizeof(struct cmsghdr) + CMSG_ALIGN(n))
#define CMSG_DATA(c)  ((uint8_t *)(c) + sizeof(struct cmsghdr))

/* SO_PEERCRED and SCM_CREDENTIALS. */
struct ucred {
    int32_t pid;
    uint32_t uid, gid;
};

/* An address as the program gave it or gets it (Linux's
 * __kernel_sockaddr_storage): the family, then its bytes. */
#define SOCK_ADDR_MAX 128
struct sockaddr_storage {
    uint16_t ss_family;
    uint8_t ss_data[SOCK_ADDR_MAX - 2];
} __attribute__((aligned(8)));
_Static_assert(sizeof(struct sockaddr_storage) == 128, "Linux sockaddr_storage");

/* One segment of program memory (struct iovec). */
struct sock_iov {
    uint64_t base, len;
};

#define SOCK_IOV_MAX 1024 /* UIO_MAXIOV: more segments is -EMSGSIZE */
#define SOCK_CTL_MAX 4096 /* control bytes the kernel takes in or hands out per call */
#define SOCK_OPT_MAX 64   /* option value bytes passed to families (longer ones are cut) */

/* A message between the generic layer and a family (Linux's struct
 * msghdr, kernel side). The data is the program's, in iov: the family
 * moves it with sock_msg_copy_in/out, which advance through it; left is
 * what remains (the total, clamped to RW_MAX as Linux's, at the start).
 *
 * name always points at a sockaddr_storage (the generic layer's).
 * sendmsg: name/namelen the destination (namelen 0: none); control and
 *   controllen the kernel's copy of the program's control messages.
 * recvmsg: the family stores the source into name and its true length in
 *   namelen (leave 0 for none); control is a kernel buffer of controllen
 *   bytes, of which the family fills ctl_used (sock_cmsg_put), setting
 *   MSG_CTRUNC in flags for what did not fit; flags also takes MSG_TRUNC
 *   and MSG_EOR as recvmsg(2) reports them. */
struct sock_msg {
    struct sockaddr_storage *name;
    int namelen;
    struct sock_iov *iov; /* the remaining segments (the generic layer's copy) */
    int iovcnt;
    size_t left;
    void *control;
    size_t controllen;
    size_t ctl_used;
    int flags;
    int kernel; /* iov is kernel memory (sendfile and splice): copied with memcpy */
};

struct socket;
struct sock_ops;

/* A socket. The generic fields are the generic layer's (families read
 * them; they set error, and acceptconn through listen). */
struct socket {
    const struct sock_ops *ops;
    int family, type, protocol;
    int error;          /* SO_ERROR: a family's pending asynchronous error (positive errno) */
    int acceptconn;     /* listening (SO_ACCEPTCONN): families set it in listen */
    uint32_t opts;      /* SOCK_OPT_* set by setsockopt */
    int rcvbuf, sndbuf; /* SO_RCVBUF/SO_SNDBUF, bytes as Linux reports them (doubled) */
    int rcvlowat;       /* SO_RCVLOWAT, at least 1 */
    int linger_on, linger_s;
    uint64_t rcvtimeo, sndtimeo; /* SO_RCVTIMEO/SO_SNDTIMEO in ns, 0: none */
    struct pollq pq;             /* readiness: families pollq_notify it on every change */
    struct vnode *vn;            /* its vnode once it has a file, else NULL */
    struct file *file;           /* that file (a socket has one: it is never opened again) */
    void *priv;                  /* the family's */
};

/* so->opts: the boolean SOL_SOCKET options (stored by the generic layer;
 * a family honours those it has a use for when it acts: inet's
 * SO_REUSEADDR at bind, SO_KEEPALIVE on its connections; AF_UNIX has none
 * but SO_PASSCRED, as on Linux). */
#define SOCK_OPT_REUSEADDR 0x1
#define SOCK_OPT_REUSEPORT 0x2
#define SOCK_OPT_KEEPALIVE 0x4
#define SOCK_OPT_PASSCRED  0x8
#define SOCK_OPT_BROADCAST 0x10

/* Linux's defaults and bounds for SO_RCVBUF/SO_SNDBUF (net.core.*mem_*,
 * SOCK_MIN_*BUF): a value set is doubled, then kept within them. */
#define SOCK_BUF_DEFAULT 212992
#define SOCK_BUF_MAX     212992 /* the largest value setsockopt takes, before doubling */
#define SOCK_RCVBUF_MIN  2304
#define SOCK_SNDBUF_MIN  4608

/* A family's operations on its sockets. Addresses are kernel copies
 * (len bytes, at most SOCK_ADDR_MAX, may be 0; zeros after them);
 * nonblock is the file's O_NONBLOCK (or MSG_DONTWAIT for messages, which
 * the generic layer sets in flags for an O_NONBLOCK file). Each returns 0 (or a count) or
 * -errno; an operation left NULL is -EOPNOTSUPP, as Linux's sock_no_*. */
struct sock_ops {
    int (*bind)(struct socket *so, const struct sockaddr_storage *addr, int len);
    /* backlog already clamped to [0, SOMAXCONN]; set so->acceptconn. */
    int (*listen)(struct socket *so, int backlog);
    /* A new connected socket from so's queue (sock_alloc'ed, no file yet:
     * the generic layer makes it one, or sock_destroys it on failure). */
    int (*accept)(struct socket *so, int nonblock, struct socket **out);
    /* A blocking connect waits (sock_wait with so->sndtimeo: -EINPROGRESS
     * on its expiry, as Linux); a nonblocking one that cannot complete at
     * once is -EINPROGRESS (later completion reported through poll and
     * SO_ERROR). */
    int (*connect)(struct socket *so, const struct sockaddr_storage *addr, int len, int nonblock);
    /* socketpair(2): connect a and b, both new and of this family and
     * type; NULL: -EOPNOTSUPP (AF_INET, as Linux). */
    int (*socketpair)(struct socket *a, struct socket *b);
    int (*shutdown)(struct socket *so, int how); /* how checked: SHUT_RD/WR/RDWR */
    /* The local (peer 0) or peer address into *addr, its length into
     * *len; -ENOTCONN for a peer it has not. */
    int (*getname)(struct socket *so, struct sockaddr_storage *addr, int *len, int peer);
    /* Bytes sent or received (flags: MSG_*), or -errno. -EPIPE from
     * sendmsg makes SIGPIPE unless MSG_NOSIGNAL (the generic layer). */
    long (*sendmsg)(struct socket *so, struct sock_msg *m, int flags);
    long (*recvmsg)(struct socket *so, struct sock_msg *m, int flags);
    /* Options the generic layer does not answer (any level; SOL_SOCKET
     * ones such as SO_PEERCRED): val a kernel buffer. setsockopt gets len
     * bytes (cut at SOCK_OPT_MAX); getsockopt has *len bytes of room
     * (SOCK_OPT_MAX) and sets *len to what it wrote. -ENOPROTOOPT for an
     * unknown one. */
    int (*setsockopt)(struct socket *so, int level, int name, const void *val, int len);
    int (*getsockopt)(struct socket *so, int level, int name, void *val, int *len);
    /* A SOL_SOCKET option the generic layer stored has changed (may be NULL). */
    void (*changed)(struct socket *so, int name);
    /* POLL* bits ready now; register with poll_wait(f, &so->pq, pt). */
    int (*poll)(struct socket *so, struct file *f, struct poll_table *pt);
    /* Family ioctls (FIONREAD...); ioctl(2) answers FIONBIO and FIOCLEX
     * for every file before this. NULL or unknown: -ENOTTY. */
    long (*ioctl)(struct socket *so, unsigned long cmd, uint64_t arg);
    /* The socket is closed (last file reference, or sock_destroy): free
     * so->priv and everything it holds, tell peers and waiters. */
    void (*release)(struct socket *so);
};

/* A family: create sets so->ops and so->priv for type (without the
 * SOCK_* flags) and protocol: 0, -ESOCKTNOSUPPORT / -EPROTONOSUPPORT /
 * -EPROTOTYPE as Linux's family does, or -ENOMEM; on an error so is
 * freed without release, so create leaves nothing in so->priv then. */
struct sock_family {
    int family;
    int (*create)(struct socket *so, int type, int protocol);
};
/* Register a family (at boot; from socket_init). */
void sock_family_register(const struct sock_family *fam);
/* Register the families built in (socket.c: AF_UNIX; AF_INET's init
 * goes next to unix_init there). */
void socket_init(void);
void unix_init(void);

/* A new socket of family, type and protocol (checked by the family's
 * create): 0 and *out (no file yet), -EAFNOSUPPORT, the family's errors,
 * -ENOMEM. */
int sock_create(int family, int type, int protocol, struct socket **out);
/* Data between a socket and a kernel buffer (sendfile and splice): one
 * sendmsg or recvmsg of n bytes at buf, with MSG_DONTWAIT when nonblock.
 * The count or -errno, as the family's call gives it (no SIGPIPE: the
 * caller raises it). */
long sock_send_kernel(struct socket *so, const void *buf, size_t n, int nonblock);
long sock_recv_kernel(struct socket *so, void *buf, size_t n, int nonblock);
/* A socket of an existing family made by its family (the server side of
 * a connection), ops copied from parent: 0 and *out, -ENOMEM. */
int sock_alloc(const struct socket *parent, struct socket **out);
/* Give so a file (O_RDWR | flags, flags: O_NONBLOCK): 0 and *out, the
 * file owning so from then on; or -ENOMEM with so still the caller's. */
int sock_file(struct socket *so, uint32_t flags, struct file **out);
/* End a socket that has no file: ops->release (when so->priv is set),
 * then free it. */
void sock_destroy(struct socket *so);
/* The socket behind f, or NULL when f is not one. */
struct socket *sock_of(const struct file *f);
/* Sockets alive (leak checks). */
uint64_t sock_count(void);

/* Blocking for families. sock_deadline: the clock_ns() deadline for a
 * wait of direction snd (0: receive, SO_RCVTIMEO; 1: send, SO_SNDTIMEO),
 * taken once at the start of an operation; 0 means none. sock_wait: sleep
 * on q until woken (0); -EAGAIN once the deadline passed; a signal is
 * -ERESTARTSYS without a timeout, -EINTR with one (Linux's
 * sock_intr_errno). Look at the state again after it returns. */
uint64_t sock_deadline(const struct socket *so, int snd);
int sock_wait(struct waitq *q, uint64_t deadline);
/* Wake the socket's pollers (and epoll) with events. */
void sock_notify(struct socket *so, int events);

/* Data between the program's iovecs and a family's kernel buffer: at
 * most n bytes (and m->left), advancing m. The count (short only when m
 * ran out), or -EFAULT when a segment faults before anything moved (a
 * fault after some bytes ends the copy there: the count so far). */
long sock_msg_copy_in(struct sock_msg *m, void *buf, size_t n);
long sock_msg_copy_out(struct sock_msg *m, const void *buf, size_t n);
/* Append a control message (level, type, len bytes of data) to a
 * recvmsg's control buffer: 0, or -EMSGSIZE with MSG_CTRUNC set in
 * m->flags when it does not fit whole (nothing is added then). */
int sock_cmsg_put(struct sock_msg *m, int level, int type, const void *data, size_t len);
/* Room for data in the next control message: bytes, 0 when no header fits. */
size_t sock_cmsg_room(const struct sock_msg *m);
/* The control messages of a sendmsg, each checked as Linux's CMSG_OK
 * (header within the buffer, cmsg_len at least the header): *c the next
 * one after c (NULL: the first), 1; 0 at the end; -EINVAL for a
 * malformed one. */
int sock_cmsg_next(const struct sock_msg *m, const struct cmsghdr **c);

#endif
