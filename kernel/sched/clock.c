/* CLOCK_MONOTONIC from the TSC, CLOCK_REALTIME anchored on the RTC (and
 * moved by clock_realtime_set). */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "drivers/rtc.h"

static uint64_t ns_mult; /* ns per cycle, 32.32 fixed point */
/* CLOCK_REALTIME at clock_ns() 0: realtime is this plus clock_ns(). Never
 * negative (clock_realtime_set refuses a time before boot). */
static uint64_t epoch_at_zero_ns;
/* clock_ns() is base_ns at base_cycles: the kernel's first instruction
 * (arch_boot_cycles) and 0 until the frequency is refined, then the switch. */
static uint64_t base_cycles, base_ns;
static struct callout refine_timer;
static int refining; /* the refinement callout is pending */

static uint64_t ns_at(uint64_t cycles)
{
    return base_ns + (uint64_t)(((unsigned __int128)(cycles - base_cycles) * ns_mult) >> 32);
}

/* From the kernel's first instruction, as Linux's CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME count from boot. */
uint64_t clock_ns(void)
{
    return ns_at(arch_cycles());
}

static uint64_t mult_of(uint64_t hz)
{
    /* 1e9 * 2^32 < 2^64: a 64-bit division (no libgcc in the kernel). */
    return (1000000000ull << 32) / (hz ? hz : 1000000000ull);
}

/* A callout (interrupts off): sample for the refined frequency and, once
 * it is in force, re-base the clock on the new rate from this instant, so
 * that it stays continuous and monotonic. */
static void refine(void *arg)
{
    uint64_t hz;
    (void)arg;
    refining = arch_clock_refine(&hz);
    if (refining) {
        callout_add(&refine_timer, clock_ns() + ARCH_CLOCK_REFINE_NS, refine, 0);
        return;
    }
    if (!hz)
        return;
    uint64_t cycles = arch_cycles();
    base_ns = ns_at(cycles);
    base_cycles = cycles;
    ns_mult = mult_of(hz);
}

void clock_refine_start(void)
{
    refine(0);
}

int clock_refining(void)
{
    return refining;
}

uint64_t clock_realtime_ns(void)
{
    return epoch_at_zero_ns + clock_ns();
}

int clock_realtime_set(uint64_t ns, int64_t *delta_ns)
{
    uint64_t now = clock_ns();
    if (ns < now)
        return -EINVAL;
    uint64_t old = epoch_at_zero_ns;
    epoch_at_zero_ns = ns - now;
    *delta_ns = (int64_t)(epoch_at_zero_ns - old);
    sched_clock_was_set();
    return 0;
}

uint64_t clock_deadline_ns(uint64_t deadline)
{
    if (!(deadline & CLOCK_DEADLINE_RT))
        return deadline;
    uint64_t rt = deadline & ~CLOCK_DEADLINE_RT;
    return rt > epoch_at_zero_ns ? rt - epoch_at_zero_ns : 1;
}

void clock_init(void)
{
    uint64_t hz = arch_cycles_hz();
    struct civil_time t;

    base_cycles = arch_boot_cycles();
    ns_mult = mult_of(hz);
    if (rtc_read(&t) != 0) {
        printk("clock: RTC unreadable; wall clock starts at 1970-01-01\n");
        return;
    }
    epoch_at_zero_ns = (uint64_t)civil_to_epoch(&t) * 1000000000ull - clock_ns();
    printk("clock: %04d-%02u-%02u %02u:%02u:%02u UTC from the RTC\n", t.year, t.month, t.day,
           t.hour, t.min, t.sec);
}
