/* bench: what processes, pipes, signals and threads cost, for a side-by-side
 * comparison of host Linux, Uniplex as init and a Linux guest as /init
 * (the same static binary in all three). Timings only: no checks, except
 * that a system call failing unexpectedly, or a child not exiting 0, ends
 * the program with a message and status 1.
 *
 * usage: bench [--quick|--smoke] [GROUP...]     (no GROUP: prims scale=1,16,64)
 *   --quick  iteration counts divided by 8 (emulated guests); `quick` too
 *   --smoke  counts divided by 1000 and at most 3 runs: seconds under TCG
 *   --exit   exit 0 at once (what the exec figures exec); --help: usage
 *
 * Under QEMU's -icount shift=0 the guest clock advances 1 ns per guest
 * instruction, so every time below reads as a count of instructions
 * (tools/bench.sh, BENCH_ICOUNT). Figures carry three decimals for that:
 * 0.001 us is one instruction.
 *
 * Every figure is one line, flushed at once, for a driver script to parse:
 *   bench: NAME: median X UNIT (R runs)
 * Every other line starts with "bench: " and never contains ": median ",
 * except the line "hello from bench" of the boot group.
 *
 * Groups, run in this order whatever the order of the arguments:
 * boot              boot_to_main       CLOCK_BOOTTIME on entry to main (us, 1 run)
 *                   boot_tsc           the time-stamp counter on entry to main, from
 *                                      the machine's reset (cycles, 1 run; under
 *                                      icount the instructions since reset, firmware
 *                                      included)
 *                   and the line "hello from bench"
 * prims             getppid            getppid() (ns)
 *  (only=NAME,...    the listed figures alone, e.g. only=fork_exit_wait for a
 *   implies prims)   profile of one primitive (profile=US, docs/PERFORMANCE.md)
 *  (7 runs each)    fork_exit_wait     fork + child _exit(0) + waitpid (us)
 *                   vfork_exit_wait    the same with vfork (us)
 *                   fork_exec_wait     fork + execve(this program --exit) + waitpid (us)
 *                   vfork_exec_wait    the same with vfork (us)
 *                   posix_spawn_wait   posix_spawn(this program --exit) + waitpid (us)
 *                   pipe_4k            transfer in 4 KiB writes to a reader child (MB/s)
 *                   pipe_64k           the same in 64 KiB writes (MB/s, 10^6 bytes/s)
 *                   pipe_pingpong      1-byte round trip between two processes (us)
 *                   ctx_switch         switch between two sched_yield loops on CPU 0 (us)
 *                   signal_roundtrip   kill(self, SIGUSR1) + handler + sigreturn (us)
 *                   thread_create_join pthread_create of a thread that returns at once
 *                                      + pthread_join (us)
 *                   futex_pingpong     a token handed between two threads through one
 *                                      futex word, FUTEX_WAIT/FUTEX_WAKE private (us per
 *                                      round trip)
 *                   (on a kernel that refuses threads, these two say "skipped" and why)
 *                   tcp_64k            transfer over TCP on 127.0.0.1 in 64 KiB writes to a
 *                                      reader child (MB/s; the loopback interface is
 *                                      brought up first where it is down: a Linux guest)
 *                   tcp_rr             1-byte request and response over one TCP connection
 *                                      on 127.0.0.1, TCP_NODELAY (us per round trip)
 *                   epoll_wait_N       for N = 1, 100 and 10000 pipes watched by one epoll
 *                                      instance, one of them ready: a byte written to it,
 *                                      epoll_wait (which must report it alone), the byte
 *                                      read back (ns per round trip; where RLIMIT_NOFILE
 *                                      cannot be raised to 20,000, as many as it allows,
 *                                      said on a line of its own)
 * net               tcp_64k and tcp_rr alone (prims has them too)
 * scale[=LIST]      for each S in LIST (MiB; default 1,16,256,1024), with S MiB of
 *                   touched anonymous memory in the parent (7 runs up to 64 MiB,
 *                   5 up to 256, then 3):
 *                   fork_rss_<S>m      fork + _exit + waitpid (us)
 *                   first_write_<S>m   the child's first write to each page (ns per page)
 *                   (a size that does not fit in free memory is skipped, with a line
 *                   saying so, rather than left to the OOM killer)
 * sleepers[=MAX]    sleepers           processes blocked in read() at once (procs, 1 run;
 *                                      up to MAX, default 100000)
 *                   sleeper_mem        free memory each of them took (KiB, 1 run)
 *
 * It execs itself as $BENCH_EXE if set, else as /bin/bench inside Uniplex
 * (UNIPLEX=1), else as /proc/self/exe's real path. As pid 1 it powers the
 * machine off at the end with reboot(2), unless UNIPLEX=1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>

#include "../tests/apps/proc.h"

#define RUNS       7
#define SMOKE_RUNS 3
#define QUICK_DIV  8
#define SMOKE_DIV  1000
#define SCALE_MAX  16      /* sizes in one scale= list */
#define BIG_LIMIT  4194304 /* threads-max and pid_max for sleepers (Linux's pid limit) */

