/* Host tests for libc/string.c: every function is compared with the host C
 * library over all alignments 0..15 and lengths 0..100 where that makes sense,
 * and the OpenBSD strl* functions against their documented results. */
#define _DEFAULT_SOURCE /* mmap, MAP_ANONYMOUS */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/klibc.h"

#define MAX_LEN   100
#define MAX_ALIGN 16
#define BUF_SIZE  (MAX_LEN + 2 * MAX_ALIGN + 32)

/* Distinct, non-zero, partly >= 0x80 bytes, so that signedness bugs show. */
static void fill_pattern(unsigned char *buf, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)((i * 37 + seed * 11 + 1) % 255 + 1);
}

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

static void test_memcpy(void **state)
{
    (void)state;
    static unsigned char src[BUF_SIZE], got[BUF_SIZE], want[BUF_SIZE];

    fill_pattern(src, sizeof(src), 1);
    for (size_t sa = 0; sa < MAX_ALIGN; sa++)
        for (size_t da = 0; da < MAX_ALIGN; da++)
            for (size_t len = 0; len <= MAX_LEN; len++) {
                memset(got, 0xee, sizeof(got));
                memset(want, 0xee, sizeof(want));
                memcpy(want + da, src + sa, len);
                assert_ptr_equal(k_memcpy(got + da, src + sa, len), got + da);
                /* The whole buffer: bytes outside the copy must be intact. */
                assert_memory_equal(got, want, sizeof(got));
            }
}

/* Every shift from -20 to +20 bytes (overlapping both ways) at every
 * alignment and length, checked against the host memmove. */
static void test_memmove(void **state)
{
    (void)state;
    static unsigned char got[BUF_SIZE + 64], want[BUF_SIZE + 64];

    for (size_t sa = 0; sa < MAX_ALIGN; sa++)
        for (int shift = -20; shift <= 20; shift++)
            for (size_t len = 0; len <= MAX_LEN; len++) {
                size_t s = 24 + sa, d = (size_t)((long)s + shift);
                fill_pattern(got, sizeof(got), (unsigned)len);
                fill_pattern(want, sizeof(want), (unsigned)len);
                memmove(want + d, want + s, len);
                assert_ptr_equal(k_memmove(got + d, got + s, len), got + d);
                assert_memory_equal(got, want, sizeof(got));
            }
}

static void test_memset(void **state)
{
    (void)state;
    static unsigned char got[BUF_SIZE], want[BUF_SIZE];
    const int values[] = {0, 0xff, 0x5a, 0x80, 0x1234, -1};

    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
        for (size_t a = 0; a < MAX_ALIGN; a++)
            for (size_t len = 0; len <= MAX_LEN; len++) {
                fill_pattern(got, sizeof(got), 3);
                fill_pattern(want, sizeof(want), 3);
                memset(want + a, values[v], len);
                assert_ptr_equal(k_memset(got + a, values[v], len), got + a);
                assert_memory_equal(got, want, sizeof(got));
            }
}

static void test_memcmp(void **state)
{
    (void)state;
    static unsigned char a[BUF_SIZE], b[BUF_SIZE];

    for (size_t al = 0; al < MAX_ALIGN; al++)
        for (size_t len = 0; len <= MAX_LEN; len++)
            for (size_t diff = 0; diff <= len; diff++) {
                fill_pattern(a, sizeof(a), 5);
                fill_pattern(b, sizeof(b), 5);
                if (diff < len) /* make a[diff] and b[diff] differ in the top bit */
                    b[al + diff] ^= (unsigned char)(0x80 | (diff & 0x7f));
                int want = sign(memcmp(a + al, b + al, len));
                assert_int_equal(sign(k_memcmp(a + al, b + al, len)), want);
                assert_int_equal(sign(k_memcmp(b + al, a + al, len)), -want);
            }
}

static void test_memchr(void **state)
{
    (void)state;
    static unsigned char buf[BUF_SIZE];
    const int needles[] = {0x00, 0x01, 0x80, 0xff, 0x1ff, -1, 'a'};

    for (size_t al = 0; al < MAX_ALIGN; al++)
        for (size_t len = 0; len <= MAX_LEN; len++)
            for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++) {
                fill_pattern(buf, sizeof(buf), (unsigned)len);
                if (len > 0) /* plant the needle at a length-dependent spot */
                    buf[al + len * 7 / 10] = (unsigned char)needles[i];
                assert_ptr_equal(k_memchr(buf + al, needles[i], len),
                                 memchr(buf + al, needles[i], len));
            }
}

