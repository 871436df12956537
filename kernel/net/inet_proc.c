/* /proc/net/tcp and /proc/net/udp (procfs.c lists them) in Linux's layout,
 * which busybox netstat reads: one line per lwIP pcb, addresses as the
 * network-order word printed in hex, Linux's state numbers, the socket's
 * inode (0 for a connection no socket holds any more). A file longer than
 * the generator's buffer (GEN_MAX) is cut at a whole line. There are no
 * IPv6 sockets: tcp6 and udp6 are their header alone (netstat reads them). */
#include <stddef.h>
#include <stdint.h>
#include "stdio.h"
#include "kernel/fs/procgen.h"
#include "kernel/fs/vfs.h"
#include "kernel/net/inet.h"
#include "kernel/net/inet_tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define HEADER                                                                                     \
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "  \
    "inode\n"

/* Linux's TCP state numbers (include/net/tcp_states.h) for lwIP's. */
static unsigned linux_state(enum tcp_state s)
{
    static const unsigned map[] = {
        [CLOSED] = 7,      [LISTEN] = 10,    [SYN_SENT] = 2,   [SYN_RCVD] = 3,
        [ESTABLISHED] = 1, [FIN_WAIT_1] = 4, [FIN_WAIT_2] = 5, [CLOSE_WAIT] = 8,
        [CLOSING] = 11,    [LAST_ACK] = 9,   [TIME_WAIT] = 6,
    };
    return (unsigned)s < sizeof map / sizeof map[0] ? map[s] : 7;
}

/* One line; 0 when it does not fit whole (the file ends there). */
static int line(char *buf, size_t n, int sl, const ip_addr_t *l, unsigned lp, const ip_addr_t *r,
                unsigned rp, unsigned st, uint64_t ino)
{
    int len = snprintf(buf, n,
                       "%4d: %08X:%04X %08X:%04X %02X 00000000:00000000 00:00000000 00000000 "
                       "    0        0 %llu 1 0000000000000000 20 4 0 10 -1\n",
                       sl, (unsigned)ip4_addr_get_u32(ip_2_ip4(l)), lp,
                       (unsigned)ip4_addr_get_u32(ip_2_ip4(r)), rp, st, (unsigned long long)ino);
    return len > 0 && (size_t)len < n ? len : 0;
}

static uint64_t tcp_ino(const void *arg)
{
    const struct tsock *ts = arg;
    return ts && ts->so && ts->so->vn ? ts->so->vn->ino : 0;
}

static int tcp_list(char *buf, size_t n, struct tcp_pcb *list, int *sl, size_t *len)
{
    for (struct tcp_pcb *p = list; p; p = p->next) {
        int k = line(buf + *len, n - *len, (*sl)++, &p->local_ip, p->local_port, &p->remote_ip,
                     p->remote_port, linux_state(p->state), tcp_ino(p->callback_arg));
        if (!k)
            return 0;
        *len += (size_t)k;
    }
    return 1;
}

int gen_net_tcp(int id, char *buf, size_t n)
{
    (void)id;
    size_t len = (size_t)snprintf(buf, n, HEADER);
    int sl = 0;
    for (struct tcp_pcb_listen *l = tcp_listen_pcbs.listen_pcbs; l; l = l->next) {
        int k = line(buf + len, n - len, sl++, &l->local_ip, l->local_port, IP4_ADDR_ANY, 0,
                     linux_state(LISTEN), tcp_ino(l->callback_arg));
        if (!k)
            return (int)len;
        len += (size_t)k;
    }
    if (tcp_list(buf, n, tcp_bound_pcbs, &sl, &len) && tcp_list(buf, n, tcp_active_pcbs, &sl, &len))
        tcp_list(buf, n, tcp_tw_pcbs, &sl, &len);
    return (int)len;
}

int gen_net_udp(int id, char *buf, size_t n)
{
    (void)id;
    size_t len = (size_t)snprintf(buf, n, HEADER);
    int sl = 0;
    for (struct udp_pcb *p = udp_pcbs; p; p = p->next) {
        /* 07 is Linux's TCP_CLOSE, what an unconnected UDP socket shows;
         * 01 a connected one. */
        int k = line(buf + len, n - len, sl++, &p->local_ip, p->local_port, &p->remote_ip,
                     p->remote_port, (p->flags & UDP_FLAGS_CONNECTED) ? 1 : 7,
                     inet_udp_ino(p->recv_arg));
        if (!k)
            break;
        len += (size_t)k;
    }
    return (int)len;
}

int gen_net_ip6(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n,
                    "  sl  local_address                         remote_address                  "
                    "      st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n");
}
