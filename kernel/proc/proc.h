/* Processes and their LWPs (docs/ARCHITECTURE.md, "Programs").
 *
 * A process owns an address space (vmspace), a descriptor table, a cwd, a
 * umask and resource limits; each LWP is one bmk-style kernel thread that
 * runs the program's code. Every process and LWP id comes from one pid
 * space (a process's first LWP has tid == pid, as on Linux). The table
 * holds at most proc_max processes (maxproc=N on the command line, default
 * 512), zombies included: creating one more is -EAGAIN, never a panic.
 *
 * One CPU and no kernel preemption: the table and the process tree change
 * only in kernel code that does not block in between. */
#ifndef UNIPLEX_PROC_H
#define UNIPLEX_PROC_H

#include <stddef.h>
#include <stdint.h>
#include "kernel/fs/vfs.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/proc/signal.h"
#include "kernel/sched/sched.h"

struct vmspace;
struct arch_frame;
struct core_state;
struct vnode;
struct file;

#define PID_MAX 32768 /* Linux's default pid_max: ids run 1..PID_MAX-1, then wrap */

#define RLIMIT_CPU        0
#define RLIMIT_FSIZE      1
#define RLIMIT_DATA       2
#define RLIMIT_STACK      3
#define RLIMIT_CORE       4
#define RLIMIT_NPROC      6
#define RLIMIT_NOFILE     7
#define RLIMIT_MEMLOCK    8
#define RLIMIT_AS         9
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE   12
#define RLIMIT_NICE       13
#define RLIMIT_RTPRIO     14
#define RLIM_NLIMITS      16
#define RLIM_INFINITY     (~0ull)

struct rlimit64 {
    uint64_t cur, max;
};

/* Descriptor table: fd -> open file description, plus close-on-exec.
 * Shared by every thread of a process, and by processes made with
 * clone(CLONE_FILES) (refs of them) until one unshares or execs. It is
 * also the owner of the POSIX record locks taken through it, as Linux's
 * files_struct is. */
struct fdtable {
    struct file **files;
    uint8_t *cloexec;
    unsigned cap;
    unsigned top;  /* every descriptor from top on is free (fd.c keeps it) */
    unsigned refs; /* processes using it */
};

/* Credentials (cred.c): uid[] and gid[] are {real, effective, saved}. */
#define CRED_KEEP   0xffffffffu /* -1: an id left as it is */
#define NGROUPS_MAX 65536       /* Linux's */
#define NR_OPEN     1048576     /* Linux's fs.nr_open default: the RLIMIT_NOFILE ceiling */
/* Capabilities (capabilities(7)), numbered as Linux's; a set is a bit mask. */
#define CAP_CHOWN            0
#define CAP_DAC_OVERRIDE     1
#define CAP_DAC_READ_SEARCH  2
#define CAP_FOWNER           3
#define CAP_FSETID           4
#define CAP_SETGID           6
#define CAP_SETUID           7
#define CAP_SETPCAP          8
#define CAP_LINUX_IMMUTABLE  9
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_ADMIN        12
#define CAP_NET_RAW          13
#define CAP_IPC_LOCK         14
#define CAP_IPC_OWNER        15
#define CAP_SYS_PTRACE       19
#define CAP_SYS_ADMIN        21
#define CAP_SYS_NICE         23
#define CAP_SYS_RESOURCE     24
#define CAP_SYS_TIME         25
#define CAP_MAC_OVERRIDE     32
#define CAP_SYSLOG           34
#define CAP_WAKE_ALARM       35
#define CAP_LAST_CAP         40 /* CAP_CHECKPOINT_RESTORE, Linux 5.9 on */
#define CAP_FULL_SET         ((1ull << (CAP_LAST_CAP + 1)) - 1)
struct cred {
    uint32_t uid[3], fsuid;
    uint32_t gid[3], fsgid;
    uint32_t ngroups;
    uint32_t *groups; /* supplementary groups, owned */
    /* Inheritable, permitted and effective capability sets: all of them
     * for init (root), inherited, changed by capset and by uid changes
     * and exec as Linux changes them (no file capabilities, no ambient
     * set; the bounding set is always full). */
    uint64_t cap_inh, cap_prm, cap_eff;
};

/* P_EMBRYO: being built by proc_alloc's caller; its pid and slot are
 * taken but nothing else can see it (proc_find, proc_at, /proc, its parent's
 * children) until proc_publish. */
enum proc_state { P_EMBRYO, P_ALIVE, P_ZOMBIE };

/* An LWP: one thread of a process. The process's first has tid == pid;
 * clone(CLONE_THREAD) adds more (kernel/proc/lwp.c). An LWP that has
 * exited (exited set) stays on its process's list until its kernel thread
 * has switched away for good, then lwp_reap frees it. */
