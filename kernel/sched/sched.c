/* FIFO run queue, deadline-sorted sleep queue, two-phase blocking, and a
 * one-shot timer armed for the next event. A CPU with nothing runnable
 * halts until an interrupt (or polls the clock when there is no timer). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/cmdline.h"
#include "kernel/mm/vmspace.h"
#include "kernel/sched/sched.h"

static struct thread boot_thread;
struct thread *curthread;
static struct thread *rq_head, *rq_tail;
static struct thread *sleepq;    /* sorted by deadline */
static struct callout *callouts; /* sorted by deadline */
static struct callout *due;      /* the pass run_callouts is running, not yet run */
static int have_timer;
static uint64_t quantum = 10 * 1000000ull;
static uint64_t preemptions;

static void rq_push(struct thread *t)
{
    t->rq_next = 0;
    if (rq_tail)
        rq_tail->rq_next = t;
    else
        rq_head = t;
    rq_tail = t;
}

static struct thread *rq_pop(void)
{
    struct thread *t = rq_head;
    if (t) {
        rq_head = t->rq_next;
        if (!rq_head)
            rq_tail = 0;
    }
    return t;
}

#define NO_EVENT UINT64_MAX

/* The earliest sleeper's or callout's deadline, NO_EVENT for none. */
static inline uint64_t next_event(void)
{
    uint64_t s = sleepq ? sleepq->deadline : NO_EVENT;
    uint64_t c = callouts ? callouts->deadline : NO_EVENT;
    return s < c ? s : c;
}

/* next_event(), kept up to date by every change to the two lists: the
 * switch compares it with the clock and reads no list. */
static uint64_t next_ev = NO_EVENT;

static inline void next_ev_update(void)
{
    next_ev = next_event();
}

static void sleep_insert(struct thread *t)
{
    struct thread **pp = &sleepq;
    while (*pp && (*pp)->deadline <= t->deadline)
        pp = &(*pp)->sleep_next;
    t->sleep_next = *pp;
    *pp = t;
    next_ev_update();
}

static void sleep_remove(struct thread *t)
{
    for (struct thread **pp = &sleepq; *pp; pp = &(*pp)->sleep_next)
        if (*pp == t) {
            *pp = t->sleep_next;
            next_ev_update();
            return;
        }
}

static void make_runnable(struct thread *t)
{
    if (t->deadline)
        sleep_remove(t);
    t->deadline = 0;
    t->state = T_RUNNABLE;
    rq_push(t);
}

static void arm_timer(uint64_t now);

static void callout_insert(struct callout *c)
{
    struct callout **pp = &callouts;
    while (*pp && (*pp)->deadline <= c->deadline)
        pp = &(*pp)->next;
    c->next = *pp;
    *pp = c;
    next_ev_update();
}

void callout_add(struct callout *c, uint64_t deadline, void (*fn)(void *), void *arg)
{
    c->rt = deadline & CLOCK_DEADLINE_RT ? deadline : 0;
    c->deadline = c->rt ? clock_deadline_ns(deadline) : deadline;
    c->fn = fn;
    c->arg = arg;
    callout_insert(c);
    arm_timer(clock_ns());
}

/* Unlink c from the list at *pp: 1, or 0 when it is not there. */
static int callout_unlink(struct callout **pp, struct callout *c)
{
    for (; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            return 1;
        }
    return 0;
}

int callout_cancel(struct callout *c)
{
    if (callout_unlink(&callouts, c)) {
        next_ev_update();
        return 1;
    }
    return callout_unlink(&due, c);
}

/* Run the callouts due at now: moved to the due list first, so that those
 * they add (again) wait for the next pass. */
static void run_callouts(uint64_t now)
{
    struct callout *last = 0;
    for (struct callout *c = callouts; c && c->deadline <= now; c = c->next)
        last = c;
    if (!last)
        return;
    due = callouts;
    callouts = last->next;
    last->next = 0;
    next_ev_update();
    while (due) {
        struct callout *c = due;
        due = c->next;
        c->fn(c->arg);
    }
}

/* Run due callouts and move every sleeper whose deadline passed to the run
 * queue. */
static void expire_sleepers(uint64_t now)
{
    if (callouts && callouts->deadline <= now)
        run_callouts(now);
    while (sleepq && sleepq->deadline <= now) {
        struct thread *t = sleepq;
        t->timed_out = 1;
        make_runnable(t);
    }
}

/* Program the timer for the next event: the earliest sleeper, or the end
 * of the quantum when the running thread can run program code (only that
 * is ever preempted) and others wait. Reprogramming costs a device access
 * (a VM exit when virtualised): skip it when the deadline is unchanged. */
