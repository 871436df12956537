/* netlink: AF_NETLINK's NETLINK_ROUTE (issue 17, item 5), read-only, as
 * busybox ip uses it.
 *
 *   dumps of the links (lo is index 1, a loopback, up), the addresses
 *   (127.0.0.1/8 on lo) and the routes (127.0.0.0/8 on lo in the local
 *   table), each in NLM_F_MULTI messages ending with NLMSG_DONE, with the
 *   request's sequence number and the socket's port id; RTM_GETLINK by
 *   index and by name; bind's autobind to the process id and
 *   getsockname; NLM_F_ACK; NLMSG_ERROR for an unknown request type with
 *   the request echoed; recvmsg's MSG_PEEK|MSG_TRUNC sizing and a
 *   truncated read; poll readiness and EAGAIN; the errnos (EFAULT for bad
 *   pointers, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EINVAL, ENODEV).
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 10
static void *volatile BAD = (void *)8;

/* Linux's netlink ABI (musl has no linux/ headers). */
#ifndef AF_NETLINK
#define AF_NETLINK 16
#endif
#define NETLINK_ROUTE 0
#define NLM_F_REQUEST 1
#define NLM_F_MULTI   2
#define NLM_F_ACK     4
#define NLM_F_DUMP    0x300
#define NLMSG_NOOP    1
#define NLMSG_ERROR   2
#define NLMSG_DONE    3
#define RTM_NEWLINK   16
#define RTM_GETLINK   18
#define RTM_NEWADDR   20
#define RTM_GETADDR   22
#define RTM_NEWROUTE  24
#define RTM_GETROUTE  26
#define IFLA_IFNAME   3
#define IFA_LOCAL     2
#define IFA_LABEL     3
#define RTA_DST       1
#define RTA_OIF       4
#define ALIGN4(n)     (((n) + 3u) & ~3u)

struct sockaddr_nl {
    uint16_t nl_family, nl_pad;
    uint32_t nl_pid, nl_groups;
};
struct nlmsghdr {
    uint32_t nlmsg_len;
    uint16_t nlmsg_type, nlmsg_flags;
    uint32_t nlmsg_seq, nlmsg_pid;
};
struct ifinfomsg {
    uint8_t ifi_family, ifi_pad;
    uint16_t ifi_type;
    int32_t ifi_index;
    uint32_t ifi_flags, ifi_change;
};
struct ifaddrmsg {
    uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
    uint32_t ifa_index;
};
struct rtmsg {
    uint8_t family, dst_len, src_len, tos, table, protocol, scope, type;
    uint32_t flags;
};
struct rtattr {
    uint16_t rta_len, rta_type;
};

/* A request: header, a fixed part and room for attributes. */
struct req {
    struct nlmsghdr h;
    uint8_t body[64];
};

static int nl_open(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    T_EXPECT(fd >= 0, "socket: %s", t_errname(errno));
    return fd;
}

/* Send a request of type/flags with a fixed part of n bytes (zeros). */
static void nl_send(int fd, struct req *q, uint16_t type, uint16_t flags, size_t n, uint32_t seq)
{
    q->h.nlmsg_len = (uint32_t)(sizeof(q->h) + n);
    q->h.nlmsg_type = type;
    q->h.nlmsg_flags = flags;
    q->h.nlmsg_seq = seq;
    q->h.nlmsg_pid = 0;
    struct sockaddr_nl k = {AF_NETLINK, 0, 0, 0};
    ssize_t r = sendto(fd, q, q->h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof(k));
    T_EXPECT(r == (ssize_t)q->h.nlmsg_len, "sendto: %zd/%s", r, t_errname(errno));
}

static void dump_req(int fd, uint16_t type, uint32_t seq)
{
    struct req q;
    memset(&q, 0, sizeof(q));
    q.body[0] = AF_UNSPEC;
    nl_send(fd, &q, type, NLM_F_REQUEST | NLM_F_DUMP, sizeof(struct rtmsg), seq);
}

