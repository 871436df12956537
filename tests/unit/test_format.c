/* Host tests for libc/format.c: fixed cases for every conversion, flag and
 * length modifier, then a seeded random comparison against the host (glibc)
 * snprintf, including truncation to small buffers. */
#define _DEFAULT_SOURCE /* mmap, MAP_ANONYMOUS */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/klibc.h"
#include "tests/unit/test_rng.h"

#define OUT_SIZE 512

/* Calls k_vsnprintf without a format attribute, so deliberately odd formats
 * (unknown conversions, "%5%") compile without -Wformat errors. */
static void check_fmt(const char *want, size_t want_len, const char *fmt, ...)
{
    char buf[OUT_SIZE];
    va_list ap;

    memset(buf, 0x55, sizeof(buf));
    va_start(ap, fmt);
    int n = k_vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    /* want_len + 1 bytes: the NUL and any NUL produced by %c are compared. */
    if (n != (int)want_len || memcmp(buf, want, want_len + 1) != 0)
        fail_msg("format \"%s\": got \"%s\" (%d), want \"%s\" (%zu)", fmt, buf, n, want, want_len);
}

/* want must be a string literal: its size gives the expected length. */
#define CHECK(want, ...) check_fmt(want, sizeof(want) - 1, __VA_ARGS__)

static void test_integers(void **state)
{
    (void)state;
    CHECK("0", "%d", 0);
    CHECK("-1", "%d", -1);
    CHECK("42", "%i", 42);
    CHECK("-2147483648", "%d", INT_MIN);
    CHECK("2147483647", "%i", INT_MAX);
    CHECK("4294967295", "%u", UINT_MAX);
    CHECK("ffffffff", "%x", UINT_MAX);
    CHECK("FFFFFFFF", "%X", UINT_MAX);
    CHECK("37777777777", "%o", UINT_MAX);
    CHECK("deadbeef DEADBEEF", "%x %X", 0xdeadbeefu, 0xdeadbeefu);
    CHECK("17", "%o", 15u);
    CHECK("0 0 0 0", "%u %x %X %o", 0u, 0u, 0u, 0u);
}

