/* In-kernel network-device tests (selftest=net, selftest=nonet): the
 * driver alone, no stack. tests/run.sh boots "net" with one virtio-net
 * device on QEMU user networking (restrict=on) whose MAC is NET_TEST_MAC,
 * and "nonet" with no network device. Traffic goes only to QEMU's own
 * 10.0.2.2 (the user-network gateway, which answers ARP). */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "drivers/netdev.h"
#include "drivers/netdev_test.h"
#include "drivers/pci.h"

#define ARP_FRAME 60 /* 42 bytes of ARP, padded to Ethernet's minimum */

static const uint8_t test_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; /* NET_TEST_MAC */
static const uint8_t my_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};
static int arp_replies, kicks;

/* An ARP request for 10.0.2.2 from 10.0.2.15 (RFC 826). */
static void arp_request(const uint8_t mac[6], uint8_t f[ARP_FRAME])
{
    static const uint8_t head[8] = {0, 1, 8, 0, 6, 4, 0, 1}; /* Ethernet, IPv4, request */
    memset(f, 0, ARP_FRAME);
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08;
    f[13] = 0x06;
    memcpy(f + 14, head, 8);
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, my_ip, 4);
    memcpy(f + 38, gw_ip, 4);
}

/* nd->rx: count ARP replies from 10.0.2.2 to us. */
static void test_rx(struct netdev *nd, const void *frame, size_t len)
{
    const uint8_t *f = frame;
    if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2)
        return;
    if (memcmp(f + 28, gw_ip, 4) == 0 && memcmp(f + 32, nd->mac, 6) == 0 &&
        memcmp(f + 38, my_ip, 4) == 0)
        arp_replies++;
}

static void test_kick(struct netdev *nd)
{
    (void)nd;
    kicks++;
}

/* Send the request, then poll (letting interrupts in) for up to 5 s. */
static void arp_exchange(struct netdev *nd)
{
    uint8_t f[ARP_FRAME];
    arp_request(nd->mac, f);
    ktest_result("net/xmit", nd->ops->xmit(nd, f, sizeof(f)) == 0 ? 0 : "xmit failed");
    uint64_t hz = arch_cycles_hz() ? arch_cycles_hz() : 1000000000ull;
    uint64_t end = arch_cycles() + 5 * hz;
    while (!arp_replies && arch_cycles() < end) {
        arch_idle_poll();
        nd->ops->poll(nd, 16);
    }
    /* The poll may take the reply before the interrupt it raised is let
     * in: a little more time with interrupts let in, for the kick. */
    end = arch_cycles() + hz / 10;
    while (arp_replies && !kicks && arch_cycles() < end)
        arch_idle_poll();
}

int net_selftest(void)
{
    struct netdev *nd = netdev_list();
    ktest_result("net/eth0", nd && strcmp(nd->name, "eth0") == 0 ? 0 : "no eth0");
    if (!nd)
        return ktest_end("net");
    ktest_result("net/mac", memcmp(nd->mac, test_mac, 6) == 0 ? 0 : "not the MAC QEMU was given");
    ktest_result("net/link", nd->link_up ? 0 : "link down");
    uint8_t tiny[NETDEV_ETH_HDR - 1] = {0};
    ktest_result("net/short-xmit",
                 nd->ops->xmit(nd, tiny, sizeof(tiny)) == -EINVAL ? 0 : "a short frame was sent");
    /* The stack may have sent and received already (DHCP): count from here.
     * It gets the device back only in part (its kick is gone): the self
     * test kernel powers off after. */
    uint64_t tx0 = nd->tx_packets, rx0 = nd->rx_packets;
    void (*stack_rx)(struct netdev *, const void *, size_t) = nd->rx;
    nd->rx = test_rx;
    netdev_set_kick(test_kick);
    arp_exchange(nd);
    netdev_set_kick(0);
    nd->rx = stack_rx;
    ktest_result("net/arp-reply", arp_replies ? 0 : "no ARP reply from 10.0.2.2 within 5 s");
    ktest_result("net/interrupt", kicks ? 0 : "no receive interrupt");
    ktest_result("net/counters",
                 nd->tx_packets - tx0 == 1 && nd->rx_packets > rx0 ? 0 : "counters");
    printk("net: rx %lu frames, %lu dropped; tx %lu frames\n", (unsigned long)nd->rx_packets,
           (unsigned long)nd->rx_dropped, (unsigned long)nd->tx_packets);
    return ktest_end("net");
}

int nonet_selftest(void)
{
    ktest_result("nonet/pci", pci_list() ? 0 : "no PCI function found");
    ktest_result("nonet/no-device", netdev_list() ? "a network device without --net" : 0);
    return ktest_end("nonet");
}
