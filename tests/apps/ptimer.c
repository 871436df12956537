/* POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun and timer_delete (kernel/proc/ptimer.c). Each notify
 * kind (SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD_ID, a NULL sigevent, the libc's
 * SIGEV_THREAD), relative and absolute times, intervals and overruns,
 * the CPU-time clocks, signalfd's view, the errors, the limit, fork and
 * exec. The kernel calls are made raw (ids as the kernel gives them); the
 * SIGEV_THREAD case goes through the libc's timer_create (musl's or
 * glibc's: the suite is built with both). Runs on Linux too. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "t.h"
#include "tcase.h"

#define ALARM_S 10
#define MS      1000000L
#define BADPTR  ((void *)8) /* never mapped */

#ifndef SIGEV_THREAD_ID
#define SIGEV_THREAD_ID 4
#endif
#ifndef SI_TIMER
#define SI_TIMER (-2)
#endif

/* capget/capset's header and data (no kernel headers with musl-gcc). */
#define CAP_VERSION_3  0x20080522
#define CAP_WAKE_ALARM 35
struct cap_header {
    unsigned version;
    int pid;
};
struct cap_data {
    unsigned effective, permitted, inheritable;
};

/* The kernel's struct sigevent. */
struct ksev {
    union sigval value;
    int signo, notify;
    int tid;
    int pad[11];
};

static long tcreate(clockid_t c, struct ksev *ev, int *id)
{
    return syscall(SYS_timer_create, c, ev, id);
}
static long tset(int id, int flags, const struct itimerspec *n, struct itimerspec *o)
{
    return syscall(SYS_timer_settime, id, flags, n, o);
}
static long tget(int id, struct itimerspec *cur)
{
    return syscall(SYS_timer_gettime, id, cur);
}
static long tover(int id)
{
    return syscall(SYS_timer_getoverrun, id);
}
static long tdel(int id)
{
    return syscall(SYS_timer_delete, id);
}

static int64_t ns_of(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}
static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return ns_of(&ts);
}
static struct timespec ts_of(int64_t ns)
{
    return (struct timespec){ns / 1000000000, ns % 1000000000};
}
static struct itimerspec its(int64_t value, int64_t interval)
{
    return (struct itimerspec){ts_of(interval), ts_of(value)};
}
static void sleep_ns(int64_t ns)
{
    struct timespec ts = ts_of(ns);
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Block sig (so it stays pending for sigtimedwait). */
static void block(int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_BLOCK, &s, 0);
}

/* Wait up to ms for sig: its siginfo, or the case fails. */
static siginfo_t wait_sig(int sig, long ms, const char *what)
{
    sigset_t s;
    siginfo_t si;
    sigemptyset(&s);
    sigaddset(&s, sig);
    struct timespec ts = ts_of(ms * MS);
    int r = sigtimedwait(&s, &si, &ts);
    T_EXPECT(r == sig, "%s: sigtimedwait %d/%s", what, r, t_errname(errno));
    return si;
}

static int is_pending(int sig)
{
    sigset_t s;
    sigpending(&s);
    return sigismember(&s, sig);
}

/* A timer on clock sending sig with value v to the process: its id. */
static int make(clockid_t clock, int sig, void *v)
{
    struct ksev ev = {.value.sival_ptr = v, .signo = sig, .notify = SIGEV_SIGNAL};
    int id = -1;
    T_EXPECT(tcreate(clock, &ev, &id) == 0, "timer_create: %s", t_errname(errno));
    return id;
}

static void arm(int id, int flags, int64_t value, int64_t interval)
{
    struct itimerspec v = its(value, interval);
    T_EXPECT(tset(id, flags, &v, 0) == 0, "timer_settime: %s", t_errname(errno));
}

/* SIGEV_SIGNAL: SI_TIMER with the timer's id, no overrun, its value, no
 * sooner than asked; a one-shot then reads as disarmed. */
