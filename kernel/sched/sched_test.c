/* In-kernel scheduler tests, run with selftest=sched under QEMU. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/printk.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/preempt_test.h"
#include "kernel/sched/sched_test.h"
#include "drivers/rtc.h"

#define PINGPONG_ROUNDS 100000

static uint64_t avail_pages(void)
{
    struct pmem_stats st;
    struct kmalloc_stats ks;
    pmem_stats(&st);
    kmalloc_stats(&ks);
    return st.free_pages + ks.pages_held;
}

/* --- ping-pong through two wait queues --------------------------------- */

static struct waitq ping_q, pong_q;
static volatile int turn, pongs;

static void ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        while (turn != 1)
            waitq_wait(&pong_q, 0);
        pongs++;
        turn = 0;
        waitq_wake_one(&ping_q);
    }
}

static const char *t_pingpong(void)
{
    struct thread *t;
    waitq_init(&ping_q);
    waitq_init(&pong_q);
    turn = pongs = 0;
    if (thread_create("ponger", ponger, 0, 0, &t))
        return "thread_create";
    uint64_t t0 = clock_ns();
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        turn = 1;
        waitq_wake_one(&pong_q);
        while (turn != 0)
            waitq_wait(&ping_q, 0);
    }
    uint64_t t1 = clock_ns();
    thread_join(t);
    printk("bench: wait-queue ping-pong %llu ns per round trip\n",
           (unsigned long long)((t1 - t0) / PINGPONG_ROUNDS));
    return pongs == PINGPONG_ROUNDS ? 0 : "rounds lost";
}

/* --- many threads -------------------------------------------------------- */

static volatile int ran;

static void count_run(void *arg)
{
    (void)arg;
    ran++;
    sched_yield();
}

static int run_batch(struct thread **ts, int n)
{
    for (int i = 0; i < n; i++)
        if (thread_create("worker", count_run, 0, 0, &ts[i]))
            return -1;
    for (int i = 0; i < n; i++)
        thread_join(ts[i]);
    return 0;
}

static const char *t_many(void)
{
    static struct thread *ts[100];
    /* Warm-up batch: the kernel page tables covering 100 stack slots are
     * allocated once and kept; the baseline is taken after them. */
    if (run_batch(ts, 100))
        return "thread_create failed";
    uint64_t before = avail_pages();
    unsigned nbefore = thread_count();
    ran = 0;
    uint64_t t0 = clock_ns();
    for (int batch = 0; batch < 10; batch++)
        if (run_batch(ts, 100))
            return "thread_create failed";
    uint64_t t1 = clock_ns();
    printk("bench: thread create+join %llu ns\n", (unsigned long long)((t1 - t0) / 1000));
    if (ran != 1000)
        return "not every thread ran";
    if (thread_count() != nbefore)
        return "thread count did not return";
    return avail_pages() == before ? 0 : "free pages did not return after 1,000 threads";
}

/* --- sleepers wake in deadline order ----------------------------------- */

static volatile int wake_order[5], nwoken;
static uint64_t late_ns[5], sleep_base;

/* Sleeper k wakes at sleep_base + 2k ms: deadlines from one base, so the
 * expected order does not depend on when each thread got to run. */
static void sleeper(void *arg)
{
    int k = (int)(uintptr_t)arg;
    uint64_t deadline = sleep_base + (uint64_t)k * 2 * NSEC_PER_MSEC;
    sched_sleep_until(deadline);
    uint64_t now = clock_ns();
    late_ns[k - 1] = now >= deadline ? now - deadline : ~0ull;
    wake_order[nwoken++] = k;
}

static const char *t_sleep_order(void)
{
    static const int order[5] = {5, 3, 1, 4, 2};
    struct thread *ts[5];
    nwoken = 0;
    sleep_base = clock_ns() + 20 * NSEC_PER_MSEC; /* every sleeper is asleep by then */
    for (int i = 0; i < 5; i++)
        if (thread_create("sleeper", sleeper, (void *)(uintptr_t)order[i], 0, &ts[i]))
            return "thread_create";
    for (int i = 0; i < 5; i++)
        thread_join(ts[i]);
    uint64_t worst = 0;
    for (int i = 0; i < 5; i++) {
        if (wake_order[i] != i + 1)
            return "sleepers woke out of deadline order";
        if (late_ns[i] == ~0ull)
            return "a sleeper woke before its deadline";
        worst = late_ns[i] > worst ? late_ns[i] : worst;
    }
    printk("sched: worst wake-up lateness %llu us\n", (unsigned long long)(worst / 1000));
    return 0;
}

