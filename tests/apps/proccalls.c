/* proccalls: getcpu, getpriority/setpriority (nice values, honoured by
 * the scheduler), process file descriptors (pidfd_open,
 * pidfd_send_signal, pidfd_getfd, waitid's P_PIDFD), kcmp,
 * process_vm_readv/writev, unshare and ioprio_get/set, with their error
 * cases. Run as
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
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <sys/uio.h>
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

/* --- shared helpers for kcmp, pidfd_getfd, process_vm_*, unshare, ioprio ---------- */

#ifndef SYS_kcmp
#define SYS_kcmp 312
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
enum { K_FILE, K_VM, K_FILES, K_FS, K_SIGHAND, K_IO, K_SYSVSEM, K_EPOLL_TFD, K_TYPES };

struct k_epoll_slot {
    uint32_t efd, tfd, toff;
};

static long kcmp_(pid_t a, pid_t b, int type, unsigned long i1, unsigned long i2)
{
    return syscall(SYS_kcmp, a, b, type, i1, i2);
}

static int getfd_(int pidfd, int fd, unsigned flags)
{
    return (int)syscall(SYS_pidfd_getfd, pidfd, fd, flags);
}

static long pvm_(int write, pid_t pid, const struct iovec *l, unsigned long ln,
                 const struct iovec *r, unsigned long rn, unsigned long flags)
{
    return syscall(write ? SYS_process_vm_writev : SYS_process_vm_readv, pid, l, ln, r, rn, flags);
}

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP    2
#define IOPRIO_WHO_USER    3
#define IOPRIO(c, d)       (((c) << 13) | (d))
#define IO_NONE            0
#define IO_RT              1
#define IO_BE              2
#define IO_IDLE            3

static long ioget_(int which, int who)
{
    return syscall(SYS_ioprio_get, which, who);
}

static long ioset_(int which, int who, int prio)
{
    return syscall(SYS_ioprio_set, which, who, prio);
}

/* A child that waits to be killed, told to do nothing else: its pid. It
 * leaves the case's group with the case (T_CASE_GROUP). */
static pid_t reaped_pid(void)
{
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    T_EXPECT(gone > 0 && waitpid(gone, NULL, 0) == gone, "fork/wait");
    return gone;
}

static void kill_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Become an unprivileged user (every id uid), still dumpable (Linux
 * clears that at a uid change; the kernel here keeps it). */
static void drop_to(uid_t uid)
{
    T_EXPECT(setresgid(uid, uid, uid) == 0 && setresuid(uid, uid, uid) == 0, "setresuid: %s",
             t_errname(errno));
    T_EXPECT(prctl(PR_SET_DUMPABLE, 1) == 0, "PR_SET_DUMPABLE");
}

/* Run fn in a child and wait for it: fn's failures end the child with
 * t_die, which reports through the case's pipe; any other status fails. */
static void in_child(void (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork: %s", t_errname(errno));
    if (pid == 0) {
        fn(arg);
        _exit(0);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s", p_status_str(st));
}

/* --- kcmp ------------------------------------------------------------------------- */

/* a and b differ: 1 or 2 one way, the other the other way. */
static void kcmp_differ(const char *what, pid_t a, pid_t b, int type, long i1, long i2)
{
    long ab = kcmp_(a, b, type, (unsigned long)i1, (unsigned long)i2);
    long ba = kcmp_(b, a, type, (unsigned long)i2, (unsigned long)i1);
    T_EXPECT((ab == 1 && ba == 2) || (ab == 2 && ba == 1), "%s: %ld and %ld/%s, not 1 and 2", what,
             ab, ba, t_errname(errno));
}

static void case_kcmp_objects(void)
{
    pid_t me = getpid();
    int p[2], q[2];
    T_EXPECT(pipe(p) == 0 && pipe(q) == 0, "pipe");
    int d = dup(p[0]);
    pid_t kid = spawn_sleeper();
    for (int t = K_VM; t <= K_SIGHAND; t++) {
        EXPECT_RET("kcmp(self, self)", kcmp_(me, me, t, 0, 0), 0);
        kcmp_differ("kcmp(self, forked child)", me, kid, t, 0, 0);
    }
    EXPECT_RET("KCMP_FILE: a dup", kcmp_(me, me, K_FILE, (unsigned long)p[0], (unsigned long)d), 0);
    kcmp_differ("KCMP_FILE: two pipes", me, me, K_FILE, p[0], q[0]);
    kcmp_differ("KCMP_FILE: a pipe's ends", me, me, K_FILE, p[0], p[1]);
    EXPECT_RET("KCMP_FILE: inherited by fork",
               kcmp_(me, kid, K_FILE, (unsigned long)q[1], (unsigned long)q[1]), 0);
    /* Ordering is a total order: a < b < c is kept whichever way. */
    long ab = kcmp_(me, me, K_FILE, (unsigned long)p[0], (unsigned long)p[1]);
    long bc = kcmp_(me, me, K_FILE, (unsigned long)p[1], (unsigned long)q[0]);
    long ac = kcmp_(me, me, K_FILE, (unsigned long)p[0], (unsigned long)q[0]);
    T_EXPECT(ab != bc || ac == ab, "not transitive: %ld %ld %ld", ab, bc, ac);
    kill_reap(kid);
}

/* A thread shares its process's table, context, actions and address
 * space; its I/O context is its own once it has one (ioprio_set). */
static void case_kcmp_thread(void)
{
    volatile pid_t tid = 0;
    pthread_t th;
    pid_t me = getpid();
    T_EXPECT(pthread_create(&th, NULL, idle_thread, (void *)&tid) == 0, "pthread_create");
    while (!tid)
        sched_yield();
    for (int t = K_VM; t <= K_SIGHAND; t++)
        EXPECT_RET("kcmp(self, own thread)", kcmp_(me, tid, t, 0, 0), 0);
    EXPECT_RET("KCMP_FILE through the thread", kcmp_(me, tid, K_FILE, 1, 1), 0);
    /* Neither has an I/O context yet (Linux makes one at ioprio_set; a
     * host process may have inherited one). */
    T_EXPECT(!t_uniplex() || kcmp_(me, tid, K_IO, 0, 0) == 0, "KCMP_IO: both absent, not equal");
    EXPECT_RET("ioprio_set(thread)", ioset_(IOPRIO_WHO_PROCESS, tid, IOPRIO(IO_BE, 3)), 0);
    EXPECT_RET("ioprio_set(self)", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 3)), 0);
    EXPECT_RET("KCMP_IO(self, self)", kcmp_(me, me, K_IO, 0, 0), 0);
    kcmp_differ("KCMP_IO(self, thread)", me, tid, K_IO, 0, 0);
}

