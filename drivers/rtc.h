/* CMOS real-time clock (MC146818): the wall-clock time at boot. */
#ifndef UNIPLEX_RTC_H
#define UNIPLEX_RTC_H

#include <stdint.h>
#include "kernel/timeconv.h"

/* Read the RTC (waiting out an update in progress, reading until two reads
 * agree): 0 with *t, or -EIO when it never gives a stable, valid time. */
int rtc_read(struct civil_time *t);

#endif
