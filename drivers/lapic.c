/* Local APIC (SDM vol. 3, 11): spurious vector, one-shot timer. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/printk.h"
#include "drivers/lapic.h"

#define MSR_APIC_BASE  0x1b
#define APIC_ENABLE    (1u << 11)
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
#define CAL_NS         2000000ull /* calibration window */

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

static void calibrate(void)
{
    uint64_t hz = arch_cycles_hz(), wait = hz * CAL_NS / 1000000000ull;
    wr(REG_LVT_TIMER, LVT_MASKED | LAPIC_TIMER_VECTOR);
    wr(REG_TIMER_INIT, 0xffffffffu);
    uint64_t t0 = arch_cycles();
    while (arch_cycles() - t0 < wait)
        cpu_relax();
    uint32_t left = rd(REG_TIMER_CUR);
    wr(REG_TIMER_INIT, 0);
    ticks_per_ms = (0xffffffffull - left) * 1000000ull / CAL_NS;
}

int lapic_init(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!((r[3] >> 9) & 1))
        return -ENODEV;
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_ENABLE);
    regs = arch_phys_map(base & ~0xfffull, 4096);
    if (!regs)
        return -ENODEV;
    wr(REG_TPR, 0);
    wr(REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
    wr(REG_TIMER_DIV, DIV_16);
    calibrate();
    printk("lapic: at %#llx, timer %llu ticks/ms\n", (unsigned long long)(base & ~0xfffull),
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
