/* proccalls: getcpu, getpriority/setpriority (nice values, honoured by
 * the scheduler) and process file descriptors (pidfd_open,
 * pidfd_send_signal, waitid's P_PIDFD), with their error cases. Run as
 * root (pid 1 in Uniplex, root on the host); each case runs in a child of
 * its own. Passes on Linux too (static, musl or glibc).
 *
 * usage: proccalls [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 30
#define BAD_PTR ((void *)1) /* never mapped */

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define PIDFD_NONBLOCK O_NONBLOCK
#define PIDFD_BAD_FLAG 0x20 /* no pidfd_send_signal flag, on any Linux */

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

static long getcpu_(void *cpu, void *node, void *tcache)
{
    return syscall(SYS_getcpu, cpu, node, tcache);
}

/* The raw calls: getpriority's result is 20 - nice. */
static long getprio_raw(long which, long who)
{
    return syscall(SYS_getpriority, which, who);
}

static long setprio_raw(long which, long who, long nice)
{
    return syscall(SYS_setpriority, which, who, nice);
}

static int pidfd_open_(pid_t pid, unsigned flags)
{
    return (int)syscall(SYS_pidfd_open, pid, flags);
}

static long pidfd_send_(int fd, int sig, siginfo_t *info, unsigned flags)
{
    return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

/* The calling thread's nice value (the raw call, so no errno games). */
static int my_nice(void)
{
    long r = getprio_raw(PRIO_PROCESS, 0);
    T_EXPECT(r >= 1 && r <= 40, "getpriority raw %ld", r);
    return 20 - (int)r;
}

static void pin_cpu0(void)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    T_EXPECT(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity: %s",
             t_errname(errno));
}

/* A child that waits to be killed. */
static pid_t spawn_sleeper(void)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    if (pid == 0) {
        for (;;)
            pause();
    }
    return pid;
}

