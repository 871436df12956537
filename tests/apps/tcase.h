/* tcase.h: suites that run each case in a child of its own (sparse, futex,
 * threads). The child runs under alarm(), so a hang is one FAIL line and
 * never a stuck run, and says why it failed through a pipe (t_case_say,
 * from any thread or any process it made); the parent prints the verdict. */
#ifndef TESTS_APPS_TCASE_H
#define TESTS_APPS_TCASE_H

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/resource.h>
#include <unistd.h>
#include "tproc.h"

/* The pipe a case's child says why it failed on. */
static int t_report_fd = -1;

/* In a case's child: say why the case failed, one line (the caller then
 * ends its process). */
static inline void t_case_say(const char *fmt, va_list ap)
{
    char buf[240];
    int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
    n = n < 0 ? 0 : n < (int)sizeof(buf) - 1 ? n : (int)sizeof(buf) - 2;
    buf[n++] = '\n';
    if (write(t_report_fd, buf, (size_t)n) < 0)
        _exit(2);
}

/* In a case's child, from any thread or a process it made: say why the
 * case failed and end that process. */
__attribute__((format(printf, 1, 2), noreturn)) static inline void t_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    t_case_say(fmt, ap);
    va_end(ap);
    _exit(1);
}

/* t_die with the message unless cond holds. */
#define T_EXPECT(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond))                                                                               \
            t_die(__VA_ARGS__);                                                                    \
    } while (0)

/* t_case_run's flags: the child leads a process group of its own, which
 * is killed after it (with everything it left running) and reaped. */
#define T_CASE_GROUP 1

/* The lines of in joined by "; " into out. */
static inline void t_case_lines(const char *in, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = in; *p && o + 3 < size; p++) {
        if (*p != '\n')
            out[o++] = *p;
        else if (p[1]) {
            out[o++] = ';';
            out[o++] = ' ';
        }
    }
    out[o] = 0;
}

/* Run fn in a child under alarm(alarm_s), without core dumps: 1 with its
 * wait status in *st and what it said in why (empty: nothing), or 0 after
 * a FAIL line for name when it could not be run or reaped. */
static inline int t_case_run(const char *name, void (*fn)(void), unsigned alarm_s, int flags,
                             char *why, size_t size, int *st)
{
    int fd[2];
    if (pipe(fd) != 0) {
        t_fail(name, "pipe: %s", t_errname(errno));
        return 0;
    }
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit no_core = {0, 0};
        close(fd[0]);
        if (flags & T_CASE_GROUP)
            setpgid(0, 0);
        setrlimit(RLIMIT_CORE, &no_core);
        t_report_fd = fd[1];
        alarm(alarm_s);
        fn();
        _exit(0);
    }
    close(fd[1]);
    int reaped = reap_child(name, pid, st);
    if (pid > 0 && (flags & T_CASE_GROUP)) {
        kill(-pid, SIGKILL);            /* whatever the case left running, so the pipe ends */
        while (p_wait(-1, NULL, 0) > 0) /* as init, those are ours to reap */
            ;
    }
    char said[512] = "";
    ssize_t n = pid > 0 ? p_read_full(fd[0], said, sizeof(said) - 1) : 0;
    said[n > 0 ? n : 0] = 0;
    close(fd[0]);
    t_case_lines(said, why, size);
    return reaped;
}

/* 1 when the command line names no case (run them all) or names this one. */
static inline int t_case_named(int argc, char **argv, const char *name)
{
    int named = argc < 2;
    for (int a = 1; a < argc; a++)
        named |= strcmp(argv[a], name) == 0;
    return named;
}

/* The verdict on a case that ran: FAIL with what it said, or with its
 * status unless it exited 0; 1 when it passed (nothing printed yet). */
static inline int t_case_passed(const char *name, const char *why, int st)
{
    if (why[0])
        t_fail(name, "%s", why);
    else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        t_fail(name, "child %s", p_status_str(st));
    return !why[0] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A suite's cases, run in order (each in a child of its own: t_case_run)
 * unless the command line names some (t_case_named); the suite's "N passed,
 * M failed" line. main returns what it returns. */
struct t_case {
    const char *name;
    void (*fn)(void);
};

static inline int t_run_cases(const char *suite, const struct t_case *cases, size_t n,
                              unsigned alarm_s, int flags, int argc, char **argv)
{
    for (size_t i = 0; i < n; i++) {
        char why[300];
        int st = 0;
        if (t_case_named(argc, argv, cases[i].name) &&
            t_case_run(cases[i].name, cases[i].fn, alarm_s, flags, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    return t_done(suite);
}

/* call must fail with errno want (T_EXPECT_ERR_BY) or return want
 * (T_EXPECT_RET_BY); otherwise the case fails through die_fn (t_die, or a
 * suite's own that also ends its helpers). */
#define T_EXPECT_ERR_BY(die_fn, what, call, want)                                                  \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        if (r_ != -1 || e_ != (want))                                                              \
            die_fn("%s: expected -1/%s, got %ld/%s", what, t_errname(want), r_, t_errname(e_));    \
    } while (0)

#define T_EXPECT_RET_BY(die_fn, what, call, want)                                                  \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(call);                                                                    \
        int e_ = errno;                                                                            \
        if (r_ != (long)(want))                                                                    \
            die_fn("%s: expected %ld, got %ld/%s", what, (long)(want), r_, t_errname(e_));         \
    } while (0)

/* pid's state letter in /proc/<pid>/stat ('S': asleep), or 0. */
static inline int t_proc_state(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : 0;
}

#endif