struct lwp {
    int tid;
    int exited; /* called lwp_exit: never runs program code again */
    struct proc *proc;
    struct thread *thread;
    uint64_t sigmask;
    struct sigpend pend;      /* signals sent to this LWP (tgkill, faults) */
    char name[16];            /* comm (prctl PR_SET_NAME, /proc/<pid>/task/<tid>/comm) */
    uint64_t clear_child_tid; /* set_tid_address: zeroed at exit and exec (lwp_release_tid) */
    uint64_t robust_list, robust_len;
    uint64_t start_entry, start_sp; /* where the first entry to the program goes */
    uint64_t set_child_tid;         /* CLONE_CHILD_SETTID: store the tid here first */
    struct arch_frame *frame;       /* the current system call's saved registers */
    struct arch_frame *resume;      /* a forked child's first entry (owned) */
    uint64_t sysnr;                 /* the current system call (for restarts) */
    uint64_t ss_sp, ss_size;        /* sigaltstack; ss_size 0: none */
    uint64_t saved_mask;            /* rt_sigsuspend's mask to put back */
    int restore_mask;               /* saved_mask applies after the handler */
    /* A call that returned -ERESTART_RESTARTBLOCK (an interrupted relative
     * sleep): what goes on with it when no handler runs (Linux's
     * restart_block), and what that needs. */
    int64_t (*restart_fn)(struct lwp *l);
    uint64_t restart_until, restart_arg;
    struct vm_policy mpol; /* set_mempolicy's (mempolicy.h): kept by clone, fork and exec */
    /* prctl (kernel/sys/sys_proc.c), per thread as on Linux. pdeathsig:
     * sent to the process when the thread that made it (parent_tid) ends
     * (0: none; fork clears it, exec keeps it). timerslack_ns: what
     * PR_GET_TIMERSLACK reports, and slack_default what 0 puts back (the
     * creator's value at clone, LWP_SLACK_NS for init); no timer adds it.
     * no_new_privs: one-way, kept by clone and exec (cred_exec honours it). */
    int pdeathsig;
    uint64_t timerslack_ns, slack_default;
    int no_new_privs;
    /* SCHED_RESET_ON_FORK (sched_setscheduler, sched_setattr): a thread it
     * makes starts at nice 0 if this one's is below, without the flag. */
    int sched_reset_on_fork;
    int32_t restart_clock; /* a CPU-time clock's sleep: its clock id */
    /* ioprio_set(2)'s value for this thread, as the program gave it (0:
     * none set, IOPRIO_CLASS_NONE); kept by clone and exec. Recorded and
     * reported only: there is no I/O scheduler to order requests by it. */
    uint16_t ioprio;
    /* Whether Linux would have given the task an I/O context by now: it
     * makes one at ioprio_set, and clone copies one whose class is not
     * NONE (copy_io); no I/O scheduler here makes any. kcmp's KCMP_IO
     * compares absent ones as equal, as Linux's NULL pointers. */
    uint8_t ioctx;
    struct lwp *next; /* the process's LWPs */
};

struct proc {
    int pid;
    struct proc *parent;             /* NULL for init (its parent is the kernel) */
    int parent_tid;                  /* the parent's LWP that made it (wait's __WNOTHREAD) */
    struct proc *children, *sibling; /* the process tree */
    int pgid, sid;
    enum proc_state state;
    int wstatus; /* wait(2) status once a zombie: (code << 8) or the signal */
    struct vmspace *vm;
    struct fdtable *fds; /* never NULL once built: an empty table for a zombie */
    struct cred cred;    /* all 0 (root) for init; inherited */
    struct vnode *cwd;   /* referenced */
    struct vnode *root;  /* chroot(2): referenced; NULL: the tree's root */
    uint32_t umask;
    uint32_t personality; /* personality(2): PER_LINUX with the flags honoured; inherited */
    struct rlimit64 rlim[RLIM_NLIMITS];
    char name[16];             /* comm: the program's base name */
    uint64_t brk_start, brk;   /* heap: [brk_start, brk) is mapped */
    uint64_t mmap_base;        /* where mmap looks for room first */
    struct lwp *lwps;          /* every LWP, exited ones until reaped */
    unsigned nlive;            /* LWPs that have not exited */
    struct sigpend pend;       /* process-directed signals: any LWP not blocking one takes it */
    uint64_t nqueued;          /* real-time instances queued in p's and its LWPs' sets */
    int dying;                 /* every LWP but survivor must exit (exit_group, exec) */
    struct lwp *survivor;      /* the exec'ing LWP that stays, or NULL (group exit) */
    struct waitq lwpq;         /* an LWP exited (exec waits for the others) */
    uint64_t dead_ns;          /* CPU time of LWPs already freed */
    uint64_t dead_sys_ns;      /* the system-time part of it (thread_sys_ns) */
    struct waitq exitq;        /* waiters for a child's exit (wait4) */
    int exit_signal;           /* sent to the parent at exit (clone's CSIGNAL; SIGCHLD) */
    struct proc *vfork_parent; /* blocked in vfork until this one execs or exits */
    struct waitq vforkq;       /* where that parent waits */
    struct ksigaction sigact[NSIG]; /* index sig - 1 */
    struct callout alarm;           /* ITIMER_REAL */
    struct proc *reap_next;         /* on the reaper's list */
    char *exe;                      /* /proc/<pid>/exe: the program's absolute path; owned */
    uint64_t start_ns;              /* clock_ns() at creation */
    uint64_t child_ns;              /* CPU time of reaped children (and theirs) */
    uint64_t child_sys_ns;          /* the system-time part of it */
    char *cmdline;                  /* argv, NUL-separated (/proc/<pid>/cmdline); owned */
    size_t cmdline_len;
    uint64_t env_start, env_end;       /* the initial environment's strings (/proc/<pid>/environ) */
    uint64_t alarm_at, alarm_interval; /* ns; alarm_at 0: not armed */
    int oom_killed;                    /* chosen by the OOM killer */
    struct pollq sigfdq; /* signalfd readers and pollers: told of each signal made pending */

