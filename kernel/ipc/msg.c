/* System V message queues (msgget(2), msgsnd(2), msgrcv(2), msgctl(2)).
 *
 * A queue is a FIFO list of messages, each a type and its bytes in one
 * allocation, bounded by msg_qbytes bytes and as many messages (Linux's
 * msg_fits_inqueue). Senders wait on one queue for room, receivers on
 * another for a message; every change wakes all of the side that may now
 * go, which look again. Sleepers hold a reference, so IPC_RMID wakes
 * them with EIDRM and the last one frees the queue. */
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

/* Linux 6.1's defaults (include/uapi/linux/msg.h) */
#define MSGMNI  32000u
#define MSGMAX  8192u
#define MSGMNB  16384u
#define MSGPOOL (MSGMNI * MSGMNB / 1024)
#define MSGMAP  MSGMNB
#define MSGTQL  MSGMNB
#define MSGSSZ  16
#define MSGSEG  0xffff
/* msgsnd and msgrcv flags */
#define MSG_NOERROR  010000
#define MSG_EXCEPT   020000
#define MSG_COPY     040000
#define MSGSND_KNOWN IPC_NOWAIT
#define MSGRCV_KNOWN (IPC_NOWAIT | MSG_NOERROR | MSG_EXCEPT | MSG_COPY)
/* msgctl commands */
#define MSG_STAT     11
#define MSG_INFO     12
#define MSG_STAT_ANY 13

/* Linux x86-64 struct msqid64_ds and msginfo. */
struct msqid64_ds {
    struct ipc64_perm msg_perm;
    int64_t msg_stime, msg_rtime, msg_ctime;
    uint64_t msg_cbytes, msg_qnum, msg_qbytes;
    int32_t msg_lspid, msg_lrpid;
    uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct msqid64_ds) == 120, "Linux x86-64 struct msqid64_ds");
_Static_assert(__builtin_offsetof(struct msqid64_ds, msg_cbytes) == 72, "msqid64_ds.msg_cbytes");
_Static_assert(__builtin_offsetof(struct msqid64_ds, msg_lspid) == 96, "msqid64_ds.msg_lspid");

struct msginfo {
    int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
    uint16_t msgseg;
};
_Static_assert(sizeof(struct msginfo) == 32, "Linux struct msginfo");

struct msg {
    struct msg *next;
    int64_t type;
    uint64_t size;
    uint8_t text[];
};

struct msg_queue {
    struct ipc_obj ipc; /* first: the list holds these */
    struct msg *head, **tail;
    uint64_t cbytes, qnum, qbytes;
    int64_t stime, rtime;
    int32_t lspid, lrpid;
    uint32_t refs;       /* the table's (until IPC_RMID) and each sleeper's */
    int dead;            /* removed: sleepers see EIDRM */
    struct waitq rq, sq; /* receivers waiting for a message, senders for room */
};

struct ipc_ids msg_ids = {.mni = MSGMNI, .last_idx = -1};
static uint64_t msg_hdrs, msg_bytes; /* messages and bytes in all queues */

static struct msg_queue *queue_find(int64_t id)
{
    return (struct msg_queue *)ipc_find(&msg_ids, id);
}

static void queue_unref(struct msg_queue *q)
{
    if (--q->refs == 0)
        kfree(q);
}

/* Sleep on wq of q (holding q meanwhile): 0, -EIDRM (removed) or
 * -ERESTARTNOHAND (a signal: EINTR after a handler, as Linux's). */
static int queue_sleep(struct msg_queue *q, struct waitq *wq)
{
    q->refs++;
    int r = waitq_wait_intr(wq, 0);
    int err = q->dead ? -EIDRM : r < 0 ? -ERESTARTNOHAND : 0;
    queue_unref(q);
    return err;
}

