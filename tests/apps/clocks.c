/* clocks: setting the wall clock and what follows it. clock_settime,
 * settimeofday (and the timezone gettimeofday reports), adjtimex and
 * clock_adjtime (the NTP state, ADJ_SETOFFSET, the modes refused), and a
 * clock step's effects: CLOCK_REALTIME jumps while CLOCK_MONOTONIC does
 * not; absolute realtime sleeps, futex waits, POSIX timers and timerfds
 * expire at the new time while relative ones do not move;
 * TFD_TIMER_CANCEL_ON_SET gives ECANCELED. Every error case: EFAULT,
 * EINVAL, EOPNOTSUPP, and EPERM without CAP_SYS_TIME.
 *
 * The cases that set the clock run only inside Uniplex (UNIPLEX=1), and
 * each puts the clock back as it found it (less the time it ran). On the
 * host the suite checks only what cannot set anything: run it there as a
 * user without CAP_SYS_TIME (its EPERM cases then hold too), never as
 * root. Built with musl and with glibc (whose pthread_cond_timedwait
 * waits on FUTEX_CLOCK_REALTIME).
 *
 * usage: clocks [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 10
#define MS      1000000LL
#define SEC     1000000000LL
#define BADPTR  ((void *)8)
#define BIG     (100 * SEC) /* a step far beyond any case's own time */

#ifndef TFD_TIMER_CANCEL_ON_SET
#define TFD_TIMER_CANCEL_ON_SET 2
#endif
#ifndef ECANCELED
#define ECANCELED 125
#endif
#define FUTEX_WAIT_BITSET_    9
#define FUTEX_CLOCK_REALTIME_ 256
#define CLOCK_TAI_            11

/* struct timex as the kernel has it (glibc's and musl's agree). */
struct ktimex {
    unsigned modes;
    int pad0;
    long long offset, freq, maxerror, esterror;
    int status, pad1;
    long long constant, precision, tolerance;
    long long sec, usec;
    long long tick, ppsfreq, jitter;
    int shift, pad2;
    long long stabil, jitcnt, calcnt, errcnt, stbcnt;
    int tai;
    int pad3[11];
};
_Static_assert(sizeof(struct ktimex) == 208, "struct timex");
#define ADJ_OFFSET_     0x0001
#define ADJ_FREQUENCY_  0x0002
#define ADJ_MAXERROR_   0x0004
#define ADJ_ESTERROR_   0x0008
#define ADJ_STATUS_     0x0010
#define ADJ_TIMECONST_  0x0020
#define ADJ_TAI_        0x0080
#define ADJ_SETOFFSET_  0x0100
#define ADJ_MICRO_      0x1000
#define ADJ_NANO_       0x2000
#define ADJ_TICK_       0x4000
#define ADJ_SINGLESHOT_ 0x8001
#define ADJ_SS_READ_    0xa001
#define STA_PLL_        0x0001
#define STA_INS_        0x0010
#define STA_UNSYNC_     0x0040
#define STA_NANO_       0x2000
#define TIME_OK_        0
#define TIME_ERROR_     5
#define PHASE_LIMIT     16000000

/* capget/capset's header and data. */
#define CAP_VERSION_3 0x20080522
#define CAP_SYS_TIME  25
struct cap_header {
    unsigned version;
    int pid;
};
struct cap_data {
    unsigned effective, permitted, inheritable;
};

static long settime(clockid_t c, const struct timespec *ts)
{
    return syscall(SYS_clock_settime, c, ts);
}
static long settod(const void *tv, const void *tz)
{
    return syscall(SYS_settimeofday, tv, tz);
}
static long adjtimex_(struct ktimex *tx)
{
    return syscall(SYS_adjtimex, tx);
}
static long clock_adjtime_(clockid_t c, struct ktimex *tx)
{
    return syscall(SYS_clock_adjtime, c, tx);
}

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * SEC + ts.tv_nsec;
}
static struct timespec ts_of(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / SEC), (long)(ns % SEC)};
    return ts;
}
static int64_t ns_of(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * SEC + ts->tv_nsec;
}

/* Move the wall clock by delta ns (the cases put it back with -delta). */
static void step(int64_t delta)
{
    struct timespec ts = ts_of(now_ns(CLOCK_REALTIME) + delta);
    T_EXPECT(settime(CLOCK_REALTIME, &ts) == 0, "clock_settime: %s", t_errname(errno));
}