    /* Job control (jobctl.c): the stop in force (stop_sig, 0: none), done
     * once every live LWP has parked on stopq; what wait(2) has still to
     * be told (JC_STOPPED, JC_CONTINUED or 0). */
    int stop_sig, stop_done;
    unsigned nparked;
    int jc_report;
    struct waitq stopq;

    /* Resource usage (rusage.c): the largest resident set seen, in pages
     * (proc_rusage_sample), and the largest figure of the children waited
     * for and of theirs (RUSAGE_CHILDREN's ru_maxrss). Their CPU time is
     * child_ns above. */
    uint64_t maxrss, child_maxrss;

    /* Core dumps (kernel/proc/coredump.c): the dump in progress, or
     * NULL; nodump: prctl(PR_SET_DUMPABLE, 0) (fork keeps it, exec
     * clears it); auxv: where exec put the auxiliary vector (NT_AUXV). */
    struct core_state *core;
    int nodump;
    uint64_t auxv;

    /* prctl(PR_SET_CHILD_SUBREAPER): orphans below it come to it instead
     * of init (proc.c's reparent_children). Kept by exec, 0 after fork. */
    int child_subreaper;
    /* RLIMIT_CPU (cpuclock.c): the process CPU time (ns) at which the next
     * SIGXCPU or SIGKILL is due; UINT64_MAX: none. */
    uint64_t cpu_limit_at;
    /* POSIX timers (ptimer.c): the process's, how many (and how many on
     * a CPU-time clock: the accounting sample looks only when some are),
     * and the id the next one is given first (0 after fork). */
    struct ptimer *ptimers;
    unsigned nptimers, ncputimers;
    int ptimer_next_id;
};

/* Linux's default timer slack (50 us), PR_GET_TIMERSLACK's first value. */
#define LWP_SLACK_NS 50000ull

/* Read the command line (maxproc=). */
void proc_init(const char *cmdline);

/* The LWP and the process of the calling thread, or NULL for a pure
 * kernel thread. */
static inline struct lwp *lwp_current(void)
{
    return sched_current()->lwp;
}

static inline struct proc *proc_current(void)
{
    struct lwp *l = lwp_current();
    return l ? l->proc : 0;
}
/* Table slot i (0 .. proc_limit() - 1): its process, or NULL. */
struct proc *proc_at(unsigned i);
/* The process with this pid (alive or zombie), or NULL. */
struct proc *proc_find(int pid);

/* A new process, an embryo (P_EMBRYO): pid and table slot taken, empty
 * fd table, no address space, default limits, cwd and umask copied from
 * parent (the root and 022 when NULL). The caller builds it, then
 * proc_publish or proc_free. 0 and *out, or -EAGAIN (table full / no pid)
 * or -ENOMEM. */
int proc_alloc(struct proc *parent, struct proc **out);
/* Make embryo p a live process: its /proc entries (the one step that can
 * fail: -ENOMEM, p still an embryo), then, with nothing left to fail, a
 * child of its parent, counted, and its LWPs running. 0 or -ENOMEM. */
int proc_publish(struct proc *p);
/* Give back an embryo, or a reaped zombie: its pid slot and structure
 * (a zombie's LWP threads must have been joined; an embryo's were never
 * started and are discarded). */
void proc_free(struct proc *p);
/* Give embryo p its first LWP (tid == pid), to enter the program at entry
 * with stack pointer sp in p's address space once published. 0 or -errno. */
int proc_start(struct proc *p, uint64_t entry, uint64_t sp);
/* Give embryo c a forked LWP, to return to the program through the frame
 * f (arch_frame_fork; the LWP takes it over on success) with TLS base fs
 * and, if ctid, its tid stored there first (CLONE_CHILD_SETTID). 0 or
 * -errno. */
int proc_start_forked(struct proc *c, struct arch_frame *f, uint64_t fs, uint64_t ctid);

/* Ids: pids and tids come from one space of PID_MAX - 1 ids, given in
 * increasing order and wrapping, as Linux does. The id, or -EAGAIN. */
int pid_alloc(void);
void pid_free(int id);

/* cred.c: copy (0 or -ENOMEM: the groups) and free a process's ids. */
/* 1 when the calling process has capability cap in its effective set
 * (Linux's capable(); a kernel thread has them all). */
