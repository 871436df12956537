/* Local APIC (xAPIC, memory-mapped): the scheduler's one-shot timer. */
#ifndef UNIPLEX_LAPIC_H
#define UNIPLEX_LAPIC_H

#include <stdint.h>

#define LAPIC_TIMER_VECTOR    0xf0
#define LAPIC_SPURIOUS_VECTOR 0xff

/* Enable the APIC, calibrate its timer against the TSC. 0, or -ENODEV when
 * the CPU has no APIC (then the scheduler polls). */
int lapic_init(void);
/* Fire LAPIC_TIMER_VECTOR once after ns nanoseconds; 0 stops the timer. */
void lapic_timer_oneshot(uint64_t ns);
/* End of interrupt for the vector being handled. */
void lapic_eoi(void);

#endif
