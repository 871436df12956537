/* POSIX per-process timers (the contract is in ptimer.h).
 *
 * Clocks: REALTIME (and TAI, the same here), MONOTONIC and BOOTTIME (the
 * same: nothing suspends), their _ALARM variants with CAP_WAKE_ALARM (no
 * suspend to wake from, so plain timers), and the CPU-time clocks of the
 * caller's own process and threads (cpuclock.c's ids). A wall-clock timer
 * is a callout. As on Linux, a relative one counts on CLOCK_MONOTONIC
 * whatever its clock, and an absolute CLOCK_REALTIME (or TAI) one on the
 * realtime clock, through a realtime-tagged callout deadline that moves
 * when the clock is set (sched.h). A CPU-time timer
 * is looked at by the scheduler's accounting sample (ptimer_cpu_tick,
 * every SCHED_ACCT_TICK_NS of CPU), so it expires within a tick of its
 * time. An interval timer is moved on by the whole intervals that passed,
 * each one past the first counted as an overrun.
 *
 * Callouts and samples run from the timer interrupt, which never
 * interrupts kernel code: no lock. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "kernel/sched/sched.h"

struct ptimer {
    struct ptimer *next; /* the process's timers */
    struct proc *proc;
    int id;
    int32_t clock;     /* a CPU-time clock names its thread or process */
    int notify, sig;   /* SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD_ID */
    int tid;           /* SIGEV_THREAD_ID's thread */
    uint64_t value;    /* sigev_value */
    uint64_t expires;  /* the next expiration on the timer's clock; 0: disarmed */
    uint64_t interval; /* ns; 0: one-shot */
    int wall;          /* armed absolute on a realtime clock: expires is a wall-clock time */
    int queued;        /* its signal is pending, not yet taken */
    uint64_t overrun;  /* expirations since it was made pending */
    int32_t last;      /* the overrun count of the last signal taken */
    struct callout co;
};

/* A CPU-time clock (cpuclock.c's encoding) made to name its thread or
 * process by id, so that it means the same from any thread (ids 2 and 3
 * are the caller's SCHED clocks; a dynamic id keeps its PROF, VIRT or
 * SCHED). 0 and *canon, or -EINVAL: no such clock, or another process's,
 * which nothing samples for this one. */
static int pt_cpu_clock(int32_t clock, int32_t *canon)
{
    struct lwp *self = lwp_current();
    uint64_t ns;
    int err = cpuclock_read(clock, &ns);
    if (err)
        return err;
    int thread = cpuclock_thread(clock);
    int own = clock >= 0 || ~(clock >> 3) == 0; /* id 2 or 3, or pid/tid 0 */
    int who = own ? (thread ? self->tid : self->proc->pid) : ~(clock >> 3);
    int kind = clock >= 0 ? 2 : clock & 3;
    if (!thread && who != self->proc->pid)
        return -EINVAL;
    *canon = (int32_t)((uint32_t)~who << 3) | (thread ? 4 : 0) | kind;
    return 0;
}

/* The clock a timer on clock runs on: 0 and *canon (see pt_cpu_clock),
 * or Linux's error for clock. */
static int pt_clock(int32_t clock, int32_t *canon)
{
    *canon = clock;
    if (cpuclock_is(clock))
        return pt_cpu_clock(clock, canon);
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
        return 0;
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
        return cred_capable(CAP_WAKE_ALARM) ? 0 : -EPERM;
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
        return -EOPNOTSUPP; /* Linux has no timers on these */
    default:
        return -EINVAL;
    }
}

/* The time now on t's clock (a CPU clock whose thread is gone: 0). */
static uint64_t pt_now(const struct ptimer *t)
{
    uint64_t ns = 0;
    if (cpuclock_is(t->clock))
        return cpuclock_read(t->clock, &ns) ? 0 : ns;
    return t->wall ? clock_realtime_ns() : clock_ns();
}

/* A realtime clock, on which an absolute timer follows clock sets. */
static int pt_wall_clock(int32_t clock)
{
    return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_ALARM || clock == CLOCK_TAI;
}

/* The callout deadline of t's next expiration. */
static uint64_t pt_deadline(const struct ptimer *t)
{
    return t->wall ? clock_deadline_rt(t->expires) : t->expires;
}

