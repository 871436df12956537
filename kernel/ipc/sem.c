/* System V semaphores (semget(2), semop(2), semtimedop(2), semctl(2)).
 *
 * A set is an array of values with a wait queue. semop applies its
 * operations in order and takes them all back at the first that cannot
 * go (all or nothing, as Linux's perform_atomic_semop_slow); a caller
 * that would block sleeps on the set's queue with a record of the
 * operation that blocked it (GETNCNT and GETZCNT count those records),
 * and every change wakes all sleepers, which try again. Sleepers hold a
 * reference on the set, so IPC_RMID can wake them with EIDRM and the last
 * of them frees it. SEM_UNDO adjustments are kept per (process, set) on
 * the set and applied when the process exits (ipc_proc_exit). */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/ipcobj.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* Linux 6.1's defaults (include/uapi/linux/sem.h) */
#define SEMMNI   32000u
#define SEMMSL   32000u
#define SEMMNS   (SEMMNI * SEMMSL)
#define SEMOPM   500u
#define SEMVMX   32767
#define SEMAEM   SEMVMX
#define SEMUME   SEMOPM
#define SEMMNU   SEMMNS
#define SEMMAP   SEMMNS
#define SEMUSZ   20
#define SEM_UNDO 0x1000
/* semctl commands */
#define GETPID       11
#define GETVAL       12
#define GETALL       13
#define GETNCNT      14
#define GETZCNT      15
#define SETVAL       16
#define SETALL       17
#define SEM_STAT     18
#define SEM_INFO     19
#define SEM_STAT_ANY 20

/* Linux x86-64 struct sembuf, semid64_ds, seminfo. */
struct sembuf {
    uint16_t sem_num;
    int16_t sem_op, sem_flg;
};
_Static_assert(sizeof(struct sembuf) == 6, "Linux struct sembuf");

struct semid64_ds {
    struct ipc64_perm sem_perm;
    int64_t sem_otime;
    uint64_t unused1;
    int64_t sem_ctime;
    uint64_t unused2, sem_nsems, unused3, unused4;
};
_Static_assert(sizeof(struct semid64_ds) == 104, "Linux x86-64 struct semid64_ds");
_Static_assert(__builtin_offsetof(struct semid64_ds, sem_nsems) == 80, "semid64_ds.sem_nsems");

struct seminfo {
    int32_t semmap, semmni, semmns, semmnu, semmsl, semopm, semume, semusz, semvmx, semaem;
};
_Static_assert(sizeof(struct seminfo) == 40, "Linux struct seminfo");

struct sem {
    int32_t val, pid;
};

/* A process's SEM_UNDO adjustments on one set. */
struct sem_undo {
    struct sem_undo *next;
    int32_t pid;
    int16_t adj[]; /* one per semaphore */
};

/* A sleeper, on its own stack: the operation it waits for. */
struct sem_waiter {
    struct sem_waiter *next;
    uint16_t num;
    int16_t op;
};

struct sem_set {
    struct ipc_obj ipc; /* first: the list holds these */
    uint32_t nsems;
    uint32_t refs; /* the table's (until IPC_RMID) and each sleeper's */
    int dead;      /* removed: sleepers see EIDRM */
    int64_t otime;
    struct waitq wq;
    struct sem_waiter *waiters;
    struct sem_undo *undos;
    struct sem sems[];
};

struct ipc_ids sem_ids = {.mni = SEMMNI, .last_idx = -1};
static uint64_t used_sems; /* SEMMNS */

static struct sem_set *set_find(int64_t id)
{
    return (struct sem_set *)ipc_find(&sem_ids, id);
}

static void set_unref(struct sem_set *s)
{
    if (--s->refs == 0)
        kfree(s);
}

static void undos_free(struct sem_set *s)
{
    while (s->undos) {
        struct sem_undo *u = s->undos;
        s->undos = u->next;
        kfree(u);
    }
}

/* IPC_RMID: out of the table, sleepers woken to see EIDRM. */
static void set_remove(struct sem_set *s)
{
    ipc_remove(&sem_ids, &s->ipc);
    used_sems -= s->nsems;
    s->dead = 1;
    undos_free(s);
    waitq_wake_all(&s->wq);
    set_unref(s);
}

/* --- semget ----------------------------------------------------------------------- */

