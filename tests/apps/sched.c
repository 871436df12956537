/* sched: the scheduling-policy calls (sched(7)) as Linux answers them for
 * a SCHED_OTHER thread: getscheduler, getparam, setscheduler and setparam
 * (SCHED_OTHER honoured; a real-time policy granted or refused with EPERM,
 * never a bad priority), the priority ranges, rr_get_interval, and their
 * EINVAL, ESRCH and EFAULT cases. Passes on Linux too.
 *
 * usage: sched [CASE...] */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include "tcase.h"

#define ALARM_S 10
#define NO_PID  999999 /* above pid_max: no such thread */

/* Through the raw calls: musl's wrappers of these four are ENOSYS stubs
 * (POSIX's process-wide policies are not Linux's per-thread ones). */
static long getscheduler(pid_t pid)
{
    return syscall(SYS_sched_getscheduler, pid);
}

static long getparam(pid_t pid, struct sched_param *sp)
{
    return syscall(SYS_sched_getparam, pid, sp);
}

static long setscheduler(pid_t pid, int policy, const struct sched_param *sp)
{
    return syscall(SYS_sched_setscheduler, pid, policy, sp);
}

static long setparam(pid_t pid, const struct sched_param *sp)
{
    return syscall(SYS_sched_setparam, pid, sp);
}

static void expect_errno(long r, int e, const char *what)
{
    T_EXPECT(r == -1 && errno == e, "%s: %ld/%s, expected %s", what, r, t_errname(errno),
             t_errname(e));
}

static void case_get(void)
{
    struct sched_param sp = {.sched_priority = 7};
    T_EXPECT(getscheduler(0) == SCHED_OTHER, "getscheduler: %ld", getscheduler(0));
    T_EXPECT(getscheduler(getpid()) == SCHED_OTHER, "getscheduler of its pid");
    T_EXPECT(getparam(0, &sp) == 0 && sp.sched_priority == 0, "getparam: %d", sp.sched_priority);
    expect_errno(getscheduler(-1), EINVAL, "getscheduler(-1)");
    expect_errno(getscheduler(NO_PID), ESRCH, "getscheduler of no thread");
    expect_errno(syscall(SYS_sched_getparam, 0, NULL), EINVAL, "getparam(NULL)");
    expect_errno(syscall(SYS_sched_getparam, 0, (void *)8), EFAULT, "getparam at a bad address");
}

static void case_set(void)
{
    struct sched_param sp = {.sched_priority = 0};
    T_EXPECT(setscheduler(0, SCHED_OTHER, &sp) == 0, "SCHED_OTHER: %s", t_errname(errno));
    T_EXPECT(setparam(0, &sp) == 0, "setparam 0: %s", t_errname(errno));
    sp.sched_priority = 5;
    expect_errno(setscheduler(0, SCHED_OTHER, &sp), EINVAL, "SCHED_OTHER priority 5");
    expect_errno(setparam(0, &sp), EINVAL, "setparam 5");
    expect_errno(setscheduler(0, 77, &sp), EINVAL, "policy 77");
    sp.sched_priority = 0;
    expect_errno(setscheduler(0, SCHED_FIFO, &sp), EINVAL, "SCHED_FIFO priority 0");
    sp.sched_priority = 100;
    expect_errno(setscheduler(0, SCHED_FIFO, &sp), EINVAL, "SCHED_FIFO priority 100");
    sp.sched_priority = 50;
    long r = setscheduler(0, SCHED_FIFO, &sp);
    T_EXPECT(r == 0 || errno == EPERM, "SCHED_FIFO 50: %s", t_errname(errno));
    expect_errno(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL), EINVAL, "a NULL param");
    expect_errno(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, (void *)8), EFAULT,
                 "a param at a bad address");
    sp.sched_priority = 0;
    expect_errno(setscheduler(NO_PID, SCHED_OTHER, &sp), ESRCH, "no such thread");
}

static void case_ranges(void)
{
    T_EXPECT(sched_get_priority_max(SCHED_FIFO) == 99 && sched_get_priority_min(SCHED_FIFO) == 1,
             "SCHED_FIFO range");
    T_EXPECT(sched_get_priority_max(SCHED_RR) == 99 && sched_get_priority_min(SCHED_RR) == 1,
             "SCHED_RR range");
    T_EXPECT(sched_get_priority_max(SCHED_OTHER) == 0 && sched_get_priority_min(SCHED_OTHER) == 0,
             "SCHED_OTHER range");
    expect_errno(sched_get_priority_max(77), EINVAL, "max of policy 77");
    expect_errno(sched_get_priority_min(-1), EINVAL, "min of policy -1");
}

static void case_rr_interval(void)
{
    struct timespec ts = {-1, -1};
    T_EXPECT(sched_rr_get_interval(0, &ts) == 0, "rr_get_interval: %s", t_errname(errno));
    T_EXPECT(ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000, "interval %lld.%09ld",
             (long long)ts.tv_sec, ts.tv_nsec);
    expect_errno(sched_rr_get_interval(NO_PID, &ts), ESRCH, "interval of no thread");
    expect_errno(syscall(SYS_sched_rr_get_interval, 0, (void *)8), EFAULT, "a bad address");
}

static const struct t_case cases[] = {
    {"get", case_get},
    {"set", case_set},
    {"ranges", case_ranges},
    {"rr_interval", case_rr_interval},
};

int main(int argc, char **argv)
{
    return t_run_cases("sched", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
