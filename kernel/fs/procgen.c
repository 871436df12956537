/* The text of /proc's generated files (proc(5)), each made when read from
 * the kernel's own figures and the process table. */
#include <stdint.h>
#include "stdio.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/procgen.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/seccomp.h"
#include "kernel/sched/sched.h"

/* --- the global files ----------------------------------------------------------- */

/* Linux's field names; Cached and Shmem are the page cache's own pages
 * (tmpfs data is shmem to Linux; initrd bytes read in place are not
 * counted), Slab is the kernel heap's pages, KernelStack the threads'
 * stacks, PageTables the page-table pages of every space. */
int gen_meminfo(int pid, char *buf, size_t n)
{
    struct pmem_stats st;
    struct kmalloc_stats ks;
    (void)pid;
    pmem_stats(&st);
    kmalloc_stats(&ks);
    unsigned long long total = st.total_pages * PAGE_KIB, fr = st.free_pages * PAGE_KIB;
    unsigned long long cached = pc_pages() * PAGE_KIB;
    return snprintf(buf, n,
                    "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
                    "MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
                    "Cached:         %8llu kB\nSwapCached:            0 kB\n"
                    "Shmem:          %8llu kB\nSwapTotal:             0 kB\n"
                    "SwapFree:              0 kB\nSlab:           %8llu kB\n"
                    "KernelStack:    %8llu kB\nPageTables:     %8llu kB\n",
                    total, fr, fr, cached, cached, (unsigned long long)ks.pages_held * PAGE_KIB,
                    (unsigned long long)thread_count() * (THREAD_STACK_SIZE / 1024),
                    (unsigned long long)st.table_pages * PAGE_KIB);
}

int gen_uptime(int pid, char *buf, size_t n)
{
    (void)pid;
    uint64_t cs = clock_ns() / 10000000; /* hundredths of a second */
    return snprintf(buf, n, "%llu.%02llu 0.00\n", (unsigned long long)(cs / 100),
                    (unsigned long long)(cs % 100));
}

int gen_cpuinfo(int pid, char *buf, size_t n)
{
    char vendor[16], model[64];
    (void)pid;
    arch_cpu_names(vendor, model);
    uint64_t khz = arch_cycles_hz() / 1000;
    return snprintf(buf, n,
                    "processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\n"
                    "cpu MHz\t\t: %llu.%03llu\ncpu cores\t: 1\n\n",
                    vendor, model, (unsigned long long)(khz / 1000),
                    (unsigned long long)(khz % 1000));
}

int gen_version(int pid, char *buf, size_t n)
{
    (void)pid;
    return snprintf(buf, n, "Linux version 6.1.0-uniplex (Uniplex 0.1 library OS)\n");
}

int gen_loadavg(int pid, char *buf, size_t n)
{
    int len = 0;
    unsigned long avg[3];
    (void)pid;
    sched_loadavg(avg);
    for (int i = 0; i < 3; i++)
        len += snprintf(buf + len, n - (size_t)len, "%lu.%02lu ", avg[i] >> LOADAVG_FSHIFT,
                        ((avg[i] & (LOADAVG_FIXED_1 - 1)) * 100) >> LOADAVG_FSHIFT);
    return len + snprintf(buf + len, n - (size_t)len, "%u/%u %d\n", sched_nr_running(),
                          thread_count(), proc_last_pid());
}

#define TICKS(ns) ((unsigned long long)((ns) / 10000000)) /* USER_HZ 100 */
/* stat's priority field: 20 + nice for a SCHED_OTHER thread (Linux's prio - 100). */
#define STAT_PRIO 20

/* /proc/stat: CPU time of program threads as "user", of the kernel's own
 * threads as "system", and idle; one CPU. */
int gen_stat_all(int pid, char *buf, size_t n)
{
    uint64_t prog, kern, idle;
    (void)pid;
    sched_cpu_ns(&prog, &kern, &idle);
    unsigned long long boot = (clock_realtime_ns() - clock_ns()) / 1000000000ull;
    return snprintf(buf, n,
                    "cpu  %llu 0 %llu %llu 0 0 0 0 0 0\ncpu0 %llu 0 %llu %llu 0 0 0 0 0 0\n"
                    "btime %llu\nprocesses %llu\nprocs_running %u\nprocs_blocked 0\n",
                    TICKS(prog), TICKS(kern), TICKS(idle), TICKS(prog), TICKS(kern), TICKS(idle),
                    boot, (unsigned long long)proc_forks(), sched_nr_running());
}

/* --- per process ------------------------------------------------------------------ */