static int sem_create(int32_t key, int flags, uint64_t nsems)
{
    if (nsems == 0)
        return -EINVAL;
    if (used_sems + nsems > SEMMNS || sem_ids.in_use >= sem_ids.mni)
        return -ENOSPC;
    struct sem_set *s = kzalloc(sizeof(*s) + nsems * sizeof(struct sem));
    if (!s)
        return -ENOMEM;
    s->nsems = (uint32_t)nsems;
    s->refs = 1;
    waitq_init(&s->wq);
    ipc_add(&sem_ids, &s->ipc, key, flags); /* room checked above */
    used_sems += nsems;
    return s->ipc.id;
}

static int sem_check(struct ipc_obj *o, uint64_t nsems)
{
    return nsems > ((struct sem_set *)o)->nsems ? -EINVAL : 0;
}

static const struct ipc_kind sem_kind = {&sem_ids, sem_create, sem_check};

static int64_t sys_semget(uint64_t key, uint64_t nsems, uint64_t flags, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int n = (int)nsems;
    if (n < 0 || (uint32_t)n > SEMMSL)
        return -EINVAL;
    return ipc_get(&sem_kind, (int32_t)key, (int)flags, (uint64_t)n);
}

/* --- semop ------------------------------------------------------------------------- */

/* The caller's undo record on s, made if absent: 0 and *out, or -ENOMEM. */
static int undo_get(struct sem_set *s, struct sem_undo **out)
{
    int32_t pid = ipc_pid();
    for (struct sem_undo *u = s->undos; u; u = u->next)
        if (u->pid == pid) {
            *out = u;
            return 0;
        }
    struct sem_undo *u = kzalloc(sizeof(*u) + s->nsems * sizeof(int16_t));
    if (!u)
        return -ENOMEM;
    u->pid = pid;
    u->next = s->undos;
    s->undos = u;
    *out = u;
    return 0;
}

/* Take back sops[0..i) (applied by sem_try). */
static void sem_rollback(struct sem_set *s, const struct sembuf *sops, unsigned i,
                         struct sem_undo *un)
{
    while (i--) {
        s->sems[sops[i].sem_num].val -= sops[i].sem_op;
        if (sops[i].sem_flg & SEM_UNDO)
            un->adj[sops[i].sem_num] += sops[i].sem_op;
    }
}

/* Apply one operation: 0, 1 (it must wait), -EAGAIN (it must wait but
 * has IPC_NOWAIT), -ERANGE (a value past SEMVMX or an adjustment past
 * SEMAEM); nothing changes unless 0. */
static int sem_step(struct sem_set *s, const struct sembuf *sop, struct sem_undo *un)
{
    struct sem *sem = &s->sems[sop->sem_num];
    int op = sop->sem_op, result = sem->val + op;
    if ((op == 0 && sem->val != 0) || result < 0)
        return (sop->sem_flg & IPC_NOWAIT) ? -EAGAIN : 1;
    if (result > SEMVMX)
        return -ERANGE;
    if (sop->sem_flg & SEM_UNDO) {
        int adj = un->adj[sop->sem_num] - op;
        if (adj < -SEMAEM - 1 || adj > SEMAEM)
            return -ERANGE;
        un->adj[sop->sem_num] = (int16_t)adj;
    }
    sem->val = result;
    return 0;
}

/* One attempt at all of sops: 0 (all done), or sem_step's error for
 * sops[*blocked] with every earlier one taken back (all or nothing). */
static int sem_try(struct sem_set *s, const struct sembuf *sops, unsigned n, struct sem_undo *un,
                   unsigned *blocked)
{
    unsigned i;
    int err = 0;
    for (i = 0; i < n && !err; i++)
        err = sem_step(s, &sops[i], un);
    if (err) {
        *blocked = i - 1;
        sem_rollback(s, sops, i - 1, un);
        return err;
    }
    for (i = 0; i < n; i++)
        s->sems[sops[i].sem_num].pid = ipc_pid();
    s->otime = ipc_now();
    return 0;
}

/* Sleep on s until a change, the deadline or a signal, counted in GETNCNT
 * or GETZCNT by the operation that blocked: 0, 1 (timed out) or -EINTR. */
