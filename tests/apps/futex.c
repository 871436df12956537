/* futex: futex(2) through the raw system call (issue 15, item 2), with
 * processes: shared futexes between a parent and its forked children
 * through MAP_SHARED anonymous memory, private ones in one process.
 *
 *   EAGAIN, ETIMEDOUT (relative, absolute monotonic and realtime, past),
 *   EINVAL (misaligned, bitset 0, bad timespec, negative counts), EFAULT
 *   (word, timeout), ENOSYS (CLOCK_REALTIME misused, unknown and PI ops)
 *   futex_waitv: EINVAL, EFAULT, EAGAIN, absolute timeouts on both clocks
 *   (a clock step moves a realtime one), the index of the word woken, FIFO
 *   with FUTEX_WAIT waiters, requeue, signals
 *   keys: a private futex of a forked child is not its parent's, nor is a
 *   non-private one in private memory; a private wake misses a
 *   non-private waiter on the same shared word
 *   FIFO wake order, bitsets, REQUEUE, CMP_REQUEUE, WAKE_OP's operations
 *   and comparisons, EINTR and SA_RESTART, a killed waiter leaving the
 *   queue, get_robust_list
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe; waiters are its children. Passes on Linux too (the PI
 * case only inside Uniplex: Linux has PI futexes). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_FD              2
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2        13
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define ANY                   0xffffffffu
#define FUTEX_WAITERS         0x80000000u
#define FUTEX_OWNER_DIED      0x40000000u

#define OP_SET   0
#define OP_ADD   1
#define OP_OR    2
#define OP_ANDN  3
#define OP_XOR   4
#define OP_SHIFT 8
#define CMP_EQ   0
#define CMP_NE   1
#define CMP_LT   2
#define CMP_LE   3
#define CMP_GT   4
#define CMP_GE   5
/* FUTEX_WAKE_OP's encoded operation (<linux/futex.h>'s FUTEX_OP). */
#define WAKE_OP(op, oparg, cmp, cmparg)                                                            \
    ((((op)&0xfu) << 28) | (((cmp)&0xfu) << 24) | (((oparg)&0xfffu) << 12) | ((cmparg)&0xfffu))

#define ALARM_S  10 /* a case's (and a waiter's) own limit */
#define NWAITERS 4

/* What a case shares with its waiters (MAP_SHARED, anonymous). */
struct shm {
    uint32_t a, b;                  /* the futex words */
    uint32_t rw[4];                 /* robust-list words */
    volatile int ready[NWAITERS];   /* waiter i is about to wait */
    volatile int handled[NWAITERS]; /* waiter i's signal handler ran */
    volatile int log[NWAITERS];     /* waiters in the order they woke */
    volatile int nlog;
};

static struct shm *S;
static pid_t waiters[NWAITERS];
static uint32_t private_word;

static long fx(uint32_t *uaddr, int op, uint32_t val, const void *ts, uint32_t *uaddr2,
               uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

/* A count passed where the timeout goes (REQUEUE, WAKE_OP). */
static const void *count2(long n)
{
    return (const void *)n;
}

/* In the case's child: say why it failed, end the waiters and the case. */
__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    for (int i = 0; i < NWAITERS; i++)
        if (waiters[i] > 0) {
            kill(waiters[i], SIGKILL);
            p_wait(waiters[i], NULL, 0);
        }
    va_start(ap, fmt);
    t_case_say(fmt, ap);
    va_end(ap);
    _exit(1);
}

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(die, what, call, want)

#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(die, what, call, want)

/* ---- waiters ---- */

/* Until waiter i has said it is about to wait and is asleep: nothing else
 * puts it to sleep after that, so it is queued on its futex. */
static void await_sleep(int i)
{
    double t0 = p_now_us();
    while (!S->ready[i] || t_proc_state(waiters[i]) != 'S') {
        if (p_now_us() - t0 > 3e6)
            die("waiter %d never went to sleep", i);
        usleep(1000);
    }
}

static void await_log(int n)
{
    double t0 = p_now_us();
    while (S->nlog < n) {
        if (p_now_us() - t0 > 3e6)
            die("%d waiters woke, expected %d", S->nlog, n);
        usleep(1000);
    }
}

static int my_index; /* in a waiter: its i */
static void on_usr1(int sig);

/* Waiter i: futex(word, op, val, ts, bitset) once, log its wake-up, exit
 * 0 if the call returned 0, else with errno. flags: signal handling. */
#define W_HANDLER 1 /* SIGUSR1 caught, without SA_RESTART */
#define W_RESTART 2 /* SIGUSR1 caught, with SA_RESTART */
/* Fork waiter i: 1 in the parent once the child sleeps; 0 in the child,
 * its alarm and SIGUSR1 handling (flags) set and itself marked ready. */
static int spawn_fork(int i, int flags)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork: %s", strerror(errno));
    if (pid > 0) {
        waiters[i] = pid;
        await_sleep(i);
        return 1;
    }
    alarm(ALARM_S);
    my_index = i;
    if (flags) {
        struct sigaction sa = {.sa_handler = on_usr1,
                               .sa_flags = flags == W_RESTART ? SA_RESTART : 0};
        sigaction(SIGUSR1, &sa, NULL);
    }
    S->ready[i] = 1;
    return 0;
}

static void spawn(int i, uint32_t *word, int op, uint32_t val, const struct timespec *ts,
                  uint32_t bitset, int flags)
{
    if (spawn_fork(i, flags))
        return;
    long r = fx(word, op, val, ts, NULL, bitset);
    int e = errno;
    S->log[__atomic_fetch_add(&S->nlog, 1, __ATOMIC_SEQ_CST)] = i;
    _exit(r == 0 ? 0 : e);
}

static void on_usr1(int sig)
{
    (void)sig;
    S->handled[my_index] = 1;
}