int cred_capable(unsigned cap);
/* Whether the calling process may inspect or change target (Linux's
 * ptrace_may_access with PTRACE_MODE_*_REALCREDS, the rule of kcmp,
 * pidfd_getfd and process_vm_readv/writev): always its own process;
 * otherwise the caller's real uid and gid must be every one of target's
 * (real, effective and saved) and target must be dumpable (prctl's
 * PR_SET_DUMPABLE), unless the caller has CAP_SYS_PTRACE. 1 or 0. */
int cred_may_access(const struct proc *target);
/* init's credentials: root, with every capability. */
void cred_init_root(struct cred *c);
/* After a set*uid call changed c's uids from old[3] and old_fsuid: the
 * capability sets follow as Linux's cap_emulate_setxuid moves them (all
 * uids leaving 0 drops the permitted and effective sets, the effective
 * uid leaving 0 empties the effective set and coming back to 0 restores
 * it from the permitted one; the fs uid moves the file-system ones). */
void cred_uid_changed(struct cred *c, const uint32_t old[3], uint32_t old_fsuid);
/* execve: root (a real or effective uid of 0) gets the full permitted
 * set, effective too when the effective uid is 0; others lose both. With
 * no_new_privs nothing is gained: both stay within the old permitted set
 * (Linux's LSM_UNSAFE_NO_NEW_PRIVS). There are no set-user-ID or
 * file-capability executables, so this is the only way exec could raise
 * privileges. */
void cred_exec(struct cred *c, int no_new_privs);
int cred_copy(struct cred *dst, const struct cred *src);
void cred_free(struct cred *c);
/* Linux's rules for the set*id calls on ids = {real, effective, saved}
 * and the fs id (privileged: CAP_SETUID or CAP_SETGID). 0, -EPERM, -EINVAL;
 * cred_setfs returns the old fs id. */
int cred_setres(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t r, uint32_t e,
                uint32_t s);
int cred_setre(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t r, uint32_t e);
int cred_set(uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t id);
uint32_t cred_setfs(const uint32_t ids[3], uint32_t *fsid, int privileged, uint32_t id);

/* lwp.c: threads of a process. */
/* The LWP with this tid that has not exited, of a live process, or NULL. */
struct lwp *lwp_find(int tid);
/* LWPs in existence, every process's (what RLIMIT_NPROC counts, as Linux
 * counts tasks). */
unsigned lwp_count(void);
/* clone(CLONE_THREAD): a new LWP of the caller's process that returns to
 * the program through f (taken over on success) with TLS base tls
 * (CLONE_SETTLS) or the caller's, its tid stored at ctid first
 * (CLONE_CHILD_SETTID) and that word cleared at its exit
 * (CLONE_CHILD_CLEARTID). 0 and *tid, or -EAGAIN / -ENOMEM. */
int lwp_clone(struct arch_frame *f, uint64_t flags, uint64_t tls, uint64_t ctid, int *tid);
/* A new LWP l made by from (clone, fork): from's timer slack (its
 * default too), no_new_privs, nice value and I/O priority; no
 * parent-death signal. */
void lwp_inherit_prctl(struct lwp *l, const struct lwp *from);
/* LWP l of a process that lives on has exited: the children it made get
 * their parent-death signals and are the main thread's (or another live
 * LWP's) from now on, as Linux gives them to a live thread of the group. */
void proc_parent_thread_gone(struct lwp *l);
/* The LWP's address space is about to go or be left (exit, exec): as
 * Linux's mm_release, the CLONE_CHILD_CLEARTID / set_tid_address word
 * gets 0 and one futex waiter on it is woken, when anyone else uses the
 * address space; the address is forgotten. */
void lwp_release_tid(struct lwp *l);
/* End the calling LWP (exit(2)): its robust futexes are released and its
 * tid word cleared; the last LWP of its process ends the process with
 * wstatus (or the group exit's status) through proc_end. */
__attribute__((noreturn)) void lwp_exit(int wstatus);
/* 1 when l must exit: its process is dying (exit_group, a fatal signal, or
 * another LWP's exec) and l is not the LWP that stays. */
static inline int lwp_doomed(const struct lwp *l)
{
    return l->proc->dying && l->proc->survivor != l;
}
/* exec: make the calling LWP its process's only one (the others exit
 * first; it takes over the pid as its tid). 0, or -EINTR when a group exit
 * overtook it: then the caller must lwp_exit. */
int lwp_single(void);
/* Core dumps: make every other LWP of the calling process exit and wait
 * until they have (they leave their registers to p->core on the way).
 * 0, the caller alone and its process dying with it as the survivor (so
 * that the proc_exit that follows ends it); -EINTR when the process was
 * already dying. */
int lwp_isolate(void);
/* Free the exited LWPs of p whose threads have switched away for good. */
void lwp_reap(struct proc *p);
/* Free l: an exited LWP (its thread is joined) or one never started. */
void lwp_free(struct lwp *l);

