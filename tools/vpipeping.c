/* vpipeping: a 1-byte ping-pong for tools/vpipebench.sh. Writes one byte to
 * the standard output and waits for one byte back on the standard input
 * (whatever echoes it: `cat` on the host, or a VM running cat), N times
 * (argv[1], default 1000), after 10 unmeasured rounds; prints the mean round
 * trip to the standard error as "vpipeping: N round trips, mean X us". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int round_trip(void)
{
    char c = 'p';
    if (write(1, &c, 1) != 1)
        return -1;
    return read(0, &c, 1) == 1 ? 0 : -1;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    for (int i = 0; i < 10; i++)
        if (round_trip() != 0)
            goto broken;
    double t0 = now_us();
    for (long i = 0; i < n; i++)
        if (round_trip() != 0)
            goto broken;
    fprintf(stderr, "vpipeping: %ld round trips, mean %.1f us\n", n, (now_us() - t0) / (double)n);
    return 0;
broken:
    fprintf(stderr, "vpipeping: the echo went away\n");
    return 1;
}