/* Fields 18 and 19 (priority, nice) of a stat file. */
static void stat_prio(const char *path, int *prio, int *nice)
{
    char buf[1024];
    int fd = open(path, O_RDONLY);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    T_EXPECT(n > 0, "read %s", path);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    T_EXPECT(p != NULL, "%s: no ')'", path);
    /* p + 2 is field 3 (state): skip to field 18. */
    p += 2;
    for (int f = 3; f < 18 && p; f++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    T_EXPECT(p && sscanf(p, "%d %d", prio, nice) == 2, "%s: no fields 18/19", path);
}

/* --- getcpu ------------------------------------------------------------------- */

static void case_getcpu(void)
{
    unsigned cpu = 99, node = 99;
    pin_cpu0();
    EXPECT_RET("getcpu", getcpu_(&cpu, &node, NULL), 0);
    T_EXPECT(cpu == 0 && node == 0, "getcpu: cpu %u node %u on CPU 0", cpu, node);
    EXPECT_RET("getcpu(NULL, NULL)", getcpu_(NULL, NULL, NULL), 0);
    cpu = 99;
    EXPECT_RET("getcpu(cpu, NULL)", getcpu_(&cpu, NULL, NULL), 0);
    T_EXPECT(cpu == 0, "getcpu(cpu, NULL): %u", cpu);
    node = 99;
    EXPECT_RET("getcpu(NULL, node)", getcpu_(NULL, &node, NULL), 0);
    T_EXPECT(node == 0, "getcpu(NULL, node): %u", node);
    /* The third argument is unused: even a bad pointer is ignored. */
    EXPECT_RET("getcpu(.., bad tcache)", getcpu_(&cpu, &node, BAD_PTR), 0);
    EXPECT_RET("sched_getcpu", sched_getcpu(), 0);
}

static void case_getcpu_efault(void)
{
    unsigned v;
    EXPECT_ERR("getcpu(bad cpu)", getcpu_(BAD_PTR, &v, NULL), EFAULT);
    EXPECT_ERR("getcpu(bad node)", getcpu_(&v, BAD_PTR, NULL), EFAULT);
    EXPECT_ERR("getcpu(bad, NULL)", getcpu_(BAD_PTR, NULL, NULL), EFAULT);
}

/* --- priorities ---------------------------------------------------------------- */

static void case_prio_get_set(void)
{
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    EXPECT_RET("raw getpriority at nice 0", getprio_raw(PRIO_PROCESS, 0), 20);
    EXPECT_RET("setpriority 5", setpriority(PRIO_PROCESS, 0, 5), 0);
    errno = 0;
    T_EXPECT(getpriority(PRIO_PROCESS, 0) == 5 && errno == 0, "getpriority: not 5");
    EXPECT_RET("raw getpriority at nice 5", getprio_raw(PRIO_PROCESS, 0), 15);
    EXPECT_RET("raw getpriority of own pid", getprio_raw(PRIO_PROCESS, getpid()), 15);
    /* Out of range: clamped. */
    EXPECT_RET("setpriority 100", setprio_raw(PRIO_PROCESS, 0, 100), 0);
    EXPECT_RET("nice after 100", my_nice(), 19);
    struct timespec q19, q0;
    EXPECT_RET("sched_rr_get_interval at 19", sched_rr_get_interval(0, &q19), 0);
    EXPECT_RET("setpriority -100 (root)", setprio_raw(PRIO_PROCESS, 0, -100), 0);
    EXPECT_RET("nice after -100", my_nice(), -20);
    EXPECT_RET("raw getpriority at -20", getprio_raw(PRIO_PROCESS, 0), 40);
    /* nice(3): an increment, returning the new value. */
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    EXPECT_RET("sched_rr_get_interval at 0", sched_rr_get_interval(0, &q0), 0);
    /* Uniplex's slice follows the weight (Linux's depends on the load). */
    T_EXPECT(!t_uniplex() || (q19.tv_sec == 0 && q19.tv_nsec < q0.tv_nsec / 8),
             "interval at nice 19 %ld ns, at 0 %ld ns", (long)q19.tv_nsec, (long)q0.tv_nsec);
    EXPECT_RET("nice(3)", nice(3), 3);
    EXPECT_RET("nice(-1)", nice(-1), 2);
    EXPECT_RET("nice after nice()", my_nice(), 2);
    int prio, ni;
    stat_prio("/proc/self/stat", &prio, &ni);
    T_EXPECT(prio == 22 && ni == 2, "/proc/self/stat priority %d nice %d, not 22 2", prio, ni);
}

static void case_prio_errors(void)
{
    EXPECT_ERR("getpriority(3)", getprio_raw(3, 0), EINVAL);
    EXPECT_ERR("setpriority(3)", setprio_raw(3, 0, 0), EINVAL);
    EXPECT_ERR("getpriority(-1)", getprio_raw(-1, 0), EINVAL);
    EXPECT_ERR("setpriority(-1)", setprio_raw(-1, 0, 0), EINVAL);
    /* A pid nobody has: a child reaped. */
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    T_EXPECT(gone > 0 && waitpid(gone, NULL, 0) == gone, "fork/wait");
    EXPECT_ERR("getpriority(gone)", getprio_raw(PRIO_PROCESS, gone), ESRCH);
    EXPECT_ERR("setpriority(gone)", setprio_raw(PRIO_PROCESS, gone, 1), ESRCH);
    EXPECT_ERR("getpriority(PGRP gone)", getprio_raw(PRIO_PGRP, gone), ESRCH);
    EXPECT_ERR("setpriority(PGRP gone)", setprio_raw(PRIO_PGRP, gone, 1), ESRCH);
    EXPECT_ERR("getpriority(USER 54321)", getprio_raw(PRIO_USER, 54321), ESRCH);
    EXPECT_ERR("setpriority(USER 54321)", setprio_raw(PRIO_USER, 54321, 1), ESRCH);
}

/* Unprivileged: another user's process is EPERM; lowering one's own nice
 * is EACCES past RLIMIT_NICE (20 - nice at most), raising it is free. */
static void case_prio_perm(void)
{
    struct rlimit rl = {30, 30}; /* down to nice -10 */
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    /* A host container may lack CAP_SYS_RESOURCE to raise the limit. */
    int raised = setrlimit(RLIMIT_NICE, &rl) == 0;
    T_EXPECT(raised || !t_uniplex(), "setrlimit(RLIMIT_NICE): %s", t_errname(errno));
    pid_t root = getppid(); /* the suite, as root */
    EXPECT_RET("setresuid", setresuid(4321, 4321, 4321), 0);
    EXPECT_ERR("setpriority(root's)", setprio_raw(PRIO_PROCESS, root, 5), EPERM);
    long r = getprio_raw(PRIO_PROCESS, root);
    T_EXPECT(r >= 1 && r <= 40, "getpriority(root's): %ld/%s", r, t_errname(errno));
    if (raised) {
        EXPECT_RET("setpriority -10 within RLIMIT_NICE", setprio_raw(PRIO_PROCESS, 0, -10), 0);
        EXPECT_ERR("setpriority -11 past RLIMIT_NICE", setprio_raw(PRIO_PROCESS, 0, -11), EACCES);
        rl.rlim_cur = rl.rlim_max = 0;
        EXPECT_RET("setrlimit(RLIMIT_NICE 0)", setrlimit(RLIMIT_NICE, &rl), 0);
    }
    EXPECT_RET("setpriority 4 (raising)", setprio_raw(PRIO_PROCESS, 0, 4), 0);
    EXPECT_ERR("setpriority 3 (lowering)", setprio_raw(PRIO_PROCESS, 0, 3), EACCES);
    EXPECT_ERR("setpriority -1 (lowering)", setprio_raw(PRIO_PROCESS, 0, -1), EACCES);
    EXPECT_RET("setpriority 4 (same)", setprio_raw(PRIO_PROCESS, 0, 4), 0);
    EXPECT_RET("nice stays 4", my_nice(), 4);
    EXPECT_ERR("nice(-1) unprivileged", nice(-1), EPERM); /* EACCES is nice(3)'s EPERM */
}

struct thr {
    pid_t tid;
    int nice;
    volatile int go, done;
};

static void *thr_main(void *arg)
{
    struct thr *t = arg;
    t->tid = (pid_t)syscall(SYS_gettid);
    while (!t->go)
        sched_yield();
    t->nice = my_nice();
    t->done = 1;
    return NULL;
}

/* A nice value is a thread's: one thread's does not move another's, and
 * PRIO_PROCESS names a thread by its tid. */
static void case_prio_thread(void)
{
    struct thr t = {0, 0, 0, 0};
    pthread_t th;
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    T_EXPECT(pthread_create(&th, NULL, thr_main, &t) == 0, "pthread_create");
    while (!t.tid)
        sched_yield();
    EXPECT_RET("setpriority(tid, 7)", setprio_raw(PRIO_PROCESS, t.tid, 7), 0);
    EXPECT_RET("getpriority(tid)", getprio_raw(PRIO_PROCESS, t.tid), 13);
    EXPECT_RET("main thread unchanged", my_nice(), 0);
    char path[64];
    int prio, ni;
    snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)t.tid);
    stat_prio(path, &prio, &ni);
    T_EXPECT(prio == 27 && ni == 7, "%s: %d %d, not 27 7", path, prio, ni);
    stat_prio("/proc/self/stat", &prio, &ni);
    T_EXPECT(prio == 20 && ni == 0, "/proc/self/stat: %d %d, not 20 0", prio, ni);
    t.go = 1;
    pthread_join(th, NULL);
    T_EXPECT(t.nice == 7, "the thread saw nice %d", t.nice);
}