static const char usage[] =
    "usage: bench [--quick|--smoke] [GROUP...]\n"
    "groups: prims, net, scale[=MiB,...] (default 1,16,256,1024), sleepers[=MAX]\n"
    "        (default 100000), boot, only=NAME,... (those prims figures alone);\n"
    "        none: prims scale=1,16,64\n"
    "--quick divides iteration counts by 8, --smoke by 1000 with at most 3 runs;\n"
    "--exit exits 0 (the exec target). Lines: bench: NAME: median X UNIT (R runs)\n";

static struct config {
    long div;     /* iteration counts are divided by this */
    int max_runs; /* runs per figure at most */
    bool boot, prims, net, sleepers;
    long sleep_max;
    const char *only; /* only=: a comma-separated list of prims figures, or NULL */
    int nscale;
    long scale[SCALE_MAX]; /* MiB */
} cfg = {.div = 1, .max_runs = RUNS, .sleep_max = 100000};

static const char *self; /* what the exec figures exec */
static size_t page;
static unsigned char *region; /* the scale group's touched memory */
static size_t region_len;
static char *const exit_args[] = {"bench", "--exit", NULL};
static char *const no_env[] = {NULL};

static void die(const char *what)
{
    printf("bench: %s failed: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An informational line: "bench: " + the text, flushed. */
static void info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench: ", stdout);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

/* Waits for pid, which must exit 0. */
static void reap(pid_t pid)
{
    int st;

    if (p_wait(pid, &st, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        info("child %d %s", (int)pid, p_status_str(st));
        exit(1);
    }
}

/* n divided by the configured divisor, at least 1. */
static long iters(long n)
{
    return n / cfg.div > 0 ? n / cfg.div : 1;
}

/* One figure line; counts (units "procs" and "cycles") print without a
 * fraction, the rest with three decimals (one instruction under icount). */
static void figure(const char *name, double x, const char *unit, int runs)
{
    int whole = !strcmp(unit, "procs") || !strcmp(unit, "cycles");

    printf("bench: %s: median %.*f %s (%d runs)\n", name, whole ? 0 : 3, x, unit, runs);
    fflush(stdout);
}

/* Whether the figure name is to be measured: always, unless only= lists
 * the figures and name is not among them. */
static bool wanted(const char *name)
{
    size_t n = strlen(name);

    if (!cfg.only)
        return true;
    for (const char *p = cfg.only;; p++) {
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == 0))
            return true;
        if (!(p = strchr(p, ',')))
            return false;
    }
}

/* Runs fn(arg) `runs` times and prints the median (nothing when the
 * figure is not wanted). */
static void report(const char *name, const char *unit, double (*fn)(long), long arg, int runs)
{
    double v[RUNS];

    if (!wanted(name))
        return;
    if (runs > cfg.max_runs)
        runs = cfg.max_runs;
    for (int r = 0; r < runs; r++)
        v[r] = fn(arg);
    qsort(v, (size_t)runs, sizeof v[0], p_cmp_double);
    figure(name, v[runs / 2], unit, runs);
}

/* ---- prims ---- */

/* ns per getppid() system call (libc's own inline call, not the variadic
 * syscall(): the figure is the kernel's round trip). */
static double getppid_ns(long n)
{
    double t0 = p_now_us();

    for (long i = 0; i < n; i++)
        getppid();
    return (p_now_us() - t0) * 1000 / (double)n;
}

/* A child that exits 0 at once, or execs this program --exit if exec. */
static pid_t fork_child(bool exec)
{
    pid_t pid = fork();

    if (pid == 0) {
        if (exec)
            execve(self, exit_args, no_env);
        _exit(exec ? 127 : 0);
    }
    if (pid < 0)
        die("fork");
    return pid;
}

/* The same through vfork. Not inlined so that the caller's variables are
 * never live across vfork; the child never returns from here. */
static __attribute__((noinline)) pid_t vfork_child(bool exec)
{
    pid_t pid = vfork();

    if (pid == 0) {
        if (exec)
            execve(self, exit_args, no_env);
        _exit(exec ? 127 : 0);
    }
    if (pid < 0)
        die("vfork");
    return pid;
}

static pid_t spawn_child(bool exec)
{
    pid_t pid;
    int err;

    (void)exec;
    err = posix_spawn(&pid, self, NULL, NULL, exit_args, no_env);
    if (err) {
        errno = err;
        die("posix_spawn");
    }
    return pid;
}

/* us per child made by make(exec) and reaped, over n children. */
static double child_wait(long n, pid_t (*make)(bool), bool exec)
{
    double t0 = p_now_us();

    for (long i = 0; i < n; i++)
        reap(make(exec));
    return (p_now_us() - t0) / (double)n;
}

static double fork_exit_wait(long n)
{
    return child_wait(n, fork_child, false);
}

static double vfork_exit_wait(long n)
{
    return child_wait(n, vfork_child, false);
}

static double fork_exec_wait(long n)
{
    return child_wait(n, fork_child, true);
}

static double vfork_exec_wait(long n)
{
    return child_wait(n, vfork_child, true);
}

static double spawn_wait(long n)
{
    return child_wait(n, spawn_child, true);
}

/* A child reading the pipe with a 64 KiB buffer until EOF; it exits 0 if
 * it got exactly total bytes. */
static pid_t pipe_reader(int p[2], long total)
{
    static unsigned char buf[64 << 10];
    pid_t pid = fork();

    if (pid == 0) {
        long got = 0;
        ssize_t r;

        close(p[1]);
        while ((r = read(p[0], buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
            got += r > 0 ? r : 0;
        _exit(r == 0 && got == total ? 0 : 1);
    }
    if (pid < 0)
        die("fork");
    return pid;
}

/* MB/s (10^6 bytes/s) writing total bytes (rounded up to whole chunks) in
 * chunk-byte writes to a reader child, from fork to its exit. */
static double pipe_transfer(long total, size_t chunk)
{
    static unsigned char buf[64 << 10];
    int p[2];

    total = (total + (long)chunk - 1) / (long)chunk * (long)chunk;
    memset(buf, 'x', chunk);
    if (pipe(p) != 0)
        die("pipe");
    double t0 = p_now_us();
    pid_t pid = pipe_reader(p, total);
    close(p[0]);
    for (long put = 0; put < total; put += (long)chunk)
        if (p_write_full(p[1], buf, chunk) < 0)
            die("pipe write");
    close(p[1]);
    reap(pid);
    return (double)total / (p_now_us() - t0);
}

static double pipe_4k(long total)
{
    return pipe_transfer(total, 4 << 10);
}

static double pipe_64k(long total)
{
    return pipe_transfer(total, 64 << 10);
}

/* us per 1-byte round trip: parent -> child over one pipe, back over another. */
static double pipe_pingpong(long n)
{
    int ab[2], ba[2];
    char c = 0;

    if (pipe(ab) != 0 || pipe(ba) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(ab[1]);
        close(ba[0]);
        while (read(ab[0], &c, 1) == 1)
            if (write(ba[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    if (pid < 0)
        die("fork");
    close(ab[0]);
    close(ba[1]);
    double t0 = p_now_us();
    for (long i = 0; i < n; i++)
        if (write(ab[1], &c, 1) != 1 || p_read_full(ba[0], &c, 1) != 1)
            die("ping-pong");
    double us = (p_now_us() - t0) / (double)n;
    close(ab[1]);
    close(ba[0]);
    reap(pid);
    return us;
}

/* Pins this process to CPU 0, saving its old mask in old; false (and a
 * note the first time) if the kernel cannot, e.g. has one CPU. */
static bool pin_cpu0(cpu_set_t *old)
{
    static bool noted;
    cpu_set_t one;

    CPU_ZERO(&one);
    CPU_SET(0, &one);
    if (sched_getaffinity(0, sizeof *old, old) == 0 && sched_setaffinity(0, sizeof one, &one) == 0)
        return true;
    if (!noted)
        info("ctx_switch not pinned to CPU 0: %s", strerror(errno));
    noted = true;
    return false;
}

/* us per context switch. Both processes run on CPU 0 (the child inherits
 * the parent's pinning) and each calls sched_yield n times: with the other
 * one runnable on the same CPU, every yield switches to it, so the 2n
 * yields are 2n switches. The child blocks in read() on a pipe until the
 * parent has taken the start time; the end is the child's exit (reaped),
 * which comes after the parent's own n yields. */
static double ctx_switch(long n)
{
    cpu_set_t old;
    int go[2];
    char c = 'g';

    bool pinned = pin_cpu0(&old);
    if (pipe(go) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(go[1]);
        if (p_read_full(go[0], &c, 1) != 1)
            _exit(1);
        for (long i = 0; i < n; i++)
            sched_yield();
        _exit(0);
    }
    if (pid < 0)
        die("fork");
    close(go[0]);
    double t0 = p_now_us();
    if (write(go[1], &c, 1) != 1)
        die("pipe write");
    for (long i = 0; i < n; i++)
        sched_yield();
    reap(pid);
    double us = (p_now_us() - t0) / (2 * (double)n);
    close(go[1]);
    if (pinned && sched_setaffinity(0, sizeof old, &old) != 0)
        die("sched_setaffinity (restore)");
    return us;
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
    (void)sig;
    caught++;
}

/* us per SIGUSR1 sent to this process and handled (kill, delivery, the
 * handler, sigreturn); the handler must have run exactly n times. */
static double signal_roundtrip(long n)
{
    struct sigaction sa = {.sa_handler = on_usr1}, old;
    pid_t me = getpid();

    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, &old) != 0)
        die("sigaction");
    caught = 0;
    double t0 = p_now_us();
    for (long i = 0; i < n; i++)
        if (kill(me, SIGUSR1) != 0)
            die("kill");
    double us = (p_now_us() - t0) / (double)n;
    if (caught != n) {
        info("signal_roundtrip: handler ran %ld times for %ld signals", (long)caught, n);
        exit(1);
    }
    if (sigaction(SIGUSR1, &old, NULL) != 0)
        die("sigaction (restore)");
    return us;
}

/* ---- threads ---- */

static void *return_at_once(void *arg)
{
    return arg;
}

/* Whether threads run here: a kernel without them refuses clone's
 * CLONE_THREAD, which pthread_create reports as EAGAIN (ENOSYS from some
 * libcs); then both thread figures say so instead. */
static bool threads_run(void)
{
    pthread_t t;
    int err = pthread_create(&t, NULL, return_at_once, NULL);

    if (err == 0) {
        if ((err = pthread_join(t, NULL)) != 0) {
            errno = err;
            die("pthread_join");
        }
        return true;
    }
    if (err != EAGAIN && err != ENOSYS) {
        errno = err;
        die("pthread_create");
    }
    info("thread_create_join: skipped: pthread_create: %s", strerror(err));
    info("futex_pingpong: skipped: pthread_create: %s", strerror(err));
    return false;
}

/* us per pthread_create of a thread that returns at once, and its join. */
static double thread_create_join(long n)
{
    double t0 = p_now_us();

    for (long i = 0; i < n; i++) {
        pthread_t t;
        void *r;
        int err = pthread_create(&t, NULL, return_at_once, (void *)i);
        if (err) {
            errno = err;
            die("pthread_create");
        }
        if ((err = pthread_join(t, &r)) != 0) {
            errno = err;
            die("pthread_join");
        }
        if (r != (void *)i) {
            info("thread_create_join: joined %p, expected %p", r, (void *)i);
            exit(1);
        }
    }
    return (p_now_us() - t0) / (double)n;
}

#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#define FUTEX_WAKE_PRIVATE 129 /* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */
#define TOKEN_MAIN         0   /* the futex word: whose turn it is */
#define TOKEN_PARTNER      1
#define TOKEN_STOP         2

static int token;

/* Sets the token and wakes whoever waits for it. */
static void token_pass(int to)
{
    __atomic_store_n(&token, to, __ATOMIC_SEQ_CST);
    if (syscall(SYS_futex, &token, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) < 0)
        die("futex wake");
}

/* Waits while the token is `from`: its value once it changed. */
static int token_wait_change(int from)
{
    int v;

    while ((v = __atomic_load_n(&token, __ATOMIC_SEQ_CST)) == from)
        if (syscall(SYS_futex, &token, FUTEX_WAIT_PRIVATE, from, NULL, NULL, 0) < 0 &&
            errno != EAGAIN && errno != EINTR)
            die("futex wait");
    return v;
}

/* The partner: hands each token straight back, until TOKEN_STOP. */
static void *pingpong_partner(void *arg)
{
    (void)arg;
    while (token_wait_change(TOKEN_MAIN) == TOKEN_PARTNER)
        token_pass(TOKEN_MAIN);
    return NULL;
}

/* us per round trip: the token to the partner thread and back, each hand-over
 * a store and a FUTEX_WAKE, each wait a FUTEX_WAIT unless the token is back
 * already. */
static double futex_pingpong(long n)
{
    pthread_t t;
    int err;

    token = TOKEN_MAIN;
    if ((err = pthread_create(&t, NULL, pingpong_partner, NULL)) != 0) {
        errno = err;
        die("pthread_create");
    }
    double t0 = p_now_us();
    for (long i = 0; i < n; i++) {
        token_pass(TOKEN_PARTNER);
        token_wait_change(TOKEN_PARTNER);
    }
    double us = (p_now_us() - t0) / (double)n;
    token_pass(TOKEN_STOP);
    if ((err = pthread_join(t, NULL)) != 0) {
        errno = err;
        die("pthread_join");
    }
    return us;
}

/* ---- epoll ---- */

#define EPOLL_BIG 10000 /* the most pipes watched */

/* One instance watching the read ends of n pipes; hot is the one written. */
static struct {
    int ep, n, hot;
    int (*p)[2];
} eset;

/* How many pipes of the n wanted fit in the descriptor limit: n when
 * RLIMIT_NOFILE can be raised to fit them (as root, or when it is high
 * enough), else as many as its hard limit allows, with a line saying so. */
static int epoll_room(int n)
{
    rlim_t need = 2 * (rlim_t)n + 64;
    struct rlimit rl = {need, need};

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("getrlimit");
    if (rl.rlim_cur >= need)
        return n;
    rl.rlim_cur = need > rl.rlim_max ? need : rl.rlim_max;
    rl.rlim_max = rl.rlim_cur;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        return n;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("getrlimit");
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        die("setrlimit(RLIMIT_NOFILE)");
    int fit = (int)((rl.rlim_max - 64) / 2);
    info("epoll_wait_%d: %d pipes watched: RLIMIT_NOFILE cannot be raised past %llu", n, fit,
         (unsigned long long)rl.rlim_max);
    return fit;
}

static void epoll_setup(int n)
{
    eset.n = n;
    eset.hot = n / 2;
    eset.p = calloc((size_t)n, sizeof *eset.p);
    eset.ep = epoll_create1(0);
    if (!eset.p || eset.ep < 0)
        die("epoll set-up");
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (pipe(eset.p[i]) != 0)
            die("pipe");
        if (epoll_ctl(eset.ep, EPOLL_CTL_ADD, eset.p[i][0], &ev) != 0)
            die("epoll_ctl");
    }
}

static void epoll_teardown(void)
{
    for (int i = 0; i < eset.n; i++) {
        close(eset.p[i][0]);
        close(eset.p[i][1]);
    }
    close(eset.ep);
    free(eset.p);
}

/* ns per round trip with one watched pipe ready: a byte written to it,
 * epoll_wait, the byte read back. The wait must report that pipe alone. */
static double epoll_roundtrip(long n)
{
    struct epoll_event ev[8];
    int w = eset.p[eset.hot][1], r = eset.p[eset.hot][0];
    char c = 'e';
    double t0 = p_now_us();

    for (long i = 0; i < n; i++) {
        if (write(w, &c, 1) != 1)
            die("pipe write");
        int k = epoll_wait(eset.ep, ev, 8, -1);
        if (k != 1 || ev[0].data.u32 != (uint32_t)eset.hot || ev[0].events != EPOLLIN) {
            info("epoll_wait: %d events (%s), the first %u/%#x; expected pipe %d alone", k,
                 k < 0 ? strerror(errno) : "ok", ev[0].data.u32, ev[0].events, eset.hot);
            exit(1);
        }
        if (read(r, &c, 1) != 1)
            die("pipe read");
    }
    return (p_now_us() - t0) * 1000 / (double)n;
}

static void epoll_figures(int runs)
{
    static const int sizes[] = {1, 100, EPOLL_BIG};
    char name[32];

    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        snprintf(name, sizeof name, "epoll_wait_%d", sizes[i]);
        if (!wanted(name))
            continue;
        epoll_setup(epoll_room(sizes[i]));
        report(name, "ns", epoll_roundtrip, iters(100000), runs);
        epoll_teardown();
    }
}

/* ---- TCP over loopback ---- */

/* A Linux guest starts with lo down: bring it up (a failure is left to
 * the connect that follows). */
static void lo_up(void)
{
    struct ifreq r = {0};
    int s = socket(AF_INET, SOCK_DGRAM, 0);

    strcpy(r.ifr_name, "lo");
    if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &r) == 0 && !(r.ifr_flags & IFF_UP)) {
        r.ifr_flags |= IFF_UP;
        ioctl(s, SIOCSIFFLAGS, &r);
    }
    if (s >= 0)
        close(s);
}

/* A listening socket on 127.0.0.1 and an ephemeral port, in *addr. */
static int tcp_listener(struct sockaddr_in *addr)
{
    socklen_t len = sizeof *addr;
    int s = socket(AF_INET, SOCK_STREAM, 0);

    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (s < 0 || bind(s, (struct sockaddr *)addr, sizeof *addr) != 0 || listen(s, 4) != 0 ||
        getsockname(s, (struct sockaddr *)addr, &len) != 0)
        die("tcp listener");
    return s;
}

/* A child connected to addr: it echoes single bytes (echo) or reads to
 * the end and exits 0 when it got total bytes. */
static pid_t tcp_child(const struct sockaddr_in *addr, bool echo, long total)
{
    static unsigned char buf[64 << 10];
    pid_t pid = fork();

    if (pid != 0) {
        if (pid < 0)
            die("fork");
        return pid;
    }
    int one = 1, c = socket(AF_INET, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (const struct sockaddr *)addr, sizeof *addr) != 0)
        _exit(1);
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    long got = 0;
    ssize_t r;
    while ((r = read(c, buf, echo ? 1 : sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
        got += r > 0 ? r : 0;
        if (echo && r > 0 && write(c, buf, 1) != 1)
            _exit(1);
    }
    _exit(r == 0 && (echo || got == total) ? 0 : 1);
}

/* MB/s sending total bytes (whole 64 KiB writes) to a reader child. */
static double tcp_64k(long total)
{
    static unsigned char buf[64 << 10];
    struct sockaddr_in addr;
    int ls = tcp_listener(&addr);

    total = (total + (long)sizeof buf - 1) / (long)sizeof buf * (long)sizeof buf;
    memset(buf, 'x', sizeof buf);
    double t0 = p_now_us();
    pid_t pid = tcp_child(&addr, false, total);
    int s = accept(ls, NULL, NULL);
    if (s < 0)
        die("accept");
    for (long put = 0; put < total; put += (long)sizeof buf)
        if (p_write_full(s, buf, sizeof buf) < 0)
            die("tcp write");
    close(s);
    reap(pid);
    close(ls);
    return (double)total / (p_now_us() - t0);
}

/* us per 1-byte round trip to an echoing child over one connection. */
static double tcp_rr(long n)
{
    struct sockaddr_in addr;
    int one = 1, ls = tcp_listener(&addr);
    char c = 0;

    pid_t pid = tcp_child(&addr, true, 0);
    int s = accept(ls, NULL, NULL);
    if (s < 0)
        die("accept");
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    double t0 = p_now_us();
    for (long i = 0; i < n; i++)
        if (write(s, &c, 1) != 1 || p_read_full(s, &c, 1) != 1)
            die("tcp round trip");
    double us = (p_now_us() - t0) / (double)n;
    close(s);
    reap(pid);
    close(ls);
    return us;
}

static void net_figures(int runs)
{
    if (!wanted("tcp_64k") && !wanted("tcp_rr"))
        return;
    lo_up();
    report("tcp_64k", "MB/s", tcp_64k, iters(256L << 20), runs);
    report("tcp_rr", "us", tcp_rr, iters(20000), runs);
}

/* Default counts per run: each figure about 0.5-1 s natively. */
static void prims(void)
{
    int runs = RUNS;

    if (access(self, X_OK) != 0) {
        info("cannot exec %s (%s): set BENCH_EXE", self, strerror(errno));
        exit(1);
    }
    report("getppid", "ns", getppid_ns, iters(1000000), runs);
    report("fork_exit_wait", "us", fork_exit_wait, iters(1000), runs);
    report("vfork_exit_wait", "us", vfork_exit_wait, iters(2000), runs);
    report("fork_exec_wait", "us", fork_exec_wait, iters(300), runs);
    report("vfork_exec_wait", "us", vfork_exec_wait, iters(300), runs);
    report("posix_spawn_wait", "us", spawn_wait, iters(300), runs);
    report("pipe_4k", "MB/s", pipe_4k, iters(128L << 20), runs);
    report("pipe_64k", "MB/s", pipe_64k, iters(256L << 20), runs);
    report("pipe_pingpong", "us", pipe_pingpong, iters(20000), runs);
    net_figures(runs);
    report("ctx_switch", "us", ctx_switch, iters(30000), runs);
    report("signal_roundtrip", "us", signal_roundtrip, iters(30000), runs);
    if ((wanted("thread_create_join") || wanted("futex_pingpong")) && threads_run()) {
        report("thread_create_join", "us", thread_create_join, iters(5000), runs);
        report("futex_pingpong", "us", futex_pingpong, iters(100000), runs);
    }
    epoll_figures(runs);
}

/* ---- scale ---- */

/* Bytes of memory free for the taking: MemAvailable from /proc/meminfo
 * where there is one (Linux's free RAM leaves out the page cache it can
 * drop), else sysinfo's free RAM. */
static uint64_t mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    unsigned long long kb = 0;
    char line[128];
    struct sysinfo si;

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    if (kb)
        return (uint64_t)kb << 10;
    if (sysinfo(&si) != 0)
        die("sysinfo");
    return (uint64_t)si.freeram * si.mem_unit;
}

/* The child of first_write: writes one byte into each page of the region
 * (each write is a copy-on-write fault), timing the loop, and sends the ns
 * it took down fd. */
static __attribute__((noreturn)) void first_write_child(int fd)
{
    struct timespec a, b;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (size_t o = 0; o < region_len; o += page)
        region[o] = 2;
    clock_gettime(CLOCK_MONOTONIC, &b);
    int64_t ns = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
    _exit(p_write_full(fd, &ns, sizeof ns) == (ssize_t)sizeof ns ? 0 : 1);
}

/* ns per page of a child's first writes after fork, over n children. */
static double first_write(long n)
{
    int p[2];
    double ns = 0;

    if (pipe(p) != 0)
        die("pipe");
    for (long i = 0; i < n; i++) {
        int64_t t;
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            first_write_child(p[1]);
        }
        if (pid < 0)
            die("fork");
        if (p_read_full(p[0], &t, sizeof t) != (ssize_t)sizeof t)
            die("read from the first_write child");
        reap(pid);
        ns += (double)t;
    }
    close(p[0]);
    close(p[1]);
    return ns / (double)n / (double)(region_len / page);
}

/* fork_rss_<mib>m and first_write_<mib>m with mib MiB mapped and touched
 * (as malloc would: no madvise, so a Linux with transparent huge pages set
 * to "always" may back it with 2 MiB pages).
 * Sizes that do not fit in free memory (the parent's copy, and the child's
 * for first_write) are skipped rather than left to the OOM killer. */
static void scale_one(long mib)
{
    size_t len = (size_t)mib << 20, spare = (16 << 20) + len / 256; /* + page tables */
    int runs = mib <= 64 ? 7 : mib <= 256 ? 5 : 3;
    uint64_t avail = mem_available();
    char name[64];

    if (avail < len + spare) {
        info("scale %ldm: skipped: %llu MiB free", mib, (unsigned long long)(avail >> 20));
        return;
    }
    region = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (region == MAP_FAILED) {
        info("scale %ldm: skipped: %s", mib, strerror(errno));
        return;
    }
    region_len = len;
    memset(region, 1, len);
    snprintf(name, sizeof name, "fork_rss_%ldm", mib);
    report(name, "us", fork_exit_wait, iters(mib < 512 ? 512 / mib : 1), runs);
    snprintf(name, sizeof name, "first_write_%ldm", mib);
    if (avail >= 2 * len + spare)
        report(name, "ns", first_write, iters(mib < 64 ? 64 / mib : 1), runs);
    else
        info("%s: skipped: %llu MiB free", name, (unsigned long long)(avail >> 20));
    if (munmap(region, len) != 0)
        die("munmap");
    region = NULL;
    region_len = 0;
}

/* ---- sleepers ---- */

static bool write_sysctl(const char *path, long value)
{
    char buf[32];
    int fd = open(path, O_WRONLY);
    int n = snprintf(buf, sizeof buf, "%ld\n", value);
    bool ok = fd >= 0 && write(fd, buf, (size_t)n) == n;

    if (fd >= 0)
        close(fd);
    return ok;
}

/* Lifts the limits on the number of processes, best effort, so that memory
 * is what limits the sleepers: RLIMIT_NPROC, and as pid 1 of a Linux guest
 * (no /proc yet) threads-max and pid_max, since Linux sizes threads-max
 * from RAM (about 2048 at 256 MiB). */
static void sleepers_setup(void)
{
    struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};

    if (setrlimit(RLIMIT_NPROC, &rl) != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NPROC, &rl);
    }
    if (getpid() != 1 || access("/proc/self", F_OK) == 0)
        return;
    mkdir("/proc", 0555);
    if (mount("proc", "/proc", "proc", 0, NULL) != 0) {
        info("sleepers setup: cannot mount /proc: %s", strerror(errno));
        return;
    }
    bool t = write_sysctl("/proc/sys/kernel/threads-max", BIG_LIMIT);
    bool p = write_sysctl("/proc/sys/kernel/pid_max", BIG_LIMIT);
    info("sleepers setup: mounted /proc; threads-max %s, pid_max %s (%d)",
         t ? "raised" : "not raised", p ? "raised" : "not raised", BIG_LIMIT);
}

