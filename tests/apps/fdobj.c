/* fdobj: eventfd, timerfd and signalfd (issue 16, item 6), objects behind
 * descriptors that poll, select and blocking reads wait on.
 *
 *   eventfd: counter and semaphore reads, a blocking read woken by a
 *   write from another process, a write blocked at the top woken by a
 *   read, EAGAIN, poll and select readiness (and a poll woken from
 *   another process), O_NONBLOCK by fcntl, fork sharing, the errnos
 *   timerfd: one-shot, interval with its overrun count, TFD_TIMER_ABSTIME
 *   on CLOCK_MONOTONIC and CLOCK_REALTIME (and a time past), gettime and
 *   settime's old value, EAGAIN, settime dropping unread expirations,
 *   poll and select readiness, a close while armed, the alarm clocks'
 *   EPERM without privilege, the errnos
 *   signalfd: a blocked signal sent to itself, sigqueue's value (ssi_int,
 *   ssi_ptr) and real-time order, SIGCHLD's status, poll readiness and a
 *   blocking read woken by a signal from another process, a mask update,
 *   SIGKILL/SIGSTOP ignored in the mask, fork sharing, the errnos
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 10
/* An address no program has mapped (volatile: opaque to the compiler's
 * bounds checks). */
static void *volatile BAD = (void *)8;
#define NS 1000000000LL
#define MS 1000000LL

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)

#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

/* ---- helpers ---- */

/* F_GETFL less O_LARGEFILE, which Uniplex shows on every file (Linux only
 * on those open(2) made). */
static int getfl(int fd)
{
    return fcntl(fd, F_GETFL) & ~O_LARGEFILE;
}

static long long now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ts.tv_sec * NS + ts.tv_nsec;
}

static struct timespec ts_of(long long ns)
{
    return (struct timespec){(time_t)(ns / NS), (long)(ns % NS)};
}

static long long ns_of(struct timespec ts)
{
    return ts.tv_sec * NS + ts.tv_nsec;
}

static uint64_t read_u64(const char *what, int fd)
{
    uint64_t v = 0;
    EXPECT_RET(what, read(fd, &v, sizeof(v)), 8);
    return v;
}

static void write_u64(const char *what, int fd, uint64_t v)
{
    EXPECT_RET(what, write(fd, &v, sizeof(v)), 8);
}

/* poll of one fd for POLLIN|POLLOUT with timeout ms: its revents (0 when
 * nothing was ready). */
static int poll1(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    int r = poll(&p, 1, ms);
    if (r < 0)
        t_die("poll: %s", t_errname(errno));
    return r ? p.revents : 0;
}

/* select of one fd, reading (and writing, if w) with timeout ms: bit 1
 * readable, bit 2 writable. */
static int select1(int fd, int w, int ms)
{
    fd_set r, wr;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    FD_ZERO(&r);
    FD_ZERO(&wr);
    FD_SET(fd, &r);
    if (w)
        FD_SET(fd, &wr);
    int n = select(fd + 1, &r, w ? &wr : NULL, NULL, &tv);
    if (n < 0)
        t_die("select: %s", t_errname(errno));
    return (FD_ISSET(fd, &r) ? 1 : 0) | (w && FD_ISSET(fd, &wr) ? 2 : 0);
}

/* A child that, once the parent sleeps (in the call the case makes next),
 * runs fn(arg) and exits 0. */
static pid_t after_parent_sleeps(void (*fn)(long), long arg)
{
    pid_t parent = getpid(), pid = fork();
    if (pid < 0)
        t_die("fork: %s", t_errname(errno));
    if (pid > 0)
        return pid;
    double t0 = p_now_us();
    while (t_proc_state(parent) != 'S') {
        if (p_now_us() - t0 > 3e6)
            t_die("the parent never went to sleep");
        usleep(1000);
    }
    fn(arg);
    _exit(0);
}