static void test_strlen_strnlen(void **state)
{
    (void)state;
    static char buf[BUF_SIZE];

    for (size_t al = 0; al < MAX_ALIGN; al++)
        for (size_t len = 0; len <= MAX_LEN; len++) {
            fill_pattern((unsigned char *)buf, sizeof(buf), 7);
            buf[al + len] = '\0';
            assert_int_equal(k_strlen(buf + al), len);
            for (size_t max = 0; max <= MAX_LEN + 1; max += 1 + max / 8)
                assert_int_equal(k_strnlen(buf + al, max), strnlen(buf + al, max));
        }
}

/* strnlen must stop at max even without a NUL: the string ends at a page
 * that is not mapped, so reading one byte too many crashes the test. */
static void test_strnlen_no_overread(void **state)
{
    (void)state;
    long page = sysconf(_SC_PAGESIZE);
    char *map =
        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    assert_true(map != MAP_FAILED);
    assert_int_equal(mprotect(map + page, (size_t)page, PROT_NONE), 0);
    char *s = map + page - 5;
    memcpy(s, "abcde", 5);
    assert_int_equal(k_strnlen(s, 5), 5);
    assert_int_equal(k_strnlen(s + 2, 3), 3);
    munmap(map, (size_t)page * 2);
}

static const char *const cmp_strings[] = {
    "", "a", "b", "ab", "abc", "abd", "abcd", "\x80", "\xff", "a\x80", "a\x7f", "hello", "help",
};

#define N_CMP (sizeof(cmp_strings) / sizeof(cmp_strings[0]))

static void test_strcmp_strncmp(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CMP; i++)
        for (size_t j = 0; j < N_CMP; j++) {
            const char *a = cmp_strings[i], *b = cmp_strings[j];
            assert_int_equal(sign(k_strcmp(a, b)), sign(strcmp(a, b)));
            for (size_t n = 0; n <= 6; n++)
                assert_int_equal(sign(k_strncmp(a, b, n)), sign(strncmp(a, b, n)));
        }
    /* Bytes after equal terminators must not be compared. */
    assert_int_equal(k_strcmp("abc\0x", "abc\0y"), 0);
    assert_int_equal(k_strncmp("abc\0x", "abc\0y", 5), 0);
    assert_int_equal(k_strncmp("\0x", "\0y", 2), 0);
}

static void test_strchr_strrchr(void **state)
{
    (void)state;
    const char *s = "abcabc\xe9x";
    const int chars[] = {'a', 'c', 'x', 'z', '\0', 0xe9, (char)0xe9, 0x100 + 'b'};

    for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++) {
        for (size_t off = 0; off <= strlen(s); off++) {
            assert_ptr_equal(k_strchr(s + off, chars[i]), strchr(s + off, chars[i]));
            assert_ptr_equal(k_strrchr(s + off, chars[i]), strrchr(s + off, chars[i]));
        }
    }
    assert_ptr_equal(k_strchr(s, '\0'), s + strlen(s));
    const char *empty = "";
    assert_ptr_equal(k_strrchr(empty, '\0'), empty);
}

static void test_strstr(void **state)
{
    (void)state;
    const char *hay[] = {"", "a", "aaab", "abcabd", "hello world", "ababababc", "xyz"};
    const char *needles[] = {"", "a", "b", "ab", "abd", "aab", "world", "ababc", "xyzw", "z"};

    for (size_t i = 0; i < sizeof(hay) / sizeof(hay[0]); i++)
        for (size_t j = 0; j < sizeof(needles) / sizeof(needles[0]); j++)
            assert_ptr_equal(k_strstr(hay[i], needles[j]), strstr(hay[i], needles[j]));
}

