/* 8254 PIT channel 2 (the speaker gate; no interrupts) as a reference clock
 * for the TSC, in two steps as Linux calibrates (early, then refined):
 * pit_run_start() sets the channel counting down from 0xffff as early in
 * boot as possible; pit_run_tsc_hz() divides the TSC cycles by the PIT
 * ticks since then, waiting only until a short window has passed (the boot
 * work before it counts as window); pit_run_sample(), called every few
 * tens of milliseconds after boot, keeps counting the ticks of the same
 * run across the counter's wraps, so that the frequency can be refined
 * over a second without anyone waiting for it. */
#include <stdint.h>
#include "kernel/arch.h"
#include "drivers/pit.h"

#define PIT_CH2    0x42
#define PIT_MODE   0x43
#define PORT_B     0x61
#define GATE2      0x01
#define SPEAKER    0x02
#define OUT2       0x20
#define MODE0_CH2  0xb0 /* channel 2, lo/hi byte, mode 0 (count down, then wrap) */
#define LATCH_CH2  0x80
#define WRAP       65536u
#define SPIN_LIMIT 50000000u
#define EDGE_SPINS 1000000u /* an edge comes every 838 ns: reads of a dead PIT end here */

/* The run: its start (an edge of the PIT clock), the ticks counted up to
 * the last sample and that sample. */
static uint64_t run_tsc, last_tsc, run_ticks;
static uint16_t last_count;
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

uint16_t pit_read(uint64_t *tsc)
{
    return read_ch2(tsc);
}

/* Spin until the counter moves from c: the sample just after a PIT clock
 * edge, so that a measurement's ends lose no fraction of a tick. 1 when
 * seen, 0 when the counter does not move. */
static int next_edge(uint16_t c, uint16_t *out, uint64_t *tsc)
{
    for (uint32_t spins = 0; spins < EDGE_SPINS; spins++) {
        *out = read_ch2(tsc);
        if (*out != c)
            return 1;
    }
    return 0;
}

void pit_run_start(void)
{
    uint8_t b = arch_inb(PORT_B);
    uint64_t tsc;

    arch_outb(PORT_B, b & ~(GATE2 | SPEAKER)); /* gate low while loading */
    arch_outb(PIT_MODE, MODE0_CH2);
    arch_outb(PIT_CH2, 0xff);
    arch_outb(PIT_CH2, 0xff);
    arch_outb(PORT_B, (b & ~SPEAKER) | GATE2); /* gate high: counting starts */
    /* The count is loaded on the next PIT clock, which is an edge, as is
     * every decrement after it: the run starts at the first change seen,
     * which is 0xf000 or more unless the channel does not count as set. */
    uint16_t c = read_ch2(&tsc);
    running = next_edge(c, &c, &tsc) && c >= 0xf000;
    run_tsc = last_tsc = tsc;
    last_count = c;
    run_ticks = 0;
}

/* Count the ticks from the last sample to one taken now. The counter
 * wraps every WRAP ticks (55 ms); how many wraps the gap holds is the one
 * that best matches the gap's TSC cycles at hz (an estimate good to a few
 * per cent is enough for gaps of seconds). */
static void sample(uint16_t c, uint64_t tsc, uint64_t hz)
{
    uint64_t ticks = (uint16_t)(last_count - c);
    if (hz) {
        uint64_t expect = (tsc - last_tsc) * PIT_HZ / hz;
        if (expect > ticks)
            ticks += (expect - ticks + WRAP / 2) / WRAP * WRAP;
    }
    run_ticks += ticks;
    last_count = c;
    last_tsc = tsc;
}

uint64_t pit_run_tsc_hz(unsigned min_ticks)
{
    uint64_t tsc;
    uint16_t c;

    if (!running || min_ticks >= WRAP / 2)
        return 0;
    /* Mode 0 raises OUT at terminal count: the counter has wrapped (55
     * ms) and without a TSC rate the wraps cannot be counted. */
    if (arch_inb(PORT_B) & OUT2)
        return 0;
    for (uint32_t spins = 0; run_ticks < min_ticks; spins++) {
        if (spins > SPIN_LIMIT)
            return 0;
        c = read_ch2(&tsc);
        sample(c, tsc, 0);
    }
    if (!next_edge(last_count, &c, &tsc))
        return 0;
    sample(c, tsc, 0);
    return (last_tsc - run_tsc) * PIT_HZ / run_ticks;
}

int pit_run_sample(uint64_t hz, uint64_t *ticks, uint64_t *cycles)
{
    uint64_t tsc;

    if (!running)
        return -1;
    uint16_t c = read_ch2(&tsc);
    sample(c, tsc, hz);
    *ticks = run_ticks;
    *cycles = last_tsc - run_tsc;
    return 0;
}

uint64_t pit_measure_tsc_hz(unsigned min_ticks)
{
    pit_run_start();
    return pit_run_tsc_hz(min_ticks);
}

void pit_run_restart(void)
{
    run_tsc = last_tsc;
    run_ticks = 0;
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