/* --- a wake between prepare and block is not lost ---------------------- */

static struct thread *sleeper_t;
static volatile int lw_stage;

static void lost_waker(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++) {
        while (lw_stage != 1)
            sched_yield();
        sched_wake(sleeper_t); /* lands between prepare and block */
        lw_stage = 2;
    }
}

static const char *t_lost_wakeup(void)
{
    struct thread *t;
    sleeper_t = sched_current();
    lw_stage = 0;
    if (thread_create("waker", lost_waker, 0, 0, &t))
        return "thread_create";
    for (int i = 0; i < 100000; i++) {
        sched_block_prepare(clock_ns() + 1000 * NSEC_PER_MSEC);
        lw_stage = 1;
        while (lw_stage != 2)
            sched_yield(); /* the waker runs here, after prepare */
        lw_stage = 0;
        if (sched_block())
            return "a wake-up between prepare and block was lost (timed out)";
    }
    thread_join(t);
    return 0;
}

/* --- the same, with the wake coming from the timer interrupt ---------- */

static void wake_from_irq(void *arg)
{
    sched_wake(arg);
}

/* Each round: a callout due in 0-40 us will wake this thread from the
 * timer interrupt; meanwhile it prepares to block, spins with interrupts
 * enabled for 0-40 us (so the wake may land between prepare and block),
 * then blocks. A lost wake-up would hang the round: the 1 s deadline turns
 * that into a failure instead. */
static const char *t_lost_wakeup_irq(void)
{
    struct callout c;
    uint64_t x = 0x9e3779b97f4a7c15ull, before = 0, after = 0;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t now = clock_ns();
        sched_block_prepare(now + 1000 * NSEC_PER_MSEC);
        callout_add(&c, now + (x & 0xffff) % 40000, wake_from_irq, sched_current());
        uint64_t spin_until = now + (x >> 32) % 40000;
        while (clock_ns() < spin_until)
            arch_idle_poll();
        if (sched_current()->woken)
            before++;
        else
            after++;
        if (sched_block()) {
            callout_cancel(&c);
            return "a wake-up from the timer interrupt was lost (1 s deadline hit)";
        }
        while (callout_cancel(&c))
            ; /* woken early by nothing else: the callout has run */
    }
    printk("sched: irq wakes landed %llu times before the block, %llu times after\n",
           (unsigned long long)before, (unsigned long long)after);
    return before && after ? 0 : "the wakes never raced both ways";
}

/* --- mutex and condition variable: bounded buffer ---------------------- */

static struct kmutex mx;
static struct kcond not_empty, not_full;
static int buf[4], nbuf, consumed_sum;

static void producer(void *arg)
{
    (void)arg;
    for (int i = 1; i <= 10000; i++) {
        kmutex_lock(&mx);
        while (nbuf == 4)
            kcond_wait(&not_full, &mx, 0);
        buf[nbuf++] = i;
        kcond_signal(&not_empty);
        kmutex_unlock(&mx);
        if (i % 7 == 0)
            sched_yield();
    }
}

static const char *t_mutex_cond(void)
{
    struct thread *t;
    kmutex_init(&mx);
    kcond_init(&not_empty);
    kcond_init(&not_full);
    nbuf = consumed_sum = 0;
    if (thread_create("producer", producer, 0, 0, &t))
        return "thread_create";
    for (int got = 0; got < 10000; got++) {
        kmutex_lock(&mx);
        while (nbuf == 0)
            kcond_wait(&not_empty, &mx, 0);
        consumed_sum += buf[0];
        for (int i = 1; i < nbuf; i++)
            buf[i - 1] = buf[i];
        nbuf--;
        kcond_signal(&not_full);
        kmutex_unlock(&mx);
    }
    thread_join(t);
    if (kcond_wait(&not_empty, (kmutex_lock(&mx), &mx), clock_ns() + NSEC_PER_MSEC) != 1)
        return "kcond_wait with a deadline did not time out";
    kmutex_unlock(&mx);
    return consumed_sum == 10000 * 10001 / 2 ? 0 : "items lost or duplicated";
}

