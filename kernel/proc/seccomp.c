/* seccomp: the modes, the filter chains and the action taken on each
 * system call of a thread that has a mode (kernel/proc/seccomp.h). */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/seccomp.h"
#include "sysnr.h"

/* One filter: shared by every LWP whose chain holds it (refs: those
 * LWPs' own references on it as their newest, plus the newer filters
 * whose prev it is). */
struct seccomp_filter {
    unsigned refs;
    unsigned len;
    int log; /* SECCOMP_FILTER_FLAG_LOG */
    struct seccomp_filter *prev;
    struct sock_filter prog[];
};

#define ERRNO_MAX 4095 /* SECCOMP_RET_ERRNO's data is capped to it (MAX_ERRNO) */

/* Drop a reference on f; the last frees it, and drops its own on prev. */
static void filter_put(struct seccomp_filter *f)
{
    while (f && --f->refs == 0) {
        struct seccomp_filter *prev = f->prev;
        kfree(f);
        f = prev;
    }
}

/* Give l mode (and filter chain f, whose reference it takes over). */
static void set_mode(struct lwp *l, int mode, struct seccomp_filter *f)
{
    l->seccomp_mode = mode;
    l->seccomp = f;
    arch_context_set_syscall_checked(&l->thread->ctx);
}

void seccomp_inherit(struct lwp *l, const struct lwp *from)
{
    l->seccomp_mode = SECCOMP_MODE_DISABLED;
    l->seccomp = 0;
    if (from->seccomp)
        from->seccomp->refs++;
    if (from->seccomp_mode)
        set_mode(l, from->seccomp_mode, from->seccomp);
}

void seccomp_release(struct lwp *l)
{
    filter_put(l->seccomp);
    l->seccomp = 0;
}

int seccomp_mode(const struct lwp *l)
{
    return l->seccomp_mode;
}

unsigned seccomp_nfilters(const struct lwp *l)
{
    unsigned n = 0;
    for (const struct seccomp_filter *f = l->seccomp; f; f = f->prev)
        n++;
    return n;
}

/* --- on each system call ---------------------------------------------------------- */

/* Linux's audit line for an action taken (sig: the signal it sends, 0:
 * none; ret: the filter's whole return value). */
static void log_action(const struct lwp *l, const struct seccomp_data *d, int sig, uint32_t ret)
{
    printk("seccomp: pid %d tid %d (%s) sig=%d arch=%x syscall=%d ip=%#llx code=%#x\n",
           l->proc->pid, l->tid, l->name, sig, d->arch, d->nr,
           (unsigned long long)d->instruction_pointer, ret);
}

/* The filters of chain f over d, newest first: the most restrictive
 * return value (the lowest action as a signed number; the newest among
 * equals) and the filter that gave it in *match. */
static uint32_t run_filters(const struct seccomp_filter *f, const struct seccomp_data *d,
                            const struct seccomp_filter **match)
{
    uint32_t ret = SECCOMP_RET_ALLOW;
    *match = 0;
    for (; f; f = f->prev) {
        uint32_t cur = bpf_run(f->prog, f->len, d);
        if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) < (int32_t)(ret & SECCOMP_RET_ACTION_FULL)) {
            ret = cur;
            *match = f;
        }
    }
    return ret;
}

/* SECCOMP_RET_TRAP: SIGSYS forced on the caller, the call not run, the
 * handler shown the registers as they were (RAX the call's number, the
 * result unless the handler changes it), as Linux's syscall_rollback.
 * With no handler the process dies of SIGSYS. */
static void trap(struct arch_frame *f, const struct seccomp_data *d, uint32_t data)
{
    struct sigqinfo qi = {SYS_SECCOMP, 0, (uint32_t)d->nr | (uint64_t)d->arch << 32, 0};
    arch_frame_set_retval(f, (uint64_t)(int64_t)d->nr);
    if (!sig_force_info(f, SIGSYS, &qi, d->instruction_pointer, (int32_t)data))
        proc_exit_fault(f, SIGSYS, SYS_SECCOMP, d->instruction_pointer);
}