static int sem_sleep(struct sem_set *s, const struct sembuf *sop, uint64_t deadline)
{
    struct sem_waiter w = {s->waiters, sop->sem_num, sop->sem_op};
    s->waiters = &w;
    int r = waitq_wait_intr(&s->wq, deadline);
    for (struct sem_waiter **at = &s->waiters; *at; at = &(*at)->next)
        if (*at == &w) {
            *at = w.next;
            break;
        }
    return r;
}

/* semtimedop once the arguments are in: try, sleep, try again. A wake
 * by timeout or signal still gets its try: -EAGAIN or -EINTR only if the
 * operations still cannot go. */
static int sem_run(struct sem_set *s, const struct sembuf *sops, unsigned n, int undo,
                   uint64_t deadline)
{
    struct sem_undo *un = 0;
    unsigned blocked = 0;
    int err = undo ? undo_get(s, &un) : 0;
    if (err)
        return err;
    s->refs++;
    while ((err = sem_try(s, sops, n, un, &blocked)) == 1) {
        int r = sem_sleep(s, &sops[blocked], deadline);
        if (s->dead) {
            err = -EIDRM;
            break;
        }
        if (r != 0) {
            if ((err = sem_try(s, sops, n, un, &blocked)) == 1)
                err = r < 0 ? -EINTR : -EAGAIN;
            break;
        }
    }
    if (err == 0)
        waitq_wake_all(&s->wq);
    set_unref(s);
    return err;
}

/* Linux's order of checks: the count, the operations' copy, the timeout's
 * values, the set, the semaphore numbers (-EFBIG), the permissions. */
static int64_t semtimedop(int64_t id, uint64_t usops, uint64_t nsops, int have_ts,
                          const int64_t ts[2])
{
    uint64_t deadline = 0;
    int undo = 0, alter = 0;
    unsigned max = 0;
    nsops = (uint32_t)nsops; /* Linux's unsigned int */
    if (nsops < 1 || id < 0)
        return -EINVAL;
    if (nsops > SEMOPM)
        return -E2BIG;
    struct sembuf *sops = kmalloc(nsops * sizeof(*sops));
    if (!sops)
        return -ENOMEM;
    int64_t err = 0;
    if (copy_from_user(sops, (const void *)usops, nsops * sizeof(*sops)))
        err = -EFAULT;
    else if (have_ts && (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000))
        err = -EINVAL;
    if (have_ts && !err)
        deadline = timeout_deadline(clock_ns_of((uint64_t)ts[0], (uint64_t)ts[1]));
    for (unsigned i = 0; i < nsops; i++) {
        max = sops[i].sem_num > max ? sops[i].sem_num : max;
        undo |= sops[i].sem_flg & SEM_UNDO;
        alter |= sops[i].sem_op != 0;
    }
    struct sem_set *s = err ? 0 : set_find(id);
    if (!err && !s)
        err = -EINVAL;
    else if (!err && max >= s->nsems)
        err = -EFBIG;
    else if (!err && ipc_access(&s->ipc, alter ? 0222 : 0444))
        err = -EACCES;
    if (!err)
        err = sem_run(s, sops, (unsigned)nsops, undo, deadline);
    kfree(sops);
    return err;
}

static int64_t sys_semop(uint64_t id, uint64_t usops, uint64_t nsops, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    return semtimedop((int32_t)id, usops, nsops, 0, 0);
}

static int64_t sys_semtimedop(uint64_t id, uint64_t usops, uint64_t nsops, uint64_t uts,
                              uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    int64_t ts[2];
    if (uts && copy_from_user(ts, (const void *)uts, sizeof(ts)))
        return -EFAULT;
    return semtimedop((int32_t)id, usops, nsops, uts != 0, ts);
}

/* --- semctl ------------------------------------------------------------------------ */

/* Sleepers whose blocking operation on semaphore num is a decrement
 * (zero 0) or a wait for zero (zero 1). */
static int sem_count(const struct sem_set *s, unsigned num, int zero)
{
    int n = 0;
    for (const struct sem_waiter *w = s->waiters; w; w = w->next)
        n += w->num == num && (zero ? w->op == 0 : w->op < 0);
    return n;
}

/* SETVAL and SETALL: the values changed from outside, so every undo
 * adjustment of them is forgotten (num -1: all), as on Linux. */
