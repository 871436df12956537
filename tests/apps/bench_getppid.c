/* bench_getppid: the cost of a system-call round trip.
 *
 * Run as `bench_getppid [N]` (N defaults to 1000000): 7 runs of N raw
 * getppid calls, one line per run, then
 * `getppid: median X.X ns/call (7 runs of N)`. getppid is the cheapest call
 * there is: it measures entry and exit, not work. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUNS 7

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One run of n calls, in ns per call. syscall() rather than getppid() so
 * that no libc could answer from a cache. */
static double run(long n)
{
    double t0 = now_ns();

    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    return (now_ns() - t0) / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long n = 1000000;
    double ns[RUNS];

    if (argc > 1) {
        char *end;
        n = strtol(argv[1], &end, 10);
        if (*end != '\0' || n <= 0) {
            fprintf(stderr, "usage: bench_getppid [N]\n");
            return 2;
        }
    }
    for (int r = 0; r < RUNS; r++) {
        ns[r] = run(n);
        printf("run %d: %.1f ns/call\n", r + 1, ns[r]);
        fflush(stdout);
    }
    qsort(ns, RUNS, sizeof ns[0], cmp_double);
    printf("getppid: median %.1f ns/call (%d runs of %ld)\n", ns[RUNS / 2], RUNS, n);
    fflush(stdout);
    return 0;
}