/* KCMP_SYSVSEM: a list appears at the first SEM_UNDO operation, and
 * unshare(CLONE_SYSVSEM) applies and drops it. */
static void case_kcmp_sysvsem(void)
{
    pid_t me = getpid(), kid = spawn_sleeper();
    int id = semget(IPC_PRIVATE, 1, 0600);
    T_EXPECT(id >= 0, "semget: %s", t_errname(errno));
    EXPECT_RET("KCMP_SYSVSEM: neither has a list", kcmp_(me, kid, K_SYSVSEM, 0, 0), 0);
    struct sembuf up = {0, 2, SEM_UNDO};
    EXPECT_RET("semop(+2, SEM_UNDO)", semop(id, &up, 1), 0);
    EXPECT_RET("value", semctl(id, 0, GETVAL), 2);
    kcmp_differ("KCMP_SYSVSEM: one list", me, kid, K_SYSVSEM, 0, 0);
    EXPECT_RET("unshare(CLONE_SYSVSEM)", unshare(CLONE_SYSVSEM), 0);
    EXPECT_RET("value after unshare: undone", semctl(id, 0, GETVAL), 0);
    EXPECT_RET("KCMP_SYSVSEM: the list is gone", kcmp_(me, kid, K_SYSVSEM, 0, 0), 0);
    semctl(id, 0, IPC_RMID);
    kill_reap(kid);
}

static void case_kcmp_epoll(void)
{
    pid_t me = getpid();
    int p[2], ep = epoll_create1(0);
    T_EXPECT(ep >= 0 && pipe(p) == 0, "epoll_create1/pipe");
    struct epoll_event ev = {EPOLLIN, {0}};
    EXPECT_RET("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    struct k_epoll_slot s = {(uint32_t)ep, (uint32_t)p[0], 0};
    EXPECT_RET("the watched file",
               kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s), 0);
    long r = kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[1], (unsigned long)&s);
    T_EXPECT(r == 1 || r == 2, "another file: %ld/%s", r, t_errname(errno));
    pid_t kid = spawn_sleeper(); /* the instance, through another process */
    EXPECT_RET("the child's instance",
               kcmp_(me, kid, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s), 0);
    s.toff = 1;
    EXPECT_ERR("toff past the items",
               kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s), ENOENT);
    s.toff = 0;
    s.tfd = (uint32_t)p[1];
    EXPECT_ERR("tfd not watched",
               kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s), ENOENT);
    s.efd = (uint32_t)p[0];
    EXPECT_ERR("efd not an epoll instance",
               kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s), EINVAL);
    s.efd = 999;
    EXPECT_ERR("efd closed", kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)&s),
               EBADF);
    EXPECT_ERR("bad slot pointer",
               kcmp_(me, me, K_EPOLL_TFD, (unsigned long)p[0], (unsigned long)BAD_PTR), EFAULT);
    EXPECT_ERR("idx1 closed", kcmp_(me, me, K_EPOLL_TFD, 999, (unsigned long)&s), EBADF);
    kill_reap(kid);
}

static void kcmp_unprivileged(void *arg)
{
    pid_t root = *(pid_t *)arg, me = getpid();
    drop_to(4324);
    EXPECT_ERR("kcmp(root's, root's)", kcmp_(root, root, K_VM, 0, 0), EPERM);
    EXPECT_ERR("kcmp(self, root's)", kcmp_(me, root, K_VM, 0, 0), EPERM);
    EXPECT_ERR("kcmp(root's, self)", kcmp_(root, me, K_FILES, 0, 0), EPERM);
    /* The same user's process is fine while it is dumpable. */
    pid_t kid = spawn_sleeper();
    kcmp_differ("kcmp(self, own child)", me, kid, K_VM, 0, 0);
    kill_reap(kid);
    kid = fork();
    if (kid == 0) {
        prctl(PR_SET_DUMPABLE, 0);
        for (;;)
            pause();
    }
    for (int i = 0; i < 200 && kcmp_(me, kid, K_VM, 0, 0) != -1; i++)
        usleep(5000);
    EXPECT_ERR("kcmp(self, a non-dumpable child)", kcmp_(me, kid, K_VM, 0, 0), EPERM);
    kill_reap(kid);
}

static void case_kcmp_errors(void)
{
    pid_t me = getpid(), gone = reaped_pid();
    EXPECT_ERR("pid1 reaped", kcmp_(gone, me, K_VM, 0, 0), ESRCH);
    EXPECT_ERR("pid2 reaped", kcmp_(me, gone, K_VM, 0, 0), ESRCH);
    EXPECT_ERR("pid -1", kcmp_(-1, me, K_VM, 0, 0), ESRCH);
    EXPECT_ERR("type 8", kcmp_(me, me, K_TYPES, 0, 0), EINVAL);
    EXPECT_ERR("type -1", kcmp_(me, me, -1, 0, 0), EINVAL);
    EXPECT_ERR("KCMP_FILE idx1 closed", kcmp_(me, me, K_FILE, 999, 0), EBADF);
    EXPECT_ERR("KCMP_FILE idx2 closed", kcmp_(me, me, K_FILE, 0, 999), EBADF);
    EXPECT_ERR("KCMP_FILE idx -1", kcmp_(me, me, K_FILE, (unsigned long)-1, 0), EBADF);
    in_child(kcmp_unprivileged, &me);
}

/* --- pidfd_getfd ------------------------------------------------------------------ */

#define GETFD_AT 40 /* where the child puts its file */

/* A child with a file at GETFD_AT (a pipe's write end, 5 bytes of a file
 * written through another), then asleep: its pid; *rd the pipe's read end. */