static void sleep_ms(int ms)
{
    struct timespec ts = ts_of(ms * MS);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Without CAP_SYS_TIME in the effective set (checked: never run a setting
 * call natively with it). */
static void drop_sys_time(void)
{
    struct cap_header h = {CAP_VERSION_3, 0};
    struct cap_data d[2];
    T_EXPECT(syscall(SYS_capget, &h, d) == 0, "capget: %s", t_errname(errno));
    d[0].effective &= ~(1u << CAP_SYS_TIME);
    T_EXPECT(syscall(SYS_capset, &h, d) == 0, "capset: %s", t_errname(errno));
    T_EXPECT(syscall(SYS_capget, &h, d) == 0 && !(d[0].effective & (1u << CAP_SYS_TIME)),
             "CAP_SYS_TIME still held");
}

/* On the host, only as a user without CAP_SYS_TIME. */
static int host_root(void)
{
    return !t_uniplex() && geteuid() == 0;
}

/* clock_settime's errors, each checked before the privilege: a clock
 * without a setter (EINVAL before the copy), a bad address, a bad time. */
static void case_settime_errors(void)
{
    struct timespec ts = ts_of(now_ns(CLOCK_REALTIME));
    clockid_t none[] = {CLOCK_MONOTONIC,
                        CLOCK_BOOTTIME,
                        CLOCK_MONOTONIC_RAW,
                        CLOCK_REALTIME_COARSE,
                        CLOCK_MONOTONIC_COARSE,
                        CLOCK_REALTIME_ALARM,
                        CLOCK_BOOTTIME_ALARM,
                        CLOCK_TAI_,
                        10,
                        16};
    for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
        char what[48];
        snprintf(what, sizeof(what), "clock %d", (int)none[i]);
        T_EXPECT_ERR_BY(t_die, what, settime(none[i], &ts), EINVAL);
        T_EXPECT_ERR_BY(t_die, what, settime(none[i], BADPTR), EINVAL);
    }
    T_EXPECT_ERR_BY(t_die, "REALTIME at a bad address", settime(CLOCK_REALTIME, BADPTR), EFAULT);
    struct timespec bad[] = {{ts.tv_sec, 1000000000}, {ts.tv_sec, -1}, {-1, 0}, {INT64_MAX, 0}};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        T_EXPECT_ERR_BY(t_die, "a bad time", settime(CLOCK_REALTIME, &bad[i]), EINVAL);
    /* CLOCK_PROCESS_CPUTIME_ID and CLOCK_THREAD_CPUTIME_ID have no setter;
     * a clock_getcpuclockid clock has one that always fails: EPERM, or
     * EINVAL for one that names nothing, after the copy. */
    T_EXPECT_ERR_BY(t_die, "CLOCK_PROCESS_CPUTIME_ID", settime(CLOCK_PROCESS_CPUTIME_ID, &ts),
                    EINVAL);
    T_EXPECT_ERR_BY(t_die, "CLOCK_THREAD_CPUTIME_ID", settime(CLOCK_THREAD_CPUTIME_ID, BADPTR),
                    EINVAL);
    clockid_t cpu;
    T_EXPECT(clock_getcpuclockid(getpid(), &cpu) == 0, "clock_getcpuclockid");
    T_EXPECT_ERR_BY(t_die, "CPU clock", settime(cpu, &ts), EPERM);
    T_EXPECT_ERR_BY(t_die, "CPU clock, bad address", settime(cpu, BADPTR), EFAULT);
    /* A file-descriptor clock (none here; fd 0 is not one): the same. */
    T_EXPECT_ERR_BY(t_die, "fd clock", settime((clockid_t)(~0u << 3 | 3), &ts), EINVAL);
    T_EXPECT_ERR_BY(t_die, "fd clock, bad address", settime((clockid_t)(~0u << 3 | 3), BADPTR),
                    EFAULT);
    T_EXPECT_ERR_BY(t_die, "CPU clock of no process",
                    settime((clockid_t)((unsigned)~999999 << 3 | 2), &ts), EINVAL);
    if (t_uniplex()) { /* as root: a time before boot */
        struct timespec zero = {0, 0};
        T_EXPECT_ERR_BY(t_die, "before boot", settime(CLOCK_REALTIME, &zero), EINVAL);
    }
}

static void case_settod_errors(void)
{
    struct timeval tv;
    gettimeofday(&tv, 0);
    struct timeval bad_us = {tv.tv_sec, 1000001}, neg_us = {tv.tv_sec, -1}, neg = {-1, 0};
    struct timezone tz = {0, 0};
    T_EXPECT_ERR_BY(t_die, "tv at a bad address", settod(BADPTR, 0), EFAULT);
    T_EXPECT_ERR_BY(t_die, "tv_usec 1000001", settod(&bad_us, 0), EINVAL);
    T_EXPECT_ERR_BY(t_die, "tv_usec -1", settod(&neg_us, 0), EINVAL);
    T_EXPECT_ERR_BY(t_die, "tv_usec bad, tz bad", settod(&bad_us, BADPTR), EINVAL);
    T_EXPECT_ERR_BY(t_die, "tv_sec -1", settod(&neg, &tz), EINVAL);
    T_EXPECT_ERR_BY(t_die, "tz at a bad address", settod(0, BADPTR), EFAULT);
    T_EXPECT_ERR_BY(t_die, "tv fine, tz at a bad address", settod(&tv, BADPTR), EFAULT);
    struct timeval edge = {-1, 1000000}; /* 1000000 passes the first check */
    T_EXPECT_ERR_BY(t_die, "tv_usec 1000000", settod(&edge, 0), EINVAL);
    if (host_root())
        return;
    struct timezone far = {16 * 60, 0}; /* checked after the privilege */
    T_EXPECT_ERR_BY(t_die, "tz 16 hours west", settod(0, &far), t_uniplex() ? EINVAL : EPERM);
}

