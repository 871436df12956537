/* AF_NETLINK (Linux's netlink(7)): datagrams of netlink messages between a
 * program and the kernel. Only NETLINK_ROUTE is built, read-only
 * (rtnl.c answers its requests); no multicast groups are ever sent to.
 * netlink.c has the sockets, the framing, acknowledgements and errors. */
#ifndef UNIPLEX_NET_NETLINK_H
#define UNIPLEX_NET_NETLINK_H

#include <stddef.h>
#include <stdint.h>

struct file;

#define AF_NETLINK    16
#define NETLINK_ROUTE 0
#define NETLINK_MAX   32 /* MAX_LINKS: protocol >= this is -EPROTONOSUPPORT */

struct sockaddr_nl {
    uint16_t nl_family;
    uint16_t nl_pad;
    uint32_t nl_pid; /* port id: 0 the kernel */
    uint32_t nl_groups;
};
_Static_assert(sizeof(struct sockaddr_nl) == 12, "Linux struct sockaddr_nl");

struct nlmsghdr {
    uint32_t nlmsg_len; /* header, payload and attributes, unpadded */
    uint16_t nlmsg_type;
    uint16_t nlmsg_flags;
    uint32_t nlmsg_seq;
    uint32_t nlmsg_pid;
};
_Static_assert(sizeof(struct nlmsghdr) == 16, "Linux struct nlmsghdr");

#define NLMSG_ALIGN(n) (((n) + 3) & ~(size_t)3)

#define NLM_F_REQUEST 0x1
#define NLM_F_MULTI   0x2
#define NLM_F_ACK     0x4
#define NLM_F_ROOT    0x100
#define NLM_F_MATCH   0x200
#define NLM_F_DUMP    (NLM_F_ROOT | NLM_F_MATCH)

#define NLMSG_NOOP     1
#define NLMSG_ERROR    2
#define NLMSG_DONE     3
#define NLMSG_MIN_TYPE 0x10 /* below: control messages, never requests */

struct nlmsgerr {
    int32_t error; /* -errno, 0 for an acknowledgement */
    struct nlmsghdr msg;
};
_Static_assert(sizeof(struct nlmsgerr) == 20, "Linux struct nlmsgerr");

/* An attribute after a message's fixed part (struct rtattr / nlattr). */
struct rtattr {
    uint16_t rta_len; /* header and data, unpadded */
    uint16_t rta_type;
};
_Static_assert(sizeof(struct rtattr) == 4, "Linux struct rtattr");

/* One message being built (rtnl.c's replies are small: a few attributes). */
#define NL_MSG_MAX 512
struct nl_msg {
    size_t len;
    uint8_t buf[NL_MSG_MAX] __attribute__((aligned(4)));
};

/* The replies to one request, as the datagrams a recvmsg takes one at a
 * time (at most NL_DGRAM_MAX bytes each, whole messages, as Linux's dump
 * fills its buffers of about a page). */
#define NL_DGRAM_MAX 4096
struct nl_dgram {
    struct nl_dgram *next;
    uint32_t src; /* the sender's port id (0: the kernel) */
    size_t len, cap;
    uint8_t data[];
};
struct nl_reply {
    struct nl_dgram *head, *last;
    const struct nlmsghdr *req; /* the request: its seq goes into every reply */
    uint32_t portid;            /* the requester's port id: every reply's nlmsg_pid */
    int err;                    /* -ENOMEM once an allocation failed */
};

/* Start m as a message of type and flags (the request's seq, the requester's port id) with
 * fixed part hdr of n bytes. */
void nl_msg_start(struct nl_msg *m, const struct nl_reply *r, uint16_t type, uint16_t flags,
                  const void *hdr, size_t n);
/* Append attribute type with n bytes of data to m. */
void nl_msg_attr(struct nl_msg *m, uint16_t type, const void *data, size_t n);
/* Add m to the reply (a new datagram when the last is full). */
void nl_reply_add(struct nl_reply *r, const struct nl_msg *m);
/* Add a whole message of n bytes, already built, to the reply. */
void nl_reply_put(struct nl_reply *r, const void *msg, size_t n);

/* NETLINK_ROUTE (rtnl.c): answer the request h (a NLM_F_REQUEST of type
 * at least NLMSG_MIN_TYPE, nlmsg_len checked), adding its replies to r. 0,
 * 1 for a dump (its replies end in NLMSG_DONE and it takes no ack), or
 * -errno for the NLMSG_ERROR. */
int rtnl_request(const struct nlmsghdr *h, struct nl_reply *r);

/* Whether f is a netlink socket, as Linux's netlink_getsockbyfilp asks:
 * 0, -ENOTSOCK (no socket) or -EINVAL (another family). */
int netlink_file_check(struct file *f);
/* Queue a datagram of n bytes from the kernel (port 0) on the netlink
 * socket behind f (checked), as Linux's netlink_sendskb: dropped
 * (-ENOMEM, or ENOBUFS for the socket past SO_RCVBUF) when it cannot be
 * kept. Used by mq_notify's SIGEV_THREAD (kernel/ipc/mqnotify.c). */
int netlink_post(struct file *f, const void *data, size_t n);

/* Register AF_NETLINK (from socket_init). */
void netlink_init(void);

#endif