/* Record the arguments /proc/<pid>/cmdline shows (exec). */
void proc_set_cmdline(struct proc *p, char *const argv[]);
/* Drop p's reference on its address space (freeing it with the last). */
void proc_drop_vm(struct proc *p);
/* The calling process's vfork parent, if any, may run again. */
void proc_vfork_release(struct proc *p);

/* End the calling process with wait status wstatus (exit_group, a fatal
 * signal or fault): every other LWP is made to exit, then the caller;
 * the last to go makes the process a zombie. Never returns. */
__attribute__((noreturn)) void proc_exit(int wstatus);
/* For the last LWP of the calling process (lwp.c): close its files, free
 * its address space, make it a zombie and wake its parent. When it is
 * init the machine powers off with status code or 128 + signal. */
__attribute__((noreturn)) void proc_end(int wstatus);
/* Start the kernel thread that reaps children nobody waits for (SIGCHLD
 * ignored or SA_NOCLDWAIT in the parent): 0 or -errno (then such
 * children stay zombies until their parent waits). */
int proc_reaper_start(void);
/* Block until p is a zombie, join its threads and free it; its wait status. */
int proc_reap(struct proc *p);
/* A fault in program code that nothing resolved (from the trap handler,
 * f its frame; addr the faulting address): the process's handler for sig
 * runs if it has one (then this returns 1 and f enters the handler);
 * otherwise it is reported and the process ends with signal sig. 0 when
 * the current thread belongs to no process. */
int proc_fault(struct arch_frame *f, int sig, int code, const char *what, uint64_t addr);

/* clone(2) flags (<linux/sched.h>) */
#define CSIGNAL              0x000000ffu
#define CLONE_VM             0x00000100u
#define CLONE_FS             0x00000200u
#define CLONE_FILES          0x00000400u
#define CLONE_SIGHAND        0x00000800u
#define CLONE_PIDFD          0x00001000u
#define CLONE_VFORK          0x00004000u
#define CLONE_THREAD         0x00010000u
#define CLONE_SYSVSEM        0x00040000u
#define CLONE_SETTLS         0x00080000u
#define CLONE_PARENT_SETTID  0x00100000u
#define CLONE_CHILD_CLEARTID 0x00200000u
#define CLONE_DETACHED       0x00400000u /* ignored, as by Linux */
#define CLONE_CHILD_SETTID   0x01000000u

/* fork.c: clone(2) with fork's, vfork's, posix_spawn's and
 * pthread_create's flag sets (CLONE_VM shares the address space,
 * CLONE_THREAD makes an LWP of the caller's process; CLONE_PIDFD stores a
 * pidfd of the new process, as an int, at upidfd). The child's pid or
 * tid, or -EAGAIN / -ENOMEM / -EINVAL / -EPERM / -EMFILE / -EFAULT (a bad
 * upidfd: no child is made). */
int64_t proc_clone(uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t ctid, uint64_t tls,
                   uint64_t upidfd);
/* wait.c: wait4 and waitid on the calling process's children. */
int64_t proc_wait4(int64_t pid, uint64_t ustatus, uint64_t options, uint64_t urusage);
int64_t proc_waitid(uint64_t idtype, uint64_t id, uint64_t uinfo, uint64_t options,
                    uint64_t urusage);

/* No page could be had for a fault at addr in the current process's
 * program code (kernel/proc/oom.c). Like Linux's OOM killer: SIGKILL the
 * process holding the most resident pages, never init, then return so
 * that the fault is retried once it is gone (or while an earlier victim is
 * still on its way out): 1. When the current process is the biggest, or
 * nothing else can go, it is ended with SIGKILL instead and this does not
 * return. 0 at once for a pure kernel thread. */
int proc_oom(uint64_t addr);

/* CPU time used by p's LWPs. */
uint64_t proc_runtime_ns(const struct proc *p);
/* The system-time part of proc_runtime_ns(p) (thread_sys_ns of each LWP). */
uint64_t proc_sys_ns(const struct proc *p);
/* CPU-time clocks (cpuclock.c, Linux's clock-id encoding): whether id
 * names one (CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID or a
 * dynamic id below 0, valid or not) and whether a thread's; its time and
 * resolution in ns: 0, or -EINVAL for an id naming no clock, a process
 * that does not exist or a thread outside the caller's process. */
int cpuclock_is(int32_t id);
int cpuclock_thread(int32_t id);
int cpuclock_read(int32_t id, uint64_t *ns);
int cpuclock_res(int32_t id, uint64_t *ns);
/* RLIMIT_CPU: work out p's next deadline from its limit (after any change
 * of it); the check made at each accounting sample of a program thread
 * (an LWP, as sched_set_sample_hook passes it): SIGXCPU at the soft limit
 * and each CPU second after, SIGKILL at the hard one; and the process's
 * CPU-time POSIX timers (ptimer_cpu_tick). */
void proc_cpulimit_arm(struct proc *p);
void proc_cpulimit_tick(void *lwp);
/* Processes created since boot, and the last pid given. */
uint64_t proc_forks(void);
int proc_last_pid(void);

