/* The interface ioctls on any AF_INET socket (Linux's SIOCGIF* and the two
 * that set an address), as busybox ifconfig and ip use them. Interfaces
 * have Linux's names and indexes: lo (1), then eth0 (2)... */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/net/ether.h"
#include "kernel/net/ifinfo.h"
#include "kernel/net/inet.h"
#include "kernel/net/net.h"
#include "kernel/proc/proc.h"
#include "lwip/netif.h"

#define SIOCGIFNAME    0x8910
#define SIOCGIFCONF    0x8912
#define SIOCGIFFLAGS   0x8913
#define SIOCSIFFLAGS   0x8914
#define SIOCGIFADDR    0x8915
#define SIOCSIFADDR    0x8916
#define SIOCGIFDSTADDR 0x8917
#define SIOCGIFBRDADDR 0x8919
#define SIOCGIFNETMASK 0x891b
#define SIOCSIFNETMASK 0x891c
#define SIOCGIFMETRIC  0x891d
#define SIOCGIFMTU     0x8921
#define SIOCGIFHWADDR  0x8927
#define SIOCGIFINDEX   0x8933
#define SIOCGIFTXQLEN  0x8942

struct ifreq {
    char name[IFNAMSIZ];
    union {
        struct sockaddr_in addr;
        struct {
            uint16_t family;
            uint8_t data[14];
        } hw;
        int16_t flags;
        int32_t ivalue;
        uint8_t pad[24];
    } u;
};
_Static_assert(sizeof(struct ifreq) == 40, "Linux x86-64 struct ifreq");

struct ifconf {
    int32_t len;
    int32_t pad;
    uint64_t buf;
};
_Static_assert(sizeof(struct ifconf) == 16, "Linux x86-64 struct ifconf");

int if_is_loop(const struct netif *nif)
{
    return nif->name[0] == 'l' && nif->name[1] == 'o';
}

void if_name(const struct netif *nif, char name[IFNAMSIZ])
{
    memset(name, 0, IFNAMSIZ);
    strlcpy(name, if_is_loop(nif) ? "lo" : ether_ifname(nif), IFNAMSIZ);
}

static struct netif *if_find(const char *name)
{
    struct netif *nif;
    char n[IFNAMSIZ];
    NETIF_FOREACH(nif)
    {
        if_name(nif, n);
        if (!strncmp(n, name, IFNAMSIZ))
            return nif;
    }
    return NULL;
}

static void put_addr(struct ifreq *r, const ip4_addr_t *a)
{
    memset(&r->u, 0, sizeof r->u);
    r->u.addr.sin_family = AF_INET;
    r->u.addr.sin_addr = ip4_addr_get_u32(a);
}

int if_flags(const struct netif *nif)
{
    int f = netif_is_up(nif) ? IFF_UP : 0;
    if (if_is_loop(nif))
        return f | IFF_LOOPBACK | (f ? IFF_RUNNING : 0);
    f |= IFF_BROADCAST | IFF_MULTICAST;
    return f | (netif_is_up(nif) && netif_is_link_up(nif) ? IFF_RUNNING : 0);
}

/* Answer a SIOCGIF* that names an interface (in r->name): 0 or -errno. */
static int if_get(unsigned long cmd, struct netif *nif, struct ifreq *r)
{
    ip4_addr_t bcast;
    switch (cmd) {
    case SIOCGIFFLAGS:
        memset(&r->u, 0, sizeof r->u);
        r->u.flags = (int16_t)if_flags(nif);
        return 0;
    case SIOCGIFADDR:
        put_addr(r, netif_ip4_addr(nif));
        return 0;
    case SIOCGIFDSTADDR:
        put_addr(r, netif_ip4_addr(nif));
        return 0;
    case SIOCGIFNETMASK:
        put_addr(r, netif_ip4_netmask(nif));
        return 0;
    case SIOCGIFBRDADDR:
        ip4_addr_set_u32(&bcast, ip4_addr_get_u32(netif_ip4_addr(nif)) |
                                     ~ip4_addr_get_u32(netif_ip4_netmask(nif)));
        put_addr(r, if_is_loop(nif) ? IP4_ADDR_ANY4 : &bcast);
        return 0;
    case SIOCGIFMETRIC:
        r->u.ivalue = 0;
        return 0;
    case SIOCGIFMTU:
        r->u.ivalue = if_is_loop(nif) ? 65536 : nif->mtu;
        return 0;
    case SIOCGIFTXQLEN:
        r->u.ivalue = if_is_loop(nif) ? 1000 : 1000;
        return 0;
    case SIOCGIFINDEX:
        r->u.ivalue = netif_get_index(nif);
        return 0;
    case SIOCGIFHWADDR:
        memset(&r->u, 0, sizeof r->u);
        r->u.hw.family = if_is_loop(nif) ? ARPHRD_LOOPBACK : ARPHRD_ETHER;
        memcpy(r->u.hw.data, nif->hwaddr, if_is_loop(nif) ? 0 : 6);
        return 0;
    default:
        return -ENOTTY;
    }
}