/* Without CAP_SYS_TIME: every change is EPERM, reading still works. */
static void case_eperm(void)
{
    drop_sys_time();
    struct timespec ts = ts_of(now_ns(CLOCK_REALTIME));
    struct timeval tv = {ts.tv_sec, 0};
    struct timezone tz = {60, 0};
    T_EXPECT_ERR_BY(t_die, "clock_settime", settime(CLOCK_REALTIME, &ts), EPERM);
    T_EXPECT_ERR_BY(t_die, "settimeofday", settod(&tv, 0), EPERM);
    T_EXPECT_ERR_BY(t_die, "settimeofday tz", settod(0, &tz), EPERM);
    struct ktimex tx = {.modes = ADJ_MAXERROR_, .maxerror = 100};
    T_EXPECT_ERR_BY(t_die, "ADJ_MAXERROR", adjtimex_(&tx), EPERM);
    tx = (struct ktimex){.modes = ADJ_SETOFFSET_, .sec = 1};
    T_EXPECT_ERR_BY(t_die, "ADJ_SETOFFSET", adjtimex_(&tx), EPERM);
    tx = (struct ktimex){.modes = ADJ_SINGLESHOT_};
    T_EXPECT_ERR_BY(t_die, "ADJ_OFFSET_SINGLESHOT", adjtimex_(&tx), EPERM);
    tx = (struct ktimex){.modes = ADJ_TICK_, .tick = 1};
    T_EXPECT_ERR_BY(t_die, "ADJ_TICK, EPERM first", adjtimex_(&tx), EPERM);
    tx = (struct ktimex){.modes = ADJ_STATUS_};
    T_EXPECT_ERR_BY(t_die, "clock_adjtime ADJ_STATUS", clock_adjtime_(CLOCK_REALTIME, &tx), EPERM);
    tx = (struct ktimex){.modes = 0};
    long r = adjtimex_(&tx);
    T_EXPECT(r >= 0 && r <= TIME_ERROR_ && tx.tick > 0, "reading: %ld/%s", r, t_errname(errno));
    tx = (struct ktimex){.modes = ADJ_SS_READ_, .offset = 12345};
    r = adjtimex_(&tx);
    T_EXPECT(r >= 0 && tx.offset == 0, "ADJ_OFFSET_SS_READ: %ld/%s offset %lld", r,
             t_errname(errno), tx.offset);
}

/* A step moves CLOCK_REALTIME (clock_gettime, gettimeofday, time, file
 * times) by what was set, and CLOCK_MONOTONIC and CLOCK_BOOTTIME not at
 * all; a step back too. */
