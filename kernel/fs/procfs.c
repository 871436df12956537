/* /proc (proc(5)), a file system of its own: nothing is stored. A node is
 * made when a path walk or readdir asks for it, from the tables below and
 * the process table, and kept in a cache while the process it shows lives
 * (or while something holds it); a file's text is generated when read. A
 * node remembers its process by pid and start time, so one whose process
 * is gone is told from a newer process with the same pid: its directory
 * looks empty and its files read as -ESRCH, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* Bytes of one generated file's text (a buffer size, not the page size). */
#define GEN_MAX 4096
/* A file's text, or a symlink's target: its length. id is the pid (the
 * tid for a thread's files; 0 for the global ones). */
typedef int gen_fn(int id, char *buf, size_t n);

/* --- the global files ----------------------------------------------------------- */

/* Linux's field names; Slab is the kernel heap's pages, KernelStack the
 * threads' stacks, PageTables the page-table pages of every space. */
static int gen_meminfo(int pid, char *buf, size_t n)
{
    struct pmem_stats st;
    struct kmalloc_stats ks;
    (void)pid;
    pmem_stats(&st);
    kmalloc_stats(&ks);
    unsigned long long total = st.total_pages * PAGE_KIB, fr = st.free_pages * PAGE_KIB;
    return snprintf(buf, n,
                    "MemTotal:       %8llu kB\nMemFree:        %8llu kB\n"
                    "MemAvailable:   %8llu kB\nBuffers:               0 kB\n"
                    "Cached:                0 kB\nSwapCached:            0 kB\n"
                    "Shmem:                 0 kB\nSwapTotal:             0 kB\n"
                    "SwapFree:              0 kB\nSlab:           %8llu kB\n"
                    "KernelStack:    %8llu kB\nPageTables:     %8llu kB\n",
                    total, fr, fr, (unsigned long long)ks.pages_held * PAGE_KIB,
                    (unsigned long long)thread_count() * (THREAD_STACK_SIZE / 1024),
                    (unsigned long long)st.table_pages * PAGE_KIB);
}

static int gen_uptime(int pid, char *buf, size_t n)
{
    (void)pid;
    uint64_t cs = clock_ns() / 10000000; /* hundredths of a second */
    return snprintf(buf, n, "%llu.%02llu 0.00\n", (unsigned long long)(cs / 100),
                    (unsigned long long)(cs % 100));
}

static int gen_cpuinfo(int pid, char *buf, size_t n)
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

static int gen_version(int pid, char *buf, size_t n)
{
    (void)pid;
    return snprintf(buf, n, "Linux version 6.1.0-uniplex (Uniplex 0.1 library OS)\n");
}

static int gen_loadavg(int pid, char *buf, size_t n)
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

/* /proc/stat: CPU time of program threads as "user", of the kernel's own
 * threads as "system", and idle; one CPU. */
static int gen_stat_all(int pid, char *buf, size_t n)
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
 * that has exited while others run shows as a zombie. */
static char state_of(const struct proc *p)
{
    const struct lwp *l = p->lwps;
    while (l && l->tid != p->pid)
        l = l->next;
    if (p->state == P_ZOMBIE || !l || l->exited)
        return 'Z';
    return l->thread->state == T_BLOCKED ? 'S' : 'R';
}

static uint64_t rss_pages(const struct proc *p)
{
    return p->vm ? vmspace_resident(p->vm) : 0;
}

/* proc(5) /proc/pid/stat: 52 fields. CPU time is counted per thread, not
 * split between program and kernel: it is all shown as utime; faults are
 * not counted. */
static int gen_stat(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return 0;
    return snprintf(buf, n,
                    "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu 0 %llu 0 20 0 %u 0 %llu %llu %llu "
                    "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
                    p->pid, p->name, state_of(p), p->parent ? p->parent->pid : 0, p->pgid, p->sid,
                    TICKS(proc_runtime_ns(p)), TICKS(p->child_ns), p->nlive, TICKS(p->start_ns),
                    (unsigned long long)(p->vm ? vmspace_size(p->vm) : 0),
                    (unsigned long long)rss_pages(p));
}