static pid_t getfd_child(int *rd)
{
    int p[2], ready[2];
    T_EXPECT(pipe(p) == 0 && pipe(ready) == 0, "pipe");
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        dup2(p[1], GETFD_AT);
        close(p[1]);
        close(p[0]);
        char c = 'r';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        for (;;)
            pause();
    }
    close(p[1]);
    close(ready[1]);
    char c;
    T_EXPECT(read(ready[0], &c, 1) == 1, "the child never got ready");
    close(ready[0]);
    *rd = p[0];
    return pid;
}

static void case_getfd_basic(void)
{
    int rd;
    pid_t kid = getfd_child(&rd);
    int pfd = pidfd_open_(kid, 0);
    T_EXPECT(pfd >= 0, "pidfd_open: %s", t_errname(errno));
    int fd = getfd_(pfd, GETFD_AT, 0);
    T_EXPECT(fd >= 0, "pidfd_getfd: %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "no close-on-exec");
    T_EXPECT((fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY, "not the pipe's write end");
    EXPECT_RET("write through it", write(fd, "hello", 5), 5);
    char buf[8] = "";
    EXPECT_RET("read at the other end", read(rd, buf, sizeof(buf)), 5);
    T_EXPECT(!memcmp(buf, "hello", 5), "read '%s'", buf);
    /* The same open file: its status flags are shared with the child's. */
    EXPECT_RET("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    EXPECT_RET("kcmp: the child's file", kcmp_(getpid(), kid, K_FILE, (unsigned long)fd, GETFD_AT),
               0);
    int fd2 = getfd_(pfd, 0, 0);
    T_EXPECT(fd2 >= 0 && fd2 != fd, "a second getfd: %d/%s", fd2, t_errname(errno));
    /* Once the child is gone the pipe has one writer left: ours. */
    kill_reap(kid);
    close(fd);
    EXPECT_RET("EOF once every writer is closed", read(rd, buf, sizeof(buf)), 0);
    EXPECT_ERR("reaped", getfd_(pfd, 0, 0), ESRCH);
}

static void getfd_unprivileged(void *arg)
{
    int pfd = *(int *)arg;
    drop_to(4325);
    EXPECT_ERR("getfd from root's process", getfd_(pfd, 0, 0), EPERM);
    int self = pidfd_open_(getpid(), 0);
    T_EXPECT(self >= 0, "pidfd_open(self)");
    int fd = getfd_(self, self, 0); /* one's own: allowed */
    T_EXPECT(fd >= 0, "getfd from oneself: %s", t_errname(errno));
}

static void case_getfd_errors(void)
{
    int rd;
    pid_t kid = getfd_child(&rd);
    int pfd = pidfd_open_(kid, 0), p[2];
    T_EXPECT(pfd >= 0 && pipe(p) == 0, "pidfd_open/pipe");
    EXPECT_ERR("flags 1", getfd_(pfd, GETFD_AT, 1), EINVAL);
    EXPECT_ERR("flags O_CLOEXEC", getfd_(pfd, GETFD_AT, O_CLOEXEC), EINVAL);
    EXPECT_ERR("pidfd -1", getfd_(-1, GETFD_AT, 0), EBADF);
    EXPECT_ERR("pidfd 999", getfd_(999, GETFD_AT, 0), EBADF);
    EXPECT_ERR("a pipe as pidfd", getfd_(p[0], GETFD_AT, 0), EBADF);
    EXPECT_ERR("targetfd closed", getfd_(pfd, 999, 0), EBADF);
    EXPECT_ERR("targetfd -1", getfd_(pfd, -1, 0), EBADF);
    /* Exited, not yet reaped: no descriptors left. */
    kill(kid, SIGKILL);
    T_EXPECT(poll_in(pfd, 10000) & POLLIN, "never exited");
    EXPECT_ERR("a zombie", getfd_(pfd, GETFD_AT, 0), ESRCH);
    waitpid(kid, NULL, 0);
    int parent = pidfd_open_(getpid(), 0);
    T_EXPECT(parent >= 0, "pidfd_open(self)");
    in_child(getfd_unprivileged, &parent);
    /* EMFILE: no descriptor left for the copy. */
    int self = pidfd_open_(getpid(), 0);
    struct rlimit rl = {(rlim_t)self + 1, (rlim_t)self + 1};
    T_EXPECT(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit");
    for (int f = 0; f <= self; f++)
        if (fcntl(f, F_GETFD) < 0)
            dup2(self, f);
    EXPECT_ERR("no descriptor free", getfd_(self, self, 0), EMFILE);
}

/* --- process_vm_readv / process_vm_writev ---------------------------------------- */

static char pvm_buf[3 * 4096];

/* A forked child that changed its copy of pvm_buf to 'c' and of
 * *region's pages to 'd' (when region) and waits on pipe go: its pid. */
static pid_t pvm_child(char *region, int go[2])
{
    int ready[2];
    T_EXPECT(pipe(go) == 0 && pipe(ready) == 0, "pipe");
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        close(go[1]);
        memset(pvm_buf, 'c', sizeof(pvm_buf));
        if (region)
            memset(region, 'd', 4096);
        char c = 'r';
        if (write(ready[1], &c, 1) != 1)
            _exit(1);
        if (read(go[0], &c, 1) != 1) /* the parent's verdict, once it has written */
            _exit(3);
        _exit(memcmp(pvm_buf, "written!", 8) == 0 ? 0 : 4);
    }
    close(go[0]);
    close(ready[1]);
    char c;
    T_EXPECT(read(ready[0], &c, 1) == 1, "the child never got ready");
    close(ready[0]);
    return pid;
}

static int pvm_child_end(pid_t pid, int go)
{
    char c = 'g';
    T_EXPECT(write(go, &c, 1) == 1, "write go");
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void case_pvm_read_write(void)
{
    int go[2];
    memset(pvm_buf, 'p', sizeof(pvm_buf));
    char *fresh = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(fresh != MAP_FAILED, "mmap");
    pid_t kid = pvm_child(NULL, go);
    /* The child's copy, not ours: 'c' written after fork. */
    char got[3 * 4096];
    struct iovec l = {got, sizeof(got)}, r = {pvm_buf, sizeof(pvm_buf)};
    EXPECT_RET("readv the child's buffer", pvm_(0, kid, &l, 1, &r, 1, 0), (long)sizeof(got));
    T_EXPECT(got[0] == 'c' && got[sizeof(got) - 1] == 'c', "read %c..%c, not the child's", got[0],
             got[sizeof(got) - 1]);
    T_EXPECT(pvm_buf[0] == 'p', "our own copy changed");
    /* Scatter and gather: 3 local pieces from 2 remote ones, in order. */
    char a[5], b[7], c[4];
    struct iovec lv[3] = {{a, 5}, {b, 7}, {c, 4}}, rv[2] = {{pvm_buf + 4090, 10}, {fresh, 6}};
    EXPECT_RET("readv 3 from 2", pvm_(0, kid, lv, 3, rv, 2, 0), 16);
    T_EXPECT(!memcmp(a, "ccccc", 5) && !memcmp(b, "ccccc\0\0", 7) && !memcmp(c, "\0\0\0\0", 4),
             "scattered wrong");
    /* Writes land in the child, faulting in its untouched pages. */
    struct iovec w = {"written!", 8}, wr[2] = {{pvm_buf, 8}, {fresh + 3 * 4096, 8}};
    EXPECT_RET("writev", pvm_(1, kid, &w, 1, wr, 1, 0), 8);
    EXPECT_RET("writev to a page it never touched", pvm_(1, kid, &w, 1, wr + 1, 1, 0), 8);
    char back[8];
    struct iovec bl = {back, 8};
    EXPECT_RET("read it back", pvm_(0, kid, &bl, 1, wr + 1, 1, 0), 8);
    T_EXPECT(!memcmp(back, "written!", 8), "read back wrong");
    T_EXPECT(fresh[3 * 4096] == 0, "our own untouched page changed");
    EXPECT_RET("the child saw it", pvm_child_end(kid, go[1]), 0);
    /* Oneself too. */
    char mine[4];
    struct iovec ml = {mine, 4}, mr = {pvm_buf, 4};
    EXPECT_RET("readv of oneself", pvm_(0, getpid(), &ml, 1, &mr, 1, 0), 4);
    T_EXPECT(!memcmp(mine, "pppp", 4), "own read wrong");
}

/* Protections and holes in the target: -EFAULT when nothing moved, the
 * count of bytes moved when something did. */
static void case_pvm_faults(void)
{
    int go[2];
    char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap");
    memset(m, 'm', 3 * 4096);
    T_EXPECT(mprotect(m + 4096, 4096, PROT_READ) == 0, "mprotect");
    T_EXPECT(munmap(m + 2 * 4096, 4096) == 0, "munmap");
    char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(none != MAP_FAILED, "mmap PROT_NONE");
    pid_t kid = pvm_child(NULL, go);
    char buf[3 * 4096];
    struct iovec l = {buf, sizeof(buf)};
    struct iovec ro = {m + 4096, 16}, hole = {m + 2 * 4096, 16}, span = {m + 4096 - 100, 200};
    struct iovec rw_ro = {m + 4096 - 100, 200}, pn = {none, 16};
    EXPECT_ERR("writev into a read-only mapping", pvm_(1, kid, &l, 1, &ro, 1, 0), EFAULT);
    EXPECT_ERR("readv of an unmapped page", pvm_(0, kid, &l, 1, &hole, 1, 0), EFAULT);
    EXPECT_ERR("readv of a PROT_NONE page", pvm_(0, kid, &l, 1, &pn, 1, 0), EFAULT);
    EXPECT_ERR("writev into a PROT_NONE page", pvm_(1, kid, &l, 1, &pn, 1, 0), EFAULT);
    EXPECT_RET("readv of a read-only page", pvm_(0, kid, &l, 1, &ro, 1, 0), 16);
    memset(buf, 'x', sizeof(buf));
    EXPECT_RET("writev across into read-only: the writable part", pvm_(1, kid, &l, 1, &rw_ro, 1, 0),
               100);
    span.iov_base = m + 2 * 4096 - 50;
    span.iov_len = 100;
    EXPECT_RET("readv across into a hole: the mapped part", pvm_(0, kid, &l, 1, &span, 1, 0), 50);
    struct iovec two[2] = {{m, 8}, {m + 2 * 4096, 8}};
    EXPECT_RET("a second remote piece in a hole", pvm_(0, kid, &l, 1, two, 2, 0), 8);
    struct iovec kern = {(void *)0xffff800000000000ul, 8};
    EXPECT_ERR("readv of a kernel address", pvm_(0, kid, &l, 1, &kern, 1, 0), EFAULT);
    /* Local side: a bad buffer, and a bad vector. */
    struct iovec badl = {BAD_PTR, 8}, ok = {m, 8};
    EXPECT_ERR("a bad local buffer", pvm_(0, kid, &badl, 1, &ok, 1, 0), EFAULT);
    EXPECT_ERR("a bad local vector", pvm_(0, kid, BAD_PTR, 1, &ok, 1, 0), EFAULT);
    EXPECT_ERR("a bad remote vector", pvm_(0, kid, &l, 1, BAD_PTR, 1, 0), EFAULT);
    struct iovec badl2[2] = {{buf, 8}, {BAD_PTR, 8}}, r16 = {m, 16};
    EXPECT_RET("a bad second local buffer", pvm_(0, kid, badl2, 2, &r16, 1, 0), 8);
    kill_reap(kid);
}

/* File pages and large transfers: the target's untouched file mapping
 * read (its page cache page faulted in there), a write into its private
 * file mapping copied there alone, and 8 MiB each way in one call. */
static void case_pvm_files_large(void)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    T_EXPECT(fd >= 0, "open /proc/self/exe: %s", t_errname(errno));
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    char *cow = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    size_t big = 8u << 20;
    unsigned char *b = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *mine =
        mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(ro != MAP_FAILED && cow != MAP_FAILED && b != MAP_FAILED && mine != MAP_FAILED,
             "mmap");
    pid_t kid = fork();
    if (kid == 0) {
        for (size_t i = 0; i < big; i += 4096)
            b[i] = (unsigned char)(i >> 12);
        for (;;)
            pause();
    }
    char magic[4];
    struct iovec l = {magic, 4}, r = {ro, 4};
    EXPECT_RET("readv of an untouched file mapping", pvm_(0, kid, &l, 1, &r, 1, 0), 4);
    T_EXPECT(!memcmp(magic, "\177ELF", 4), "not the ELF header");
    struct iovec w = {"XXXX", 4}, wr = {cow, 4};
    EXPECT_RET("writev into a private file mapping", pvm_(1, kid, &w, 1, &wr, 1, 0), 4);
    EXPECT_RET("read it back", pvm_(0, kid, &l, 1, &wr, 1, 0), 4);
    T_EXPECT(!memcmp(magic, "XXXX", 4), "the write is not there");
    char file[4];
    EXPECT_RET("pread", pread(fd, file, 4, 0), 4);
    T_EXPECT(!memcmp(file, "\177ELF", 4) && !memcmp(cow, "\177ELF", 4),
             "the file or our mapping changed");
    /* Wait until the child has filled its pages, then 8 MiB at once. */
    struct iovec ml = {mine, big}, mr = {b, big}, last = {mine, 1}, lr = {b + big - 4096, 1};
    for (int i = 0; i < 5000; i++) {
        mine[0] = 0;
        if (pvm_(0, kid, &last, 1, &lr, 1, 0) == 1 && mine[0] == (unsigned char)(big / 4096 - 1))
            break;
        usleep(1000);
    }
    EXPECT_RET("readv of 8 MiB", pvm_(0, kid, &ml, 1, &mr, 1, 0), (long)big);
    for (size_t i = 0; i < big; i += 4096)
        T_EXPECT(mine[i] == (unsigned char)(i >> 12), "page %zu: %u", i / 4096, mine[i]);
    memset(mine, 0x5a, big);
    EXPECT_RET("writev of 8 MiB", pvm_(1, kid, &ml, 1, &mr, 1, 0), (long)big);
    memset(mine, 0, big);
    EXPECT_RET("and back", pvm_(0, kid, &ml, 1, &mr, 1, 0), (long)big);
    for (size_t i = 0; i < big; i += 4096 - 1)
        T_EXPECT(mine[i] == 0x5a, "byte %zu: %#x", i, mine[i]);
    kill_reap(kid);
}

static void pvm_unprivileged(void *arg)
{
    pid_t root = *(pid_t *)arg;
    drop_to(4326);
    char b[8];
    struct iovec l = {b, 8}, r = {pvm_buf, 8};
    EXPECT_ERR("readv of root's process", pvm_(0, root, &l, 1, &r, 1, 0), EPERM);
    EXPECT_ERR("writev of root's process", pvm_(1, root, &l, 1, &r, 1, 0), EPERM);
    int go[2];
    pid_t kid = pvm_child(NULL, go); /* the same user's: allowed */
    EXPECT_RET("readv of one's own child", pvm_(0, kid, &l, 1, &r, 1, 0), 8);
    kill_reap(kid);
}

static void case_pvm_errors(void)
{
    pid_t me = getpid(), gone = reaped_pid();
    char b[8];
    struct iovec l = {b, 8}, r = {pvm_buf, 8}, z = {b, 0};
    EXPECT_ERR("flags 1", pvm_(0, me, &l, 1, &r, 1, 1), EINVAL);
    EXPECT_ERR("writev flags 1", pvm_(1, me, &l, 1, &r, 1, 1), EINVAL);
    EXPECT_ERR("local count 1025", pvm_(0, me, &l, 1025, &r, 1, 0), EINVAL);
    EXPECT_ERR("remote count 1025", pvm_(0, me, &l, 1, &r, 1025, 0), EINVAL);
    EXPECT_ERR("reaped pid", pvm_(0, gone, &l, 1, &r, 1, 0), ESRCH);
    EXPECT_ERR("writev to a reaped pid", pvm_(1, gone, &l, 1, &r, 1, 0), ESRCH);
    EXPECT_ERR("pid -1", pvm_(0, -1, &l, 1, &r, 1, 0), ESRCH);
    /* Nothing to move: 0 before the pid is looked at, as Linux. */
    EXPECT_RET("no local bytes", pvm_(0, gone, &z, 1, &r, 1, 0), 0);
    EXPECT_RET("no local segments", pvm_(0, gone, NULL, 0, &r, 1, 0), 0);
    EXPECT_RET("no remote bytes", pvm_(0, gone, &l, 1, &z, 1, 0), 0);
    pid_t zombie = fork();
    if (zombie == 0)
        _exit(0);
    int pfd = pidfd_open_(zombie, 0);
    T_EXPECT(pfd >= 0 && (poll_in(pfd, 10000) & POLLIN), "the child never exited");
    EXPECT_ERR("a zombie", pvm_(0, zombie, &l, 1, &r, 1, 0), ESRCH);
    waitpid(zombie, NULL, 0);
    in_child(pvm_unprivileged, &me);
}

/* --- unshare ---------------------------------------------------------------------- */

static void *unshare_thread(void *arg)
{
    int *r = arg;
    r[0] = unshare(CLONE_FILES) == 0 ? 0 : errno;
    r[1] = 1;
    return NULL;
}

static void case_unshare_basic(void)
{
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    EXPECT_RET("unshare(0)", unshare(0), 0);
    /* Single-threaded: nothing is shared, so nothing changes. */
    EXPECT_RET("unshare(CLONE_FILES)", unshare(CLONE_FILES), 0);
    EXPECT_RET("the descriptors stay", write(p[1], "x", 1), 1);
    EXPECT_RET("unshare(CLONE_FS)", unshare(CLONE_FS), 0);
    EXPECT_RET("unshare(CLONE_SIGHAND)", unshare(CLONE_SIGHAND), 0);
    EXPECT_RET("unshare(CLONE_VM)", unshare(CLONE_VM), 0);
    EXPECT_RET("unshare(CLONE_THREAD)", unshare(CLONE_THREAD), 0);
    EXPECT_RET("unshare(CLONE_SYSVSEM)", unshare(CLONE_SYSVSEM), 0);
    EXPECT_RET(
        "all of them",
        unshare(CLONE_FILES | CLONE_FS | CLONE_SIGHAND | CLONE_VM | CLONE_THREAD | CLONE_SYSVSEM),
        0);
    EXPECT_RET("the cwd is the same", chdir("/"), 0);
    /* Unknown bits. */
    EXPECT_ERR("unshare(1)", unshare(1), EINVAL);
    EXPECT_ERR("unshare(CLONE_PIDFD)", unshare(CLONE_PIDFD), EINVAL);
    EXPECT_ERR("unshare(CLONE_VFORK)", unshare(CLONE_VFORK), EINVAL);
    EXPECT_ERR("unshare(CLONE_IO)", unshare((int)0x80000000u), EINVAL);
    /* Namespaces: refused here, never accepted and ignored (Linux root
     * gets them). */
    static const int ns[] = {CLONE_NEWNS,  CLONE_NEWUTS,    CLONE_NEWIPC, CLONE_NEWNET,
                             CLONE_NEWPID, CLONE_NEWCGROUP, 0x80 /* CLONE_NEWTIME */};
    for (unsigned i = 0; t_uniplex() && i < sizeof(ns) / sizeof(ns[0]); i++)
        EXPECT_ERR("a namespace", unshare(ns[i]), EINVAL);
    if (t_uniplex())
        EXPECT_ERR("CLONE_NEWUSER", unshare(CLONE_NEWUSER), EINVAL);
}

static void case_unshare_threads(void)
{
    volatile pid_t tid = 0;
    pthread_t th;
    T_EXPECT(pthread_create(&th, NULL, idle_thread, (void *)&tid) == 0, "pthread_create");
    while (!tid)
        sched_yield();
    EXPECT_ERR("CLONE_VM with a thread", unshare(CLONE_VM), EINVAL);
    EXPECT_ERR("CLONE_SIGHAND with a thread", unshare(CLONE_SIGHAND), EINVAL);
    EXPECT_ERR("CLONE_THREAD with a thread", unshare(CLONE_THREAD), EINVAL);
    /* A thread's own descriptor table: Linux makes one; here an LWP
     * cannot have one, and the call says so rather than pretend. */
    int r[2] = {-1, 0};
    pthread_t t2;
    T_EXPECT(pthread_create(&t2, NULL, unshare_thread, r) == 0, "pthread_create");
    pthread_join(t2, NULL);
    T_EXPECT(r[1] && r[0] == (t_uniplex() ? EINVAL : 0), "unshare(CLONE_FILES) in a thread: %s",
             t_errname(r[0]));
    /* A vfork child shares the address space with its parent. */
    static volatile int verr;
    verr = -1;
    pid_t pid = vfork();
    if (pid == 0) {
        verr = syscall(SYS_unshare, CLONE_VM) == 0 ? 0 : errno;
        _exit(0);
    }
    T_EXPECT(pid > 0 && waitpid(pid, NULL, 0) == pid, "vfork/wait");
    T_EXPECT(verr == EINVAL, "unshare(CLONE_VM) in a vfork child: %s", t_errname(verr));
}

/* A process sharing the caller's descriptor table (clone(CLONE_FILES)):
 * its pid (0 in the child). */
static pid_t clone_files(void)
{
    long pid = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, NULL, NULL, 0);
    T_EXPECT(pid >= 0, "clone(CLONE_FILES): %s", t_errname(errno));
    return (pid_t)pid;
}

static int fd_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/* In a child: one int over the pipe, and one back. */
static void say_int(int fd, int v)
{
    if (write(fd, &v, sizeof(v)) != sizeof(v))
        _exit(90);
}

static int hear_int(int fd)
{
    int v = -1;
    if (p_read_full(fd, &v, sizeof(v)) != sizeof(v))
        _exit(91);
    return v;
}

static int wait_code(pid_t pid)
{
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid: %s", t_errname(errno));
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* The child's side of unshare_files: an open the parent sees, then the
 * parent's close seen here; after unshare(CLONE_FILES) neither sees the
 * other's opens or closes. Exit codes say which step failed. */
static void unshare_files_child(int up, int down, int keep)
{
    say_int(up, open("/dev/null", O_RDONLY));
    int x = hear_int(down); /* the parent closed x */
    if (fd_open(x))
        _exit(10);
    if (unshare(CLONE_FILES) != 0)
        _exit(11);
    say_int(up, open("/dev/null", O_RDONLY));
    hear_int(down); /* the parent closed keep in its table */
    _exit(fd_open(keep) ? 0 : 12);
}

static void case_unshare_files(void)
{
    int up[2], down[2], keep[2];
    T_EXPECT(pipe(up) == 0 && pipe(down) == 0 && pipe(keep) == 0, "pipe");
    pid_t me = getpid(), kid = clone_files();
    if (kid == 0)
        unshare_files_child(up[1], down[0], keep[1]);
    int x = hear_int(up[0]);
    T_EXPECT(x >= 0 && fd_open(x), "the child's open (fd %d) not in our table", x);
    EXPECT_RET("KCMP_FILES: one table", kcmp_(me, kid, K_FILES, 0, 0), 0);
    EXPECT_RET("close the child's fd", close(x), 0);
    say_int(down[1], x);
    int y = hear_int(up[0]);
    T_EXPECT(y >= 0 && !fd_open(y), "the child's open after unshare (fd %d) is in ours", y);
    long k = kcmp_(me, kid, K_FILES, 0, 0);
    T_EXPECT(k == 1 || k == 2, "KCMP_FILES after unshare: %ld", k);
    EXPECT_RET("close keep[1] here", close(keep[1]), 0);
    say_int(down[1], 0);
    int code = wait_code(kid);
    T_EXPECT(code == 0, "the child failed at step %d", code);
    T_EXPECT(fd_open(up[0]) && fd_open(down[1]), "our descriptors went with the child");
}

/* exec in a process sharing the table gets a copy first (Linux's
 * unshare_files): its close-on-exec closes none of the parent's; and
 * close_range(CLOSE_RANGE_UNSHARE) closes in a copy. */
static void case_unshare_files_exec(void)
{
    int ce = open("/dev/null", O_RDONLY | O_CLOEXEC), plain = open("/dev/null", O_RDONLY);
    T_EXPECT(ce >= 0 && plain >= 0, "open");
    pid_t kid = clone_files();
    if (kid == 0) {
        char a[16], b[16];
        snprintf(a, sizeof(a), "%d", ce);
        snprintf(b, sizeof(b), "%d", plain);
        execl("/proc/self/exe", "proccalls", "--fds-open", a, b, (char *)NULL);
        _exit(99);
    }
    int code = wait_code(kid);
    T_EXPECT(code == 2, "after exec: %d (want 2: the close-on-exec one closed, the other open)",
             code);
    T_EXPECT(fd_open(ce) && fd_open(plain), "the exec closed our descriptors");
    kid = clone_files();
    if (kid == 0)
        _exit(syscall(SYS_close_range, 3, ~0U, 2 /* CLOSE_RANGE_UNSHARE */) == 0 && !fd_open(ce)
                  ? 0
                  : 1);
    EXPECT_RET("close_range(UNSHARE) in the child", wait_code(kid), 0);
    T_EXPECT(fd_open(ce) && fd_open(plain), "close_range(UNSHARE) closed ours");
    /* Without it, the child's close_range closes ours. */
    kid = clone_files();
    if (kid == 0)
        _exit(syscall(SYS_close_range, (unsigned)plain, (unsigned)plain, 0) == 0 ? 0 : 1);
    EXPECT_RET("close_range in the child", wait_code(kid), 0);
    T_EXPECT(!fd_open(plain), "a shared table's close did not reach us");
}

/* POSIX record locks belong to the descriptor table (Linux's
 * files_struct): a process sharing it takes the same owner's locks. */
static void case_clone_files_locks(void)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/proccalls-lock.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    unlink(path);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 10};
    EXPECT_RET("F_SETLK", fcntl(fd, F_SETLK, &fl), 0);
    pid_t kid = clone_files();
    if (kid == 0)
        _exit(fcntl(fd, F_SETLK, &fl) == 0 ? 0 : 1);
    EXPECT_RET("the same owner's lock, from the sharer", wait_code(kid), 0);
    kid = fork();
    if (kid == 0)
        _exit(fcntl(fd, F_SETLK, &fl) == -1 && (errno == EAGAIN || errno == EACCES) ? 0 : 1);
    EXPECT_RET("a forked child's conflicts", wait_code(kid), 0);
}

