/* hello: a first program for Uniplex that shows what it was given.
 *
 * Prints its arguments, environment, the uname fields and the time (UTC),
 * then checks the heap (malloc/realloc/free) and a __thread variable.
 * Ends with `hello: ok` and exit status 0, or FAIL lines and status 1. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

extern char **environ;

static int failures;

static void fail(const char *what)
{
    printf("hello: FAIL %s\n", what);
    fflush(stdout);
    failures++;
}

static void show_args(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = \"%s\"\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env: %s\n", *e);
    fflush(stdout);
}

static void show_uname(void)
{
    struct utsname u;

    if (uname(&u) != 0) {
        fail("uname");
        return;
    }
    printf("uname: sysname=%s nodename=%s release=%s version=%s machine=%s\n", u.sysname,
           u.nodename, u.release, u.version, u.machine);
    fflush(stdout);
}

static void show_time(void)
{
    struct timespec ts;
    struct tm tm;
    char buf[64];

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || !gmtime_r(&ts.tv_sec, &tm) ||
        strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
        fail("time");
        return;
    }
    printf("time: %s\n", buf);
    fflush(stdout);
}

/* Fills n bytes with a pattern keyed by seed; returns 1 if it checks back. */
static int fill_check(unsigned char *p, size_t n, unsigned seed, int write)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char v = (unsigned char)(i * 31 + seed);
        if (write)
            p[i] = v;
        else if (p[i] != v)
            return 0;
    }
    return 1;
}

/* realloc must keep the old contents while moving the block. */
static void check_heap(void)
{
    static const size_t sizes[] = {1, 24, 100, 4000, 70000, 1 << 20, 8 << 20};

    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t n = sizes[i];
        unsigned char *p = malloc(n);
        if (!p) {
            fail("malloc");
            continue;
        }
        fill_check(p, n, (unsigned)i, 1);
        unsigned char *q = realloc(p, n * 3);
        if (!q) {
            free(p);
            fail("realloc");
            continue;
        }
        if (!fill_check(q, n, (unsigned)i, 0))
            fail("realloc kept the contents");
        fill_check(q, n * 3, (unsigned)i + 1, 1);
        if (!fill_check(q, n * 3, (unsigned)i + 1, 0))
            fail("heap pattern");
        free(q);
    }
    printf("heap: checked %zu sizes\n", sizeof sizes / sizeof sizes[0]);
    fflush(stdout);
}

static __thread int tls_counter = 40;

static void check_tls(void)
{
    tls_counter += 2;
    if (tls_counter != 42)
        fail("tls");
    printf("tls: counter = %d\n", tls_counter);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    show_args(argc, argv);
    show_uname();
    show_time();
    check_heap();
    check_tls();
    if (failures) {
        printf("hello: %d checks failed\n", failures);
        fflush(stdout);
        return 1;
    }
    printf("hello: ok\n");
    fflush(stdout);
    return 0;
}
