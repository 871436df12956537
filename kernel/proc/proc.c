/* The process table, process creation, exit and reaping. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "drivers/power.h"
#include "kernel/arch.h"
#include "kernel/cmdline.h"
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"
#include "stdio.h"

#define PROC_MAX_DEFAULT 512
#define CMDLINE_KEEP     4096 /* bytes of argv kept for /proc/<pid>/cmdline (what procfs shows) */

static struct proc **table; /* proc_max slots */
static unsigned proc_max = PROC_MAX_DEFAULT, nprocs;
static unsigned nproc_default; /* RLIMIT_NPROC's default (tasks: LWPs) */
static int last_pid;
static uint64_t forks;

void proc_init(const char *cmdline)
{
    const char *v;
    size_t len;
    if (cmdline_find(cmdline, "maxproc", &v, &len) && len > 0 && len < 8) {
        char buf[8];
        memcpy(buf, v, len);
        buf[len] = 0;
        unsigned long n = strtoul(buf, 0, 10);
        if (n >= 1 && n < PID_MAX)
            proc_max = (unsigned)n;
    }
    /* Linux's default RLIMIT_NPROC: half of max_threads, which is memory
     * over 8 kernel stacks; never fewer than the table's processes. */
    struct pmem_stats st;
    pmem_stats(&st);
    uint64_t half = st.total_pages * PAGE_SIZE / (8 * THREAD_STACK_SIZE) / 2;
    nproc_default = half < proc_max ? proc_max : half > PID_MAX / 2 ? PID_MAX / 2 : (unsigned)half;
    table = kzalloc(proc_max * sizeof(*table));
    if (!table)
        panic("proc_init: no memory for %u processes", proc_max);
    sched_set_sample_hook(proc_cpulimit_tick);
}

unsigned proc_count(void)
{
    return nprocs;
}

unsigned proc_limit(void)
{
    return proc_max;
}

struct vnode *proc_root(void)
{
    struct proc *p = proc_current();
    return p ? p->root : 0;
}

void proc_fsids(uint32_t *uid, uint32_t *gid)
{
    struct proc *p = proc_current();
    *uid = p ? p->cred.fsuid : 0;
    *gid = p ? p->cred.fsgid : 0;
}

struct proc *proc_at(unsigned i)
{
    return i < proc_max && table[i] && table[i]->state != P_EMBRYO ? table[i] : 0;
}

/* The slot holding pid, embryos included, or proc_max. */
static unsigned pid_slot(int pid)
{
    unsigned i = 0;
    while (i < proc_max && !(table[i] && table[i]->pid == pid))
        i++;
    return i;
}

struct proc *proc_find(int pid)
{
    return proc_at(pid_slot(pid));
}

/* Ids in use: every process's pid and every LWP's tid (one id space). */
static uint64_t id_used[PID_MAX / 64];

static int id_taken(int id)
{
    return (id_used[id / 64] >> (id % 64)) & 1;
}

int pid_alloc(void)
{
    for (int n = 0; n < PID_MAX - 1; n++) {
        int id = last_pid % (PID_MAX - 1) + 1; /* the next after the last given, wrapping */
        last_pid = id;
        if (!id_taken(id)) {
            id_used[id / 64] |= 1ull << (id % 64);
            return id;
        }
    }
    return -EAGAIN;
}

void pid_free(int id)
{
    KASSERT(id > 0 && id < PID_MAX && id_taken(id));
    id_used[id / 64] &= ~(1ull << (id % 64));
}

static void limits_default(struct proc *p)
{
    for (int i = 0; i < RLIM_NLIMITS; i++)
        p->rlim[i] = (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
    p->rlim[RLIMIT_STACK] = (struct rlimit64){8ull << 20, RLIM_INFINITY};
    p->rlim[RLIMIT_NOFILE] = (struct rlimit64){1024, 4096}; /* Linux's defaults (a count) */
    p->rlim[RLIMIT_NPROC] = (struct rlimit64){nproc_default, nproc_default};
    p->rlim[RLIMIT_CORE] = (struct rlimit64){0, RLIM_INFINITY};
    p->rlim[RLIMIT_MEMLOCK] = (struct rlimit64){8ull << 20, 8ull << 20}; /* Linux 5.16 on */
    p->rlim[RLIMIT_SIGPENDING] = (struct rlimit64){nproc_default, nproc_default}; /* Linux's */
    p->rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){819200, 819200}; /* Linux's MQ_BYTES_MAX */
    p->rlim[RLIMIT_NICE] =
        (struct rlimit64){0, 0}; /* Linux's: raising priority takes CAP_SYS_NICE */
}

