/* Self tests chosen on the command line ("selftest=NAME"), in the test
 * kernel only (build/kernel-test.elf, built with -DKERNEL_TEST): deliberate
 * failures, so the tests can check the crash path: ud2, pagefault, panic,
 * stackguard, wrtext (write to kernel text), pgdoublefree, kstackoverflow;
 * and in-kernel suites: mm, mmbench, sched, readline (one line of console
 * input), sleep, sys (system-call entry), cpudiag, net and nonet (the
 * network driver, drivers/netdev_test.c). The release kernel has
 * none (kmain logs the word and boots on). */
#ifndef UNIPLEX_SELFTEST_H
#define UNIPLEX_SELFTEST_H

#ifdef KERNEL_TEST
#include <stddef.h>

/* Run the self test named name[0..len), instead of init; the status to
 * power off with. The deliberate failures do not return (1 if one did); a
 * suite ("mm") gives 1 if a case failed, else 0. An unknown name is
 * reported and gives 0. */
int selftest_run(const char *name, size_t len);
#endif

#endif
