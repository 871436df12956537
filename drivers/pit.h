/* 8254 PIT: channel 2 as the reference clock the TSC is measured against at
 * boot, channel 0 as the profiler's periodic clock (profile=US). */
#ifndef UNIPLEX_PIT_H
#define UNIPLEX_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Start channel 2 counting down from 0xffff (about 55 ms), polled through
 * the speaker gate, with no interrupts. Call once, early in boot. */
void pit_run_start(void);

/* The TSC frequency in Hz over the time since pit_run_start(), waiting
 * until at least 2 ms have passed. 0 when the PIT does not count or has
 * wrapped (more than 55 ms passed). */
uint64_t pit_run_tsc_hz(void);

/* pit_run_start() then pit_run_tsc_hz(): a 2 ms measurement now. */
uint64_t pit_measure_tsc_hz(void);

/* Channel 0 as a rate generator: IRQ 0 every us microseconds (2..54,925).
 * 0, or -1 for an interval it cannot count. */
int pit_periodic(unsigned us);

#endif
