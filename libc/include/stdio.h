/* Kernel string formatting (libc/format.c). No streams, no floating point. */
#ifndef UNIPLEX_STDIO_H
#define UNIPLEX_STDIO_H

#include <stdarg.h>
#include <stddef.h>

/* C99 vsnprintf for %d %i %u %x %X %o %p %s %c %% with flags "-+ #0", field
 * width and precision (also '*'), and length modifiers hh h l ll z t j. The
 * output matches glibc, including "(nil)" for a NULL %p and "(null)" for a
 * NULL %s. Any other conversion (including %n and floating point) is copied
 * to the output verbatim, from the '%' up to and including the unknown
 * character; a lone '%' at the end of fmt is copied too.
 *
 * Returns the length the complete output would have had, excluding the NUL
 * (or -1 if that exceeds INT_MAX). buf is always NUL-terminated when
 * size > 0; buf may be NULL when size is 0. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