static void case_signal(void)
{
    block(SIGUSR1);
    int id = make(CLOCK_MONOTONIC, SIGUSR1, (void *)0x5eed);
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    arm(id, 0, 30 * MS, 0);
    siginfo_t si = wait_sig(SIGUSR1, 2000, "signal");
    int64_t dt = now_ns(CLOCK_MONOTONIC) - t0;
    T_EXPECT(si.si_code == SI_TIMER, "si_code %d", si.si_code);
    T_EXPECT(si.si_timerid == id, "si_timerid %d, id %d", si.si_timerid, id);
    T_EXPECT(si.si_overrun == 0, "si_overrun %d", si.si_overrun);
    T_EXPECT(si.si_value.sival_ptr == (void *)0x5eed, "si_value %p", si.si_value.sival_ptr);
    T_EXPECT(dt >= 30 * MS, "came after %lld ns", (long long)dt);
    struct itimerspec cur;
    T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) == 0 && ns_of(&cur.it_interval) == 0,
             "one-shot after expiry: %lld", (long long)ns_of(&cur.it_value));
    T_EXPECT(tover(id) == 0, "getoverrun %ld", tover(id));
}

static volatile sig_atomic_t h_code, h_tid, h_int;
static void on_usr2(int sig, siginfo_t *si, void *uc)
{
    (void)sig, (void)uc;
    h_code = si->si_code;
    h_tid = si->si_timerid;
    h_int = si->si_value.sival_int;
}

/* The same through an SA_SIGINFO handler (the signal frame's siginfo). */
static void case_handler(void)
{
    struct sigaction sa = {.sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO};
    sigaction(SIGUSR2, &sa, 0);
    make(CLOCK_MONOTONIC, SIGUSR1, 0); /* so the one used is id 1, not 0 */
    struct ksev ev = {.value.sival_int = 77, .signo = SIGUSR2, .notify = SIGEV_SIGNAL};
    int id = -1;
    T_EXPECT(tcreate(CLOCK_REALTIME, &ev, &id) == 0, "create: %s", t_errname(errno));
    arm(id, 0, 10 * MS, 0);
    for (int i = 0; i < 200 && !h_code; i++)
        usleep(10000);
    T_EXPECT(h_code == SI_TIMER && h_tid == id && h_int == 77, "handler saw code %d tid %d int %d",
             (int)h_code, (int)h_tid, (int)h_int);
}

/* A NULL sigevent: SIGALRM, si_value the timer's id. Ids count up from 0
 * in each process and are not reused at once. */
static void case_null_sevp(void)
{
    int ids[3];
    for (int i = 0; i < 3; i++)
        T_EXPECT(tcreate(CLOCK_MONOTONIC, 0, &ids[i]) == 0, "create: %s", t_errname(errno));
    T_EXPECT(ids[0] == 0 && ids[1] == 1 && ids[2] == 2, "ids %d %d %d", ids[0], ids[1], ids[2]);
    T_EXPECT(tdel(ids[1]) == 0, "delete: %s", t_errname(errno));
    int next = -1;
    T_EXPECT(tcreate(CLOCK_MONOTONIC, 0, &next) == 0 && next == 3, "next id %d", next);
    alarm(0); /* the case's own watchdog is SIGALRM too */
    block(SIGALRM);
    arm(ids[2], 0, 10 * MS, 0);
    siginfo_t si = wait_sig(SIGALRM, 2000, "SIGALRM");
    alarm(ALARM_S);
    T_EXPECT(si.si_code == SI_TIMER && si.si_timerid == 2 && si.si_value.sival_int == 2,
             "code %d timerid %d value %d", si.si_code, si.si_timerid, si.si_value.sival_int);
}

/* SIGEV_NONE: no signal, but the timer runs: gettime counts down, an
 * interval one moves on. */
static void case_sigev_none(void)
{
    block(SIGUSR1);
    struct ksev ev = {.signo = SIGUSR1, .notify = SIGEV_NONE};
    int a, b;
    T_EXPECT(tcreate(CLOCK_MONOTONIC, &ev, &a) == 0 && tcreate(CLOCK_MONOTONIC, &ev, &b) == 0,
             "create: %s", t_errname(errno));
    arm(a, 0, 40 * MS, 0);
    arm(b, 0, 30 * MS, 50 * MS);
    struct itimerspec cur;
    T_EXPECT(tget(a, &cur) == 0 && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 40 * MS,
             "armed: %lld", (long long)ns_of(&cur.it_value));
    sleep_ns(100 * MS);
    T_EXPECT(tget(a, &cur) == 0 && ns_of(&cur.it_value) == 0, "expired one-shot: %lld",
             (long long)ns_of(&cur.it_value));
    T_EXPECT(tget(b, &cur) == 0 && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 50 * MS &&
                 ns_of(&cur.it_interval) == 50 * MS,
             "interval: %lld/%lld", (long long)ns_of(&cur.it_value),
             (long long)ns_of(&cur.it_interval));
    T_EXPECT(!is_pending(SIGUSR1), "a SIGEV_NONE timer sent a signal");
}

