/* Test harness: run the test programs of arch/x86_64/testprog.S as program
 * code (lower half, own stacks, interrupts on) in a test address space.
 * One harness at a time; used by the in-kernel test suites only. */
#ifndef UNIPLEX_PROGTEST_H
#define UNIPLEX_PROGTEST_H

#include <stdint.h>
#include "kernel/sched/sched.h"

struct progtest_job {
    uint64_t entry, arg, arg2, stack_top;
    int64_t result; /* the program's rax when it returned */
};

/* Map the programs and 8 stacks and switch the caller to that address
 * space: NULL, or why it failed. */
const char *progtest_setup(void);
/* Switch the caller back to the kernel tables and free the address space. */
void progtest_teardown(void);
/* Address, in the test address space, of a symbol of the blob. */
uint64_t progtest_va(const char *sym);
/* Word n of the blob's data area (testprog.S lists them). */
volatile uint64_t *progtest_data(unsigned n);
/* Start a thread running entry(arg, arg2) on stack slot (0..7). */
int progtest_start(struct progtest_job *j, const char *entry, uint64_t arg, uint64_t arg2, int slot,
                   struct thread **t);
/* Run entry(arg, arg2) in the calling thread on stack slot 7. */
int64_t progtest_run(const char *entry, uint64_t arg, uint64_t arg2);

#endif