/* The attribute type of message h (fixed part of n bytes), or NULL. */
static const struct rtattr *attr(const struct nlmsghdr *h, size_t n, uint16_t type)
{
    size_t at = sizeof(*h) + ALIGN4(n);
    while (at + sizeof(struct rtattr) <= h->nlmsg_len) {
        const struct rtattr *a = (const struct rtattr *)((const char *)h + at);
        if (a->rta_len < sizeof(*a))
            return NULL;
        if (a->rta_type == type)
            return a;
        at += ALIGN4(a->rta_len);
    }
    return NULL;
}

static const void *attr_data(const struct rtattr *a)
{
    return a + 1;
}

/* Read a dump to its NLMSG_DONE, calling fn on each message (which must
 * be of type want, carry seq and the socket's port id): the count. */
static int dump_read(int fd, uint16_t want, uint32_t seq, void (*fn)(const struct nlmsghdr *))
{
    static char buf[32768] __attribute__((aligned(4)));
    struct sockaddr_nl me;
    socklen_t ml = sizeof(me);
    T_EXPECT(getsockname(fd, (struct sockaddr *)&me, &ml) == 0, "getsockname");
    int count = 0;
    for (;;) {
        struct sockaddr_nl from;
        struct iovec iov = {buf, sizeof(buf)};
        struct msghdr mh = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
                            .msg_iovlen = 1};
        ssize_t n = recvmsg(fd, &mh, 0);
        T_EXPECT(n > 0, "recvmsg: %zd/%s", n, t_errname(errno));
        T_EXPECT(mh.msg_namelen == sizeof(from) && from.nl_family == AF_NETLINK &&
                     from.nl_pid == 0,
                 "source %u/%u/%u", mh.msg_namelen, from.nl_family, from.nl_pid);
        for (char *p = buf; p < buf + n;) {
            struct nlmsghdr *h = (struct nlmsghdr *)p;
            T_EXPECT(h->nlmsg_len >= sizeof(*h) && p + h->nlmsg_len <= buf + n, "bad length");
            T_EXPECT(h->nlmsg_seq == seq && h->nlmsg_pid == me.nl_pid, "seq %u pid %u",
                     h->nlmsg_seq, h->nlmsg_pid);
            T_EXPECT(h->nlmsg_flags & NLM_F_MULTI, "no NLM_F_MULTI");
            if (h->nlmsg_type == NLMSG_DONE)
                return count;
            T_EXPECT(h->nlmsg_type == want, "type %u, want %u", h->nlmsg_type, want);
            fn(h);
            count++;
            p += ALIGN4(h->nlmsg_len);
        }
    }
}

static int seen_lo;

static void on_link(const struct nlmsghdr *h)
{
    const struct ifinfomsg *ifi = (const void *)(h + 1);
    const struct rtattr *name = attr(h, sizeof(*ifi), IFLA_IFNAME);
    T_EXPECT(name, "link %d without IFLA_IFNAME", ifi->ifi_index);
    if (ifi->ifi_index != 1)
        return;
    T_EXPECT(!strcmp(attr_data(name), "lo"), "index 1 is %s", (const char *)attr_data(name));
    T_EXPECT(ifi->ifi_type == 772, "lo's type %u", ifi->ifi_type);
    T_EXPECT((ifi->ifi_flags & 0x9) == 0x9, "lo's flags %#x", ifi->ifi_flags);
    seen_lo = 1;
}

static void c_links(void)
{
    int fd = nl_open();
    dump_req(fd, RTM_GETLINK, 7);
    int n = dump_read(fd, RTM_NEWLINK, 7, on_link);
    T_EXPECT(n >= 1 && seen_lo, "%d links, lo %d", n, seen_lo);
}

