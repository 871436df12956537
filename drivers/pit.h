/* 8254 PIT, used only as a reference clock at boot. */
#ifndef UNIPLEX_PIT_H
#define UNIPLEX_PIT_H

#include <stdint.h>

#define PIT_HZ 1193182u

/* Count TSC cycles across ms milliseconds of PIT channel 2 (polled, the
 * speaker gate; no interrupts). Returns the TSC frequency in Hz, or 0 when
 * the PIT does not count. */
uint64_t pit_measure_tsc_hz(unsigned ms);

#endif
