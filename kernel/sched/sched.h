/* bmk-style kernel threads and their scheduler (one CPU).
 *
 * Kernel code is never preempted: a thread runs until it yields, blocks or
 * exits. Blocking is two-phase, as in rumprun's bmk: sched_block_prepare()
 * announces the intent (and an optional deadline), the caller then publishes
 * itself where a waker will find it, and sched_block() gives up the CPU
 * unless a sched_wake() arrived in between, so no wake-up is lost. */
#ifndef UNIPLEX_SCHED_H
#define UNIPLEX_SCHED_H

#include <stdint.h>
#include "kernel/arch.h"

struct vmspace;

#define THREAD_STACK_SIZE (16 * 1024)

enum thread_state { T_RUNNING, T_RUNNABLE, T_BLOCKED, T_ZOMBIE };

struct waitq {
    struct thread *head, *tail;
};

struct thread {
    struct arch_context ctx;
    char name[24];
    enum thread_state state;
    int woken;            /* a wake arrived after block_prepare */
    int timed_out;        /* the last sched_block ended by its deadline */
    uint64_t deadline;    /* ns, monotonic; 0 = none */
    uint64_t rt_deadline; /* the CLOCK_REALTIME-tagged deadline it stands for; 0: none */
    struct thread *rq_next, *sleep_next, *wq_next;
    struct waitq *wq;   /* the wait queue this thread is on, or NULL */
    struct waitq exitq; /* joiners */
    unsigned stack_slot;
    struct vmspace *vm;  /* address space of its program code, or NULL */
    void *lwp;           /* the process LWP it runs (struct lwp), NULL: a kernel thread */
    int intr;            /* a signal is pending: interruptible sleeps end */
    uint64_t runtime_ns; /* CPU time used, up to its last switch-out */
    uint64_t sys_ns;     /* the part of it sampled in kernel code (sched_interrupt_exit) */
    uint64_t sampled_at; /* clock_ns() of its last accounting sample */
    uint64_t ran_at;     /* clock_ns() of its last switch-in */
    /* Its nice value (setpriority(2): SCHED_NICE_MIN..SCHED_NICE_MAX) and
     * the weight that goes with it (sched_set_nice); weight 0 stands for
     * nice 0's, so that the common case costs the switch one test. */
    int nice;
    uint32_t weight;
};

/* Make the running boot context the first thread ("kmain") and start the
 * idle thread (counted in thread_count). The command
 * line may set the preemption quantum for program code: quantum=MS
 * (default 10). */
void sched_init(const char *cmdline);
/* End of a timer or device interrupt: wake due sleepers; if the
 * interrupted code was program code (never kernel code) and another thread
 * is runnable, preempt it. */
void sched_interrupt_exit(int in_program);
/* The event timer fired (call before sched_interrupt_exit). */
void sched_timer_fired(void);
/* The quantum (ns): how long program code runs before another runnable
 * thread may take the CPU (sched_rr_get_interval reports it). */
uint64_t sched_quantum(void);
/* Set the quantum (ns); returns the previous one. For tests. */
uint64_t sched_set_quantum(uint64_t ns);
/* Nice values (setpriority(2)): SCHED_NICE_MIN gets the most CPU. A
 * thread's share follows Linux's CFS weights: nice 0 weighs 1024 and each
 * step down weighs about 1.25 times more (nice -20: ~88,800, nice 19:
 * ~14). Program code runs for a slice scaled from what a nice-0 thread
 * gets (the quantum, or the accounting tick when shorter, as any
 * interrupt preempts a nice-0 thread that others wait behind) by its
 * weight over 1024, at least SCHED_SLICE_MIN_NS: a nice-19 thread beside
 * a busy nice-0 one gets about 1/70 of the CPU. A thread of positive nice
 * is preempted, as a nice-0 one, at any interrupt that finds others
 * waiting; one of negative nice keeps the CPU for its whole slice (a
 * thread woken meanwhile waits for it). */
#define SCHED_NICE_MIN     (-20)
#define SCHED_NICE_MAX     19
#define SCHED_WEIGHT_NICE0 1024u
#define SCHED_SLICE_MIN_NS 50000ull
/* Give t nice value nice (already within the range). */
void sched_set_nice(struct thread *t, int nice);
static inline int sched_nice(const struct thread *t)
{
    return t->nice;
}
/* The slice (ns) t's program code runs for before others waiting get the
 * CPU. */
uint64_t sched_slice(const struct thread *t);
/* How many times program code has been preempted. */
uint64_t sched_preemptions(void);
/* Whether t has never had the CPU (made, queued, not yet switched to). */
static inline int sched_unstarted(const struct thread *t)
{
    return t->ran_at == 0;
}

/* The running thread. Written only by the scheduler; read it through
 * sched_current() (inline: the hottest read in the kernel). */
extern struct thread *curthread;
static inline struct thread *sched_current(void)
{
    return curthread;
}

