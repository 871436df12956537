/* lwIP's platform hooks (lwIP runs without an OS layer: lwipopts.h): time,
 * memory, random numbers and diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "stdio.h"
#include "string.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/random.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/sched.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip_hooks.h"

/* lwIP's clock: milliseconds of the monotonic clock (wraps after 49 days,
 * which lwIP's timer arithmetic expects). */
u32_t sys_now(void)
{
    return (u32_t)(clock_ns() / 1000000u);
}

#define NET_OOW_ACK_MS 500u

/* The connection's slot holds the sys_now() of its last such ACK, with
 * bit 0 set so that a slot never used (NULL) differs from any time. */
int net_tcp_oow_ack_ok(struct tcp_pcb *pcb)
{
    static u8_t slot;
    static int have_slot;
    if (!have_slot) {
        slot = tcp_ext_arg_alloc_id(); /* lwIP is up: a pcb exists */
        have_slot = 1;
    }
    uintptr_t last = (uintptr_t)tcp_ext_arg_get(pcb, slot);
    u32_t now = sys_now();
    if (last && now - (u32_t)last < NET_OOW_ACK_MS)
        return 0;
    tcp_ext_arg_set(pcb, slot, (void *)(uintptr_t)(now | 1u));
    return 1;
}

void *lwip_port_malloc(size_t n)
{
    return kmalloc(n);
}

void *lwip_port_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return kzalloc(n * size);
}

void lwip_port_free(void *p)
{
    kfree(p);
}

uint32_t lwip_port_rand(void)
{
    return (uint32_t)random_u64();
}

void lwip_port_diag(const char *fmt, ...)
{
    char buf[PRINTK_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    printk("lwip: %s", buf);
}

void lwip_port_assert(const char *msg, const char *file, int line)
{
    panic("lwip: assertion \"%s\" failed at %s:%d", msg, file, line);
}
