/* NETLINK_ROUTE's requests (rtnetlink(7)), read-only: dumps of the links
 * (RTM_GETLINK, also one link by index or name), the IPv4 addresses
 * (RTM_GETADDR) and the routes (RTM_GETROUTE: each interface's connected
 * network, lo's in the local table as Linux, and the default route through
 * the gateway). Changes (RTM_NEW*, DEL*, SET*) are -EPERM for the
 * unprivileged and -EOPNOTSUPP for root, as a kernel with no handler
 * for them answers. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/net/ifinfo.h"
#include "kernel/net/inet.h"
#include "kernel/net/netlink.h"
#include "kernel/proc/proc.h"
#include "lwip/netif.h"

#define RTM_BASE     16
#define RTM_NEWLINK  16
#define RTM_GETLINK  18
#define RTM_NEWADDR  20
#define RTM_GETADDR  22
#define RTM_NEWROUTE 24
#define RTM_GETROUTE 26
#define RTM_MAX      123 /* Linux 6.18's: above it, -EOPNOTSUPP before anything */
#define RTM_KIND_GET 2   /* (type - RTM_BASE) & 3: NEW, DEL, GET, SET */

#define IFLA_ADDRESS    1
#define IFLA_BROADCAST  2
#define IFLA_IFNAME     3
#define IFLA_MTU        4
#define IFLA_TXQLEN     13
#define IFLA_OPERSTATE  16
#define IF_OPER_UNKNOWN 0
#define IF_OPER_DOWN    2
#define IF_OPER_UP      6

#define IFA_ADDRESS     1
#define IFA_LOCAL       2
#define IFA_LABEL       3
#define IFA_BROADCAST   4
#define IFA_FLAGS       8
#define IFA_F_PERMANENT 0x80

#define RTA_DST           1
#define RTA_OIF           4
#define RTA_GATEWAY       5
#define RTA_PREFSRC       7
#define RTA_TABLE         15
#define RT_TABLE_MAIN     254
#define RT_TABLE_LOCAL    255
#define RTPROT_KERNEL     2
#define RTPROT_BOOT       3
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK     253
#define RT_SCOPE_HOST     254
#define RTN_UNICAST       1
#define RTN_LOCAL         2

struct ifinfomsg {
    uint8_t ifi_family, ifi_pad;
    uint16_t ifi_type;
    int32_t ifi_index;
    uint32_t ifi_flags, ifi_change;
};
_Static_assert(sizeof(struct ifinfomsg) == 16, "Linux struct ifinfomsg");

struct ifaddrmsg {
    uint8_t ifa_family, ifa_prefixlen, ifa_flags, ifa_scope;
    uint32_t ifa_index;
};
_Static_assert(sizeof(struct ifaddrmsg) == 8, "Linux struct ifaddrmsg");

struct rtmsg {
    uint8_t rtm_family, rtm_dst_len, rtm_src_len, rtm_tos;
    uint8_t rtm_table, rtm_protocol, rtm_scope, rtm_type;
    uint32_t rtm_flags;
};
_Static_assert(sizeof(struct rtmsg) == 12, "Linux struct rtmsg");

/* Each interface in index order, as Linux dumps them (lwIP's list has
 * the newest first). */
#define IF_FOREACH_INDEX(i, nif)                                                                   \
    for (int i = 1; i <= 255; i++)                                                                 \
        if (((nif) = netif_get_by_index((u8_t)i)) != NULL)

/* --- links ------------------------------------------------------------------- */

static void link_msg(struct nl_reply *r, const struct netif *nif, uint16_t flags)
{
    static const uint8_t zero[6], bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    int loop = if_is_loop(nif), f = if_flags(nif);
    struct ifinfomsg ifi = {
        AF_UNSPEC, 0, loop ? ARPHRD_LOOPBACK : ARPHRD_ETHER, netif_get_index(nif), 0, 0};
    ifi.ifi_flags = (uint32_t)f | (f & IFF_RUNNING ? IFF_LOWER_UP : 0);
    uint32_t mtu = loop ? 65536 : nif->mtu, qlen = 1000;
    uint8_t oper = loop ? IF_OPER_UNKNOWN : f & IFF_RUNNING ? IF_OPER_UP : IF_OPER_DOWN;
    char name[IFNAMSIZ];
    struct nl_msg m;
    if_name(nif, name);
    nl_msg_start(&m, r, RTM_NEWLINK, flags, &ifi, sizeof(ifi));
    nl_msg_attr(&m, IFLA_IFNAME, name, strlen(name) + 1);
    nl_msg_attr(&m, IFLA_TXQLEN, &qlen, sizeof(qlen));
    nl_msg_attr(&m, IFLA_OPERSTATE, &oper, sizeof(oper));
    nl_msg_attr(&m, IFLA_MTU, &mtu, sizeof(mtu));
    nl_msg_attr(&m, IFLA_ADDRESS, loop ? zero : nif->hwaddr, 6);
    nl_msg_attr(&m, IFLA_BROADCAST, loop ? zero : bcast, 6);
    nl_reply_add(r, &m);
}

