/* Local APIC (xAPIC, memory-mapped): the scheduler's one-shot timer. */
#ifndef UNIPLEX_LAPIC_H
#define UNIPLEX_LAPIC_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR    0xf0
#define LAPIC_SPURIOUS_VECTOR 0xff

/* The clock calibration window (kernel/arch/x86_64/tsc.c): start the
 * timer counting (masked) at its start, and read it at its end; without an
 * APIC both do nothing. */
void lapic_cal_start(void);
void lapic_cal_end(void);
/* Enable the APIC and its timer at the rate measured over that window. 0,
 * or -ENODEV when the CPU has no APIC or the window was not measured
 * (then the scheduler polls). */
int lapic_init(void);
/* Derive the timer's ticks per ns again from the cycle counter's frequency
 * (refined after boot); call with interrupts off. */
void lapic_set_cycles_hz(uint64_t hz);
/* Fire LAPIC_TIMER_VECTOR once after ns nanoseconds; 0 stops the timer. */
void lapic_timer_oneshot(uint64_t ns);
/* End of interrupt for the vector being handled. */
void lapic_eoi(void);

#endif
