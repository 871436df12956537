/* In-kernel tests of the clock's calibration (drivers/pit_test.c). */
#ifndef UNIPLEX_PIT_TEST_H
#define UNIPLEX_PIT_TEST_H

/* selftest=clock: the refined TSC frequency against the PIT and the RTC,
 * and the clock's continuity across the switch to it. 1 if a case failed. */
int clock_selftest(void);

#endif