/* status's Uid: and Gid: lines: real, effective, saved, file-system. */
static int gen_ids(const struct cred *c, char *buf, size_t n)
{
    return snprintf(buf, n, "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n", c->uid[0], c->uid[1],
                    c->uid[2], c->fsuid, c->gid[0], c->gid[1], c->gid[2], c->fsgid);
}

static int gen_status(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return 0;
    char st = state_of(p);
    int k = snprintf(buf, n, "Name:\t%s\nState:\t%c (%s)\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
                     p->name, st,
                     st == 'Z'   ? "zombie"
                     : st == 'S' ? "sleeping"
                                 : "running",
                     p->pid, p->pid, p->parent ? p->parent->pid : 0);
    k += gen_ids(&p->cred, buf + k, n - (size_t)k);
    return k + snprintf(buf + k, n - (size_t)k,
                        "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\nThreads:\t%u\n",
                        (unsigned long long)(p->vm ? vmspace_size(p->vm) / 1024 : 0),
                        (unsigned long long)(rss_pages(p) * 4), p->nlive);
}

static int gen_cmdline(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    if (!p || !p->cmdline)
        return 0;
    size_t k = p->cmdline_len < n ? p->cmdline_len : n;
    memcpy(buf, p->cmdline, k);
    return (int)k;
}

/* --- per thread: /proc/<pid>/task/<tid> ------------------------------------------ */

static int gen_task_comm(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    return l ? snprintf(buf, n, "%s\n", l->name) : 0;
}

/* proc(5)'s stat of one thread: its own name, state and CPU time. */
static int gen_task_stat(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    if (!l)
        return 0;
    struct proc *p = l->proc;
    return snprintf(
        buf, n,
        "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %llu 0 0 0 20 0 %u 0 %llu %llu %llu "
        "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
        tid, l->name, l->thread->state == T_BLOCKED ? 'S' : 'R', p->parent ? p->parent->pid : 0,
        p->pgid, p->sid, TICKS(thread_runtime_ns(l->thread)), p->nlive, TICKS(p->start_ns),
        (unsigned long long)(p->vm ? vmspace_size(p->vm) : 0), (unsigned long long)rss_pages(p));
}

static int gen_task_status(int tid, char *buf, size_t n)
{
    struct lwp *l = lwp_find(tid);
    if (!l)
        return 0;
    int blocked = l->thread->state == T_BLOCKED;
    int k = snprintf(buf, n, "Name:\t%s\nState:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n", l->name,
                     blocked ? "S (sleeping)" : "R (running)", l->proc->pid, tid,
                     l->proc->parent ? l->proc->parent->pid : 0);
    k += gen_ids(&l->proc->cred, buf + k, n - (size_t)k); /* short lines: GEN_MAX holds them */
    return k + snprintf(buf + k, n - (size_t)k, "Threads:\t%u\n", l->proc->nlive);
}

static int gen_comm(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    return p ? snprintf(buf, n, "%s\n", p->name) : 0;
}

/* A symlink's target: in buf (n bytes, at least 16), or the process's own
 * string (valid until the caller blocks). */
typedef const char *link_fn(int id, char *buf, size_t n);

static const char *link_self(int id, char *buf, size_t n)
{
    struct proc *p = proc_current();
    (void)id;
    snprintf(buf, n, "%d", p ? p->pid : 0);
    return buf;
}

static const char *link_mounts(int id, char *buf, size_t n)
{
    (void)id, (void)buf, (void)n;
    return "self/mounts";
}

static const char *link_exe(int pid, char *buf, size_t n)
{
    struct proc *p = proc_find(pid);
    (void)buf, (void)n;
    return p && p->exe ? p->exe : "";
}

