/* Host tests for kernel/proc/initargs.c: init's path, arguments and
 * environment from the kernel command line, with the quoting GRUB produces
 * (double quotes around words with spaces, backslash before '"' and '\'). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/proc/initargs.h"

int k_initargs_parse(const char *cmdline, char *buf, size_t n, struct initargs *out);

static char buf[8192];
static struct initargs ia;

static void parse_ok(const char *cmdline)
{
    assert_int_equal(k_initargs_parse(cmdline, buf, sizeof(buf), &ia), 0);
}

static void test_default_init(void **state)
{
    (void)state;
    parse_ok("/boot/kernel.elf quantum=5");
    assert_string_equal(ia.path, "/sbin/init");
    assert_string_equal(ia.argv[0], "/sbin/init");
    assert_null(ia.argv[1]);
    assert_null(ia.envp[0]);
    assert_int_equal(ia.argc, 0);
}

static void test_args_and_env(void **state)
{
    (void)state;
    parse_ok("kernel.elf init=/bin/hello initenv=A=1 quiet \"initenv=B=x y\" -- a \"b c\"");
    assert_string_equal(ia.path, "/bin/hello");
    assert_string_equal(ia.argv[0], "/bin/hello");
    assert_string_equal(ia.argv[1], "a");
    assert_string_equal(ia.argv[2], "b c");
    assert_null(ia.argv[3]);
    assert_string_equal(ia.envp[0], "A=1");
    assert_string_equal(ia.envp[1], "B=x y");
    assert_null(ia.envp[2]);
}

static void test_escapes(void **state)
{
    (void)state;
    /* GRUB's form of the words: q"1  and  say "hi" \o/ */
    parse_ok("init=/x -- q\\\"1 it\\'s a\\b \"say \\\"hi\\\" \\\\o/\"  \"\"");
    assert_string_equal(ia.argv[1], "q\"1");
    assert_string_equal(ia.argv[2], "it's");
    assert_string_equal(ia.argv[3], "a\\b"); /* a backslash before anything else stays */
    assert_string_equal(ia.argv[4], "say \"hi\" \\o/");
    assert_string_equal(ia.argv[5], ""); /* an empty quoted word is an argument */
    assert_null(ia.argv[6]);
}

static void test_options_after_dashes_are_args(void **state)
{
    (void)state;
    parse_ok("init=/x -- init=/y -- initenv=Z=1");
    assert_string_equal(ia.path, "/x");
    assert_string_equal(ia.argv[1], "init=/y");
    assert_string_equal(ia.argv[2], "--");
    assert_string_equal(ia.argv[3], "initenv=Z=1");
    assert_null(ia.envp[0]);
}

static void test_quoted_dashes_and_spaces(void **state)
{
    (void)state;
    parse_ok("   init=/x   \"--\"   --   a   ");
    assert_int_equal(ia.argc, 1); /* a quoted -- is just a word before the real one */
    assert_string_equal(ia.argv[1], "a");
    parse_ok("init=/x --");
    assert_int_equal(ia.argc, 0);
    parse_ok("");
    assert_string_equal(ia.path, "/sbin/init");
}

static void test_limits(void **state)
{
    (void)state;
    char line[4096] = "init=/x --";
    for (int i = 0; i < INITARGS_MAX; i++)
        strcat(line, " a");
    parse_ok(line);
    assert_int_equal(ia.argc, INITARGS_MAX);
    assert_null(ia.argv[INITARGS_MAX + 1]);
    strcat(line, " b");
    assert_int_equal(k_initargs_parse(line, buf, sizeof(buf), &ia), -7 /* E2BIG */);
    assert_int_equal(k_initargs_parse("init=/very/long/path", buf, 8, &ia), -7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_init),
        cmocka_unit_test(test_args_and_env),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_options_after_dashes_are_args),
        cmocka_unit_test(test_quoted_dashes_and_spaces),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, 0, 0);
}
