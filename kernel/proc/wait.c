/* wait4 and waitid (kernel/exit.c semantics): pick a child that matches
 * and has something to report (its exit; with WUNTRACED/WSTOPPED a stop,
 * with WCONTINUED a resume, each once), or block on the caller's exit
 * queue (woken by a child's exit, stop or resume) until one does; -ECHILD
 * when no child matches at all. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"

#define WNOHANG     0x00000001u
#define WUNTRACED   0x00000002u /* WSTOPPED */
#define WEXITED     0x00000004u
#define WCONTINUED  0x00000008u
#define WNOWAIT     0x01000000u
#define __WNOTHREAD 0x20000000u
#define __WALL      0x40000000u
#define __WCLONE    0x80000000u
#define P_ALL       0
#define P_PID       1
#define P_PGID      2
#define P_PIDFD     3

/* Which children a wait is for: pid > 0 that one, 0 the caller's group,
 * -1 any, < -1 group -pid. As Linux's eligible_child, only children that
 * report their exit with SIGCHLD, unless __WCLONE (only the others) or
 * __WALL (both). Children belong to the process, so any of its threads
 * may wait for them; __WNOTHREAD narrows that to those the calling thread
 * made. */
static int matches(const struct proc *c, int64_t pid, unsigned options, const struct proc *p)
{
    int clone_child = c->exit_signal != SIGCHLD;
    if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
        return 0;
    if ((options & __WNOTHREAD) && c->parent_tid != lwp_current()->tid)
        return 0;
    if (pid > 0)
        return c->pid == pid;
    if (pid == 0)
        return c->pgid == p->pgid;
    if (pid == -1)
        return 1;
    return c->pgid == -pid;
}

/* What child c has to report that options ask for: EV_EXIT (a zombie,
 * WEXITED), EV_STOP (a stop not yet reported, WUNTRACED) or EV_CONT (a
 * resume not yet reported, WCONTINUED); 0 for nothing. */
enum { EV_EXIT = 1, EV_STOP, EV_CONT };
static int event_of(const struct proc *c, unsigned options)
{
    if (c->state == P_ZOMBIE)
        return (options & WEXITED) ? EV_EXIT : 0;
    if ((options & WUNTRACED) && c->stop_done && c->jc_report == JC_STOPPED)
        return EV_STOP;
    if ((options & WCONTINUED) && c->jc_report == JC_CONTINUED)
        return EV_CONT;
    return 0;
}

/* A child matching pid with an event to report (NULL if none yet; the
 * event in *ev); *err is 0, or -ECHILD when no child matches at all. */
static struct proc *find_event(struct proc *p, int64_t pid, unsigned options, int *ev, int *err)
{
    int any = 0;
    *err = 0;
    for (struct proc *c = p->children; c; c = c->sibling) {
        /* A zombie is nothing to wait for without WEXITED (Linux). */
        if (!matches(c, pid, options, p) || (c->state == P_ZOMBIE && !(options & WEXITED)))
            continue;
        any = 1;
        if ((*ev = event_of(c, options)) != 0)
            return c;
    }
    *err = any ? 0 : -ECHILD;
    return 0;
}

/* Block until a matching child has an event: it and *ev, or NULL with
 * *err (-ECHILD, or 0 for WNOHANG with none ready). */
static struct proc *wait_event(int64_t pid, unsigned options, int *ev, int *err)
{
    struct proc *p = proc_current();
    for (;;) {
        struct proc *c = find_event(p, pid, options, ev, err);
        if (c || *err || (options & WNOHANG))
            return c;
        if (waitq_wait_intr(&p->exitq, 0) < 0) {
            *err = -ERESTARTSYS;
            return 0;
        }
    }
}

/* The caller reaps zombie child c: its peak resident set, then its CPU
 * time (proc_reap), join the caller's children's usage. */
static void reap(struct proc *c)
{
    proc_rusage_reap(proc_current(), c);
    proc_reap(c);
}

/* The wait status of child c's event ev. */
static int status_of(const struct proc *c, int ev)
{
    return ev == EV_EXIT ? c->wstatus : ev == EV_STOP ? W_STOPCODE(c->stop_sig) : W_CONTINUED;
}