/* --- ioprio ------------------------------------------------------------------------ */

static void case_ioprio_get_set(void)
{
    EXPECT_RET("none set: 0", ioget_(IOPRIO_WHO_PROCESS, 0), 0);
    EXPECT_RET("set BE 5", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 5)), 0);
    EXPECT_RET("get BE 5", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_BE, 5));
    EXPECT_RET("by pid", ioget_(IOPRIO_WHO_PROCESS, getpid()), IOPRIO(IO_BE, 5));
    EXPECT_RET("set RT 0 (root)", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_RT, 0)), 0);
    EXPECT_RET("get RT 0", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_RT, 0));
    EXPECT_RET("set RT 7", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_RT, 7)), 0);
    EXPECT_RET("get RT 7", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_RT, 7));
    EXPECT_RET("set IDLE", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_IDLE, 0)), 0);
    EXPECT_RET("get IDLE", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_IDLE, 0));
    EXPECT_RET("set NONE", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_NONE, 0)), 0);
    EXPECT_RET("get NONE", ioget_(IOPRIO_WHO_PROCESS, 0), 0);
    /* fork and exec keep it. */
    EXPECT_RET("set BE 6", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 6)), 0);
    pid_t pid = fork();
    if (pid == 0) {
        if (ioget_(IOPRIO_WHO_PROCESS, 0) != IOPRIO(IO_BE, 6))
            _exit(1);
        execl("/proc/self/exe", "proccalls", "--exit-ioprio", (char *)NULL);
        _exit(2);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 16 + 6,
             "child: %s (want 22: class BE 2 * 8 + level 6)", p_status_str(st));
}