static void case_step(void)
{
    if (!t_uniplex())
        return;
    int64_t rt0 = now_ns(CLOCK_REALTIME), mono0 = now_ns(CLOCK_MONOTONIC);
    int64_t boot0 = now_ns(CLOCK_BOOTTIME);
    step(1000 * SEC);
    int64_t rt1 = now_ns(CLOCK_REALTIME), mono1 = now_ns(CLOCK_MONOTONIC);
    int64_t boot1 = now_ns(CLOCK_BOOTTIME);
    int64_t jump = (rt1 - rt0) - (mono1 - mono0);
    step(-1000 * SEC);
    T_EXPECT(jump > 1000 * SEC - 50 * MS && jump < 1000 * SEC + 50 * MS, "realtime moved %lld ns",
             (long long)jump);
    T_EXPECT(mono1 - mono0 >= 0 && mono1 - mono0 < 50 * MS && boot1 - boot0 < 50 * MS,
             "monotonic moved %lld ns", (long long)(mono1 - mono0));
    step(-500 * SEC);
    struct timeval tv;
    gettimeofday(&tv, 0);
    time_t t = time(0);
    int fd = open("/tmp/clocks-step", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    struct stat st;
    int sr = fd >= 0 ? fstat(fd, &st) : -1;
    int64_t back = now_ns(CLOCK_REALTIME);
    step(500 * SEC);
    if (fd >= 0)
        close(fd);
    unlink("/tmp/clocks-step");
    int64_t want = rt0 - 500 * SEC;
    T_EXPECT(back > want && back < want + SEC, "back: %lld from %lld", (long long)back,
             (long long)want);
    T_EXPECT(tv.tv_sec >= want / SEC && tv.tv_sec <= want / SEC + 1, "gettimeofday: %lld",
             (long long)tv.tv_sec);
    T_EXPECT(t >= want / SEC && t <= want / SEC + 1, "time: %lld", (long long)t);
    T_EXPECT(sr == 0 && st.st_mtime >= want / SEC && st.st_mtime <= want / SEC + 1,
             "file time %lld, wanted %lld", (long long)st.st_mtime, (long long)(want / SEC));
    int64_t rt2 = now_ns(CLOCK_REALTIME);
    T_EXPECT(rt2 - rt0 >= 0 && rt2 - rt0 < SEC, "not put back: %lld", (long long)(rt2 - rt0));
}

/* settimeofday: tv sets the clock, tz is stored and gettimeofday says it
 * (NULL tv: only the timezone). */
static void case_settod(void)
{
    if (!t_uniplex())
        return;
    struct timeval tv, got;
    struct timezone tz = {-120, 1}, gtz = {0, 0};
    T_EXPECT(settod(0, &tz) == 0, "tz only: %s", t_errname(errno));
    /* Raw: musl's and glibc's gettimeofday do not ask the kernel for tz. */
    T_EXPECT(syscall(SYS_gettimeofday, &got, &gtz) == 0 && gtz.tz_minuteswest == -120 &&
                 gtz.tz_dsttime == 1,
             "tz read back: %d %d", gtz.tz_minuteswest, gtz.tz_dsttime);
    int64_t rt0 = now_ns(CLOCK_REALTIME);
    gettimeofday(&tv, 0);
    tv.tv_sec += 3600;
    struct timezone tz0 = {0, 0};
    T_EXPECT(settod(&tv, &tz0) == 0, "tv and tz: %s", t_errname(errno));
    int64_t rt1 = now_ns(CLOCK_REALTIME);
    step(-3600 * SEC);
    T_EXPECT(rt1 - rt0 > 3600 * SEC - 50 * MS && rt1 - rt0 < 3600 * SEC + 50 * MS,
             "settimeofday moved it %lld", (long long)(rt1 - rt0));
    T_EXPECT(syscall(SYS_gettimeofday, 0, &gtz) == 0 && gtz.tz_minuteswest == 0, "tz not reset");
}

/* A child that sleeps until the wall clock reads rt_deadline (how: 0 an
 * absolute clock_nanosleep, 1 an absolute realtime futex wait, 2 a
 * relative realtime sleep of rel ns, 3 mq_timedreceive on an empty queue)
 * and exits 0 when it woke in time,
 * after at least min_ns of monotonic time and at most max_ns. */
static pid_t sleeper(int how, int64_t rt_deadline, int64_t rel, int64_t min_ns, int64_t max_ns)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int64_t m0 = now_ns(CLOCK_MONOTONIC);
    struct timespec ts = ts_of(how == 2 ? rel : rt_deadline);
    if (how == 1) {
        static int word;
        long r =
            syscall(SYS_futex, &word, FUTEX_WAIT_BITSET_ | FUTEX_CLOCK_REALTIME_, 0, &ts, 0, ~0u);
        if (r != -1 || errno != ETIMEDOUT)
            _exit(3);
    } else if (how == 3) {
        struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};
        char name[32], buf[8];
        snprintf(name, sizeof(name), "/clocks-%d", (int)getpid());
        mqd_t q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
        if (q == (mqd_t)-1)
            _exit(3);
        mq_unlink(name);
        if (mq_timedreceive(q, buf, sizeof(buf), 0, &ts) != -1 || errno != ETIMEDOUT)
            _exit(3);
    } else if (clock_nanosleep(CLOCK_REALTIME, how == 0 ? TIMER_ABSTIME : 0, &ts, 0) != 0) {
        _exit(3);
    }
    int64_t took = now_ns(CLOCK_MONOTONIC) - m0;
    _exit(took < min_ns ? 4 : took > max_ns ? 5 : 0);
}

static void expect_child(pid_t pid, const char *what)
{
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "%s: waitpid: %s", what, t_errname(errno));
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s", what,
             !WIFEXITED(st)         ? "killed"
             : WEXITSTATUS(st) == 4 ? "woke too early"
             : WEXITSTATUS(st) == 5 ? "woke too late"
                                    : "the wait failed");
}

/* Absolute realtime sleeps (clock_nanosleep, futex, a message queue's
 * timed receive) wake at once when the
 * clock is set past their time; a relative one takes its whole time. */
static void case_abs_sleep(void)
{
    if (!t_uniplex())
        return;
    int64_t at = now_ns(CLOCK_REALTIME) + BIG;
    pid_t a = sleeper(0, at, 0, 150 * MS, 2 * SEC);
    pid_t b = sleeper(1, at, 0, 150 * MS, 2 * SEC);
    pid_t c = sleeper(2, 0, 600 * MS, 600 * MS, 3 * SEC);
    pid_t d = sleeper(3, at, 0, 150 * MS, 2 * SEC);
    sleep_ms(200);
    step(BIG);
    sleep_ms(50);
    step(-BIG);
    expect_child(a, "clock_nanosleep TIMER_ABSTIME");
    expect_child(b, "futex FUTEX_CLOCK_REALTIME");
    expect_child(d, "mq_timedreceive");
    expect_child(c, "relative clock_nanosleep");
}

/* A step back keeps an absolute realtime sleep asleep past its time; the
 * step forward again wakes it. */
static void case_abs_sleep_back(void)
{
    if (!t_uniplex())
        return;
    int64_t at = now_ns(CLOCK_REALTIME) + 300 * MS;
    step(-BIG);
    pid_t a = sleeper(0, at, 0, 450 * MS, 3 * SEC);
    sleep_ms(600);
    step(BIG);
    expect_child(a, "clock_nanosleep TIMER_ABSTIME after a step back");
}

