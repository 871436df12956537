#ifndef UNIPLEX_X86_BACKTRACE_H
#define UNIPLEX_X86_BACKTRACE_H

#include <stdint.h>

/* Print "  #N ADDRESS symbol+off" for rip, then for every return address on
 * the frame-pointer chain starting at rbp (rsp: the stack pointer at rip,
 * or 0 if unknown). Crash path: reads only frames on
 * a known stack, at most BACKTRACE_MAX of them, allocates nothing. */
#define BACKTRACE_MAX 32
void backtrace_print(uint64_t rip, uint64_t rbp, uint64_t rsp);

#endif
