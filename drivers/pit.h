/* 8254 PIT: channel 2 as the reference clock the TSC is measured against
 * (briefly at boot, then refined over a second after it), channel 0 as the
 * profiler's periodic clock (profile=US). */
#ifndef UNIPLEX_PIT_H
#define UNIPLEX_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Start a run: channel 2 counting down from 0xffff and wrapping (every 55
 * ms), polled through the speaker gate, with no interrupts. The run starts
 * at an edge of the PIT clock. Call early in boot. */
void pit_run_start(void);

/* The TSC frequency in Hz over the run so far, waiting until at least
 * min_ticks (below 32768) have passed and then for the next PIT clock
 * edge. 0 when the PIT does not count or the counter has wrapped since the
 * start (more than 55 ms passed: the wraps cannot be counted yet). */
uint64_t pit_run_tsc_hz(unsigned min_ticks);

/* pit_run_start() then pit_run_tsc_hz(min_ticks): a fresh measurement. */
uint64_t pit_measure_tsc_hz(unsigned min_ticks);

/* Sample the run now: *ticks, the PIT ticks since its start, *cycles, the
 * TSC cycles since it. The wraps since the last sample are counted by the
 * TSC at hz (a rough figure will do: a gap is read right unless hz is off
 * by more than 27 ms over it). 0, or -1 when there is no run. */
int pit_run_sample(uint64_t hz, uint64_t *ticks, uint64_t *cycles);

/* Make the last sample the start of the run (after a gap too long to trust). */
void pit_run_restart(void);

/* The channel 2 counter now, and the TSC when it was latched (for tests). */
uint16_t pit_read(uint64_t *tsc);

/* Channel 0 as a rate generator: IRQ 0 every us microseconds (2..54,925).
 * 0, or -1 for an interval it cannot count. */
int pit_periodic(unsigned us);

#endif
