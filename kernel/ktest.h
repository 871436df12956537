/* Reporting for the in-kernel test suites (selftest=NAME): one line per
 * case, "ok NAME" or "FAIL NAME: why", then "SUITE: N passed, M failed",
 * which the host runner (tests/run.sh) reads. One suite runs per boot. */
#ifndef UNIPLEX_KTEST_H
#define UNIPLEX_KTEST_H

/* Report one case: why is NULL when it passed. */
void ktest_result(const char *name, const char *why);
/* Print the suite's closing line; returns the number of failed cases. */
int ktest_end(const char *suite);

#endif
