/* CLOCK_MONOTONIC from the TSC, CLOCK_REALTIME anchored on the RTC. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "drivers/rtc.h"

static uint64_t ns_mult; /* ns per cycle, 32.32 fixed point */
static uint64_t epoch_at_zero_ns;
static uint64_t cycles0; /* arch_boot_cycles(), read once */

/* From the kernel's first instruction, as Linux's CLOCK_MONOTONIC and
 * CLOCK_BOOTTIME count from boot. */
uint64_t clock_ns(void)
{
    uint64_t cycles = arch_cycles() - cycles0;
    return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> 32);
}

uint64_t clock_realtime_ns(void)
{
    return epoch_at_zero_ns + clock_ns();
}

void clock_init(void)
{
    uint64_t hz = arch_cycles_hz();
    struct civil_time t;

    cycles0 = arch_boot_cycles();
    /* 1e9 * 2^32 < 2^64: a 64-bit division (no libgcc in the kernel). */
    ns_mult = (1000000000ull << 32) / (hz ? hz : 1000000000ull);
    if (rtc_read(&t) != 0) {
        printk("clock: RTC unreadable; wall clock starts at 1970-01-01\n");
        return;
    }
    epoch_at_zero_ns = (uint64_t)civil_to_epoch(&t) * 1000000000ull - clock_ns();
    printk("clock: %04d-%02u-%02u %02u:%02u:%02u UTC from the RTC\n", t.year, t.month, t.day,
           t.hour, t.min, t.sec);
}
