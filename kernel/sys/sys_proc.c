/* Process system calls: exit, ids, TLS (arch_prctl), resource limits,
 * umask, uname, sysinfo, getrandom, sched_yield. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"
#include "kernel/uts.h"

#define ARCH_SET_FS   0x1002
#define ARCH_GET_FS   0x1003
#define GRND_NONBLOCK 1
#define GRND_RANDOM   2
#define GRND_INSECURE 4

static int64_t sys_exit_group(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    proc_exit(W_EXITCODE((int)code));
}

static int64_t sys_exit(uint64_t code, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    lwp_exit(W_EXITCODE((int)code));
}

static int64_t sys_getpid(NOARGS)
{
    UNUSED;
    return proc_current()->pid;
}

static int64_t sys_getppid(NOARGS)
{
    UNUSED;
    struct proc *pp = proc_current()->parent;
    return pp ? pp->pid : 0;
}

static int64_t sys_gettid(NOARGS)
{
    UNUSED;
    return lwp_current()->tid;
}

static int64_t sys_set_tid_address(uint64_t uptr, uint64_t a1, uint64_t a2, uint64_t a3,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    lwp_current()->clear_child_tid = uptr;
    return lwp_current()->tid;
}

static int64_t sys_set_robust_list(uint64_t head, uint64_t len, uint64_t a2, uint64_t a3,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    if (len != 24) /* sizeof(struct robust_list_head) */
        return -EINVAL;
    lwp_current()->robust_list = head;
    lwp_current()->robust_len = len;
    return 0;
}

static int64_t sys_arch_prctl(uint64_t code, uint64_t addr, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    switch (code) {
    case ARCH_SET_FS:
        if (!user_addr_ok(addr))
            return -EPERM;
        arch_set_fs_base(addr);
        return 0;
    case ARCH_GET_FS: {
        uint64_t fs = arch_fs_base();
        return copy_to_user((void *)addr, &fs, sizeof(fs)) ? -EFAULT : 0;
    }
    default:
        return -EINVAL; /* GS belongs to the kernel; CET and the rest: none */
    }
}

/* Which limits may be set to what. Enforced: RLIMIT_STACK (at exec),
 * NOFILE, NPROC (LWPs), FSIZE and SIGPENDING (real-time signals queued
 * behind a pending one, per process), MEMLOCK (locked bytes without
 * CAP_IPC_LOCK: sys_mlock.c), CPU (kernel/proc/cpuclock.c, from the
 * moment it is set) and NICE (how far setpriority may lower a nice value
 * without CAP_SYS_NICE: sys_prio.c), MSGQUEUE (the bytes of the POSIX
 * message queues a user creates: kernel/ipc/mqueue.c). Nothing here counts the data segment or the
 * address space against a limit, so RLIMIT_DATA and AS stay unlimited (a finite one is -EINVAL
 * rather than recorded and ignored). The others limit nothing a process here can do: CORE (no core
 * files are written), RSS and LOCKS (ignored by Linux too), RTPRIO and RTTIME (no real-time
 * policies). */
static int rlimit_settable(uint64_t res, const struct rlimit64 *nl)
{
    int unkept = res == RLIMIT_DATA || res == RLIMIT_AS;
    return !unkept || nl->cur == RLIM_INFINITY;
}

static int64_t sys_prlimit64(uint64_t pid, uint64_t res, uint64_t unew, uint64_t uold, uint64_t a4,
                             uint64_t a5)
{
    ARG(a4), ARG(a5);
    struct proc *p = pid ? proc_find((int)pid) : proc_current();
    struct rlimit64 nl;
    if (!p || p->state != P_ALIVE)
        return -ESRCH;
    if (res >= RLIM_NLIMITS)
        return -EINVAL;
    if (unew && copy_from_user(&nl, (void *)unew, sizeof(nl)))
        return -EFAULT;
    if (unew && (nl.cur > nl.max || !rlimit_settable(res, &nl)))
        return -EINVAL;
    if (unew && res == RLIMIT_NOFILE && nl.max > NR_OPEN)
        return -EPERM;
    if (uold && copy_to_user((void *)uold, &p->rlim[res], sizeof(p->rlim[res])))
        return -EFAULT;
    if (unew)
        p->rlim[res] = nl;
    if (unew && res == RLIMIT_CPU)
        proc_cpulimit_arm(p);
    return 0;
}

static int64_t sys_getrlimit(uint64_t res, uint64_t uold, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_prlimit64(0, res, 0, uold, 0, 0);
}

static int64_t sys_setrlimit(uint64_t res, uint64_t unew, uint64_t a2, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return sys_prlimit64(0, res, unew, 0, 0, 0);
}

static int64_t sys_umask(uint64_t mask, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    uint32_t old = p->umask;
    p->umask = (uint32_t)mask & 0777;
    return old;
}

