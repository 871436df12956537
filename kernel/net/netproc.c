/* /proc/net's files (procfs.c lists them): the interfaces' counters in
 * Linux's /proc/net/dev layout, which busybox ifconfig reads. */
#include <stddef.h>
#include <stdint.h>
#include "stdio.h"
#include "drivers/netdev.h"
#include "kernel/fs/procgen.h"

static int dev_line(char *buf, size_t n, const char *name, const struct netdev *nd)
{
    unsigned long long rb = nd ? nd->rx_bytes : 0, rp = nd ? nd->rx_packets : 0;
    unsigned long long rd = nd ? nd->rx_dropped : 0, tb = nd ? nd->tx_bytes : 0;
    unsigned long long tp = nd ? nd->tx_packets : 0, td = nd ? nd->tx_dropped : 0;
    return snprintf(buf, n,
                    "%6s: %7llu %7llu    0 %4llu    0     0          0         0 "
                    "%8llu %7llu    0 %4llu    0     0       0          0\n",
                    name, rb, rp, rd, tb, tp, td);
}

/* The loopback interface counts nothing (lwIP keeps no counters for it). */
int gen_net_dev(int id, char *buf, size_t n)
{
    (void)id;
    int len = snprintf(buf, n,
                       "Inter-|   Receive                            "
                       "                    |  Transmit\n"
                       " face |bytes    packets errs drop fifo frame compressed multicast"
                       "|bytes    packets errs drop fifo colls carrier compressed\n");
    len += dev_line(buf + len, n - (size_t)len, "lo", NULL);
    for (const struct netdev *nd = netdev_list(); nd && (size_t)len < n; nd = nd->next)
        len += dev_line(buf + len, n - (size_t)len, nd->name, nd);
    return (size_t)len < n ? len : (int)n - 1;
}