static void queue_remove(struct msg_queue *q)
{
    ipc_remove(&msg_ids, &q->ipc);
    while (q->head) {
        struct msg *m = q->head;
        q->head = m->next;
        msg_hdrs--;
        msg_bytes -= m->size;
        kfree(m);
    }
    q->dead = 1;
    waitq_wake_all(&q->rq);
    waitq_wake_all(&q->sq);
    queue_unref(q);
}

/* --- msgget ------------------------------------------------------------------------ */

static int msg_create(int32_t key, int flags, uint64_t arg)
{
    (void)arg;
    if (msg_ids.in_use >= msg_ids.mni)
        return -ENOSPC;
    struct msg_queue *q = kzalloc(sizeof(*q));
    if (!q)
        return -ENOMEM;
    q->tail = &q->head;
    q->qbytes = MSGMNB;
    q->refs = 1;
    waitq_init(&q->rq);
    waitq_init(&q->sq);
    ipc_add(&msg_ids, &q->ipc, key, flags); /* room checked above */
    return q->ipc.id;
}

static const struct ipc_kind msg_kind = {&msg_ids, msg_create, 0};

static int64_t sys_msgget(uint64_t key, uint64_t flags, uint64_t a2, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    return ipc_get(&msg_kind, (int32_t)key, (int)flags, 0);
}

/* --- msgsnd -------------------------------------------------------------------------- */

static int msg_fits(const struct msg_queue *q, uint64_t size)
{
    return q->cbytes + size <= q->qbytes && q->qnum + 1 <= q->qbytes;
}

static void msg_put(struct msg_queue *q, struct msg *m)
{
    m->next = 0;
    *q->tail = m;
    q->tail = &m->next;
    q->cbytes += m->size;
    q->qnum++;
    msg_hdrs++;
    msg_bytes += m->size;
    q->lspid = ipc_pid();
    q->stime = ipc_now();
    waitq_wake_all(&q->rq);
}

/* m (made by the caller) into queue id once it fits: 0 (m is the queue's)
 * or -errno (m is still the caller's). */
static int msg_send(int64_t id, struct msg *m, int flags)
{
    struct msg_queue *q = queue_find(id);
    if (!q)
        return -EINVAL;
    if (ipc_access(&q->ipc, 0222))
        return -EACCES;
    while (!msg_fits(q, m->size)) {
        if (flags & IPC_NOWAIT)
            return -EAGAIN;
        int err = queue_sleep(q, &q->sq);
        if (err)
            return err;
    }
    msg_put(q, m);
    return 0;
}

/* Linux's order: the type's read, the size and id, the type, the text. */
static int64_t sys_msgsnd(uint64_t id, uint64_t umsg, uint64_t size, uint64_t flags, uint64_t a4,
                          uint64_t a5)
{
    ARG(a4), ARG(a5);
    int64_t type;
    if (copy_from_user(&type, (const void *)umsg, sizeof(type)))
        return -EFAULT;
    if (size > MSGMAX || (int32_t)id < 0 || ((int)flags & ~MSGSND_KNOWN))
        return -EINVAL;
    if (type < 1)
        return -EINVAL;
    struct msg *m = kmalloc(sizeof(*m) + size);
    if (!m)
        return -ENOMEM;
    m->type = type;
    m->size = size;
    int err = copy_from_user(m->text, (const uint8_t *)umsg + sizeof(type), size) ? -EFAULT : 0;
    if (!err)
        err = msg_send((int32_t)id, m, (int)flags);
    if (err)
        kfree(m);
    return err;
}

/* --- msgrcv -------------------------------------------------------------------------- */

/* The message msgrcv takes for type (Linux's convert_mode and find_msg):
 * the first (0), the first of that type (> 0; MSG_EXCEPT: of another),
 * or the first of the lowest type not above -type (< 0). The link that
 * points at it, or NULL. */