static void test_length_modifiers(void **state)
{
    (void)state;
    CHECK("-1 127 -128 0 ff", "%hhd %hhd %hhd %hhu %hhx", 255, 127, 128, 256, -1);
    CHECK("-1 -32768 65535 ffff", "%hd %hd %hu %hx", 65535, 32768, -1, -1);
    CHECK("-9223372036854775808", "%ld", LONG_MIN);
    CHECK("9223372036854775807", "%li", LONG_MAX);
    CHECK("18446744073709551615", "%lu", ULONG_MAX);
    CHECK("-9223372036854775808", "%lld", LLONG_MIN);
    CHECK("18446744073709551615", "%llu", ULLONG_MAX);
    CHECK("ffffffffffffffff", "%llx", ULLONG_MAX);
    CHECK("1777777777777777777777", "%llo", ULLONG_MAX);
    CHECK("1000000000000000000000", "%llo", 1ULL << 63);
    CHECK("18446744073709551615", "%zu", SIZE_MAX);
    CHECK("-1", "%zd", (ptrdiff_t)-1);
    CHECK("-5", "%td", (ptrdiff_t)-5);
    CHECK("fffffffffffffffb", "%tx", (size_t)-5);
    CHECK("-9223372036854775808", "%jd", INTMAX_MIN);
    CHECK("18446744073709551615", "%ju", UINTMAX_MAX);
    CHECK("8000000000000000", "%jX", (uintmax_t)INTMAX_MIN);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    CHECK("   42", "%5d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("00042", "%05d", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("42   |", "%-05d|", 42); /* '-' overrides '0' */
    CHECK("+42", "%+d", 42);
    CHECK(" 42", "% d", 42);
    CHECK("+42", "%+ d", 42); /* '+' overrides ' ' */
    CHECK("-42", "% d", -42);
    CHECK("+0", "%+d", 0);
    CHECK("  +42", "%+5d", 42);
    CHECK("+0042", "%+05d", 42);
    CHECK(" 0042", "% 05d", 42);
    CHECK("42", "%1d", 42);
    CHECK("   2a", "%5x", 42u);
    CHECK("0002a", "%05x", 42u);
    CHECK("42 2a 52", "%+u % x %+o", 42u, 42u, 42u); /* no sign for unsigned */
    CHECK("   42", "%*d", 5, 42);
    CHECK("42   |", "%*d|", -5, 42); /* negative '*' width: '-' flag */
    CHECK("42   |", "%-*d|", 5, 42);
    CHECK("42   |", "%0*d|", -5, 42);
    CHECK("-2147483648", "%*d", 0, INT_MIN);
}

static void test_precision(void **state)
{
    (void)state;
    CHECK("042", "%.3d", 42);
    CHECK("-042", "%.3d", -42);
    CHECK("42", "%.1d", 42);
    CHECK("", "%.0d", 0);
    CHECK("", "%.d", 0);
    CHECK("     ", "%5.0d", 0);
    CHECK("+", "%+.0d", 0);
    CHECK(" ", "% .0d", 0);
    CHECK("  042", "%5.3d", 42);
    CHECK("  042", "%05.3d", 42); /* '0' ignored with a precision */
    CHECK("042  |", "%-5.3d|", 42);
    CHECK("00000000000000000042", "%.20d", 42);
    CHECK("042", "%.*d", 3, 42);
    CHECK("42", "%.*d", -3, 42); /* negative '*' precision: none */
    CHECK("00042", "%0*.*d", 5, -1, 42);
    CHECK("", "%.0x", 0u);
    CHECK("", "%.0o", 0u);
    CHECK("0000ff", "%.6x", 255u);
    CHECK("-0000000000000000000000009223372036854775808", "%.43lld", LLONG_MIN);
}

static void test_alternate_form(void **state)
{
    (void)state;
    CHECK("0", "%#x", 0u);
    CHECK("0xff", "%#x", 255u);
    CHECK("0XFF", "%#X", 255u);
    CHECK("0", "%#o", 0u);
    CHECK("010", "%#o", 8u);
    CHECK("0", "%#.0o", 0u);
    CHECK("", "%#.0x", 0u);
    CHECK("0x0000ff", "%#08x", 255u);
    CHECK("  010", "%#5.3o", 8u);
    CHECK("00010", "%#05o", 8u);
    CHECK("0x00ff", "%#.4x", 255u);
    CHECK("  0xff", "%#6x", 255u);
    CHECK("0xff  |", "%-#6x|", 255u);
    CHECK("01777777777777777777777", "%#llo", ULLONG_MAX);
    CHECK("0xffffffffffffffff", "%#llx", ULLONG_MAX);
}

static void test_chars_and_strings(void **state)
{
    (void)state;
    CHECK("a", "%c", 'a');
    CHECK("    a", "%5c", 'a');
    CHECK("a    |", "%-5c|", 'a');
    CHECK("\xe9", "%c", 0xe9);
    CHECK("x\0y", "x%cy", 0); /* a NUL character is output and counted */
    CHECK("hello", "%s", "hello");
    CHECK("hel", "%.3s", "hello");
    CHECK("", "%.0s", "hello");
    CHECK("hello", "%.10s", "hello");
    CHECK("   hello", "%8s", "hello");
    CHECK("hello   |", "%-8s|", "hello");
    CHECK("     hel", "%8.3s", "hello");
    CHECK("", "%s", "");
    CHECK("   ", "%3s", "");
    CHECK("he", "%.*s", 2, "hello");
    CHECK("hello", "%.*s", -1, "hello");
    /* glibc prints "(null)" only if the precision allows all of it. */
    CHECK("(null)", "%s", (char *)NULL);
    CHECK("", "%.5s", (char *)NULL);
    CHECK("(null)", "%.6s", (char *)NULL);
    CHECK("    (null)", "%10s", (char *)NULL);
    CHECK("        |", "%-8.2s|", (char *)NULL);
}

static void test_pointers(void **state)
{
    (void)state;
    void *p = (void *)0x1234;

    CHECK("(nil)", "%p", NULL);
    CHECK("     (nil)", "%10p", NULL);
    CHECK("(nil)     |", "%-10p|", NULL);
    CHECK("0x1234", "%p", p);
    CHECK("  0x1234", "%8p", p);
    CHECK("0x1234  |", "%-8p|", p);
    CHECK("0x1", "%p", (void *)1);
    CHECK("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    CHECK("+0x1234", "%+p", p); /* glibc keeps '+' and ' ' for %p */
}

/* Unknown conversions are copied verbatim and consume no argument. */
static void test_percent_and_unknown(void **state)
{
    (void)state;
    CHECK("%", "%%");
    CHECK("100%", "100%%");
    CHECK("a%b", "a%%b");
    CHECK("%", "%5%");
    CHECK("%y", "%y");
    CHECK("%5q", "%5q");
    CHECK("x%-08.3lyz", "x%-08.3lyz");
    CHECK("%n", "%n");
    CHECK("%f", "%f");
    CHECK("abc%", "abc%");
    CHECK("%-", "%-");
    CHECK("%5.", "%5.");
    CHECK("%y 7", "%y %d", 7);
}

static void test_multiple(void **state)
{
    (void)state;
    CHECK("a=1 b=-2 c=ff d=str e=x", "a=%d b=%ld c=%x d=%s e=%c", 1, -2L, 255u, "str", 'x');
    CHECK("[   7|-7   |0x7]", "[%*d|%-*d|%#x]", 4, 7, 5, -7, 7u);
    CHECK("1 2 3 4", "%hhd %hd %lld %zu", 1, 2, 3LL, (size_t)4);
    CHECK("", "");
}

static void test_truncation(void **state)
{
    (void)state;
    char buf[16];

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_snprintf(buf, 5, "hello world"), 11);
    assert_string_equal(buf, "hell");
    assert_int_equal(buf[5], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_snprintf(buf, 1, "hello %d", 5), 7);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_snprintf(buf, 0, "hello"), 5);
    assert_int_equal(buf[0], 'X');
    assert_int_equal(k_snprintf(NULL, 0, "%d-%s", 123, "abc"), 7);

    assert_int_equal(k_snprintf(buf, 12, "hello world"), 11);
    assert_string_equal(buf, "hello world");
    assert_int_equal(k_snprintf(buf, 11, "hello world"), 11);
    assert_string_equal(buf, "hello worl");
    assert_int_equal(k_snprintf(buf, 4, "%d", -12345), 6);
    assert_string_equal(buf, "-12");
    assert_int_equal(k_snprintf(buf, 8, "%100000d", 1), 100000);
    assert_string_equal(buf, "       ");
}