static void reap_ok(pid_t pid)
{
    int st = 0;
    if (p_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        t_die("child %d: %s", (int)pid, p_status_str(st));
}

/* ---- eventfd ---- */

static void case_efd_counter(void)
{
    int fd = eventfd(5, EFD_NONBLOCK);
    T_EXPECT(fd >= 0, "eventfd: %s", t_errname(errno));
    write_u64("write 3", fd, 3);
    write_u64("write 0", fd, 0);
    T_EXPECT(read_u64("read", fd) == 8, "read did not give the whole count 8");
    uint64_t v;
    EXPECT_ERR("read at 0", read(fd, &v, 8), EAGAIN);
    write_u64("write 1", fd, 1);
    char big[16];
    EXPECT_RET("read into 16 bytes", read(fd, big, sizeof(big)), 8);
    int raw = (int)syscall(SYS_eventfd2, 0x100000002ull, EFD_NONBLOCK);
    T_EXPECT(read_u64("read initval", raw) == 2, "initval's upper 32 bits were not ignored");
    int old = (int)syscall(SYS_eventfd, 4);
    T_EXPECT(old >= 0 && read_u64("eventfd(2) read", old) == 4, "eventfd (no flags) broken");
}

static void case_efd_semaphore(void)
{
    int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
    T_EXPECT(fd >= 0, "eventfd: %s", t_errname(errno));
    for (int i = 0; i < 3; i++)
        T_EXPECT(read_u64("semaphore read", fd) == 1, "semaphore read %d was not 1", i);
    uint64_t v;
    EXPECT_ERR("semaphore read at 0", read(fd, &v, 8), EAGAIN);
    write_u64("write 2", fd, 2);
    T_EXPECT(read_u64("read", fd) == 1 && read_u64("read", fd) == 1, "after write 2: not 1, 1");
    EXPECT_ERR("read at 0 again", read(fd, &v, 8), EAGAIN);
}

static int efd_shared;

static void write_shared(long v)
{
    uint64_t u = (uint64_t)v;
    if (write(efd_shared, &u, 8) != 8)
        _exit(3);
}

static void read_shared(long v)
{
    uint64_t u;
    if (read(efd_shared, &u, 8) != 8 || u != (uint64_t)v)
        _exit(4);
}

/* The parent's read sleeps until the child (sharing the eventfd by fork)
 * writes. */
static void case_efd_blocking_read(void)
{
    efd_shared = eventfd(0, 0);
    T_EXPECT(efd_shared >= 0, "eventfd: %s", t_errname(errno));
    pid_t c = after_parent_sleeps(write_shared, 7);
    T_EXPECT(read_u64("blocking read", efd_shared) == 7, "read gave not the child's 7");
    reap_ok(c);
}

/* At the top (0xfffffffffffffffe) a write waits, or is EAGAIN; a read by
 * another process lets it in. */
static void case_efd_overflow(void)
{
    uint64_t top = 0xfffffffffffffffeull, v = ~0ull;
    efd_shared = eventfd(0, 0);
    T_EXPECT(efd_shared >= 0, "eventfd: %s", t_errname(errno));
    EXPECT_ERR("write of 2^64-1", write(efd_shared, &v, 8), EINVAL);
    write_u64("write the top", efd_shared, top);
    T_EXPECT(poll1(efd_shared, 0) == POLLIN, "at the top: poll %#x, expected POLLIN only",
             poll1(efd_shared, 0));
    T_EXPECT(select1(efd_shared, 1, 0) == 1, "at the top: select not readable only");
    fcntl(efd_shared, F_SETFL, O_NONBLOCK);
    v = 1;
    EXPECT_ERR("nonblocking write over the top", write(efd_shared, &v, 8), EAGAIN);
    fcntl(efd_shared, F_SETFL, 0);
    pid_t c = after_parent_sleeps(read_shared, (long)top);
    write_u64("blocking write of 5", efd_shared, 5);
    reap_ok(c);
    T_EXPECT(read_u64("read", efd_shared) == 5, "after the child's read: not 5");
}

static void case_efd_poll(void)
{
    efd_shared = eventfd(0, EFD_NONBLOCK);
    T_EXPECT(efd_shared >= 0, "eventfd: %s", t_errname(errno));
    T_EXPECT(poll1(efd_shared, 0) == POLLOUT, "at 0: poll %#x, expected POLLOUT",
             poll1(efd_shared, 0));
    T_EXPECT(select1(efd_shared, 1, 0) == 2, "at 0: select not writable only");
    write_u64("write", efd_shared, 1);
    T_EXPECT(poll1(efd_shared, 0) == (POLLIN | POLLOUT), "at 1: poll %#x", poll1(efd_shared, 0));
    T_EXPECT(select1(efd_shared, 1, 0) == 3, "at 1: select not readable and writable");
    read_u64("read", efd_shared);
    /* A poll for reading, woken by another process's write. */
    pid_t c = after_parent_sleeps(write_shared, 9);
    struct pollfd p = {efd_shared, POLLIN, 0};
    EXPECT_RET("poll woken by a write", poll(&p, 1, 5000), 1);
    T_EXPECT(p.revents == POLLIN, "revents %#x", p.revents);
    reap_ok(c);
    read_u64("read", efd_shared);
    c = after_parent_sleeps(write_shared, 9);
    T_EXPECT(select1(efd_shared, 0, 5000) == 1, "select not woken by a write");
    reap_ok(c);
}

static void case_efd_flags(void)
{
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    T_EXPECT(fd >= 0, "eventfd: %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "EFD_CLOEXEC not set");
    T_EXPECT(getfl(fd) == (O_RDWR | O_NONBLOCK), "F_GETFL %#x", getfl(fd));
    fd = eventfd(0, 0);
    T_EXPECT(fcntl(fd, F_GETFD) == 0 && getfl(fd) == O_RDWR, "flags without flags");
    EXPECT_RET("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    uint64_t v;
    EXPECT_ERR("read after F_SETFL O_NONBLOCK", read(fd, &v, 8), EAGAIN);
    struct stat st;
    EXPECT_RET("fstat", fstat(fd, &st), 0);
    T_EXPECT((st.st_mode & 07777) == 0600, "mode %o", (unsigned)st.st_mode);
}

static void case_efd_errors(void)
{
    EXPECT_ERR("eventfd2 flag 8", syscall(SYS_eventfd2, 0, 8), EINVAL);
    EXPECT_ERR("eventfd2 O_RDWR", syscall(SYS_eventfd2, 0, O_RDWR), EINVAL);
    EXPECT_ERR("eventfd2 O_APPEND", syscall(SYS_eventfd2, 0, O_APPEND), EINVAL);
    int fd = eventfd(1, EFD_NONBLOCK);
    uint64_t v = 1;
    char small[7];
    EXPECT_ERR("read of 7 bytes", read(fd, small, sizeof(small)), EINVAL);
    EXPECT_ERR("write of 7 bytes", write(fd, &v, 7), EINVAL);
    EXPECT_ERR("read to a bad pointer", read(fd, BAD, 8), EFAULT);
    EXPECT_ERR("write from a bad pointer", write(fd, BAD, 8), EFAULT);
    EXPECT_ERR("pread", pread(fd, &v, 8, 0), ESPIPE);
}

/* ---- timerfd ---- */

static void settime(int fd, int flags, long long value, long long interval, struct itimerspec *old)
{
    struct itimerspec its = {ts_of(interval), ts_of(value)};
    EXPECT_RET("timerfd_settime", timerfd_settime(fd, flags, &its, old), 0);
}

static void case_tfd_oneshot(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    long long t0 = now_ns(CLOCK_MONOTONIC);
    settime(fd, 0, 50 * MS, 0, NULL);
    T_EXPECT(read_u64("blocking read", fd) == 1, "one-shot: not 1 expiration");
    long long dt = now_ns(CLOCK_MONOTONIC) - t0;
    T_EXPECT(dt >= 50 * MS, "read returned after %lld ns, before 50 ms", dt);
    struct itimerspec cur;
    EXPECT_RET("gettime", timerfd_gettime(fd, &cur), 0);
    T_EXPECT(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == 0, "expired one-shot not 0/0");
    fcntl(fd, F_SETFL, O_NONBLOCK);
    uint64_t v;
    EXPECT_ERR("second read", read(fd, &v, 8), EAGAIN);
}

/* Expirations at start + k * iv: those up to now, counted by one read. */
static void case_tfd_interval(void)
{
    const long long iv = 20 * MS;
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    long long t0a = now_ns(CLOCK_MONOTONIC);
    settime(fd, 0, iv, iv, NULL);
    long long t0b = now_ns(CLOCK_MONOTONIC);
    p_sleep_ms(210);
    long long t1a = now_ns(CLOCK_MONOTONIC);
    uint64_t n = read_u64("read", fd);
    long long t1b = now_ns(CLOCK_MONOTONIC);
    long long lo = (t1a - t0b) / iv, hi = (t1b - t0a) / iv;
    T_EXPECT((long long)n >= lo && (long long)n <= hi, "%llu expirations, expected %lld..%lld",
             (unsigned long long)n, lo, hi);
    /* The timer goes on: the next expirations are counted from there. */
    T_EXPECT(read_u64("next read", fd) >= 1, "the interval timer stopped");
    struct itimerspec cur;
    EXPECT_RET("gettime", timerfd_gettime(fd, &cur), 0);
    T_EXPECT(ns_of(cur.it_interval) == iv && ns_of(cur.it_value) > 0 && ns_of(cur.it_value) <= iv,
             "gettime %lld/%lld", ns_of(cur.it_value), ns_of(cur.it_interval));
}

static void case_tfd_abstime(void)
{
    int m = timerfd_create(CLOCK_MONOTONIC, 0), r = timerfd_create(CLOCK_REALTIME, 0);
    T_EXPECT(m >= 0 && r >= 0, "timerfd_create: %s", t_errname(errno));
    long long at = now_ns(CLOCK_MONOTONIC) + 50 * MS;
    settime(m, TFD_TIMER_ABSTIME, at, 0, NULL);
    T_EXPECT(read_u64("monotonic read", m) == 1, "monotonic: not 1");
    T_EXPECT(now_ns(CLOCK_MONOTONIC) >= at, "monotonic: expired before its time");
    at = now_ns(CLOCK_REALTIME) + 50 * MS;
    settime(r, TFD_TIMER_ABSTIME, at, 0, NULL);
    T_EXPECT(read_u64("realtime read", r) == 1, "realtime: not 1");
    T_EXPECT(now_ns(CLOCK_REALTIME) >= at, "realtime: expired before its time");
    /* A time a second past, every 100 ms: expired 11 times already (at
     * the time and ten intervals on). */
    long long iv = 100 * MS, ta = now_ns(CLOCK_REALTIME);
    settime(r, TFD_TIMER_ABSTIME, ta - NS, iv, NULL);
    fcntl(r, F_SETFL, O_NONBLOCK);
    uint64_t n = read_u64("read of a time past", r);
    long long tb = now_ns(CLOCK_REALTIME);
    long long lo = NS / iv + 1, hi = (tb - ta + NS) / iv + 1;
    T_EXPECT((long long)n >= lo && (long long)n <= hi, "%llu expirations, expected %lld..%lld",
             (unsigned long long)n, lo, hi);
}

static void case_tfd_gettime(void)
{
    int fd = timerfd_create(CLOCK_BOOTTIME, TFD_NONBLOCK);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    struct itimerspec cur, old;
    EXPECT_RET("gettime unarmed", timerfd_gettime(fd, &cur), 0);
    T_EXPECT(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == 0, "unarmed not 0/0");
    settime(fd, 0, 10 * NS, 2 * NS, &old);
    T_EXPECT(ns_of(old.it_value) == 0 && ns_of(old.it_interval) == 0, "old of unarmed not 0/0");
    EXPECT_RET("gettime", timerfd_gettime(fd, &cur), 0);
    T_EXPECT(ns_of(cur.it_interval) == 2 * NS && ns_of(cur.it_value) <= 10 * NS &&
                 ns_of(cur.it_value) > 9 * NS,
             "gettime %lld/%lld", ns_of(cur.it_value), ns_of(cur.it_interval));
    settime(fd, 0, 0, NS, &old); /* disarmed; the interval is kept */
    T_EXPECT(ns_of(old.it_interval) == 2 * NS && ns_of(old.it_value) > 9 * NS, "old %lld/%lld",
             ns_of(old.it_value), ns_of(old.it_interval));
    EXPECT_RET("gettime disarmed", timerfd_gettime(fd, &cur), 0);
    T_EXPECT(ns_of(cur.it_value) == 0 && ns_of(cur.it_interval) == NS, "disarmed %lld/%lld",
             ns_of(cur.it_value), ns_of(cur.it_interval));
    uint64_t v;
    EXPECT_ERR("read disarmed", read(fd, &v, 8), EAGAIN);
}

/* settime drops the expirations not read yet; O_NONBLOCK by fcntl. */
static void case_tfd_nonblock(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    T_EXPECT(fcntl(fd, F_GETFD) == FD_CLOEXEC, "TFD_CLOEXEC not set");
    T_EXPECT(getfl(fd) == (O_RDWR | O_NONBLOCK), "F_GETFL %#x", getfl(fd));
    uint64_t v;
    EXPECT_ERR("read unarmed", read(fd, &v, 8), EAGAIN);
    settime(fd, 0, 1 * MS, 0, NULL);
    p_sleep_ms(20);
    settime(fd, 0, 10 * NS, 0, NULL);
    EXPECT_ERR("read after settime", read(fd, &v, 8), EAGAIN);
    int b = timerfd_create(CLOCK_MONOTONIC, 0);
    EXPECT_RET("F_SETFL O_NONBLOCK", fcntl(b, F_SETFL, O_NONBLOCK), 0);
    EXPECT_ERR("read after F_SETFL", read(b, &v, 8), EAGAIN);
}

static void case_tfd_poll(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    T_EXPECT(poll1(fd, 0) == 0, "unarmed: poll %#x", poll1(fd, 0));
    long long t0 = now_ns(CLOCK_MONOTONIC);
    settime(fd, 0, 50 * MS, 0, NULL);
    T_EXPECT(poll1(fd, 0) == 0, "armed: poll %#x", poll1(fd, 0));
    struct pollfd p = {fd, POLLIN, 0};
    EXPECT_RET("poll until it expires", poll(&p, 1, 5000), 1);
    T_EXPECT(p.revents == POLLIN, "revents %#x", p.revents);
    T_EXPECT(now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS, "poll returned before the expiration");
    T_EXPECT(select1(fd, 1, 0) == 1, "expired: select not readable (only)");
    read_u64("read", fd);
    T_EXPECT(select1(fd, 0, 0) == 0, "read: select still readable");
    t0 = now_ns(CLOCK_MONOTONIC);
    settime(fd, 0, 50 * MS, 0, NULL);
    T_EXPECT(select1(fd, 0, 5000) == 1, "select did not see the expiration");
    T_EXPECT(now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS, "select returned before the expiration");
}

/* Shared by fork: the child reads the parent's timer; closing an armed
 * timer (in both) stops it. */
static void case_tfd_fork_close(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, 0);
    T_EXPECT(fd >= 0, "timerfd_create: %s", t_errname(errno));
    settime(fd, 0, 30 * MS, 0, NULL);
    pid_t c = fork();
    if (c == 0)
        _exit(read_u64("child's read", fd) == 1 ? 0 : 5);
    reap_ok(c);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    uint64_t v;
    EXPECT_ERR("parent's read after the child's", read(fd, &v, 8), EAGAIN);
    settime(fd, 0, 5 * MS, 5 * MS, NULL);
    close(fd);
    int e = eventfd(0, 0);
    p_sleep_ms(30); /* the closed timer's expirations must touch nothing */
    close(e);
}

static void case_tfd_alarm_clocks(void)
{
    int a = timerfd_create(CLOCK_REALTIME_ALARM, 0), b = timerfd_create(CLOCK_BOOTTIME_ALARM, 0);
    T_EXPECT(a >= 0 && b >= 0, "alarm clocks as root: %s", t_errname(errno));
    settime(b, 0, 20 * MS, 0, NULL);
    T_EXPECT(read_u64("read", b) == 1, "alarm timer: not 1");
    EXPECT_RET("setuid", setuid(1000), 0);
    EXPECT_ERR("CLOCK_REALTIME_ALARM unprivileged", timerfd_create(CLOCK_REALTIME_ALARM, 0), EPERM);
    EXPECT_ERR("CLOCK_BOOTTIME_ALARM unprivileged", timerfd_create(CLOCK_BOOTTIME_ALARM, 0), EPERM);
    EXPECT_ERR("bad flags before EPERM", timerfd_create(CLOCK_BOOTTIME_ALARM, 8), EINVAL);
}

static void case_tfd_errors(void)
{
    EXPECT_ERR("CLOCK_PROCESS_CPUTIME_ID", timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL);
    EXPECT_ERR("CLOCK_MONOTONIC_RAW", timerfd_create(CLOCK_MONOTONIC_RAW, 0), EINVAL);
    EXPECT_ERR("CLOCK_TAI", timerfd_create(CLOCK_TAI, 0), EINVAL);
    EXPECT_ERR("clock -1", timerfd_create(-1, 0), EINVAL);
    EXPECT_ERR("create flag 8", timerfd_create(CLOCK_MONOTONIC, 8), EINVAL);
    EXPECT_ERR("create O_RDWR", timerfd_create(CLOCK_MONOTONIC, O_RDWR), EINVAL);
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), e = eventfd(0, 0);
    struct itimerspec its = {{0, 0}, {0, 0}}, cur;
    EXPECT_ERR("settime flag 4", timerfd_settime(fd, 4, &its, NULL), EINVAL);
    its.it_value.tv_nsec = 1000000000;
    EXPECT_ERR("nsec 1e9", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value.tv_nsec = -1;
    EXPECT_ERR("nsec -1", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_value = (struct timespec){-1, 0};
    EXPECT_ERR("sec -1", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    EXPECT_ERR("bad timespec before EBADF", timerfd_settime(99, 0, &its, NULL), EINVAL);
    its.it_value = (struct timespec){0, 0};
    its.it_interval.tv_nsec = 1000000000;
    EXPECT_ERR("interval nsec 1e9", timerfd_settime(fd, 0, &its, NULL), EINVAL);
    its.it_interval.tv_nsec = 0;
    EXPECT_ERR("settime new bad", timerfd_settime(fd, 0, BAD, NULL), EFAULT);
    EXPECT_ERR("settime old bad", timerfd_settime(fd, 0, &its, BAD), EFAULT);
    EXPECT_ERR("settime fd 99", timerfd_settime(99, 0, &its, NULL), EBADF);
    EXPECT_ERR("settime on an eventfd", timerfd_settime(e, 0, &its, NULL), EINVAL);
    EXPECT_ERR("gettime bad", timerfd_gettime(fd, BAD), EFAULT);
    EXPECT_ERR("gettime fd 99", timerfd_gettime(99, &cur), EBADF);
    EXPECT_ERR("gettime on an eventfd", timerfd_gettime(e, &cur), EINVAL);
    uint64_t v = 1;
    EXPECT_ERR("write", write(fd, &v, 8), EINVAL);
    settime(fd, 0, 1 * MS, 0, NULL);
    p_sleep_ms(10);
    char small[7];
    EXPECT_ERR("read of 7 bytes", read(fd, small, sizeof(small)), EINVAL);
    EXPECT_ERR("read to a bad pointer", read(fd, BAD, 8), EFAULT);
    EXPECT_RET("TFD_TIMER_CANCEL_ON_SET", timerfd_settime(fd, TFD_TIMER_CANCEL_ON_SET, &its, 0), 0);
}

/* ---- signalfd ---- */

static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, NULL);
}

static int sfd_of(int fd, int a, int b, int flags)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, a);
    if (b)
        sigaddset(&s, b);
    return signalfd(fd, &s, flags);
}

