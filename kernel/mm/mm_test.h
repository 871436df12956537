#ifndef UNIPLEX_MM_TEST_H
#define UNIPLEX_MM_TEST_H

/* In-kernel memory tests (selftest=mm): one "ok NAME" or "FAIL NAME: why"
 * line per case, then "mm: N passed, M failed". Returns M. */
int mm_selftest(void);
/* Only the allocator micro-benchmark (selftest=mmbench). Returns 0. */
int mm_bench(void);

#endif
