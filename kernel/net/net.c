/* The network stack's core: lwIP's start, the loopback queue, and the
 * network thread that runs lwIP's timers and polls the devices. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/net/net.h"
#include "kernel/net/ether.h"
#include "kernel/net/inet.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/timeouts.h"

#define NETD_BUDGET 64 /* frames per device per round, so timers still run under a flood */

static struct waitq netd_wq;
static struct thread *netd;
static int netd_pending;          /* a kick came in since the thread last looked */
static uint64_t netd_sleep_until; /* while the thread waits: its deadline (0: none) */
static int netd_waiting;
static int flushing;

static uint64_t netd_deadline(void);

void net_flush(void)
{
    if (flushing)
        return; /* the delivery further up the stack goes on to the end */
    flushing = 1;
    netif_poll_all();
    flushing = 0;
    /* A connection may have armed lwIP's timers sooner than the thread
     * planned to wake. */
    if (netd_waiting) {
        uint64_t d = netd_deadline();
        if (d && (!netd_sleep_until || d < netd_sleep_until))
            net_wake();
    }
}

void net_wake(void)
{
    netd_pending = 1;
    waitq_wake_one(&netd_wq);
}

/* When the thread must next run lwIP's timers: a clock_ns deadline, or 0
 * for none pending. */
static uint64_t netd_deadline(void)
{
    u32_t ms = sys_timeouts_sleeptime();
    if (ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE)
        return 0;
    return clock_add(clock_ns(), (uint64_t)ms * 1000000u);
}

static void netd_main(void *arg)
{
    (void)arg;
    for (;;) {
        if (!netd_pending) {
            netd_sleep_until = netd_deadline();
            netd_waiting = 1;
            waitq_wait(&netd_wq, netd_sleep_until);
            netd_waiting = 0;
        }
        netd_pending = 0;
        int more = ether_poll_all(NETD_BUDGET);
        sys_check_timeouts();
        net_flush();
        if (more) {
            /* More frames wait: another round, after whatever else can
             * run (kernel code is not preempted, so a flood must not keep
             * the CPU here). */
            netd_pending = 1;
            sched_yield();
        }
    }
}

void net_reclaim(void)
{
    int armed = tcp_active_pcbs || tcp_tw_pcbs;
    while (tcp_tw_pcbs)
        tcp_abort(tcp_tw_pcbs); /* frees it and takes it off the list, sending nothing */
    /* lwIP's TCP timer (a heap entry) stops at its next tick once no
     * connection is left: let that tick come. */
    if (armed && !tcp_active_pcbs)
        sched_sleep_ns((TCP_TMR_INTERVAL + 50) * 1000000ull);
}

void net_init(const char *cmdline)
{
    waitq_init(&netd_wq);
    lwip_init();
    /* Nothing on the loopback interface can corrupt a packet: no checksums,
     * as on Linux's lo. */
    NETIF_SET_CHECKSUM_CTRL(netif_get_by_index(1), NETIF_CHECKSUM_DISABLE_ALL);
    ether_attach_all(cmdline);
    if (thread_create("netd", netd_main, NULL, 0, &netd) != 0)
        panic("net: cannot start the network thread");
    ether_wait_dhcp();
}