static volatile int th_tid;
static volatile int th_got;
static void *th_wait(void *arg)
{
    (void)arg;
    th_tid = (int)syscall(SYS_gettid);
    while (!th_got)
        usleep(1000);
    th_got = 2 + (is_pending(SIGUSR1) ? 1 : 0);
    siginfo_t si = wait_sig(SIGUSR1, 2000, "thread");
    T_EXPECT(si.si_code == SI_TIMER, "thread: si_code %d", si.si_code);
    return 0;
}

/* SIGEV_THREAD_ID: the signal goes to that thread only (the main thread
 * waiting for it does not see it); a tid not of the caller's process is
 * refused. */
static void case_thread_id(void)
{
    block(SIGUSR1);
    pthread_t th;
    pthread_create(&th, 0, th_wait, 0);
    while (!th_tid)
        usleep(1000);
    struct ksev ev = {.signo = SIGUSR1, .notify = SIGEV_THREAD_ID, .tid = th_tid};
    int id;
    T_EXPECT(tcreate(CLOCK_MONOTONIC, &ev, &id) == 0, "create: %s", t_errname(errno));
    arm(id, 0, 10 * MS, 0);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    struct timespec ts = ts_of(200 * MS);
    T_EXPECT(sigtimedwait(&s, 0, &ts) < 0 && errno == EAGAIN, "the main thread took it");
    th_got = 1;
    pthread_join(th, 0);
    T_EXPECT(th_got == 3, "not pending for the thread");
    ev.tid = getppid();
    T_EXPECT_ERR_BY(t_die, "another process's tid", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.tid = 0x3fffffff;
    T_EXPECT_ERR_BY(t_die, "no such tid", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
}

static volatile int gone_tid, gone_go;
static void *th_exit(void *arg)
{
    (void)arg;
    gone_tid = (int)syscall(SYS_gettid);
    while (!gone_go)
        usleep(1000);
    return 0;
}

/* SIGEV_THREAD_ID to a thread that has since ended: the expirations go
 * nowhere (not to the process), the timer still counts down and goes. */
static void case_thread_gone(void)
{
    block(SIGUSR1);
    pthread_t th;
    pthread_create(&th, 0, th_exit, 0);
    while (!gone_tid)
        usleep(1000);
    struct ksev ev = {.signo = SIGUSR1, .notify = SIGEV_THREAD_ID, .tid = gone_tid};
    int id;
    T_EXPECT(tcreate(CLOCK_MONOTONIC, &ev, &id) == 0, "create: %s", t_errname(errno));
    gone_go = 1;
    pthread_join(th, 0);
    arm(id, 0, 5 * MS, 5 * MS);
    sleep_ns(60 * MS);
    T_EXPECT(!is_pending(SIGUSR1), "the gone thread's signal came to the process");
    struct itimerspec cur;
    T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 5 * MS,
             "gettime: %lld", (long long)ns_of(&cur.it_value));
    T_EXPECT(tdel(id) == 0, "delete: %s", t_errname(errno));
}

static volatile int sev_calls, sev_val;
static void on_timer(union sigval v)
{
    sev_val = v.sival_int;
    __atomic_add_fetch(&sev_calls, 1, __ATOMIC_SEQ_CST);
}

/* The libc's SIGEV_THREAD (a helper thread waits for SIGEV_THREAD_ID
 * signals): the function runs with the value, each interval; the libc's
 * timer_delete deletes the kernel's timer (musl's through its helper). */
static void case_sigev_thread(void)
{
    struct sigevent ev = {.sigev_notify = SIGEV_THREAD,
                          .sigev_notify_function = on_timer,
                          .sigev_value.sival_int = 4242};
    timer_t t;
    T_EXPECT(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create: %s", t_errname(errno));
    struct itimerspec v = its(10 * MS, 10 * MS);
    T_EXPECT(timer_settime(t, 0, &v, 0) == 0, "timer_settime: %s", t_errname(errno));
    for (int i = 0; i < 300 && sev_calls < 3; i++)
        usleep(10000);
    T_EXPECT(sev_calls >= 3 && sev_val == 4242, "calls %d value %d", sev_calls, sev_val);
    struct itimerspec cur;
    T_EXPECT(timer_gettime(t, &cur) == 0 && ns_of(&cur.it_interval) == 10 * MS, "timer_gettime: %s",
             t_errname(errno));
    T_EXPECT(timer_getoverrun(t) >= 0, "timer_getoverrun: %s", t_errname(errno));
    T_EXPECT(timer_delete(t) == 0, "timer_delete: %s", t_errname(errno));
    /* The kernel's timer (the process's first: id 0) is gone once the
     * libc (musl: its helper thread, told to) has deleted it. */
    int gone = 0;
    for (int i = 0; i < 100 && !gone; i++) {
        gone = tget(0, &cur) < 0 && errno == EINVAL;
        usleep(10000);
    }
    T_EXPECT(gone, "the kernel's timer 0 is still there");
}

/* TIMER_ABSTIME on CLOCK_MONOTONIC and CLOCK_REALTIME, and a time already
 * past (at once). */
static void case_absolute(void)
{
    block(SIGUSR1);
    clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME};
    for (int i = 0; i < 3; i++) {
        int id = make(clocks[i], SIGUSR1, 0);
        int64_t at = now_ns(clocks[i]) + 40 * MS;
        arm(id, TIMER_ABSTIME, at, 0);
        struct itimerspec cur;
        T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) <= 40 * MS, "clock %d: left %lld",
                 (int)clocks[i], (long long)ns_of(&cur.it_value));
        wait_sig(SIGUSR1, 2000, "absolute");
        T_EXPECT(now_ns(clocks[i]) >= at, "clock %d: early", (int)clocks[i]);
        int64_t t0 = now_ns(CLOCK_MONOTONIC);
        int64_t past = now_ns(clocks[i]) / 2; /* boot may be under a second ago */
        arm(id, TIMER_ABSTIME, past > 0 ? past : 1, 0);
        wait_sig(SIGUSR1, 2000, "past");
        T_EXPECT(now_ns(CLOCK_MONOTONIC) - t0 < 500 * MS, "a past time waited");
    }
}