/* Create a thread that will run fn(arg) on a 16 KiB stack with an
 * unmapped guard page below it, not yet runnable: thread_start runs it,
 * thread_discard gives it back unrun. 0 and *out, or -ENOMEM / -EAGAIN
 * (no stack slot). With fpu set the thread gets its own FPU/SSE/AVX state. */
int thread_alloc(const char *name, void (*fn)(void *), void *arg, int fpu, struct thread **out);
void thread_start(struct thread *t);
void thread_discard(struct thread *t);
/* thread_alloc, then thread_start. */
int thread_create(const char *name, void (*fn)(void *), void *arg, int fpu, struct thread **out);
/* End the calling thread; a joiner frees its stack and structure. */
__attribute__((noreturn)) void thread_exit(void);
/* Wait for t to exit, then free it. Each thread is joined exactly once. */
void thread_join(struct thread *t);
/* Threads alive (created and not yet joined), kmain included. */
unsigned thread_count(void);

/* Give the calling thread an address space (switched with the thread).
 * NULL makes it a kernel thread again, which leaves the tables loaded. */
void thread_set_vmspace(struct vmspace *vs);

void sched_yield(void);
/* Phase 1 of blocking: deadline is an absolute clock_ns() value, or a
 * realtime one (clock_deadline_rt), 0 for none. */
void sched_block_prepare(uint64_t deadline);
/* Phase 2: sleep until woken or the deadline. Returns 1 if timed out. */
int sched_block(void);
/* Make t runnable (or cancel its pending block). No-op when t is running
 * and has not prepared to block. */
void sched_wake(struct thread *t);
/* CPU time: t's (including its current run), and the machine's since boot
 * split into program threads, other kernel threads and idle. */
uint64_t thread_runtime_ns(const struct thread *t);
/* The part of thread_runtime_ns(t) spent in kernel code (system time), as
 * sampled: while a program thread runs, the timer fires at least every
 * SCHED_ACCT_TICK_NS, and the time since the previous sample is charged
 * to the kernel when the interrupt finds kernel code running (Linux's
 * tick-based accounting). A clock read at every kernel entry and exit
 * would be exact, and would cost every system call. */
uint64_t thread_sys_ns(const struct thread *t);
#define SCHED_ACCT_TICK_NS (4 * 1000000ull)
/* Have fn called with the LWP (struct lwp) at each accounting sample of a
 * program thread, in interrupt context (the process layer's RLIMIT_CPU
 * check): it must be quick and must not block. */
void sched_set_sample_hook(void (*fn)(void *lwp));
void sched_cpu_ns(uint64_t *program, uint64_t *kernel, uint64_t *idle);
/* Threads running or waiting to run (the idle thread not counted). */
unsigned sched_nr_running(void);
/* The load averages over 1, 5 and 15 minutes (loadavg.c): Linux's avenrun,
 * fixed point with LOADAVG_FSHIFT fraction bits (Linux's FSHIFT), sampled
 * every 5 s from sched_loadavg_start on (called once, at boot). */
#define LOADAVG_FSHIFT  11
#define LOADAVG_FIXED_1 (1ul << LOADAVG_FSHIFT)
void sched_loadavg_start(void);
void sched_loadavg(unsigned long avg[3]);

/* 1 when the calling thread has a pending signal that interrupts sleeps
 * (set by the signal code). Interruptible waits check it before blocking
 * and after every wake. */
int sched_interrupted(void);
/* Sleep until deadline unless interrupted: 0, or -EINTR. */
int sched_sleep_intr(uint64_t deadline);
/* Sleep for ns nanoseconds / until the clock_ns() value deadline. */
void sched_sleep_ns(uint64_t ns);
void sched_sleep_until(uint64_t deadline);

/* Clocks (clock.c). clock_init needs arch_clock_init; it reads the RTC. */
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_SEC  1000000000ull
#define USER_HZ       100 /* clock_t ticks per second (times(2), /proc) */
/* Linux's clock ids (clock_gettime, timerfd_create). */
enum {
    CLOCK_REALTIME = 0,
    CLOCK_MONOTONIC = 1,
    CLOCK_PROCESS_CPUTIME_ID = 2, /* CPU-time clocks: kernel/proc/cpuclock.c */
    CLOCK_THREAD_CPUTIME_ID = 3,
    CLOCK_MONOTONIC_RAW = 4,
    CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6,
    CLOCK_BOOTTIME = 7,
    CLOCK_REALTIME_ALARM = 8,
    CLOCK_BOOTTIME_ALARM = 9,
    CLOCK_TAI = 11,
};
void clock_init(void);
/* After sched_init: refine the cycle counter's frequency over the next
 * second from a callout (arch_clock_refine), then run on the refined rate. */
void clock_refine_start(void);
/* 1 while that refinement goes on. */
int clock_refining(void);
/* Monotonic nanoseconds since boot (TSC): CLOCK_MONOTONIC. */
uint64_t clock_ns(void);
/* The latest time a timer can name (Linux's KTIME_MAX, about 292 years):
 * program-supplied times beyond it are clamped to it, as Linux clamps. */