/* Reap waiter i: it must exit with status want (0: woken). */
static void reap(int i, int want)
{
    int st = 0;
    if (p_wait(waiters[i], &st, 0) != waiters[i])
        die("waitpid(waiter %d): %s", i, strerror(errno));
    waiters[i] = 0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != want)
        die("waiter %d: %s, expected exit %d (%s)", i, p_status_str(st), want,
            want ? t_errname(want) : "woken");
}

/* Wake the oldest waiter on word, and check that it was waiter i. */
static void wake_expect(uint32_t *word, int op, int i)
{
    int n = S->nlog;
    EXPECT_RET("wake one", fx(word, op, 1, NULL, NULL, ANY), 1);
    await_log(n + 1);
    if (S->log[n] != i)
        die("wake %d woke waiter %d, expected %d (FIFO)", n + 1, S->log[n], i);
    reap(i, 0);
}

static uint32_t *unmapped_page(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p, 4096) != 0)
        die("mmap/munmap: %s", strerror(errno));
    return p;
}

static double ms_since(double t0_us)
{
    return (p_now_us() - t0_us) / 1000;
}

static struct timespec ts_in(clockid_t clock, long ms)
{
    struct timespec t;
    clock_gettime(clock, &t);
    t.tv_nsec += (ms % 1000) * 1000000L;
    t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
    t.tv_nsec %= 1000000000L;
    return t;
}

/* ---- errors and timeouts (one process) ---- */

