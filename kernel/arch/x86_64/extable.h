#ifndef UNIPLEX_X86_EXTABLE_H
#define UNIPLEX_X86_EXTABLE_H

#include <stdint.h>

/* Where to resume after a fault at rip inside a user-access routine, or 0. */
uint64_t extable_fixup(uint64_t rip);

#endif
