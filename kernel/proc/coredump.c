/* Core dumps: when a fatal signal's default action is "core", whether a
 * core file is written, the other LWPs stopped for good (each leaves its
 * registers on its way out), the file made in the cwd, and the wait
 * status's core bit. The file's contents are coreelf.c's, its name
 * corepattern.c's. A core dump is a process exit, not the kernel's crash
 * path: what it needs is allocated first, and a failure of any kind
 * leaves no core bit and the process ends as it would have anyway. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

int sig_dumps_core(int sig)
{
    switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS:
        return 1;
    default:
        return 0;
    }
}

/* Slot t takes the state of l, the calling LWP, whose frame is f. */
static void thread_save(struct core_thread *t, struct lwp *l, const struct arch_frame *f)
{
    t->tid = l->tid;
    t->sigpend = l->pend.set;
    t->sighold = l->sigmask;
    t->run_ns = thread_runtime_ns(l->thread);
    arch_core_regs(f, arch_fs_base(), t->regs);
    arch_core_fpregs(t->fpregs);
    t->saved = 1;
}

void coredump_lwp_exit(struct lwp *l, const struct arch_frame *f)
{
    struct core_state *cs = l->proc->core;
    for (unsigned i = 1; cs && i < cs->nthreads; i++) {
        if (cs->t[i].tid == l->tid && !cs->t[i].saved) {
            thread_save(&cs->t[i], l, f);
            return;
        }
    }
}

/* A dump's state with a slot for each live LWP of p, self's first: the
 * state, or NULL (no memory). */
static struct core_state *state_alloc(struct proc *p, struct lwp *self, int sig,
                                      const struct ksiginfo *si)
{
    unsigned n = 1;
    for (struct lwp *l = p->lwps; l; l = l->next)
        n += !l->exited && l != self;
    struct core_state *cs = kzalloc(sizeof(*cs) + n * sizeof(cs->t[0]));
    if (!cs)
        return 0;
    cs->sig = sig;
    cs->si = *si;
    cs->nthreads = 1;
    for (struct lwp *l = p->lwps; l; l = l->next)
        if (!l->exited && l != self)
            cs->t[cs->nthreads++].tid = l->tid;
    return cs;
}

/* The core file at path (from p's cwd), made with mode 0600 less the
 * umask or, when it exists, cut to nothing; as Linux's do_coredump, no
 * symlink is followed and an existing file must be a regular file with
 * one name, owned by p's fs uid. 0 and *out (referenced), or -errno. */
static int core_open(struct proc *p, const char *path, struct vnode **out)
{
    struct vnode *dir, *vn;
    char name[NAME_MAX + 1];
    size_t len;
    int err = vfs_walk_parent(p->cwd, path, &dir, name, &len);
    if (err)
        return err;
    if (len == 0 || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
        return -EISDIR;
    if ((err = mnt_may_write(dir)))
        return err;
    if ((vn = dir_lookup(dir, name, len)) != 0) {
        if (!S_ISREG(vn->mode) || vn->nlink != 1 || vn->uid != p->cred.fsuid)
            return -EPERM;
        vn_ref(vn);
        if ((err = reg_truncate(vn, 0))) {
            vn_unref(vn);
            return err;
        }
        *out = vn;
        return 0;
    }
    if (!dir_can_name(dir))
        return -ENOENT;
    if (!(vn = vn_alloc_in(dir, S_IFREG | (0600 & ~p->umask))))
        return -ENOMEM;
    if ((err = dir_link(dir, name, len, vn))) {
        vn_unref(vn);
        return err;
    }
    *out = vn; /* the allocation's reference, besides the name's */
    return 0;
}

/* Write p's core file (p alone now): 0 with *cut (stopped at
 * RLIMIT_CORE), or -errno. The kernel log tells where it went. */
static int dump(struct proc *p, const struct core_state *cs, int *cut)
{
    struct vnode *vn = 0;
    char *path = kmalloc(PATH_MAX);
    int err = path ? core_name(p, cs->sig, path, PATH_MAX) : -ENOMEM;
    if (!err)
        err = core_open(p, path, &vn);
    if (!err)
        err = core_write(p, cs, vn, p->rlim[RLIMIT_CORE].cur, cut);
    if (err)
        printk("pid %d (%s): no core file %s: error %d\n", p->pid, p->name, path ? path : "", -err);
    else
        printk("pid %d (%s): core dumped to %s (%llu bytes%s)\n", p->pid, p->name, path,
               (unsigned long long)vn->size, *cut ? ", cut at RLIMIT_CORE" : "");
    if (vn)
        vn_unref(vn);
    kfree(path);
    return err;
}

/* Stop the other LWPs of l's process for good, then write the core: 0
 * when written, or -errno. */
static int coredump(struct lwp *l, int sig, const struct arch_frame *f, const struct ksiginfo *si)
{
    struct proc *p = l->proc;
    struct core_state *cs = state_alloc(p, l, sig, si);
    int cut = 0, err;
    if (!cs)
        return -ENOMEM;
    thread_save(&cs->t[0], l, f);
    p->core = cs;
    err = lwp_isolate();
    if (!err)
        err = dump(p, cs, &cut);
    p->core = 0;
    kfree(cs);
    return err;
}

/* Whether p may dump core at all: not while it is already on its way out
 * (another LWP's exit_group or fatal signal: that status stands), not
 * after prctl(PR_SET_DUMPABLE, 0), not with RLIMIT_CORE below a page
 * (Linux's min_coredump: 0 is the usual "no cores"). */
static int may_dump(const struct proc *p)
{
    return !p->dying && !p->nodump && p->rlim[RLIMIT_CORE].cur >= PAGE_SIZE;
}

/* The end of proc_exit_signal and proc_exit_fault: si is what NT_SIGINFO
 * shows. */
__attribute__((noreturn)) static void exit_by(int sig, struct arch_frame *f,
                                              const struct ksiginfo *si)
{
    struct lwp *l = lwp_current();
    struct proc *p = l->proc;
    int ws = W_SIGNALED(sig);
    if (p->core) { /* another LWP is dumping: its signal is the one */
        coredump_lwp_exit(l, f);
        lwp_exit(0);
    }
    if (sig_dumps_core(sig) && may_dump(p) && coredump(l, sig, f, si) == 0)
        ws |= W_COREDUMP;
    proc_exit(ws);
}

__attribute__((noreturn)) void proc_exit_signal(struct arch_frame *f, int sig,
                                                const struct sigqinfo *qi)
{
    struct ksiginfo si = {.signo = sig, .code = qi->code};
    si.u.kill.pid = qi->pid;
    si.u.timer.overrun = qi->overrun;
    memcpy(si.u.bytes + 8, &qi->data, sizeof(qi->data));
    exit_by(sig, f, &si);
}

__attribute__((noreturn)) void proc_exit_fault(struct arch_frame *f, int sig, int code,
                                               uint64_t addr)
{
    struct ksiginfo si = {.signo = sig, .code = code};
    si.u.addr = addr;
    exit_by(sig, f, &si);
}