/* An interval timer whose signal stays blocked: one signal, the other
 * expirations counted in si_overrun and timer_getoverrun; a real-time
 * signal is not queued once per expiration either. */
static void case_overrun(void)
{
    int sigs[] = {SIGUSR1, SIGRTMIN + 1};
    for (int i = 0; i < 2; i++) {
        block(sigs[i]);
        int id = make(CLOCK_MONOTONIC, sigs[i], 0);
        int64_t t0 = now_ns(CLOCK_MONOTONIC);
        arm(id, 0, 5 * MS, 5 * MS);
        sleep_ns(200 * MS);
        siginfo_t si = wait_sig(sigs[i], 100, "overrun");
        int most = (int)((now_ns(CLOCK_MONOTONIC) - t0) / (5 * MS)); /* expirations, at most */
        T_EXPECT(si.si_code == SI_TIMER && si.si_overrun >= 30 && si.si_overrun < most,
                 "sig %d: code %d overrun %d (at most %d)", sigs[i], si.si_code, si.si_overrun,
                 most - 1);
        T_EXPECT(tover(id) == si.si_overrun, "getoverrun %ld, si_overrun %d", tover(id),
                 si.si_overrun);
        T_EXPECT(tdel(id) == 0, "delete: %s", t_errname(errno));
    }
}

/* Overruns are capped at DELAYTIMER_MAX (INT_MAX). */
static void case_overrun_cap(void)
{
    block(SIGUSR1);
    int id = make(CLOCK_MONOTONIC, SIGUSR1, 0);
    arm(id, 0, 1, 1);
    sleep_ns(2400 * MS);
    siginfo_t si = wait_sig(SIGUSR1, 100, "overrun_cap");
    T_EXPECT(si.si_overrun == INT_MAX && tover(id) == INT_MAX, "overrun %d, getoverrun %ld",
             si.si_overrun, tover(id));
}

/* gettime counts down and reports the interval; settime's old value;
 * it_value 0 disarms (no signal comes). */