static void on_addr(const struct nlmsghdr *h)
{
    const struct ifaddrmsg *ifa = (const void *)(h + 1);
    const struct rtattr *local = attr(h, sizeof(*ifa), IFA_LOCAL);
    const struct rtattr *label = attr(h, sizeof(*ifa), IFA_LABEL);
    if (ifa->ifa_family != AF_INET || ifa->ifa_index != 1)
        return;
    T_EXPECT(local && label, "lo's address without IFA_LOCAL or IFA_LABEL");
    uint32_t a;
    memcpy(&a, attr_data(local), 4);
    T_EXPECT(a == htonl(0x7f000001) && ifa->ifa_prefixlen == 8, "lo's address %#x/%u", ntohl(a),
             ifa->ifa_prefixlen);
    T_EXPECT(!strcmp(attr_data(label), "lo"), "label %s", (const char *)attr_data(label));
    seen_lo = 1;
}

static void c_addrs(void)
{
    int fd = nl_open();
    dump_req(fd, RTM_GETADDR, 8);
    dump_read(fd, RTM_NEWADDR, 8, on_addr);
    T_EXPECT(seen_lo, "no 127.0.0.1/8 on lo");
}

static void on_route(const struct nlmsghdr *h)
{
    const struct rtmsg *rt = (const void *)(h + 1);
    const struct rtattr *dst = attr(h, sizeof(*rt), RTA_DST);
    const struct rtattr *oif = attr(h, sizeof(*rt), RTA_OIF);
    uint32_t d, o;
    if (rt->family != AF_INET || !dst || !oif || rt->dst_len != 8)
        return;
    memcpy(&d, attr_data(dst), 4);
    memcpy(&o, attr_data(oif), 4);
    if (d == htonl(0x7f000000) && o == 1 && rt->table == 255)
        seen_lo = 1;
}

static void c_routes(void)
{
    int fd = nl_open();
    dump_req(fd, RTM_GETROUTE, 9);
    dump_read(fd, RTM_NEWROUTE, 9, on_route);
    T_EXPECT(seen_lo, "no 127.0.0.0/8 on lo in the local table");
}

/* Receive one message into buf: its length. */
static ssize_t recv_one(int fd, void *buf, size_t n)
{
    ssize_t r = recv(fd, buf, n, 0);
    T_EXPECT(r >= (ssize_t)sizeof(struct nlmsghdr), "recv: %zd/%s", r, t_errname(errno));
    return r;
}

static void c_getlink(void)
{
    int fd = nl_open();
    struct req q;
    char buf[4096] __attribute__((aligned(4)));
    memset(&q, 0, sizeof(q));
    struct ifinfomsg *ifi = (struct ifinfomsg *)q.body;
    ifi->ifi_index = 1;
    nl_send(fd, &q, RTM_GETLINK, NLM_F_REQUEST, sizeof(*ifi), 1);
    recv_one(fd, buf, sizeof(buf));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    T_EXPECT(h->nlmsg_type == RTM_NEWLINK && ((struct ifinfomsg *)(h + 1))->ifi_index == 1,
             "by index: type %u", h->nlmsg_type);
    /* by name */
    ifi->ifi_index = 0;
    struct rtattr *a = (struct rtattr *)(q.body + sizeof(*ifi));
    a->rta_len = sizeof(*a) + 3;
    a->rta_type = IFLA_IFNAME;
    memcpy(a + 1, "lo", 3);
    nl_send(fd, &q, RTM_GETLINK, NLM_F_REQUEST, sizeof(*ifi) + ALIGN4(a->rta_len), 2);
    recv_one(fd, buf, sizeof(buf));
    T_EXPECT(h->nlmsg_type == RTM_NEWLINK && ((struct ifinfomsg *)(h + 1))->ifi_index == 1 &&
                 h->nlmsg_seq == 2,
             "by name: type %u", h->nlmsg_type);
    /* no such index */
    ifi->ifi_index = 9999;
    nl_send(fd, &q, RTM_GETLINK, NLM_F_REQUEST, sizeof(*ifi), 3);
    recv_one(fd, buf, sizeof(buf));
    T_EXPECT(h->nlmsg_type == NLMSG_ERROR && *(int32_t *)(h + 1) == -ENODEV,
             "index 9999: type %u error %d", h->nlmsg_type, *(int32_t *)(h + 1));
}