/* PRIO_PGRP and PRIO_USER name every process of a group or user; get
 * reports the highest priority (lowest nice) among them. */
static void case_prio_group_user(void)
{
    /* The case leads a group of its own (T_CASE_GROUP): it and two
     * children. */
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    pid_t a = spawn_sleeper(), b = spawn_sleeper();
    EXPECT_RET("setpriority(PGRP 0, 6)", setprio_raw(PRIO_PGRP, 0, 6), 0);
    EXPECT_RET("a's nice", getprio_raw(PRIO_PROCESS, a), 14);
    EXPECT_RET("b's nice", getprio_raw(PRIO_PROCESS, b), 14);
    EXPECT_RET("the caller's", getprio_raw(PRIO_PROCESS, 0), 14);
    EXPECT_RET("setpriority(b, 3)", setprio_raw(PRIO_PROCESS, b, 3), 0);
    EXPECT_RET("getpriority(PGRP): the lowest nice", getprio_raw(PRIO_PGRP, getpgrp()), 17);
    EXPECT_RET("getpriority(PGRP 0)", getprio_raw(PRIO_PGRP, 0), 17);
    kill(a, SIGKILL);
    kill(b, SIGKILL);
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);

    pid_t u = fork();
    if (u == 0) {
        if (setresuid(4322, 4322, 4322) != 0)
            _exit(1);
        for (;;)
            pause();
    }
    /* Wait for the child's uid change. */
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", (int)u);
    int seen = 0;
    for (int i = 0; i < 2000 && !seen; i++) {
        FILE *f = fopen(path, "r");
        while (f && fgets(line, sizeof(line), f))
            seen |= strncmp(line, "Uid:\t4322", 9) == 0;
        if (f)
            fclose(f);
        if (!seen)
            usleep(1000);
    }
    T_EXPECT(seen, "the child never became uid 4322");
    EXPECT_RET("setpriority(USER 4322, 8)", setprio_raw(PRIO_USER, 4322, 8), 0);
    EXPECT_RET("getpriority(USER 4322)", getprio_raw(PRIO_USER, 4322), 12);
    EXPECT_RET("the child's nice", getprio_raw(PRIO_PROCESS, u), 12);
    kill(u, SIGKILL);
    waitpid(u, NULL, 0);
}