struct sleepers {
    int ready[2]; /* each child writes one byte when it is about to block */
    int hold[2];  /* the children block reading it; only the parent can write */
    long ready_n; /* ready bytes received */
    long dead;    /* children that died while the others were being made */
    long killed;  /* of all children, those killed by SIGKILL (the OOM killer) */
    long bad;     /* children that ended any other way than exit 0 or SIGKILL */
    bool stopped; /* why says why there are no more */
    char why[128];
};

/* A sleeper: says it is ready, then blocks until the parent closes hold. */
static __attribute__((noreturn)) void sleeper(struct sleepers *s)
{
    char c = 'r';
    ssize_t r;

    close(s->hold[1]);
    close(s->ready[0]);
    if (write(s->ready[1], &c, 1) != 1)
        _exit(1);
    close(s->ready[1]);
    while ((r = read(s->hold[0], &c, 1)) < 0 && errno == EINTR)
        ;
    _exit(r == 0 ? 0 : 1);
}

/* Counts the status of a child that has ended. */
static void sleeper_ended(struct sleepers *s, pid_t pid, int st)
{
    if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) {
        s->killed++;
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        s->bad++;
        info("sleeper %d %s", (int)pid, p_status_str(st));
    }
}

/* Whether a child has died already (reaping it and noting why in s->why). */
static bool sleeper_died(struct sleepers *s)
{
    int st;
    pid_t pid = p_wait(-1, &st, WNOHANG);

    if (pid < 0 && errno != ECHILD)
        die("waitpid");
    if (pid <= 0)
        return false;
    sleeper_ended(s, pid, st);
    s->dead++;
    if (!s->stopped)
        snprintf(s->why, sizeof s->why, "sleeper %d %s", (int)pid, p_status_str(st));
    s->stopped = true;
    return true;
}

