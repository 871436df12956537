#ifndef UNIPLEX_X86_TRAP_H
#define UNIPLEX_X86_TRAP_H

#include <stdint.h>

/* How many times an unexpected or spurious vector (>= 32) arrived. */
uint64_t trap_count(unsigned vector);

#endif