/* The process's state is its main thread's, as on Linux: a main thread
 * that has exited while others run shows as a zombie; a process whose
 * stop is complete (every LWP parked) is stopped, T. */
static char state_of(const struct proc *p)
{
    const struct lwp *l = p->lwps;
    while (l && l->tid != p->pid)
        l = l->next;
    if (p->state == P_ZOMBIE || !l || l->exited)
        return 'Z';
    if (p->stop_done)
        return 'T';
    return l->thread->state == T_BLOCKED ? 'S' : 'R';
}

static uint64_t rss_pages(const struct proc *p)
{
    return p->vm ? vmspace_resident(p->vm) : 0;
}

/* The nice value stat shows for p: its first LWP's (the main thread's,
 * unless it is gone), 0 when none is left. */
static int proc_nice(const struct proc *p)
{
    const struct lwp *l = p->lwps;
    for (const struct lwp *m = p->lwps; m; m = m->next)
        if (m->tid == p->pid)
            l = m;
    return l && l->thread ? sched_nice(l->thread) : 0;
}

/* proc(5) /proc/pid/stat: 52 fields. CPU time is split into utime and
 * stime as sampled (thread_sys_ns); faults are not counted. */
int gen_stat(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return 0;
    return snprintf(
        buf, n,
        "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu %llu %llu %llu %d %d %u 0 %llu %llu %llu "
        "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
        p->pid, p->name, state_of(p), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
        TICKS(proc_runtime_ns(p) - proc_sys_ns(p)), TICKS(proc_sys_ns(p)),
        TICKS(p->child_ns - p->child_sys_ns), TICKS(p->child_sys_ns), STAT_PRIO + proc_nice(p),
        proc_nice(p), p->nlive, TICKS(p->start_ns),
        (unsigned long long)(p->vm ? vmspace_size(p->vm) : 0), (unsigned long long)rss_pages(p));
}

/* status's Uid: and Gid: lines: real, effective, saved, file-system. */
static int gen_ids(const struct cred *c, char *buf, size_t n)
{
    return snprintf(buf, n, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid[0], c->uid[1],
                    c->uid[2], c->fsuid, c->gid[0], c->gid[1], c->gid[2], c->fsgid);
}

/* status's signal lines: queued real-time signals against their limit,
 * the main thread's pending and blocked sets, the process's pending set,
 * and the signals ignored and caught (handled). */
static int gen_sigs(const struct proc *p, char *buf, size_t n)
{
    const struct lwp *l = p->lwps;
    while (l && l->tid != p->pid)
        l = l->next;
    uint64_t ign = 0, cgt = 0;
    for (int sig = 1; sig <= NSIG; sig++) {
        uint64_t h = p->sigact[sig - 1].handler;
        ign |= h == SIG_IGN ? SIGBIT(sig) : 0;
        cgt |= h != SIG_IGN && h != SIG_DFL ? SIGBIT(sig) : 0;
    }
    return snprintf(
        buf, n,
        "SigQ:\t%llu/%llu\nSigPnd:\t%016llx\nShdPnd:\t%016llx\nSigBlk:\t%016llx\n"
        "SigIgn:\t%016llx\nSigCgt:\t%016llx\n",
        (unsigned long long)p->nqueued, (unsigned long long)p->rlim[RLIMIT_SIGPENDING].cur,
        (unsigned long long)(l ? l->pend.set : 0), (unsigned long long)p->pend.set,
        (unsigned long long)(l ? l->sigmask : 0), (unsigned long long)ign, (unsigned long long)cgt);
}

/* status's capability lines (the bounding set is always full; no ambient). */
static int gen_caps(const struct cred *c, char *buf, size_t n)
{
    return snprintf(buf, n,
                    "CapInh:\t%016llx\nCapPrm:\t%016llx\nCapEff:\t%016llx\n"
                    "CapBnd:\t%016llx\nCapAmb:\t%016llx\n",
                    (unsigned long long)c->cap_inh, (unsigned long long)c->cap_prm,
                    (unsigned long long)c->cap_eff, (unsigned long long)CAP_FULL_SET, 0ull);
}

/* proc(5)'s NoNewPrivs, Seccomp and Seccomp_filters of thread l (none:
 * a zombie's, all 0). */
static int gen_seccomp(const struct lwp *l, char *buf, size_t n)
{
    return snprintf(buf, n, "NoNewPrivs:\t%d\nSeccomp:\t%d\nSeccomp_filters:\t%u\n",
                    l ? l->no_new_privs : 0, l ? seccomp_mode(l) : 0, l ? seccomp_nfilters(l) : 0);
}