static struct ptimer *pt_find(struct proc *p, int id)
{
    for (struct ptimer *t = p->ptimers; t; t = t->next)
        if (t->id == id)
            return t;
    return 0;
}

/* What sigevent ev asks for, checked as Linux's good_sigevent: 0 or
 * -EINVAL. NULL: SIGALRM with the timer's id as si_value. */
static int pt_notify_set(struct ptimer *t, const struct ksigevent *ev)
{
    if (!ev) {
        t->notify = SIGEV_SIGNAL;
        t->sig = SIGALRM;
        t->value = (uint64_t)t->id;
        return 0;
    }
    if (ev->notify == SIGEV_THREAD_ID) {
        struct lwp *l = lwp_find(ev->u.tid);
        if (!l || l->proc != t->proc || l->exited)
            return -EINVAL;
        t->tid = l->tid;
    } else if (ev->notify != SIGEV_SIGNAL && ev->notify != SIGEV_THREAD &&
               ev->notify != SIGEV_NONE) {
        return -EINVAL;
    }
    if (ev->notify != SIGEV_NONE && (ev->signo <= 0 || ev->signo > NSIG))
        return -EINVAL;
    t->notify = ev->notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev->notify;
    t->sig = ev->signo;
    t->value = ev->value;
    return 0;
}

/* The next free id, counting on from the last one given (Linux's). */
static int pt_id(struct proc *p)
{
    for (;;) {
        int id = p->ptimer_next_id;
        p->ptimer_next_id = id == INT32_MAX ? 0 : id + 1;
        if (!pt_find(p, id))
            return id; /* a free one exists: the count is far below INT32_MAX */
    }
}

int ptimer_create(int32_t clock, const struct ksigevent *ev, int *id)
{
    struct proc *p = proc_current();
    int32_t canon;
    int err = pt_clock(clock, &canon);
    if (err)
        return err;
    if (p->nqueued + p->nptimers >= p->rlim[RLIMIT_SIGPENDING].cur)
        return -EAGAIN;
    struct ptimer *t = kzalloc(sizeof(*t));
    if (!t)
        return -EAGAIN;
    t->proc = p;
    t->clock = canon;
    t->id = pt_id(p);
    err = pt_notify_set(t, ev);
    if (err) {
        kfree(t);
        return err;
    }
    t->next = p->ptimers;
    p->ptimers = t;
    p->nptimers++;
    p->ncputimers += cpuclock_is(canon);
    *id = t->id;
    return 0;
}

/* n expirations at once: the signal made pending for the first unless it
 * still is, the rest counted as overruns. */
static void pt_notify(struct ptimer *t, uint64_t n)
{
    if (t->notify == SIGEV_NONE)
        return;
    if (t->queued) {
        t->overrun += n;
        return;
    }
    t->overrun = n - 1;
    struct sigqinfo info = {SI_TIMER, t->id, t->value, 0};
    if (t->notify == SIGEV_SIGNAL) {
        sig_send_info(t->proc, 0, t->sig, &info);
        return;
    }
    struct lwp *l = lwp_find(t->tid);
    if (l && l->proc == t->proc)
        sig_send_lwp(l, t->sig, &info);
}

/* t's expiration has come (now, on its clock): notify and move an
 * interval timer on by the intervals that passed, or disarm. */
static void pt_expire(struct ptimer *t, uint64_t now)
{
    uint64_t n = 1;
    if (t->interval) {
        n = (now - t->expires) / t->interval + 1;
        uint64_t step = n > CLOCK_NS_MAX / t->interval ? CLOCK_NS_MAX : n * t->interval;
        t->expires = clock_add(t->expires, step);
    } else {
        t->expires = 0;
    }
    pt_notify(t, n);
}

static void pt_fire(void *arg);

/* Arm a wall-clock timer's callout for t->expires (now: its clock's time);
 * one already due expires at once. SIGEV_NONE and CPU-time timers have no
 * callout: gettime and the CPU sample look at them (a CPU-time one already
 * due expires at once too). */