/* %.3s must read at most 3 bytes: the string sits just before an unmapped
 * page and has no NUL, so one byte too many crashes the test. */
static void test_precision_no_overread(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    char *map =
        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char buf[16];

    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    char *s = map + page - 3;
    memcpy(s, "abc", 3);
    assert_int_equal(k_snprintf(buf, sizeof(buf), "[%.3s]", s), 5);
    assert_string_equal(buf, "[abc]");
    assert_int_equal(k_snprintf(buf, sizeof(buf), "[%5.2s]", s + 1), 7);
    assert_string_equal(buf, "[   bc]");
    munmap(map, (size_t)page * 2);
}

/* ---- Random comparison with the host snprintf ---- */

#define RANDOM_CASES 200000
#define MAX_REPORTS  20

enum arg_type {
    A_INT,
    A_UINT,
    A_LONG,
    A_ULONG,
    A_LLONG,
    A_ULLONG,
    A_SSIZE,
    A_SIZE,
    A_PTRDIFF,
    A_INTMAX,
    A_UINTMAX,
    A_STR,
    A_PTR,
};

struct fcase {
    char fmt[64];
    int nstar; /* '*' arguments before the value */
    int star[2];
    enum arg_type type;
    uint64_t v; /* integer value, before conversion to type */
    const char *str;
    void *ptr;
};

typedef int (*fmt_fn)(char *, size_t, const char *, ...);

#define CALL(fn, buf, size, c, val)                                                                \
    ((c)->nstar == 0   ? fn(buf, size, (c)->fmt, val)                                              \
     : (c)->nstar == 1 ? fn(buf, size, (c)->fmt, (c)->star[0], val)                                \
                       : fn(buf, size, (c)->fmt, (c)->star[0], (c)->star[1], val))