/* Longest single arm: the timer's own calibration error then adds at most
 * ~1% of this to a wake-up, however long the sleep. */
#define TIMER_MAX_NS (10 * 1000000ull)
static uint64_t armed; /* absolute deadline being aimed at, 0 = none */

/* When the running thread's slice q ends: a quantum from now for a
 * nice-0 thread (armed as it is switched in), from its switch-in for a
 * niced one (re-armed at each accounting tick), never sooner than
 * SCHED_SLICE_MIN_NS from now (a slice that ran out in kernel code). */
static inline uint64_t slice_end(uint64_t now, uint64_t q)
{
    if (!curthread->weight)
        return now + q;
    uint64_t end = curthread->ran_at + q;
    return end > now + SCHED_SLICE_MIN_NS ? end : now + SCHED_SLICE_MIN_NS;
}

static void arm_timer(uint64_t now)
{
    uint64_t when = sleepq ? sleepq->deadline : 0;
    if (callouts && (when == 0 || callouts->deadline < when))
        when = callouts->deadline;

    if (!have_timer)
        return;
    uint64_t q = curthread->weight ? sched_slice(curthread) : quantum;
    uint64_t end = slice_end(now, q);
    if (rq_head && curthread->ctx.fpu && (when == 0 || end < when)) {
        when = end;
        /* An end of quantum armed a little earlier stands: threads that
         * switch often (yield, ping-pong) would otherwise reprogram the
         * timer at every switch, for a preemption at most 1/64 of a
         * quantum early (the calibration's own error is ~1%). */
        if (armed > now && armed <= when && when - armed <= q / 64)
            return;
    }
    if (curthread->lwp && (when == 0 || now + SCHED_ACCT_TICK_NS < when)) {
        /* The accounting sample: any interrupt within the tick will do,
         * so one armed already stands (no reprogramming per switch). */
        if (armed > now && armed <= now + SCHED_ACCT_TICK_NS)
            return;
        when = now + SCHED_ACCT_TICK_NS;
    }
    if (when == armed && (when == 0 || when > now))
        return;
    armed = when;
    uint64_t delay = when == 0 ? 0 : when > now ? when - now : 1;
    arch_timer_set(delay > TIMER_MAX_NS ? TIMER_MAX_NS : delay);
}

/* arm_timer's commonest answer, in a few instructions: a program thread
 * of nice 0 whose accounting tick is armed already, with no sleeper or
 * callout due within the tick. arm_timer would keep that arm too (the
 * quantum's end, when it exceeds the tick, comes after it): this is an
 * exact subset of its decisions, not a looser one. */
static inline int timer_stands(uint64_t now)
{
    uint64_t tick_end = now + SCHED_ACCT_TICK_NS;
    return armed > now && armed <= tick_end && next_ev > tick_end && curthread->lwp &&
           !curthread->weight && quantum > SCHED_ACCT_TICK_NS;
}

/* Nothing to run: halt until an interrupt (the timer for the earliest
 * sleeper, or a device), or poll the clock when there is no timer. */
static struct thread *idle_thread;

/* Give the CPU to the next runnable thread, or to the idle thread when
 * there is none; the caller has already queued itself (yield) or marked
 * itself blocked/zombie. */
static uint64_t cpu_program_ns, cpu_kernel_ns, cpu_idle_ns;

/* Charge prev the time since it was switched in. */
static inline void account(struct thread *prev, uint64_t now)
{
    uint64_t d = now - prev->ran_at;
    prev->runtime_ns += d;
    if (prev == idle_thread)
        cpu_idle_ns += d;
    else if (prev->lwp)
        cpu_program_ns += d;
    else
        cpu_kernel_ns += d;
}

uint64_t thread_sys_ns(const struct thread *t)
{
    uint64_t rt = thread_runtime_ns(t);
    return t->sys_ns < rt ? t->sys_ns : rt;
}

uint64_t thread_runtime_ns(const struct thread *t)
{
    return t->runtime_ns + (t == curthread ? clock_ns() - t->ran_at : 0);
}

void sched_cpu_ns(uint64_t *program, uint64_t *kernel, uint64_t *idle)
{
    account(curthread, clock_ns());
    curthread->ran_at = clock_ns();
    *program = cpu_program_ns;
    *kernel = cpu_kernel_ns;
    *idle = cpu_idle_ns;
}