static int gen_mounts(int pid, char *buf, size_t n)
{
    (void)pid;
    return vfs_mounts_show(buf, n, 0);
}

static int gen_mountinfo(int pid, char *buf, size_t n)
{
    (void)pid;
    return vfs_mounts_show(buf, n, 1);
}

/* --- what each directory holds ----------------------------------------------- */

/* A directory's fixed entries: files (gen makes the text), symlinks (link
 * gives the target) and directories (sub: theirs; a NULL sub with a mode
 * of a directory is a "task" directory of threads). */
struct pentry {
    const char *name;
    uint32_t mode;
    gen_fn *gen;
    link_fn *link;
    const struct pentry *sub;
};

#define REG(name, gen)  {name, S_IFREG | 0444, gen, 0, 0}
#define LNK(name, link) {name, S_IFLNK | 0777, 0, link, 0}
static const struct pentry root_entries[] = {
    REG("meminfo", gen_meminfo), REG("uptime", gen_uptime), REG("cpuinfo", gen_cpuinfo),
    REG("version", gen_version), REG("loadavg", gen_loadavg), REG("stat", gen_stat_all),
    LNK("self", link_self),      LNK("mounts", link_mounts), {0, 0, 0, 0, 0},
};
static const struct pentry tid_entries[] = {
    REG("stat", gen_task_stat), REG("status", gen_task_status), REG("comm", gen_task_comm),
    {0, 0, 0, 0, 0},
};

static const struct pentry pid_entries[] = {
    REG("stat", gen_stat),
    REG("status", gen_status),
    REG("cmdline", gen_cmdline),
    REG("comm", gen_comm),
    LNK("exe", link_exe),
    REG("mounts", gen_mounts),
    REG("mountinfo", gen_mountinfo),
    {"task", S_IFDIR | 0555, 0, 0, 0},
    {0, 0, 0, 0, 0},
};
/* The directories made from the process table: /proc/<pid>, and
 * /proc/<pid>/task/<tid>. */
static const struct pentry pid_dir = {"", S_IFDIR | 0555, 0, 0, pid_entries};
static const struct pentry tid_dir = {"", S_IFDIR | 0555, 0, 0, tid_entries};
static const struct pentry root_dir = {"", S_IFDIR | 0555, 0, 0, root_entries};

/* --- nodes ---------------------------------------------------------------------- */

/* A node: what it shows (e) for which process (pid and its start time;
 * pid 0: the global files) or thread (tid), under which directory. The
 * cache holds it as a name holds a vnode (nlink 1). */
struct pnode {
    struct pnode *next; /* the cache */
    struct vnode *vn;
    struct vnode *dir; /* its directory (referenced: ".." and the cache key) */
    const struct pentry *e;
    int pid, tid;
    uint64_t start;
    char name[12]; /* a pid or tid directory's name */
};

static struct pnode *cache;

static int pnode_alive(const struct pnode *pn)
{
    if (pn->pid == 0)
        return 1;
    struct proc *p = proc_find(pn->pid);
    if (!p || p->start_ns != pn->start)
        return 0;
    if (!pn->tid)
        return 1;
    struct lwp *l = lwp_find(pn->tid);
    return l && l->proc == p && !l->exited;
}

static const struct pnode *pnode_of(const struct vnode *vn)
{
    return vn->fsdata;
}

static void procfs_release(struct vnode *vn)
{
    struct pnode *pn = vn->fsdata;
    if (!pn)
        return; /* the root */
    if (pn->dir)
        vn_unref(pn->dir);
    kfree(pn);
}

/* Take pn out of the cache: freed now, or with its last reference. */
static void pnode_evict(struct pnode **pp)
{
    struct pnode *pn = *pp;
    *pp = pn->next;
    vn_link_lose(0, pn->vn);
}

