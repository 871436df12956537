/* Host tests for kernel/cmdline.c: word splitting, key=value and bare keys,
 * last occurrence wins, keys that are only a prefix of a word, and odd input
 * (NULL command line, empty key, empty value, runs of spaces). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/cmdline.h"

int k_cmdline_find(const char *cmdline, const char *key, const char **val, size_t *len);
int k_cmdline_is(const char *cmdline, const char *key, const char *want);

#define UNTOUCHED ((const char *)1)

/* Look key up in cmdline; want NULL means "not found", and then *val and
 * *len must be left alone. Otherwise the value must be want and point into
 * cmdline itself. */
static void check_find(const char *cmdline, const char *key, const char *want)
{
    const char *val = UNTOUCHED;
    size_t len = 12345;

    int found = k_cmdline_find(cmdline, key, &val, &len);
    if (!want) {
        if (found || val != UNTOUCHED || len != 12345)
            fail_msg("\"%s\" key \"%s\": found %d, want not found", cmdline ? cmdline : "(null)",
                     key, found);
        return;
    }
    if (found != 1 || len != strlen(want) || strncmp(val, want, len) != 0)
        fail_msg("\"%s\" key \"%s\": found %d \"%.*s\", want \"%s\"", cmdline, key, found,
                 found ? (int)len : 0, found ? val : "", want);
    assert_true(val >= cmdline && val + len <= cmdline + strlen(cmdline));
}

static void test_key_value(void **state)
{
    (void)state;
    check_find("console=ttyS0", "console", "ttyS0");
    check_find("quiet console=ttyS0,115200 loglevel=7", "console", "ttyS0,115200");
    check_find("quiet console=ttyS0,115200 loglevel=7", "loglevel", "7");
    check_find("a=b=c", "a", "b=c");
    check_find("x=1", "y", NULL);
    check_find("", "x", NULL);

    const char *line = "foo=bar baz=qux";
    const char *val;
    size_t len;
    assert_int_equal(k_cmdline_find(line, "baz", &val, &len), 1);
    assert_ptr_equal(val, line + 12);
    assert_int_equal(len, 3);
}

static void test_bare_key(void **state)
{
    (void)state;
    const char *line = "quiet selftest debug";
    const char *val;
    size_t len = 99;

    check_find(line, "quiet", "");
    check_find(line, "debug", "");
    assert_int_equal(k_cmdline_find(line, "selftest", &val, &len), 1);
    assert_int_equal(len, 0);
    assert_ptr_equal(val, line + 14); /* just after the word */
}

static void test_last_occurrence_wins(void **state)
{
    (void)state;
    check_find("mem=1 mem=2 mem=3", "mem", "3");
    check_find("mem=1 mem", "mem", "");
    check_find("mem mem=64M", "mem", "64M");
    /* A later word that merely starts with the key does not override. */
    check_find("mem=1 memtest=2 mem2", "mem", "1");
}

static void test_prefix_not_matched(void **state)
{
    (void)state;
    check_find("selftests=1", "selftest", NULL);
    check_find("selftests", "selftest", NULL);
    check_find("ab=1", "a", NULL);
    check_find("ab=1 a", "a", "");
    check_find("a ab=1", "a", "");
    check_find("xa=1", "a", NULL);
    check_find("abc", "abcd", NULL);
    check_find("selftest=1", "selftests", NULL);
}

static void test_empty_value(void **state)
{
    (void)state;
    const char *line = "k= j=1";
    const char *val;
    size_t len = 99;

    check_find("k=", "k", "");
    check_find(line, "k", "");
    assert_int_equal(k_cmdline_find(line, "k", &val, &len), 1);
    assert_int_equal(len, 0);
    assert_ptr_equal(val, line + 2);
    check_find("k=1 k=", "k", "");
}

static void test_spaces(void **state)
{
    (void)state;
    check_find("   a=1    b=2   ", "a", "1");
    check_find("   a=1    b=2   ", "b", "2");
    check_find("  c  ", "c", "");
    check_find("     ", "c", NULL);
    check_find(" ", "c", NULL);
}

static void test_null_and_empty_key(void **state)
{
    (void)state;
    check_find(NULL, "x", NULL);
    check_find("x=1 =2", "", NULL);
    check_find("", "", NULL);
    assert_int_equal(k_cmdline_is(NULL, "x", "1"), 0);
    assert_int_equal(k_cmdline_is("x=1", "", "1"), 0);
}

/* A lone "--" ends the kernel's words: init's arguments are not options. */
static void test_stops_at_dashes(void **state)
{
    (void)state;
    check_find("ip=1 -- ip=2", "ip", "1");
    check_find("init=/bin/sh -- ip addr", "ip", NULL);
    check_find("a --x b=2", "b", "2");
}

static void test_cmdline_is(void **state)
{
    (void)state;
    const char *line = "selftest=all console=ttyS0 quiet";

    assert_int_equal(k_cmdline_is(line, "selftest", "all"), 1);
    assert_int_equal(k_cmdline_is(line, "selftest", "al"), 0);
    assert_int_equal(k_cmdline_is(line, "selftest", "all2"), 0);
    assert_int_equal(k_cmdline_is(line, "selftest", ""), 0);
    assert_int_equal(k_cmdline_is(line, "console", "ttyS0"), 1);
    assert_int_equal(k_cmdline_is(line, "console", "ttyS"), 0);
    assert_int_equal(k_cmdline_is(line, "quiet", ""), 1);
    assert_int_equal(k_cmdline_is(line, "quiet", "1"), 0);
    assert_int_equal(k_cmdline_is(line, "missing", ""), 0);
    assert_int_equal(k_cmdline_is("k=", "k", ""), 1);
    assert_int_equal(k_cmdline_is("v=a v=b", "v", "a"), 0);
    assert_int_equal(k_cmdline_is("v=a v=b", "v", "b"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_value),
        cmocka_unit_test(test_bare_key),
        cmocka_unit_test(test_last_occurrence_wins),
        cmocka_unit_test(test_prefix_not_matched),
        cmocka_unit_test(test_empty_value),
        cmocka_unit_test(test_spaces),
        cmocka_unit_test(test_null_and_empty_key),
        cmocka_unit_test(test_stops_at_dashes),
        cmocka_unit_test(test_cmdline_is),
    };

    return cmocka_run_group_tests_name("kernel/cmdline", tests, NULL, NULL);
}
