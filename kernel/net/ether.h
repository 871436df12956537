/* Ethernet interfaces (ether.c): an lwIP interface on each network device
 * (drivers/netdev.h), its receive path and its address configuration. */
#ifndef UNIPLEX_ETHER_H
#define UNIPLEX_ETHER_H

/* Add an interface for every registered device, take over its receive path
 * and kicks, and configure the first one from cmdline: ip=ADDR/PREFIX
 * [,GATEWAY] (a static address), ip=dhcp or no ip= (DHCP), ip=off (none).
 * Devices after the first are left unconfigured. */
void ether_attach_all(const char *cmdline);
/* Poll the devices that were kicked, up to budget frames each, and follow
 * their link state: 1 when one had more frames than the budget. The network
 * thread calls it. */
int ether_poll_all(int budget);
/* Wait (a few seconds at most) until DHCP has given the first interface an
 * address, when it asked for one and has a link. */
void ether_wait_dhcp(void);
struct netif;
/* The name of an Ethernet interface's device ("eth0"), or "?" for an
 * interface that is not one of ours. */
const char *ether_ifname(const struct netif *nif);

#endif