/* Evict the unreferenced nodes of mount m (all, or those whose process is
 * gone). A node holds its directory, so the list (newest first) is gone
 * through until nothing more goes. */
static void cache_prune(struct mount *m, int all)
{
    int again = 1;
    while (again) {
        again = 0;
        for (struct pnode **pp = &cache; *pp;) {
            struct pnode *pn = *pp;
            if (pn->vn->mnt == m && pn->vn->refs == 0 && (all || !pnode_alive(pn))) {
                pnode_evict(pp);
                again = 1;
            } else {
                pp = &pn->next;
            }
        }
    }
}

static const struct inode_ops procfs_iops;
static const struct vnode_ops gen_ops;

/* The node for (dir, e, pid, tid): from the cache, or made. NULL on OOM. */
static struct vnode *pnode_get(struct vnode *dir, const struct pentry *e, int pid, int tid,
                               uint64_t start, const char *name)
{
    for (struct pnode *pn = cache; pn; pn = pn->next)
        if (pn->dir == dir && pn->e == e && pn->pid == pid && pn->tid == tid && pn->start == start)
            return pn->vn;
    struct pnode *pn = kzalloc(sizeof(*pn));
    struct vnode *vn = pn ? vn_alloc_on(dir->mnt, e->mode) : 0;
    if (!vn) {
        kfree(pn);
        return 0;
    }
    *pn = (struct pnode){cache, vn, dir, e, pid, tid, start, {0}};
    snprintf(pn->name, sizeof(pn->name), "%s", name);
    vn_ref(dir);
    vn->iops = &procfs_iops;
    vn->fsdata = pn;
    vn->ops = S_ISREG(e->mode) ? &gen_ops : 0;
    vn->parent = S_ISDIR(e->mode) ? dir : 0;
    vn->nlink = 1;
    vn_unref(vn); /* the cache's name keeps it */
    struct proc *p = pid ? proc_find(pid) : 0;
    if (p && S_ISDIR(e->mode)) {
        vn->uid = p->cred.uid[1]; /* a process's directories: its effective ids */
        vn->gid = p->cred.gid[1];
    }
    cache = pn;
    return vn;
}

/* --- lookup and readdir -------------------------------------------------------- */

/* A decimal id (no sign, no leading zero): it, or -1. */
static int parse_id(const char *name, size_t len)
{
    int id = 0;
    if (len == 0 || len > 9 || name[0] == '0')
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        id = id * 10 + (name[i] - '0');
    }
    return id;
}

/* What dir (a node's directory, or the root) lists: its fixed entries, or
 * NULL for a task directory. */
static const struct pentry *dir_table(const struct vnode *dir)
{
    const struct pnode *pn = pnode_of(dir);
    return pn ? pn->e->sub : root_entries;
}

static int procfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    const struct pnode *pn = pnode_of(dir);
    if (pn && !pnode_alive(pn))
        return -ENOENT;
    if (!pn)
        cache_prune(dir->mnt, 0);
    const struct pentry *t = dir_table(dir);
    int pid = pn ? pn->pid : 0, tid = pn ? pn->tid : 0, id = parse_id(name, len);
    for (; t && t->name; t++)
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
            return (*out = pnode_get(dir, t, pid, tid, pn ? pn->start : 0, "")) ? 0 : -ENOMEM;
    struct proc *p = 0;
    struct lwp *l = 0;
    char buf[12];
    snprintf(buf, sizeof(buf), "%d", id);
    if (!pn && id > 0 && (p = proc_find(id)))
        *out = pnode_get(dir, &pid_dir, id, 0, p->start_ns, buf);
    else if (pn && !t && id > 0 && (l = lwp_find(id)) && l->proc->pid == pid && !l->exited)
        *out = pnode_get(dir, &tid_dir, pid, id, pn->start, buf);
    else
        return -ENOENT;
    return *out ? 0 : -ENOMEM;
}