int gen_status(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return 0;
    char st = state_of(p);
    int k = snprintf(buf, n, "Name:\t%s\nState:\t%c (%s)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
                     p->name, st,
                     st == 'Z'   ? "zombie"
                     : st == 'S' ? "sleeping"
                     : st == 'T' ? "stopped"
                                 : "running",
                     p->pid, p->pid, p->parent ? p->parent->pid : 0);
    k += gen_ids(&p->cred, buf + k, n - (size_t)k);
    k += snprintf(buf + k, n - (size_t)k,
                  "VmSize:\t%8llu kB\nVmLck:\t%8llu kB\nVmRSS:\t%8llu kB\nThreads:\t%u\n",
                  (unsigned long long)(p->vm ? vmspace_size(p->vm) / 1024 : 0),
                  (unsigned long long)(p->vm ? vmspace_locked(p->vm) / 1024 : 0),
                  (unsigned long long)(rss_pages(p) * 4), p->nlive);
    k += gen_sigs(p, buf + k, n - (size_t)k);
    k += gen_caps(&p->cred, buf + k, n - (size_t)k);
    const struct lwp *leader = 0; /* the thread-group leader's, as Linux */
    for (const struct lwp *l = p->lwps; l; l = l->next)
        if (!l->exited && (!leader || l->tid == pid))
            leader = l;
    return k + gen_seccomp(leader, buf + k, n - (size_t)k);
}

int gen_cmdline(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p || !p->cmdline)
        return 0;
    size_t k = p->cmdline_len < n ? p->cmdline_len : n;
    memcpy(buf, p->cmdline, k);
    return (int)k;
}

/* proc(5)'s statm: size resident shared text lib data dt, in pages (lib
 * and dt are 0 since Linux 2.6). */
int gen_statm(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    struct vm_statm st = {0};
    if (!p)
        return 0;
    if (p->vm)
        vmspace_statm(p->vm, &st);
    return snprintf(buf, n, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)st.size,
                    (unsigned long long)st.resident, (unsigned long long)st.shared,
                    (unsigned long long)st.text, (unsigned long long)st.data);
}

/* proc(5)'s fdinfo: the offset, the open flags in octal as Linux keeps
 * them (close-on-exec from the descriptor table; O_LARGEFILE on what was
 * opened by name, as open(2) forces it on x86-64 and pipe2, eventfd and
 * the like do not), the mount and the inode. */
int gen_fdinfo(int pid, int fd, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    struct file *f = p ? fd_get(p, fd) : 0;
    if (!f)
        return 0;
    uint32_t flags = f->flags | (fd_get_cloexec(p, fd) ? O_CLOEXEC : 0);
    if (f->vn->mnt || memfd_is(f->vn)) /* memfd_create sets it too */
        flags |= O_LARGEFILE;
    int k = snprintf(buf, n, "pos:\t%llu\nflags:\t0%o\nmnt_id:\t%u\nino:\t%llu\n",
                     (unsigned long long)f->off, flags, f->vn->mnt ? f->vn->mnt->id : 0u,
                     (unsigned long long)f->vn->ino);
    int target;
    if (pidfd_fdinfo_pid(f, &target) && k >= 0 && (size_t)k < n) /* one pid namespace */
        k += snprintf(buf + k, n - (size_t)k, "Pid:\t%d\nNSpid:\t%d\n", target, target);
    return k;
}

/* --- per thread: /proc/<pid>/task/<tid> ------------------------------------------ */

int gen_task_statm(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    return l ? gen_statm(l->proc->pid, buf, n) : 0;
}

/* proc(5)'s stat of one thread: its own name, state and CPU time. */
int gen_task_stat(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    if (!l)
        return 0;
    struct proc *p = l->proc;
    return snprintf(
        buf, n,
        "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu %llu 0 0 %d %d %u 0 %llu %llu %llu "
        "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
        tid, l->name, l->thread->state == T_BLOCKED ? 'S' : 'R', p->parent ? p->parent->pid : 0,
        p->pgid, p->sid, TICKS(thread_runtime_ns(l->thread) - thread_sys_ns(l->thread)),
        TICKS(thread_sys_ns(l->thread)), STAT_PRIO + sched_nice(l->thread), sched_nice(l->thread),
        p->nlive, TICKS(p->start_ns), (unsigned long long)(p->vm ? vmspace_size(p->vm) : 0),
        (unsigned long long)rss_pages(p));
}

int gen_task_status(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    if (!l)
        return 0;
    int blocked = l->thread->state == T_BLOCKED;
    const char *st = l->proc->stop_done ? "T (stopped)" : blocked ? "S (sleeping)" : "R (running)";
    int k = snprintf(buf, n, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n", l->name, st,
                     l->proc->pid, tid, l->proc->parent ? l->proc->parent->pid : 0);
    k += gen_ids(&l->proc->cred, buf + k, n - (size_t)k); /* short lines: GEN_MAX holds them */
    k += snprintf(buf + k, n - (size_t)k, "Threads:\t%u\n", l->proc->nlive);
    return k + gen_seccomp(l, buf + k, n - (size_t)k);
}

