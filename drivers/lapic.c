/* Local APIC (SDM vol. 3, 11): spurious vector, one-shot timer. */
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
#define CAL_NS         250000ull /* calibration window, against the calibrated TSC */

static volatile uint32_t *regs;
static uint64_t ticks_per_ms;

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

/* Timer ticks per ms against the calibrated cycle counter. Both ends are
 * read as pairs, so the time to reach each read (under TCG, translating
 * the code on its first run) does not count as window. */
static void calibrate(void)
{
    uint64_t hz = arch_cycles_hz(), wait = hz * CAL_NS / 1000000000ull, t0, t1;
    wr(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
    wr(REG_TIMER_INIT, 0xffffffffu);
    uint32_t c0 = read_count(&t0);
    while (arch_cycles() - t0 < wait)
        arch_cpu_relax();
    uint32_t c1 = read_count(&t1);
    wr(REG_TIMER_INIT, 0);
    ticks_per_ms = (uint64_t)(c0 - c1) * (hz / 1000) / (t1 - t0);
}

int lapic_init(void)
{
    uint64_t base;
    if (arch_lapic_enable(&base))
        return -ENODEV;
    regs = arch_phys_map(base, PAGE_SIZE);
    if (!regs)
        return -ENODEV;
    wr(REG_TPR, 0);
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    wr(REG_TIMER_DIV, DIV_16);
    calibrate();
    printk("lapic: at %#llx, timer %llu ticks/ms\n", (unsigned long long)base,
           (unsigned long long)ticks_per_ms);
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
