/* Kernel random numbers: a xoshiro256** generator seeded from RDRAND (when
 * the CPU has it) and the cycle counter, re-stirred with RDRAND on every
 * request. For AT_RANDOM, getrandom(2) and /dev/urandom; not a
 * cryptographic generator when the CPU has no RDRAND. */
#ifndef UNIPLEX_RANDOM_H
#define UNIPLEX_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Seed the generator (after arch_clock_init). */
void random_init(void);
void random_bytes(void *buf, size_t n);
uint64_t random_u64(void);
/* Fill program memory with random bytes: n, fewer if a fault stopped the
 * copy after some, or -EFAULT. */
long random_to_user(void *ubuf, size_t n);

#endif