static void read_info(const char *what, int fd, struct signalfd_siginfo *si)
{
    EXPECT_RET(what, read(fd, si, sizeof(*si)), sizeof(*si));
}

static void case_sfd_self(void)
{
    _Static_assert(sizeof(struct signalfd_siginfo) == 128, "signalfd_siginfo");
    block(SIGUSR1);
    int fd = sfd_of(-1, SIGUSR1, 0, SFD_NONBLOCK);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    struct signalfd_siginfo si;
    EXPECT_ERR("read, nothing pending", read(fd, &si, sizeof(si)), EAGAIN);
    T_EXPECT(poll1(fd, 0) == 0, "nothing pending: poll %#x", poll1(fd, 0));
    kill(getpid(), SIGUSR1);
    T_EXPECT(poll1(fd, 0) == POLLIN, "pending: poll %#x", poll1(fd, 0));
    T_EXPECT(select1(fd, 0, 0) == 1, "pending: select not readable");
    read_info("read", fd, &si);
    T_EXPECT(si.ssi_signo == SIGUSR1 && si.ssi_code == SI_USER, "signo %u code %d", si.ssi_signo,
             si.ssi_code);
    T_EXPECT(si.ssi_pid == (uint32_t)getpid() && si.ssi_uid == getuid(), "pid %u uid %u",
             si.ssi_pid, si.ssi_uid);
    sigset_t pend;
    sigpending(&pend);
    T_EXPECT(!sigismember(&pend, SIGUSR1), "SIGUSR1 still pending after the read");
    EXPECT_ERR("read again", read(fd, &si, sizeof(si)), EAGAIN);
    /* A signal for this thread alone (tgkill) is read too. */
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
    read_info("read of tgkill's", fd, &si);
    T_EXPECT(si.ssi_signo == SIGUSR1 && si.ssi_code == SI_TKILL, "tgkill: signo %u code %d",
             si.ssi_signo, si.ssi_code);
}