static void c_bind(void)
{
    int fd = nl_open();
    struct sockaddr_nl a = {AF_NETLINK, 0, 0, 0};
    socklen_t len = sizeof(a);
    T_EXPECT(getsockname(fd, (struct sockaddr *)&a, &len) == 0 && a.nl_pid == 0,
             "unbound: pid %u", a.nl_pid);
    a.nl_pid = 0;
    T_EXPECT(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0, "bind: %s", t_errname(errno));
    len = sizeof(a);
    T_EXPECT(getsockname(fd, (struct sockaddr *)&a, &len) == 0, "getsockname");
    T_EXPECT(len == sizeof(a) && a.nl_family == AF_NETLINK && a.nl_pid == (uint32_t)getpid(),
             "bound: len %u pid %u, getpid %d", len, a.nl_pid, getpid());
    /* a second socket gets another id; its own explicit id is taken */
    int fd2 = nl_open();
    struct sockaddr_nl b = {AF_NETLINK, 0, (uint32_t)getpid(), 0};
    T_EXPECT_ERR_BY(t_die, "bind to a taken id", bind(fd2, (struct sockaddr *)&b, sizeof(b)),
                    EADDRINUSE);
    b.nl_pid = 0;
    T_EXPECT(bind(fd2, (struct sockaddr *)&b, sizeof(b)) == 0, "bind 2");
    len = sizeof(b);
    T_EXPECT(getsockname(fd2, (struct sockaddr *)&b, &len) == 0 && b.nl_pid != a.nl_pid &&
                 b.nl_pid != 0,
             "second id %u", b.nl_pid);
    /* rebinding to another id */
    b.nl_pid = 12345;
    T_EXPECT_ERR_BY(t_die, "rebind", bind(fd2, (struct sockaddr *)&b, sizeof(b)), EINVAL);
    T_EXPECT_ERR_BY(t_die, "short address", bind(fd2, (struct sockaddr *)&b, 4), EINVAL);
    b.nl_family = AF_INET;
    T_EXPECT_ERR_BY(t_die, "wrong family", bind(fd2, (struct sockaddr *)&b, sizeof(b)), EINVAL);
}

static void c_ack(void)
{
    int fd = nl_open();
    struct req q;
    char buf[256] __attribute__((aligned(4)));
    memset(&q, 0, sizeof(q));
    nl_send(fd, &q, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 0, 5);
    ssize_t n = recv_one(fd, buf, sizeof(buf));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct sockaddr_nl me;
    socklen_t ml = sizeof(me);
    T_EXPECT(getsockname(fd, (struct sockaddr *)&me, &ml) == 0, "getsockname");
    T_EXPECT(n == 36 && h->nlmsg_type == NLMSG_ERROR && h->nlmsg_len == 36 &&
                 *(int32_t *)(h + 1) == 0 && h->nlmsg_seq == 5 && h->nlmsg_pid == me.nl_pid,
             "ack: %zd bytes, type %u error %d", n, h->nlmsg_type, *(int32_t *)(h + 1));
    /* without NLM_F_ACK: nothing comes back */
    nl_send(fd, &q, NLMSG_NOOP, NLM_F_REQUEST, 0, 6);
    T_EXPECT_ERR_BY(t_die, "no ack", recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
}

static void c_unknown_type(void)
{
    int fd = nl_open();
    struct req q;
    char buf[256] __attribute__((aligned(4)));
    memset(&q, 0, sizeof(q));
    nl_send(fd, &q, 0x3ff, NLM_F_REQUEST, 4, 11);
    ssize_t n = recv_one(fd, buf, sizeof(buf));
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    struct nlmsghdr *echo = (struct nlmsghdr *)((char *)(h + 1) + 4);
    T_EXPECT(h->nlmsg_type == NLMSG_ERROR && *(int32_t *)(h + 1) == -EOPNOTSUPP,
             "type %u error %d", h->nlmsg_type, *(int32_t *)(h + 1));
    T_EXPECT(n == 16 + 4 + 20 && echo->nlmsg_type == 0x3ff && echo->nlmsg_seq == 11,
             "echo: %zd bytes, type %#x", n, echo->nlmsg_type);
}

static void c_peek_trunc(void)
{
    int fd = nl_open();
    char buf[32768] __attribute__((aligned(4)));
    dump_req(fd, RTM_GETLINK, 3);
    struct iovec iov = {NULL, 0};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    ssize_t full = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
    T_EXPECT(full > 16 && (mh.msg_flags & MSG_TRUNC), "peek: %zd flags %#x", full, mh.msg_flags);
    iov.iov_base = buf;
    iov.iov_len = 16;
    mh.msg_flags = 0;
    ssize_t n = recvmsg(fd, &mh, 0);
    T_EXPECT(n == 16 && (mh.msg_flags & MSG_TRUNC), "short read: %zd flags %#x", n,
             mh.msg_flags);
    /* the truncated datagram is gone: what follows (if anything) is another */
    n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_PEEK);
    T_EXPECT(n > 0 || errno == EAGAIN, "after: %zd/%s", n, t_errname(errno));
}

