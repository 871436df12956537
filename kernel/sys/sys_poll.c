/* poll, ppoll, select, pselect6: check every descriptor, registering on
 * the readiness queue of each (kernel/fs/poll.c); if none is ready, sleep
 * until one of those queues is notified, the timeout passes, or a signal
 * arrives (EINTR after the handler), and check again. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define SELECT_IN  (POLLIN | POLLRDNORM | POLLHUP | POLLERR)
#define SELECT_OUT (POLLOUT | POLLWRNORM | POLLERR)

struct pollfd_k {
    int32_t fd;
    int16_t events, revents;
};

/* One pass over the set: how many entries have revents. */
static int poll_scan(struct proc *p, struct pollfd_k *fds, uint64_t n, struct poll_table *pt)
{
    int ready = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct file *f = fds[i].fd >= 0 ? fd_get(p, fds[i].fd) : 0;
        int ev = fds[i].events | POLLERR | POLLHUP;
        fds[i].revents = fds[i].fd < 0 ? 0 : !f ? POLLNVAL : (int16_t)(file_poll(f, pt) & ev);
        ready += fds[i].revents != 0;
    }
    return ready;
}

/* Wait until scan finds something: its count, 0 on timeout (deadline; 0
 * none, 1 do not wait) or -ERESTARTNOHAND on a signal. The first scan
 * registers on the queues of the files it looks at; later ones only look. */
static int64_t poll_loop(int (*scan)(void *, struct poll_table *), void *arg, uint64_t deadline)
{
    struct poller pw;
    poller_init(&pw);
    int64_t r = scan(arg, deadline == 1 ? 0 : &pw.pt);
    while (r == 0 && deadline != 1 && !pw.err) {
        int w = poller_wait(&pw, deadline);
        if (w < 0) {
            r = -ERESTARTNOHAND;
            break;
        }
        r = scan(arg, 0);
        if (w == 1)
            break;
    }
    if (r == 0 && pw.err)
        r = pw.err;
    poller_done(&pw);
    return r;
}

struct poll_args {
    struct proc *p;
    struct pollfd_k *fds;
    uint64_t n;
};

static int poll_scan_cb(void *arg, struct poll_table *pt)
{
    struct poll_args *a = arg;
    return poll_scan(a->p, a->fds, a->n, pt);
}

static int64_t do_poll(uint64_t ufds, uint64_t n, uint64_t deadline, uint64_t umask,
                       uint64_t masksize)
{
    struct proc *p = proc_current();
    if (n > p->rlim[RLIMIT_NOFILE].cur)
        return -EINVAL;
    struct poll_args a = {p, kmalloc(n * sizeof(struct pollfd_k) + 1), n};
    if (!a.fds)
        return -ENOMEM;
    int64_t r = copy_from_user(a.fds, (void *)ufds, n * sizeof(*a.fds)) ? -EFAULT : 0;
    if (!r)
        r = umask ? sig_mask_from_user(umask, masksize) : 0;
    if (!r)
        r = poll_loop(poll_scan_cb, &a, deadline);
    if (r >= 0 && copy_to_user((void *)ufds, a.fds, n * sizeof(*a.fds)))
        r = -EFAULT;
    kfree(a.fds);
    return r;
}

static int64_t sys_poll(uint64_t ufds, uint64_t n, uint64_t timeout, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int ms = (int)timeout;
    return do_poll(ufds, n, ms < 0 ? 0 : timeout_deadline((uint64_t)ms * 1000000), 0, 0);
}

static int64_t sys_ppoll(uint64_t ufds, uint64_t n, uint64_t uts, uint64_t umask, uint64_t size,
                         uint64_t a5)
{
    ARG(a5);
    uint64_t deadline;
    int err = user_timeout(uts, &deadline);
    return err ? err : do_poll(ufds, n, deadline, umask, size);
}

struct select_args {
    struct proc *p;
    uint64_t nfds;
    uint64_t *in[3];  /* the caller's sets (read, write, except); NULL if absent */
    uint64_t *out[3]; /* the result sets */
};