static int wait_sig(int sig, int ms)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec ts = ts_of(ms * MS);
    return sigtimedwait(&s, 0, &ts) == sig;
}

/* POSIX timers: an absolute CLOCK_REALTIME one fires when the clock is set
 * past its time; a relative one does not move. */
static void case_abs_timer(void)
{
    if (!t_uniplex())
        return;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    sigaddset(&s, SIGUSR2);
    sigprocmask(SIG_BLOCK, &s, 0);
    struct sigevent e1 = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    struct sigevent e2 = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    timer_t abs, rel;
    T_EXPECT(timer_create(CLOCK_REALTIME, &e1, &abs) == 0, "timer_create: %s", t_errname(errno));
    T_EXPECT(timer_create(CLOCK_REALTIME, &e2, &rel) == 0, "timer_create: %s", t_errname(errno));
    struct itimerspec va = {{0, 0}, ts_of(now_ns(CLOCK_REALTIME) + BIG)};
    struct itimerspec vr = {{0, 0}, ts_of(500 * MS)};
    T_EXPECT(timer_settime(abs, TIMER_ABSTIME, &va, 0) == 0, "settime: %s", t_errname(errno));
    T_EXPECT(timer_settime(rel, 0, &vr, 0) == 0, "settime: %s", t_errname(errno));
    step(BIG + SEC);
    int fired = wait_sig(SIGUSR1, 1000);
    struct itimerspec cur;
    timer_gettime(rel, &cur);
    int early = wait_sig(SIGUSR2, 100);
    step(-BIG - SEC);
    T_EXPECT(fired, "the absolute timer did not fire at the step");
    T_EXPECT(!early && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 500 * MS,
             "the relative timer moved: %lld left", (long long)ns_of(&cur.it_value));
    T_EXPECT(wait_sig(SIGUSR2, 2000), "the relative timer never fired");
}

static long tfd_read(int fd)
{
    uint64_t v;
    ssize_t n = read(fd, &v, sizeof(v));
    return n == sizeof(v) ? (long)v : n < 0 ? -errno : -1000;
}

/* timerfd: an absolute realtime one expires at the step past its time, a
 * relative one does not move; TFD_TIMER_CANCEL_ON_SET makes the next read
 * (or a settime arming it) fail with ECANCELED, once. */
static void case_timerfd(void)
{
    if (!t_uniplex())
        return;
    int fa = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    int fr = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    int fc = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    T_EXPECT(fa >= 0 && fr >= 0 && fc >= 0, "timerfd_create: %s", t_errname(errno));
    int64_t rt = now_ns(CLOCK_REALTIME);
    struct itimerspec va = {{0, 0}, ts_of(rt + BIG)}, vr = {{0, 0}, ts_of(500 * MS)};
    T_EXPECT(timerfd_settime(fa, TFD_TIMER_ABSTIME, &va, 0) == 0, "abs: %s", t_errname(errno));
    T_EXPECT(timerfd_settime(fr, 0, &vr, 0) == 0, "rel: %s", t_errname(errno));
    T_EXPECT(timerfd_settime(fc, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &va, 0) == 0,
             "cancel: %s", t_errname(errno));
    long before = tfd_read(fc);
    step(BIG / 2);
    struct pollfd pf = {fc, POLLIN, 0};
    int polled = poll(&pf, 1, 0);
    long cancel1 = tfd_read(fc), cancel2 = tfd_read(fc), half = tfd_read(fa);
    step(BIG / 2 + SEC);
    sleep_ms(20);
    long full = tfd_read(fa), relv = tfd_read(fr);
    struct itimerspec cur;
    timerfd_gettime(fr, &cur);
    step(-BIG - SEC);
    T_EXPECT(timerfd_settime(fc, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &va, 0) == -1 &&
                 errno == ECANCELED,
             "settime after a step back: %s", t_errname(errno));
    long after = tfd_read(fc);
    T_EXPECT(timerfd_settime(fc, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &va, 0) == 0,
             "settime again: %s", t_errname(errno));
    T_EXPECT(before == -EAGAIN, "before the step: %ld", before);
    T_EXPECT(polled == 1 && (pf.revents & POLLIN), "poll after the step: %d %#x", polled,
             pf.revents);
    T_EXPECT(cancel1 == -ECANCELED && cancel2 == -EAGAIN, "cancel reads: %ld %ld", cancel1,
             cancel2);
    T_EXPECT(half == -EAGAIN && full == 1, "absolute timer: %ld then %ld", half, full);
    T_EXPECT(relv == -EAGAIN && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 500 * MS,
             "relative timer moved: %ld, %lld left", relv, (long long)ns_of(&cur.it_value));
    T_EXPECT(after == -EAGAIN, "read after the cancelled settime: %ld", after);
    sleep_ms(600);
    T_EXPECT(tfd_read(fr) == 1, "the relative timer never expired");
}

/* TFD_TIMER_CANCEL_ON_SET counts only with TFD_TIMER_ABSTIME on a realtime
 * timerfd (Linux accepts it otherwise and it does nothing), disarmed or
 * not. A blocking read wakes with ECANCELED at the step. */
