#ifndef UNIPLEX_PREEMPT_TEST_H
#define UNIPLEX_PREEMPT_TEST_H

/* Preemption cases of selftest=sched (reported through ktest). */
void preempt_selftest(void);

#endif