static void test_strlcpy(void **state)
{
    (void)state;
    char buf[16];

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_strlcpy(buf, "hello", sizeof(buf)), 5);
    assert_string_equal(buf, "hello");
    assert_int_equal(buf[6], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_strlcpy(buf, "hello world", 6), 11); /* truncated */
    assert_string_equal(buf, "hello");
    assert_int_equal(buf[6], 'X');

    assert_int_equal(k_strlcpy(buf, "hello", 1), 5);
    assert_string_equal(buf, "");

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(k_strlcpy(buf, "abc", 0), 3); /* size 0: nothing written */
    assert_int_equal(buf[0], 'X');
    assert_int_equal(k_strlcpy(NULL, "abc", 0), 3);

    assert_int_equal(k_strlcpy(buf, "", sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

static void test_strlcat(void **state)
{
    (void)state;
    char buf[16];

    strcpy(buf, "foo");
    assert_int_equal(k_strlcat(buf, "bar", sizeof(buf)), 6);
    assert_string_equal(buf, "foobar");

    strcpy(buf, "foo");
    assert_int_equal(k_strlcat(buf, "barbaz", 6), 9); /* truncated */
    assert_string_equal(buf, "fooba");

    strcpy(buf, "foo");
    assert_int_equal(k_strlcat(buf, "bar", 4), 6); /* room only for the NUL */
    assert_string_equal(buf, "foo");

    /* No NUL within size: dst untouched, result size + strlen(src). */
    memcpy(buf, "abcdefgh", 9);
    assert_int_equal(k_strlcat(buf, "xyz", 3), 6);
    assert_string_equal(buf, "abcdefgh");
    assert_int_equal(k_strlcat(buf, "xyz", 0), 3);
    assert_string_equal(buf, "abcdefgh");

    strcpy(buf, "");
    assert_int_equal(k_strlcat(buf, "abc", sizeof(buf)), 3);
    assert_string_equal(buf, "abc");
}

static const char *const number_strings[] = {
    "0",
    "1",
    "-1",
    "+1",
    "  \t\n\v\f\r42",
    "42abc",
    "abc",
    "",
    " ",
    "-",
    "+",
    "- 1",
    "0x",
    "0x1f",
    "0X1F",
    "0xg",
    "-0x10",
    "0x0x1",
    "010",
    "08",
    "019",
    "0b101",
    "777777",
    "z",
    "Zz",
    "zzzzzzzzzzzzzz",
    "1010",
    "  -0",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "-18446744073709551615",
    "-18446744073709551616",
    "99999999999999999999999",
    "0xffffffffffffffff",
    "0x10000000000000000",
    "-0x8000000000000000",
    "7fffffffffffffff",
    "0777777777777777777777",
    "01777777777777777777777",
    "02000000000000000000000",
    "1111111111111111111111111111111",
};

/* Value and end pointer must match the host for every string and base. */
static void test_strtoul_strtol(void **state)
{
    (void)state;
    const int bases[] = {0, 2, 8, 10, 16, 36};

    for (size_t i = 0; i < sizeof(number_strings) / sizeof(number_strings[0]); i++)
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            const char *s = number_strings[i];
            char *kend, *hend;
            unsigned long ku = k_strtoul(s, &kend, bases[b]);
            unsigned long hu = strtoul(s, &hend, bases[b]);
            if (ku != hu || kend != hend)
                fail_msg("strtoul(\"%s\", %d): got %lu end+%td, want %lu end+%td", s, bases[b], ku,
                         kend - s, hu, hend - s);
            long kl = k_strtol(s, &kend, bases[b]);
            long hl = strtol(s, &hend, bases[b]);
            if (kl != hl || kend != hend)
                fail_msg("strtol(\"%s\", %d): got %ld end+%td, want %ld end+%td", s, bases[b], kl,
                         kend - s, hl, hend - s);
        }
}

static void test_strtoul_misc(void **state)
{
    (void)state;
    char *end = (char *)1;
    const char *s = "123";

    assert_int_equal(k_strtoul("123", NULL, 10), 123);
    assert_int_equal(k_strtol("-123", NULL, 0), -123);
    /* Invalid bases: no conversion, end = s. */
    assert_int_equal(k_strtoul(s, &end, 1), 0);
    assert_ptr_equal(end, s);
    assert_int_equal(k_strtol(s, &end, 37), 0);
    assert_ptr_equal(end, s);
    assert_int_equal(k_strtol(s, &end, -1), 0);
    assert_ptr_equal(end, s);
    assert_int_equal(k_strtol("LONG", NULL, 36), strtol("LONG", NULL, 36));
    assert_true(k_strtol("-9223372036854775808", NULL, 10) == LONG_MIN);
    assert_true(k_strtoul("-1", NULL, 10) == ULONG_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy),
        cmocka_unit_test(test_memmove),
        cmocka_unit_test(test_memset),
        cmocka_unit_test(test_memcmp),
        cmocka_unit_test(test_memchr),
        cmocka_unit_test(test_strlen_strnlen),
        cmocka_unit_test(test_strnlen_no_overread),
        cmocka_unit_test(test_strcmp_strncmp),
        cmocka_unit_test(test_strchr_strrchr),
        cmocka_unit_test(test_strstr),
        cmocka_unit_test(test_strlcpy),
        cmocka_unit_test(test_strlcat),
        cmocka_unit_test(test_strtoul_strtol),
        cmocka_unit_test(test_strtoul_misc),
    };

    return cmocka_run_group_tests_name("libc/string", tests, NULL, NULL);
}