/* The index-th process (table order) / LWP of p: its id, or 0. */
static int nth_pid(uint64_t index)
{
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && index-- == 0)
            return p->pid;
    }
    return 0;
}

static int nth_tid(int pid, uint64_t index)
{
    struct proc *p = proc_find(pid);
    for (struct lwp *l = p ? p->lwps : 0; l; l = l->next)
        if (!l->exited && index-- == 0)
            return l->tid;
    return 0;
}

static int procfs_readdir(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                          struct vnode **vn)
{
    const struct pnode *pn = pnode_of(dir);
    if (pn && !pnode_alive(pn))
        return 0;
    const struct pentry *t = dir_table(dir);
    uint64_t fixed = 0;
    while (t && t[fixed].name)
        fixed++;
    char buf[12];
    if (index < fixed) {
        snprintf(buf, sizeof(buf), "%s", t[index].name);
    } else {
        int id = !pn ? nth_pid(index - fixed) : !t ? nth_tid(pn->pid, index) : 0;
        if (!id)
            return 0;
        snprintf(buf, sizeof(buf), "%d", id);
    }
    *len = strlen(buf);
    if (procfs_lookup(dir, buf, *len, vn))
        return 0;
    *name = index < fixed ? t[index].name : pnode_of(*vn)->name;
    return 1;
}

static const char *procfs_readlink(const struct vnode *vn, char *buf, size_t n)
{
    const struct pnode *pn = pnode_of(vn);
    if (!pn || !pnode_alive(pn) || !pn->e->link)
        return "";
    return pn->e->link(pn->tid ? pn->tid : pn->pid, buf, n);
}

static const struct inode_ops procfs_iops = {
    .lookup = procfs_lookup,
    .readdir = procfs_readdir,
    .readlink = procfs_readlink,
    .release = procfs_release,
};

/* --- reading ---------------------------------------------------------------------- */

static long gen_read(struct file *f, void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    if (!pnode_alive(pn))
        return -ESRCH;
    char *buf = kmalloc(GEN_MAX);
    if (!buf)
        return -ENOMEM;
    int len = pn->e->gen(pn->tid ? pn->tid : pn->pid, buf, GEN_MAX);
    if (len > GEN_MAX - 1)
        len = GEN_MAX - 1;
    long r = 0;
    if (f->off < (uint64_t)len) {
        size_t k = (size_t)len - f->off < n ? (size_t)len - f->off : n;
        r = copy_to_user(ubuf, buf + f->off, k) ? -EFAULT : (long)k;
        if (r > 0)
            f->off += (uint64_t)r;
    }
    kfree(buf);
    return r;
}

static const struct vnode_ops gen_ops = {.read = gen_read, .seekable = VN_SEEK_OFFSET};

/* --- the file-system type ------------------------------------------------------------ */

static int procfs_mount(struct mount *m, const char *opts)
{
    if (opts && *opts)
        return -EINVAL; /* Linux's hidepid= and gid= are not taken */
    struct vnode *root = vn_alloc_on(m, root_dir.mode);
    if (!root)
        return -ENOMEM;
    root->iops = &procfs_iops;
    root->nlink = 1;
    root->parent = root;
    m->root = root;
    return 0;
}

static void procfs_reclaim(struct mount *m)
{
    cache_prune(m, 1);
}

static void procfs_unmount(struct mount *m)
{
    cache_prune(m, 1);
    m->root->nlink = 0;
    vn_unref(m->root);
}

/* No blocks, no file counts (Linux's simple_statfs). */
static void procfs_statfs(struct mount *m, struct kstatfs *st)
{
    (void)m;
    st->f_type = PROC_SUPER_MAGIC;
}

static struct fs_type procfs_type = {
    .name = "proc",
    .mount = procfs_mount,
    .unmount = procfs_unmount,
    .statfs = procfs_statfs,
    .reclaim = procfs_reclaim,
};

void procfs_init(void)
{
    fs_type_register(&procfs_type);
}