/* Waits up to 5 s for the newest child's ready byte, in 100 ms slices so as
 * to notice a child dying meanwhile; false if it did not come or a child
 * died. */
static bool sleeper_ready(struct sleepers *s)
{
    char c;

    for (int ms = 0; ms < 5000; ms += 100) {
        struct pollfd pfd = {.fd = s->ready[0], .events = POLLIN};
        int r = poll(&pfd, 1, 100);
        if (r < 0 && errno != EINTR)
            die("poll");
        if (r > 0) {
            if (read(s->ready[0], &c, 1) != 1)
                die("read ready byte");
            s->ready_n++;
            return !sleeper_died(s);
        }
        if (sleeper_died(s))
            return false;
    }
    snprintf(s->why, sizeof s->why, "no ready byte within 5 s");
    return false;
}

/* Forks sleepers until max, a fork failing, or sleeper_ready saying stop;
 * then reaps those that died meanwhile (the OOM killer takes its time). */
static void sleepers_fill(struct sleepers *s, long max)
{
    for (long i = 0; i < max && !s->stopped; i++) {
        pid_t pid = fork();
        if (pid == 0)
            sleeper(s);
        if (pid < 0) {
            snprintf(s->why, sizeof s->why, "fork failed: %s", strerror(errno));
            s->stopped = true;
        } else if (!sleeper_ready(s)) {
            s->stopped = true;
        }
    }
    if (!s->stopped)
        snprintf(s->why, sizeof s->why, "reached the maximum, %ld", max);
    s->stopped = true;
    while (sleeper_died(s))
        ;
}

