/* civil_to_epoch against the host C library's timegm. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include "kernel/timeconv.h"

int64_t k_civil_to_epoch(const struct civil_time *t);

static void test_fixed(void **state)
{
    (void)state;
    struct civil_time t = {1970, 1, 1, 0, 0, 0};
    assert_int_equal(k_civil_to_epoch(&t), 0);
    t = (struct civil_time){2000, 2, 29, 12, 0, 0};
    assert_int_equal(k_civil_to_epoch(&t), 951825600);
    t = (struct civil_time){2026, 11, 22, 4, 10, 16};
    assert_int_equal(k_civil_to_epoch(&t), 1795320616);
}

static void test_invalid(void **state)
{
    (void)state;
    const struct civil_time bad[] = {
        {1969, 12, 31, 23, 59, 59}, {2023, 2, 29, 0, 0, 0}, {2100, 2, 29, 0, 0, 0},
        {2024, 13, 1, 0, 0, 0},     {2024, 0, 1, 0, 0, 0},  {2024, 4, 31, 0, 0, 0},
        {2024, 1, 0, 0, 0, 0},      {2024, 1, 1, 24, 0, 0}, {2024, 1, 1, 0, 60, 0},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(k_civil_to_epoch(&bad[i]), -1);
}

static void test_against_timegm(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        time_t when = (time_t)(x % 4102444800ull); /* 1970 .. 2100 */
        struct tm tm;
        gmtime_r(&when, &tm);
        struct civil_time t = {tm.tm_year + 1900,    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday,
                               (unsigned)tm.tm_hour, (unsigned)tm.tm_min,     (unsigned)tm.tm_sec};
        if (k_civil_to_epoch(&t) != (int64_t)when)
            fail_msg("%04d-%02u-%02u %02u:%02u:%02u: %lld, expected %lld", t.year, t.month, t.day,
                     t.hour, t.min, t.sec, (long long)k_civil_to_epoch(&t), (long long)when);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_against_timegm),
    };
    return cmocka_run_group_tests_name("timeconv", tests, NULL, NULL);
}
