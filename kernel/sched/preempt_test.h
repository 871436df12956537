#ifndef UNIPLEX_PREEMPT_TEST_H
#define UNIPLEX_PREEMPT_TEST_H

/* Preemption cases of selftest=sched; reports each through result(). */
void preempt_selftest(void (*result)(const char *name, const char *why));

#endif
