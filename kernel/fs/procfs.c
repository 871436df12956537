/* /proc (proc(5)), a file system of its own: nothing is stored. A node is
 * made when a path walk or readdir asks for it, from the tables below and
 * the process table, and kept in a cache while the process it shows lives
 * (or while something holds it); a file's text is generated when read
 * (procgen.c). A node remembers its process by pid and start time, so one
 * whose process is gone is told from a newer process with the same pid:
 * its directory looks empty and its files read as -ESRCH, as on Linux. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/procgen.h"
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/coredump.h"
#include "kernel/proc/proc.h"

#define PROC_SUPER_MAGIC 0x9fa0

/* A node: what it shows (e) for which process (pid and its start time;
 * pid 0: the global files), thread (tid) or descriptor (fd), under which
 * directory. The cache holds it as a name holds a vnode (nlink 1). */
struct pnode {
    struct pnode *next; /* the cache */
    struct vnode *vn;
    struct vnode *dir; /* its directory (referenced: ".." and the cache key) */
    const struct pentry *e;
    int pid, tid, fd;
    uint64_t start;
    char name[12]; /* a numbered entry's name */
};

/* A symlink's target: in buf (n bytes, at least 16), or a string of the
 * kernel's (valid until the caller blocks). */
typedef const char *link_fn(const struct pnode *pn, char *buf, size_t n);
/* A link that leads to a vnode rather than a path (Linux's magic links:
 * cwd, root, fd/N): 0 and *out, or -ENOENT. */
typedef int follow_fn(const struct pnode *pn, struct vnode **out);

/* A directory's numbered entries (pids, tids, descriptors): the index-th
 * one's number (0 past the end), whether n is one, and what each is. */
struct plist {
    int (*nth)(const struct pnode *dir, uint64_t index);
    int (*has)(const struct pnode *dir, int n);
    const struct pentry *child;
};

/* An entry: a file (gen makes its text; or fops reads it its own way), a
 * symlink (link gives its target; follow, if set, where it leads), or a
 * directory (its fixed entries sub, then its numbered ones list). */
struct pentry {
    const char *name;
    uint32_t mode;
    gen_fn *gen;
    link_fn *link;
    follow_fn *follow;
    const struct pentry *sub;
    const struct plist *list;
    const struct file_ops *fops;
};

/* --- the process a node shows ------------------------------------------------- */

static struct proc *pnode_proc(const struct pnode *pn)
{
    struct proc *p = pn->pid ? proc_find(pn->pid) : 0;
    return p && p->start_ns == pn->start ? p : 0;
}

static int pnode_alive(const struct pnode *pn)
{
    if (pn->pid == 0)
        return 1;
    struct proc *p = pnode_proc(pn);
    if (!p)
        return 0;
    if (pn->fd && !fd_get(p, pn->fd - 1))
        return 0;
    if (!pn->tid)
        return 1;
    struct lwp *l = lwp_find(pn->tid);
    return l && l->proc == p && !l->exited;
}

/* --- symlinks ------------------------------------------------------------------- */

static const char *link_self(const struct pnode *pn, char *buf, size_t n)
{
    struct proc *p = proc_current();
    (void)pn;
    snprintf(buf, n, "%d", p ? p->pid : 0);
    return buf;
}

static const char *link_mounts(const struct pnode *pn, char *buf, size_t n)
{
    (void)pn, (void)buf, (void)n;
    return "self/mounts";
}

static const char *link_exe(const struct pnode *pn, char *buf, size_t n)
{
    struct proc *p = pnode_proc(pn);
    (void)buf, (void)n;
    return p && p->exe ? p->exe : "";
}

static int follow_cwd(const struct pnode *pn, struct vnode **out)
{
    struct proc *p = pnode_proc(pn);
    *out = p ? p->cwd : 0;
    return *out ? 0 : -ENOENT;
}

static int follow_root(const struct pnode *pn, struct vnode **out)
{
    struct proc *p = pnode_proc(pn);
    *out = p ? (p->root ? p->root : vfs_root()) : 0;
    return *out ? 0 : -ENOENT;
}