/* fork inherits the nice value; exec keeps it. */
static void case_prio_inherit(void)
{
    EXPECT_RET("setpriority 9", setpriority(PRIO_PROCESS, 0, 9), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (my_nice() != 9)
            _exit(1);
        execl("/proc/self/exe", "proccalls", "--exit-nice", (char *)NULL);
        _exit(2);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 29, "child: %s (want exit 29 = 20 + nice 9)",
             p_status_str(st));
}

/* busybox renice (Debian's busybox-static has no nice applet): a value
 * set, then an increment (-n), of a running process. */
static int run_renice(const char *a1, const char *a2, const char *a3, const char *a4)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl("/bin/busybox", "renice", a1, a2, a3, a4, (char *)NULL);
        _exit(127);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void case_prio_renice(void)
{
    if (access("/bin/busybox", X_OK) != 0)
        t_die("no /bin/busybox");
    pid_t s = spawn_sleeper();
    char arg[16];
    snprintf(arg, sizeof(arg), "%d", (int)s);
    EXPECT_RET("setpriority(child, 0)", setprio_raw(PRIO_PROCESS, s, 0), 0);
    EXPECT_RET("renice 11 -p PID", run_renice("11", "-p", arg, NULL), 0);
    EXPECT_RET("the reniced child", getprio_raw(PRIO_PROCESS, s), 9);
    EXPECT_RET("renice -n 3 -p PID", run_renice("-n", "3", "-p", arg), 0);
    EXPECT_RET("the child after -n 3", getprio_raw(PRIO_PROCESS, s), 6);
    kill(s, SIGKILL);
    waitpid(s, NULL, 0);
}

/* Two busy children on one CPU, nice 0 and nice 19, count for a while:
 * the nice-0 one must get clearly more (Linux's weights say ~70 times). */
static void case_nice_honoured(void)
{
    volatile unsigned long *cnt =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(cnt != MAP_FAILED, "mmap");
    pin_cpu0();
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    pid_t kid[2];
    for (int i = 0; i < 2; i++) {
        kid[i] = fork();
        T_EXPECT(kid[i] >= 0, "fork");
        if (kid[i] == 0) {
            if (setpriority(PRIO_PROCESS, 0, i ? 19 : 0) != 0)
                _exit(1);
            while (!cnt[8])
                ;
            for (;;)
                cnt[i]++;
        }
    }
    cnt[8] = 1;
    struct timespec ts = {2, 0};
    nanosleep(&ts, NULL);
    unsigned long c0 = cnt[0], c19 = cnt[1];
    kill(kid[0], SIGKILL);
    kill(kid[1], SIGKILL);
    waitpid(kid[0], NULL, 0);
    waitpid(kid[1], NULL, 0);
    printf("proccalls: nice 0 counted %lu, nice 19 %lu in 2 s\n", c0, c19);
    fflush(stdout);
    T_EXPECT(c0 > 0, "the nice-0 child never counted");
    T_EXPECT(c0 > 3 * c19, "nice 0 counted %lu, nice 19 %lu: not 3 times more", c0, c19);
}