static void case_sfd_sigqueue(void)
{
    int rt = SIGRTMIN + 1;
    block(SIGUSR2);
    block(rt);
    int fd = sfd_of(-1, SIGUSR2, rt, SFD_NONBLOCK);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    void *ptr = (void *)0x123456789abcull;
    sigqueue(getpid(), SIGUSR2, (union sigval){.sival_ptr = ptr});
    struct signalfd_siginfo si[4];
    read_info("read", fd, &si[0]);
    T_EXPECT(si[0].ssi_signo == SIGUSR2 && si[0].ssi_code == SI_QUEUE, "signo %u code %d",
             si[0].ssi_signo, si[0].ssi_code);
    T_EXPECT(si[0].ssi_ptr == (uint64_t)ptr && si[0].ssi_pid == (uint32_t)getpid(),
             "ssi_ptr %#llx pid %u", (unsigned long long)si[0].ssi_ptr, si[0].ssi_pid);
    for (int i = 1; i <= 3; i++)
        sigqueue(getpid(), rt, (union sigval){.sival_int = 100 + i});
    /* Two fit in the buffer (and a bit): two are read, in order. */
    EXPECT_RET("read of two", read(fd, si, 2 * sizeof(si[0]) + 100), 2 * sizeof(si[0]));
    EXPECT_RET("read of the third", read(fd, &si[2], 2 * sizeof(si[0])), sizeof(si[0]));
    for (int i = 0; i < 3; i++)
        T_EXPECT(si[i].ssi_signo == (uint32_t)rt && si[i].ssi_int == 100 + i + 1 &&
                     si[i].ssi_code == SI_QUEUE,
                 "record %d: signo %u int %d code %d", i, si[i].ssi_signo, si[i].ssi_int,
                 si[i].ssi_code);
}