/* Processes in the table now (for leak checks). */
unsigned proc_count(void);
unsigned proc_limit(void);

/* What the arch needs to build a signal frame. */
struct sig_setup {
    int sig, fault; /* fault: si_addr is addr, else the fields of info */
    struct sigqinfo info;
    uint64_t addr; /* siginfo si_addr and sigcontext cr2 (faults) */
    const struct ksigaction *act;
    uint64_t oldmask;   /* restored by rt_sigreturn */
    uint64_t stack_top; /* the alternate stack's top, or 0: below the red zone */
    uint64_t ss_sp, ss_size;
    uint32_t ss_flags;
};

/* signal.c: generation, masks and delivery (docs/ARCHITECTURE.md, "Programs").
 * sig_send: make sig pending for process p (0 probes; ignored signals are
 * dropped unless blocked) and wake an LWP that does not block it, the main
 * one first. 0 or -EINVAL. */
int sig_send(struct proc *p, int sig);
/* sig_send with what the signal carries, preferring LWP prefer (the one
 * that caused it: SIGPIPE, SIGXFSZ) when it does not block it. */
int sig_send_info(struct proc *p, struct lwp *prefer, int sig, const struct sigqinfo *info);
/* A signal the calling LWP brought on itself (SIGPIPE, SIGXFSZ): for its
 * process, taken by that LWP unless it blocks it (Linux's send_sig). */
int sig_send_self(int sig);
/* A signal for one LWP (tgkill, tkill, rt_tgsigqueueinfo): pending for it
 * alone. 0 or -EINVAL. */
int sig_send_lwp(struct lwp *l, int sig, const struct sigqinfo *info);
/* Drop sig from every pending set of p (its action became "ignore"). */
void sig_discard(struct proc *p, int sig);
/* Take sig off l's pending sets, its own first, then its process's: 1 and
 * what it carried in *info, or 0 when it was pending in neither. */
int sig_take(struct lwp *l, int sig, struct sigqinfo *info);
/* The lowest signal of set pending for l (its own or its process's),
 * taken as sig_take takes it: the signal and *info, or 0 if none. */
int sig_take_set(struct lwp *l, uint64_t set, struct sigqinfo *info);
/* sigpend.c: a pending set of p (its own or one of its LWPs').
 * sigpend_add: make sig pending with what it carries; every instance of a
 * real-time one is queued (RLIMIT_SIGPENDING of them per process). 0, or
 * -EAGAIN when a real-time one cannot be queued (unless it came from kill:
 * then it stays pending without its siginfo queued, as on Linux). */
int sigpend_add(struct proc *p, struct sigpend *sp, int sig, const struct sigqinfo *info);
/* Take the oldest instance of sig: 1 and *info, or 0 if none pending. */
int sigpend_take(struct proc *p, struct sigpend *sp, int sig, struct sigqinfo *info);
/* Drop every instance of sig; sigpend_clear: of every signal (freeing). */
void sigpend_drop(struct proc *p, struct sigpend *sp, int sig);
void sigpend_clear(struct proc *p, struct sigpend *sp);
/* sig_send_info to every live process of group pgid: 0, or -ESRCH if none. */
int sig_send_group(int pgid, int sig, const struct sigqinfo *info);
/* Recompute whether l's thread has a deliverable signal (after changing
 * its pending set or mask). */
void sig_recalc(struct lwp *l);
/* ppoll, pselect6 and rt_sigsuspend: replace the caller's mask with the
 * sigset_t (size bytes, which must be 8) at umask until the next signal
 * delivery puts the old one back. 0, -EINVAL or -EFAULT (mask unchanged). */
int sig_mask_from_user(uint64_t umask, uint64_t size);
/* The caller's own mask back at once, unless interrupted (then it comes
 * back after the handler): what a call that took a mask with
 * sig_mask_from_user does on its way out (Linux's
 * restore_saved_sigmask_unless). */
void sig_mask_restore_unless(int interrupted);
/* On the way back to the program from a system call whose result is in
 * its frame f, and from an interrupt or exception taken in program code
 * (frame f): run default actions, or set up the handler's frame; restart
 * or fail interrupted calls. May not return (exit). */
void sig_deliver_syscall(struct arch_frame *f);
void sig_deliver_trap(struct arch_frame *f);
/* A fault in program code: the signal is forced (unblocked, and reset to
 * the default if it was ignored): 1 when a handler was set up on f, 0
 * when the process must die. */
int sig_force_fault(struct arch_frame *f, int sig, int code, uint64_t addr);
/* fork copies the actions and the mask; exec resets handled signals to
 * the default (ignored stay ignored). */
void sig_exec_reset(struct proc *p);