/* --- pidfds -------------------------------------------------------------------- */

static int poll_in(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, ms);
    T_EXPECT(n >= 0, "poll: %s", t_errname(errno));
    return n ? p.revents : 0;
}

static void case_pidfd_basic(void)
{
    pid_t pid = spawn_sleeper();
    int fd = pidfd_open_(pid, 0);
    T_EXPECT(fd >= 0, "pidfd_open: %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "no close-on-exec");
    T_EXPECT(poll_in(fd, 0) == 0, "readable before the exit");
    char buf[8];
    EXPECT_ERR("read", read(fd, buf, sizeof(buf)), EINVAL);
    /* fdinfo's Pid: line. */
    char path[64], info[512];
    snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
    int ifd = open(path, O_RDONLY);
    T_EXPECT(ifd >= 0, "open %s", path);
    ssize_t n = read(ifd, info, sizeof(info) - 1);
    close(ifd);
    info[n > 0 ? n : 0] = 0;
    char want[32];
    snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)pid);
    T_EXPECT(strstr(info, want), "fdinfo has no %s", want + 1);
    kill(pid, SIGKILL);
    int ev = poll_in(fd, 10000);
    T_EXPECT(ev & POLLIN, "not readable after the exit (revents %#x)", ev);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    EXPECT_RET("waitid(P_PIDFD)", waitid(P_PIDFD, fd, &si, WEXITED), 0);
    T_EXPECT(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGKILL,
             "waitid: pid %d code %d status %d", si.si_pid, si.si_code, si.si_status);
    EXPECT_ERR("waitid(P_PIDFD) again", waitid(P_PIDFD, fd, &si, WEXITED), ECHILD);
    ev = poll_in(fd, 0);
    T_EXPECT(ev & POLLIN, "not readable once reaped (revents %#x)", ev);
    EXPECT_ERR("pidfd_send_signal once reaped", pidfd_send_(fd, SIGTERM, NULL, 0), ESRCH);
    close(fd);
}