static void pt_arm(struct ptimer *t, uint64_t now)
{
    int cpu = cpuclock_is(t->clock);
    if (!t->expires || t->notify == SIGEV_NONE)
        return;
    if (t->expires <= now && cpu)
        pt_expire(t, now); /* the next one is in the future */
    else if (t->expires <= now)
        pt_fire(t);
    else if (!cpu)
        callout_add(&t->co, pt_deadline(t), pt_fire, t);
}

/* The callout: from the timer interrupt (or pt_arm). A callout added
 * again runs on a later pass, so a short interval cannot hold the CPU. */
static void pt_fire(void *arg)
{
    struct ptimer *t = arg;
    uint64_t now = pt_now(t);
    if (!t->expires || now < t->expires) {
        pt_arm(t, now); /* early by a rounding: once more */
        return;
    }
    pt_expire(t, now);
    if (t->expires)
        callout_add(&t->co, pt_deadline(t), pt_fire, t);
}

void ptimer_cpu_tick(struct lwp *l)
{
    struct proc *p = l->proc;
    if (!p->ncputimers)
        return;
    for (struct ptimer *t = p->ptimers; t; t = t->next) {
        if (!t->expires || !cpuclock_is(t->clock) || t->notify == SIGEV_NONE)
            continue;
        uint64_t now;
        if (cpuclock_read(t->clock, &now) == 0 && now >= t->expires)
            pt_expire(t, now);
    }
}

/* t's setting now; a SIGEV_NONE or CPU-time interval timer is moved on
 * here (no callout does it). An armed timer whose time has come but whose
 * callout has not run shows 1 ns, as Linux's. */
static void pt_get(struct ptimer *t, struct ptimer_spec *cur)
{
    uint64_t now = pt_now(t);
    int passive = t->notify == SIGEV_NONE;
    if (passive && t->expires && now >= t->expires)
        pt_expire(t, now);
    cur->interval = t->interval;
    cur->value = !t->expires ? 0 : t->expires > now ? t->expires - now : 1;
}

int ptimer_settime(int id, int abs, const struct ptimer_spec *sp, struct ptimer_spec *old)
{
    struct ptimer *t = pt_find(proc_current(), id);
    if (!t)
        return -EINVAL;
    pt_get(t, old);
    callout_cancel(&t->co);
    t->last = 0;
    t->overrun = 0;
    t->wall = abs && pt_wall_clock(t->clock);
    uint64_t now = pt_now(t);
    t->interval = sp->value ? sp->interval : 0;
    t->expires = !sp->value ? 0 : abs ? sp->value : clock_add(now, sp->value);
    pt_arm(t, now);
    return 0;
}

int ptimer_gettime(int id, struct ptimer_spec *cur)
{
    struct ptimer *t = pt_find(proc_current(), id);
    if (!t)
        return -EINVAL;
    pt_get(t, cur);
    return 0;
}

int ptimer_getoverrun(int id)
{
    struct ptimer *t = pt_find(proc_current(), id);
    return t ? t->last : -EINVAL;
}

/* Unlink t from p's timers and free it. */
static void pt_free(struct proc *p, struct ptimer *t)
{
    for (struct ptimer **pp = &p->ptimers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    callout_cancel(&t->co);
    p->nptimers--;
    p->ncputimers -= cpuclock_is(t->clock);
    kfree(t);
}

int ptimer_delete(int id)
{
    struct proc *p = proc_current();
    struct ptimer *t = pt_find(p, id);
    if (!t)
        return -EINVAL;
    pt_free(p, t);
    return 0;
}

void ptimer_delete_all(struct proc *p)
{
    while (p->ptimers)
        pt_free(p, p->ptimers);
}

void ptimer_sig_queued(struct proc *p, int sig, const struct sigqinfo *info)
{
    struct ptimer *t = pt_find(p, info->pid);
    if (t && t->sig == sig)
        t->queued = 1;
}

void ptimer_sig_taken(struct proc *p, int sig, struct sigqinfo *info)
{
    struct ptimer *t = pt_find(p, info->pid);
    if (!t || t->sig != sig || !t->queued)
        return;
    t->last = t->overrun > DELAYTIMER_MAX ? DELAYTIMER_MAX : (int32_t)t->overrun;
    info->overrun = t->last;
    t->overrun = 0;
    t->queued = 0;
}