/* Calls fn with the arguments of c, each passed as its exact C type. */
static int run_case(fmt_fn fn, char *buf, size_t size, const struct fcase *c)
{
    switch (c->type) {
    case A_INT:
        return CALL(fn, buf, size, c, (int)c->v);
    case A_UINT:
        return CALL(fn, buf, size, c, (unsigned)c->v);
    case A_LONG:
        return CALL(fn, buf, size, c, (long)c->v);
    case A_ULONG:
        return CALL(fn, buf, size, c, (unsigned long)c->v);
    case A_LLONG:
        return CALL(fn, buf, size, c, (long long)c->v);
    case A_ULLONG:
        return CALL(fn, buf, size, c, (unsigned long long)c->v);
    case A_SSIZE:
        return CALL(fn, buf, size, c, (ssize_t)c->v);
    case A_SIZE:
        return CALL(fn, buf, size, c, (size_t)c->v);
    case A_PTRDIFF:
        return CALL(fn, buf, size, c, (ptrdiff_t)c->v);
    case A_INTMAX:
        return CALL(fn, buf, size, c, (intmax_t)c->v);
    case A_UINTMAX:
        return CALL(fn, buf, size, c, (uintmax_t)c->v);
    case A_STR:
        return CALL(fn, buf, size, c, c->str);
    case A_PTR:
        return CALL(fn, buf, size, c, c->ptr);
    }
    return -2;
}

/* Values biased to the edges of every integer type. */
static uint64_t random_integer(void)
{
    static const uint64_t edges[] = {
        0,
        1,
        2,
        7,
        8,
        9,
        10,
        15,
        16,
        99,
        100,
        0x7f,
        0x80,
        0xff,
        0x100,
        0x7fff,
        0x8000,
        0xffff,
        0x10000,
        INT32_MAX,
        (uint64_t)INT32_MAX + 1,
        UINT32_MAX,
        (uint64_t)UINT32_MAX + 1,
        INT64_MAX,
        (uint64_t)INT64_MAX + 1,
        UINT64_MAX,
    };
    uint64_t v = edges[rnd(sizeof(edges) / sizeof(edges[0]))];

    switch (rnd(4)) {
    case 0:
        return v;
    case 1:
        return 0 - v; /* the negative edges: -1, INT_MIN, ... */
    case 2:
        return v + rnd(5) - 2;
    default:
        return rng() >> rnd(64);
    }
}

static enum arg_type integer_type(const char *len, bool is_signed)
{
    if (strcmp(len, "l") == 0)
        return is_signed ? A_LONG : A_ULONG;
    if (strcmp(len, "ll") == 0)
        return is_signed ? A_LLONG : A_ULLONG;
    if (strcmp(len, "z") == 0)
        return is_signed ? A_SSIZE : A_SIZE;
    if (strcmp(len, "t") == 0)
        return is_signed ? A_PTRDIFF : A_SIZE;
    if (strcmp(len, "j") == 0)
        return is_signed ? A_INTMAX : A_UINTMAX;
    return is_signed ? A_INT : A_UINT; /* "", "h", "hh": promoted to int */
}

/* Flags that are defined (or, for %p, glibc-defined) for the conversion. */
static bool flag_allowed(char flag, char conv)
{
    bool integer = strchr("diuxXo", conv) != NULL;

    switch (flag) {
    case '#':
        return strchr("xXo", conv) != NULL;
    case '0':
        return integer || conv == 'p';
    default:
        return true;
    }
}

/* Width: none, digits, or '*' (possibly negative). */
static char *random_width(char *f, struct fcase *c)
{
    switch (rnd(4)) {
    case 1:
        return f + sprintf(f, "%u", 1 + rnd(25));
    case 2:
        c->star[c->nstar++] = (int)rnd(51) - 25;
        *f = '*';
        return f + 1;
    default:
        return f;
    }
}

/* Precision: none, ".N", "." alone, or ".*" (possibly negative). */
static char *random_precision(char *f, struct fcase *c)
{
    switch (rnd(5)) {
    case 1:
        return f + sprintf(f, ".%u", rnd(26));
    case 2:
        return f + sprintf(f, ".");
    case 3:
        c->star[c->nstar++] = (int)rnd(31) - 5;
        return f + sprintf(f, ".*");
    default:
        return f;
    }
}

static void random_value(struct fcase *c, char conv, const char *len)
{
    static const char *const strings[] = {
        NULL, "", "a", "hello", "with spaces", "\xe9t\xe9", "0123456789abcdefghijklmnopqrstuvwxyz",
    };

    if (conv == 's') {
        c->type = A_STR;
        c->str = strings[rnd(sizeof(strings) / sizeof(strings[0]))];
    } else if (conv == 'p') {
        c->type = A_PTR;
        c->ptr = rnd(4) == 0 ? NULL : (void *)(uintptr_t)random_integer();
    } else if (conv == 'c') {
        c->type = A_INT;
        c->v = rnd(4) == 0 ? random_integer() : rnd(256);
    } else {
        c->type = integer_type(len, conv == 'd' || conv == 'i');
        c->v = random_integer();
    }
}