static int follow_fd(const struct pnode *pn, struct vnode **out)
{
    struct proc *p = pnode_proc(pn);
    struct file *f = p ? fd_get(p, pn->fd - 1) : 0;
    *out = f ? f->vn : 0;
    return *out ? 0 : -ENOENT;
}

/* Where a magic link leads, as Linux prints it: a path, or the kind of
 * object and its inode for what has no name (a pipe). */
static const char *link_target(const struct pnode *pn, char *buf, size_t n)
{
    struct vnode *vn;
    if (pn->e->follow(pn, &vn))
        return "";
    if (vfs_name_of(vn, buf, n) >= 0) /* a memfd has a name on no mount */
        return buf;
    const char *kind = S_ISFIFO(vn->mode)                ? "pipe"
                       : (vn->mode & S_IFMT) == S_IFSOCK ? "socket"
                                                         : "anon_inode";
    snprintf(buf, n, "%s:[%llu]", kind, (unsigned long long)vn->ino);
    return buf;
}

/* --- what each directory holds ----------------------------------------------- */

static int nth_pid(const struct pnode *dir, uint64_t index)
{
    (void)dir;
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && index-- == 0)
            return p->pid;
    }
    return 0;
}

static int has_pid(const struct pnode *dir, int pid)
{
    (void)dir;
    return proc_find(pid) != 0;
}

static int nth_tid(const struct pnode *dir, uint64_t index)
{
    struct proc *p = pnode_proc(dir);
    for (struct lwp *l = p ? p->lwps : 0; l; l = l->next)
        if (!l->exited && index-- == 0)
            return l->tid;
    return 0;
}

static int has_tid(const struct pnode *dir, int tid)
{
    struct lwp *l = lwp_find(tid);
    return l && l->proc == pnode_proc(dir) && !l->exited;
}

/* Descriptors are numbered from 0; a node keeps fd + 1 (0: none). */
static int nth_fd(const struct pnode *dir, uint64_t index)
{
    struct proc *p = pnode_proc(dir);
    for (unsigned fd = 0; p && fd < p->fds->cap; fd++)
        if (fd_get(p, (int)fd) && index-- == 0)
            return (int)fd + 1;
    return 0;
}

static int has_fd(const struct pnode *dir, int fd1)
{
    struct proc *p = pnode_proc(dir);
    return p && fd_get(p, fd1 - 1) != 0;
}

#define REG(name, gen)                                                                             \
    {                                                                                              \
        name, S_IFREG | 0444, gen, 0, 0, 0, 0, 0                                                   \
    }
#define OWN(name, mode, fops)                                                                      \
    {                                                                                              \
        name, S_IFREG | (mode), 0, 0, 0, 0, 0, fops                                                \
    }
/* A file root may write (a sysctl: kernel/proc/corepattern.c's). */
#define RW(name, fops) OWN(name, 0644, fops)
#define LNK(name, link, follow)                                                                    \
    {                                                                                              \
        name, S_IFLNK | 0777, 0, link, follow, 0, 0, 0                                             \
    }
#define DIR(name, sub, list)                                                                       \
    {                                                                                              \
        name, S_IFDIR | 0555, 0, 0, 0, sub, list, 0                                                \
    }
#define END                                                                                        \
    {                                                                                              \
        0, 0, 0, 0, 0, 0, 0, 0                                                                     \
    }