static void case_gettime(void)
{
    block(SIGUSR1);
    int id = make(CLOCK_MONOTONIC, SIGUSR1, 0);
    struct itimerspec cur, old;
    T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) == 0, "new timer armed");
    arm(id, 0, 1000 * MS, 250 * MS);
    sleep_ns(20 * MS);
    T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) < 985 * MS &&
                 ns_of(&cur.it_value) > 500 * MS && ns_of(&cur.it_interval) == 250 * MS,
             "left %lld interval %lld", (long long)ns_of(&cur.it_value),
             (long long)ns_of(&cur.it_interval));
    struct itimerspec v = its(0, 100 * MS);
    T_EXPECT(tset(id, 0, &v, &old) == 0, "disarm: %s", t_errname(errno));
    T_EXPECT(ns_of(&old.it_value) > 500 * MS && ns_of(&old.it_value) <= 1000 * MS &&
                 ns_of(&old.it_interval) == 250 * MS,
             "old %lld/%lld", (long long)ns_of(&old.it_value), (long long)ns_of(&old.it_interval));
    T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) == 0 && ns_of(&cur.it_interval) == 0,
             "disarmed: %lld/%lld", (long long)ns_of(&cur.it_value),
             (long long)ns_of(&cur.it_interval));
    sleep_ns(1100 * MS);
    T_EXPECT(!is_pending(SIGUSR1), "a disarmed timer fired");
}

/* A deleted timer is gone for every call and never fires. */
static void case_delete(void)
{
    block(SIGUSR1);
    int id = make(CLOCK_MONOTONIC, SIGUSR1, 0);
    arm(id, 0, 30 * MS, 0);
    T_EXPECT(tdel(id) == 0, "delete: %s", t_errname(errno));
    struct itimerspec v = its(10 * MS, 0), cur;
    T_EXPECT_ERR_BY(t_die, "delete again", tdel(id), EINVAL);
    T_EXPECT_ERR_BY(t_die, "settime", tset(id, 0, &v, 0), EINVAL);
    T_EXPECT_ERR_BY(t_die, "gettime", tget(id, &cur), EINVAL);
    T_EXPECT_ERR_BY(t_die, "getoverrun", tover(id), EINVAL);
    sleep_ns(100 * MS);
    T_EXPECT(!is_pending(SIGUSR1), "a deleted timer fired");
}

/* Clocks: ones without timers are refused with Linux's errno. */
static void case_bad_clock(void)
{
    int id;
    struct ksev ev = {.signo = SIGUSR1, .notify = SIGEV_SIGNAL};
    T_EXPECT_ERR_BY(t_die, "clock 100", tcreate(100, &ev, &id), EINVAL);
    T_EXPECT_ERR_BY(t_die, "clock 10", tcreate(10, &ev, &id), EINVAL);
    T_EXPECT_ERR_BY(t_die, "MONOTONIC_RAW", tcreate(CLOCK_MONOTONIC_RAW, &ev, &id), EOPNOTSUPP);
    T_EXPECT_ERR_BY(t_die, "REALTIME_COARSE", tcreate(CLOCK_REALTIME_COARSE, &ev, &id), EOPNOTSUPP);
    /* A CPU clock of a thread of another process (~pid << 3 | thread | SCHED). */
    clockid_t other = (clockid_t)((unsigned)~getppid() << 3) | 4 | 2;
    T_EXPECT_ERR_BY(t_die, "another process's thread clock", tcreate(other, &ev, &id), EINVAL);
    clockid_t none = (clockid_t)((unsigned)~0x3ffffff0 << 3) | 2;
    T_EXPECT_ERR_BY(t_die, "no such process's clock", tcreate(none, &ev, &id), EINVAL);
}

