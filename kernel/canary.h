/* Kernel canaries, in the test kernel only (build/kernel-test.elf, built
 * with -DKERNEL_TEST): a system call that writes through a kernel pointer
 * on a program's behalf must be caught even when nothing crashes. The
 * kernel's read-only image (.text and .rodata, which the direct map also
 * reaches, writable) and a page of kernel data filled with a pattern are
 * checksummed before init starts and checked when it has exited. */
#ifndef UNIPLEX_CANARY_H
#define UNIPLEX_CANARY_H

#ifdef KERNEL_TEST
/* Fill the canary page and take the checksums. canary=corrupt on the
 * command line makes canary_check() change the page first: a check that
 * must fail, to show that it can. */
void canary_arm(const char *cmdline);

/* Print "canary: ok" or "canary: CHANGED (what)"; 0 if ok, else -1. */
int canary_check(void);
#endif

#endif