/* Releases the sleepers and reaps every child; all must have exited 0 or
 * been killed by SIGKILL. */
static void sleepers_release(struct sleepers *s)
{
    long reaped = s->dead;
    pid_t pid;
    int st;

    close(s->hold[1]);
    while ((pid = p_wait(-1, &st, 0)) > 0) {
        sleeper_ended(s, pid, st);
        reaped++;
    }
    if (errno != ECHILD)
        die("waitpid");
    close(s->hold[0]);
    close(s->ready[0]);
    close(s->ready[1]);
    info("sleepers reaped: %ld, of which %ld killed by SIGKILL (OOM killer), %ld failed", reaped,
         s->killed, s->bad);
    if (s->bad)
        exit(1);
}

static void sleepers(long max)
{
    struct sleepers s = {0};
    struct sysinfo before, after;

    sleepers_setup();
    if (pipe(s.ready) != 0 || pipe(s.hold) != 0)
        die("pipe");
    if (sysinfo(&before) != 0)
        die("sysinfo");
    double t0 = p_now_us();
    sleepers_fill(&s, max);
    double secs = (p_now_us() - t0) / 1e6;
    if (sysinfo(&after) != 0)
        die("sysinfo");
    long n = s.ready_n > s.dead ? s.ready_n - s.dead : 0;
    double used = (double)before.freeram * before.mem_unit - (double)after.freeram * after.mem_unit;
    figure("sleepers", (double)n, "procs", 1);
    figure("sleeper_mem", n && used > 0 ? used / 1024 / (double)n : 0, "KiB", 1);
    info("sleepers stopped: %s (after %.1f s)", s.why, secs);
    sleepers_release(&s);
}