static void tree_unlink(struct proc *p)
{
    if (!p->parent)
        return;
    for (struct proc **pp = &p->parent->children; *pp; pp = &(*pp)->sibling) {
        if (*pp == p) {
            *pp = p->sibling;
            return;
        }
    }
}

int proc_alloc(struct proc *parent, struct proc **out)
{
    unsigned slot = 0;
    while (slot < proc_max && table[slot])
        slot++;
    if (slot == proc_max)
        return -EAGAIN;
    struct proc *p = kzalloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    if (fd_table_new(p) || (parent && cred_copy(&p->cred, &parent->cred))) {
        fd_close_all(p);
        kfree(p);
        return -ENOMEM;
    }
    if (!parent)
        cred_init_root(&p->cred);
    int pid = pid_alloc();
    if (pid < 0) {
        fd_close_all(p);
        cred_free(&p->cred);
        kfree(p);
        return pid;
    }
    p->pid = p->pgid = p->sid = pid;
    p->start_ns = clock_ns();
    p->state = P_EMBRYO;
    waitq_init(&p->exitq);
    waitq_init(&p->vforkq);
    waitq_init(&p->lwpq);
    waitq_init(&p->stopq);
    pollq_init(&p->sigfdq);
    p->exit_signal = SIGCHLD;
    limits_default(p);
    p->cpu_limit_at = UINT64_MAX;
    p->umask = 022;
    p->cwd = vfs_root();
    if (parent) {
        memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
        proc_cpulimit_arm(p); /* its own CPU time starts at 0 */
        p->umask = parent->umask;
        p->personality = parent->personality;
        p->cwd = parent->cwd;
        if ((p->root = parent->root))
            vn_ref(p->root);
        p->pgid = parent->pgid;
        p->sid = parent->sid;
        p->parent = parent;
    }
    vn_ref(p->cwd);
    table[slot] = p;
    *out = p;
    return 0;
}

int proc_publish(struct proc *p)
{
    KASSERT(p->state == P_EMBRYO);
    if (p->parent) {
        p->sibling = p->parent->children;
        p->parent->children = p;
    }
    p->state = P_ALIVE;
    nprocs++;
    forks++;
    for (struct lwp *l = p->lwps; l; l = l->next) {
        p->nlive++;
        thread_start(l->thread);
    }
    return 0;
}

void proc_free(struct proc *p)
{
    int embryo = p->state == P_EMBRYO;
    for (unsigned i = 0; i < proc_max; i++)
        if (table[i] == p) { /* a process holds one slot */
            table[i] = 0;
            break;
        }
    if (!embryo) {
        tree_unlink(p);
        nprocs--;
    }
    kfree(p->cmdline);
    kfree(p->exe);
    cred_free(&p->cred);
    fd_close_all(p);
    if (p->cwd)
        vn_unref(p->cwd);
    if (p->root)
        vn_unref(p->root);
    proc_drop_vm(p);
    while (p->lwps)
        lwp_free(p->lwps);
    sigpend_clear(p, &p->pend);
    signalfd_proc_free(p);
    pid_free(p->pid);
    kfree(p);
}

void proc_set_cmdline(struct proc *p, char *const argv[])
{
    size_t n = 0;
    for (unsigned i = 0; argv && argv[i] && n < CMDLINE_KEEP; i++)
        n += strlen(argv[i]) + 1;
    char *c = kmalloc(n + 1);
    kfree(p->cmdline);
    p->cmdline = c;
    p->cmdline_len = 0;
    for (unsigned i = 0; c && argv && argv[i] && p->cmdline_len < n; i++) {
        size_t k = strlen(argv[i]) + 1;
        if (p->cmdline_len + k > n)
            k = n - p->cmdline_len;
        memcpy(c + p->cmdline_len, argv[i], k);
        p->cmdline_len += k;
    }
}

