/* What the interface ioctls (ifioctl.c) and rtnetlink (rtnl.c) both say
 * about an lwIP interface: its Linux name and flags. Interfaces have
 * Linux's names and indexes: lo (1), then eth0 (2)... */
#ifndef UNIPLEX_NET_IFINFO_H
#define UNIPLEX_NET_IFINFO_H

#include "lwip/netif.h"

#define IFNAMSIZ 16

/* Linux's IFF_* bits that the interfaces have. */
#define IFF_UP        0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK  0x8
#define IFF_RUNNING   0x40
#define IFF_MULTICAST 0x1000
#define IFF_LOWER_UP  0x10000 /* rtnetlink's only: not in SIOCGIFFLAGS's 16 bits */

#define ARPHRD_ETHER    1
#define ARPHRD_LOOPBACK 772

/* Is nif the loopback interface? */
int if_is_loop(const struct netif *nif);
/* nif's name (lo, eth0...), NUL-padded to IFNAMSIZ. */
void if_name(const struct netif *nif, char name[IFNAMSIZ]);
/* nif's IFF_* flags as SIOCGIFFLAGS gives them. */
int if_flags(const struct netif *nif);

#endif
