/* sched: the scheduling-policy calls (sched(7)) as Linux answers them for
 * a SCHED_OTHER thread: getscheduler, getparam, setscheduler and setparam
 * (SCHED_OTHER honoured; a real-time policy granted or refused with EPERM,
 * never a bad priority), the priority ranges, rr_get_interval,
 * sched_setattr and sched_getattr (the nice value, SCHED_RESET_ON_FORK,
 * the structure's size rules), and their EINVAL, ESRCH, EFAULT, E2BIG and
 * EPERM cases. Passes on Linux too (as root or not).
 *
 * usage: sched [CASE...] */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/* struct sched_attr (its second version, 56 bytes). */
struct attr {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
};
#define ATTR_VER0            48
#define SCHED_DEADLINE_      6
#define SCHED_RESET_ON_FORK_ 0x40000000
#define FLAG_RESET_ON_FORK   0x01
#define FLAG_RECLAIM         0x02
#define FLAG_KEEP_PARAMS     0x10
#define FLAG_UTIL_CLAMP_MIN  0x20
#define FLAG_SUGOV           0x10000000

static long setattr(pid_t pid, const void *a, unsigned flags)
{
    return syscall(SYS_sched_setattr, pid, a, flags);
}

static long getattr(pid_t pid, void *a, unsigned size, unsigned flags)
{
    return syscall(SYS_sched_getattr, pid, a, size, flags);
}