void proc_drop_vm(struct proc *p)
{
    if (p->vm && --p->vm->refs == 0)
        vmspace_destroy(p->vm);
    p->vm = 0;
}

void proc_vfork_release(struct proc *p)
{
    if (!p->vfork_parent)
        return;
    p->vfork_parent = 0;
    waitq_wake_all(&p->vforkq);
}

/* Child c lost the thread of dead that made it: its LWPs' parent-death signals go to it (Linux's
 * forget_original_parent: each as kill(2) by the dead parent would). */
static void send_pdeathsig(struct proc *c, const struct proc *dead)
{
    struct sigqinfo info = {SI_USER, dead->pid, 0, 0};
    if (c->state != P_ALIVE)
        return;
    for (struct lwp *t = c->lwps; t; t = t->next)
        if (t->pdeathsig && !t->exited)
            sig_send_info(c, 0, t->pdeathsig, &info);
}

void proc_parent_thread_gone(struct lwp *l)
{
    struct proc *p = l->proc;
    struct lwp *heir = 0;
    if (p->dying && !p->survivor)
        return; /* a group exit: proc_end hands them on, once */
    for (struct lwp *t = p->lwps; t; t = t->next)
        if (!t->exited && (!heir || t->tid == p->pid))
            heir = t;
    for (struct proc *c = p->children; c && heir; c = c->sibling)
        if (c->parent_tid == l->tid) {
            c->parent_tid = heir->tid;
            send_pdeathsig(c, p);
        }
}

/* Where p's orphans go (Linux's find_new_reaper): the nearest living
 * ancestor that asked for them with PR_SET_CHILD_SUBREAPER, else init
 * (pid 1); NULL when p is init itself. */
static struct proc *new_reaper(struct proc *p)
{
    struct proc *init = proc_find(1);
    for (struct proc *a = p->parent; a && a != init; a = a->parent)
        if (a->child_subreaper && a->state == P_ALIVE && !(a->dying && !a->survivor))
            return a;
    return init != p ? init : 0;
}

/* Give p's children to their new reaper, which reaps orphans. Their exit
 * signal becomes SIGCHLD, as Linux's reparent_leader does, so that the
 * reaper's plain wait sees them whatever clone made them with; each gets
 * its parent-death signal, if it asked for one. */
static void reparent_children(struct proc *p)
{
    struct proc *r = new_reaper(p);
    while (p->children) {
        struct proc *c = p->children;
        p->children = c->sibling;
        c->parent = r;
        c->sibling = 0;
        c->exit_signal = SIGCHLD;
        send_pdeathsig(c, p);
        if (r) {
            c->parent_tid = r->pid;
            c->sibling = r->children;
            r->children = c;
            if (c->state == P_ZOMBIE)
                waitq_wake_all(&r->exitq);
        }
    }
}

/* Children whose parent does not want them as zombies (SIGCHLD ignored,
 * or SA_NOCLDWAIT) are reaped by a kernel thread: a thread cannot join
 * itself. */
static struct proc *reap_list;
static struct waitq reap_wq;
static struct thread *reaper;

static void reaper_main(void *arg)
{
    (void)arg;
    for (;;) {
        while (!reap_list)
            waitq_wait(&reap_wq, 0);
        struct proc *p = reap_list;
        reap_list = p->reap_next;
        proc_reap(p);
    }
}

int proc_reaper_start(void)
{
    return reaper ? 0 : thread_create("reaper", reaper_main, 0, 0, &reaper);
}

/* 1 when p's exit needs no wait: then it is off its parent's list. */
static int autoreap(struct proc *p)
{
    struct proc *pp = p->parent;
    if (!pp || p->exit_signal != SIGCHLD)
        return 0;
    const struct ksigaction *a = &pp->sigact[SIGCHLD - 1];
    if (a->handler != SIG_IGN && !(a->flags & SA_NOCLDWAIT))
        return 0;
    if (!reaper)
        return 0; /* no reaper thread: the parent keeps a zombie instead */
    tree_unlink(p);
    p->parent = 0;
    p->reap_next = reap_list;
    reap_list = p;
    waitq_wake_all(&reap_wq);
    waitq_wake_all(&pp->exitq); /* a wait may now find no child: ECHILD */
    return 1;
}