static void case_timerfd_cancel(void)
{
    if (!t_uniplex())
        return;
    int fm = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    int fr = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    int fb = timerfd_create(CLOCK_REALTIME, 0);
    int fz = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
    struct itimerspec v = {{0, 0}, ts_of(now_ns(CLOCK_MONOTONIC) + BIG)};
    struct itimerspec vrel = {{0, 0}, ts_of(BIG)};
    struct itimerspec vb = {{0, 0}, ts_of(now_ns(CLOCK_REALTIME) + 2 * BIG)};
    T_EXPECT(timerfd_settime(fm, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &v, 0) == 0,
             "monotonic: %s", t_errname(errno));
    T_EXPECT(timerfd_settime(fr, TFD_TIMER_CANCEL_ON_SET, &vrel, 0) == 0, "relative: %s",
             t_errname(errno));
    T_EXPECT(timerfd_settime(fb, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &vb, 0) == 0,
             "blocking: %s", t_errname(errno));
    struct itimerspec off = {{0, 0}, {0, 0}}; /* disarmed, still told of a set */
    T_EXPECT(timerfd_settime(fz, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &off, 0) == 0,
             "disarmed: %s", t_errname(errno));
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(200);
        step(BIG);
        sleep_ms(20);
        step(-BIG);
        _exit(0);
    }
    long r = tfd_read(fb);
    waitpid(pid, 0, 0);
    T_EXPECT(r == -ECANCELED, "blocking read: %ld", r);
    T_EXPECT(tfd_read(fz) == -ECANCELED && tfd_read(fz) == -EAGAIN, "a disarmed one");
    T_EXPECT(tfd_read(fm) == -EAGAIN && tfd_read(fr) == -EAGAIN, "a timer without it cancelled");
}

#ifdef __GLIBC__
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
#endif

/* glibc's pthread_cond_timedwait waits on FUTEX_CLOCK_REALTIME: it times
 * out when the clock is set past its time. (musl's converts the time to a
 * relative wait once, on Linux too: nothing to check there.) */
static void case_cond_timedwait(void)
{
#ifdef __GLIBC__
    if (!t_uniplex())
        return;
    pid_t pid = fork();
    if (pid == 0) {
        sleep_ms(200);
        step(BIG);
        sleep_ms(20);
        step(-BIG);
        _exit(0);
    }
    struct timespec at = ts_of(now_ns(CLOCK_REALTIME) + BIG);
    int64_t m0 = now_ns(CLOCK_MONOTONIC);
    pthread_mutex_lock(&mu);
    int r = pthread_cond_timedwait(&cv, &mu, &at);
    pthread_mutex_unlock(&mu);
    int64_t took = now_ns(CLOCK_MONOTONIC) - m0;
    waitpid(pid, 0, 0);
    T_EXPECT(r == ETIMEDOUT && took < 3 * SEC, "cond_timedwait: %d after %lld ms", r,
             (long long)(took / MS));
#endif
}

/* adjtimex and clock_adjtime read the state: on Uniplex Linux's defaults
 * while unsynchronised (TIME_ERROR); on the host whatever NTP made it. */
static void case_adj_read(void)
{
    struct ktimex tx = {.modes = 0}, tc = {.modes = 0};
    struct timeval tv;
    long r = adjtimex_(&tx);
    gettimeofday(&tv, 0);
    long rc = clock_adjtime_(CLOCK_REALTIME, &tc);
    T_EXPECT(r >= 0 && r <= TIME_ERROR_ && rc >= 0, "adjtimex %ld, clock_adjtime %ld: %s", r, rc,
             t_errname(errno));
    T_EXPECT(tx.precision == 1 && tx.tolerance == 32768000 && tx.tick == 10000,
             "precision %lld tolerance %lld tick %lld", tx.precision, tx.tolerance, tx.tick);
    T_EXPECT(tx.sec <= tv.tv_sec && tx.sec >= tv.tv_sec - 1 && tx.usec >= 0 &&
                 tx.usec < ((tx.status & STA_NANO_) ? 1000000000 : 1000000),
             "time %lld.%lld", tx.sec, tx.usec);
    if (!t_uniplex())
        return;
    T_EXPECT(r == TIME_ERROR_ && rc == TIME_ERROR_, "unsynchronised: %ld %ld", r, rc);
    T_EXPECT(tx.status == STA_UNSYNC_ && tx.freq == 0 && tx.offset == 0 &&
                 tx.maxerror == PHASE_LIMIT && tx.esterror == PHASE_LIMIT && tx.constant == 2 &&
                 tx.tai == 0 && tx.ppsfreq == 0,
             "status %#x freq %lld offset %lld maxerror %lld esterror %lld constant %lld",
             tx.status, tx.freq, tx.offset, tx.maxerror, tx.esterror, tx.constant);
    T_EXPECT(tc.status == tx.status && tc.maxerror == tx.maxerror, "clock_adjtime differs");
}