static int select_scan(void *arg, struct poll_table *pt)
{
    struct select_args *a = arg;
    int ready = 0;
    for (int k = 0; k < 3; k++)
        if (a->out[k])
            memset(a->out[k], 0, (a->nfds + 63) / 64 * 8);
    for (uint64_t fd = 0; fd < a->nfds; fd++) {
        uint64_t bit = 1ull << (fd % 64), w = fd / 64;
        int want[3] = {a->in[0] && (a->in[0][w] & bit), a->in[1] && (a->in[1][w] & bit),
                       a->in[2] && (a->in[2][w] & bit)};
        if (!want[0] && !want[1] && !want[2])
            continue;
        struct file *f = fd_get(a->p, (int)fd);
        int ev = f ? file_poll(f, pt) : 0;
        int got[3] = {want[0] && (ev & SELECT_IN), want[1] && (ev & SELECT_OUT),
                      want[2] && (ev & POLLPRI)};
        for (int k = 0; k < 3; k++)
            if (got[k]) {
                a->out[k][w] |= bit;
                ready++;
            }
    }
    return ready;
}

/* Every descriptor named in the sets must be open: -EBADF otherwise. */
static int select_check(struct select_args *a)
{
    for (uint64_t fd = 0; fd < a->nfds; fd++)
        for (int k = 0; k < 3; k++)
            if (a->in[k] && (a->in[k][fd / 64] & (1ull << (fd % 64))) && !fd_get(a->p, (int)fd))
                return -EBADF;
    return 0;
}

static int64_t do_select(uint64_t nfds, uint64_t usets[3], uint64_t deadline)
{
    struct select_args a = {proc_current(), nfds, {0}, {0}};
    size_t bytes = (nfds + 63) / 64 * 8;
    int64_t r = (int64_t)nfds < 0 || nfds > a.p->rlim[RLIMIT_NOFILE].cur ? -EINVAL : 0;
    uint64_t *mem = r ? 0 : kzalloc(6 * bytes + 8);
    if (!r && !mem)
        r = -ENOMEM;
    for (int k = 0; !r && k < 3; k++) {
        if (!usets[k])
            continue;
        a.in[k] = mem + k * (bytes / 8);
        a.out[k] = mem + (3 + k) * (bytes / 8);
        if (copy_from_user(a.in[k], (void *)usets[k], bytes))
            r = -EFAULT;
    }
    if (!r)
        r = select_check(&a);
    if (!r)
        r = poll_loop(select_scan, &a, deadline);
    for (int k = 0; r >= 0 && k < 3; k++)
        if (usets[k] && copy_to_user((void *)usets[k], a.out[k], bytes))
            r = -EFAULT;
    kfree(mem);
    return r;
}

static int64_t sys_select(uint64_t nfds, uint64_t r, uint64_t w, uint64_t e, uint64_t utv,
                          uint64_t a5)
{
    ARG(a5);
    uint64_t sets[3] = {r, w, e}, deadline = 0;
    int64_t tv[2];
    if (utv) {
        if (copy_from_user(tv, (void *)utv, sizeof(tv)))
            return -EFAULT;
        if (tv[0] < 0 || tv[1] < 0)
            return -EINVAL;
        /* As Linux: microseconds past a second carry into the seconds. */
        uint64_t sec = (uint64_t)tv[0] + (uint64_t)tv[1] / 1000000;
        deadline = timeout_deadline(clock_ns_of(sec, (uint64_t)tv[1] % 1000000 * 1000));
    }
    return do_select(nfds, sets, deadline);
}

/* pselect6's sixth argument: { const sigset_t *ss; size_t ss_len }. */
static int64_t sys_pselect6(uint64_t nfds, uint64_t r, uint64_t w, uint64_t e, uint64_t uts,
                            uint64_t usig)
{
    uint64_t sets[3] = {r, w, e}, deadline, sig[2] = {0, 0};
    int err = user_timeout(uts, &deadline);
    if (!err && usig && copy_from_user(sig, (void *)usig, sizeof(sig)))
        err = -EFAULT;
    if (!err)
        err = sig[0] ? sig_mask_from_user(sig[0], sig[1]) : 0;
    return err ? err : do_select(nfds, sets, deadline);
}

void sys_poll_register(void)
{
    syscall_register(SYS_poll, sys_poll);
    syscall_register(SYS_select, sys_select);
    syscall_register(SYS_pselect6, sys_pselect6);
    syscall_register(SYS_ppoll, sys_ppoll);
}