static void *idle_thread(void *arg)
{
    *(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
    for (;;)
        pause();
    return NULL;
}

static void case_pidfd_open_errors(void)
{
    pid_t pid = spawn_sleeper();
    EXPECT_ERR("pidfd_open(flags 1)", pidfd_open_(pid, 1), EINVAL);
    EXPECT_ERR("pidfd_open(O_CLOEXEC)", pidfd_open_(pid, O_CLOEXEC), EINVAL);
    EXPECT_ERR("pidfd_open(0)", pidfd_open_(0, 0), EINVAL);
    EXPECT_ERR("pidfd_open(-1)", pidfd_open_(-1, 0), EINVAL);
    int fd = pidfd_open_(pid, PIDFD_NONBLOCK);
    T_EXPECT(fd >= 0, "pidfd_open(PIDFD_NONBLOCK): %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFL) & O_NONBLOCK, "PIDFD_NONBLOCK not in the file's flags");
    kill(pid, SIGKILL);
    T_EXPECT(waitpid(pid, NULL, 0) == pid, "waitpid");
    EXPECT_ERR("pidfd_open(reaped)", pidfd_open_(pid, 0), ESRCH);
    /* Another thread's tid names no process. */
    volatile pid_t tid = 0;
    pthread_t th;
    T_EXPECT(pthread_create(&th, NULL, idle_thread, (void *)&tid) == 0, "pthread_create");
    while (!tid)
        sched_yield();
    /* EINVAL as Linux before 6.9; later ones say ENOENT. */
    errno = 0;
    int r = pidfd_open_(tid, 0);
    T_EXPECT(r == -1 && (errno == EINVAL || (errno == ENOENT && !t_uniplex())),
             "pidfd_open(a thread's tid): %d/%s, not -1/EINVAL", r, t_errname(errno));
    int self = pidfd_open_(getpid(), 0);
    T_EXPECT(self >= 0, "pidfd_open(self): %s", t_errname(errno));
    close(self);
    close(fd);
}

static volatile int got_sig, got_code, got_value, got_pid;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_value = si->si_value.sival_int;
    got_pid = si->si_pid;
}

static void case_pidfd_send_signal(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    int self = pidfd_open_(getpid(), 0);
    T_EXPECT(self >= 0, "pidfd_open(self)");
    /* info NULL: as kill, SI_USER from the caller. */
    EXPECT_RET("pidfd_send_signal(self, SIGUSR1)", pidfd_send_(self, SIGUSR1, NULL, 0), 0);
    T_EXPECT(got_sig == SIGUSR1 && got_code == SI_USER && got_pid == getpid(),
             "handler: sig %d code %d pid %d", got_sig, got_code, got_pid);
    /* With a siginfo: sigqueue's to one's own process. */
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_value.sival_int = 42;
    got_sig = 0;
    EXPECT_RET("pidfd_send_signal(info)", pidfd_send_(self, SIGUSR1, &si, 0), 0);
    T_EXPECT(got_sig == SIGUSR1 && got_code == SI_QUEUE && got_value == 42,
             "handler: sig %d code %d value %d", got_sig, got_code, got_value);
    EXPECT_RET("pidfd_send_signal(probe)", pidfd_send_(self, 0, NULL, 0), 0);

    pid_t pid = spawn_sleeper();
    int fd = pidfd_open_(pid, 0);
    T_EXPECT(fd >= 0, "pidfd_open");
    EXPECT_ERR("bad flags", pidfd_send_(fd, SIGTERM, NULL, PIDFD_BAD_FLAG), EINVAL);
    EXPECT_ERR("signal 65", pidfd_send_(fd, 65, NULL, 0), EINVAL);
    EXPECT_ERR("bad info", pidfd_send_(fd, SIGTERM, BAD_PTR, 0), EFAULT);
    si.si_signo = SIGUSR2;
    EXPECT_ERR("si_signo not sig", pidfd_send_(fd, SIGUSR1, &si, 0), EINVAL);
    si.si_signo = SIGTERM;
    si.si_code = SI_USER;
    EXPECT_ERR("SI_USER info to another", pidfd_send_(fd, SIGTERM, &si, 0), EPERM);
    EXPECT_ERR("fd -1", pidfd_send_(-1, SIGTERM, NULL, 0), EBADF);
    int pfd[2];
    T_EXPECT(pipe(pfd) == 0, "pipe");
    EXPECT_ERR("a pipe's fd", pidfd_send_(pfd[0], SIGTERM, NULL, 0), EBADF);
    EXPECT_RET("SIGTERM", pidfd_send_(fd, SIGTERM, NULL, 0), 0);
    memset(&si, 0, sizeof(si));
    EXPECT_RET("waitid(P_PIDFD)", waitid(P_PIDFD, fd, &si, WEXITED), 0);
    T_EXPECT(si.si_pid == pid && si.si_code == CLD_KILLED && si.si_status == SIGTERM,
             "waitid: pid %d code %d status %d", si.si_pid, si.si_code, si.si_status);
    EXPECT_ERR("once reaped", pidfd_send_(fd, SIGTERM, NULL, 0), ESRCH);
}

static void case_pidfd_zombie(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(7);
    int fd = pidfd_open_(pid, 0);
    T_EXPECT(fd >= 0, "pidfd_open: %s", t_errname(errno));
    T_EXPECT(poll_in(fd, 10000) & POLLIN, "never readable");
    /* A zombie: still a pidfd's, and takes (ignores) a signal. */
    EXPECT_RET("pidfd_open(zombie)", close(pidfd_open_(pid, 0)), 0);
    EXPECT_RET("signal to a zombie", pidfd_send_(fd, SIGTERM, NULL, 0), 0);
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    EXPECT_RET("waitid(WNOWAIT)", waitid(P_PIDFD, fd, &si, WEXITED | WNOWAIT), 0);
    T_EXPECT(si.si_code == CLD_EXITED && si.si_status == 7, "code %d status %d", si.si_code,
             si.si_status);
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 7, "waitpid");
    EXPECT_ERR("waitid once reaped", waitid(P_PIDFD, fd, &si, WEXITED), ECHILD);
}