static void c_poll(void)
{
    int fd = nl_open();
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    T_EXPECT(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "idle: %#x", p.revents);
    char buf[64];
    T_EXPECT_ERR_BY(t_die, "empty", recv(fd, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN);
    dump_req(fd, RTM_GETADDR, 4);
    T_EXPECT(poll(&p, 1, 1000) == 1 && (p.revents & POLLIN), "after a request: %#x", p.revents);
}

static void c_errors(void)
{
    T_EXPECT_ERR_BY(t_die, "protocol 31", socket(AF_NETLINK, SOCK_RAW, 31), EPROTONOSUPPORT);
    T_EXPECT_ERR_BY(t_die, "protocol 32", socket(AF_NETLINK, SOCK_RAW, 32), EPROTONOSUPPORT);
    T_EXPECT_ERR_BY(t_die, "stream", socket(AF_NETLINK, SOCK_STREAM, 0), ESOCKTNOSUPPORT);
    int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE);
    T_EXPECT(fd >= 0, "SOCK_DGRAM: %s", t_errname(errno));
    struct sockaddr_nl k = {AF_NETLINK, 0, 0, 0};
    socklen_t len = sizeof(k);
    T_EXPECT_ERR_BY(t_die, "bind bad address", bind(fd, BAD, sizeof(k)), EFAULT);
    T_EXPECT_ERR_BY(t_die, "getsockname bad", getsockname(fd, BAD, &len), EFAULT);
    T_EXPECT_ERR_BY(t_die, "sendto bad buffer",
                    sendto(fd, BAD, 32, 0, (struct sockaddr *)&k, sizeof(k)), EFAULT);
    dump_req(fd, RTM_GETLINK, 1);
    T_EXPECT_ERR_BY(t_die, "recv bad buffer", recv(fd, BAD, 4096, 0), EFAULT);
    k.nl_pid = 0x7ffffff0; /* no socket has it */
    char m[20] = {20};
    T_EXPECT_ERR_BY(t_die, "to nobody", sendto(fd, m, sizeof(m), 0, (struct sockaddr *)&k,
                                               sizeof(k)),
                    ECONNREFUSED);
    T_EXPECT_ERR_BY(t_die, "oob", send(fd, m, sizeof(m), MSG_OOB), EOPNOTSUPP);
}

static const struct t_case cases[] = {
    {"links", c_links},       {"addrs", c_addrs}, {"routes", c_routes},
    {"getlink", c_getlink},   {"bind", c_bind},   {"ack", c_ack},
    {"unknown_type", c_unknown_type}, {"peek_trunc", c_peek_trunc},
    {"poll", c_poll},         {"errors", c_errors},
};

int main(int argc, char **argv)
{
    int r = t_run_cases("netlink", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S,
                        T_CASE_GROUP, argc, argv);
    while (p_wait(-1, NULL, 0) > 0)
        ;
    return r;
}