static struct msg **msg_pick(struct msg_queue *q, int64_t type, int flags)
{
    struct msg **best = 0;
    uint64_t bound = type < 0 ? (type == INT64_MIN ? (uint64_t)INT64_MAX : (uint64_t)-type) : 0;
    for (struct msg **at = &q->head; *at; at = &(*at)->next) {
        int64_t t = (*at)->type;
        if (type == 0 || (type > 0 && (flags & MSG_EXCEPT ? t != type : t == type)))
            return at;
        if (type < 0 && (uint64_t)t <= bound && (!best || t < (*best)->type))
            best = at;
    }
    return best;
}

static void msg_unlink(struct msg_queue *q, struct msg **at)
{
    struct msg *m = *at;
    *at = m->next;
    if (q->tail == &m->next)
        q->tail = at;
    q->cbytes -= m->size;
    q->qnum--;
    msg_hdrs--;
    msg_bytes -= m->size;
    q->lrpid = ipc_pid();
    q->rtime = ipc_now();
    waitq_wake_all(&q->sq);
}

/* The message to receive, taken off queue id: 0 and *out (the caller's to
 * free), or -errno. A message longer than size stays unless MSG_NOERROR. */
static int msg_take(int64_t id, uint64_t size, int64_t type, int flags, struct msg **out)
{
    struct msg_queue *q = queue_find(id);
    if (!q)
        return -EINVAL;
    if (ipc_access(&q->ipc, 0444))
        return -EACCES;
    struct msg **at;
    while (!(at = msg_pick(q, type, flags))) {
        if (flags & IPC_NOWAIT)
            return -ENOMSG;
        int err = queue_sleep(q, &q->rq);
        if (err)
            return err;
    }
    if ((*at)->size > size && !(flags & MSG_NOERROR))
        return -E2BIG;
    *out = *at;
    msg_unlink(q, at);
    return 0;
}

static int64_t sys_msgrcv(uint64_t id, uint64_t umsg, uint64_t size, uint64_t type, uint64_t flags,
                          uint64_t a5)
{
    ARG(a5);
    struct msg *m;
    int f = (int)flags;
    if ((int32_t)id < 0 || (int64_t)size < 0 || (f & ~MSGRCV_KNOWN))
        return -EINVAL;
    if (f & MSG_COPY) /* a checkpoint/restore interface, not built here */
        return (f & MSG_EXCEPT) || !(f & IPC_NOWAIT) ? -EINVAL : -ENOSYS;
    int err = msg_take((int32_t)id, size, (int64_t)type, f, &m);
    if (err)
        return err;
    uint64_t n = m->size < size ? m->size : size;
    if (copy_to_user((void *)umsg, &m->type, sizeof(m->type)) ||
        copy_to_user((uint8_t *)umsg + sizeof(m->type), m->text, n))
        err = -EFAULT; /* the message is lost, as on Linux */
    kfree(m);
    return err ? err : (int64_t)n;
}

/* --- msgctl -------------------------------------------------------------------------- */

static int64_t msg_info(int cmd, uint64_t ubuf)
{
    struct msginfo mi = {MSGPOOL, MSGMAP, MSGMAX, MSGMNB, MSGMNI, MSGSSZ, MSGTQL, MSGSEG};
    if (cmd == MSG_INFO) {
        mi.msgpool = (int32_t)msg_ids.in_use;
        mi.msgmap = (int32_t)msg_hdrs;
        mi.msgtql = (int32_t)msg_bytes;
    }
    if (copy_to_user((void *)ubuf, &mi, sizeof(mi)))
        return -EFAULT;
    return ipc_max_idx(&msg_ids);
}