static const struct file_ops environ_ops, fdinfo_ops, comm_ops;
static const struct pentry fd_link = LNK("", link_target, follow_fd);
static const struct plist fds = {nth_fd, has_fd, &fd_link};
static const struct pentry fdinfo_file = OWN("", 0444, &fdinfo_ops);
static const struct plist fdinfos = {nth_fd, has_fd, &fdinfo_file};
static const struct pentry tid_entries[] = {
    REG("stat", gen_task_stat),         REG("status", gen_task_status),
    OWN("comm", 0644, &comm_ops),       REG("statm", gen_task_statm),
    OWN("environ", 0400, &environ_ops), DIR("fd", 0, &fds),
    DIR("fdinfo", 0, &fdinfos),         END,
};
static const struct pentry tid_dir = DIR("", tid_entries, 0);
static const struct plist tids = {nth_tid, has_tid, &tid_dir};
static const struct pentry pid_entries[] = {
    REG("stat", gen_stat),
    REG("status", gen_status),
    REG("statm", gen_statm),
    REG("cmdline", gen_cmdline),
    OWN("environ", 0400, &environ_ops),
    OWN("comm", 0644, &comm_ops),
    LNK("exe", link_exe, 0),
    LNK("cwd", link_target, follow_cwd),
    LNK("root", link_target, follow_root),
    REG("mounts", gen_mounts),
    REG("mountinfo", gen_mountinfo),
    REG("maps", gen_maps),
    REG("limits", gen_limits),
    DIR("task", 0, &tids),
    DIR("fd", 0, &fds),
    DIR("fdinfo", 0, &fdinfos),
    END,
};
static const struct pentry pid_dir = DIR("", pid_entries, 0);
static const struct plist pids = {nth_pid, has_pid, &pid_dir};
/* /proc/sys: Linux's sysctls that programs read (all read-only here). */
static const struct pentry sys_random_entries[] = {
    REG("boot_id", gen_sys_boot_id),
    REG("uuid", gen_sys_uuid),
    END,
};
static const struct pentry sys_kernel_entries[] = {
    REG("ostype", gen_sys_ostype),
    REG("osrelease", gen_sys_osrelease),
    REG("version", gen_sys_version),
    RW("hostname", &sysctl_hostname_ops),
    RW("domainname", &sysctl_domainname_ops),
    REG("pid_max", gen_sys_pid_max),
    REG("ngroups_max", gen_sys_ngroups_max),
    REG("threads-max", gen_sys_threads_max),
    RW("core_pattern", &core_pattern_ops),
    RW("core_uses_pid", &core_uses_pid_ops),
    DIR("random", sys_random_entries, 0),
    REG("shmmax", gen_sys_shmmax),
    REG("shmall", gen_sys_shmall),
    REG("shmmni", gen_sys_shmmni),
    REG("sem", gen_sys_sem),
    REG("msgmax", gen_sys_msgmax),
    REG("msgmnb", gen_sys_msgmnb),
    REG("msgmni", gen_sys_msgmni),
    REG("tainted", gen_sys_tainted),
    END,
};
static const struct pentry sys_fs_mqueue_entries[] = {
    REG("msg_max", gen_sys_mq_msg_max),
    REG("msgsize_max", gen_sys_mq_msgsize_max),
    REG("queues_max", gen_sys_mq_queues_max),
    REG("msg_default", gen_sys_mq_msg_default),
    REG("msgsize_default", gen_sys_mq_msgsize_default),
    END,
};
static const struct pentry sys_fs_entries[] = {
    REG("aio-max-nr", gen_sys_aio_max_nr),
    REG("aio-nr", gen_sys_aio_nr),
    REG("file-max", gen_sys_file_max),
    REG("nr_open", gen_sys_nr_open),
    REG("pipe-max-size", gen_sys_pipe_max_size),
    REG("pipe-user-pages-soft", gen_sys_pipe_user_pages),
    DIR("mqueue", sys_fs_mqueue_entries, 0),
    END,
};
static const struct pentry sys_vm_entries[] = {
    REG("overcommit_memory", gen_sys_overcommit_memory),
    REG("max_map_count", gen_sys_max_map_count),
    END,
};
static const struct pentry sys_entries[] = {
    DIR("kernel", sys_kernel_entries, 0),
    DIR("fs", sys_fs_entries, 0),
    DIR("vm", sys_vm_entries, 0),
    END,
};
static const struct pentry net_entries[] = {
    REG("dev", gen_net_dev),  REG("tcp", gen_net_tcp),  REG("udp", gen_net_udp),
    REG("tcp6", gen_net_ip6), REG("udp6", gen_net_ip6), END,
};
static const struct pentry sysvipc_entries[] = {
    REG("shm", gen_sysvipc_shm),
    REG("sem", gen_sysvipc_sem),
    REG("msg", gen_sysvipc_msg),
    END,
};
static const struct pentry root_entries[] = {
    REG("meminfo", gen_meminfo),
    REG("uptime", gen_uptime),
    REG("cpuinfo", gen_cpuinfo),
    REG("version", gen_version),
    REG("loadavg", gen_loadavg),
    REG("stat", gen_stat_all),
    REG("filesystems", gen_filesystems),
    LNK("self", link_self, 0),
    LNK("mounts", link_mounts, 0),
    DIR("sys", sys_entries, 0),
    DIR("net", net_entries, 0),
    DIR("sysvipc", sysvipc_entries, 0),
    END,
};
static const struct pentry root_dir = DIR("", root_entries, &pids);

