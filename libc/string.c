/* Freestanding string and memory functions for the kernel.
 *
 * Build note: GCC may recognise a byte loop as "memset" or "memcpy" and replace
 * it with a call to that very function (infinite recursion here); the kernel
 * and host builds pass -fno-builtin -fno-tree-loop-distribute-patterns to stop
 * that. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A word type that may alias any object, so that word-at-a-time copies of
 * arbitrary memory stay valid under strict aliasing. */
typedef uint64_t __attribute__((__may_alias__)) word_t;

/* gcc's <limits.h> cannot be used with -nostdinc (it #include_next's the C
 * library's), so the limits come from the compiler's predefined macros. */
#define ULONG_MAX_ (__LONG_MAX__ * 2UL + 1UL)
#define LONG_MAX_  __LONG_MAX__
#define LONG_MIN_  (-__LONG_MAX__ - 1L)

#define WORD_SIZE sizeof(word_t)
#define WORD_MASK ((uintptr_t)WORD_SIZE - 1)

static bool word_aligned(const void *p)
{
    return ((uintptr_t)p & WORD_MASK) == 0;
}

/* Copies low to high addresses; safe for overlap when dst < src. Words are
 * used only when dst and src share an alignment, after aligning dst. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
        while (n > 0 && !word_aligned(d)) {
            *d++ = *s++;
            n--;
        }
        while (n >= WORD_SIZE) {
            *(word_t *)d = *(const word_t *)s;
            d += WORD_SIZE;
            s += WORD_SIZE;
            n -= WORD_SIZE;
        }
    }
    while (n > 0) {
        *d++ = *s++;
        n--;
    }
}

/* Copies high to low addresses; safe for overlap when dst > src. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
    d += n;
    s += n;
    if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
        while (n > 0 && !word_aligned(d)) {
            *--d = *--s;
            n--;
        }
        while (n >= WORD_SIZE) {
            d -= WORD_SIZE;
            s -= WORD_SIZE;
            *(word_t *)d = *(const word_t *)s;
            n -= WORD_SIZE;
        }
    }
    while (n > 0) {
        *--d = *--s;
        n--;
    }
}

/* Weak: an architecture may bring its own (the kernel's x86-64 memcpy.S). */
__attribute__((weak)) void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

    if (d == s || n == 0)
        return dst;
    /* d - s wraps to a huge value when d < s, so one comparison covers both
     * "dst below src" and "no overlap": forward copying is safe in both. */
    if (d - s >= n)
        copy_forward(dst, src, n);
    else
        copy_backward(dst, src, n);
    return dst;
}

/* Weak: the kernel's is kernel/arch/x86_64/memcpy.S (rep stosq). */
__attribute__((weak)) void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;

    while (n > 0 && !word_aligned(d)) {
        *d++ = b;
        n--;
    }
    if (n >= WORD_SIZE) {
        word_t w = (word_t)b * (word_t)0x0101010101010101ull;
        while (n >= WORD_SIZE) {
            *(word_t *)d = w;
            d += WORD_SIZE;
            n -= WORD_SIZE;
        }
    }
    while (n > 0) {
        *d++ = b;
        n--;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    unsigned char b = (unsigned char)c;

    for (size_t i = 0; i < n; i++) {
        if (p[i] == b)
            return (void *)(p + i);
    }
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;

    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
        if (x[i] == '\0')
            break;
    }
    return 0;
}

/* Finding c == '\0' returns the terminator, as C requires. */
char *strchr(const char *s, int c)
{
    char ch = (char)c;

    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    char ch = (char)c;
    const char *found = NULL;

    for (;; s++) {
        if (*s == ch)
            found = s;
        if (*s == '\0')
            return (char *)found;
    }
}

/* Simple O(n*m) search: kernel strings are short. */
char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    if (n == 0)
        return (char *)haystack;
    for (; *haystack != '\0'; haystack++) {
        if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return NULL;
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
    size_t len = strlen(src);

    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

/* If dst holds no NUL within size bytes it is left untouched and the return
 * value is size + strlen(src), as in OpenBSD. */
size_t strlcat(char *restrict dst, const char *restrict src, size_t size)
{
    size_t dlen = strnlen(dst, size);

    if (dlen == size)
        return size + strlen(src);
    return dlen + strlcpy(dst + dlen, src, size - dlen);
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Value of c as a digit in bases up to 36; 36 (never valid) otherwise. */
static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A' + 10);
    return 36;
}

/* The common part of strtoul and strtol: sign, prefix and magnitude. */
struct parsed_int {
    unsigned long mag;
    bool neg;
    bool overflow;
    const char *end; /* past the last digit, or the start if none */
};

static void parse_int(const char *s, int base, struct parsed_int *r)
{
    const char *p = s, *digits;

    *r = (struct parsed_int){.end = s};
    if (base < 0 || base == 1 || base > 36)
        return;
    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        r->neg = *p++ == '-';
    /* "0x" counts as a prefix only if a hex digit follows; otherwise the
     * subject is just "0" and end points at the 'x'. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    for (digits = p; digit_value(*p) < (unsigned)base; p++) {
        unsigned long d = digit_value(*p);
        if (r->mag > (ULONG_MAX_ - d) / (unsigned long)base)
            r->overflow = true;
        else
            r->mag = r->mag * (unsigned long)base + d;
    }
    if (p != digits)
        r->end = p;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    struct parsed_int r;

    parse_int(s, base, &r);
    if (end != NULL)
        *end = (char *)r.end;
    if (r.overflow)
        return ULONG_MAX_;
    return r.neg ? 0 - r.mag : r.mag;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    struct parsed_int r;
    const unsigned long min_mag = (unsigned long)LONG_MAX_ + 1;

    parse_int(s, base, &r);
    if (end != NULL)
        *end = (char *)r.end;
    if (!r.neg)
        return (r.overflow || r.mag > (unsigned long)LONG_MAX_) ? LONG_MAX_ : (long)r.mag;
    if (r.overflow || r.mag >= min_mag)
        return LONG_MIN_;
    return -(long)r.mag;
}
