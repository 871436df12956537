/* TSC frequency: CPUID leaf 0x15 (crystal ratio, SDM vol. 2 CPUID), the
 * hypervisor timing leaf 0x40000010 (kHz), KVM's pvclock scale, else
 * measured against the PIT in two steps, as Linux does: early, over the
 * boot so far but at least EARLY_TICKS (no waiting once that passed), and
 * refined over REFINE_TICKS after boot from samples the clock code takes
 * (arch_clock_refine). The local APIC timer is measured against the TSC
 * over the same early window. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/printk.h"
#include "drivers/lapic.h"
#include "drivers/pit.h"

#define EARLY_TICKS  (PIT_HZ / 4000) /* 250 us: ~0.1% off, enough to boot with */
#define REFINE_TICKS PIT_HZ          /* 1 s: about 1 ppm of PIT quantisation */
/* A longer gap between refinement samples (a long stretch with interrupts
 * off) restarts the refinement: the early figure could miscount its wraps. */
#define REFINE_GAP_TICKS (PIT_HZ / 5)
/* A refined figure this far (1/REFINE_SANE) from the early one is a
 * measurement gone wrong: the early one stays. */
#define REFINE_SANE 20

/* KVM paravirtual clock (Linux Documentation/virt/kvm/x86/msr.rst). */
#define KVM_SIGNATURE_EBX     0x4b4d564bu /* "KVMKVMKVM\0\0\0" */
#define KVM_FEATURE_CLOCK2    (1u << 3)
#define MSR_KVM_SYSTEM_TIME_2 0x4b564d01u

struct pvclock_time {
    uint32_t version; /* odd while the host updates the record */
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul; /* ns = (cycles << shift) * mul >> 32 */
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad[2];
};
_Static_assert(sizeof(struct pvclock_time) == 32, "pvclock ABI");

static uint64_t tsc_hz;
static uint64_t last_ticks; /* refinement: PIT ticks at the last sample */
static int refining;        /* 1 while the PIT figure awaits refinement */
static int measured;        /* tsc_hz came from the PIT, not a stated figure */

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

/* The frequency behind KVM's pvclock scale: the host fills the record
 * when the MSR is written, and stops once it is written with 0. */
static uint64_t tsc_from_kvmclock(void)
{
    static volatile struct pvclock_time pv __attribute__((aligned(32)));
    uint32_t r[4], version, mul;
    int8_t shift;

    cpuid(0x40000000, 0, r);
    if (r[1] != KVM_SIGNATURE_EBX || r[0] < 0x40000001)
        return 0;
    cpuid(0x40000001, 0, r);
    if (!(r[0] & KVM_FEATURE_CLOCK2))
        return 0;
    wrmsr(MSR_KVM_SYSTEM_TIME_2, ((uint64_t)(uintptr_t)&pv - KERNEL_VMA) | 1);
    do {
        version = pv.version;
        mul = pv.tsc_to_system_mul;
        shift = pv.tsc_shift;
    } while ((version & 1) || version != pv.version);
    wrmsr(MSR_KVM_SYSTEM_TIME_2, 0);
    if (mul == 0)
        return 0;
    uint64_t hz = (1000000000ull << 32) / mul; /* 1e9 < 2^30: no overflow */
    return shift < 0 ? hz << -shift : hz >> shift;
}

void arch_clock_start(void)
{
    pit_run_start();
    lapic_cal_start();
}

static void print_hz(const char *what, uint64_t hz, const char *src)
{
    printk(KERN_DEBUG "tsc: %s%llu.%03llu MHz from %s\n", what, (unsigned long long)(hz / 1000000),
           (unsigned long long)(hz / 1000 % 1000), src);
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
        src = "KVM pvclock";
        tsc_hz = tsc_from_kvmclock();
    }
    if (!tsc_hz) {
        src = "the PIT over the boot so far";
        tsc_hz = pit_run_tsc_hz(EARLY_TICKS);
        refining = tsc_hz != 0;
    }
    if (!tsc_hz) {
        src = "the PIT (a fresh 250 us)";
        tsc_hz = pit_measure_tsc_hz(EARLY_TICKS);
        refining = tsc_hz != 0;
    }
    if (!tsc_hz) {
        src = "nothing (assuming 1 GHz)";
        tsc_hz = 1000000000ull;
    }
    lapic_cal_end();
    measured = refining;
    print_hz(refining ? "early " : "", tsc_hz, src);
}

int arch_clock_measured(void)
{
    return measured;
}

/* One refinement sample: 1 while it goes on, 0 once the figure is final. */
static int refine_step(uint64_t *hz)
{
    uint64_t ticks, cycles;
    if (pit_run_sample(tsc_hz, &ticks, &cycles))
        return 0;
    if (ticks - last_ticks > REFINE_GAP_TICKS) {
        pit_run_restart();
        last_ticks = 0;
        return 1;
    }
    last_ticks = ticks;
    if (ticks < REFINE_TICKS)
        return 1;
    uint64_t refined = cycles * PIT_HZ / ticks;
    uint64_t off = refined > tsc_hz ? refined - tsc_hz : tsc_hz - refined;
    if (off > tsc_hz / REFINE_SANE) {
        print_hz("refinement rejected: ", refined, "the PIT over 1 s");
        return 0;
    }
    print_hz("refined ", refined, "the PIT over 1 s");
    tsc_hz = refined;
    lapic_set_cycles_hz(tsc_hz);
    *hz = tsc_hz;
    return 0;
}

int arch_clock_refine(uint64_t *hz)
{
    *hz = 0;
    if (!refining)
        return 0;
    refining = refine_step(hz);
    return refining;
}

uint64_t arch_cycles_hz(void)
{
    return tsc_hz;
}