static void case_adj_errors(void)
{
    struct ktimex tx = {.modes = 0};
    T_EXPECT_ERR_BY(t_die, "adjtimex at a bad address", adjtimex_(BADPTR), EFAULT);
    T_EXPECT_ERR_BY(t_die, "clock_adjtime at a bad address", clock_adjtime_(CLOCK_REALTIME, BADPTR),
                    EFAULT);
    T_EXPECT_ERR_BY(t_die, "clock 10 at a bad address", clock_adjtime_(10, BADPTR), EFAULT);
    clockid_t no_adj[] = {CLOCK_MONOTONIC,        CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW,
                          CLOCK_REALTIME_COARSE,  CLOCK_TAI_,     CLOCK_PROCESS_CPUTIME_ID,
                          CLOCK_THREAD_CPUTIME_ID};
    for (unsigned i = 0; i < sizeof(no_adj) / sizeof(no_adj[0]); i++) {
        char what[40];
        snprintf(what, sizeof(what), "clock_adjtime clock %d", (int)no_adj[i]);
        T_EXPECT_ERR_BY(t_die, what, clock_adjtime_(no_adj[i], &tx), EOPNOTSUPP);
    }
    T_EXPECT_ERR_BY(t_die, "clock_adjtime clock 10", clock_adjtime_(10, &tx), EINVAL);
    T_EXPECT_ERR_BY(t_die, "clock_adjtime clock 12", clock_adjtime_(12, &tx), EINVAL);
    T_EXPECT_ERR_BY(t_die, "clock_adjtime fd clock", clock_adjtime_((clockid_t)(~0u << 3 | 3), &tx),
                    EINVAL);
    if (!t_uniplex())
        return; /* the rest need CAP_SYS_TIME: refused before anything is set */
    struct ktimex bad[] = {
        {.modes = ADJ_TICK_, .tick = 8999},
        {.modes = ADJ_TICK_, .tick = 11001},
        {.modes = ADJ_SETOFFSET_, .usec = 1000000},
        {.modes = ADJ_SETOFFSET_, .usec = -1},
        {.modes = ADJ_SETOFFSET_ | ADJ_NANO_, .usec = 1000000000},
        {.modes = ADJ_SETOFFSET_, .sec = -4000000000LL}, /* before 1970 */
        {.modes = ADJ_FREQUENCY_, .freq = INT64_MAX},
        /* What Uniplex does not honour (no slewing, no leap seconds). */
        {.modes = ADJ_FREQUENCY_, .freq = 65536},
        {.modes = ADJ_TICK_, .tick = 10001},
        {.modes = ADJ_OFFSET_, .offset = 5},
        {.modes = ADJ_SINGLESHOT_, .offset = 1000},
        {.modes = ADJ_TAI_, .constant = 37},
        {.modes = ADJ_STATUS_, .status = STA_INS_},
        {.modes = 0x0040},
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[48];
        snprintf(what, sizeof(what), "modes %#x (#%u)", bad[i].modes, i);
        struct ktimex keep = bad[i];
        T_EXPECT_ERR_BY(t_die, what, adjtimex_(&bad[i]), EINVAL);
        T_EXPECT(!memcmp(&keep, &bad[i], sizeof(keep)), "%s: the struct changed", what);
    }
}

/* The values adjtimex keeps: maxerror (growing 500 us a second), esterror,
 * the time constant, the status bits, the units; the neutral frequency,
 * tick and offset are accepted. */
static void case_adj_set(void)
{
    if (!t_uniplex())
        return;
    struct ktimex tx = {.modes = ADJ_MAXERROR_ | ADJ_ESTERROR_ | ADJ_TIMECONST_,
                        .maxerror = 1000,
                        .esterror = 77,
                        .constant = 3};
    long r = adjtimex_(&tx);
    T_EXPECT(r == TIME_ERROR_ && tx.maxerror >= 1000 && tx.maxerror <= 1500 && tx.esterror == 77 &&
                 tx.constant == 7,
             "%ld: maxerror %lld esterror %lld constant %lld", r, tx.maxerror, tx.esterror,
             tx.constant);
    sleep_ms(2100);
    tx = (struct ktimex){.modes = 0};
    adjtimex_(&tx);
    T_EXPECT(tx.maxerror >= 2000 && tx.maxerror <= 2500, "maxerror after 2 s: %lld", tx.maxerror);
    tx = (struct ktimex){.modes = ADJ_STATUS_, .status = STA_PLL_};
    r = adjtimex_(&tx);
    T_EXPECT(r == TIME_OK_ && tx.status == STA_PLL_, "synchronised: %ld status %#x", r, tx.status);
    tx = (struct ktimex){.modes = ADJ_NANO_};
    adjtimex_(&tx);
    T_EXPECT(tx.status == (STA_PLL_ | STA_NANO_) && tx.usec < 1000000000, "ADJ_NANO: %#x",
             tx.status);
    tx = (struct ktimex){.modes = ADJ_FREQUENCY_ | ADJ_TICK_ | ADJ_OFFSET_ | ADJ_MICRO_,
                         .tick = 10000};
    r = adjtimex_(&tx);
    T_EXPECT(r == TIME_OK_ && tx.status == STA_PLL_ && tx.freq == 0 && tx.tick == 10000,
             "neutral values: %ld/%s status %#x", r, t_errname(errno), tx.status);
    tx = (struct ktimex){.modes = ADJ_SINGLESHOT_};
    T_EXPECT(adjtimex_(&tx) == TIME_OK_ && tx.offset == 0, "singleshot 0: %s", t_errname(errno));
    tx = (struct ktimex){.modes = ADJ_STATUS_, .status = STA_UNSYNC_};
    r = adjtimex_(&tx);
    T_EXPECT(r == TIME_ERROR_ && tx.status == STA_UNSYNC_, "back: %ld %#x", r, tx.status);
    tx = (struct ktimex){.modes = ADJ_MAXERROR_ | ADJ_ESTERROR_ | ADJ_TIMECONST_,
                         .maxerror = PHASE_LIMIT,
                         .esterror = PHASE_LIMIT,
                         .constant = -2};
    T_EXPECT(adjtimex_(&tx) == TIME_ERROR_ && tx.constant == 4, "constant -2: %lld", tx.constant);
    tx = (struct ktimex){.modes = ADJ_TIMECONST_ | ADJ_NANO_, .constant = 2}; /* no +4 */
    T_EXPECT(adjtimex_(&tx) == TIME_ERROR_ && tx.constant == 2, "constant: %lld", tx.constant);
    tx = (struct ktimex){.modes = ADJ_MICRO_};
    T_EXPECT(adjtimex_(&tx) == TIME_ERROR_ && tx.status == STA_UNSYNC_, "status %#x", tx.status);
}