static void *ioprio_thread(void *arg)
{
    long *r = arg;
    r[0] = ioget_(IOPRIO_WHO_PROCESS, 0);
    return NULL;
}

/* Per thread: a new thread inherits its creator's; setting a tid moves
 * that thread alone. */
static void case_ioprio_thread(void)
{
    EXPECT_RET("set BE 2", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 2)), 0);
    long r[1] = {-1};
    pthread_t th;
    T_EXPECT(pthread_create(&th, NULL, ioprio_thread, r) == 0, "pthread_create");
    pthread_join(th, NULL);
    T_EXPECT(r[0] == IOPRIO(IO_BE, 2), "the new thread has %#lx", r[0]);
    volatile pid_t tid = 0;
    T_EXPECT(pthread_create(&th, NULL, idle_thread, (void *)&tid) == 0, "pthread_create");
    while (!tid)
        sched_yield();
    EXPECT_RET("set the thread's", ioset_(IOPRIO_WHO_PROCESS, tid, IOPRIO(IO_IDLE, 0)), 0);
    EXPECT_RET("the thread's", ioget_(IOPRIO_WHO_PROCESS, tid), IOPRIO(IO_IDLE, 0));
    EXPECT_RET("ours unchanged", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_BE, 2));
}

/* Groups and users: set reaches every thread named, get reports the best
 * (lowest) value, a thread with none counting as best-effort at the
 * level its nice value gives, (nice + 20) / 5. */