static void case_eagain(void)
{
    S->a = 1;
    EXPECT_ERR("FUTEX_WAIT", fx(&S->a, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
    EXPECT_ERR("FUTEX_WAIT_PRIVATE", fx(&S->a, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, NULL, NULL, 0),
               EAGAIN);
    EXPECT_ERR("FUTEX_WAIT_BITSET", fx(&S->a, FUTEX_WAIT_BITSET, 0, NULL, NULL, 1), EAGAIN);
}

/* A wait of ms on word, counted from t0 (p_now_us() taken before an
 * absolute deadline is computed, so that a delay in between cannot make
 * the wait look short): ETIMEDOUT after at least ms; then nobody is left
 * waiting (a wake finds none). */
static void timed_out_from(double t0, const char *what, int op, const struct timespec *ts, long ms)
{
    EXPECT_ERR(what, fx(&S->a, op, 0, ts, NULL, ANY), ETIMEDOUT);
    double took = ms_since(t0);
    if (took < ms - 2 || took > ms + 2000)
        die("%s: timed out after %.1f ms, expected %ld", what, took, ms);
    EXPECT_RET("wake after a timeout", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
}

static void timed_out(const char *what, int op, const struct timespec *ts, long ms)
{
    timed_out_from(p_now_us(), what, op, ts, ms);
}

static void case_timeout_relative(void)
{
    struct timespec rel = {0, 50 * 1000000L}, zero = {0, 0};
    timed_out("FUTEX_WAIT 50 ms", FUTEX_WAIT, &rel, 50);
    timed_out("FUTEX_WAIT_PRIVATE 50 ms", FUTEX_WAIT | FUTEX_PRIVATE_FLAG, &rel, 50);
    timed_out("FUTEX_WAIT 0", FUTEX_WAIT, &zero, 0);
}

static void case_timeout_monotonic(void)
{
    double t0 = p_now_us();
    struct timespec at = ts_in(CLOCK_MONOTONIC, 50), past = {0, 0};
    timed_out_from(t0, "FUTEX_WAIT_BITSET monotonic +50 ms", FUTEX_WAIT_BITSET, &at, 50);
    timed_out("FUTEX_WAIT_BITSET at 0", FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, &past, 0);
}

static void case_timeout_realtime(void)
{
    double t0 = p_now_us();
    struct timespec at = ts_in(CLOCK_REALTIME, 50), past = {1, 0};
    timed_out_from(t0, "FUTEX_WAIT_BITSET realtime +50 ms",
                   FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, &at, 50);
    timed_out("FUTEX_WAIT_BITSET realtime 1970",
              FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME | FUTEX_PRIVATE_FLAG, &past, 0);
}

static void case_einval_misaligned(void)
{
    uint32_t *odd = (uint32_t *)((char *)&S->a + 1);
    EXPECT_ERR("FUTEX_WAIT", fx(odd, FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL);
    EXPECT_ERR("FUTEX_WAKE", fx(odd, FUTEX_WAKE, 1, NULL, NULL, 0), EINVAL);
    EXPECT_ERR("FUTEX_WAKE_PRIVATE", fx(odd, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
               EINVAL);
    EXPECT_ERR("FUTEX_CMP_REQUEUE uaddr2",
               fx(&S->a, FUTEX_CMP_REQUEUE, 0, count2(1), (uint32_t *)((char *)&S->b + 2), 0),
               EINVAL);
    EXPECT_ERR("FUTEX_WAKE_OP uaddr2", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), odd, 0), EINVAL);
}

static void case_einval_bitset0(void)
{
    EXPECT_ERR("FUTEX_WAIT_BITSET 0", fx(&S->a, FUTEX_WAIT_BITSET, 0, NULL, NULL, 0), EINVAL);
    EXPECT_ERR("FUTEX_WAKE_BITSET 0", fx(&S->a, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0), EINVAL);
}

/* Checked before the word: EINVAL even when the value differs. */
static void case_einval_timespec(void)
{
    struct timespec big = {0, 1000000000L}, negns = {0, -1}, negs = {-1, 0};
    EXPECT_ERR("tv_nsec 1e9", fx(&S->a, FUTEX_WAIT, 0, &big, NULL, 0), EINVAL);
    EXPECT_ERR("tv_nsec -1", fx(&S->a, FUTEX_WAIT, 0, &negns, NULL, 0), EINVAL);
    EXPECT_ERR("tv_sec -1", fx(&S->a, FUTEX_WAIT_BITSET, 0, &negs, NULL, ANY), EINVAL);
    EXPECT_ERR("value differs", fx(&S->a, FUTEX_WAIT, 1, &big, NULL, 0), EINVAL);
    EXPECT_ERR("REQUEUE -1", fx(&S->a, FUTEX_REQUEUE, 1, count2(-1), &S->b, 0), EINVAL);
    EXPECT_ERR("CMP_REQUEUE nwake -1", fx(&S->a, FUTEX_CMP_REQUEUE, -1, count2(1), &S->b, 0),
               EINVAL);
}

static void case_efault(void)
{
    uint32_t *gone = unmapped_page();
    struct timespec t = {0, 1000};
    EXPECT_ERR("FUTEX_WAIT", fx(gone, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT);
    EXPECT_ERR("FUTEX_WAIT_PRIVATE", fx(gone, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &t, NULL, 0),
               EFAULT);
    EXPECT_ERR("FUTEX_WAKE", fx(gone, FUTEX_WAKE, 1, NULL, NULL, 0), EFAULT);
    /* A private wake needs no page, as on Linux. */
    EXPECT_RET("FUTEX_WAKE_PRIVATE", fx(gone, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
               0);
    EXPECT_ERR(
        "FUTEX_WAKE kernel address",
        fx((uint32_t *)0xffff800000000000ul, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
        EFAULT);
    EXPECT_ERR("FUTEX_CMP_REQUEUE word", fx(gone, FUTEX_CMP_REQUEUE, 0, count2(1), &S->b, 0),
               EFAULT);
    EXPECT_ERR("FUTEX_REQUEUE uaddr2", fx(&S->a, FUTEX_REQUEUE, 0, count2(1), gone, 0), EFAULT);
}

static void case_efault_timeout(void)
{
    EXPECT_ERR("FUTEX_WAIT", fx(&S->a, FUTEX_WAIT, 0, (void *)8, NULL, 0), EFAULT);
    EXPECT_ERR("FUTEX_WAIT_BITSET", fx(&S->a, FUTEX_WAIT_BITSET, 0, unmapped_page(), NULL, ANY),
               EFAULT);
    /* A wake reads no timeout. */
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, 1, (void *)8, NULL, 0), 0);
}

/* Linux 6.x takes FUTEX_CLOCK_REALTIME with FUTEX_WAIT_BITSET (and PI
 * waits) only, and knows no op 99 or FUTEX_FD (gone since 2.6.26). */
static void case_enosys(void)
{
    struct timespec t = {0, 1000};
    EXPECT_ERR("FUTEX_WAIT|CLOCK_REALTIME",
               fx(&S->a, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, &t, NULL, 0), ENOSYS);
    EXPECT_ERR("FUTEX_WAKE|CLOCK_REALTIME",
               fx(&S->a, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS);
    EXPECT_ERR("op 99", fx(&S->a, 99, 0, NULL, NULL, 0), ENOSYS);
    EXPECT_ERR("FUTEX_FD", fx(&S->a, FUTEX_FD, 0, NULL, NULL, 0), ENOSYS);
}

/* Uniplex has no priority-inheritance futexes. */
static void case_enosys_pi(void)
{
    static const int ops[] = {FUTEX_LOCK_PI,         FUTEX_UNLOCK_PI,      FUTEX_TRYLOCK_PI,
                              FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI2};
    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        EXPECT_ERR("PI op", fx(&S->a, ops[i] | FUTEX_PRIVATE_FLAG, 1, NULL, &S->b, 0), ENOSYS);
}

static void case_wake_none(void)
{
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    EXPECT_RET("FUTEX_WAKE_PRIVATE", fx(&S->a, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
               0);
    EXPECT_RET("FUTEX_WAKE_BITSET", fx(&S->a, FUTEX_WAKE_BITSET, 1, NULL, NULL, 4), 0);
    EXPECT_RET("FUTEX_REQUEUE", fx(&S->a, FUTEX_REQUEUE, 1, count2(1), &S->b, 0), 0);
}

/* ---- between processes ---- */

static void case_shared_wake(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 1);
    reap(0, 0);
    spawn(1, &S->a, FUTEX_WAIT_BITSET, 0, NULL, ANY, 0);
    EXPECT_RET("FUTEX_WAKE_BITSET", fx(&S->a, FUTEX_WAKE_BITSET, 1, NULL, NULL, 1), 1);
    reap(1, 0);
}

/* FUTEX_WAKE with a count of 0 still wakes one, as on Linux. */
static void case_wake_count_zero(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn(1, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_RET("FUTEX_WAKE 0", fx(&S->a, FUTEX_WAKE, 0, NULL, NULL, 0), 1);
    await_log(1);
    reap(0, 0);
    EXPECT_RET("FUTEX_WAKE 1", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(1, 0);
}

/* A forked child's private futex is its own: the parent's private wake on
 * the same address finds nobody, and the child times out. */
static void case_private_not_parents(void)
{
    struct timespec t = {0, 300 * 1000000L};
    spawn(0, &private_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &t, 0, 0);
    EXPECT_RET("parent's FUTEX_WAKE_PRIVATE",
               fx(&private_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0), 0);
    reap(0, ETIMEDOUT);
}

/* Non-private in private memory: keyed by the address space too. */
static void case_private_memory_not_shared(void)
{
    struct timespec t = {0, 300 * 1000000L};
    spawn(0, &private_word, FUTEX_WAIT, 0, &t, 0, 0);
    EXPECT_RET("parent's FUTEX_WAKE", fx(&private_word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    reap(0, ETIMEDOUT);
}

/* A private wake does not reach a non-private waiter on the same word. */
static void case_private_wake_misses_shared(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_RET("FUTEX_WAKE_PRIVATE", fx(&S->a, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0),
               0);
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(0, 0);
}

static void case_fifo(void)
{
    for (int i = 0; i < 3; i++)
        spawn(i, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    for (int i = 0; i < 3; i++)
        wake_expect(&S->a, FUTEX_WAKE, i);
}

static void case_bitset(void)
{
    spawn(0, &S->a, FUTEX_WAIT_BITSET, 0, NULL, 1, 0);
    spawn(1, &S->a, FUTEX_WAIT_BITSET, 0, NULL, 2, 0);
    spawn(2, &S->a, FUTEX_WAIT_BITSET, 0, NULL, 6, 0);
    EXPECT_RET("bitset 8", fx(&S->a, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 8), 0);
    EXPECT_RET("bitset 2", fx(&S->a, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 2), 2);
    reap(1, 0);
    reap(2, 0);
    if (S->nlog != 2 || S->log[0] == 0 || S->log[1] == 0)
        die("bitset 2 woke the waiter with bitset 1");
    EXPECT_RET("bitset 1", fx(&S->a, FUTEX_WAKE_BITSET, INT_MAX, NULL, NULL, 1), 1);
    reap(0, 0);
}

/* Wake one of three on a, move the rest to b (in order): 3; a is empty. */
static void case_requeue(void)
{
    for (int i = 0; i < 3; i++)
        spawn(i, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_RET("FUTEX_REQUEUE", fx(&S->a, FUTEX_REQUEUE, 1, count2(INT_MAX), &S->b, 0), 3);
    await_log(1);
    if (S->log[0] != 0)
        die("FUTEX_REQUEUE woke waiter %d, expected 0", S->log[0]);
    reap(0, 0);
    EXPECT_RET("FUTEX_WAKE on a", fx(&S->a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    wake_expect(&S->b, FUTEX_WAKE, 1);
    wake_expect(&S->b, FUTEX_WAKE, 2);
}

static void case_cmp_requeue(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn(1, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_ERR("value differs", fx(&S->a, FUTEX_CMP_REQUEUE, 0, count2(1), &S->b, 7), EAGAIN);
    EXPECT_RET("move one", fx(&S->a, FUTEX_CMP_REQUEUE, 0, count2(1), &S->b, 0), 1);
    EXPECT_RET("move none", fx(&S->a, FUTEX_CMP_REQUEUE, 0, count2(0), &S->b, 0), 0);
    wake_expect(&S->b, FUTEX_WAKE, 0);
    wake_expect(&S->a, FUTEX_WAKE, 1);
}

/* One process: every op's effect on the word (nobody to wake: 0). */
static void case_wake_op_ops(void)
{
    static const struct {
        uint32_t op, want;
    } steps[] = {
        {WAKE_OP(OP_SET, 0xf0, CMP_EQ, 0), 0xf0},
        {WAKE_OP(OP_ADD, 3, CMP_EQ, 0), 0xf3},
        {WAKE_OP(OP_OR, 0x108, CMP_EQ, 0), 0x1fb},
        {WAKE_OP(OP_ANDN, 0x100, CMP_EQ, 0), 0xfb},
        {WAKE_OP(OP_XOR, 0xff, CMP_EQ, 0), 0x04},
        {WAKE_OP(OP_ADD, -5, CMP_EQ, 0), 0xffffffff},
        {WAKE_OP(OP_ANDN | OP_SHIFT, 31, CMP_EQ, 0), 0x7fffffff},
        {WAKE_OP(OP_SET | OP_SHIFT, 4, CMP_EQ, 0), 0x10},
    };
    S->b = 0;
    for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        EXPECT_RET("FUTEX_WAKE_OP", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, steps[i].op), 0);
        if (S->b != steps[i].want)
            die("step %u: word %#x, expected %#x", i, S->b, steps[i].want);
    }
}

/* The comparison decides the second wake (signed, on the old value). */
static void case_wake_op_compare(void)
{
    static const uint32_t no[] = {
        WAKE_OP(OP_ADD, 0, CMP_EQ, 1), WAKE_OP(OP_ADD, 0, CMP_NE, 0),
        WAKE_OP(OP_ADD, 0, CMP_LT, 0), WAKE_OP(OP_ADD, 0, CMP_LE, -1),
        WAKE_OP(OP_ADD, 0, CMP_GT, 0), WAKE_OP(OP_ADD, 0, CMP_GE, 1),
    };
    spawn(0, &S->b, FUTEX_WAIT, 0, NULL, 0, 0);
    for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        EXPECT_RET("false comparison", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, no[i]), 0);
    EXPECT_RET("0 > -1",
               fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, WAKE_OP(OP_ADD, 0, CMP_GT, -1)), 1);
    reap(0, 0);
}

/* Both queues woken, the op applied first. */
static void case_wake_op_wakes(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn(1, &S->b, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn(2, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    EXPECT_RET("ADD 5, old == 0",
               fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, WAKE_OP(OP_ADD, 5, CMP_EQ, 0)), 2);
    if (S->b != 5)
        die("word %u after ADD 5, expected 5", S->b);
    reap(0, 0);
    reap(1, 0);
    EXPECT_RET("SET 9, old > 10",
               fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, WAKE_OP(OP_SET, 9, CMP_GT, 10)), 1);
    if (S->b != 9)
        die("word %u after SET 9, expected 9", S->b);
    reap(2, 0);
}

/* A fault leaves the word as it was; an unknown op touches nothing, an
 * unknown comparison comes after the write (Linux's order). */
static void case_wake_op_errors(void)
{
    uint32_t *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED)
        die("mmap: %s", strerror(errno));
    *ro = 0x55;
    mprotect(ro, 4096, PROT_READ);
    EXPECT_ERR("read-only word",
               fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), ro, WAKE_OP(OP_SET, 1, 0, 0)), EFAULT);
    if (*ro != 0x55)
        die("read-only word changed to %#x", *ro);
    EXPECT_ERR("unmapped word", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), unmapped_page(), 0), EFAULT);
    S->b = 7;
    EXPECT_ERR("op 7", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, WAKE_OP(7, 1, 0, 0)), ENOSYS);
    if (S->b != 7)
        die("unknown op changed the word to %u", S->b);
    EXPECT_ERR("cmp 9", fx(&S->a, FUTEX_WAKE_OP, 1, count2(1), &S->b, WAKE_OP(OP_SET, 1, 9, 0)),
               ENOSYS);
    if (S->b != 1)
        die("word %u after SET 1 with an unknown comparison, expected 1", S->b);
}

/* ---- signals ---- */

static void await_handled(int i)
{
    double t0 = p_now_us();
    while (!S->handled[i]) {
        if (p_now_us() - t0 > 3e6)
            die("waiter %d's handler never ran", i);
        usleep(1000);
    }
}

/* A handler without SA_RESTART: -1/EINTR; with a timeout even with
 * SA_RESTART (Linux restarts only when no handler ran). */
static void case_eintr(void)
{
    struct timespec t = {5, 0};
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, W_HANDLER);
    kill(waiters[0], SIGUSR1);
    reap(0, EINTR);
    spawn(1, &S->a, FUTEX_WAIT, 0, &t, 0, W_RESTART);
    kill(waiters[1], SIGUSR1);
    reap(1, EINTR);
}

/* SA_RESTART and no timeout: the wait goes on after the handler. */
static void case_sa_restart(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, W_RESTART);
    kill(waiters[0], SIGUSR1);
    await_handled(0);
    await_sleep(0);
    if (S->nlog != 0)
        die("the wait returned after the handler");
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(0, 0);
}

/* A waiter killed in its wait leaves the queue. */
static void case_killed_waiter(void)
{
    spawn(0, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn(1, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    kill(waiters[0], SIGKILL);
    int st = 0;
    p_wait(waiters[0], &st, 0);
    waiters[0] = 0;
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
        die("killed waiter: %s", p_status_str(st));
    wake_expect(&S->a, FUTEX_WAKE, 1);
    EXPECT_RET("FUTEX_WAKE", fx(&S->a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
}

/* ---- futex_waitv (Linux 5.16) ---- */

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define FUTEX2_SIZE_U8  0x00
#define FUTEX2_SIZE_U16 0x01
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_U64 0x03
#define FUTEX2_PRIVATE  FUTEX_PRIVATE_FLAG
#define FUTEX_WAITV_MAX 128

struct waitv {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};

static long fxv(struct waitv *v, unsigned n, unsigned flags, const struct timespec *ts,
                clockid_t clock)
{
    return syscall(SYS_futex_waitv, v, n, flags, ts, clock);
}

static struct waitv wv(uint32_t *word, uint64_t val, uint32_t flags)
{
    return (struct waitv){.val = val, .uaddr = (uintptr_t)word, .flags = flags};
}

/* Waiter i: futex_waitv on v[0..n) (no timeout), exit 100 + the index it
 * returned, or errno. flags: W_HANDLER / W_RESTART as spawn's. */
static void spawn_v(int i, struct waitv *v, unsigned n, int flags)
{
    if (spawn_fork(i, flags))
        return;
    long r = fxv(v, n, 0, NULL, CLOCK_MONOTONIC);
    int e = errno;
    S->log[__atomic_fetch_add(&S->nlog, 1, __ATOMIC_SEQ_CST)] = i;
    _exit(r >= 0 ? 100 + (int)r : e);
}

static void case_waitv_einval(void)
{
    struct waitv v[FUTEX_WAITV_MAX + 1];
    struct timespec t = {0, 1000}, bad = {0, 1000000000L};
    for (int i = 0; i <= FUTEX_WAITV_MAX; i++)
        v[i] = wv(&S->a, 0, FUTEX2_SIZE_U32);
    EXPECT_ERR("nr 0", fxv(v, 0, 0, NULL, 0), EINVAL);
    EXPECT_ERR("nr 129", fxv(v, FUTEX_WAITV_MAX + 1, 0, &t, CLOCK_MONOTONIC), EINVAL);
    EXPECT_ERR("flags 1", fxv(v, 1, 1, &t, CLOCK_MONOTONIC), EINVAL);
    EXPECT_ERR("waiters NULL", fxv(NULL, 1, 0, &t, CLOCK_MONOTONIC), EINVAL);
    EXPECT_ERR("CLOCK_BOOTTIME", fxv(v, 1, 0, &t, CLOCK_BOOTTIME), EINVAL);
    EXPECT_ERR("tv_nsec 1e9", fxv(v, 1, 0, &bad, CLOCK_MONOTONIC), EINVAL);
    static const uint32_t sizes[] = {FUTEX2_SIZE_U8, FUTEX2_SIZE_U16, FUTEX2_SIZE_U64};
    for (unsigned i = 0; i < 3; i++) {
        v[1] = wv(&S->b, 0, sizes[i]);
        EXPECT_ERR("a size other than 32", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EINVAL);
    }
    v[1] = wv(&S->b, 0, FUTEX2_SIZE_U32 | 0x100);
    EXPECT_ERR("unknown flag", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EINVAL);
    v[1] = wv(&S->b, 0, FUTEX2_SIZE_U32);
    v[1].reserved = 1;
    EXPECT_ERR("__reserved", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EINVAL);
    v[1] = wv(&S->b, 1ull << 32, FUTEX2_SIZE_U32);
    EXPECT_ERR("val wider than 32 bits", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EINVAL);
    v[1] = wv((uint32_t *)((char *)&S->b + 2), 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE);
    EXPECT_ERR("misaligned", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EINVAL);
    /* Every entry is checked before any value is compared. */
    v[0] = wv(&S->a, 7, FUTEX2_SIZE_U32);
    v[1] = wv(&S->b, 0, FUTEX2_SIZE_U16);
    EXPECT_ERR("bad entry after a differing word", fxv(v, 2, 0, NULL, 0), EINVAL);
}

static void case_waitv_efault(void)
{
    /* A valid first entry ending its page, the second beyond it (mapped
     * before gone is taken, which must stay unmapped). */
    char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (two == MAP_FAILED || munmap(two + 4096, 4096) != 0)
        die("mmap/munmap: %s", strerror(errno));
    struct waitv *edge = (struct waitv *)(two + 4096 - sizeof(struct waitv));
    *edge = wv(&S->a, 0, FUTEX2_SIZE_U32);
    uint32_t *gone = unmapped_page();
    struct timespec t = {0, 1000};
    struct waitv v[2] = {wv(&S->a, 0, FUTEX2_SIZE_U32), wv(gone, 0, FUTEX2_SIZE_U32)};
    EXPECT_ERR("waiters unmapped", fxv((struct waitv *)gone, 1, 0, &t, CLOCK_MONOTONIC), EFAULT);
    EXPECT_ERR("waiters partly unmapped", fxv(edge, 2, 0, &t, CLOCK_MONOTONIC), EFAULT);
    EXPECT_ERR("word unmapped", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EFAULT);
    v[1].flags |= FUTEX2_PRIVATE;
    EXPECT_ERR("private word unmapped", fxv(v, 2, 0, &t, CLOCK_MONOTONIC), EFAULT);
    v[1] = wv(&S->b, 0, FUTEX2_SIZE_U32);
    EXPECT_ERR("timeout unmapped", fxv(v, 2, 0, (void *)gone, CLOCK_MONOTONIC), EFAULT);
}

/* A word that differs: EAGAIN before any sleep, wherever it is. */
static void case_waitv_eagain(void)
{
    struct waitv v[3] = {wv(&S->a, 0, FUTEX2_SIZE_U32), wv(&S->b, 0, FUTEX2_SIZE_U32),
                         wv(&private_word, 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)};
    S->b = 5;
    EXPECT_ERR("second word differs", fxv(v, 3, 0, NULL, 0), EAGAIN);
    S->b = 0;
    private_word = 1;
    EXPECT_ERR("private third word differs", fxv(v, 3, 0, NULL, 0), EAGAIN);
}

/* Absolute timeouts on both clocks; nobody is left queued after them. */
static void case_waitv_timeout(void)
{
    struct waitv v[2] = {wv(&S->a, 0, FUTEX2_SIZE_U32),
                         wv(&private_word, 0, FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)};
    static const clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME};
    for (unsigned c = 0; c < 2; c++) {
        double t0 = p_now_us();
        struct timespec at = ts_in(clocks[c], 50), past = {1, 0};
        EXPECT_ERR("+50 ms", fxv(v, 2, 0, &at, clocks[c]), ETIMEDOUT);
        double took = ms_since(t0);
        if (took < 48 || took > 2050)
            die("clock %d: timed out after %.1f ms, expected 50", (int)clocks[c], took);
        EXPECT_ERR("a time past", fxv(v, 2, 0, &past, clocks[c]), ETIMEDOUT);
    }
    EXPECT_RET("wake after the timeouts", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    EXPECT_RET("private wake after the timeouts",
               fx(&private_word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0), 0);
}

/* A wake on any word ends the whole wait with that word's index; the
 * waiter has left the other words' queues. */
static void case_waitv_wake_index(void)
{
    struct waitv v[3] = {wv(&S->a, 0, FUTEX2_SIZE_U32), wv(&S->b, 0, FUTEX2_SIZE_U32),
                         wv(&S->rw[0], 0, FUTEX2_SIZE_U32)};
    spawn_v(0, v, 3, 0);
    EXPECT_RET("FUTEX_WAKE b", fx(&S->b, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 1);
    reap(0, 101);
    EXPECT_RET("FUTEX_WAKE a after", fx(&S->a, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    EXPECT_RET("FUTEX_WAKE rw after", fx(&S->rw[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0);
    spawn_v(1, v, 3, 0);
    EXPECT_RET("FUTEX_WAKE rw", fx(&S->rw[0], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(1, 102);
    spawn_v(2, v, 1, 0);
    EXPECT_RET("FUTEX_WAKE a (one word)", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(2, 100);
}

/* The most words a wait takes, each its own: a wake of the last one. */
static void case_waitv_max(void)
{
    uint32_t *words = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct waitv v[FUTEX_WAITV_MAX];
    if (words == MAP_FAILED)
        die("mmap: %s", strerror(errno));
    for (int i = 0; i < FUTEX_WAITV_MAX; i++)
        v[i] = wv(&words[i], 0, FUTEX2_SIZE_U32);
    struct timespec past = {0, 0};
    EXPECT_ERR("128 words, a time past", fxv(v, FUTEX_WAITV_MAX, 0, &past, CLOCK_MONOTONIC),
               ETIMEDOUT);
    spawn_v(0, v, FUTEX_WAITV_MAX, 0);
    EXPECT_RET("wake word 127", fx(&words[127], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(0, 100 + 127);
    for (int i = 0; i < FUTEX_WAITV_MAX; i++)
        EXPECT_RET("nobody left", fx(&words[i], FUTEX_WAKE, 1, NULL, NULL, 0), 0);
}

/* Two waitv waiters on the same word are woken in order, one a wake; a
 * FUTEX_WAIT waiter shares their queue. */
static void case_waitv_fifo(void)
{
    struct waitv v[2] = {wv(&S->b, 0, FUTEX2_SIZE_U32), wv(&S->a, 0, FUTEX2_SIZE_U32)};
    spawn_v(0, v, 2, 0);
    spawn(1, &S->a, FUTEX_WAIT, 0, NULL, 0, 0);
    spawn_v(2, v, 2, 0);
    int n = S->nlog;
    EXPECT_RET("wake one", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    await_log(n + 1);
    if (S->log[n] != 0)
        die("woke waiter %d first, expected 0", S->log[n]);
    reap(0, 101);
    wake_expect(&S->a, FUTEX_WAKE, 1);
    EXPECT_RET("wake b", fx(&S->b, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(2, 100);
}

/* A requeued waitv waiter is woken through its new word. */
static void case_waitv_requeue(void)
{
    struct waitv v[2] = {wv(&S->rw[0], 0, FUTEX2_SIZE_U32), wv(&S->a, 0, FUTEX2_SIZE_U32)};
    spawn_v(0, v, 2, 0);
    EXPECT_RET("FUTEX_REQUEUE a to b", fx(&S->a, FUTEX_REQUEUE, 0, count2(1), &S->b, 0), 1);
    EXPECT_RET("FUTEX_WAKE a", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    EXPECT_RET("FUTEX_WAKE b", fx(&S->b, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(0, 101);
}

/* A signal: EINTR after a handler without SA_RESTART; with SA_RESTART
 * the wait goes on (Linux's -ERESTARTSYS). */
static void case_waitv_signal(void)
{
    struct waitv v[2] = {wv(&S->a, 0, FUTEX2_SIZE_U32), wv(&S->b, 0, FUTEX2_SIZE_U32)};
    spawn_v(0, v, 2, W_HANDLER);
    kill(waiters[0], SIGUSR1);
    reap(0, EINTR);
    EXPECT_RET("nobody left on a", fx(&S->a, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
    spawn_v(1, v, 2, W_RESTART);
    kill(waiters[1], SIGUSR1);
    await_handled(1);
    await_sleep(1);
    if (S->nlog != 1)
        die("the wait returned after an SA_RESTART handler");
    EXPECT_RET("FUTEX_WAKE b", fx(&S->b, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
    reap(1, 101);
}

/* A realtime deadline moves with the clock: setting CLOCK_REALTIME past
 * it ends the wait at once. Inside Uniplex only (it sets the clock). */
static void case_waitv_realtime_set(void)
{
    struct waitv v[1] = {wv(&S->a, 0, FUTEX2_SIZE_U32)};
    pid_t pid = fork();
    if (pid == 0) {
        alarm(ALARM_S);
        struct timespec at = ts_in(CLOCK_REALTIME, 5000);
        S->ready[0] = 1;
        _exit(fxv(v, 1, 0, &at, CLOCK_REALTIME) == -1 && errno == ETIMEDOUT ? 0 : 1);
    }
    waiters[0] = pid;
    await_sleep(0);
    double t0 = p_now_us();
    struct timespec now = ts_in(CLOCK_REALTIME, 0);
    now.tv_sec += 10;
    if (clock_settime(CLOCK_REALTIME, &now) != 0)
        die("clock_settime: %s", strerror(errno));
    reap(0, 0);
    now = ts_in(CLOCK_REALTIME, 0);
    now.tv_sec -= 10;
    clock_settime(CLOCK_REALTIME, &now);
    if (ms_since(t0) > 2000)
        die("the wait ended %.0f ms after the clock was set", ms_since(t0));
}

/* ---- robust list ---- */

static void case_get_robust_list(void)
{
    static uint64_t head[3];
    head[0] = (uint64_t)head; /* an empty list */
    uint64_t got = 1;
    size_t len = 0;
    EXPECT_RET("set_robust_list", syscall(SYS_set_robust_list, head, 24), 0);
    EXPECT_RET("tid 0", syscall(SYS_get_robust_list, 0, &got, &len), 0);
    if (got != (uint64_t)head || len != 24)
        die("tid 0: head %#llx len %zu, expected %p and 24", (unsigned long long)got, len,
            (void *)head);
    got = 0;
    EXPECT_RET("own tid", syscall(SYS_get_robust_list, syscall(SYS_gettid), &got, &len), 0);
    if (got != (uint64_t)head)
        die("own tid: head %#llx", (unsigned long long)got);
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    p_wait(gone, NULL, 0);
    EXPECT_ERR("reaped pid", syscall(SYS_get_robust_list, gone, &got, &len), ESRCH);
    EXPECT_ERR("bad head pointer", syscall(SYS_get_robust_list, 0, (void *)8, &len), EFAULT);
    EXPECT_ERR("bad len pointer", syscall(SYS_get_robust_list, 0, &got, (void *)8), EFAULT);
}

/* The owner of a robust futex exits holding it: the kernel marks the word
 * FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and wakes a waiter; a word on
 * its list that another tid owns is left alone. Entries 8 bytes apart,
 * so their words (entry + futex_offset) are rw[0] and rw[2]. */
static void case_robust_owner_died(void)
{
    pid_t owner = fork();
    if (owner == 0) {
        static uint64_t head[3], entry[2];
        head[0] = (uint64_t)&entry[0];
        entry[0] = (uint64_t)&entry[1];
        entry[1] = (uint64_t)head;
        head[1] = (uint64_t)((char *)&S->rw[0] - (char *)&entry[0]); /* futex_offset */
        S->rw[0] = (uint32_t)syscall(SYS_gettid) | FUTEX_WAITERS;
        S->rw[2] = 12345;
        if (syscall(SYS_set_robust_list, head, 24) != 0)
            _exit(1);
        S->ready[3] = 1;
        while (!S->handled[3]) /* the parent's go */
            usleep(1000);
        _exit(0);
    }
    waiters[3] = owner;
    while (!S->ready[3])
        usleep(1000);
    spawn(0, &S->rw[0], FUTEX_WAIT, S->rw[0], NULL, 0, 0);
    S->handled[3] = 1;
    reap(3, 0);
    reap(0, 0);
    if (S->rw[0] != (FUTEX_WAITERS | FUTEX_OWNER_DIED))
        die("owner's word %#x after its exit, expected %#x", S->rw[0],
            FUTEX_WAITERS | FUTEX_OWNER_DIED);
    if (S->rw[2] != 12345)
        die("another owner's word changed to %u", S->rw[2]);
}

/* A list that loops back on itself ends at the walk's limit (the exit
 * does not hang); list_op_pending (PI bit set: marked, nobody woken) is
 * handled after the list. */
static void case_robust_cycle_pending(void)
{
    pid_t owner = fork();
    if (owner == 0) {
        static uint64_t head[3], entry[2];
        uint32_t tid = (uint32_t)syscall(SYS_gettid);
        head[0] = (uint64_t)&entry[0];
        entry[0] = (uint64_t)&entry[0];    /* a cycle that never reaches head */
        head[2] = (uint64_t)&entry[1] | 1; /* pending, a PI futex */
        head[1] = (uint64_t)((char *)&S->rw[0] - (char *)&entry[0]);
        S->rw[0] = tid | FUTEX_WAITERS;
        S->rw[2] = tid;
        _exit(syscall(SYS_set_robust_list, head, 24) == 0 ? 0 : 1);
    }
    waiters[3] = owner;
    reap(3, 0);
    if (S->rw[0] != (FUTEX_WAITERS | FUTEX_OWNER_DIED))
        die("looped entry's word %#x, expected %#x", S->rw[0], FUTEX_WAITERS | FUTEX_OWNER_DIED);
    if (S->rw[2] != FUTEX_OWNER_DIED)
        die("pending word %#x, expected %#x", S->rw[2], FUTEX_OWNER_DIED);
}

#define BOTH         0
#define UNIPLEX_ONLY 1 /* Linux has what Uniplex refuses */
static const struct {
    const char *name;
    void (*fn)(void);
    int where;
} cases[] = {
    {"eagain", case_eagain, BOTH},
    {"timeout-relative", case_timeout_relative, BOTH},
    {"timeout-absolute-monotonic", case_timeout_monotonic, BOTH},
    {"timeout-absolute-realtime", case_timeout_realtime, BOTH},
    {"einval-misaligned", case_einval_misaligned, BOTH},
    {"einval-bitset-0", case_einval_bitset0, BOTH},
    {"einval-timespec-and-counts", case_einval_timespec, BOTH},
    {"efault-word", case_efault, BOTH},
    {"efault-timeout", case_efault_timeout, BOTH},
    {"enosys-clock-realtime-and-unknown-ops", case_enosys, BOTH},
    {"enosys-pi", case_enosys_pi, UNIPLEX_ONLY},
    {"wake-no-waiters", case_wake_none, BOTH},
    {"shared-parent-wakes-child", case_shared_wake, BOTH},
    {"wake-count-0-wakes-one", case_wake_count_zero, BOTH},
    {"private-futex-not-parents", case_private_not_parents, BOTH},
    {"private-memory-not-shared", case_private_memory_not_shared, BOTH},
    {"private-wake-misses-shared-waiter", case_private_wake_misses_shared, BOTH},
    {"fifo-order", case_fifo, BOTH},
    {"wake-bitset", case_bitset, BOTH},
    {"requeue", case_requeue, BOTH},
    {"cmp-requeue", case_cmp_requeue, BOTH},
    {"wake-op-ops", case_wake_op_ops, BOTH},
    {"wake-op-compare", case_wake_op_compare, BOTH},
    {"wake-op-wakes-both", case_wake_op_wakes, BOTH},
    {"wake-op-errors", case_wake_op_errors, BOTH},
    {"eintr", case_eintr, BOTH},
    {"sa-restart-keeps-waiting", case_sa_restart, BOTH},
    {"killed-waiter-leaves-queue", case_killed_waiter, BOTH},
    {"get-robust-list", case_get_robust_list, BOTH},
    {"robust-owner-died", case_robust_owner_died, BOTH},
    {"robust-cycle-and-pending", case_robust_cycle_pending, BOTH},
    {"waitv-einval", case_waitv_einval, BOTH},
    {"waitv-efault", case_waitv_efault, BOTH},
    {"waitv-eagain", case_waitv_eagain, BOTH},
    {"waitv-timeout-monotonic-and-realtime", case_waitv_timeout, BOTH},
    {"waitv-wake-any-returns-index", case_waitv_wake_index, BOTH},
    {"waitv-128-words", case_waitv_max, BOTH},
    {"waitv-fifo-with-futex-wait", case_waitv_fifo, BOTH},
    {"waitv-requeued", case_waitv_requeue, BOTH},
    {"waitv-eintr-and-restart", case_waitv_signal, BOTH},
    {"waitv-realtime-clock-set", case_waitv_realtime_set, UNIPLEX_ONLY},
};

/* Run case i in a child with fresh shared memory: ok, or FAIL with the
 * child's reason or its exit status. */
static void run(unsigned i)
{
    char why[300];
    int st = 0;
    S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (S == MAP_FAILED) {
        t_fail(cases[i].name, "mmap: %s", strerror(errno));
        return;
    }
    if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, 0, why, sizeof(why), &st) &&
        t_case_passed(cases[i].name, why, st))
        t_ok(cases[i].name);
    munmap(S, sizeof(*S));
}

/* Every case, or those named on the command line. */
int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        if (cases[i].where == UNIPLEX_ONLY && !t_uniplex())
            t_skip_host(cases[i].name);
        else
            run(i);
    }
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return t_done("futex");
}
