/* POSIX per-process timers (timer_create(2) and its calls; ptimer.c).
 *
 * A process's timers are numbered from 0 in the order they are made (ids
 * are not reused until the count wraps, as Linux's), are not inherited by
 * fork, and are deleted at exec and exit. Each holds one slot of
 * RLIMIT_SIGPENDING while it exists (Linux preallocates its signal), so
 * that limit bounds how many a process has.
 *
 * An expiration makes the timer's signal pending (SIGEV_SIGNAL to the
 * process, SIGEV_THREAD_ID to one of its threads; SIGEV_NONE: nothing) with
 * si_code SI_TIMER, si_timerid and si_value. The signal is pending at most
 * once: expirations while it is pending are counted, and the count goes
 * out as si_overrun when it is taken (timer_getoverrun reports the last
 * one taken), capped at DELAYTIMER_MAX. */
#ifndef UNIPLEX_PROC_PTIMER_H
#define UNIPLEX_PROC_PTIMER_H

#include <stdint.h>
#include "kernel/proc/signal.h"

struct proc;
struct lwp;

/* sigevent's sigev_notify. */
#define SIGEV_SIGNAL    0
#define SIGEV_NONE      1
#define SIGEV_THREAD    2 /* the libc's: to the kernel, SIGEV_SIGNAL */
#define SIGEV_THREAD_ID 4 /* Linux's: to the thread sigev_notify_thread_id */

#define TIMER_ABSTIME  1
#define DELAYTIMER_MAX 0x7fffffff /* the most si_overrun reports (Linux's INT_MAX) */

/* Linux's struct sigevent as timer_create takes it (64 bytes). */
struct ksigevent {
    uint64_t value; /* sigev_value */
    int32_t signo, notify;
    union {
        int32_t tid; /* SIGEV_THREAD_ID's sigev_notify_thread_id */
        uint8_t pad[48];
    } u;
};
_Static_assert(sizeof(struct ksigevent) == 64, "struct sigevent is 64 bytes");

/* A timer's setting: the time to the next expiration (0: disarmed) and
 * the interval (0: one-shot), in ns. */
struct ptimer_spec {
    uint64_t value, interval;
};

/* Make a timer of the calling process on clock, notifying as ev says
 * (NULL: SIGALRM to the process, with the id as si_value): 0 and *id;
 * -EINVAL for a clock without timers here or a bad sigevent, -EPERM for
 * an _ALARM clock without CAP_WAKE_ALARM, -EOPNOTSUPP for a clock Linux
 * has no timers on, -EAGAIN past RLIMIT_SIGPENDING or without memory. */
int ptimer_create(int32_t clock, const struct ksigevent *ev, int *id);
/* Arm timer id of the calling process (abs: sp->value is a time on its
 * clock, else relative; value 0 disarms), its previous setting in *old.
 * 0, or -EINVAL for no such timer. */
int ptimer_settime(int id, int abs, const struct ptimer_spec *sp, struct ptimer_spec *old);
/* The time left and the interval: 0, or -EINVAL. */
int ptimer_gettime(int id, struct ptimer_spec *cur);
/* The overrun count of the last signal taken: >= 0, or -EINVAL. */
int ptimer_getoverrun(int id);
/* Disarm and free timer id: 0, or -EINVAL. */
int ptimer_delete(int id);
/* Delete every timer of p (exec and exit). */
void ptimer_delete_all(struct proc *p);

/* sigpend.c: a timer's signal (SI_TIMER, si_timerid in info->pid) was
 * made pending; was taken (its si_overrun filled in) or dropped. */
void ptimer_sig_queued(struct proc *p, int sig, const struct sigqinfo *info);
void ptimer_sig_taken(struct proc *p, int sig, struct sigqinfo *info);
/* cpuclock.c's accounting sample for l (timer interrupt): expire the
 * CPU-time timers of l's process whose clock has reached them. */
void ptimer_cpu_tick(struct lwp *l);

#endif
