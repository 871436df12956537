/* The kernel's libc as seen by host unit tests. The test build links
 * build/host/klib.o, which is libc/ compiled for the host with every symbol
 * renamed by `objcopy --prefix-symbols=k_`, so the kernel's memcpy is
 * k_memcpy here and cannot clash with the host C library. */
#ifndef UNIPLEX_TESTS_KLIBC_H
#define UNIPLEX_TESTS_KLIBC_H

#include <stdarg.h>
#include <stddef.h>

/* libc/string.c */
void *k_memcpy(void *dst, const void *src, size_t n);
void *k_memmove(void *dst, const void *src, size_t n);
void *k_memset(void *dst, int c, size_t n);
int k_memcmp(const void *a, const void *b, size_t n);
void *k_memchr(const void *s, int c, size_t n);
size_t k_strlen(const char *s);
size_t k_strnlen(const char *s, size_t max);
int k_strcmp(const char *a, const char *b);
int k_strncmp(const char *a, const char *b, size_t n);
char *k_strchr(const char *s, int c);
char *k_strrchr(const char *s, int c);
char *k_strstr(const char *haystack, const char *needle);
size_t k_strlcpy(char *dst, const char *src, size_t size);
size_t k_strlcat(char *dst, const char *src, size_t size);
unsigned long k_strtoul(const char *s, char **end, int base);
long k_strtol(const char *s, char **end, int base);

/* libc/format.c */
int k_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int k_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