/* ---- the program ---- */

static void scale_list(const char *list)
{
    char *end;

    cfg.nscale = 0;
    do {
        long mib = strtol(list, &end, 10);
        if (end == list || (*end && *end != ',') || mib <= 0 || mib > (1L << 20) ||
            cfg.nscale == SCALE_MAX) {
            fprintf(stderr, "bench: bad scale list (MiB,... up to %d sizes)\n%s", SCALE_MAX, usage);
            exit(2);
        }
        cfg.scale[cfg.nscale++] = mib;
        list = end + 1;
    } while (*end == ',');
}

static long positive(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);

    if (end == s || *end || v <= 0) {
        fprintf(stderr, "bench: bad number %s\n%s", s, usage);
        exit(2);
    }
    return v;
}

/* boot_to_main: CLOCK_BOOTTIME as read on entry to main (err: its errno,
 * or 0): the time from boot to this program, plus a little of musl's
 * start-up. Where "boot" is differs: Uniplex's clock starts at the
 * kernel's first instruction, Linux's when its timekeeping starts (after
 * the decompressor and early set-up). boot_tsc: the TSC read on entry to
 * main, which counts from the machine's reset for both (firmware and boot
 * loader included). */
static void boot_group(const struct timespec *ts, int err, uint64_t tsc)
{
    errno = err;
    if (err)
        die("clock_gettime(CLOCK_BOOTTIME)");
    figure("boot_to_main", (double)ts->tv_sec * 1e6 + (double)ts->tv_nsec / 1e3, "us", 1);
    figure("boot_tsc", (double)tsc, "cycles", 1);
    puts("hello from bench");
    fflush(stdout);
}