static void case_ioprio_group_user(void)
{
    EXPECT_RET("setpriority 0", setpriority(PRIO_PROCESS, 0, 0), 0);
    pid_t a = spawn_sleeper(), b = spawn_sleeper();
    EXPECT_RET("none set: BE at nice 0's level 4", ioget_(IOPRIO_WHO_PGRP, 0), IOPRIO(IO_BE, 4));
    EXPECT_RET("setpriority(PGRP, 10)", setpriority(PRIO_PGRP, 0, 10), 0);
    EXPECT_RET("at nice 10: level 6", ioget_(IOPRIO_WHO_PGRP, 0), IOPRIO(IO_BE, 6));
    EXPECT_RET("set b IDLE", ioset_(IOPRIO_WHO_PROCESS, b, IOPRIO(IO_IDLE, 0)), 0);
    EXPECT_RET("IDLE is worse", ioget_(IOPRIO_WHO_PGRP, getpgrp()), IOPRIO(IO_BE, 6));
    EXPECT_RET("set a BE 1", ioset_(IOPRIO_WHO_PROCESS, a, IOPRIO(IO_BE, 1)), 0);
    EXPECT_RET("the best", ioget_(IOPRIO_WHO_PGRP, 0), IOPRIO(IO_BE, 1));
    EXPECT_RET("set the group BE 3", ioset_(IOPRIO_WHO_PGRP, 0, IOPRIO(IO_BE, 3)), 0);
    EXPECT_RET("a's", ioget_(IOPRIO_WHO_PROCESS, a), IOPRIO(IO_BE, 3));
    EXPECT_RET("b's", ioget_(IOPRIO_WHO_PROCESS, b), IOPRIO(IO_BE, 3));
    EXPECT_RET("ours", ioget_(IOPRIO_WHO_PROCESS, 0), IOPRIO(IO_BE, 3));
    kill_reap(a);
    kill_reap(b);
    EXPECT_RET("ours back to none", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_NONE, 0)), 0);
    pid_t u = fork();
    if (u == 0) {
        if (setresuid(4327, 4327, 4327) != 0)
            _exit(1);
        for (;;)
            pause();
    }
    int i = 0;
    while (i++ < 2000 && ioget_(IOPRIO_WHO_USER, 4327) < 0)
        usleep(1000);
    EXPECT_RET("the user's, none set", ioget_(IOPRIO_WHO_USER, 4327), IOPRIO(IO_BE, 6));
    EXPECT_RET("set the user's", ioset_(IOPRIO_WHO_USER, 4327, IOPRIO(IO_BE, 0)), 0);
    EXPECT_RET("the child's", ioget_(IOPRIO_WHO_PROCESS, u), IOPRIO(IO_BE, 0));
    EXPECT_RET("the user's", ioget_(IOPRIO_WHO_USER, 4327), IOPRIO(IO_BE, 0));
    kill_reap(u);
}