/* --- nodes ---------------------------------------------------------------------- */

static struct pnode *cache;

static const struct pnode *pnode_of(const struct vnode *vn)
{
    return vn->fsdata;
}

static void procfs_release(struct vnode *vn)
{
    struct pnode *pn = vn->fsdata;
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

static const struct vnode_ops procfs_vops;
static const struct file_ops gen_ops;

/* A new node like key (its directory, entry and ids): vn_unref'd, held
 * by the cache alone. NULL on OOM. */
static struct vnode *pnode_make(const struct pnode *key)
{
    struct pnode *pn = kmalloc(sizeof(*pn));
    struct vnode *vn = pn ? vn_alloc_on(key->dir->mnt, key->e->mode) : 0;
    if (!vn) {
        kfree(pn);
        return 0;
    }
    *pn = *key;
    pn->vn = vn;
    pn->next = cache;
    vn_ref(pn->dir);
    vn->vops = &procfs_vops;
    vn->fsdata = pn;
    vn->fops = key->e->fops ? key->e->fops : S_ISREG(key->e->mode) ? &gen_ops : 0;
    vn->parent = S_ISDIR(key->e->mode) ? key->dir : 0;
    vn->nlink = 1;
    vn_unref(vn); /* the cache's name keeps it */
    struct proc *p = pnode_proc(pn);
    if (p) { /* a process's nodes: its effective ids, as Linux */
        vn->uid = p->cred.uid[1];
        vn->gid = p->cred.gid[1];
    }
    cache = pn;
    return vn;
}

/* The node for key: from the cache, or made. NULL on OOM. */
static struct vnode *pnode_get(const struct pnode *key)
{
    for (struct pnode *pn = cache; pn; pn = pn->next)
        if (pn->dir == key->dir && pn->e == key->e && pn->pid == key->pid && pn->tid == key->tid &&
            pn->fd == key->fd && pn->start == key->start)
            return pn->vn;
    return pnode_make(key);
}

/* --- lookup and readdir -------------------------------------------------------- */

/* A decimal number (no sign, no leading zero) below 10^9: it, or -1. */
static int parse_num(const char *name, size_t len)
{
    int id = 0;
    if (len == 0 || len > 9 || (name[0] == '0' && len > 1))
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        id = id * 10 + (name[i] - '0');
    }
    return id;
}

/* Whether a list's entries are descriptors (named fd, kept as fd + 1). */
static int list_of_fds(const struct plist *l)
{
    return l == &fds || l == &fdinfos;
}

/* What a directory shows. */
static const struct pentry *dir_entry_of(const struct pnode *pn)
{
    return pn->e;
}

/* The key of dir's numbered entry n (as it is named: an fd is n - 1). */
static struct pnode numbered(struct vnode *dir, const struct pnode *pn, int n)
{
    const struct pentry *d = dir_entry_of(pn);
    struct pnode key = {0, 0, dir, d->list->child, 0, 0, 0, 0, {0}};
    struct proc *p;
    if (d->list == &pids && (p = proc_find(n))) {
        key.pid = n;
        key.start = p->start_ns;
    } else {
        key.pid = pn->pid;
        key.start = pn->start;
        key.tid = d->list == &tids ? n : pn->tid;
        key.fd = list_of_fds(d->list) ? n : 0;
    }
    snprintf(key.name, sizeof(key.name), "%d", list_of_fds(d->list) ? n - 1 : n);
    return key;
}