/* Fills cfg from the arguments; exits 0 for --help, 2 for bad usage. */
static void parse_args(int argc, char **argv)
{
    bool quick = false, smoke = false, groups = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        }
        if (strcmp(a, "--quick") == 0 || strcmp(a, "quick") == 0) {
            quick = true;
            continue;
        }
        if (strcmp(a, "--smoke") == 0) {
            smoke = true;
            continue;
        }
        groups = true;
        if (strcmp(a, "prims") == 0)
            cfg.prims = true;
        else if (strcmp(a, "net") == 0)
            cfg.net = true;
        else if (strcmp(a, "boot") == 0)
            cfg.boot = true;
        else if (strncmp(a, "only=", 5) == 0 && a[5]) {
            cfg.prims = true;
            cfg.only = a + 5;
        } else if (strcmp(a, "scale") == 0)
            scale_list("1,16,256,1024");
        else if (strncmp(a, "scale=", 6) == 0)
            scale_list(a + 6);
        else if (strcmp(a, "sleepers") == 0)
            cfg.sleepers = true;
        else if (strncmp(a, "sleepers=", 9) == 0) {
            cfg.sleepers = true;
            cfg.sleep_max = positive(a + 9);
        } else {
            fprintf(stderr, "bench: unknown argument %s\n%s", a, usage);
            exit(2);
        }
    }
    if (!groups) {
        cfg.prims = true;
        scale_list("1,16,64");
    }
    cfg.div = smoke ? SMOKE_DIV : quick ? QUICK_DIV : 1;
    cfg.max_runs = smoke ? SMOKE_RUNS : RUNS;
}

