/* Kernel string and memory functions (libc/string.c). Semantics are those of
 * C11 unless stated; the kernel has no errno, so the strto* functions report
 * overflow only by clamping. */
#ifndef UNIPLEX_STRING_H
#define UNIPLEX_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
/* Like memcpy, but the regions may overlap in either direction. */
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
/* Length of s, but never reads more than max bytes. */
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/* OpenBSD semantics: dst always NUL-terminated when size > 0; the return value
 * is the length of the string they tried to create (truncation iff >= size). */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);
size_t strlcat(char *restrict dst, const char *restrict src, size_t size);

/* C11 semantics: leading white space, optional sign, base 0 (auto: 0x -> 16,
 * 0 -> 8, else 10) or 2..36, optional 0x/0X prefix for base 16. On overflow
 * strtoul returns ULONG_MAX and strtol LONG_MAX/LONG_MIN (errno is not set).
 * If no digits are found (or base is invalid) they return 0 and *end = s. */
unsigned long strtoul(const char *restrict s, char **restrict end, int base);
long strtol(const char *restrict s, char **restrict end, int base);

#endif