/* SIOCSIFFLAGS: an interface up or down; the other flags are the
 * interface's own (IFF_RUNNING follows the link): a change to one of them
 * is refused. */
static int if_set_flags(struct netif *nif, int flags)
{
    int have = if_flags(nif);
    if ((flags ^ have) & ~(IFF_UP | IFF_RUNNING) & 0xffff)
        return -EINVAL;
    if ((flags & IFF_UP) && !netif_is_up(nif))
        netif_set_up(nif);
    else if (!(flags & IFF_UP) && netif_is_up(nif))
        netif_set_down(nif);
    return 0;
}

/* SIOCSIFADDR/SIOCSIFNETMASK/SIOCSIFFLAGS (root only). */
static int if_set(unsigned long cmd, struct netif *nif, const struct ifreq *r)
{
    ip4_addr_t a;
    if (!cred_capable(CAP_NET_ADMIN))
        return -EPERM;
    if (cmd == SIOCSIFFLAGS)
        return if_set_flags(nif, (uint16_t)r->u.flags);
    if (r->u.addr.sin_family != AF_INET)
        return -EINVAL;
    ip4_addr_set_u32(&a, r->u.addr.sin_addr);
    if (cmd == SIOCSIFADDR)
        netif_set_ipaddr(nif, &a);
    else
        netif_set_netmask(nif, &a);
    return 0;
}

/* SIOCGIFCONF: the interfaces with an address, as many as fit (a NULL
 * buffer asks for the size). */
static int if_conf(uint64_t arg)
{
    struct ifconf c;
    struct netif *nif;
    int used = 0;
    if (copy_from_user(&c, (void *)arg, sizeof c))
        return -EFAULT;
    NETIF_FOREACH(nif)
    {
        struct ifreq r;
        if (c.buf && used + (int)sizeof r > c.len)
            break;
        if (c.buf) {
            if_name(nif, r.name);
            put_addr(&r, netif_ip4_addr(nif));
            if (copy_to_user((void *)(c.buf + (uint64_t)used), &r, sizeof r))
                return -EFAULT;
        }
        used += (int)sizeof r;
    }
    c.len = used;
    return copy_to_user((void *)arg, &c, sizeof c) ? -EFAULT : 0;
}

/* SIOCGIFNAME: the name of the interface with index r.ivalue. */
static int if_index_name(struct ifreq *r)
{
    struct netif *nif = netif_get_by_index((u8_t)r->u.ivalue);
    if (r->u.ivalue <= 0 || r->u.ivalue > 255 || !nif)
        return -ENODEV;
    if_name(nif, r->name);
    return 0;
}

long net_ifioctl(unsigned long cmd, uint64_t arg)
{
    struct ifreq r;
    int err;
    if (cmd == SIOCGIFCONF)
        return if_conf(arg);
    if ((cmd & ~0xffUL) != NET_IFIOCTL_BASE)
        return -ENOTTY;
    if (copy_from_user(&r, (void *)arg, sizeof r))
        return -EFAULT;
    if (cmd == SIOCGIFNAME) {
        err = if_index_name(&r);
    } else {
        r.name[IFNAMSIZ - 1] = 0;
        struct netif *nif = if_find(r.name);
        if (!nif)
            return -ENODEV;
        if (cmd == SIOCSIFADDR || cmd == SIOCSIFNETMASK || cmd == SIOCSIFFLAGS)
            return if_set(cmd, nif, &r);
        err = if_get(cmd, nif, &r);
    }
    if (err)
        return err;
    return copy_to_user((void *)arg, &r, sizeof r) ? -EFAULT : 0;
}