static void case_sfd_sigchld(void)
{
    block(SIGCHLD);
    int fd = sfd_of(-1, SIGCHLD, 0, 0);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    pid_t c = fork();
    if (c == 0)
        _exit(7);
    struct signalfd_siginfo si;
    read_info("blocking read", fd, &si);
    T_EXPECT(si.ssi_signo == SIGCHLD && si.ssi_code == CLD_EXITED && si.ssi_status == 7 &&
                 si.ssi_pid == (uint32_t)c,
             "signo %u code %d status %d pid %u", si.ssi_signo, si.ssi_code, si.ssi_status,
             si.ssi_pid);
    p_wait(c, NULL, 0);
}

static pid_t sfd_parent;

static void send_sig(long sig)
{
    kill(sfd_parent, (int)sig);
}

/* poll and a blocking read, each woken by another process's signal. */
static void case_sfd_other_process(void)
{
    sfd_parent = getpid();
    block(SIGUSR1);
    block(SIGUSR2);
    int fd = sfd_of(-1, SIGUSR1, SIGUSR2, 0);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    pid_t c = after_parent_sleeps(send_sig, SIGUSR1);
    struct pollfd p = {fd, POLLIN, 0};
    EXPECT_RET("poll woken by a signal", poll(&p, 1, 5000), 1);
    T_EXPECT(p.revents == POLLIN, "revents %#x", p.revents);
    reap_ok(c);
    struct signalfd_siginfo si;
    read_info("read", fd, &si);
    T_EXPECT(si.ssi_signo == SIGUSR1 && si.ssi_pid == (uint32_t)c, "signo %u from %u", si.ssi_signo,
             si.ssi_pid);
    c = after_parent_sleeps(send_sig, SIGUSR2);
    read_info("blocking read", fd, &si);
    T_EXPECT(si.ssi_signo == SIGUSR2 && si.ssi_pid == (uint32_t)c, "signo %u from %u", si.ssi_signo,
             si.ssi_pid);
    reap_ok(c);
    c = after_parent_sleeps(send_sig, SIGUSR1);
    T_EXPECT(select1(fd, 0, 5000) == 1, "select not woken by a signal");
    reap_ok(c);
}

