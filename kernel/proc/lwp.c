/* LWPs: the threads of a process (clone with CLONE_THREAD), their first
 * entry to the program, their exit, and the release of exited ones.
 *
 * An LWP that exits leaves its process's list only once its kernel thread
 * has switched away for good (T_ZOMBIE): the next clone, exit or reap of
 * the process frees it (lwp_reap). The last LWP to exit ends the process
 * (proc_end); until then the address space, descriptors and cwd stay. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "stdio.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/proc.h"

static unsigned nlwps; /* LWPs in existence, every process's */

unsigned lwp_count(void)
{
    return nlwps;
}

struct lwp *lwp_find(int tid)
{
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        for (struct lwp *l = p && p->state == P_ALIVE ? p->lwps : 0; l; l = l->next)
            if (l->tid == tid && !l->exited)
                return l;
    }
    return 0;
}

static void lwp_main(void *arg)
{
    struct lwp *l = arg;
    thread_set_vmspace(l->proc->vm);
    arch_enter_program(l->start_entry, l->start_sp);
}

static void lwp_fork_main(void *arg)
{
    struct lwp *l = arg;
    thread_set_vmspace(l->proc->vm);
    if (!user_addr_ok(arch_frame_sp(l->resume))) {
        /* clone's stack: on Linux the child's first push faults. */
        printk("pid %d (%s): clone stack %#llx is not a program address: killed by signal %d\n",
               l->proc->pid, l->proc->name, (unsigned long long)arch_frame_sp(l->resume), SIGSEGV);
        proc_exit_signal(l->resume, SIGSEGV, &(struct sigqinfo){SI_KERNEL, 0, 0, 0});
    }
    if (l->set_child_tid) {
        int tid = l->tid;
        copy_to_user((void *)l->set_child_tid, &tid, sizeof(tid));
    }
    arch_frame_resume(l->resume);
}

/* A new LWP tid of p on a new thread running fn(lwp), not started, on
 * p's list: 0 and *out, or -errno. */
static int lwp_create(struct proc *p, int tid, void (*fn)(void *), struct lwp **out)
{
    struct lwp *l = kzalloc(sizeof(*l));
    if (!l)
        return -ENOMEM;
    l->tid = tid;
    l->proc = p;
    l->timerslack_ns = l->slack_default = LWP_SLACK_NS;
    memcpy(l->name, p->name, sizeof(l->name));
    char name[24];
    snprintf(name, sizeof(name), "%s[%d]", p->name, tid);
    int err = thread_alloc(name, fn, l, 1, &l->thread);
    if (err) {
        kfree(l);
        return err;
    }
    l->thread->lwp = l;
    l->next = p->lwps;
    p->lwps = l;
    nlwps++;
    *out = l;
    return 0;
}

void lwp_free(struct lwp *l)
{
    struct proc *p = l->proc;
    for (struct lwp **pp = &p->lwps; *pp; pp = &(*pp)->next)
        if (*pp == l) {
            *pp = l->next;
            break;
        }
    if (!l->exited) {
        thread_discard(l->thread); /* never started */
    } else {
        p->dead_ns += thread_runtime_ns(l->thread);
        p->dead_sys_ns += thread_sys_ns(l->thread);
        thread_join(l->thread);
    }
    if (l->tid != p->pid)
        pid_free(l->tid);
    sigpend_clear(p, &l->pend);
    kfree(l->resume);
    kfree(l);
    nlwps--;
}

void lwp_reap(struct proc *p)
{
    struct lwp *l = p->lwps, *next;
    for (; l; l = next) {
        next = l->next;
        if (l->exited && l->thread->state == T_ZOMBIE)
            lwp_free(l);
    }
}

int proc_start(struct proc *p, uint64_t entry, uint64_t sp)
{
    struct lwp *l;
    int err = lwp_create(p, p->pid, lwp_main, &l);
    if (err)
        return err;
    l->start_entry = entry;
    l->start_sp = sp;
    return 0;
}

/* The new LWP l returns to the program through f with TLS base fs; the
 * program's FPU registers, live in the CPU (the kernel never touches
 * them), become its own. */
static void lwp_resume_at(struct lwp *l, struct arch_frame *f, uint64_t fs, uint64_t ctid)
{
    l->resume = f;
    l->set_child_tid = ctid;
    arch_context_set_fs_base(&l->thread->ctx, fs);
    arch_fpu_save(l->thread->ctx.fpu);
}

int proc_start_forked(struct proc *c, struct arch_frame *f, uint64_t fs, uint64_t ctid)
{
    struct lwp *l;
    int err = lwp_create(c, c->pid, lwp_fork_main, &l);
    if (!err)
        lwp_resume_at(l, f, fs, ctid);
    return err;
}