static void case_pidfd_waitid(void)
{
    siginfo_t si;
    pid_t pid = spawn_sleeper();
    int fd = pidfd_open_(pid, 0), nb = pidfd_open_(pid, PIDFD_NONBLOCK);
    T_EXPECT(fd >= 0 && nb >= 0, "pidfd_open");
    memset(&si, 0xff, sizeof(si));
    EXPECT_RET("WNOHANG, running", waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG), 0);
    T_EXPECT(si.si_pid == 0, "WNOHANG with nothing ready: si_pid %d", si.si_pid);
    EXPECT_ERR("non-blocking pidfd", waitid(P_PIDFD, nb, &si, WEXITED), EAGAIN);
    EXPECT_ERR("fd -1", waitid(P_PIDFD, (id_t)-1, &si, WEXITED), EINVAL);
    EXPECT_ERR("fd 999", waitid(P_PIDFD, 999, &si, WEXITED), EBADF);
    int pfd[2];
    T_EXPECT(pipe(pfd) == 0, "pipe");
    EXPECT_ERR("a pipe's fd", waitid(P_PIDFD, pfd[0], &si, WEXITED), EBADF);
    EXPECT_ERR("no options", waitid(P_PIDFD, fd, &si, 0), EINVAL);
    /* Not a child: the parent's pidfd. */
    int pp = pidfd_open_(getppid(), 0);
    T_EXPECT(pp >= 0, "pidfd_open(parent): %s", t_errname(errno));
    EXPECT_ERR("the parent", waitid(P_PIDFD, pp, &si, WEXITED | WNOHANG), ECHILD);
    /* A stop, reported through the pidfd. */
    kill(pid, SIGSTOP);
    memset(&si, 0, sizeof(si));
    EXPECT_RET("WSTOPPED", waitid(P_PIDFD, fd, &si, WSTOPPED), 0);
    T_EXPECT(si.si_code == CLD_STOPPED && si.si_status == SIGSTOP, "stop: code %d status %d",
             si.si_code, si.si_status);
    kill(pid, SIGKILL);
    memset(&si, 0, sizeof(si));
    EXPECT_RET("blocking wait", waitid(P_PIDFD, fd, &si, WEXITED), 0);
    T_EXPECT(si.si_pid == pid && si.si_status == SIGKILL, "exit: pid %d status %d", si.si_pid,
             si.si_status);
}

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x1000
#endif
#ifndef CLONE_DETACHED
#define CLONE_DETACHED 0x400000
#endif