static int procfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    const struct pnode *pn = pnode_of(dir);
    const struct pentry *d = dir_entry_of(pn);
    if (!pnode_alive(pn))
        return -ENOENT;
    if (dir == dir->mnt->root)
        cache_prune(dir->mnt, 0); /* nodes of processes that are gone */
    struct pnode key = {0, 0, dir, 0, pn->pid, pn->tid, 0, pn->start, {0}};
    for (const struct pentry *t = d->sub; t && t->name; t++)
        if (strlen(t->name) == len && memcmp(t->name, name, len) == 0) {
            key.e = t;
            return (*out = pnode_get(&key)) ? 0 : -ENOMEM;
        }
    int n = parse_num(name, len) + list_of_fds(d->list);
    if (!d->list || n <= 0 || !d->list->has(pn, n))
        return -ENOENT;
    key = numbered(dir, pn, n);
    return (*out = pnode_get(&key)) ? 0 : -ENOMEM;
}

static int procfs_readdir(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                          struct vnode **vn)
{
    const struct pnode *pn = pnode_of(dir);
    const struct pentry *d = dir_entry_of(pn);
    uint64_t fixed = 0;
    if (!pnode_alive(pn))
        return 0;
    while (d->sub && d->sub[fixed].name)
        fixed++;
    if (index < fixed) {
        *name = d->sub[index].name;
        *len = strlen(*name);
        return procfs_lookup(dir, *name, *len, vn) == 0;
    }
    int n = d->list ? d->list->nth(pn, index - fixed) : 0;
    if (n <= 0)
        return 0;
    struct pnode key = numbered(dir, pn, n);
    if (!(*vn = pnode_get(&key)))
        return 0;
    *name = pnode_of(*vn)->name;
    *len = strlen(*name);
    return 1;
}

static const char *procfs_readlink(const struct vnode *vn, char *buf, size_t n)
{
    const struct pnode *pn = pnode_of(vn);
    if (!pnode_alive(pn) || !pn->e->link)
        return "";
    return pn->e->link(pn, buf, n);
}

static int procfs_follow(const struct vnode *vn, struct vnode **out)
{
    const struct pnode *pn = pnode_of(vn);
    if (!pn->e->follow)
        return 1; /* an ordinary symlink: follow its text */
    return pnode_alive(pn) ? pn->e->follow(pn, out) : -ENOENT;
}

/* Where a node is named: its directory and its name there. */
static int procfs_where(const struct vnode *vn, struct vnode **dir, const char **name)
{
    const struct pnode *pn = pnode_of(vn);
    if (!pn->dir)
        return -ENOENT;
    *dir = pn->dir;
    *name = pn->name[0] ? pn->name : pn->e->name;
    return 0;
}

static const struct vnode_ops procfs_vops = {
    .lookup = procfs_lookup,
    .where = procfs_where,
    .readdir = procfs_readdir,
    .readlink = procfs_readlink,
    .follow = procfs_follow,
    .release = procfs_release,
};

/* --- reading ---------------------------------------------------------------------- */

/* Read from a file's text (len bytes in buf) at f's offset. */
static long text_read(struct file *f, void *ubuf, size_t n, const char *buf, int len)
{
    if (len > GEN_MAX - 1)
        len = GEN_MAX - 1;
    if (f->off >= (uint64_t)len)
        return 0;
    size_t k = (size_t)len - f->off < n ? (size_t)len - f->off : n;
    if (copy_to_user(ubuf, buf + f->off, k))
        return -EFAULT;
    f->off += k;
    return (long)k;
}

static long gen_read(struct file *f, void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    if (!pnode_alive(pn))
        return -ESRCH;
    char *buf = kmalloc(GEN_MAX);
    if (!buf)
        return -ENOMEM;
    long r = text_read(f, ubuf, n, buf, pn->e->gen(pn->tid ? pn->tid : pn->pid, buf, GEN_MAX));
    kfree(buf);
    return r;
}

