/* TSC frequency: CPUID leaf 0x15 (crystal ratio, SDM vol. 2 CPUID), the
 * hypervisor timing leaf 0x40000010 (kHz), else measured against the PIT. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/printk.h"
#include "drivers/pit.h"

#define PIT_CAL_MS 10

static uint64_t tsc_hz;

static uint64_t tsc_from_cpuid15(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    if (r[0] < 0x15)
        return 0;
    cpuid(0x15, 0, r);
    if (r[0] == 0 || r[1] == 0 || r[2] == 0)
        return 0;
    return (uint64_t)r[2] * r[1] / r[0];
}

static uint64_t tsc_from_hypervisor(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & (1u << 31))) /* hypervisor present */
        return 0;
    cpuid(0x40000000, 0, r);
    if (r[0] < 0x40000010)
        return 0;
    cpuid(0x40000010, 0, r);
    return (uint64_t)r[0] * 1000;
}

void arch_clock_init(void)
{
    const char *src = "CPUID 0x15";

    tsc_hz = tsc_from_cpuid15();
    if (!tsc_hz) {
        src = "hypervisor leaf 0x40000010";
        tsc_hz = tsc_from_hypervisor();
    }
    if (!tsc_hz) {
        src = "PIT";
        tsc_hz = pit_measure_tsc_hz(PIT_CAL_MS);
    }
    if (!tsc_hz) {
        src = "nothing (assuming 1 GHz)";
        tsc_hz = 1000000000ull;
    }
    printk("tsc: %llu.%03llu MHz from %s\n", (unsigned long long)(tsc_hz / 1000000),
           (unsigned long long)(tsc_hz / 1000 % 1000), src);
}

uint64_t arch_cycles_hz(void)
{
    return tsc_hz;
}