unsigned sched_nr_running(void)
{
    unsigned n = curthread != idle_thread;
    for (struct thread *t = rq_head; t; t = t->rq_next)
        n++;
    return n;
}

/* The switch's hot path calls out only when a sleeper or callout is due
 * or the timer needs programming; the checks are inline. */
static void schedule(void)
{
    struct thread *prev = curthread, *next;
    uint64_t now = clock_ns();

    KASSERT(next_ev == next_event());
    account(prev, now);
    if (next_ev <= now)
        expire_sleepers(now);
    next = rq_pop();
    if (!next)
        next = idle_thread;
    next->state = T_RUNNING;
    next->ran_at = now;
    curthread = next;
    if (!timer_stands(now))
        arm_timer(now);
    if (next == prev)
        return;
    /* A kernel thread runs on whatever tables are loaded (the kernel half
     * is the same in all): switching back to the same process then costs
     * no page-table load, which would flush the TLB. */
    if (next->vm)
        vmspace_switch(next->vm);
    arch_context_switch(&prev->ctx, &next->ctx);
}

/* The idle thread: never queued, runs only when nothing else can, and halts
 * until the next interrupt (the timer, armed for the earliest sleeper or
 * callout, or a device). Without a timer it polls the clock instead. */
static void idle_main(void *arg)
{
    (void)arg;
    for (;;) {
        expire_sleepers(clock_ns());
        if (rq_head) {
            curthread->state = T_RUNNABLE;
            schedule();
            continue;
        }
        arm_timer(clock_ns());
        if (have_timer)
            arch_idle();
        else
            arch_idle_poll();
    }
}

void sched_yield(void)
{
    if (!rq_head && !(sleepq && sleepq->deadline <= clock_ns()))
        return;
    curthread->state = T_RUNNABLE;
    rq_push(curthread);
    schedule();
}

void sched_block_prepare(uint64_t deadline)
{
    curthread->woken = 0;
    curthread->timed_out = 0;
    if (__builtin_expect(deadline & CLOCK_DEADLINE_RT, 0)) { /* off the switch's hot path */
        curthread->rt_deadline = deadline;
        deadline = clock_deadline_ns(deadline);
    } else {
        curthread->rt_deadline = 0;
    }
    curthread->deadline = deadline;
}

int sched_block(void)
{
    if (curthread->woken) {
        curthread->deadline = 0;
        return 0;
    }
    curthread->state = T_BLOCKED;
    if (curthread->deadline)
        sleep_insert(curthread);
    schedule();
    return curthread->timed_out;
}

/* Take the sleepers with a realtime deadline off the sleep queue, convert
 * their deadlines again and put them back in order. */
static void resort_sleepers(void)
{
    struct thread *moved = 0;
    for (struct thread **pp = &sleepq; *pp;) {
        struct thread *t = *pp;
        if (!t->rt_deadline) {
            pp = &t->sleep_next;
            continue;
        }
        *pp = t->sleep_next;
        t->sleep_next = moved;
        moved = t;
    }
    while (moved) {
        struct thread *t = moved;
        moved = t->sleep_next;
        t->deadline = clock_deadline_ns(t->rt_deadline);
        sleep_insert(t);
    }
}

/* The same for pending callouts (those of a pass already running are due). */
static void resort_callouts(void)
{
    struct callout *moved = 0;
    for (struct callout **pp = &callouts; *pp;) {
        struct callout *c = *pp;
        if (!c->rt) {
            pp = &c->next;
            continue;
        }
        *pp = c->next;
        c->next = moved;
        moved = c;
    }
    while (moved) {
        struct callout *c = moved;
        moved = c->next;
        c->deadline = clock_deadline_ns(c->rt);
        callout_insert(c);
    }
}

void sched_clock_was_set(void)
{
    resort_sleepers();
    resort_callouts();
    next_ev_update();
    arm_timer(clock_ns());
}

void sched_wake(struct thread *t)
{
    if (t->state == T_BLOCKED)
        make_runnable(t);
    else if (t->state == T_RUNNING || t->state == T_RUNNABLE)
        t->woken = 1;
}

void sched_sleep_until(uint64_t deadline)
{
    do
        sched_block_prepare(deadline);
    while (!sched_block()); /* a stray wake: sleep on until the deadline */
}

int sched_interrupted(void)
{
    return sched_current()->intr;
}

int sched_sleep_intr(uint64_t deadline)
{
    struct thread *t = sched_current();
    for (;;) {
        sched_block_prepare(deadline); /* before the check: see waitq_wait_intr */
        if (t->intr)
            return -EINTR;
        if (sched_block())
            return 0;
    }
}