static int64_t msg_stat(int cmd, int64_t id, uint64_t ubuf)
{
    struct msqid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_stat_obj(&msg_ids, cmd == IPC_STAT, id, cmd == MSG_STAT_ANY, &o);
    if (err)
        return err;
    struct msg_queue *q = (struct msg_queue *)o;
    ds = (struct msqid64_ds){.msg_stime = q->stime,
                             .msg_rtime = q->rtime,
                             .msg_ctime = q->ipc.ctime,
                             .msg_cbytes = q->cbytes,
                             .msg_qnum = q->qnum,
                             .msg_qbytes = q->qbytes,
                             .msg_lspid = q->lspid,
                             .msg_lrpid = q->lrpid};
    ipc_perm_out(&q->ipc, &ds.msg_perm);
    if (copy_to_user((void *)ubuf, &ds, sizeof(ds)))
        return -EFAULT;
    return cmd == IPC_STAT ? 0 : q->ipc.id;
}

/* IPC_SET (a limit above MSGMNB only for the privileged, Linux's
 * CAP_SYS_RESOURCE) and IPC_RMID. */
static int64_t msg_change(int cmd, int64_t id, uint64_t ubuf)
{
    struct msqid64_ds ds;
    struct ipc_obj *o;
    int err = ipc_change_obj(&msg_ids, id, cmd == IPC_SET ? &ds : 0, sizeof(ds), ubuf, &o);
    if (err)
        return err;
    struct msg_queue *q = (struct msg_queue *)o;
    if (cmd == IPC_RMID) {
        queue_remove(q);
        return 0;
    }
    if (ds.msg_qbytes > MSGMNB && !cred_capable(CAP_SYS_RESOURCE))
        return -EPERM;
    q->qbytes = ds.msg_qbytes;
    ipc_perm_set(&q->ipc, &ds.msg_perm);
    waitq_wake_all(&q->sq); /* the room may have grown */
    return 0;
}

static int64_t sys_msgctl(uint64_t id, uint64_t cmd, uint64_t ubuf, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int c = (int)cmd, i = (int)id;
    if (c < 0 || i < 0)
        return -EINVAL;
    switch (c) {
    case IPC_INFO:
    case MSG_INFO:
        return msg_info(c, ubuf);
    case IPC_STAT:
    case MSG_STAT:
    case MSG_STAT_ANY:
        return msg_stat(c, i, ubuf);
    case IPC_SET:
    case IPC_RMID:
        return msg_change(c, i, ubuf);
    default:
        return -EINVAL;
    }
}

/* --- /proc ----------------------------------------------------------------------------- */

int gen_sysvipc_msg(int id, char *buf, size_t n)
{
    (void)id;
    size_t len =
        (size_t)snprintf(buf, n,
                         "       key      msqid perms      cbytes       qnum lspid lrpid   "
                         "uid   gid  cuid  cgid      stime      rtime      ctime\n");
    for (struct ipc_obj *o = msg_ids.head; o && len < n; o = o->next) {
        struct msg_queue *q = (struct msg_queue *)o;
        size_t k = (size_t)snprintf(
            buf + len, n - len,
            "%10d %10d  %4o  %10llu %10llu %5d %5d %5u %5u %5u %5u %10lld %10lld "
            "%10lld\n",
            o->key, o->id, o->mode, (unsigned long long)q->cbytes, (unsigned long long)q->qnum,
            q->lspid, q->lrpid, o->uid, o->gid, o->cuid, o->cgid, (long long)q->stime,
            (long long)q->rtime, (long long)o->ctime);
        if (len + k >= n) {
            buf[len] = 0; /* whole lines only */
            break;
        }
        len += k;
    }
    return len < n ? (int)len : (int)n - 1; /* n - 1: the header alone did not fit */
}

int gen_sys_msgmax(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%u\n", MSGMAX);
}

int gen_sys_msgmnb(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%u\n", MSGMNB);
}

int gen_sys_msgmni(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%u\n", MSGMNI);
}

void msg_register(void)
{
    syscall_register(SYS_msgget, sys_msgget);
    syscall_register(SYS_msgsnd, sys_msgsnd);
    syscall_register(SYS_msgrcv, sys_msgrcv);
    syscall_register(SYS_msgctl, sys_msgctl);
}
