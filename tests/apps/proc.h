/* proc.h: small helpers shared by the process suites (fork, pipe) and
 * bench_proc: time, sleeping, full reads and writes, wait statuses in
 * words, and the path a program can exec itself by. Header-local static
 * inline functions only, like t.h. */
#ifndef TESTS_APPS_PROC_H
#define TESTS_APPS_PROC_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Monotonic time in microseconds. */
static inline double p_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static inline void p_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* waitpid, retried on EINTR. */
static inline pid_t p_wait(pid_t pid, int *st, int options)
{
    pid_t r;

    do
        r = waitpid(pid, st, options);
    while (r == -1 && errno == EINTR);
    return r;
}

/* Reads until n bytes or EOF; the count read, or -1 if the first read failed. */
static inline ssize_t p_read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r == -1 && errno == EINTR)
            continue;
        if (r < 0)
            return got ? (ssize_t)got : -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Writes all n bytes; n, or -1. */
static inline ssize_t p_write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;

    while (put < n) {
        ssize_t r = write(fd, (const char *)buf + put, n - put);
        if (r == -1 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        put += (size_t)r;
    }
    return (ssize_t)n;
}

static inline const char *p_signame(int sig)
{
    switch (sig) {
    case SIGILL:
        return "SIGILL";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGABRT:
        return "SIGABRT";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGKILL:
        return "SIGKILL";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGPIPE:
        return "SIGPIPE";
    default:
        return "signal";
    }
}

/* A wait status in words, e.g. "exited 3" or "killed by signal 11 (SIGSEGV)". */
static inline const char *p_status_str(int st)
{
    static char buf[4][64];
    static int i;

    i = (i + 1) & 3;
    if (WIFEXITED(st))
        snprintf(buf[i], sizeof buf[i], "exited %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf[i], sizeof buf[i], "killed by signal %d (%s)%s", WTERMSIG(st),
                 p_signame(WTERMSIG(st)), WCOREDUMP(st) ? " core dumped" : "");
    else
        snprintf(buf[i], sizeof buf[i], "status %#x", (unsigned)st);
    return buf[i];
}

/* The path this program can exec itself by: /bin/NAME inside Uniplex (the
 * runner puts it there), the real path of /proc/self/exe on the host (a
 * real path so it can also be a #! interpreter). */
static inline const char *p_self_path(const char *name)
{
    static char path[4096];
    const char *v = getenv("UNIPLEX");

    if (v && strcmp(v, "1") == 0) {
        snprintf(path, sizeof path, "/bin/%s", name);
        return path;
    }
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return "/proc/self/exe";
    path[n] = '\0';
    return path;
}

static inline int p_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

#endif