/* SECCOMP_RET_KILL_*: the process dies of SIGSYS (a core file when the
 * limits allow), or only the thread for KILL_THREAD while others live. */
__attribute__((noreturn)) static void kill_caller(struct lwp *l, struct arch_frame *f,
                                                  const struct seccomp_data *d, uint32_t action)
{
    arch_frame_set_retval(f, (uint64_t)(int64_t)d->nr); /* the dump's registers */
    if (action == SECCOMP_RET_KILL_THREAD && l->proc->nlive > 1)
        lwp_exit(W_SIGNALED(SIGSYS));
    proc_exit_fault(f, SIGSYS, SYS_SECCOMP, d->instruction_pointer);
}

/* Take the action of ret (match: the filter that returned it): 0 to run
 * the call, 1 when answered. */
static int take_action(struct lwp *l, struct arch_frame *f, const struct seccomp_data *d,
                       uint32_t ret, const struct seccomp_filter *match)
{
    uint32_t action = ret & SECCOMP_RET_ACTION_FULL, data = ret & SECCOMP_RET_DATA;
    int requested = match && match->log;
    switch (action) {
    case SECCOMP_RET_ALLOW:
        return 0;
    case SECCOMP_RET_LOG:
        log_action(l, d, 0, ret);
        return 0;
    case SECCOMP_RET_ERRNO: {
        int64_t err = data > ERRNO_MAX ? ERRNO_MAX : data;
        arch_frame_set_retval(f, (uint64_t)-err);
        break;
    }
    case SECCOMP_RET_TRACE:      /* no tracer can be attached */
    case SECCOMP_RET_USER_NOTIF: /* no listener can be made */
        arch_frame_set_retval(f, (uint64_t)-ENOSYS);
        break;
    case SECCOMP_RET_TRAP:
        if (requested)
            log_action(l, d, 0, ret);
        trap(f, d, data);
        return 1;
    default: /* KILL_THREAD, KILL_PROCESS, and unknown actions as the latter */
        log_action(l, d, SIGSYS, ret);
        kill_caller(l, f, d, action);
    }
    if (requested)
        log_action(l, d, 0, ret);
    return 1;
}

/* Strict mode: read, write, exit and rt_sigreturn; anything else ends
 * the thread with SIGKILL (Linux's do_exit(SIGKILL)). */
static int strict(struct lwp *l, uint64_t nr)
{
    if (nr == SYS_read || nr == SYS_write || nr == SYS_exit || nr == SYS_rt_sigreturn)
        return 0;
    printk("seccomp: pid %d tid %d (%s): syscall %llu in strict mode: killed\n", l->proc->pid,
           l->tid, l->name, (unsigned long long)nr);
    lwp_exit(W_SIGNALED(SIGKILL));
}

int seccomp_syscall(struct lwp *l, struct arch_frame *f, uint64_t nr)
{
    if (l->seccomp_mode == SECCOMP_MODE_STRICT)
        return strict(l, nr);
    struct seccomp_data d = {(int32_t)nr, ARCH_AUDIT, arch_frame_pc(f), {0}};
    arch_frame_syscall_args(f, d.args);
    const struct seccomp_filter *match;
    uint32_t ret = run_filters(l->seccomp, &d, &match);
    return take_action(l, f, &d, ret, match);
}

/* --- setting a mode --------------------------------------------------------------- */

int64_t seccomp_set_strict(void)
{
    struct lwp *l = lwp_current();
    if (l->seccomp_mode == SECCOMP_MODE_FILTER)
        return -EINVAL;
    set_mode(l, SECCOMP_MODE_STRICT, 0);
    return 0;
}

/* The program's filter at ufprog, checked, as a new filter with one
 * reference: 0 and *out, or -EFAULT, -EINVAL, -EACCES, -ENOMEM. */
