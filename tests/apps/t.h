/* t.h: the tiny reporting kit shared by the program test suites.
 *
 * Every case prints exactly one line, `ok NAME` or `FAIL NAME: why`, and is
 * flushed at once so that nothing is lost if the program is killed. t_done()
 * prints `SUITE: N passed, M failed` and returns the exit status min(M, 100).
 * Only header-local static inline functions: each suite is a single file. */
#ifndef TESTS_APPS_T_H
#define TESTS_APPS_T_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_passed, t_failed;

static inline void t_ok(const char *name)
{
    printf("ok %s\n", name);
    fflush(stdout);
    t_passed++;
}

static inline void t_fail(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void t_fail(const char *name, const char *fmt, ...)
{
    va_list ap;

    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    t_failed++;
}

/* Cases that only hold inside the unikernel (pid 1, the console is a tty...)
 * run when the runner sets UNIPLEX=1; on the host they count as passed. */
static inline int t_uniplex(void)
{
    const char *v = getenv("UNIPLEX");

    return v && strcmp(v, "1") == 0;
}

static inline void t_skip_host(const char *name)
{
    printf("ok %s # skipped on host\n", name);
    fflush(stdout);
    t_passed++;
}

static inline const char *t_errname(int e)
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        {0, "0"},
        {EPERM, "EPERM"},
        {ENOENT, "ENOENT"},
        {ESRCH, "ESRCH"},
        {EINTR, "EINTR"},
        {EIO, "EIO"},
        {ENXIO, "ENXIO"},
        {E2BIG, "E2BIG"},
        {ENOEXEC, "ENOEXEC"},
        {EBADF, "EBADF"},
        {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"},
        {ENOMEM, "ENOMEM"},
        {EACCES, "EACCES"},
        {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},
        {EEXIST, "EEXIST"},
        {EXDEV, "EXDEV"},
        {ENODEV, "ENODEV"},
        {ENOTDIR, "ENOTDIR"},
        {EISDIR, "EISDIR"},
        {EINVAL, "EINVAL"},
        {ENFILE, "ENFILE"},
        {EMFILE, "EMFILE"},
        {ENOTTY, "ENOTTY"},
        {EFBIG, "EFBIG"},
        {ENOSPC, "ENOSPC"},
        {ESPIPE, "ESPIPE"},
        {EROFS, "EROFS"},
        {EMLINK, "EMLINK"},
        {EPIPE, "EPIPE"},
        {EDOM, "EDOM"},
        {ERANGE, "ERANGE"},
        {ENAMETOOLONG, "ENAMETOOLONG"},
        {ENOSYS, "ENOSYS"},
        {ENOTEMPTY, "ENOTEMPTY"},
        {ELOOP, "ELOOP"},
        {ENOMSG, "ENOMSG"},
        {EIDRM, "EIDRM"},
        {EOVERFLOW, "EOVERFLOW"},
        {EOPNOTSUPP, "EOPNOTSUPP"},
        {ENOTSOCK, "ENOTSOCK"},
        {EDESTADDRREQ, "EDESTADDRREQ"},
        {EMSGSIZE, "EMSGSIZE"},
        {EPROTOTYPE, "EPROTOTYPE"},
        {ENOPROTOOPT, "ENOPROTOOPT"},
        {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
        {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT"},
        {EAFNOSUPPORT, "EAFNOSUPPORT"},
        {EADDRINUSE, "EADDRINUSE"},
        {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
        {ENETUNREACH, "ENETUNREACH"},
        {ECONNRESET, "ECONNRESET"},
        {ENOBUFS, "ENOBUFS"},
        {EISCONN, "EISCONN"},
        {ENOTCONN, "ENOTCONN"},
        {ETIMEDOUT, "ETIMEDOUT"},
        {ECONNREFUSED, "ECONNREFUSED"},
        {EINPROGRESS, "EINPROGRESS"},
    };
    static char other[24];

    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].e == e)
            return names[i].name;
    snprintf(other, sizeof other, "errno %d", e);
    return other;
}

/* A call expected to fail with -1 and errno `want`. */
static inline void t_check_err(const char *name, long r, int err, int want)
{
    if (r == -1 && err == want)
        t_ok(name);
    else if (r == -1)
        t_fail(name, "expected -1/%s (%d), got -1/%s (%d)", t_errname(want), want, t_errname(err),
               err);
    else
        t_fail(name, "expected -1/%s (%d), got %ld", t_errname(want), want, r);
}

/* A call expected to succeed (any result other than -1). */
static inline void t_check_sys(const char *name, long r, int err)
{
    if (r != -1)
        t_ok(name);
    else
        t_fail(name, "expected success, got -1/%s (%d)", t_errname(err), err);
}

static inline int t_done(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, t_passed, t_failed);
    fflush(stdout);
    return t_failed > 100 ? 100 : t_failed;
}

/* CHECK(name, condition, printf-style why): one case from one condition. */
#define CHECK(name, cond, ...) ((cond) ? t_ok(name) : t_fail(name, __VA_ARGS__))

/* errno is cleared first so a stale value can't masquerade as the right one;
 * pointer results (mmap's MAP_FAILED) compare as -1 through the cast. */
#define CHECK_ERR(name, call, want)                                                                \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long t_r_ = (long)(call);                                                                  \
        t_check_err(name, t_r_, errno, want);                                                      \
    } while (0)

#define CHECK_SYS(name, call)                                                                      \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long t_r_ = (long)(call);                                                                  \
        t_check_sys(name, t_r_, errno);                                                            \
    } while (0)

#endif