void lwp_inherit_prctl(struct lwp *l, const struct lwp *from)
{
    l->pdeathsig = 0;
    l->timerslack_ns = l->slack_default = from->timerslack_ns;
    l->no_new_privs = from->no_new_privs;
    l->mpol = from->mpol; /* Linux copies the task's mempolicy */
    /* Linux's copy_io: a context (and its priority) only for a class */
    l->ioctx = from->ioctx && (from->ioprio >> 13) != 0;
    l->ioprio = l->ioctx ? from->ioprio : 0;
    int nice = sched_nice(from->thread); /* as Linux's static priority */
    sched_set_nice(l->thread, from->sched_reset_on_fork && nice < 0 ? 0 : nice);
    l->sched_reset_on_fork = 0;
}

/* clone(CLONE_THREAD) of the calling LWP into a new LWP of its process,
 * returning to the program through f (taken over on success). Its own
 * tid, mask (the caller's), empty pending set and alternate stack. */
int lwp_clone(struct arch_frame *f, uint64_t flags, uint64_t tls, uint64_t ctid, int *tid)
{
    struct lwp *self = lwp_current(), *l;
    struct proc *p = self->proc;
    if (lwp_count() >= p->rlim[RLIMIT_NPROC].cur)
        return -EAGAIN;
    int id = pid_alloc();
    if (id < 0)
        return id;
    int err = lwp_create(p, id, lwp_fork_main, &l);
    if (err) {
        pid_free(id);
        return err;
    }
    lwp_resume_at(l, f, (flags & CLONE_SETTLS) ? tls : arch_fs_base(), 0);
    if (flags & CLONE_CHILD_SETTID)
        l->set_child_tid = ctid;
    if (flags & CLONE_CHILD_CLEARTID)
        l->clear_child_tid = ctid;
    l->sigmask = self->sigmask;
    lwp_inherit_prctl(l, self);
    p->nlive++;
    thread_start(l->thread);
    *tid = id;
    return 0;
}

void lwp_release_tid(struct lwp *l)
{
    struct proc *p = l->proc;
    struct vmspace *vm = p->vm;
    uint32_t zero = 0;
    /* Alone in its address space, nobody could see the store or wait on
     * it (Linux's mm_release). A fault is ignored, as Linux does. */
    if (l->clear_child_tid && vm && (vm->refs > 1 || p->nlive > 1) &&
        copy_to_user((void *)l->clear_child_tid, &zero, sizeof(zero)) == 0)
        futex_wake(vm, l->clear_child_tid, 1);
    l->clear_child_tid = 0;
}

__attribute__((noreturn)) void lwp_exit(int wstatus)
{
    struct lwp *l = lwp_current();
    struct proc *p = l->proc;
    futex_robust_exit(l);
    lwp_release_tid(l);
    lwp_reap(p);
    l->exited = 1;
    if (p->nlive == 1)
        proc_end(p->dying ? p->wstatus : wstatus);
    p->nlive--;
    proc_parent_thread_gone(l);
    jc_lwp_gone(p);
    waitq_wake_all(&p->lwpq);
    thread_set_vmspace(0);
    thread_exit();
}

/* Make every LWP of p but keep (NULL: all) leave: they exit at their next
 * way back to the program, or from an interruptible sleep. */
static void lwp_kill_others(struct proc *p, struct lwp *keep)
{
    for (struct lwp *l = p->lwps; l; l = l->next) {
        if (l == keep || l->exited)
            continue;
        sig_recalc(l);
        sched_wake(l->thread);
    }
}

__attribute__((noreturn)) void proc_exit(int wstatus)
{
    struct lwp *l = lwp_current();
    if (!l)
        panic("proc_exit from a kernel thread");
    struct proc *p = l->proc;
    /* A group exit overtakes an exec, not a core dump in progress (the
     * dumping LWP's own proc_exit comes once it is done). */
    if (!p->dying || (p->survivor && !p->core)) {
        p->dying = 1;
        p->survivor = 0;
        p->wstatus = wstatus;
        lwp_kill_others(p, l);
        if (p->nlive > 1)
            waitq_wake_all(&p->lwpq); /* an exec waiting for the others gives up */
    }
    lwp_exit(wstatus);
}

/* lwp_isolate for l, the calling LWP. */
static int lwp_alone(struct lwp *l)
{
    struct proc *p = l->proc;
    if (p->dying)
        return -EINTR;
    p->dying = 1;
    p->survivor = l;
    lwp_kill_others(p, l);
    while (p->nlive > 1 && p->survivor == l)
        waitq_wait(&p->lwpq, 0);
    return p->survivor == l ? 0 : -EINTR; /* else a group exit overtook */
}

int lwp_isolate(void)
{
    return lwp_alone(lwp_current());
}

int lwp_single(void)
{
    struct lwp *l = lwp_current();
    struct proc *p = l->proc;
    if (p->nlive == 1)
        return 0;
    int err = lwp_alone(l);
    if (err)
        return err;
    p->dying = 0;
    p->survivor = 0;
    lwp_reap(p);
    if (l->tid != p->pid) { /* the exec'ing LWP takes over the pid, as on Linux */
        pid_free(l->tid);
        l->tid = p->pid;
    }
    return 0;
}
