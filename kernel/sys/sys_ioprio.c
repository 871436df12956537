/* I/O priorities (ioprio_set(2), ioprio_get(2)): a class and a level per
 * thread, as Linux keeps them per task, inherited by clone and fork and
 * kept by exec (struct lwp's ioprio).
 *
 * There is no I/O scheduler: requests go to the page cache and devices in
 * the order they are made, whatever the priority, which is what Linux
 * does with the `none` scheduler. So recording and reporting the value is
 * the whole of the call here, as it is there.
 *
 * The selection is getpriority's (prio_each): IOPRIO_WHO_PROCESS one
 * thread by tid, IOPRIO_WHO_PGRP every thread of a process group,
 * IOPRIO_WHO_USER every thread of a real uid's processes. ioprio_get of
 * one thread reports the value as set (0 when none was); of a group or a
 * user, the best (numerically lowest) effective value, where a thread
 * with none set counts as Linux counts it: best-effort at the level its
 * nice value gives ((nice + 20) / 5; every thread here is SCHED_OTHER). */
#include <stdint.h>
#include "errno.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_PGRP    2
#define IOPRIO_WHO_USER    3

#define IOPRIO_CLASS_NONE 0
#define IOPRIO_CLASS_RT   1
#define IOPRIO_CLASS_BE   2
#define IOPRIO_CLASS_IDLE 3

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_DATA_MASK   ((1u << IOPRIO_CLASS_SHIFT) - 1)
#define IOPRIO_LEVELS      8 /* RT and BE levels 0 (highest) .. 7 */
#define IOPRIO_VALUE(c, d) (((c) << IOPRIO_CLASS_SHIFT) | (d))

/* prio_each's which for an ioprio who (IOPRIO_WHO_* is PRIO_* + 1). */
static int ioprio_which(uint64_t which)
{
    return (int)which >= IOPRIO_WHO_PROCESS && (int)which <= IOPRIO_WHO_USER ? (int)which - 1 : -1;
}

/* Linux's ioprio_check_cap before the 6.5 priority hints: RT and BE take
 * a level 0-7 (the hint bits above it are refused: no device here has
 * command duration limits to honour them), NONE only 0, IDLE any data
 * (Linux ignores it); an RT class needs CAP_SYS_NICE or CAP_SYS_ADMIN. */
int ioprio_check(int64_t ioprio)
{
    if (ioprio < 0 || ioprio > 0xffff)
        return -EINVAL;
    unsigned cls = (unsigned)ioprio >> IOPRIO_CLASS_SHIFT, data = ioprio & IOPRIO_DATA_MASK;
    switch (cls) {
    case IOPRIO_CLASS_RT:
        if (!cred_capable(CAP_SYS_NICE) && !cred_capable(CAP_SYS_ADMIN))
            return -EPERM;
        /* fall through */
    case IOPRIO_CLASS_BE:
        return data < IOPRIO_LEVELS ? 0 : -EINVAL;
    case IOPRIO_CLASS_NONE:
        return data ? -EINVAL : 0;
    case IOPRIO_CLASS_IDLE:
        return 0;
    default:
        return -EINVAL;
    }
}

/* The value a thread's requests would carry: its own, or for none the
 * best-effort level of its nice value (Linux's __get_task_ioprio). */
static int ioprio_effective(const struct lwp *l)
{
    if (l->ioprio >> IOPRIO_CLASS_SHIFT != IOPRIO_CLASS_NONE)
        return l->ioprio;
    return IOPRIO_VALUE(IOPRIO_CLASS_BE, (sched_nice(l->thread) + 20) / 5);
}

struct ioprio_get {
    int raw;  /* one thread: its value as set */
    int best; /* -1 until the first thread */
};

static void ioprio_best(struct lwp *l, void *arg)
{
    struct ioprio_get *g = arg;
    int v = g->raw ? l->ioprio : ioprio_effective(l);
    if (g->best < 0 || v < g->best)
        g->best = v;
}

static int64_t sys_ioprio_get(uint64_t which, uint64_t who, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    int w = ioprio_which(which);
    if (w < 0)
        return -EINVAL;
    struct ioprio_get g = {(int)which == IOPRIO_WHO_PROCESS, -1};
    return prio_each(w, (int)who, ioprio_best, &g) ? g.best : -ESRCH;
}

struct ioprio_set {
    uint16_t value;
    int err; /* -ESRCH until a thread is found; the first refusal stops it */
};

/* Linux's set_task_ioprio: the caller's real or effective uid must be l's
 * real uid, or it has CAP_SYS_NICE. Linux stops at the first refusal;
 * the threads after it are left as they are here too. */
static void ioprio_set_one(struct lwp *l, void *arg)
{
    struct ioprio_set *s = arg;
    const struct cred *c = &proc_current()->cred;
    uint32_t ruid = l->proc->cred.uid[0];
    if (s->err == -EPERM)
        return;
    if (ruid != c->uid[0] && ruid != c->uid[1] && !cred_capable(CAP_SYS_NICE)) {
        s->err = -EPERM;
        return;
    }
    l->ioprio = s->value;
    l->ioctx = 1;
    s->err = 0;
}

static int64_t sys_ioprio_set(uint64_t which, uint64_t who, uint64_t ioprio, uint64_t a3,
                              uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int err = ioprio_check((int32_t)ioprio), w = ioprio_which(which);
    if (err)
        return err;
    if (w < 0)
        return -EINVAL;
    struct ioprio_set s = {(uint16_t)ioprio, -ESRCH};
    prio_each(w, (int)who, ioprio_set_one, &s);
    return s.err;
}

void sys_ioprio_register(void)
{
    syscall_register(SYS_ioprio_get, sys_ioprio_get);
    syscall_register(SYS_ioprio_set, sys_ioprio_set);
}