/* jobctl.c: job control (stop signals, SIGCONT, orphaned process groups).
 * A stop is for the whole process: the LWP that takes a stop signal whose
 * action is the default starts it, and every live LWP parks (on its way
 * back to program code) until SIGCONT, SIGKILL or a group exit. The
 * parent hears of it once all have parked: wait's WUNTRACED / WSTOPPED,
 * and SIGCHLD with CLD_STOPPED unless it set SA_NOCLDSTOP; of a resume
 * the same way with CLD_CONTINUED. */
#define JC_STOPPED   1
#define JC_CONTINUED 2
/* Before sig is made pending for p (Linux's prepare_signal, whatever p's
 * action for it): SIGCONT drops pending stop signals and resumes a
 * stopped p; a stop signal drops pending SIGCONT; SIGKILL wakes parked
 * LWPs. Other signals than JC_SIGNALS it leaves alone (callers skip it). */
#define JC_SIGNALS (SIG_STOPSET | SIGBIT(SIGCONT) | SIGBIT(SIGKILL))
void jc_on_send(struct proc *p, int sig);
/* The calling LWP took stop signal sig with its default action: the
 * process stops (SIGTSTP, SIGTTIN and SIGTTOU are discarded in an
 * orphaned process group, as Linux). Returns once it is resumed or must
 * die. */
void jc_stop(struct lwp *l, int sig);
/* On the way back to program code: park while p's stop is in force. */
void jc_park_if_stopped(struct lwp *l);
/* An LWP of p other than its last has exited (lwp_exit): a stop the
 * others have all parked for is complete now. */
void jc_lwp_gone(struct proc *p);
/* 1 when process group pgid is orphaned (Linux's is_pgrp_orphaned): no
 * member that is not ignore has a parent, other than init or ignore
 * itself, in another group of its own session. */
int jc_pgrp_orphaned(int pgid, const struct proc *ignore);
/* Exit of p (before its children go to init): each group it leaves
 * orphaned that has a stopped member gets SIGHUP then SIGCONT (Linux's
 * kill_orphaned_pgrp). */
void jc_exit_orphans(struct proc *p);
/* fn(sid) runs when the leader of session sid exits, before its orphans
 * are looked at (the terminal layer's tty_leader_exit). */
void proc_set_leader_exit_hook(void (*fn)(int sid));
/* 1 when sig would be neither blocked by l nor ignored by its process
 * (the terminal's SIGTTIN / SIGTTOU decisions). */
int jc_sig_wanted(const struct lwp *l, int sig);
/* A terminal's job-control check (Linux's __tty_check_change) for the
 * calling process, the terminal's session being sid (0: none) and its
 * foreground group fg_pgrp: 0 when the access may go on (it is not the
 * caller's controlling terminal, the caller is in the foreground, or sig
 * is SIGTTOU and the caller ignores or blocks it); -EIO when sig is
 * SIGTTIN and ignored or blocked, or the caller's group is orphaned;
 * otherwise sig goes to the caller's group and the call is to be
 * restarted: -ERESTARTSYS. */
int jc_tty_check(int sid, int fg_pgrp, int sig);

/* Wait-status encoding (Linux, <sys/wait.h>). */
#define W_EXITCODE(code) (((code)&0xff) << 8)
#define W_SIGNALED(sig)  ((sig)&0x7f)
#define W_STOPCODE(sig)  ((((sig)&0xff) << 8) | 0x7f)
#define W_CONTINUED      0xffff

/* fd.c: descriptor tables. The caller holds nothing: one CPU, no blocking. */
/* A new empty table for embryo p: 0 or -ENOMEM. */
int fd_table_new(struct proc *p);
/* fork: child c gets a copy of p's table (the same open files, each one
 * more referenced, and close-on-exec flags): 0 or -ENOMEM. */
int fd_table_copy(struct proc *c, struct proc *p);
/* clone(CLONE_FILES): child c uses p's table itself (its own empty one
 * given back). */
void fd_table_share(struct proc *c, struct proc *p);
/* Give p a table of its own if its table is shared with another process
 * (unshare(CLONE_FILES), close_range's CLOSE_RANGE_UNSHARE, and exec, as
 * Linux's unshare_files): a copy, the old one left to the others. 0, or
 * -ENOMEM with nothing changed. */
int fd_unshare(struct proc *p);
/* Install f at the lowest free fd >= min (below RLIMIT_NOFILE): the fd
 * (the table takes f's reference), or -EMFILE / -ENOMEM. */
int fd_install(struct proc *p, struct file *f, int min, int cloexec);
/* Whether p has a descriptor free below RLIMIT_NOFILE: 0 or -EMFILE
 * (Linux's get_unused_fd before a call's other work, as mq_open's). */
int fd_room(struct proc *p);
/* fork: put f at fd (free in p) of a new table: fd, or -ENOMEM. */
int fd_install_at(struct proc *p, struct file *f, int fd, int cloexec);
/* exec: close every descriptor marked close-on-exec. */
void fd_close_cloexec(struct proc *p);
/* The file at fd (not referenced), or NULL. Inline: every call on a
 * descriptor starts here. */