int gen_mounts(int pid, char *buf, size_t n)
{
    (void)pid;
    return vfs_mounts_show(buf, n, 0);
}

int gen_mountinfo(int pid, char *buf, size_t n)
{
    (void)pid;
    return vfs_mounts_show(buf, n, 1);
}

/* One line of /proc/<pid>/maps: its length, or n when it does not fit. */
static int maps_line(struct proc *p, const struct vm_region *r, char *buf, size_t n)
{
    struct vnode *vn = r->kind == VM_FILE ? pc_vnode(r->obj) : 0;
    char *path = vn ? kmalloc(PATH_MAX) : 0;
    const char *name = r->kind == VM_STACK ? "[stack]"
                       : r->start >= p->brk_start && r->end <= p->brk && r->kind == VM_ANON
                           ? "[heap]"
                           : "";
    if (path)
        name = vfs_name_of(vn, path, PATH_MAX) >= 0 ? path : "";
    uint64_t dev = vn ? vfs_dev(vn) : 0;
    int k = snprintf(buf, n, "%08llx-%08llx %c%c%c%c %08llx %02llx:%02llx %llu",
                     (unsigned long long)r->start, (unsigned long long)r->end,
                     (r->prot & VM_PROT_READ) ? 'r' : '-', (r->prot & VM_PROT_WRITE) ? 'w' : '-',
                     (r->prot & VM_PROT_EXEC) ? 'x' : '-', (r->flags & VM_SHARED) ? 's' : 'p',
                     (unsigned long long)(vn ? r->pgoff * PAGE_SIZE : 0),
                     (unsigned long long)(dev >> 8 & 0xfff), (unsigned long long)(dev & 0xff),
                     (unsigned long long)(vn ? vn->ino : 0));
    /* The name starts at column 73 (Linux's seq_pad), or a space after. */
    int pad = name[0] ? (k < 72 ? 73 - k : 1) : 0;
    if (k < (int)n)
        k += snprintf(buf + k, n - (size_t)k, "%*s%s\n", pad, "", name);
    kfree(path);
    return k < (int)n ? k : (int)n;
}

/* proc(5)'s maps: the regions of the address space, in address order,
 * with the file each maps (its path), [stack] and [heap]. Lines that do
 * not fit the buffer are left out. */
int gen_maps(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    int len = 0;
    if (!p || !p->vm)
        return 0;
    for (const struct vm_region *r = p->vm->map.head; r; r = r->next) {
        int k = maps_line(p, r, buf + len, n - (size_t)len);
        if ((size_t)k >= n - (size_t)len)
            break;
        len += k;
    }
    buf[len] = 0;
    return len;
}

/* proc(5)'s limits: each resource's soft and hard limit, as Linux lays
 * the table out (its rows are the RLIMIT_* numbers in order). */
int gen_limits(int pid, char *buf, size_t n)
{
    static const struct {
        const char *name, *unit;
    } rows[RLIM_NLIMITS] = {
        {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
        {"Max data size", "bytes"},      {"Max stack size", "bytes"},
        {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
        {"Max processes", "processes"},  {"Max open files", "files"},
        {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
        {"Max file locks", "locks"},     {"Max pending signals", "signals"},
        {"Max msgqueue size", "bytes"},  {"Max nice priority", ""},
        {"Max realtime priority", ""},   {"Max realtime timeout", "us"},
    };
    struct proc *p = proc_find(pid);
    if (!p)
        return 0;
    int len =
        snprintf(buf, n, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (unsigned i = 0; i < sizeof(rows) / sizeof(rows[0]) && (size_t)len < n; i++) {
        char v[2][24];
        for (int j = 0; j < 2; j++) {
            uint64_t x = j ? p->rlim[i].max : p->rlim[i].cur;
            if (x == RLIM_INFINITY)
                snprintf(v[j], sizeof(v[j]), "unlimited");
            else
                snprintf(v[j], sizeof(v[j]), "%llu", (unsigned long long)x);
        }
        len += snprintf(buf + len, n - (size_t)len, "%-25s %-20s %-20s %-10s\n", rows[i].name, v[0],
                        v[1], rows[i].unit);
    }
    return len;
}

int gen_filesystems(int pid, char *buf, size_t n)
{
    (void)pid;
    return vfs_types_show(buf, n);
}
