/* The load average as Linux keeps it (kernel/sched/loadavg.c): every 5 s
 * each average moves toward the number of running threads, in fixed point
 * with LOADAVG_FSHIFT fraction bits, with the factors for 1, 5 and 15
 * minutes. /proc/loadavg and sysinfo(2) both show these figures. */
#include <stdint.h>
#include "kernel/sched/sched.h"

#define LOAD_INTERVAL (5 * NSEC_PER_SEC)

/* exp(-5 s / 1 min), exp(-5 s / 5 min), exp(-5 s / 15 min) in fixed point. */
static const unsigned long load_exp[3] = {1884, 2014, 2037};
static unsigned long avenrun[3];
static struct callout load_timer;

static void load_sample(void *arg)
{
    (void)arg;
    unsigned long n = sched_nr_running() * LOADAVG_FIXED_1;
    for (int i = 0; i < 3; i++)
        avenrun[i] =
            (avenrun[i] * load_exp[i] + n * (LOADAVG_FIXED_1 - load_exp[i])) >> LOADAVG_FSHIFT;
    callout_add(&load_timer, clock_ns() + LOAD_INTERVAL, load_sample, 0);
}

void sched_loadavg_start(void)
{
    load_sample(0);
}

void sched_loadavg(unsigned long avg[3])
{
    for (int i = 0; i < 3; i++)
        avg[i] = avenrun[i];
}