static void ioprio_unprivileged(void *arg)
{
    pid_t root = *(pid_t *)arg;
    drop_to(4328);
    EXPECT_ERR("RT without CAP_SYS_NICE", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_RT, 4)), EPERM);
    EXPECT_ERR("root's process", ioset_(IOPRIO_WHO_PROCESS, root, IOPRIO(IO_BE, 4)), EPERM);
    EXPECT_RET("own BE 7", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 7)), 0);
    EXPECT_RET("own BE 0 (no limit)", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 0)), 0);
    long r = ioget_(IOPRIO_WHO_PROCESS, root);
    T_EXPECT(r >= 0, "get of root's: %ld/%s", r, t_errname(errno));
}

static void case_ioprio_errors(void)
{
    pid_t me = getpid(), gone = reaped_pid();
    for (int w = 0; w <= 4; w += 4) {
        EXPECT_ERR("get: bad which", ioget_(w, 0), EINVAL);
        EXPECT_ERR("set: bad which", ioset_(w, 0, IOPRIO(IO_BE, 0)), EINVAL);
    }
    for (int c = 4; c < 8; c++)
        EXPECT_ERR("class 4..7", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(c, 0)), EINVAL);
    EXPECT_ERR("NONE with a level", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_NONE, 1)), EINVAL);
    EXPECT_ERR("-1", ioset_(IOPRIO_WHO_PROCESS, 0, -1), EINVAL);
    /* Level 8 is a priority hint on Linux 6.5 on (accepted there). */
    if (t_uniplex())
        EXPECT_ERR("BE 8", ioset_(IOPRIO_WHO_PROCESS, 0, IOPRIO(IO_BE, 8)), EINVAL);
    EXPECT_ERR("get: reaped", ioget_(IOPRIO_WHO_PROCESS, gone), ESRCH);
    EXPECT_ERR("set: reaped", ioset_(IOPRIO_WHO_PROCESS, gone, IOPRIO(IO_BE, 0)), ESRCH);
    EXPECT_ERR("get: no such group", ioget_(IOPRIO_WHO_PGRP, gone), ESRCH);
    EXPECT_ERR("set: no such group", ioset_(IOPRIO_WHO_PGRP, gone, IOPRIO(IO_BE, 0)), ESRCH);
    EXPECT_ERR("get: no such user", ioget_(IOPRIO_WHO_USER, 54321), ESRCH);
    EXPECT_ERR("set: no such user", ioset_(IOPRIO_WHO_USER, 54321, IOPRIO(IO_BE, 0)), ESRCH);
    /* The value is checked before who. */
    EXPECT_ERR("bad class to nobody", ioset_(IOPRIO_WHO_PROCESS, gone, IOPRIO(5, 0)), EINVAL);
    in_child(ioprio_unprivileged, &me);
}

