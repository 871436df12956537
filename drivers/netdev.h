/* Network devices (drivers/netdev.c): the contract between an Ethernet
 * driver (drivers/virtio_net.c) and the network stack (kernel/net/).
 *
 * A driver fills a struct netdev and registers it at boot; the stack
 * attaches to every registered device (net_init, after the drivers) and
 * from then on owns its receive path. Everything here runs in kernel
 * context with interrupts off (kernel code is never preempted), except
 * where a comment says "from an interrupt handler".
 */
#ifndef UNIPLEX_NETDEV_H
#define UNIPLEX_NETDEV_H

#include <stddef.h>
#include <stdint.h>

#define NETDEV_ETH_HDR   14                            /* destination, source, type */
#define NETDEV_MTU       1500                          /* payload bytes of one frame */
#define NETDEV_MAX_FRAME (NETDEV_ETH_HDR + NETDEV_MTU) /* without FCS */

struct netdev;

struct netdev_ops {
    /* Queue one Ethernet frame of len bytes (14 <= len <= NETDEV_MAX_FRAME,
     * no FCS), copying it: 0, or -ENOBUFS when the device's queue is full
     * (the caller drops the frame, as a full NIC queue would). Reclaims
     * completed transmissions as it goes. */
    int (*xmit)(struct netdev *nd, const void *frame, size_t len);
    /* Hand up to budget received frames, in order, to nd->rx, give their
     * buffers back to the device, and re-arm the device's interrupt once
     * nothing is left: the number handed up. A malformed one (bad length)
     * is counted in rx_dropped, never handed up. */
    int (*poll)(struct netdev *nd, int budget);
};

struct netdev {
    char name[8]; /* "eth0", "eth1"...: given by netdev_register */
    uint8_t mac[6];
    uint16_t mtu; /* NETDEV_MTU */
    int link_up;  /* the driver keeps it current and kicks on a change */
    const struct netdev_ops *ops;
    void *priv; /* the driver's */
    /* Set by the stack before its first poll: one received frame, valid
     * only during the call (the stack copies what it keeps). */
    void (*rx)(struct netdev *nd, const void *frame, size_t len);
    void *stack; /* the stack's state for this device */
    uint64_t rx_packets, rx_bytes, rx_dropped;
    uint64_t tx_packets, tx_bytes, tx_dropped;
    struct netdev *next;
};

/* Name nd ("eth" and its index) and add it to the list. nd stays
 * allocated for good (devices are never removed). 0 or -EINVAL (no ops). */
int netdev_register(struct netdev *nd);
/* The registered devices, in order of registration (NULL: none). */
struct netdev *netdev_list(void);
/* From an interrupt handler (or anywhere): nd has frames to poll or its
 * link changed. Calls the hook the stack set, which wakes its thread;
 * before a hook is set, does nothing. */
void netdev_kick(struct netdev *nd);
/* The stack's kick hook (runs with interrupts off; must not block). */
void netdev_set_kick(void (*hook)(struct netdev *nd));

#endif
