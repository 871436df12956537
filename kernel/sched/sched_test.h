#ifndef UNIPLEX_SCHED_TEST_H
#define UNIPLEX_SCHED_TEST_H

/* In-kernel thread and scheduler tests (selftest=sched): "ok NAME" or
 * "FAIL NAME: why" per case, then "sched: N passed, M failed". Returns M. */
int sched_selftest(void);
/* Only the sleep cases (selftest=sleep): cheap enough for slow accelerators. */
int sched_sleep_selftest(void);

#endif