#define CLOCK_NS_MAX ((uint64_t)INT64_MAX)
/* t + ns, saturated at CLOCK_NS_MAX (a deadline that cannot wrap into the past). */
static inline uint64_t clock_add(uint64_t t, uint64_t ns)
{
    return ns >= CLOCK_NS_MAX || t >= CLOCK_NS_MAX - ns ? CLOCK_NS_MAX : t + ns;
}
/* A program's sec and nsec (checked: nsec below a second) as nanoseconds,
 * saturated at CLOCK_NS_MAX as Linux's ktime_set saturates: a huge time
 * stays huge instead of wrapping into a short one. */
static inline uint64_t clock_ns_of(uint64_t sec, uint64_t nsec)
{
    return sec >= CLOCK_NS_MAX / NSEC_PER_SEC ? CLOCK_NS_MAX : sec * NSEC_PER_SEC + nsec;
}
/* Nanoseconds since the Unix epoch (RTC at boot + monotonic): CLOCK_REALTIME;
 * 0-based (1970) when the RTC could not be read. It is clock_ns() plus an
 * offset, which only clock_realtime_set changes. */
uint64_t clock_realtime_ns(void);
/* Set CLOCK_REALTIME to ns (clock_settime, settimeofday, adjtimex): 0, or
 * -EINVAL for a time before boot (Linux keeps the boot instant within the
 * epoch: realtime never below clock_ns()). CLOCK_MONOTONIC does not move;
 * every realtime deadline is re-evaluated (Linux's clock_was_set), so that
 * absolute realtime sleeps and timers expire at the new time. *delta_ns
 * gets how far the clock moved (signed). */
int clock_realtime_set(uint64_t ns, int64_t *delta_ns);
/* Deadlines on CLOCK_REALTIME. A deadline (sched_block_prepare, the
 * waits built on it, callout_add) is a clock_ns() value, or a realtime
 * value tagged with CLOCK_DEADLINE_RT (bit 63: no clock_ns() deadline
 * reaches it, CLOCK_NS_MAX being INT64_MAX), which the scheduler converts
 * to clock_ns() when it is armed and again whenever the realtime clock is
 * set. Never 0. */
#define CLOCK_DEADLINE_RT (1ull << 63)
static inline uint64_t clock_deadline_rt(uint64_t rt_ns)
{
    return (rt_ns > CLOCK_NS_MAX ? CLOCK_NS_MAX : rt_ns) | CLOCK_DEADLINE_RT;
}
/* The clock_ns() value deadline (either kind) stands for now; at least 1. */
uint64_t clock_deadline_ns(uint64_t deadline);
/* The scheduler's part of a clock step: realtime deadlines of sleepers
 * and callouts converted again (clock.c calls it). */
void sched_clock_was_set(void);

/* Callouts: fn(arg) runs once at the deadline (clock_ns(), or realtime
 * tagged with CLOCK_DEADLINE_RT), from the timer
 * interrupt (or the scheduler), with interrupts off; it must not block.
 * The caller owns c until it has run or been cancelled. One pass runs only
 * the callouts due when it began: a callout that adds itself again (a
 * periodic timer), even with a deadline already past, runs on a later
 * pass, so no deadline keeps the CPU in the interrupt. */
struct callout {
    uint64_t deadline; /* clock_ns() */
    uint64_t rt;       /* the realtime-tagged deadline it stands for; 0: none */
    void (*fn)(void *arg);
    void *arg;
    struct callout *next;
};
void callout_add(struct callout *c, uint64_t deadline, void (*fn)(void *), void *arg);
/* Remove c if still pending; returns 1 if it was. */
int callout_cancel(struct callout *c);

/* Wait queues: FIFO. waitq_wait returns 1 on timeout. */
void waitq_init(struct waitq *q);
int waitq_wait(struct waitq *q, uint64_t deadline);
/* An interruptible waitq_wait: 0 woken, 1 timed out, or -EINTR at once
 * when the caller has a pending signal (sched_interrupted), checked after
 * the wait is announced so that no signal can slip in unseen. */
int waitq_wait_intr(struct waitq *q, uint64_t deadline);
/* Wake the first / every waiter; returns how many were woken. */
int waitq_wake_one(struct waitq *q);
int waitq_wake_all(struct waitq *q);

struct kmutex {
    struct thread *owner;
    struct waitq waiters;
};
struct kcond {
    struct waitq waiters;
};
void kmutex_init(struct kmutex *m);
void kmutex_lock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m); /* panics if the caller is not the owner */
void kcond_init(struct kcond *c);
/* Release m, wait for a signal (or the deadline), re-acquire m. 1 on timeout. */
int kcond_wait(struct kcond *c, struct kmutex *m, uint64_t deadline);
void kcond_signal(struct kcond *c);
void kcond_broadcast(struct kcond *c);

#endif