static int filter_load(uint64_t ufprog, struct seccomp_filter **out)
{
    struct sock_fprog fp;
    if (copy_from_user(&fp, (const void *)ufprog, sizeof(fp)))
        return -EFAULT;
    if (fp.len == 0 || fp.len > BPF_MAXINSNS)
        return -EINVAL;
    if (!lwp_current()->no_new_privs && !cred_capable(CAP_SYS_ADMIN))
        return -EACCES;
    struct seccomp_filter *f = kmalloc(sizeof(*f) + fp.len * sizeof(struct sock_filter));
    if (!f)
        return -ENOMEM;
    int err = copy_from_user(f->prog, (const void *)fp.filter, fp.len * sizeof(struct sock_filter))
                  ? -EFAULT
                  : bpf_check_seccomp(f->prog, fp.len);
    if (err) {
        kfree(f);
        return err;
    }
    f->refs = 1;
    f->len = fp.len;
    f->log = 0;
    f->prev = 0;
    *out = f;
    return 0;
}

/* Whether chain a is chain b or older than it (NULL is older than all). */
static int is_ancestor(const struct seccomp_filter *a, const struct seccomp_filter *b)
{
    for (; b; b = b->prev)
        if (b == a)
            return 1;
    return a == 0;
}

/* TSYNC: every other live thread of l's process must have no mode, or a
 * chain l's contains: 0, or the tid of the first that has not. */
static int tsync_check(const struct lwp *l)
{
    for (const struct lwp *o = l->proc->lwps; o; o = o->next) {
        if (o == l || o->exited || o->seccomp_mode == SECCOMP_MODE_DISABLED)
            continue;
        if (o->seccomp_mode != SECCOMP_MODE_FILTER || !is_ancestor(o->seccomp, l->seccomp))
            return o->tid;
    }
    return 0;
}

/* TSYNC: the other live threads take l's chain (and its no_new_privs). */
static void tsync(struct lwp *l)
{
    for (struct lwp *o = l->proc->lwps; o; o = o->next) {
        if (o == l || o->exited)
            continue;
        l->seccomp->refs++;
        filter_put(o->seccomp);
        set_mode(o, SECCOMP_MODE_FILTER, l->seccomp);
        if (l->no_new_privs)
            o->no_new_privs = 1;
    }
}

#define FLAGS_KNOWN                                                                                \
    (SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |        \
     SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH |                          \
     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
/* No user-notification listeners: those two are refused. SPEC_ALLOW asks
 * for no speculation mitigation, and none is applied here. */
#define FLAGS_REFUSED (SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)

int64_t seccomp_set_filter(uint32_t flags, uint64_t ufprog)
{
    static uint64_t refused_seen[PROC_REFUSED_SEEN];
    struct lwp *l = lwp_current();
    if (flags & ~FLAGS_KNOWN)
        return -EINVAL;
    if (flags & FLAGS_REFUSED)
        return proc_refuse_flags(refused_seen, "seccomp", flags);
    struct seccomp_filter *f;
    int err = filter_load(ufprog, &f);
    if (err)
        return err;
    unsigned total = f->len;
    for (const struct seccomp_filter *w = l->seccomp; w; w = w->prev)
        total += w->len + 4; /* Linux's penalty per filter */
    if (l->seccomp_mode == SECCOMP_MODE_STRICT)
        err = -EINVAL;
    else if (total > SECCOMP_MAX_PATH_INSNS)
        err = -ENOMEM;
    else if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && (err = tsync_check(l)) != 0)
        err = (flags & SECCOMP_FILTER_FLAG_TSYNC_ESRCH) ? -ESRCH : err;
    if (err) {
        filter_put(f);
        return err;
    }
    f->log = (flags & SECCOMP_FILTER_FLAG_LOG) != 0;
    f->prev = l->seccomp; /* l's reference on it becomes f's */
    set_mode(l, SECCOMP_MODE_FILTER, f);
    if (flags & SECCOMP_FILTER_FLAG_TSYNC)
        tsync(l);
    return 0;
}
