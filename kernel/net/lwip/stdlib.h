/* What lwIP needs of <stdlib.h> (netif.c's atoi), for the kernel build. */
#ifndef UNIPLEX_LWIP_STDLIB_H
#define UNIPLEX_LWIP_STDLIB_H

#include "string.h"

static inline int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

#endif