static inline struct file *fd_get(struct proc *p, int fd)
{
    if (fd < 0 || (unsigned)fd >= p->fds->cap)
        return 0;
    return p->fds->files[fd];
}
/* Close fd: 0 or -EBADF. */
int fd_close(struct proc *p, int fd);
/* dup2/dup3 semantics: make newfd refer to fd's file. newfd or -errno. */
int fd_dup_to(struct proc *p, int fd, int newfd, int cloexec);
int fd_get_cloexec(struct proc *p, int fd);
void fd_set_cloexec(struct proc *p, int fd, int on);
/* close_range(2)'s work: close every open descriptor in [first, last]
 * (last may be ~0U), or with cloexec mark them close-on-exec instead. The
 * cost is bounded by the highest open descriptor, not by the range. */
void fd_close_range(struct proc *p, unsigned first, unsigned last, int cloexec);
/* Leave the table (exit): when p was its last user, every descriptor is
 * closed and the table freed; p is left an empty table that nothing can
 * be installed in. */
void fd_close_all(struct proc *p);
/* Descriptors open in p. */
unsigned fd_count(struct proc *p);

/* Bytes of argument and environment strings, NULs included, that one
 * exec takes in all: execve copies no more from the program, and the
 * loader refuses more with -E2BIG. */
#define EXEC_ARGS_MAX (256 * 1024)

/* exec.c: load the program at path into a new address space of p (which
 * must have none yet) with these arguments and environment (kernel strings,
 * NULL-terminated arrays). 0 with *entry and *sp for proc_start, or
 * -ENOEXEC (with a one-line reason printed), -ENOENT, -EACCES, -ENOMEM. */
int proc_exec(struct proc *p, const char *path, char *const argv[], char *const envp[],
              uint64_t *entry, uint64_t *sp);
/* proc_execve's flags (execveat's AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH). */
#define EXEC_NOFOLLOW 1 /* a symlink as the last component is -ELOOP */
#define EXEC_FD       2 /* run base itself (an open file); path only names it */
/* execve: replace the calling process's image by the program at path
 * (relative to base; "#!" scripts run their interpreter, at most 4 deep,
 * else -ELOOP). On success the close-on-exec descriptors are closed, TLS
 * and FPU state reset, a vfork parent released, done(arg) called and the
 * new program entered: it does not return. Errors leave the process as it
 * was: -ENOENT, -ENOTDIR, -ENAMETOOLONG, -ELOOP, -EACCES, -ENOEXEC, -E2BIG,
 * -ENOMEM. A script run through EXEC_FD is -ENOENT: its interpreter would
 * need a path to read it by (Linux's /dev/fd/N), and there is none. */
int proc_execve(struct vnode *base, const char *path, int flags, char *const argv[],
                char *const envp[], void (*done)(void *), void *arg);

/* rusage.c: resource usage (getrusage(2), and wait4/waitid's rusage).
 * getrusage(who) of the calling process written to the struct rusage at
 * uru: 0, -EINVAL for an unknown who, -EFAULT. */
int proc_getrusage(int who, uint64_t uru);
/* What waiting for zombie c reports at uru (Linux's RUSAGE_BOTH: c's own
 * CPU time and peak plus those of the children it waited for): 0 or
 * -EFAULT. Read before proc_reap frees c. */
int proc_rusage_child(const struct proc *c, uint64_t uru);
/* Its parent p reaps c by waiting: c's peak joins p->child_maxrss (as
 * proc_reap adds c's CPU time to p->child_ns). */
void proc_rusage_reap(struct proc *p, const struct proc *c);
/* Keep p's resident set now in p->maxrss if larger: at each getrusage.
 * Not at exit: counting the resident pages walks the page tables, which
 * would add about 10,000 instructions (a tenth) to every fork+exit+wait;
 * so a child's figure is the largest sampled while it ran. */
void proc_rusage_sample(struct proc *p);

/* pidfd.c: process file descriptors (pidfd_open). pidfd_create: a file
 * (anon_file, opened O_RDWR | flags) naming p, polled readable once p
 * has exited: 0 and *out, or -ENOMEM. pidfd_target: the process f names
 * in *out (NULL once it has been reaped), or -EBADF when f is no pidfd.
 * pidfd_fdinfo_pid: 1 and the pid for fdinfo's "Pid:" line in *pid (-1
 * once reaped) when f is a pidfd, else 0. pidfd_exited: p has just become
 * a zombie (proc_end): pollers of pidfds are told. */
int pidfd_create(const struct proc *p, uint32_t flags, struct file **out);
int pidfd_target(struct file *f, struct proc **out);
int pidfd_fdinfo_pid(struct file *f, int *pid);
void pidfd_exited(const struct proc *p);

/* A call's flag word the kernel does not honour: -EINVAL, and the word
 * logged with the calling pid the first time it is seen (seen: the call
 * site's own memory of PROC_REFUSED_SEEN words, zeros at first; past that
 * the last slot is reused). */
#define PROC_REFUSED_SEEN 8
int proc_refuse_flags(uint64_t seen[PROC_REFUSED_SEEN], const char *call, uint64_t flags);

#endif