static const struct file_ops gen_ops = {.read = gen_read, .seekable = VN_SEEK_OFFSET};

/* comm: the thread's name (a process's: its main thread's), read as
 * "NAME\n". A thread of the same process may write it: the first 15
 * bytes as they are (a newline too, as Linux keeps it), the whole count
 * reported written; another process's is -EINVAL, as on Linux. */
static long comm_read(struct file *f, void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    if (!pnode_alive(pn))
        return -ESRCH;
    struct proc *p = pnode_proc(pn);
    struct lwp *l = pn->tid ? lwp_find(pn->tid) : 0;
    const char *name = l ? l->name : p && !pn->tid ? p->name : "";
    char buf[24];
    return text_read(f, ubuf, n, buf, snprintf(buf, sizeof(buf), "%s\n", name));
}

static long comm_write(struct file *f, const void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    struct proc *p = pnode_proc(pn);
    struct lwp *l = p ? lwp_find(pn->tid ? pn->tid : pn->pid) : 0;
    char name[sizeof(l->name)] = {0};
    if (!l)
        return -ESRCH;
    if (p != proc_current())
        return -EINVAL;
    if (copy_from_user(name, ubuf, n < sizeof(name) - 1 ? n : sizeof(name) - 1))
        return -EFAULT;
    memcpy(l->name, name, sizeof(name));
    if (l->tid == p->pid)
        memcpy(p->name, name, sizeof(name));
    return (long)n;
}

static const struct file_ops comm_ops = {
    .read = comm_read, .write = comm_write, .seekable = VN_SEEK_OFFSET};

/* fdinfo/N: made from the process and the descriptor. */
static long fdinfo_read(struct file *f, void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    if (!pnode_alive(pn)) /* the descriptor closed since: Linux's ENOENT */
        return pnode_proc(pn) ? -ENOENT : -ESRCH;
    char *buf = kmalloc(GEN_MAX);
    if (!buf)
        return -ENOMEM;
    long r = text_read(f, ubuf, n, buf, gen_fdinfo(pn->pid, pn->fd - 1, buf, GEN_MAX));
    kfree(buf);
    return r;
}

static const struct file_ops fdinfo_ops = {.read = fdinfo_read, .seekable = VN_SEEK_OFFSET};

/* environ: read, as Linux does, from the process's memory between the
 * ends exec recorded (what the program has written there since shows),
 * at most a page per call. A process without memory (a zombie) has none. */
static long environ_read(struct file *f, void *ubuf, size_t n)
{
    const struct pnode *pn = pnode_of(f->vn);
    struct proc *p = pnode_proc(pn);
    if (!p)
        return -ESRCH;
    uint64_t len = p->env_end - p->env_start;
    if (!p->vm || f->off >= len)
        return 0;
    size_t k = len - f->off < n ? (size_t)(len - f->off) : n;
    if (k > PAGE_SIZE)
        k = PAGE_SIZE;
    char *buf = kmalloc(k);
    if (!buf)
        return -ENOMEM;
    long r = vmspace_copyin(p->vm, p->env_start + f->off, buf, k);
    if (r == -EFAULT)
        r = 0; /* the program unmapped its stack: nothing to read, as Linux */
    else if (!r)
        r = copy_to_user(ubuf, buf, k) ? -EFAULT : (long)k;
    kfree(buf);
    if (r > 0)
        f->off += (uint64_t)r;
    return r;
}

static const struct file_ops environ_ops = {.read = environ_read, .seekable = VN_SEEK_OFFSET};

/* --- the file-system type ------------------------------------------------------------ */

static int procfs_mount(struct mount *m, const char *opts)
{
    if (opts && *opts)
        return -EINVAL; /* Linux's hidepid= and gid= are not taken */
    struct pnode *pn = kzalloc(sizeof(*pn));
    struct vnode *root = pn ? vn_alloc_on(m, root_dir.mode) : 0;
    if (!root) {
        kfree(pn);
        return -ENOMEM;
    }
    pn->vn = root;
    pn->e = &root_dir;
    root->vops = &procfs_vops;
    root->fsdata = pn;
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
