/* lwIP's compiler and platform definitions for the Uniplex kernel. */
#ifndef UNIPLEX_LWIP_CC_H
#define UNIPLEX_LWIP_CC_H

#include <stddef.h>
#include <stdint.h>

/* The kernel is built without a C library's headers (-nostdinc): no
 * <inttypes.h>, <ctype.h>, <limits.h> or <unistd.h>. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_CTYPE_H    1
#define LWIP_NO_LIMITS_H   1
#define LWIP_NO_UNISTD_H   1
#define INT_MAX            __INT_MAX__
#define SSIZE_MAX          __LONG_MAX__
typedef long ssize_t;
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "zu"

#define BYTE_ORDER LITTLE_ENDIAN
/* Byte swaps inline, not lwIP's out-of-line functions. */
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))

/* lwIP's own errno values match Linux's; the kernel's come from errno.h. */
#define LWIP_ERRNO_INCLUDE "errno.h"

/* Diagnostics go to the kernel log; a failed assertion is a kernel bug. */
void lwip_port_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lwip_port_assert(const char *msg, const char *file, int line) __attribute__((noreturn));
#define LWIP_PLATFORM_DIAG(x)                                                                      \
    do {                                                                                           \
        lwip_port_diag x;                                                                          \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x) lwip_port_assert((x), __FILE__, __LINE__)

/* The port (kernel/net/lwip_port.c). */
void *lwip_port_malloc(size_t n);
void *lwip_port_calloc(size_t n, size_t size);
void lwip_port_free(void *p);
uint32_t lwip_port_rand(void);

#endif