static void (*leader_exit_hook)(int sid);

void proc_set_leader_exit_hook(void (*fn)(int sid))
{
    leader_exit_hook = fn;
}

__attribute__((noreturn)) void proc_end(int wstatus)
{
    struct proc *p = proc_current();
    p->nlive = 0;
    ipc_proc_exit(p); /* SEM_UNDO, while p is still current */
    fd_close_all(p);
    thread_set_vmspace(0);
    /* The rest of the exit runs on the parent's tables: the parent usually
     * runs next, and then needs no page-table load (a TLB flush). */
    if (p->parent && p->parent->vm)
        vmspace_switch(p->parent->vm);
    proc_drop_vm(p);
    proc_vfork_release(p);
    if (p->sid == p->pid && leader_exit_hook)
        leader_exit_hook(p->sid);
    jc_exit_orphans(p);
    reparent_children(p);
    callout_cancel(&p->alarm);
    ptimer_delete_all(p);
    p->wstatus = wstatus;
    p->state = P_ZOMBIE;
    if (p->parent && !autoreap(p)) {
        int sig = wstatus & 0x7f;
        int code = (wstatus & W_COREDUMP) ? CLD_DUMPED : sig ? CLD_KILLED : CLD_EXITED;
        struct sigqinfo info = {code, p->pid, (uint64_t)(sig ? sig : (wstatus >> 8) & 0xff), 0};
        if (p->exit_signal)
            sig_send_info(p->parent, 0, p->exit_signal, &info);
        waitq_wake_all(&p->parent->exitq);
    }
    waitq_wake_all(&p->exitq);
    pidfd_exited(p);
    thread_exit();
}

uint64_t proc_runtime_ns(const struct proc *p)
{
    uint64_t ns = p->dead_ns;
    for (const struct lwp *l = p->lwps; l; l = l->next)
        ns += thread_runtime_ns(l->thread);
    return ns;
}

uint64_t proc_sys_ns(const struct proc *p)
{
    uint64_t ns = p->dead_sys_ns;
    for (const struct lwp *l = p->lwps; l; l = l->next)
        ns += thread_sys_ns(l->thread);
    return ns;
}

uint64_t proc_forks(void)
{
    return forks;
}

int proc_last_pid(void)
{
    return last_pid;
}

int proc_reap(struct proc *p)
{
    while (p->state != P_ZOMBIE)
        waitq_wait(&p->exitq, 0);
    if (p->parent) { /* its threads have run for the last time: charge the parent */
        p->parent->child_ns += proc_runtime_ns(p) + p->child_ns;
        p->parent->child_sys_ns += proc_sys_ns(p) + p->child_sys_ns;
    }
    int status = p->wstatus;
    proc_free(p);
    return status;
}

int proc_fault(struct arch_frame *f, int sig, int code, const char *what, uint64_t addr)
{
    struct proc *p = proc_current();
    if (!p)
        return 0;
    if (sig_force_fault(f, sig, code, addr))
        return 1;
    printk("pid %d (%s): %s at pc %#llx, address %#llx: killed by signal %d\n", p->pid, p->name,
           what, (unsigned long long)arch_frame_pc(f), (unsigned long long)addr, sig);
    proc_exit_fault(f, sig, code, addr);
}

int proc_refuse_flags(uint64_t seen[PROC_REFUSED_SEEN], const char *call, uint64_t flags)
{
    struct proc *p = proc_current();
    for (unsigned i = 0; i < PROC_REFUSED_SEEN; i++) {
        if (seen[i] == flags)
            break;
        if (!seen[i] || i == PROC_REFUSED_SEEN - 1) {
            seen[i] = flags;
            printk("%s: flags %#llx are not supported (pid %d)\n", call, (unsigned long long)flags,
                   p ? p->pid : 0);
            break;
        }
    }
    return -EINVAL;
}
