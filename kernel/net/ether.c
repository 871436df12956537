/* Ethernet interfaces: lwIP's struct netif over a network device. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "drivers/netdev.h"
#include "kernel/cmdline.h"
#include "kernel/printk.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/sched.h"
#include "kernel/net/ether.h"
#include "kernel/net/net.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define DHCP_WAIT_NS (5 * 1000000000ull)

struct ether {
    struct netif nif;
    struct netdev *nd;
    int kicked; /* the device has frames or a link change to look at */
};

static int dhcp_asked; /* the first interface asked DHCP for an address */

/* lwIP's transmit: one frame, flattened when lwIP built it in pieces. */
static err_t ether_output(struct netif *nif, struct pbuf *p)
{
    static uint8_t flat[NETDEV_MAX_FRAME]; /* lwIP is never re-entered: one is enough */
    struct ether *e = nif->state;
    const void *frame = p->payload;
    if (p->tot_len > NETDEV_MAX_FRAME) {
        e->nd->tx_dropped++;
        return ERR_BUF;
    }
    if (p->len != p->tot_len) {
        pbuf_copy_partial(p, flat, p->tot_len, 0);
        frame = flat;
    }
    if (e->nd->ops->xmit(e->nd, frame, p->tot_len) != 0)
        e->nd->tx_dropped++; /* a full queue drops, as a NIC's would; TCP resends */
    return ERR_OK;
}

/* The device's receive callback: copy the frame into a buffer of lwIP's. */
static void ether_rx(struct netdev *nd, const void *frame, size_t len)
{
    struct ether *e = nd->stack;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (len > NETDEV_MAX_FRAME || !p) {
        nd->rx_dropped++;
        if (p)
            pbuf_free(p);
        return;
    }
    memcpy(p->payload, frame, len);
    if (e->nif.input(p, &e->nif) != ERR_OK)
        pbuf_free(p);
}

static void ether_kick(struct netdev *nd)
{
    struct ether *e = nd->stack;
    if (e)
        e->kicked = 1;
    net_wake();
}

static err_t ether_netif_init(struct netif *nif)
{
    struct ether *e = nif->state;
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(nif->hwaddr, e->nd->mac, ETH_HWADDR_LEN);
    nif->mtu = e->nd->mtu;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = ether_output;
    return ERR_OK;
}

/* ip=ADDR/PREFIX[,GATEWAY] into lwIP's addresses: the prefix length, or
 * -EINVAL. */
static int parse_ip(const char *v, size_t len, ip4_addr_t *a, ip4_addr_t *mask, ip4_addr_t *gw)
{
    char buf[64], *slash, *comma, *end;
    if (len == 0 || len >= sizeof buf)
        return -EINVAL;
    memcpy(buf, v, len);
    buf[len] = 0;
    comma = strchr(buf, ',');
    if (comma)
        *comma++ = 0;
    slash = strchr(buf, '/');
    if (!slash)
        return -EINVAL;
    *slash++ = 0;
    unsigned long prefix = strtoul(slash, &end, 10);
    if (*slash == 0 || *end || prefix > 32 || !ip4addr_aton(buf, a))
        return -EINVAL;
    ip4_addr_set_u32(mask, prefix ? lwip_htonl(0xffffffffu << (32 - prefix)) : 0);
    ip4_addr_set_zero(gw);
    if (comma && !ip4addr_aton(comma, gw))
        return -EINVAL;
    return (int)prefix;
}

/* Configure the first interface from the command line (ether_attach_all). */
static void ether_configure(struct ether *e, const char *cmdline)
{
    const char *v;
    size_t len;
    ip4_addr_t a, mask, gw;
    int found = cmdline_find(cmdline, "ip", &v, &len);
    if (found && len == 3 && !memcmp(v, "off", 3))
        return;
    if (found && !(len == 4 && !memcmp(v, "dhcp", 4))) {
        int prefix = parse_ip(v, len, &a, &mask, &gw);
        if (prefix < 0) {
            printk("net: bad ip=%.*s (want ip=ADDR/PREFIX[,GATEWAY]); %s unconfigured\n", (int)len,
                   v, e->nd->name);
            return;
        }
        netif_set_addr(&e->nif, &a, &mask, &gw);
        printk("net: %s %s/%d\n", e->nd->name, ip4addr_ntoa(&a), prefix);
        return;
    }
    if (dhcp_start(&e->nif) == ERR_OK)
        dhcp_asked = 1;
}

static int ether_attach(struct netdev *nd, const char *cmdline, int first)
{
    struct ether *e = kzalloc(sizeof *e);
    if (!e)
        return -ENOMEM;
    e->nd = nd;
    if (!netif_add(&e->nif, NULL, NULL, NULL, e, ether_netif_init, ethernet_input)) {
        kfree(e);
        return -EIO;
    }
    nd->stack = e;
    nd->rx = ether_rx;
    netif_set_up(&e->nif);
    if (nd->link_up)
        netif_set_link_up(&e->nif);
    if (first) {
        netif_set_default(&e->nif);
        ether_configure(e, cmdline);
    }
    e->kicked = 1; /* look at the device once: frames may have come before */
    return 0;
}

void ether_attach_all(const char *cmdline)
{
    int first = 1;
    for (struct netdev *nd = netdev_list(); nd; nd = nd->next) {
        if (ether_attach(nd, cmdline, first) != 0)
            printk("net: cannot attach %s\n", nd->name);
        first = 0;
    }
    netdev_set_kick(ether_kick);
}

static void ether_follow_link(struct ether *e)
{
    if (e->nd->link_up && !netif_is_link_up(&e->nif))
        netif_set_link_up(&e->nif);
    else if (!e->nd->link_up && netif_is_link_up(&e->nif))
        netif_set_link_down(&e->nif);
}

int ether_poll_all(int budget)
{
    int more = 0;
    for (struct netdev *nd = netdev_list(); nd; nd = nd->next) {
        struct ether *e = nd->stack;
        if (!e || !e->kicked)
            continue;
        e->kicked = 0;
        ether_follow_link(e);
        if (nd->ops->poll(nd, budget) >= budget) {
            e->kicked = 1;
            more = 1;
        }
    }
    return more;
}

void ether_wait_dhcp(void)
{
    struct netdev *nd = netdev_list();
    if (!dhcp_asked || !nd || !nd->link_up)
        return;
    struct ether *e = nd->stack;
    uint64_t deadline = clock_add(clock_ns(), DHCP_WAIT_NS);
    while (!dhcp_supplied_address(&e->nif) && clock_ns() < deadline)
        sched_sleep_ns(10 * 1000000ull);
    if (dhcp_supplied_address(&e->nif))
        printk("net: %s %s by DHCP\n", nd->name, ip4addr_ntoa(netif_ip4_addr(&e->nif)));
    else
        printk("net: %s: no DHCP answer yet; it goes on in the background\n", nd->name);
}

const char *ether_ifname(const struct netif *nif)
{
    if (nif->linkoutput != ether_output)
        return "?";
    return ((const struct ether *)nif->state)->nd->name;
}