/* The event is told: a zombie is reaped, a stop or resume reported once. */
static void consume(struct proc *c, int ev)
{
    if (ev == EV_EXIT)
        reap(c);
    else
        c->jc_report = 0;
}

int64_t proc_wait4(int64_t pid, uint64_t ustatus, uint64_t options, uint64_t urusage)
{
    if (options & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
        return -EINVAL;
    if (pid == INT32_MIN)
        return -ESRCH; /* -INT_MIN does not exist: Linux's answer */
    int err, ev;
    struct proc *c = wait_event(pid, (unsigned)options | WEXITED, &ev, &err);
    if (!c)
        return err;
    int status = status_of(c, ev), cpid = c->pid;
    if ((ustatus && copy_to_user((void *)ustatus, &status, sizeof(status))) ||
        (urusage && proc_rusage_child(c, urusage)))
        return -EFAULT;
    consume(c, ev);
    return cpid;
}

/* waitid's siginfo for child c's event ev. */
static void info_of(const struct proc *c, int ev, struct ksiginfo *wi)
{
    int sig = c->wstatus & 0x7f;
    wi->signo = SIGCHLD;
    wi->u.child.pid = c->pid;
    if (ev == EV_EXIT) {
        wi->code = (c->wstatus & W_COREDUMP) ? CLD_DUMPED : sig ? CLD_KILLED : CLD_EXITED;
        wi->u.child.status = sig ? sig : (c->wstatus >> 8) & 0xff;
    } else {
        wi->code = ev == EV_STOP ? CLD_STOPPED : CLD_CONTINUED;
        wi->u.child.status = ev == EV_STOP ? c->stop_sig : SIGCONT;
    }
}

/* waitid(P_PIDFD, fd): the pid of the process pidfd fd names in *pid,
 * with WNOHANG added to *options when the pidfd is non-blocking (then
 * nothing ready is -EAGAIN, *eagain set). 0, -EBADF (no pidfd), or
 * -ECHILD once that process is reaped (its pid may be another's now). */
static int pidfd_wait_pid(int fd, int64_t *pid, unsigned *options, int *eagain)
{
    struct file *f = fd_get(proc_current(), fd);
    struct proc *p;
    int err = pidfd_target(f, &p);
    if (err)
        return err;
    if (!p)
        return -ECHILD;
    *pid = p->pid;
    *eagain = (f->flags & O_NONBLOCK) && !(*options & WNOHANG);
    if (*eagain)
        *options |= WNOHANG;
    return 0;
}

int64_t proc_waitid(uint64_t idtype, uint64_t id, uint64_t uinfo, uint64_t options,
                    uint64_t urusage)
{
    int64_t pid = idtype == P_ALL ? -1 : idtype == P_PID ? (int64_t)id : -(int64_t)id;
    unsigned opts = (unsigned)options;
    int err, ev, eagain = 0;
    if (idtype > P_PIDFD || (idtype == P_PIDFD && (int32_t)id < 0) ||
        (idtype != P_ALL && idtype != P_PIDFD && (int64_t)id <= 0))
        return -EINVAL;
    if (!(options & (WEXITED | WUNTRACED | WCONTINUED)) ||
        (options & ~(uint64_t)(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | __WNOTHREAD |
                               __WALL | __WCLONE)))
        return -EINVAL;
    if (idtype == P_PIDFD && (err = pidfd_wait_pid((int)id, &pid, &opts, &eagain)) != 0)
        return err;
    struct proc *c = wait_event(pid, opts, &ev, &err);
    if (!c && !err && eagain)
        return -EAGAIN;
    struct ksiginfo wi;
    memset(&wi, 0, sizeof(wi));
    if (c)
        info_of(c, ev, &wi);
    if (err)
        return err;
    /* With no child ready (WNOHANG) Linux writes no rusage. */
    if ((uinfo && copy_to_user((void *)uinfo, &wi, sizeof(wi))) ||
        (c && urusage && proc_rusage_child(c, urusage)))
        return -EFAULT;
    if (c && !(options & WNOWAIT))
        consume(c, ev);
    return 0;
}