static void random_case(struct fcase *c)
{
    static const char convs[] = "diuxXodiuxXocsp";
    static const char *const lens[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
    char conv = convs[rnd(sizeof(convs) - 1)];
    const char *len = strchr("diuxXo", conv) ? lens[rnd(8)] : "";
    char *f = c->fmt;

    c->nstar = 0;
    if (rnd(4) == 0)
        f += sprintf(f, "<%s", rnd(2) ? "%%" : "");
    *f++ = '%';
    for (const char *fl = "-+ #0"; *fl != '\0'; fl++) {
        if (rnd(4) == 0 && flag_allowed(*fl, conv))
            *f++ = *fl;
    }
    f = random_width(f, c);
    if (conv != 'c')
        f = random_precision(f, c);
    f += sprintf(f, "%s%c", len, conv);
    if (rnd(4) == 0)
        f += sprintf(f, ">");
    random_value(c, conv, len);
}

/* Renders n bytes with non-printable ones escaped, for failure reports. */
static const char *escape(const char *s, int n, char *out)
{
    char *o = out;

    for (int i = 0; i < n && i < OUT_SIZE; i++) {
        unsigned char ch = (unsigned char)s[i];
        o += (ch >= 0x20 && ch < 0x7f) ? sprintf(o, "%c", ch) : sprintf(o, "\\x%02x", ch);
    }
    *o = '\0';
    return out;
}

static void report(const struct fcase *c, size_t size, const char *kb, int kr, const char *hb,
                   int hr)
{
    static char e1[OUT_SIZE * 4 + 1], e2[OUT_SIZE * 4 + 1];
    int longest = kr > hr ? kr : hr;
    /* The bytes that should have been written, terminator included. */
    int shown = size == 0 ? 0 : (longest < (int)size - 1 ? longest : (int)size - 1) + 1;

    fprintf(stderr, "MISMATCH fmt=\"%s\" stars=%d{%d,%d} type=%d v=0x%llx str=%s ptr=%p size=%zu\n",
            c->fmt, c->nstar, c->star[0], c->star[1], (int)c->type, (unsigned long long)c->v,
            c->str ? c->str : "NULL", c->ptr, size);
    fprintf(stderr, "  kernel: %d \"%s\"\n", kr, escape(kb, shown, e1));
    fprintf(stderr, "  host:   %d \"%s\"\n", hr, escape(hb, shown, e2));
}

/* Runs one case with one buffer size on both implementations; the whole
 * buffer is compared, so writes past size are caught as well. */
static bool compare_case(const struct fcase *c, size_t size)
{
    static char kb[OUT_SIZE], hb[OUT_SIZE];

    memset(kb, 0x55, sizeof(kb));
    memset(hb, 0x55, sizeof(hb));
    int kr = run_case(k_snprintf, size ? kb : NULL, size, c);
    int hr = run_case(snprintf, size ? hb : NULL, size, c);
    if (kr == hr && memcmp(kb, hb, sizeof(kb)) == 0)
        return true;
    report(c, size, kb, kr, hb, hr);
    return false;
}

static void test_random_against_host(void **state)
{
    (void)state;
    rng_state = 0x2545f4914f6cdd1dull;
    static const size_t sizes[] = {OUT_SIZE, 0, 1, 5};
    unsigned failures = 0;
    struct fcase c;

    for (unsigned i = 0; i < RANDOM_CASES; i++) {
        memset(&c, 0, sizeof(c));
        random_case(&c);
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            if (!compare_case(&c, sizes[s]) && ++failures >= MAX_REPORTS)
                fail_msg("too many mismatches with the host snprintf");
        }
    }
    if (failures != 0)
        fail_msg("%u mismatches with the host snprintf", failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_precision),
        cmocka_unit_test(test_alternate_form),
        cmocka_unit_test(test_chars_and_strings),
        cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_percent_and_unknown),
        cmocka_unit_test(test_multiple),
        cmocka_unit_test(test_truncation),
        cmocka_unit_test(test_precision_no_overread),
        cmocka_unit_test(test_random_against_host),
    };

    return cmocka_run_group_tests_name("libc/format", tests, NULL, NULL);
}
