/* The network stack (kernel/net/): lwIP built into the kernel (lwipopts.h
 * says how), its interfaces and its thread; the sockets on it are
 * socket.h's (inet.c: AF_INET).
 *
 * Every lwIP call is made in kernel context, where nothing preempts it, so
 * lwIP needs no lock. Callers that make lwIP send (a socket's send, close,
 * connect...) call net_flush() before they return or block: packets to
 * 127.0.0.1 and the interface's own address sit on the loopback queue until
 * then.
 */
#ifndef UNIPLEX_NET_H
#define UNIPLEX_NET_H

#include <stdint.h>

/* Start lwIP, bring up the loopback interface (lo, 127.0.0.1/8), one
 * Ethernet interface per registered network device (drivers/netdev.h),
 * configured from the command line's ip=ADDR/PREFIX[,GATEWAY] (the first
 * device) or else by DHCP, and the network thread (timers, receive). Waits
 * up to a few seconds for DHCP when a device has a link. */
void net_init(const char *cmdline);
/* Deliver what lwIP queued on the loopback interface, to the end, unless
 * a delivery is already running further up the stack. */
void net_flush(void);
/* The interface ioctls (ifioctl.c: SIOCGIF*, SIOCSIFADDR, SIOCSIFNETMASK,
 * SIOCSIFFLAGS; cmd & ~0xff is NET_IFIOCTL_BASE) on any socket: 0 or
 * -errno, -ENOTTY for a command it does not know. */
#define NET_IFIOCTL_BASE 0x8900
long net_ifioctl(unsigned long cmd, uint64_t arg);
/* End what lwIP keeps of connections the programs have closed (TIME_WAIT),
 * before a leak check compares the heap with a baseline. */
void net_reclaim(void);
/* Wake the network thread: lwIP's timers changed (a new connection arms
 * them) or a device has work. Safe from interrupt handlers. */
void net_wake(void);

#endif
