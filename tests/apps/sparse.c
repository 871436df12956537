/* sparse: huge sparse ranges and huge timer values cost the kernel what is
 * mapped, not the size of the range (issue 14, items 4 and 6).
 *
 * A 64 TiB mapping costs one region; munmap, mprotect, madvise, mremap,
 * MAP_FIXED_NOREPLACE, /proc/self/stat, fork and exit over it must then
 * take no longer than over a small one. A kernel that walks such a range
 * one page at a time (2^34 steps, interrupts off) stops the whole machine:
 * the runner's time limit is what catches it then. setitimer with a huge
 * interval must not overflow into a timer that fires forever.
 *
 * Each case runs in its own child under alarm() and must end within
 * CASE_MS; the child reports why it failed through a pipe. Also passes on
 * Linux (the MAP_POPULATE case only inside Uniplex: Linux would fill the
 * whole range, until the OOM killer). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define PAGE          4096ul
#define TIB           (1ul << 40)
#define HUGE          (64 * TIB)
#define AT            (32 * TIB) /* [32 TiB, 96 TiB): clear of the program's own mappings */
#define CASE_MS       5000       /* a case over a huge range takes about as long as a small one */
#define ALARM_S       20         /* the child's own limit, should the kernel let it run */
#define ANON          (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)
#define KTIME_SEC_MAX 9223372036l /* Linux's largest timer, in seconds (KTIME_MAX ns) */