/* struct clone_args, its first version. */
struct clone_args_v0 {
    unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* The new child's pidfd, from clone (or clone3 when use3): waitid through
 * it sees the child's exit status 5. */
static void clone_pidfd_check(int use3)
{
    int pidfd = -1;
    long pid;
    if (use3) {
        struct clone_args_v0 ca;
        memset(&ca, 0, sizeof(ca));
        ca.flags = CLONE_PIDFD;
        ca.pidfd = (unsigned long long)(uintptr_t)&pidfd;
        ca.exit_signal = SIGCHLD;
        pid = syscall(SYS_clone3, &ca, sizeof(ca));
    } else {
        pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, 0, 0);
    }
    if (pid == 0)
        _exit(5);
    T_EXPECT(pid > 0, "clone%s(CLONE_PIDFD): %s", use3 ? "3" : "", t_errname(errno));
    T_EXPECT(pidfd >= 0, "no pidfd stored");
    T_EXPECT(fcntl(pidfd, F_GETFD) == FD_CLOEXEC, "the pidfd has no close-on-exec");
    siginfo_t si;
    memset(&si, 0, sizeof(si));
    EXPECT_RET("waitid(P_PIDFD)", waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
    T_EXPECT(si.si_pid == pid && si.si_code == CLD_EXITED && si.si_status == 5,
             "waitid: pid %d (want %ld) code %d status %d", si.si_pid, pid, si.si_code,
             si.si_status);
    close(pidfd);
}

/* CLONE_PIDFD: clone and clone3 hand back a pidfd of the child. */
static void case_pidfd_clone(void)
{
    clone_pidfd_check(0);
    clone_pidfd_check(1);
    int pidfd = -1, ptid = -1;
    /* clone's pidfd goes where parent_tid points: not both. */
    EXPECT_ERR("clone(CLONE_PIDFD | CLONE_PARENT_SETTID)",
               syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, 0, 0),
               EINVAL);
    EXPECT_ERR("clone(CLONE_PIDFD | CLONE_DETACHED)",
               syscall(SYS_clone, CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, &pidfd, 0, 0), EINVAL);
    struct clone_args_v0 ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (unsigned long long)(uintptr_t)BAD_PTR;
    ca.exit_signal = SIGCHLD;
    EXPECT_ERR("clone3(bad pidfd pointer)", syscall(SYS_clone3, &ca, sizeof(ca)), EFAULT);
    /* clone3 keeps them apart: both may be asked for. */
    ca.flags = CLONE_PIDFD | CLONE_PARENT_SETTID;
    ca.pidfd = (unsigned long long)(uintptr_t)&pidfd;
    ca.parent_tid = (unsigned long long)(uintptr_t)&ptid;
    long pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0)
        _exit(0);
    T_EXPECT(pid > 0 && ptid == pid && pidfd >= 0, "clone3(PIDFD | PARENT_SETTID): %ld/%s, %d %d",
             pid, t_errname(errno), ptid, pidfd);
    T_EXPECT(waitpid((pid_t)pid, NULL, 0) == pid, "waitpid");
    close(pidfd);
}

/* close-on-exec always: the pidfd is gone in the exec'd program. */
static void case_pidfd_cloexec(void)
{
    int fd = pidfd_open_(getpid(), 0);
    T_EXPECT(fd >= 0, "pidfd_open");
    EXPECT_RET("F_SETFD 0", fcntl(fd, F_SETFD, 0), 0); /* can be cleared, as any */
    EXPECT_RET("F_GETFD", fcntl(fd, F_GETFD), 0);
    int fd2 = pidfd_open_(getpid(), 0);
    pid_t pid = fork();
    if (pid == 0) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", fd);
        snprintf(b, sizeof(b), "%d", fd2);
        execl("/proc/self/exe", "proccalls", "--fds-open", a, b, (char *)NULL);
        _exit(2);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 1,
             "after exec: %s (want 1: the first open, the second closed)", p_status_str(st));
}

static const struct t_case cases[] = {
    {"getcpu", case_getcpu},
    {"getcpu_efault", case_getcpu_efault},
    {"prio_get_set", case_prio_get_set},
    {"prio_errors", case_prio_errors},
    {"prio_perm", case_prio_perm},
    {"prio_thread", case_prio_thread},
    {"prio_group_user", case_prio_group_user},
    {"prio_inherit", case_prio_inherit},
    {"prio_renice", case_prio_renice},
    {"nice_honoured", case_nice_honoured},
    {"pidfd_basic", case_pidfd_basic},
    {"pidfd_open_errors", case_pidfd_open_errors},
    {"pidfd_send_signal", case_pidfd_send_signal},
    {"pidfd_zombie", case_pidfd_zombie},
    {"pidfd_waitid", case_pidfd_waitid},
    {"pidfd_cloexec", case_pidfd_cloexec},
    {"pidfd_clone", case_pidfd_clone},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--exit-nice"))
        return 20 + (int)(20 - getprio_raw(PRIO_PROCESS, 0));
    if (argc == 4 && !strcmp(argv[1], "--fds-open"))
        return (fcntl(atoi(argv[2]), F_GETFD) >= 0) + 2 * (fcntl(atoi(argv[3]), F_GETFD) >= 0);
    if (getuid() != 0) {
        printf("proccalls: must run as root\n");
        return 1;
    }
    return t_run_cases("proccalls", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