static void sem_forget_undo(struct sem_set *s, int num)
{
    for (struct sem_undo *u = s->undos; u; u = u->next)
        for (uint32_t i = 0; i < s->nsems; i++)
            if (num < 0 || i == (uint32_t)num)
                u->adj[i] = 0;
    s->ipc.ctime = ipc_now();
    waitq_wake_all(&s->wq);
}

static int64_t sem_setall(struct sem_set *s, uint64_t uarg)
{
    uint16_t *v = kmalloc(s->nsems * sizeof(uint16_t));
    int64_t err = v ? 0 : -ENOMEM;
    if (!err && copy_from_user(v, (const void *)uarg, s->nsems * sizeof(uint16_t)))
        err = -EFAULT;
    for (uint32_t i = 0; !err && i < s->nsems; i++)
        if (v[i] > SEMVMX)
            err = -ERANGE;
    for (uint32_t i = 0; !err && i < s->nsems; i++) {
        s->sems[i].val = v[i];
        s->sems[i].pid = ipc_pid();
    }
    if (!err)
        sem_forget_undo(s, -1);
    kfree(v);
    return err;
}

static int64_t sem_getall(struct sem_set *s, uint64_t uarg)
{
    uint16_t *v = kmalloc(s->nsems * sizeof(uint16_t));
    if (!v)
        return -ENOMEM;
    for (uint32_t i = 0; i < s->nsems; i++)
        v[i] = (uint16_t)s->sems[i].val;
    int64_t err = copy_to_user((void *)uarg, v, s->nsems * sizeof(uint16_t)) ? -EFAULT : 0;
    kfree(v);
    return err;
}

/* The commands on one semaphore: GETVAL, GETPID, GETNCNT, GETZCNT, SETVAL
 * (whose value is the low half of the union semun argument). */
static int64_t sem_one(int cmd, int64_t id, int num, uint64_t arg)
{
    int val = (int)(uint32_t)arg;
    if (cmd == SETVAL && (val < 0 || val > SEMVMX))
        return -ERANGE;
    struct sem_set *s = set_find(id);
    if (!s)
        return -EINVAL;
    if (ipc_access(&s->ipc, cmd == SETVAL ? 0222 : 0444))
        return -EACCES;
    if (num < 0 || (uint32_t)num >= s->nsems)
        return -EINVAL;
    switch (cmd) {
    case GETVAL:
        return s->sems[num].val;
    case GETPID:
        return s->sems[num].pid;
    case GETNCNT:
    case GETZCNT:
        return sem_count(s, (unsigned)num, cmd == GETZCNT);
    default:
        s->sems[num].val = val;
        s->sems[num].pid = ipc_pid();
        sem_forget_undo(s, num);
        return 0;
    }
}

static int64_t sem_all(int cmd, int64_t id, uint64_t uarg)
{
    struct sem_set *s = set_find(id);
    if (!s)
        return -EINVAL;
    if (ipc_access(&s->ipc, cmd == SETALL ? 0222 : 0444))
        return -EACCES;
    return cmd == SETALL ? sem_setall(s, uarg) : sem_getall(s, uarg);
}

static int64_t sem_info(int cmd, uint64_t uarg)
{
    struct seminfo si = {SEMMAP, SEMMNI, SEMMNS, SEMMNU, SEMMSL,
                         SEMOPM, SEMUME, SEMUSZ, SEMVMX, SEMAEM};
    if (cmd == SEM_INFO) {
        si.semusz = (int32_t)sem_ids.in_use;
        si.semaem = (int32_t)used_sems;
    }
    if (copy_to_user((void *)uarg, &si, sizeof(si)))
        return -EFAULT;
    return ipc_max_idx(&sem_ids);
}

static int64_t sem_stat(int cmd, int64_t id, uint64_t uarg)
{
    struct semid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_stat_obj(&sem_ids, cmd == IPC_STAT, id, cmd == SEM_STAT_ANY, &o);
    if (err)
        return err;
    struct sem_set *s = (struct sem_set *)o;
    ds = (struct semid64_ds){
        .sem_otime = s->otime, .sem_ctime = s->ipc.ctime, .sem_nsems = s->nsems};
    ipc_perm_out(&s->ipc, &ds.sem_perm);
    if (copy_to_user((void *)uarg, &ds, sizeof(ds)))
        return -EFAULT;
    return cmd == IPC_STAT ? 0 : s->ipc.id;
}