struct utsname_k {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

/* The names of kernel/uts.h. */
static int64_t sys_uname(uint64_t ubuf, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct utsname_k u = {UTS_SYSNAME, "", UTS_RELEASE, UTS_VERSION, UTS_MACHINE, ""};
    memcpy(u.nodename, uts_nodename(), strlen(uts_nodename()) + 1); /* at most UTS_LEN + 1 */
    memcpy(u.domainname, uts_domainname(), strlen(uts_domainname()) + 1);
    return copy_to_user((void *)ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

struct sysinfo_k {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
};
_Static_assert(sizeof(struct sysinfo_k) == 112, "Linux struct sysinfo (x86-64)");
#define SI_LOAD_SHIFT 16 /* sysinfo's loads: fixed point with 16 fraction bits */

static int64_t sys_sysinfo(uint64_t ubuf, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct pmem_stats st;
    struct sysinfo_k si;
    unsigned long avg[3];
    pmem_stats(&st);
    sched_loadavg(avg);
    memset(&si, 0, sizeof(si));
    si.uptime = (int64_t)(clock_ns() / 1000000000ull);
    for (int i = 0; i < 3; i++) /* the /proc/loadavg figures, with 16 fraction bits */
        si.loads[i] = avg[i] << (SI_LOAD_SHIFT - LOADAVG_FSHIFT);
    si.totalram = st.total_pages * PAGE_SIZE;
    si.freeram = st.free_pages * PAGE_SIZE;
    si.procs = (uint16_t)proc_count();
    si.mem_unit = 1;
    return copy_to_user((void *)ubuf, &si, sizeof(si)) ? -EFAULT : 0;
}

static int64_t sys_getrandom(uint64_t ubuf, uint64_t len, uint64_t flags, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_RANDOM) && (flags & GRND_INSECURE))
        return -EINVAL;
    if (len > 0x1ffffff) /* Linux caps one call at 32 MiB - 1 */
        len = 0x1ffffff;
    return random_to_user((void *)ubuf, len);
}

static int64_t sys_sched_yield(NOARGS)
{
    UNUSED;
    sched_yield();
    return 0;
}

static int64_t sys_getpgid(uint64_t pid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = pid ? proc_find((int)pid) : proc_current();
    return p ? p->pgid : -ESRCH;
}

static int64_t sys_getpgrp(NOARGS)
{
    UNUSED;
    return proc_current()->pgid;
}

static int64_t sys_getsid(uint64_t pid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = pid ? proc_find((int)pid) : proc_current();
    return p ? p->sid : -ESRCH;
}

/* setpgid: the caller or one of its children (not a session leader) joins
 * or founds a group of the caller's session. */
static int64_t sys_setpgid(uint64_t upid, uint64_t upgid, uint64_t a2, uint64_t a3, uint64_t a4,
                           uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *self = proc_current();
    int pid = upid ? (int)upid : self->pid, pgid = upgid ? (int)upgid : pid;
    struct proc *p = proc_find(pid);
    if ((int)upgid < 0)
        return -EINVAL;
    if (!p || (p != self && p->parent != self))
        return -ESRCH;
    if (p->sid != self->sid || p->sid == p->pid)
        return -EPERM;
    if (pgid != p->pid) {
        int exists = 0;
        for (unsigned i = 0; i < proc_limit() && !exists; i++) {
            struct proc *q = proc_at(i);
            exists = q && q->pgid == pgid && q->sid == self->sid;
        }
        if (!exists)
            return -EPERM;
    }
    p->pgid = pgid;
    return 0;
}

static int64_t sys_setsid(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a0), ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct proc *p = proc_current();
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *q = proc_at(i);
        if (q && q->pgid == p->pid)
            return -EPERM; /* already a group leader (or its group lives on) */
    }
    p->sid = p->pgid = p->pid;
    return p->sid;
}

void sys_proc_register(void)
{
    syscall_register(SYS_sched_yield, sys_sched_yield);
    syscall_register_leaf(SYS_getpid, sys_getpid);
    syscall_register(SYS_exit, sys_exit);
    syscall_register(SYS_uname, sys_uname);
    syscall_register(SYS_umask, sys_umask);
    syscall_register(SYS_getrlimit, sys_getrlimit);
    syscall_register(SYS_sysinfo, sys_sysinfo);
    syscall_register_leaf(SYS_getppid, sys_getppid);
    syscall_register(SYS_setpgid, sys_setpgid);
    syscall_register_leaf(SYS_getpgrp, sys_getpgrp);
    syscall_register(SYS_setsid, sys_setsid);
    syscall_register(SYS_getpgid, sys_getpgid);
    syscall_register(SYS_getsid, sys_getsid);
    syscall_register(SYS_arch_prctl, sys_arch_prctl);
    syscall_register(SYS_setrlimit, sys_setrlimit);
    syscall_register_leaf(SYS_gettid, sys_gettid);
    syscall_register(SYS_set_tid_address, sys_set_tid_address);
    syscall_register(SYS_exit_group, sys_exit_group);
    syscall_register(SYS_set_robust_list, sys_set_robust_list);
    syscall_register(SYS_prlimit64, sys_prlimit64);
    syscall_register(SYS_getrandom, sys_getrandom);
}
