/* Local APIC (SDM vol. 3, 11): spurious vector, one-shot timer. The
 * timer's rate is measured against the cycle counter over the boot's clock
 * calibration window (lapic_cal_start at its start, lapic_cal_end at its
 * end): a ratio of two counters read exactly, so the window need not be
 * long, and the rate in ns follows the cycle counter's refined frequency. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "drivers/lapic.h"

#define REG_TPR        0x80
#define REG_EOI        0xb0
#define REG_SVR        0xf0
#define REG_LVT_TIMER  0x320
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DIV  0x3e0
#define SVR_ENABLE     0x100
#define LVT_MASKED     0x10000
#define DIV_16         0x3
#define CAL_MIN_TICKS  2048u
#define CAL_SPIN_LIMIT 10000000u

static volatile uint32_t *regs;
static uint64_t ticks_per_ms;
/* The timer's rate against the cycle counter: cal_ticks in cal_cycles,
 * measured over the boot's clock calibration window. */
static uint64_t cal_cycles, cal_t0;
static uint32_t cal_ticks, cal_c0;

static uint32_t rd(unsigned reg)
{
    return regs[reg / 4];
}

static void wr(unsigned reg, uint32_t v)
{
    regs[reg / 4] = v;
}

/* The timer's current count and the cycle counter at the moment it was
 * read (the midpoint of the cycles around the read). */
static uint32_t read_count(uint64_t *cycles)
{
    uint64_t a = arch_cycles();
    uint32_t c = rd(REG_TIMER_CUR);
    *cycles = a + (arch_cycles() - a) / 2;
    return c;
}

static int map_regs(void)
{
    uint64_t base;
    if (regs)
        return 0;
    if (arch_lapic_enable(&base))
        return -ENODEV;
    regs = arch_phys_map(base, PAGE_SIZE);
    return regs ? 0 : -ENODEV;
}

void lapic_cal_start(void)
{
    if (map_regs())
        return;
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    wr(REG_TIMER_DIV, DIV_16);
    wr(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
    wr(REG_TIMER_INIT, 0xffffffffu);
    cal_c0 = read_count(&cal_t0);
}

void lapic_cal_end(void)
{
    uint64_t t1;
    if (!regs || !cal_t0)
        return;
    uint32_t c1 = read_count(&t1);
    /* At least CAL_MIN_TICKS, for a rate good to 0.05% (already passed
     * unless the boot before the window's end was very fast). */
    for (uint32_t spins = 0; cal_c0 - c1 < CAL_MIN_TICKS && spins < CAL_SPIN_LIMIT; spins++)
        c1 = read_count(&t1);
    wr(REG_TIMER_INIT, 0);
    cal_ticks = cal_c0 - c1;
    cal_cycles = t1 - cal_t0;
}

void lapic_set_cycles_hz(uint64_t hz)
{
    if (cal_cycles)
        ticks_per_ms = cal_ticks * (hz / 1000) / cal_cycles; /* < 2^32 * 2^24 */
}

int lapic_init(void)
{
    if (map_regs())
        return -ENODEV;
    wr(REG_TPR, 0);
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    wr(REG_TIMER_DIV, DIV_16);
    lapic_set_cycles_hz(arch_cycles_hz());
    printk("lapic: timer %llu ticks/ms\n", (unsigned long long)ticks_per_ms);
    return ticks_per_ms ? 0 : -ENODEV;
}

void lapic_timer_oneshot(uint64_t ns)
{
    if (!regs)
        return;
    if (ns == 0) {
        wr(REG_TIMER_INIT, 0);
        return;
    }
    uint64_t ticks = ns / 1000 * ticks_per_ms / 1000;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu;
    wr(REG_LVT_TIMER, LAPIC_TIMER_VECTOR); /* one-shot, unmasked */
    wr(REG_TIMER_INIT, (uint32_t)ticks);
}

void lapic_eoi(void)
{
    if (regs)
        wr(REG_EOI, 0);
}