static void dump_links(struct nl_reply *r)
{
    struct netif *nif;
    IF_FOREACH_INDEX(i, nif)
    {
        link_msg(r, nif, NLM_F_MULTI);
    }
}

/* The interface an RTM_GETLINK names: by ifi_index, else IFLA_IFNAME. */
static int link_find(const struct nlmsghdr *h, struct netif **out)
{
    const uint8_t *p = (const uint8_t *)h + sizeof(*h);
    size_t n = h->nlmsg_len - sizeof(*h), at = NLMSG_ALIGN(sizeof(struct ifinfomsg));
    struct ifinfomsg ifi;
    char want[IFNAMSIZ], name[IFNAMSIZ];
    if (n < sizeof(ifi))
        return -EINVAL;
    memcpy(&ifi, p, sizeof(ifi));
    if (ifi.ifi_index > 0) {
        *out = ifi.ifi_index <= 255 ? netif_get_by_index((u8_t)ifi.ifi_index) : NULL;
        return *out ? 0 : -ENODEV;
    }
    for (struct rtattr a; at + sizeof(a) <= n; at += NLMSG_ALIGN(a.rta_len)) {
        memcpy(&a, p + at, sizeof(a));
        if (a.rta_len < sizeof(a) || at + a.rta_len > n)
            return -EINVAL;
        if (a.rta_type != IFLA_IFNAME)
            continue;
        size_t len = a.rta_len - sizeof(a) < IFNAMSIZ - 1 ? a.rta_len - sizeof(a) : IFNAMSIZ - 1;
        memset(want, 0, sizeof(want));
        memcpy(want, p + at + sizeof(a), len);
        NETIF_FOREACH(*out)
        {
            if_name(*out, name);
            if (!strcmp(name, want))
                return 0;
        }
        return -ENODEV;
    }
    return -EINVAL;
}

static int get_link(const struct nlmsghdr *h, struct nl_reply *r)
{
    struct netif *nif;
    int err = link_find(h, &nif);
    if (!err)
        link_msg(r, nif, 0);
    return err;
}

/* --- addresses ----------------------------------------------------------------- */

static uint8_t prefix_len(const struct netif *nif)
{
    uint32_t mask = lwip_ntohl(ip4_addr_get_u32(netif_ip4_netmask(nif)));
    uint8_t n = 0;
    while (n < 32 && (mask & (0x80000000u >> n)))
        n++;
    return n;
}

static void addr_msg(struct nl_reply *r, const struct netif *nif)
{
    int loop = if_is_loop(nif);
    uint32_t a = ip4_addr_get_u32(netif_ip4_addr(nif));
    uint32_t b = a | ~ip4_addr_get_u32(netif_ip4_netmask(nif)), fl = IFA_F_PERMANENT;
    struct ifaddrmsg ifa = {AF_INET, prefix_len(nif), IFA_F_PERMANENT,
                            loop ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE, netif_get_index(nif)};
    char name[IFNAMSIZ];
    struct nl_msg m;
    if_name(nif, name);
    nl_msg_start(&m, r, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof(ifa));
    nl_msg_attr(&m, IFA_ADDRESS, &a, sizeof(a));
    nl_msg_attr(&m, IFA_LOCAL, &a, sizeof(a));
    if (!loop)
        nl_msg_attr(&m, IFA_BROADCAST, &b, sizeof(b));
    nl_msg_attr(&m, IFA_LABEL, name, strlen(name) + 1);
    nl_msg_attr(&m, IFA_FLAGS, &fl, sizeof(fl));
    nl_reply_add(r, &m);
}

static void dump_addrs(struct nl_reply *r)
{
    struct netif *nif;
    IF_FOREACH_INDEX(i, nif)
    {
        if (!ip4_addr_isany(netif_ip4_addr(nif)))
            addr_msg(r, nif);
    }
}