/* ADJ_SETOFFSET steps the clock as clock_settime does (ADJ_NANO: the
 * offset in nanoseconds), and a step leaves the NTP state unsynchronised. */
static void case_adj_setoffset(void)
{
    if (!t_uniplex())
        return;
    struct ktimex tx = {.modes = ADJ_STATUS_ | ADJ_MAXERROR_, .status = STA_PLL_, .maxerror = 0};
    T_EXPECT(adjtimex_(&tx) == TIME_OK_, "synchronise: %s", t_errname(errno));
    int64_t rt0 = now_ns(CLOCK_REALTIME), m0 = now_ns(CLOCK_MONOTONIC);
    tx = (struct ktimex){.modes = ADJ_SETOFFSET_, .sec = 200, .usec = 500000};
    long r = adjtimex_(&tx);
    int64_t rt1 = now_ns(CLOCK_REALTIME), m1 = now_ns(CLOCK_MONOTONIC);
    tx = (struct ktimex){.modes = ADJ_SETOFFSET_ | ADJ_NANO_, .sec = -201, .usec = 500000000};
    long r2 = adjtimex_(&tx);
    int64_t rt2 = now_ns(CLOCK_REALTIME), m2 = now_ns(CLOCK_MONOTONIC);
    struct ktimex st = {.modes = ADJ_MICRO_};
    adjtimex_(&st);
    int64_t j1 = (rt1 - rt0) - (m1 - m0), j2 = (rt2 - rt1) - (m2 - m1);
    T_EXPECT(r == TIME_ERROR_ && j1 > 200500 * 1000000LL - 50 * MS &&
                 j1 < 200500 * 1000000LL + 50 * MS,
             "ADJ_SETOFFSET: %ld, moved %lld", r, (long long)j1);
    T_EXPECT(r2 == TIME_ERROR_ && j2 > -200500 * 1000000LL - 50 * MS &&
                 j2 < -200500 * 1000000LL + 50 * MS,
             "ADJ_SETOFFSET | ADJ_NANO: %ld, moved %lld", r2, (long long)j2);
    struct ktimex back = {.modes = ADJ_STATUS_, .status = STA_UNSYNC_};
    adjtimex_(&back);
    T_EXPECT(st.status == (STA_PLL_ | STA_UNSYNC_) && st.maxerror == PHASE_LIMIT &&
                 st.esterror == PHASE_LIMIT,
             "after a step: status %#x maxerror %lld", st.status, st.maxerror);
    T_EXPECT(back.status == STA_UNSYNC_, "status put back: %#x", back.status);
}

static const struct t_case cases[] = {
    {"settime_errors", case_settime_errors},
    {"settod_errors", case_settod_errors},
    {"eperm", case_eperm},
    {"step", case_step},
    {"settod", case_settod},
    {"abs_sleep", case_abs_sleep},
    {"abs_sleep_back", case_abs_sleep_back},
    {"abs_timer", case_abs_timer},
    {"timerfd", case_timerfd},
    {"timerfd_cancel", case_timerfd_cancel},
    {"cond_timedwait", case_cond_timedwait},
    {"adj_read", case_adj_read},
    {"adj_errors", case_adj_errors},
    {"adj_set", case_adj_set},
    {"adj_setoffset", case_adj_setoffset},
};

int main(int argc, char **argv)
{
    if (host_root()) {
        printf("clocks: run on the host as a user without CAP_SYS_TIME, never as root\n");
        return 2;
    }
    return t_run_cases("clocks", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