/* sigevents Linux's good_sigevent refuses. */
static void case_bad_sigevent(void)
{
    int id;
    struct ksev ev = {.signo = SIGUSR1, .notify = 99};
    T_EXPECT_ERR_BY(t_die, "notify 99", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.notify = SIGEV_THREAD_ID | SIGEV_NONE;
    T_EXPECT_ERR_BY(t_die, "notify 5", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.notify = SIGEV_SIGNAL;
    ev.signo = 0;
    T_EXPECT_ERR_BY(t_die, "signal 0", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.signo = 65;
    T_EXPECT_ERR_BY(t_die, "signal 65", tcreate(CLOCK_MONOTONIC, &ev, &id), EINVAL);
    ev.notify = SIGEV_NONE; /* its signal is not looked at */
    T_EXPECT_RET_BY(t_die, "SIGEV_NONE, signal 65", tcreate(CLOCK_MONOTONIC, &ev, &id), 0);
}

/* Bad pointers: -EFAULT; a timer made but whose id cannot be written
 * back is gone (the next one takes the id after it). */
static void case_efault(void)
{
    int id;
    struct itimerspec v = its(10 * MS, 0), cur;
    T_EXPECT_ERR_BY(t_die, "sevp", tcreate(CLOCK_MONOTONIC, BADPTR, &id), EFAULT);
    T_EXPECT_ERR_BY(t_die, "timerid", tcreate(CLOCK_MONOTONIC, 0, BADPTR), EFAULT);
    int id2;
    T_EXPECT(tcreate(CLOCK_MONOTONIC, 0, &id2) == 0, "create: %s", t_errname(errno));
    T_EXPECT_ERR_BY(t_die, "timer of the failed create", tget(id2 - 1, &cur), EINVAL);
    block(SIGALRM);
    alarm(0);
    T_EXPECT_ERR_BY(t_die, "settime new", tset(id2, 0, BADPTR, 0), EFAULT);
    T_EXPECT_ERR_BY(t_die, "settime old", tset(id2, 0, &v, BADPTR), EFAULT);
    T_EXPECT(tget(id2, &cur) == 0 && ns_of(&cur.it_value) > 0, "not set despite old's EFAULT");
    T_EXPECT_ERR_BY(t_die, "gettime", tget(id2, BADPTR), EFAULT);
    alarm(ALARM_S);
}

/* Bad values: EINVAL. */
static void case_einval(void)
{
    int id = make(CLOCK_MONOTONIC, SIGUSR1, 0);
    struct itimerspec cur, v = its(10 * MS, 0);
    T_EXPECT_ERR_BY(t_die, "settime NULL", tset(id, 0, 0, 0), EINVAL);
    v.it_value.tv_nsec = 1000000000;
    T_EXPECT_ERR_BY(t_die, "value nsec 1e9", tset(id, 0, &v, 0), EINVAL);
    v = its(10 * MS, 0);
    v.it_interval.tv_nsec = -1;
    T_EXPECT_ERR_BY(t_die, "interval nsec -1", tset(id, 0, &v, 0), EINVAL);
    v = its(10 * MS, 0);
    v.it_value.tv_sec = -1;
    T_EXPECT_ERR_BY(t_die, "value sec -1", tset(id, 0, &v, 0), EINVAL);
    v = its(10 * MS, 0);
    int bad[] = {-1, id + 1, 12345, INT_MAX};
    for (int i = 0; i < 4; i++) {
        T_EXPECT_ERR_BY(t_die, "settime bad id", tset(bad[i], 0, &v, 0), EINVAL);
        T_EXPECT_ERR_BY(t_die, "gettime bad id", tget(bad[i], &cur), EINVAL);
        T_EXPECT_ERR_BY(t_die, "getoverrun bad id", tover(bad[i]), EINVAL);
        T_EXPECT_ERR_BY(t_die, "delete bad id", tdel(bad[i]), EINVAL);
    }
}

/* Each timer holds a slot of RLIMIT_SIGPENDING: past it, EAGAIN. On
 * Linux the count is the user's, so only "at most" holds there. */
static void case_limit(void)
{
    struct rlimit r = {5, 5};
    T_EXPECT(setrlimit(RLIMIT_SIGPENDING, &r) == 0, "setrlimit: %s", t_errname(errno));
    int n = 0, id;
    errno = 0;
    while (n < 10 && tcreate(CLOCK_MONOTONIC, 0, &id) == 0)
        n++;
    T_EXPECT(errno == EAGAIN, "after %d: %s", n, t_errname(errno));
    T_EXPECT(t_uniplex() ? n == 5 : n >= 1 && n <= 5, "%d timers under a limit of 5", n);
    T_EXPECT(tdel(id) == 0 && tcreate(CLOCK_MONOTONIC, 0, &id) == 0, "a freed slot: %s",
             t_errname(errno));
}

/* fork: the child has none of the parent's timers and numbers its own
 * from 0; the parent's still fires for the parent only. */
static void case_fork(void)
{
    block(SIGUSR1);
    int a = make(CLOCK_MONOTONIC, SIGUSR1, 0), b = make(CLOCK_MONOTONIC, SIGUSR1, 0);
    arm(b, 0, 50 * MS, 0);
    pid_t c = fork();
    if (c == 0) {
        struct itimerspec cur;
        T_EXPECT_ERR_BY(t_die, "child: gettime", tget(b, &cur), EINVAL);
        T_EXPECT_ERR_BY(t_die, "child: delete", tdel(a), EINVAL);
        int id = -1;
        T_EXPECT(tcreate(CLOCK_MONOTONIC, 0, &id) == 0 && id == 0, "child's first id %d", id);
        sleep_ns(150 * MS);
        T_EXPECT(!is_pending(SIGUSR1), "the parent's timer fired in the child");
        _exit(0);
    }
    wait_sig(SIGUSR1, 2000, "parent");
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s",
             p_status_str(st));
}

/* exec deletes the timers: "ptimer --after-exec" finds none, and the one
 * armed before does not fire. */
static void case_exec(void)
{
    block(SIGUSR1);
    pid_t c = fork();
    if (c == 0) {
        int id = make(CLOCK_MONOTONIC, SIGUSR1, 0);
        arm(id, 0, 50 * MS, 50 * MS);
        execl("/proc/self/exe", "ptimer", "--after-exec", (char *)0);
        _exit(101);
    }
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && WIFEXITED(st), "exec child: %s", p_status_str(st));
    T_EXPECT(WEXITSTATUS(st) == 0, "after exec: %d", WEXITSTATUS(st));
}

static int after_exec(void)
{
    struct itimerspec cur;
    if (tget(0, &cur) == 0 || errno != EINVAL)
        return 1;
    sleep_ns(150 * MS);
    return is_pending(SIGUSR1) ? 2 : 0;
}

static void spin_until_pending(int sig, const char *what)
{
    int64_t t0 = now_ns(CLOCK_MONOTONIC);
    while (!is_pending(sig))
        T_EXPECT(now_ns(CLOCK_MONOTONIC) - t0 < 5000 * MS, "%s: never fired", what);
}

/* The CPU-time clocks: the caller's process and thread clocks,
 * clock_getcpuclockid's and the process's user-time (VIRT) clock; a timer
 * fires once that much CPU was used on its clock. */
static void case_cpu_clock(void)
{
    block(SIGUSR1);
    clockid_t pc;
    T_EXPECT(clock_getcpuclockid(getpid(), &pc) == 0, "clock_getcpuclockid");
    /* The process's VIRT clock (user time): ~pid << 3 | CPUCLOCK_VIRT. */
    clockid_t virt = (clockid_t)((unsigned)~getpid() << 3) | 1;
    clockid_t clocks[] = {CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, pc, virt};
    for (int i = 0; i < 4; i++) {
        int id = make(clocks[i], SIGUSR1, 0);
        int64_t c0 = now_ns(clocks[i]);
        arm(id, 0, 50 * MS, 0);
        struct itimerspec cur;
        T_EXPECT(tget(id, &cur) == 0 && ns_of(&cur.it_value) > 0 && ns_of(&cur.it_value) <= 50 * MS,
                 "clock %d: left %lld", (int)clocks[i], (long long)ns_of(&cur.it_value));
        spin_until_pending(SIGUSR1, "cpu timer");
        int64_t used = now_ns(clocks[i]) - c0;
        T_EXPECT(used >= 50 * MS, "clock %d: fired after %lld ns of CPU", (int)clocks[i],
                 (long long)used);
        siginfo_t si = wait_sig(SIGUSR1, 100, "cpu");
        T_EXPECT(si.si_code == SI_TIMER && si.si_timerid == id, "code %d", si.si_code);
    }
}

static volatile int spin_stop;
static void *spin(void *arg)
{
    (void)arg;
    while (!spin_stop)
        ;
    return 0;
}

/* A timer on another thread's CPU clock (pthread_getcpuclockid) fires as
 * that thread spins, the caller asleep. */
static void case_cpu_thread(void)
{
    block(SIGUSR1);
    pthread_t th;
    clockid_t tc;
    pthread_create(&th, 0, spin, 0);
    T_EXPECT(pthread_getcpuclockid(th, &tc) == 0, "pthread_getcpuclockid");
    int id = make(tc, SIGUSR1, 0);
    int64_t c0 = now_ns(tc), self0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    arm(id, 0, 50 * MS, 0);
    siginfo_t si = wait_sig(SIGUSR1, 5000, "thread clock");
    int64_t used = now_ns(tc) - c0;
    spin_stop = 1;
    pthread_join(th, 0);
    T_EXPECT(si.si_timerid == id && used >= 50 * MS, "fired after %lld ns", (long long)used);
    T_EXPECT(now_ns(CLOCK_THREAD_CPUTIME_ID) - self0 < 50 * MS, "the caller spun");
}

/* The _ALARM clocks: with CAP_WAKE_ALARM (root) they are timers as the
 * others (nothing suspends here); without it EPERM. On a Linux host
 * without an RTC alarm they are EOPNOTSUPP: only the first is checked
 * there. */
static void case_alarm_clocks(void)
{
    block(SIGUSR1);
    int id;
    struct ksev ev = {.signo = SIGUSR1, .notify = SIGEV_SIGNAL};
    long r = tcreate(CLOCK_BOOTTIME_ALARM, &ev, &id);
    if (!t_uniplex() && r != 0) {
        T_EXPECT(errno == EOPNOTSUPP || errno == EPERM, "BOOTTIME_ALARM: %s", t_errname(errno));
        return;
    }
    T_EXPECT(r == 0, "BOOTTIME_ALARM: %s", t_errname(errno));
    arm(id, 0, 10 * MS, 0);
    wait_sig(SIGUSR1, 2000, "alarm clock");
    struct cap_header h = {CAP_VERSION_3, 0};
    struct cap_data d[2];
    T_EXPECT(syscall(SYS_capget, &h, d) == 0, "capget: %s", t_errname(errno));
    d[1].effective &= ~(1u << (CAP_WAKE_ALARM - 32));
    T_EXPECT(syscall(SYS_capset, &h, d) == 0, "capset: %s", t_errname(errno));
    T_EXPECT_ERR_BY(t_die, "REALTIME_ALARM without CAP_WAKE_ALARM",
                    tcreate(CLOCK_REALTIME_ALARM, &ev, &id), EPERM);
}

/* signalfd reads a timer's signal with ssi_tid and ssi_overrun. */
static void case_signalfd(void)
{
    block(SIGUSR1);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    int fd = signalfd(-1, &s, 0);
    T_EXPECT(fd >= 0, "signalfd: %s", t_errname(errno));
    make(CLOCK_MONOTONIC, SIGUSR1, 0);
    int id = make(CLOCK_MONOTONIC, SIGUSR1, (void *)99);
    arm(id, 0, 5 * MS, 5 * MS);
    sleep_ns(100 * MS);
    struct signalfd_siginfo ssi;
    T_EXPECT(read(fd, &ssi, sizeof(ssi)) == sizeof(ssi), "read: %s", t_errname(errno));
    T_EXPECT(ssi.ssi_code == SI_TIMER && ssi.ssi_tid == (unsigned)id && ssi.ssi_overrun >= 5 &&
                 ssi.ssi_int == 99,
             "code %d tid %u overrun %u int %d", ssi.ssi_code, ssi.ssi_tid, ssi.ssi_overrun,
             ssi.ssi_int);
}

/* A process that ends with timers armed (the suite's leak line checks
 * they are freed). */
static void case_exit_armed(void)
{
    for (int i = 0; i < 20; i++)
        arm(make(CLOCK_MONOTONIC, SIGUSR1, 0), 0, 1000 * MS, 1000 * MS);
    struct ksev ev = {.signo = SIGRTMIN + 2, .notify = SIGEV_SIGNAL};
    int id;
    block(SIGRTMIN + 2);
    T_EXPECT(tcreate(CLOCK_MONOTONIC, &ev, &id) == 0, "create: %s", t_errname(errno));
    arm(id, 0, 1 * MS, 1 * MS);
    wait_sig(SIGRTMIN + 2, 2000, "rt"); /* one more is pending when it exits */
    sleep_ns(20 * MS);
}

static const struct t_case cases[] = {
    {"signal", case_signal},
    {"handler", case_handler},
    {"null_sevp", case_null_sevp},
    {"sigev_none", case_sigev_none},
    {"thread_id", case_thread_id},
    {"thread_gone", case_thread_gone},
    {"sigev_thread", case_sigev_thread},
    {"absolute", case_absolute},
    {"overrun", case_overrun},
    {"overrun_cap", case_overrun_cap},
    {"gettime", case_gettime},
    {"delete", case_delete},
    {"bad_clock", case_bad_clock},
    {"bad_sigevent", case_bad_sigevent},
    {"efault", case_efault},
    {"einval", case_einval},
    {"limit", case_limit},
    {"fork", case_fork},
    {"exec", case_exec},
    {"cpu_clock", case_cpu_clock},
    {"cpu_thread", case_cpu_thread},
    {"alarm_clocks", case_alarm_clocks},
    {"signalfd", case_signalfd},
    {"exit_armed", case_exit_armed},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--after-exec"))
        return after_exec();
    return t_run_cases("ptimer", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
