/* 8254 PIT channel 2 (the speaker gate; no interrupts) as a reference clock
 * for the TSC. pit_run_start() sets the channel counting down from 0xffff
 * as early in boot as possible; pit_run_tsc_hz() later divides the TSC
 * cycles by the PIT ticks since then. The boot work in between is the
 * calibration window, so calibration costs no waiting unless boot reached
 * it in under PIT_MIN_TICKS. */
#include <stdint.h>
#include "kernel/arch.h"
#include "drivers/pit.h"

#define PIT_CH2       0x42
#define PIT_MODE      0x43
#define PORT_B        0x61
#define GATE2         0x01
#define SPEAKER       0x02
#define OUT2          0x20
#define MODE0_CH2     0xb0 /* channel 2, lo/hi byte, mode 0 (count down once) */
#define LATCH_CH2     0x80
#define PIT_MIN_TICKS (PIT_HZ / 500) /* 2 ms: read error ~1 us -> ~0.05% */
#define SPIN_LIMIT    50000000u

static uint64_t run_tsc;
static uint16_t run_count;
static int running;

/* The counter and the TSC at the moment it was latched (the midpoint of
 * the cycles around the latch command). */
static uint16_t read_ch2(uint64_t *tsc)
{
    uint64_t a = arch_cycles();
    arch_outb(PIT_MODE, LATCH_CH2);
    uint64_t b = arch_cycles();
    uint8_t lo = arch_inb(PIT_CH2);
    uint8_t hi = arch_inb(PIT_CH2);
    *tsc = a + (b - a) / 2;
    return (uint16_t)(lo | hi << 8);
}

void pit_run_start(void)
{
    uint8_t b = arch_inb(PORT_B);

    arch_outb(PORT_B, b & ~(GATE2 | SPEAKER)); /* gate low while loading */
    arch_outb(PIT_MODE, MODE0_CH2);
    arch_outb(PIT_CH2, 0xff);
    arch_outb(PIT_CH2, 0xff);
    arch_outb(PORT_B, (b & ~SPEAKER) | GATE2); /* gate high: counting starts */
    /* The count is loaded on the next PIT clock: wait to see it move. */
    uint16_t c = read_ch2(&run_tsc);
    for (uint32_t spins = 0; c == 0xffff && spins < SPIN_LIMIT; spins++)
        c = read_ch2(&run_tsc);
    run_count = c;
    running = c != 0xffff;
}

uint64_t pit_run_tsc_hz(void)
{
    uint64_t tsc;
    uint32_t ticks;

    if (!running)
        return 0;
    for (uint32_t spins = 0;; spins++) {
        uint16_t c = read_ch2(&tsc);
        /* Mode 0 raises OUT at terminal count: the counter has wrapped
         * (55 ms), and the ticks since the start are unknown. */
        if ((arch_inb(PORT_B) & OUT2) || spins > SPIN_LIMIT)
            return 0;
        ticks = (uint32_t)(run_count - c);
        if (ticks >= PIT_MIN_TICKS)
            break;
    }
    return (tsc - run_tsc) * PIT_HZ / ticks;
}

uint64_t pit_measure_tsc_hz(void)
{
    pit_run_start();
    return pit_run_tsc_hz();
}

#define PIT_CH0   0x40
#define MODE2_CH0 0x34 /* channel 0, lo/hi byte, mode 2 (rate generator) */

int pit_periodic(unsigned us)
{
    uint64_t count = (uint64_t)PIT_HZ * us / 1000000;
    if (count < 2 || count > 0xffff)
        return -1;
    arch_outb(PIT_MODE, MODE2_CH0);
    arch_outb(PIT_CH0, count & 0xff);
    arch_outb(PIT_CH0, (count >> 8) & 0xff);
    return 0;
}