/* A signalfd shared by fork reads each process's own signals. */
static void case_sfd_fork(void)
{
    block(SIGUSR1);
    int fd = sfd_of(-1, SIGUSR1, 0, SFD_NONBLOCK);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    kill(getpid(), SIGUSR1);
    pid_t c = fork();
    if (c == 0) {
        struct signalfd_siginfo si;
        if (read(fd, &si, sizeof(si)) != -1 || errno != EAGAIN)
            _exit(6); /* the parent's pending signal is not the child's */
        kill(getpid(), SIGUSR1);
        _exit(read(fd, &si, sizeof(si)) == sizeof(si) && si.ssi_pid == (uint32_t)getpid() ? 0 : 7);
    }
    reap_ok(c);
    struct signalfd_siginfo si;
    read_info("parent's read", fd, &si);
    T_EXPECT(si.ssi_pid == (uint32_t)getpid(), "parent read a signal from %u", si.ssi_pid);
}

static void case_sfd_mask_update(void)
{
    block(SIGUSR1);
    block(SIGUSR2);
    int fd = sfd_of(-1, SIGUSR1, 0, SFD_NONBLOCK);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    kill(getpid(), SIGUSR2);
    struct signalfd_siginfo si;
    EXPECT_ERR("SIGUSR2 not in the mask", read(fd, &si, sizeof(si)), EAGAIN);
    T_EXPECT(poll1(fd, 0) == 0, "poll %#x for a signal not in the mask", poll1(fd, 0));
    EXPECT_RET("update", sfd_of(fd, SIGUSR1, SIGUSR2, SFD_CLOEXEC), fd);
    T_EXPECT(fcntl(fd, F_GETFD) == 0, "an update's SFD_CLOEXEC was applied");
    T_EXPECT(poll1(fd, 0) == POLLIN, "after the update: poll %#x", poll1(fd, 0));
    read_info("read", fd, &si);
    T_EXPECT(si.ssi_signo == SIGUSR2, "signo %u", si.ssi_signo);
    /* SIGKILL and SIGSTOP in a mask are left out silently. */
    sigset_t all;
    sigfillset(&all);
    int f2 = signalfd(-1, &all, SFD_CLOEXEC | SFD_NONBLOCK);
    T_EXPECT(f2 >= 0, "a full mask: %s", t_errname(errno));
    T_EXPECT(fcntl(f2, F_GETFD) == FD_CLOEXEC, "SFD_CLOEXEC not set");
    T_EXPECT(getfl(f2) == (O_RDWR | O_NONBLOCK), "F_GETFL %#x", getfl(f2));
    int f3 = sfd_of(-1, SIGUSR1, 0, 0);
    EXPECT_RET("F_SETFL O_NONBLOCK", fcntl(f3, F_SETFL, O_NONBLOCK), 0);
    EXPECT_ERR("read after F_SETFL", read(f3, &si, sizeof(si)), EAGAIN);
}