/* The time-stamp counter (x86-64: this program is built for it alone). */
static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int main(int argc, char **argv)
{
    uint64_t tsc = rdtsc(); /* first of all: the time from boot to here */
    struct timespec boot;
    int boot_err = clock_gettime(CLOCK_BOOTTIME, &boot) == 0 ? 0 : errno;

    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        _exit(0);
    parse_args(argc, argv);
    const char *exe = getenv("BENCH_EXE");
    self = exe && *exe ? exe : p_self_path("bench");
    page = (size_t)sysconf(_SC_PAGESIZE);
    info("pid %d, self %s, iterations divided by %ld, at most %d runs per figure", (int)getpid(),
         self, cfg.div, cfg.max_runs);
    if (cfg.boot)
        boot_group(&boot, boot_err, tsc);
    if (cfg.prims)
        prims();
    else if (cfg.net)
        net_figures(cfg.max_runs);
    for (int i = 0; i < cfg.nscale; i++)
        scale_one(cfg.scale[i]);
    if (cfg.sleepers)
        sleepers(cfg.sleep_max);
    /* Linux panics when init exits: power off instead. Uniplex powers off
     * when init exits, after its leak report, which the smoke test reads
     * (it sets UNIPLEX=1); without UNIPLEX=1 the reboot path runs there too. */
    const char *u = getenv("UNIPLEX");
    if (getpid() == 1 && !(u && strcmp(u, "1") == 0)) {
        sync();
        reboot(RB_POWER_OFF);
    }
    return 0;
}
