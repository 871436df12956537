/* Calendar arithmetic (proleptic Gregorian, UTC). Pure; unit-tested. */
#ifndef UNIPLEX_TIMECONV_H
#define UNIPLEX_TIMECONV_H

#include <stdint.h>

struct civil_time {
    int year;            /* e.g. 2026 */
    unsigned month, day; /* 1-12, 1-31 */
    unsigned hour, min, sec;
};

/* Seconds since 1970-01-01 00:00:00 UTC; -1 for a field out of range or a
 * date before 1970. */
int64_t civil_to_epoch(const struct civil_time *t);

#endif
