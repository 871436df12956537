/* AF_INET: the family, addresses, errors and IP-level options shared by
 * TCP and UDP sockets. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/net/inet.h"
#include "kernel/proc/proc.h"
#include "lwip/ip.h"
#include "lwip/netif.h"

#define IP_TOS 1
#define IP_TTL 2

int inet_addr_in(const struct sockaddr_storage *sa, int len, int unspec_ok, ip_addr_t *ip,
                 uint16_t *port)
{
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    if (len < (int)sizeof(struct sockaddr_in))
        return -EINVAL;
    if (in->sin_family != AF_INET && !(unspec_ok && in->sin_family == AF_UNSPEC))
        return -EAFNOSUPPORT;
    ip_addr_set_ip4_u32(ip, in->sin_addr);
    *port = lwip_ntohs(in->sin_port);
    return 0;
}

int inet_addr_dest(const struct sockaddr_storage *sa, int len, ip_addr_t *ip, uint16_t *port)
{
    int err = inet_addr_in(sa, len, 0, ip, port);
    if (!err && ip_addr_isany(ip))
        ip_addr_set_loopback(0, ip); /* Linux sends to 0.0.0.0 over loopback */
    return err;
}

int inet_bind_check(const struct sockaddr_storage *sa, int len, ip_addr_t *ip, uint16_t *port)
{
    int err = inet_addr_in(sa, len, 1, ip, port);
    if (err)
        return err;
    if (!inet_addr_local(ip))
        return -EADDRNOTAVAIL;
    if (*port && *port < INET_PROT_SOCK && !cred_capable(CAP_NET_BIND_SERVICE))
        return -EACCES; /* net.ipv4.ip_unprivileged_port_start */
    return 0;
}

void inet_addr_out(struct sockaddr_storage *sa, int *len, const ip_addr_t *ip, uint16_t port)
{
    struct sockaddr_in *in = (struct sockaddr_in *)sa;
    memset(in, 0, sizeof *in);
    in->sin_family = AF_INET;
    in->sin_port = lwip_htons(port);
    in->sin_addr = ip ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
    *len = (int)sizeof *in;
}

int inet_errno(err_t e)
{
    switch (e) {
    case ERR_OK:
        return 0;
    case ERR_MEM:
        return -ENOMEM;
    case ERR_BUF:
        return -ENOBUFS;
    case ERR_TIMEOUT:
        return -ETIMEDOUT;
    case ERR_RTE:
        return -ENETUNREACH;
    case ERR_INPROGRESS:
        return -EINPROGRESS;
    case ERR_VAL:
        return -EINVAL;
    case ERR_WOULDBLOCK:
        return -EAGAIN;
    case ERR_USE:
        return -EADDRINUSE;
    case ERR_ALREADY:
        return -EALREADY;
    case ERR_ISCONN:
        return -EISCONN;
    case ERR_CONN:
        return -ENOTCONN;
    case ERR_IF:
        return -ENETDOWN;
    case ERR_ABRT:
        return -ECONNABORTED;
    case ERR_RST:
        return -ECONNRESET;
    case ERR_CLSD:
        return -ENOTCONN;
    case ERR_ARG:
        return -EINVAL;
    default:
        return -EIO;
    }
}

int inet_addr_local(const ip_addr_t *ip)
{
    if (ip_addr_isany(ip) || ip4_addr_isloopback(ip_2_ip4(ip)))
        return 1;
    struct netif *nif;
    NETIF_FOREACH(nif)
    {
        if (ip4_addr_cmp(netif_ip4_addr(nif), ip_2_ip4(ip)))
            return 1;
    }
    return 0;
}

/* Linux takes an int, or a single byte for these two, as the value. */
static int opt_int(const void *val, int len, int *out)
{
    if (len >= (int)sizeof(int))
        memcpy(out, val, sizeof(int));
    else if (len >= 1)
        *out = *(const uint8_t *)val;
    else
        return -EINVAL;
    return 0;
}

int inet_ip_setsockopt(void *ip_pcb, int name, const void *val, int len)
{
    struct ip_pcb *pcb = ip_pcb;
    int v;
    if (name != IP_TOS && name != IP_TTL)
        return -ENOPROTOOPT;
    if (opt_int(val, len, &v) != 0)
        return -EINVAL;
    if (name == IP_TTL) {
        if (v == -1)
            v = IP_DEFAULT_TTL;
        if (v < 1 || v > 255)
            return -EINVAL;
        pcb->ttl = (u8_t)v;
    } else {
        pcb->tos = (u8_t)(v & 0xfc); /* Linux keeps the ECN bits out */
    }
    return 0;
}

int inet_ip_getsockopt(void *ip_pcb, int name, void *val, int *len)
{
    struct ip_pcb *pcb = ip_pcb;
    int v;
    if (name == IP_TTL)
        v = pcb->ttl;
    else if (name == IP_TOS)
        v = pcb->tos;
    else
        return -ENOPROTOOPT;
    memcpy(val, &v, sizeof v);
    *len = (int)sizeof v;
    return 0;
}

/* socket(AF_INET, type, protocol): TCP for stream, UDP for datagram. */
static int inet_create(struct socket *so, int type, int protocol)
{
    if (type == SOCK_STREAM) {
        if (protocol != 0 && protocol != IPPROTO_TCP)
            return -EPROTONOSUPPORT;
        so->protocol = IPPROTO_TCP;
        return inet_tcp_create(so);
    }
    if (type == SOCK_DGRAM) {
        if (protocol != 0 && protocol != IPPROTO_UDP)
            return -EPROTONOSUPPORT;
        so->protocol = IPPROTO_UDP;
        return inet_udp_create(so);
    }
    if (type == SOCK_RAW) {
        so->protocol = protocol;
        return inet_raw_create(so, protocol);
    }
    return -ESOCKTNOSUPPORT;
}

static const struct sock_family inet_family = {
    .family = AF_INET,
    .create = inet_create,
};

void inet_init(void)
{
    sock_family_register(&inet_family);
}