/* The huge range at AT, with three pages (first, middle, last) written. */
static unsigned char *huge_at(int prot, int touch)
{
    unsigned char *p = mmap((void *)AT, HUGE, prot, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        t_die("mmap 64 TiB: %s", strerror(errno));
    if (p != (unsigned char *)AT)
        t_die("mmap 64 TiB at %p, not %p", (void *)p, (void *)AT);
    if (touch) {
        p[0] = 1;
        p[HUGE / 2] = 2;
        p[HUGE - 1] = 3;
    }
    return p;
}

static void expect_bytes(const unsigned char *p, int a, int b, int c, const char *when)
{
    if (p[0] != a || p[HUGE / 2] != b || p[HUGE - 1] != c)
        t_die("%s: bytes %d %d %d, expected %d %d %d", when, p[0], p[HUGE / 2], p[HUGE - 1], a, b,
              c);
}

static void case_munmap(void)
{
    unsigned char *p = huge_at(PROT_READ | PROT_WRITE, 1);
    if (munmap(p, HUGE) != 0)
        t_die("munmap: %s", strerror(errno));
    /* Nothing is left there: the same range can be had again. */
    p = huge_at(PROT_READ, 0);
    expect_bytes(p, 0, 0, 0, "mapped again");
}

static void case_munmap_none(void)
{
    unsigned char *p = huge_at(PROT_NONE, 0);
    if (munmap(p, HUGE) != 0)
        t_die("munmap: %s", strerror(errno));
}

static void case_mprotect(void)
{
    unsigned char *p = huge_at(PROT_NONE, 0);
    if (mprotect(p, HUGE, PROT_READ | PROT_WRITE) != 0)
        t_die("mprotect rw: %s", strerror(errno));
    p[0] = 1, p[HUGE / 2] = 2, p[HUGE - 1] = 3;
    if (mprotect(p, HUGE, PROT_READ) != 0)
        t_die("mprotect r: %s", strerror(errno));
    expect_bytes(p, 1, 2, 3, "read-only");
    if (mprotect(p, HUGE, PROT_READ | PROT_WRITE) != 0)
        t_die("mprotect rw again: %s", strerror(errno));
    p[HUGE - 1] = 4;
    expect_bytes(p, 1, 2, 4, "writable again");
}

static void case_dontneed(void)
{
    unsigned char *p = huge_at(PROT_READ | PROT_WRITE, 1);
    if (madvise(p, HUGE, MADV_DONTNEED) != 0)
        t_die("madvise: %s", strerror(errno));
    expect_bytes(p, 0, 0, 0, "after madvise");
}

/* MADV_FREE: the pages read back as they were or as zeros (Linux frees
 * them lazily, Uniplex at once). */
static void case_free(void)
{
    unsigned char *p = huge_at(PROT_READ | PROT_WRITE, 1);
    if (madvise(p, HUGE, MADV_FREE) != 0)
        t_die("madvise: %s", strerror(errno));
    if ((p[0] && p[0] != 1) || (p[HUGE / 2] && p[HUGE / 2] != 2) ||
        (p[HUGE - 1] && p[HUGE - 1] != 3))
        t_die("after madvise: bytes %d %d %d", p[0], p[HUGE / 2], p[HUGE - 1]);
}

/* A huge range with nothing in it: MADV_DONTNEED is -ENOMEM (unmapped). */
static void case_dontneed_hole(void)
{
    unsigned char *p = huge_at(PROT_READ | PROT_WRITE, 1);
    munmap(p + HUGE / 2, PAGE);
    errno = 0;
    if (madvise(p, HUGE, MADV_DONTNEED) != -1 || errno != ENOMEM)
        t_die("madvise over a hole: %s, expected ENOMEM", strerror(errno));
}

/* MAP_FIXED_NOREPLACE over huge ranges: one page of overlap at either end
 * is EEXIST; a huge free range is had. */
static void case_noreplace(void)
{
    unsigned char *p = huge_at(PROT_NONE, 0);
    void *q = mmap(p - 16 * TIB, 16 * TIB + PAGE, PROT_NONE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (q != MAP_FAILED || errno != EEXIST)
        t_die("over the first page: %p/%s, expected EEXIST", q, strerror(errno));
    q = mmap(p + HUGE - PAGE, 16 * TIB, PROT_NONE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (q != MAP_FAILED || errno != EEXIST)
        t_die("over the last page: %p/%s, expected EEXIST", q, strerror(errno));
    q = mmap(p + HUGE, 16 * TIB, PROT_NONE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (q != p + HUGE)
        t_die("16 TiB free above: %p/%s", q, strerror(errno));
    q = mmap(p - 16 * TIB, 16 * TIB, PROT_NONE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (q != p - 16 * TIB)
        t_die("16 TiB free below: %p/%s", q, strerror(errno));
}

/* mremap one page to 64 TiB (grown in place), then move half of it. */
static void case_mremap(void)
{
    unsigned char *p =
        mmap((void *)AT, PAGE, PROT_READ | PROT_WRITE, ANON | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        t_die("mmap: %s", strerror(errno));
    p[0] = 7;
    unsigned char *q = mremap(p, PAGE, HUGE, MREMAP_MAYMOVE);
    if (q != p)
        t_die("mremap to 64 TiB: %p/%s, expected in place", (void *)q, strerror(errno));
    q[HUGE - 1] = 9;
    unsigned char *to = (unsigned char *)(AT + HUGE + PAGE);
    unsigned char *r = mremap(q + HUGE / 2, HUGE / 4, HUGE / 4, MREMAP_MAYMOVE | MREMAP_FIXED, to);
    if (r != to)
        t_die("mremap 16 TiB away: %p/%s", (void *)r, strerror(errno));
    if (q[0] != 7 || q[HUGE - 1] != 9)
        t_die("bytes after the move: %d %d", q[0], q[HUGE - 1]);
    if (munmap(q, HUGE) != 0 || munmap(to, HUGE / 4) != 0)
        t_die("munmap: %s", strerror(errno));
}

/* /proc/self/stat fields 23 (vsize, bytes) and 24 (rss, pages). */
static void case_proc_stat(void)
{
    huge_at(PROT_READ | PROT_WRITE, 1);
    char buf[1024];
    FILE *f = fopen("/proc/self/stat", "r");
    if (!f || !fgets(buf, sizeof(buf), f))
        t_die("/proc/self/stat: %s", strerror(errno));
    fclose(f);
    char *s = strrchr(buf, ')');
    unsigned long long vsize = 0, rss = 0;
    for (int field = 3; s && field <= 23; field++)
        s = strchr(s + 1, ' ');
    if (!s || sscanf(s, " %llu %llu", &vsize, &rss) != 2)
        t_die("cannot parse: %s", buf);
    /* Linux's rss counters lag behind (batched per thread): checked here only. */
    if (vsize < HUGE || (rss < 3 && t_uniplex()))
        t_die("vsize %llu, rss %llu: expected >= 64 TiB and >= 3 pages", vsize, rss);
    f = fopen("/proc/self/status", "r");
    if (!f)
        t_die("/proc/self/status: %s", strerror(errno));
    while (fgets(buf, sizeof(buf), f))
        ;
    fclose(f);
}

/* fork of a process holding 64 TiB: the child sees the pages, its writes
 * are its own; it exits holding it all. */
static void case_fork(void)
{
    unsigned char *p = huge_at(PROT_READ | PROT_WRITE, 1);
    pid_t pid = fork();
    if (pid < 0)
        t_die("fork: %s", strerror(errno));
    if (pid == 0) {
        expect_bytes(p, 1, 2, 3, "child");
        p[HUGE / 2] = 5;
        _exit(0);
    }
    int st;
    if (p_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        t_die("child: %s", p_status_str(st));
    expect_bytes(p, 1, 2, 3, "parent");
}

/* Shared memory is backed before fork here: 64 TiB cannot be, and the
 * fork must say so at once (Linux, which needs no backing, forks). */
static void case_fork_shared(void)
{
    unsigned char *p =
        mmap((void *)AT, HUGE, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        t_die("mmap shared 64 TiB: %s", strerror(errno));
    p[0] = 1;
    pid_t pid = fork();
    if (pid < 0 && errno != ENOMEM)
        t_die("fork: %s, expected success or ENOMEM", strerror(errno));
    if (pid == 0)
        _exit(p[0] == 1 ? 0 : 1);
    int st;
    if (pid > 0 && (p_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
        t_die("child: %s", p_status_str(st));
}

/* MAP_POPULATE of 64 TiB fills what memory allows and no more. */
static void case_populate(void)
{
    unsigned char *p = mmap((void *)AT, HUGE, PROT_READ | PROT_WRITE,
                            ANON | MAP_POPULATE | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED)
        t_die("mmap: %s", strerror(errno));
    p[HUGE - 1] = 1; /* room is left for more */
    if (munmap(p, HUGE) != 0)
        t_die("munmap: %s", strerror(errno));
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* A huge interval after a short first expiry: one SIGALRM, then the timer
 * waits its (clamped) interval. Linux clamps both to KTIME_MAX ns. */
static void case_itimer_interval(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{INT64_MAX, 999999}, {0, 1000}}, got;
    if (setitimer(ITIMER_REAL, &it, 0) != 0)
        t_die("setitimer: %s", strerror(errno));
    p_sleep_ms(50);
    if (alarms != 1)
        t_die("%d SIGALRMs in 50 ms, expected 1", (int)alarms);
    if (getitimer(ITIMER_REAL, &got) != 0)
        t_die("getitimer: %s", strerror(errno));
    if (got.it_interval.tv_sec != KTIME_SEC_MAX || got.it_value.tv_sec < KTIME_SEC_MAX - 1000000)
        t_die("getitimer: interval %lld s, value %lld s; expected %ld and about that",
              (long long)got.it_interval.tv_sec, (long long)got.it_value.tv_sec, KTIME_SEC_MAX);
}

/* An interval whose nanoseconds wrap to 2^64 - 1.024 ms (1295883771178096 s
 * times 10^9): added to the clock, it lands a millisecond in the past, and
 * a kernel that re-arms there runs the timer forever in its interrupt. */
static void case_itimer_wrap(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{1295883771178096, 0}, {0, 1000}}, got;
    if (setitimer(ITIMER_REAL, &it, 0) != 0)
        t_die("setitimer: %s", strerror(errno));
    p_sleep_ms(50);
    if (alarms != 1)
        t_die("%d SIGALRMs in 50 ms, expected 1", (int)alarms);
    if (getitimer(ITIMER_REAL, &got) != 0 || got.it_interval.tv_sec != KTIME_SEC_MAX)
        t_die("getitimer: interval %lld s, expected %ld", (long long)got.it_interval.tv_sec,
              KTIME_SEC_MAX);
}

/* A huge first expiry: never, not an overflowed one that fires now. */
static void case_itimer_value(void)
{
    signal(SIGALRM, on_alarm);
    struct itimerval it = {{0, 0}, {INT64_MAX / 1000, 0}}, got;
    if (setitimer(ITIMER_REAL, &it, 0) != 0)
        t_die("setitimer: %s", strerror(errno));
    p_sleep_ms(20);
    if (alarms != 0)
        t_die("%d SIGALRMs, expected none", (int)alarms);
    if (getitimer(ITIMER_REAL, &got) != 0)
        t_die("getitimer: %s", strerror(errno));
    if (got.it_value.tv_sec < KTIME_SEC_MAX - 1000000 || got.it_value.tv_sec > KTIME_SEC_MAX)
        t_die("getitimer: value %lld s, expected about %ld", (long long)got.it_value.tv_sec,
              KTIME_SEC_MAX);
}

static const struct {
    const char *name;
    void (*fn)(void);
    int uniplex_only;
} cases[] = {
    {"munmap-64t", case_munmap, 0},
    {"munmap-64t-prot-none", case_munmap_none, 0},
    {"mprotect-64t", case_mprotect, 0},
    {"madvise-dontneed-64t", case_dontneed, 0},
    {"madvise-free-64t", case_free, 0},
    {"madvise-64t-hole", case_dontneed_hole, 0},
    {"map-fixed-noreplace-64t", case_noreplace, 0},
    {"mremap-64t", case_mremap, 0},
    {"proc-stat-64t", case_proc_stat, 0},
    {"fork-exit-64t", case_fork, 0},
    {"fork-shared-64t", case_fork_shared, 0},
    {"map-populate-64t", case_populate, 1},
    {"setitimer-huge-interval", case_itimer_interval, 0},
    {"setitimer-wrapping-interval", case_itimer_wrap, 0},
    {"setitimer-huge-value", case_itimer_value, 0},
};

/* Run one case in a child: ok, or FAIL with the child's reason, its exit
 * status, or the time it took. */
static void run(unsigned i)
{
    char why[300];
    int st = 0;
    double t0 = p_now_us();
    if (!t_case_run(cases[i].name, cases[i].fn, ALARM_S, 0, why, sizeof(why), &st))
        return;
    double ms = (p_now_us() - t0) / 1000;
    printf("time %s: %.1f ms\n", cases[i].name, ms);
    if (t_case_passed(cases[i].name, why, st))
        CHECK(cases[i].name, ms < CASE_MS, "took %.0f ms (limit %d)", ms, CASE_MS);
}

/* Every case, or those named on the command line. */
int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        if (cases[i].uniplex_only && !t_uniplex())
            t_skip_host(cases[i].name);
        else
            run(i);
    }
    return t_done("sparse");
}