/* busybox ionice: set a running process's class and level. */
static void case_ioprio_ionice(void)
{
    if (access("/bin/busybox", X_OK) != 0)
        t_die("no /bin/busybox");
    pid_t s = spawn_sleeper();
    char arg[16];
    snprintf(arg, sizeof(arg), "%d", (int)s);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/busybox", "ionice", "-c", "2", "-n", "5", "-p", arg, (char *)NULL);
        _exit(127);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "ionice: %s",
             p_status_str(st));
    EXPECT_RET("the child's", ioget_(IOPRIO_WHO_PROCESS, s), IOPRIO(IO_BE, 5));
    kill_reap(s);
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
    {"kcmp_objects", case_kcmp_objects},
    {"kcmp_thread", case_kcmp_thread},
    {"kcmp_sysvsem", case_kcmp_sysvsem},
    {"kcmp_epoll", case_kcmp_epoll},
    {"kcmp_errors", case_kcmp_errors},
    {"getfd_basic", case_getfd_basic},
    {"getfd_errors", case_getfd_errors},
    {"pvm_read_write", case_pvm_read_write},
    {"pvm_faults", case_pvm_faults},
    {"pvm_files_large", case_pvm_files_large},
    {"pvm_errors", case_pvm_errors},
    {"unshare_basic", case_unshare_basic},
    {"unshare_threads", case_unshare_threads},
    {"unshare_files", case_unshare_files},
    {"unshare_files_exec", case_unshare_files_exec},
    {"clone_files_locks", case_clone_files_locks},
    {"ioprio_get_set", case_ioprio_get_set},
    {"ioprio_thread", case_ioprio_thread},
    {"ioprio_group_user", case_ioprio_group_user},
    {"ioprio_errors", case_ioprio_errors},
    {"ioprio_ionice", case_ioprio_ionice},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--exit-ioprio")) { /* class * 8 + level */
        long v = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, 0);
        return v < 0 ? 1 : (int)((v >> 13) * 8 + (v & 7));
    }
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
