/* lwIP's configuration for the Uniplex kernel (lwIP 2.1.3, Debian's source
 * package, built from deps/lwip/source; kernel/net/ is the port).
 *
 * The kernel runs lwIP without an OS layer (NO_SYS): kernel code runs with
 * interrupts off and is never preempted, and no interrupt handler calls
 * lwIP, so every lwIP call is already serialised and needs no lock. The raw
 * (callback) API is all the socket layer uses. Memory comes from kmalloc,
 * pools included, so its counters (and the suites' leak lines) see lwIP's
 * buffers and control blocks.
 */
#ifndef UNIPLEX_LWIPOPTS_H
#define UNIPLEX_LWIPOPTS_H

#define NO_SYS               1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN         0
#define LWIP_SOCKET          0
#define LWIP_TIMERS          1

/* Memory: the kernel heap for everything. */
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT   8
#define mem_clib_malloc lwip_port_malloc
#define mem_clib_free   lwip_port_free
#define mem_clib_calloc lwip_port_calloc

/* Protocols. */
#define LWIP_IPV4           1
#define LWIP_IPV6           0
#define LWIP_ARP            1
#define LWIP_ETHERNET       1
#define LWIP_ICMP           1
#define LWIP_RAW            1
#define LWIP_UDP            1
#define LWIP_TCP            1
#define LWIP_DHCP           1
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_DNS            0
#define LWIP_IGMP           0
#define IP_DEFAULT_TTL      64 /* Linux's, for every protocol */
#define ICMP_TTL            64
#define IP_REASSEMBLY       1
#define IP_FRAG             1
#define LWIP_BROADCAST_PING 0
#define SO_REUSE            1
#define LWIP_TCP_KEEPALIVE  1
#define LWIP_SO_RCVBUF      0
#define LWIP_NETIF_HOSTNAME 0

/* Interfaces: the loopback one (127.0.0.1, polled by the port, not by a
 * thread of lwIP's) and one Ethernet interface per network device. */
#define LWIP_HAVE_LOOPIF                   1
#define LWIP_NETIF_LOOPBACK                1
#define LWIP_LOOPBACK_MAX_PBUFS            0
#define LWIP_NETIF_LOOPBACK_MULTITHREADING 0
#define LWIP_NETIF_STATUS_CALLBACK         1
#define LWIP_NETIF_LINK_CALLBACK           1
#define LWIP_SINGLE_NETIF                  0

/* TCP: Linux-sized windows through window scaling. The MSS is the
 * loopback interface's (it has no MTU, as Linux's lo has 64 KiB); lwIP
 * clamps it to an Ethernet interface's MTU (1460) per connection. */
#define TCP_MSS          65495
#define LWIP_WND_SCALE   1
#define TCP_RCV_SCALE    2
#define TCP_WND          (128 * 1024)
#define TCP_SND_BUF      (128 * 1024)
#define TCP_SND_QUEUELEN 1024 /* pbufs queued: many small writes, or Ethernet segments */
/* lwIP's sanity checks want TCP_SNDLOWAT (the sockets API's "writable"
 * mark, which the raw API does not use) 4 MSS below 64 KiB: impossible with
 * a 64 KiB MSS. The checks that matter hold: the window and send buffer
 * are over 2 MSS, the queue over 2 send buffers' worth of segments. */
#define LWIP_DISABLE_TCP_SANITY_CHECKS 1
_Static_assert(TCP_WND >= 2 * TCP_MSS && TCP_SND_BUF >= 2 * TCP_MSS, "lwipopts: TCP window");
_Static_assert(TCP_SND_QUEUELEN >= 2 * (TCP_SND_BUF / TCP_MSS), "lwipopts: TCP queue");
#define TCP_OVERSIZE               0 /* a write allocates what it holds, not a whole MSS */
#define TCP_QUEUE_OOSEQ            1
#define TCP_LISTEN_BACKLOG         1
#define TCP_DEFAULT_LISTEN_BACKLOG 128
#define LWIP_TCP_TIMESTAMPS        0
#define TCP_MSL                    30000 /* TIME_WAIT lasts 2 MSL: Linux's 60 s */
#define TCP_MAXRTX                 12
#define TCP_SYNMAXRTX              6
#define LWIP_CALLBACK_API          1
#define LWIP_EVENT_API             0
#define PBUF_POOL_SIZE             256
#define PBUF_POOL_BUFSIZE          1600
#define MEMP_NUM_TCP_SEG           TCP_SND_QUEUELEN
/* One per-connection slot of ours: when the connection last answered an
 * unacceptable segment (lwip_hooks.h). */
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1
#define LWIP_HOOK_FILENAME        "lwip_hooks.h"

/* Checksums: not on the loopback interface (ether.c turns them off
 * there, as Linux skips them on lo), everywhere else. */
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#define LWIP_CHKSUM_ALGORITHM        3

/* Checks, statistics, diagnostics. */
#define LWIP_STATS             0
#define LWIP_NOASSERT_ON_ERROR 0
#define LWIP_DEBUG             0
#define LWIP_PROVIDE_ERRNO     0
#define LWIP_RAND()            ((u32_t)lwip_port_rand())

#endif
