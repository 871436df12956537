/* Seeded pseudo-random numbers for the host unit tests (xorshift64*):
 * deterministic, so a failing random case fails the same way on every run.
 * Tests may set rng_state to their own non-zero seed. */
#ifndef UNIPLEX_TEST_RNG_H
#define UNIPLEX_TEST_RNG_H

#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull; /* never 0: xorshift stays at 0 */

static inline uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline unsigned rnd(unsigned n)
{
    return (unsigned)(rng() % n);
}

#endif