void sched_sleep_ns(uint64_t ns)
{
    sched_sleep_until(clock_ns() + ns);
}

static int timer_fired;

void sched_timer_fired(void)
{
    armed = 0; /* the hardware is idle now: the next arm must program it */
    timer_fired = 1;
}

static void (*sample_hook)(void *lwp);

void sched_set_sample_hook(void (*fn)(void *lwp))
{
    sample_hook = fn;
}

/* A timer interrupt that found a program thread running: the time since
 * its previous sample (or since it was switched in) was program time or
 * kernel time, as the interrupted code is; then the process layer's check
 * (sample_hook). */

static void acct_sample(int in_program, uint64_t now)
{
    if (!curthread->lwp)
        return;
    uint64_t from =
        curthread->sampled_at > curthread->ran_at ? curthread->sampled_at : curthread->ran_at;
    if (!in_program && now > from)
        curthread->sys_ns += now - from;
    curthread->sampled_at = now;
    if (sample_hook)
        sample_hook(curthread->lwp);
}

/* A thread of negative nice keeps the CPU until its (longer) slice ends;
 * others go at any interrupt that finds someone waiting. */
static inline int keeps_slice(uint64_t now)
{
    return curthread->weight > SCHED_WEIGHT_NICE0 &&
           now - curthread->ran_at < sched_slice(curthread);
}

void sched_interrupt_exit(int in_program)
{
    uint64_t now = clock_ns();
    if (timer_fired) {
        timer_fired = 0;
        acct_sample(in_program, now);
    }
    expire_sleepers(now);
    if (in_program && rq_head && !keeps_slice(now)) {
        preemptions++;
        curthread->state = T_RUNNABLE;
        rq_push(curthread);
        schedule();
        return;
    }
    arm_timer(clock_ns());
}

void thread_set_vmspace(struct vmspace *vs)
{
    curthread->vm = vs;
    if (vs)
        vmspace_switch(vs);
}

uint64_t sched_quantum(void)
{
    return quantum;
}

uint64_t sched_set_quantum(uint64_t ns)
{
    uint64_t old = quantum;
    quantum = ns;
    return old;
}

/* nice's weight: 1024 times 1.25 to the power -nice, by steps of 5/4 up
 * and 4/5 down (rounded), as Linux's table runs. */
static uint32_t nice_weight(int nice)
{
    uint64_t w = SCHED_WEIGHT_NICE0;
    for (int i = 0; i < nice; i++)
        w = (w * 4 + 2) / 5;
    for (int i = nice; i < 0; i++)
        w = (w * 5 + 2) / 4;
    return (uint32_t)w;
}

void sched_set_nice(struct thread *t, int nice)
{
    KASSERT(nice >= SCHED_NICE_MIN && nice <= SCHED_NICE_MAX);
    t->nice = nice;
    t->weight = nice ? nice_weight(nice) : 0;
}

uint64_t sched_slice(const struct thread *t)
{
    if (!t->weight)
        return quantum;
    uint64_t base = quantum < SCHED_ACCT_TICK_NS ? quantum : SCHED_ACCT_TICK_NS;
    uint64_t s = base * t->weight / SCHED_WEIGHT_NICE0;
    return s > SCHED_SLICE_MIN_NS ? s : SCHED_SLICE_MIN_NS;
}

uint64_t sched_preemptions(void)
{
    return preemptions;
}

void thread_exit(void)
{
    if (curthread == &boot_thread)
        panic("thread_exit: kmain cannot exit");
    curthread->state = T_ZOMBIE;
    waitq_wake_all(&curthread->exitq);
    schedule();
    panic("thread_exit: zombie %s was scheduled", curthread->name);
}

void sched_init(const char *cmdline)
{
    const char *v;
    size_t n;
    if (cmdline_find(cmdline, "quantum", &v, &n) && n > 0) {
        unsigned long ms = strtoul(v, 0, 10);
        if (ms > 0 && ms < 10000)
            quantum = ms * 1000000ull;
    }
    have_timer = arch_timer_init() == 0;
    strlcpy(boot_thread.name, "kmain", sizeof(boot_thread.name));
    boot_thread.state = T_RUNNING;
    waitq_init(&boot_thread.exitq);
    arch_context_boot(&boot_thread.ctx);
    curthread = &boot_thread;
    if (thread_create("idle", idle_main, 0, 0, &idle_thread) != 0)
        panic("sched: cannot create the idle thread");
    rq_pop(); /* thread_create queued it; the idle thread is never queued */
    sched_loadavg_start();
}