static struct attr other(int nice)
{
    struct attr a = {.size = sizeof(a), .policy = SCHED_OTHER, .nice = nice};
    return a;
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

/* sched_getattr reports what sched_setattr set, and getpriority and
 * sched_getscheduler agree. */
static void case_attr_set(void)
{
    struct attr a = other(5), g;
    T_EXPECT(setattr(0, &a, 0) == 0, "setattr nice 5: %s", t_errname(errno));
    memset(&g, 0xa5, sizeof(g));
    T_EXPECT(getattr(0, &g, sizeof(g), 0) == 0, "getattr: %s", t_errname(errno));
    T_EXPECT(g.size == sizeof(g) && g.policy == SCHED_OTHER && g.nice == 5 && g.priority == 0 &&
                 g.flags == 0 && g.util_min == 0 && g.deadline == 0 && g.period == 0,
             "getattr: size %u policy %u nice %d prio %u flags %llx", g.size, g.policy, g.nice,
             g.priority, (unsigned long long)g.flags);
    errno = 0;
    T_EXPECT(getpriority(PRIO_PROCESS, 0) == 5, "getpriority: %d", getpriority(PRIO_PROCESS, 0));
    T_EXPECT(getscheduler(0) == SCHED_OTHER, "getscheduler: %ld", getscheduler(0));
    a = other(7);
    T_EXPECT(setattr(getpid(), &a, 0) == 0, "setattr by pid: %s", t_errname(errno));
    T_EXPECT(getpriority(PRIO_PROCESS, 0) == 7, "nice after setattr by pid");
    setpriority(PRIO_PROCESS, 0, 11);
    T_EXPECT(getattr(0, &g, sizeof(g), 0) == 0 && g.nice == 11, "setpriority seen: %d", g.nice);
    a = other(3);
    a.flags = FLAG_KEEP_PARAMS; /* the nice value stays */
    T_EXPECT(setattr(0, &a, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 11, "KEEP_PARAMS: %d",
             getpriority(PRIO_PROCESS, 0));
    a = other(100); /* clamped to 19, as Linux */
    T_EXPECT(setattr(0, &a, 0) == 0 && getpriority(PRIO_PROCESS, 0) == 19, "nice 100 clamped");
}

/* The structure's size: 0 is the first version's (48); below it or above
 * a page, or longer with non-zero bytes past ours, E2BIG with our size
 * written back; longer and zero is fine. getattr fills usize bytes at
 * most, zeroing what lies past its own (Linux's copy_struct_to_user). */
static void case_attr_size(void)
{
    unsigned char buf[128];
    struct attr *a = (struct attr *)buf;
    memset(buf, 0, sizeof(buf));
    *a = other(2);
    a->size = 0;
    T_EXPECT(setattr(0, a, 0) == 0, "size 0: %s", t_errname(errno));
    a->size = ATTR_VER0;
    T_EXPECT(setattr(0, a, 0) == 0, "size 48: %s", t_errname(errno));
    a->size = 40;
    expect_errno(setattr(0, a, 0), E2BIG, "size 40");
    T_EXPECT(a->size == sizeof(struct attr), "size written back: %u", a->size);
    a->size = 100;
    T_EXPECT(setattr(0, a, 0) == 0, "size 100, zeros past ours: %s", t_errname(errno));
    buf[90] = 1;
    expect_errno(setattr(0, a, 0), E2BIG, "size 100, non-zero past ours");
    T_EXPECT(a->size == sizeof(struct attr), "size written back: %u", a->size);
    a->size = 8192;
    expect_errno(setattr(0, a, 0), E2BIG, "size 8192");
    memset(buf, 0x5a, sizeof(buf));
    T_EXPECT(getattr(0, buf, ATTR_VER0, 0) == 0, "getattr 48: %s", t_errname(errno));
    T_EXPECT(a->size == ATTR_VER0 && a->nice == 2 && buf[ATTR_VER0] == 0x5a,
             "getattr 48: size %u nice %d, byte 48 %#x", a->size, a->nice, buf[ATTR_VER0]);
    memset(buf, 0x5a, sizeof(buf));
    T_EXPECT(getattr(0, buf, sizeof(buf), 0) == 0, "getattr 128: %s", t_errname(errno));
    T_EXPECT(a->size == sizeof(struct attr) && buf[sizeof(struct attr)] == 0 && buf[127] == 0,
             "getattr 128: size %u, the rest not zeroed (%#x)", a->size, buf[sizeof(struct attr)]);
    expect_errno(getattr(0, buf, ATTR_VER0 - 1, 0), EINVAL, "getattr size 47");
    expect_errno(getattr(0, buf, 4097, 0), EINVAL, "getattr size 4097");
}

static void case_attr_errors(void)
{
    struct attr a = other(0), g;
    expect_errno(setattr(0, &a, 1), EINVAL, "setattr flags 1");
    expect_errno(setattr(0, NULL, 0), EINVAL, "setattr NULL");
    expect_errno(setattr(-1, &a, 0), EINVAL, "setattr pid -1");
    expect_errno(setattr(NO_PID, &a, 0), ESRCH, "setattr no thread");
    expect_errno(setattr(0, (void *)8, 0), EFAULT, "setattr at a bad address");
    expect_errno(getattr(0, &g, sizeof(g), 1), EINVAL, "getattr flags 1");
    expect_errno(getattr(0, NULL, sizeof(g), 0), EINVAL, "getattr NULL");
    expect_errno(getattr(-1, &g, sizeof(g), 0), EINVAL, "getattr pid -1");
    expect_errno(getattr(NO_PID, &g, sizeof(g), 0), ESRCH, "getattr no thread");
    expect_errno(getattr(0, (void *)8, sizeof(g), 0), EFAULT, "getattr at a bad address");
    a.policy = 7;
    expect_errno(setattr(0, &a, 0), EINVAL, "policy 7");
    a.policy = (uint32_t)-1;
    expect_errno(setattr(0, &a, 0), EINVAL, "policy -1");
    a = other(0);
    a.priority = 1;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_OTHER priority 1");
    a.policy = SCHED_FIFO;
    a.priority = 0;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_FIFO priority 0");
    a.priority = 100;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_FIFO priority 100");
    a = other(0);
    a.policy = SCHED_DEADLINE_; /* runtime 0: invalid parameters */
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_DEADLINE, zero parameters");
    a = other(0);
    a.flags = 0x80;
    expect_errno(setattr(0, &a, 0), EINVAL, "unknown flag 0x80");
    a.flags = FLAG_SUGOV;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_FLAG_SUGOV");
    a.flags = FLAG_UTIL_CLAMP_MIN;
    a.size = ATTR_VER0;
    expect_errno(setattr(0, &a, 0), EINVAL, "util clamp in a 48-byte attr");
    a.size = sizeof(a);
    long r = setattr(0, &a, 0);
    if (t_uniplex())
        expect_errno(r, EOPNOTSUPP, "util clamp (no CONFIG_UCLAMP_TASK)");
    else
        T_EXPECT(r == 0 || errno == EOPNOTSUPP, "util clamp: %s", t_errname(errno));
}

/* What Uniplex does not honour is refused after Linux's own checks: a
 * real-time policy (EPERM, as setscheduler), SCHED_BATCH, SCHED_IDLE,
 * SCHED_DEADLINE, the deadline flags and times (EINVAL). */
static void case_attr_refused(void)
{
    if (!t_uniplex() || geteuid() != 0)
        return; /* as root on Linux each would be granted */
    struct attr a = other(0);
    a.policy = SCHED_FIFO;
    a.priority = 10;
    expect_errno(setattr(0, &a, 0), EPERM, "SCHED_FIFO 10");
    a.policy = SCHED_RR;
    expect_errno(setattr(0, &a, 0), EPERM, "SCHED_RR 10");
    a = other(0);
    a.policy = SCHED_BATCH;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_BATCH");
    a.policy = SCHED_IDLE;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_IDLE");
    a.policy = SCHED_DEADLINE_;
    a.runtime = 10000000, a.deadline = 30000000, a.period = 30000000;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_DEADLINE");
    a = other(0);
    a.flags = FLAG_RECLAIM;
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_FLAG_RECLAIM");
    a = other(0);
    a.runtime = 1000000;
    expect_errno(setattr(0, &a, 0), EINVAL, "a SCHED_OTHER runtime");
    T_EXPECT(getscheduler(0) == SCHED_OTHER, "still SCHED_OTHER");
}

/* SCHED_FLAG_RESET_ON_FORK: reported by getattr and getscheduler; a child
 * starts at nice 0 (from a negative one) without the flag; clearing it
 * needs CAP_SYS_NICE. */
static void case_attr_reset_on_fork(void)
{
    int root = geteuid() == 0;
    struct attr a = other(root ? -4 : 4), g;
    a.flags = FLAG_RESET_ON_FORK;
    T_EXPECT(setattr(0, &a, 0) == 0, "RESET_ON_FORK: %s", t_errname(errno));
    T_EXPECT(getattr(0, &g, sizeof(g), 0) == 0 && g.flags == FLAG_RESET_ON_FORK,
             "getattr flags %llx", (unsigned long long)g.flags);
    T_EXPECT(getscheduler(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK_), "getscheduler %#lx",
             getscheduler(0));
    pid_t pid = fork();
    if (pid == 0) {
        struct attr c;
        int ok = getattr(0, &c, sizeof(c), 0) == 0 && c.flags == 0 && c.nice == (root ? 0 : 4) &&
                 getscheduler(0) == SCHED_OTHER;
        _exit(ok ? 0 : 1);
    }
    int st;
    T_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "the child's nice or flag was not reset");
    struct sched_param sp = {0};
    if (root) {
        T_EXPECT(setscheduler(0, SCHED_OTHER, &sp) == 0 && getscheduler(0) == SCHED_OTHER,
                 "setscheduler clears the flag");
        T_EXPECT(setscheduler(0, SCHED_OTHER | SCHED_RESET_ON_FORK_, &sp) == 0 &&
                     getscheduler(0) == (SCHED_OTHER | SCHED_RESET_ON_FORK_),
                 "setscheduler sets the flag");
        return;
    }
    expect_errno(setscheduler(0, SCHED_OTHER, &sp), EPERM, "clearing it unprivileged");
}

/* Without CAP_SYS_NICE (uid 65534, RLIMIT_NICE 0): a higher nice value is
 * fine, a lower one EPERM. */
static void case_attr_eperm(void)
{
    struct rlimit rl = {0, 0};
    T_EXPECT(setrlimit(RLIMIT_NICE, &rl) == 0, "RLIMIT_NICE: %s", t_errname(errno));
    if (geteuid() == 0)
        T_EXPECT(setuid(65534) == 0, "setuid: %s", t_errname(errno));
    struct attr a = other(6);
    T_EXPECT(setattr(0, &a, 0) == 0, "nice 6: %s", t_errname(errno));
    a = other(3);
    expect_errno(setattr(0, &a, 0), EPERM, "nice 3 unprivileged");
    a = other(0);
    a.policy = SCHED_DEADLINE_; /* its parameters are checked before the privilege */
    expect_errno(setattr(0, &a, 0), EINVAL, "SCHED_DEADLINE, zero parameters, unprivileged");
    a.runtime = 10000000, a.deadline = 30000000, a.period = 30000000;
    expect_errno(setattr(0, &a, 0), EPERM, "SCHED_DEADLINE unprivileged");
    a = other(0);
    a.policy = SCHED_FIFO;
    a.priority = 10;
    expect_errno(setattr(0, &a, 0), EPERM, "SCHED_FIFO unprivileged");
    T_EXPECT(getpriority(PRIO_PROCESS, 0) == 6, "nice changed anyway");
}

static const struct t_case cases[] = {
    {"get", case_get},
    {"set", case_set},
    {"ranges", case_ranges},
    {"rr_interval", case_rr_interval},
    {"attr_set", case_attr_set},
    {"attr_size", case_attr_size},
    {"attr_errors", case_attr_errors},
    {"attr_refused", case_attr_refused},
    {"attr_reset_on_fork", case_attr_reset_on_fork},
    {"attr_eperm", case_attr_eperm},
};

int main(int argc, char **argv)
{
    return t_run_cases("sched", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