/* --- FPU state is per thread ------------------------------------------- */

static volatile int fpu_bad;

static void fpu_worker(void *arg)
{
    uint64_t mine = (uint64_t)(uintptr_t)arg;
    arch_test_fpu_write(mine);
    for (int i = 0; i < 1000; i++) {
        sched_yield();
        if (arch_test_fpu_read() != mine)
            fpu_bad = 1;
        arch_test_fpu_write(mine);
    }
}

static const char *t_fpu(void)
{
    struct thread *a, *b;
    fpu_bad = 0;
    if (thread_create("fpu-a", fpu_worker, (void *)0x1111111111ull, 1, &a) ||
        thread_create("fpu-b", fpu_worker, (void *)0x2222222222ull, 1, &b))
        return "thread_create";
    thread_join(a);
    thread_join(b);
    return fpu_bad ? "FPU register changed across a switch" : 0;
}

/* --- clock --------------------------------------------------------------- */

static const char *t_clock(void)
{
    uint64_t prev = clock_ns();
    for (int i = 0; i < 1000000; i++) {
        uint64_t now = clock_ns();
        if (now < prev)
            return "CLOCK_MONOTONIC went backwards";
        prev = now;
    }
    return 0;
}

static const char *t_sleep_1s(void)
{
    uint64_t t0 = clock_ns();
    sched_sleep_ns(1000 * NSEC_PER_MSEC);
    uint64_t d = clock_ns() - t0;
    printk("sched: a 1 s sleep took %llu us\n", (unsigned long long)(d / 1000));
    return d >= 980 * NSEC_PER_MSEC && d <= 1020 * NSEC_PER_MSEC
               ? 0
               : "a 1 s sleep is off by more than 2%";
}

/* Wait for the RTC's seconds to change; 0 on timeout (~5 s of clock_ns). */
static int rtc_edge(void)
{
    struct civil_time a, b;
    uint64_t limit = clock_ns() + 5000 * NSEC_PER_MSEC;
    if (rtc_read(&a))
        return 0;
    do {
        if (rtc_read(&b))
            return 0;
    } while (b.sec == a.sec && clock_ns() < limit);
    return b.sec != a.sec;
}

/* The TSC-derived clock against the RTC, an independent oscillator. */
static const char *t_clock_vs_rtc(void)
{
    if (!rtc_edge())
        return "no RTC second edge";
    uint64_t t0 = clock_ns();
    if (!rtc_edge() || !rtc_edge())
        return "no RTC second edge";
    uint64_t d = clock_ns() - t0;
    printk("sched: 2 RTC seconds = %llu us of CLOCK_MONOTONIC\n", (unsigned long long)(d / 1000));
    return d >= 1960 * NSEC_PER_MSEC && d <= 2040 * NSEC_PER_MSEC
               ? 0
               : "TSC clock and RTC disagree by more than 2%";
}

int sched_sleep_selftest(void)
{
    ktest_result("sched/sleep-order", t_sleep_order());
    ktest_result("sched/sleep-1s", t_sleep_1s());
    return ktest_end("sched");
}

int sched_selftest(void)
{
    uint64_t start = avail_pages();
    ktest_result("sched/pingpong", t_pingpong());
    ktest_result("sched/many-threads", t_many());
    ktest_result("sched/sleep-order", t_sleep_order());
    ktest_result("sched/lost-wakeup", t_lost_wakeup());
    ktest_result("sched/lost-wakeup-irq", t_lost_wakeup_irq());
    ktest_result("sched/mutex-cond", t_mutex_cond());
    ktest_result("sched/fpu", t_fpu());
    ktest_result("sched/clock", t_clock());
    ktest_result("sched/sleep-1s", t_sleep_1s());
    ktest_result("sched/clock-vs-rtc", t_clock_vs_rtc());
    preempt_selftest();
    struct pmem_stats st;
    pmem_stats(&st);
    printk("sched: free pages %llu at start, %llu at end (kernel page tables for thread "
           "stacks, kept: %llu)\n",
           (unsigned long long)start, (unsigned long long)avail_pages(),
           (unsigned long long)st.table_pages);
    return ktest_end("sched");
}