/* --- routes ------------------------------------------------------------------- */

/* nif's network: lo's (127.0.0.0/8) in the local table, as Linux keeps
 * it; the others' in the main table. */
static void net_route(struct nl_reply *r, const struct netif *nif)
{
    int loop = if_is_loop(nif);
    uint32_t a = ip4_addr_get_u32(netif_ip4_addr(nif));
    uint32_t net = a & ip4_addr_get_u32(netif_ip4_netmask(nif));
    uint32_t table = loop ? RT_TABLE_LOCAL : RT_TABLE_MAIN, oif = netif_get_index(nif);
    struct rtmsg rt = {AF_INET,
                       prefix_len(nif),
                       0,
                       0,
                       (uint8_t)table,
                       RTPROT_KERNEL,
                       loop ? RT_SCOPE_HOST : RT_SCOPE_LINK,
                       loop ? RTN_LOCAL : RTN_UNICAST,
                       0};
    struct nl_msg m;
    nl_msg_start(&m, r, RTM_NEWROUTE, NLM_F_MULTI, &rt, sizeof(rt));
    nl_msg_attr(&m, RTA_TABLE, &table, sizeof(table));
    nl_msg_attr(&m, RTA_DST, &net, sizeof(net));
    nl_msg_attr(&m, RTA_PREFSRC, &a, sizeof(a));
    nl_msg_attr(&m, RTA_OIF, &oif, sizeof(oif));
    nl_reply_add(r, &m);
}

static void default_route(struct nl_reply *r, const struct netif *nif)
{
    uint32_t gw = ip4_addr_get_u32(netif_ip4_gw(nif));
    uint32_t table = RT_TABLE_MAIN, oif = netif_get_index(nif);
    struct rtmsg rt = {AF_INET,           0,           0, 0, RT_TABLE_MAIN, RTPROT_BOOT,
                       RT_SCOPE_UNIVERSE, RTN_UNICAST, 0};
    struct nl_msg m;
    nl_msg_start(&m, r, RTM_NEWROUTE, NLM_F_MULTI, &rt, sizeof(rt));
    nl_msg_attr(&m, RTA_TABLE, &table, sizeof(table));
    nl_msg_attr(&m, RTA_GATEWAY, &gw, sizeof(gw));
    nl_msg_attr(&m, RTA_OIF, &oif, sizeof(oif));
    nl_reply_add(r, &m);
}

static void dump_routes(struct nl_reply *r)
{
    struct netif *nif;
    if (netif_default && !ip4_addr_isany(netif_ip4_gw(netif_default)))
        default_route(r, netif_default);
    IF_FOREACH_INDEX(i, nif)
    {
        if (!ip4_addr_isany(netif_ip4_addr(nif)))
            net_route(r, nif);
    }
}

/* --- requests ------------------------------------------------------------------ */

/* A dump of every family's entries (the request's family is not looked at:
 * AF_INET is the only one, as Linux's rtnl_dump_all answers a family it
 * has no dump for), then NLMSG_DONE: 1, or -EOPNOTSUPP. */
static int rtnl_dump(const struct nlmsghdr *h, struct nl_reply *r)
{
    int32_t done = 0;
    struct nl_msg m;
    switch (h->nlmsg_type) {
    case RTM_GETLINK:
        dump_links(r);
        break;
    case RTM_GETADDR:
        dump_addrs(r);
        break;
    case RTM_GETROUTE:
        dump_routes(r);
        break;
    default:
        return -EOPNOTSUPP;
    }
    nl_msg_start(&m, r, NLMSG_DONE, NLM_F_MULTI, &done, sizeof(done));
    nl_reply_add(r, &m);
    return 1;
}

/* As Linux's rtnetlink_rcv_msg. */
int rtnl_request(const struct nlmsghdr *h, struct nl_reply *r)
{
    if (h->nlmsg_type > RTM_MAX)
        return -EOPNOTSUPP;
    if (h->nlmsg_len - sizeof(*h) < 1)
        return 0; /* no family byte: nothing to do (Linux's rtgenmsg check) */
    int get = ((h->nlmsg_type - RTM_BASE) & 3) == RTM_KIND_GET;
    if (!get && !cred_capable(CAP_NET_ADMIN))
        return -EPERM;
    if (get && (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
        return rtnl_dump(h, r);
    if (h->nlmsg_type == RTM_GETLINK)
        return get_link(h, r);
    return -EOPNOTSUPP;
}