static void case_sfd_errors(void)
{
    sigset_t m;
    sigemptyset(&m);
    sigaddset(&m, SIGUSR1);
    block(SIGUSR1);
    int e = eventfd(0, 0);
    EXPECT_ERR("size 4", syscall(SYS_signalfd4, -1, &m, 4, 0), EINVAL);
    EXPECT_ERR("size 16", syscall(SYS_signalfd, -1, &m, 16), EINVAL);
    EXPECT_ERR("bad mask", syscall(SYS_signalfd4, -1, BAD, 8, 0), EFAULT);
    EXPECT_ERR("flag 8", syscall(SYS_signalfd4, -1, &m, 8, 8), EINVAL);
    EXPECT_ERR("flags before EBADF", syscall(SYS_signalfd4, 99, &m, 8, 8), EINVAL);
    EXPECT_ERR("fd 99", syscall(SYS_signalfd4, 99, &m, 8, 0), EBADF);
    EXPECT_ERR("fd -2", syscall(SYS_signalfd4, -2, &m, 8, 0), EBADF);
    EXPECT_ERR("an eventfd", syscall(SYS_signalfd4, e, &m, 8, 0), EINVAL);
    int fd = (int)syscall(SYS_signalfd, -1, &m, 8);
    T_EXPECT(fd >= 0, "signalfd (no flags): %s", t_errname(errno));
    char small[127];
    uint64_t v = 1;
    EXPECT_ERR("read of 127 bytes", read(fd, small, sizeof(small)), EINVAL);
    EXPECT_ERR("write", write(fd, &v, 8), EINVAL);
    kill(getpid(), SIGUSR1);
    EXPECT_ERR("read to a bad pointer", read(fd, BAD, 128), EFAULT);
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"eventfd-counter", case_efd_counter},
    {"eventfd-semaphore", case_efd_semaphore},
    {"eventfd-blocking-read-woken-by-write", case_efd_blocking_read},
    {"eventfd-overflow-blocks-write", case_efd_overflow},
    {"eventfd-poll-select", case_efd_poll},
    {"eventfd-flags", case_efd_flags},
    {"eventfd-errors", case_efd_errors},
    {"timerfd-oneshot", case_tfd_oneshot},
    {"timerfd-interval-overruns", case_tfd_interval},
    {"timerfd-abstime", case_tfd_abstime},
    {"timerfd-gettime-old-value", case_tfd_gettime},
    {"timerfd-nonblock", case_tfd_nonblock},
    {"timerfd-poll-select", case_tfd_poll},
    {"timerfd-fork-and-close", case_tfd_fork_close},
    {"timerfd-alarm-clocks", case_tfd_alarm_clocks},
    {"timerfd-errors", case_tfd_errors},
    {"signalfd-self", case_sfd_self},
    {"signalfd-sigqueue-values", case_sfd_sigqueue},
    {"signalfd-sigchld", case_sfd_sigchld},
    {"signalfd-other-process", case_sfd_other_process},
    {"signalfd-fork", case_sfd_fork},
    {"signalfd-mask-update", case_sfd_mask_update},
    {"signalfd-errors", case_sfd_errors},
};

int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[300];
        int st = 0;
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, T_CASE_GROUP, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return t_done("fdobj");
}