static int64_t sem_change(int cmd, int64_t id, uint64_t uarg)
{
    struct semid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_change_obj(&sem_ids, id, cmd == IPC_SET ? &ds : 0, sizeof(ds), uarg, &o);
    if (err)
        return err;
    struct sem_set *s = (struct sem_set *)o;
    if (cmd == IPC_SET)
        ipc_perm_set(&s->ipc, &ds.sem_perm);
    else
        set_remove(s);
    return 0;
}

/* semctl(2): arg is union semun passed by value (a pointer, or SETVAL's
 * int in its low 32 bits). */
static int64_t sys_semctl(uint64_t id, uint64_t num, uint64_t cmd, uint64_t arg, uint64_t a4,
                          uint64_t a5)
{
    ARG(a4), ARG(a5);
    int i = (int)id, c = (int)cmd;
    if (i < 0)
        return -EINVAL;
    switch (c) {
    case IPC_INFO:
    case SEM_INFO:
        return sem_info(c, arg);
    case IPC_STAT:
    case SEM_STAT:
    case SEM_STAT_ANY:
        return sem_stat(c, i, arg);
    case GETVAL:
    case GETPID:
    case GETNCNT:
    case GETZCNT:
    case SETVAL:
        return sem_one(c, i, (int)num, arg);
    case GETALL:
    case SETALL:
        return sem_all(c, i, arg);
    case IPC_SET:
    case IPC_RMID:
        return sem_change(c, i, arg);
    default:
        return -EINVAL;
    }
}

/* --- exit ---------------------------------------------------------------------------- */

/* Apply and drop u (pid's adjustments on s): each value moved by its
 * adjustment, kept within 0..SEMVMX, as Linux's exit_sem. */
static void undo_apply(struct sem_set *s, struct sem_undo *u, int32_t pid)
{
    for (uint32_t i = 0; i < s->nsems; i++) {
        if (!u->adj[i])
            continue;
        int v = s->sems[i].val + u->adj[i];
        s->sems[i].val = v < 0 ? 0 : v > SEMVMX ? SEMVMX : v;
        s->sems[i].pid = pid;
    }
    s->otime = ipc_now();
    waitq_wake_all(&s->wq);
}

void sem_exit(int32_t pid)
{
    for (struct ipc_obj *o = sem_ids.head; o; o = o->next) {
        struct sem_set *s = (struct sem_set *)o;
        for (struct sem_undo **at = &s->undos; *at; at = &(*at)->next) {
            struct sem_undo *u = *at;
            if (u->pid != pid)
                continue;
            *at = u->next;
            undo_apply(s, u, pid);
            kfree(u);
            break;
        }
    }
}

int sem_undo_held(int32_t pid)
{
    for (struct ipc_obj *o = sem_ids.head; o; o = o->next)
        for (struct sem_undo *u = ((struct sem_set *)o)->undos; u; u = u->next)
            if (u->pid == pid)
                return 1;
    return 0;
}

/* --- /proc ----------------------------------------------------------------------------- */

int gen_sysvipc_sem(int id, char *buf, size_t n)
{
    (void)id;
    size_t len = (size_t)snprintf(
        buf, n,
        "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n");
    for (struct ipc_obj *o = sem_ids.head; o && len < n; o = o->next) {
        struct sem_set *s = (struct sem_set *)o;
        size_t k = (size_t)snprintf(buf + len, n - len,
                                    "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld %10lld\n", o->key,
                                    o->id, o->mode, s->nsems, o->uid, o->gid, o->cuid, o->cgid,
                                    (long long)s->otime, (long long)o->ctime);
        if (len + k >= n) {
            buf[len] = 0; /* whole lines only */
            break;
        }
        len += k;
    }
    return len < n ? (int)len : (int)n - 1; /* n - 1: the header alone did not fit */
}

int gen_sys_sem(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%u\t%u\t%u\t%u\n", SEMMSL, SEMMNS, SEMOPM, SEMMNI);
}

void sem_register(void)
{
    syscall_register(SYS_semget, sys_semget);
    syscall_register(SYS_semop, sys_semop);
    syscall_register(SYS_semtimedop, sys_semtimedop);
    syscall_register(SYS_semctl, sys_semctl);
}
