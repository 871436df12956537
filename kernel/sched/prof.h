/* A sampling profiler (Linux's profile= boot option in spirit): with
 * profile=US on the command line, a clock interrupts the CPU every US
 * microseconds, as an NMI so that code running with interrupts disabled
 * (all kernel code here) is sampled too, and records where it was.
 * prof_report() prints the functions seen most. */
#ifndef UNIPLEX_PROF_H
#define UNIPLEX_PROF_H

#include <stdint.h>

/* Read profile=US (10..100000) and allocate the sample buffer. */
void prof_init(const char *cmdline);
/* Record one sample: the interrupted instruction pointer. Interrupt
 * context; allocates nothing. */
void prof_sample(uint64_t pc);
/* Print the top functions by samples (all program code counted as one
 * entry; the idle thread shows as its halt loop) and end the profile: no
 * sample is taken after it, the report's own work included. Does nothing
 * when not profiling. */
void prof_report(void);

#endif
