#include <stdint.h>
#include "kernel/timeconv.h"

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int y, unsigned m)
{
    static const uint8_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[m - 1] + (m == 2 && leap(y));
}

int64_t civil_to_epoch(const struct civil_time *t)
{
    if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > month_days(t->year, t->month) || t->hour > 23 || t->min > 59 || t->sec > 60)
        return -1;
    int64_t days = 0;
    for (int y = 1970; y < t->year; y++)
        days += 365 + leap(y);
    for (unsigned m = 1; m < t->month; m++)
        days += month_days(t->year, m);
    days += t->day - 1;
    return ((days * 24 + t->hour) * 60 + t->min) * 60 + t->sec;
}
