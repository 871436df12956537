/* AF_INET sockets on lwIP's raw API (kernel/net/inet*.c), inside the
 * network stack: inet.c has what TCP (inet_tcp.c) and UDP (inet_udp.c)
 * share: addresses, errors, the IP-level options and the family.
 *
 * lwIP calls back (data, connections, errors) from inside lwIP calls: from
 * the network thread (timers, frames from a device) or from a system call
 * that made lwIP deliver (net_flush). A callback only queues, records and
 * wakes; it never blocks.
 */
#ifndef UNIPLEX_INET_H
#define UNIPLEX_INET_H

#include <stdint.h>
#include "kernel/net/socket.h"
#include "lwip/err.h"
#include "lwip/ip_addr.h"

#define IPPROTO_IP   0
#define IPPROTO_ICMP 1
#define IPPROTO_TCP  6
#define IPPROTO_UDP  17

/* struct sockaddr_in (Linux). */
struct sockaddr_in {
    uint16_t sin_family;
    uint16_t sin_port; /* network order */
    uint32_t sin_addr; /* network order */
    uint8_t sin_zero[8];
};
_Static_assert(sizeof(struct sockaddr_in) == 16, "Linux struct sockaddr_in");

/* A program's address for bind/connect/sendto: 0 with *ip and *port (host
 * order); -EINVAL when shorter than a sockaddr_in, -EAFNOSUPPORT when not
 * AF_INET (unspec_ok: AF_UNSPEC taken as AF_INET, as Linux's bind takes it
 * for INADDR_ANY). */
int inet_addr_in(const struct sockaddr_storage *sa, int len, int unspec_ok, ip_addr_t *ip,
                 uint16_t *port);
/* A destination (connect, sendto): inet_addr_in's, with 0.0.0.0 meaning
 * 127.0.0.1 as on Linux. */
int inet_addr_dest(const struct sockaddr_storage *sa, int len, ip_addr_t *ip, uint16_t *port);
/* A bind address: inet_addr_in's (AF_UNSPEC taken), then -EADDRNOTAVAIL
 * for an address that is not ours and -EACCES for a port below 1024
 * without privilege, in Linux's order. */
#define INET_PROT_SOCK 1024
int inet_bind_check(const struct sockaddr_storage *sa, int len, ip_addr_t *ip, uint16_t *port);
/* An address for the program (getsockname, recvfrom, accept). */
void inet_addr_out(struct sockaddr_storage *sa, int *len, const ip_addr_t *ip, uint16_t port);
/* lwIP's error as the negative errno Linux gives for it. */
int inet_errno(err_t e);
/* Is the address one of ours (an interface's, loopback, or any)? */
int inet_addr_local(const ip_addr_t *ip);

/* IPPROTO_IP options on pcb's common part (struct ip_pcb): IP_TOS, IP_TTL. */
int inet_ip_setsockopt(void *ip_pcb, int name, const void *val, int len);
int inet_ip_getsockopt(void *ip_pcb, int name, void *val, int *len);

int inet_tcp_create(struct socket *so);
int inet_udp_create(struct socket *so);
/* The inode of the socket behind a UDP pcb's callback argument (0: none),
 * for /proc/net/udp (inet_proc.c). */
uint64_t inet_udp_ino(const void *arg);
/* A raw IP socket for protocol (1-255): root only (-EPERM). */
int inet_raw_create(struct socket *so, int protocol);
void inet_init(void);

#endif
