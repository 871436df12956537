/* POSIX message queues: the namespace, making and opening queues, their
 * limits and charges, and the descriptor's own operations (read's status
 * line, poll, Linux's flush, the queue's end). Sending and receiving are
 * mqmsg.c, mq_notify mqnotify.c (mqobj.h).
 *
 * Linux keeps the queues in a file system (mqueue) whose root is mode
 * 01777: a name is looked up as one path component (EACCES for "", ".",
 * ".." or a '/', ENAMETOOLONG past NAME_MAX), creation needs no right
 * but the queue's own, and the sticky bit lets only a queue's owner (or
 * CAP_FOWNER) unlink it. No such file system is mounted here: the names
 * live in this file's list. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/ipc/ipc.h"
#include "kernel/ipc/mqobj.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/ptimer.h"

/* Linux's accounting of a queue against RLIMIT_MSGQUEUE (mqueue_get_inode):
 * its most messages at the size of a struct msg_msg and of a priority
 * tree node each (48 bytes on x86-64, as many of the latter as there can
 * be distinct priorities), plus the most message bytes. */
#define MQ_MSG_HDR  48
#define MQ_TREE_HDR 48

/* What each user's queues are charged (Linux's user_struct mq_bytes). */
struct mq_user {
    struct mq_user *next;
    uint32_t uid;
    uint64_t bytes;
};

static struct mqueue *names;  /* the named queues */
static struct mqueue *queues; /* every queue alive, by q->all */
static struct mq_user *users;
static uint64_t live_queues; /* named or open: what queues_max counts, as Linux */

static const struct file_ops mq_fops;

struct mqueue *mq_of_file(struct file *f)
{
    return f && f->vn->fops == &mq_fops ? f->vn->priv : 0;
}

uint64_t mq_count(void)
{
    return live_queues;
}

void mq_proc_exit(int32_t pid)
{
    for (struct mqueue *q = queues; q; q = q->all)
        mq_notify_exit(q, pid);
}

/* --- names ------------------------------------------------------------------------- */

/* A name as Linux's lookup_one_len takes one: 0, -EACCES or -ENAMETOOLONG. */
static int name_check(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
        return -EACCES;
    return len > MQ_NAME_MAX ? -ENAMETOOLONG : 0;
}

static struct mqueue **name_find(const char *name)
{
    struct mqueue **at = &names;
    while (*at && strcmp((*at)->name, name))
        at = &(*at)->next;
    return at;
}

/* --- charges ------------------------------------------------------------------------- */

static struct mq_user *user_find(uint32_t uid)
{
    for (struct mq_user *u = users; u; u = u->next)
        if (u->uid == uid)
            return u;
    return 0;
}

/* Charge q's bytes to the caller's real uid within its RLIMIT_MSGQUEUE:
 * 0, -EMFILE (Linux's answer past the limit) or -ENOMEM. */
static int charge(struct mqueue *q)
{
    struct proc *p = proc_current();
    uint64_t n = (uint64_t)q->maxmsg * MQ_MSG_HDR +
                 (uint64_t)(q->maxmsg < MQ_PRIO_MAX ? q->maxmsg : MQ_PRIO_MAX) * MQ_TREE_HDR +
                 (uint64_t)q->maxmsg * (uint64_t)q->msgsize;
    uint32_t uid = p ? p->cred.uid[0] : 0;
    uint64_t lim = p ? p->rlim[RLIMIT_MSGQUEUE].cur : RLIM_INFINITY;
    struct mq_user *u = user_find(uid);
    uint64_t had = u ? u->bytes : 0;
    if (had + n < had || had + n > lim)
        return -EMFILE;
    if (!u) {
        if (!(u = kzalloc(sizeof(*u))))
            return -ENOMEM;
        u->uid = uid;
        u->next = users;
        users = u;
    }
    u->bytes += n;
    q->uid = uid;
    q->charged = n;
    return 0;
}

static void uncharge(struct mqueue *q)
{
    struct mq_user **at = &users;
    while (*at && (*at)->uid != q->uid)
        at = &(*at)->next;
    KASSERT(*at && (*at)->bytes >= q->charged);
    struct mq_user *u = *at;
    u->bytes -= q->charged;
    if (u->bytes == 0) {
        *at = u->next;
        kfree(u);
    }
}

/* --- making a queue -------------------------------------------------------------------- */

/* The size a new queue gets (Linux's mqueue_get_inode): the defaults
 * without attr; 0, -EINVAL (not positive, past the limits: msg_max and
 * msgsize_max, or for CAP_SYS_RESOURCE the hard ones) or -EOVERFLOW. */
static int attr_check(const struct mq_attr_k *attr, int64_t *maxmsg, int64_t *msgsize)
{
    *maxmsg = attr ? attr->maxmsg : MQ_MSG_DEFAULT;
    *msgsize = attr ? attr->msgsize : MQ_MSGSIZE_DEFAULT;
    if (*maxmsg <= 0 || *msgsize <= 0)
        return -EINVAL;
    int priv = cred_capable(CAP_SYS_RESOURCE);
    if (*maxmsg > (priv ? MQ_HARD_MSGMAX : MQ_MSG_MAX) ||
        *msgsize > (priv ? MQ_HARD_MSGSIZEMAX : MQ_MSGSIZE_MAX))
        return -EINVAL;
    if ((uint64_t)*msgsize > UINT64_MAX / (uint64_t)*maxmsg)
        return -EOVERFLOW;
    return 0;
}

/* A new queue named name with mode less the umask: 0 and *out (named,
 * the name's vnode reference its one), or -errno. */
static int queue_create(const char *name, uint32_t mode, const struct mq_attr_k *attr,
                        struct mqueue **out)
{
    struct proc *p = proc_current();
    if (live_queues >= MQ_QUEUES_MAX && !cred_capable(CAP_SYS_RESOURCE))
        return -ENOSPC;
    int64_t maxmsg, msgsize;
    int err = attr_check(attr, &maxmsg, &msgsize);
    if (err)
        return err;
    struct mqueue *q = kzalloc(sizeof(*q));
    size_t len = strlen(name);
    char *copy = kmalloc(len + 1);
    struct vnode *vn = vn_alloc(S_IFREG | (mode & ~(p ? p->umask : 0) & 07777));
    err = -ENOMEM;
    if (q && copy && vn) {
        q->maxmsg = maxmsg;
        q->msgsize = msgsize;
        err = charge(q);
    }
    if (err) {
        kfree(copy);
        kfree(q);
        if (vn)
            vn_unref(vn);
        return err;
    }
    memcpy(copy, name, len + 1);
    q->name = copy;
    q->vn = vn;
    pollq_init(&q->pq);
    proc_fsids(&vn->uid, &vn->gid);
    vn->size = MQ_FILE_SIZE;
    vn->fops = &mq_fops;
    vn->priv = q;
    q->next = names;
    names = q;
    q->all = queues;
    queues = q;
    live_queues++;
    *out = q;
    return 0;
}

/* --- mq_open, mq_unlink ---------------------------------------------------------------- */

static int in_group(const struct cred *c, uint32_t gid)
{
    if (c->fsgid == gid)
        return 1;
    for (uint32_t i = 0; i < c->ngroups; i++)
        if (c->groups[i] == gid)
            return 1;
    return 0;
}

/* Linux's inode_permission on a queue for want (4 read, 2 write): the
 * owner's, group's or others' bits by the caller's fs ids, overridden by
 * CAP_DAC_OVERRIDE (and for reading CAP_DAC_READ_SEARCH). 0 or -EACCES. */
static int queue_permission(const struct vnode *vn, unsigned want)
{
    struct proc *p = proc_current();
    if (!p || cred_capable(CAP_DAC_OVERRIDE))
        return 0;
    if (want == 4 && cred_capable(CAP_DAC_READ_SEARCH))
        return 0;
    unsigned bits = vn->mode;
    if (p->cred.fsuid == vn->uid)
        bits >>= 6;
    else if (in_group(&p->cred, vn->gid))
        bits >>= 3;
    return (want & ~bits & 7) ? -EACCES : 0;
}

/* Linux's prepare_open for an existing queue. */
static int open_existing(struct mqueue *q, int oflag)
{
    static const unsigned want[3] = {4, 2, 6};
    if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
        return -EEXIST;
    if ((oflag & O_ACCMODE) == O_ACCMODE)
        return -EINVAL;
    return queue_permission(q->vn, want[oflag & O_ACCMODE]);
}

int mq_open_file(const char *name, int oflag, uint32_t mode, const struct mq_attr_k *attr,
                 struct file **out)
{
    int err = name_check(name);
    if (err)
        return err;
    struct mqueue *q = *name_find(name);
    if (!q && !(oflag & O_CREAT))
        return -ENOENT;
    err = q ? open_existing(q, oflag) : queue_create(name, mode, attr, &q);
    if (err)
        return err;
    /* The file keeps the access mode (an O_WRONLY|O_RDWR one made by
     * O_CREAT allows neither, as Linux) and O_NONBLOCK; Linux's other open
     * flags mean nothing to a queue and are not kept either. */
    return file_open_vnode(q->vn, (uint32_t)oflag & (O_ACCMODE | O_NONBLOCK), out);
}

int mq_unlink_name(const char *name)
{
    int err = name_check(name);
    if (err)
        return err;
    struct mqueue **at = name_find(name), *q = *at;
    if (!q)
        return -ENOENT;
    struct proc *p = proc_current();
    if (p && p->cred.fsuid != q->vn->uid && p->cred.fsuid != 0 && !cred_capable(CAP_FOWNER))
        return -EPERM; /* the mqueue root's sticky bit (its owner is root) */
    *at = q->next;
    kfree(q->name);
    q->name = 0;
    q->next = 0;
    vn_unref(q->vn); /* the name's reference: the queue lives while open */
    return 0;
}

/* --- the descriptor ---------------------------------------------------------------------- */

/* read(2) on a queue: Linux's status line, from the file's offset. */
static long mq_read(struct file *f, void *ubuf, size_t n)
{
    struct mqueue *q = f->vn->priv;
    char line[96];
    int on = q->reg.pid != 0;
    int len = snprintf(line, sizeof(line), "QSIZE:%-10llu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n",
                       (unsigned long long)q->qsize, on ? q->reg.notify : 0,
                       on && q->reg.notify == SIGEV_SIGNAL ? q->reg.signo : 0, q->reg.pid);
    if (f->off >= (uint64_t)len)
        return 0;
    size_t k = (size_t)len - f->off < n ? (size_t)len - f->off : n;
    if (copy_to_user(ubuf, line + f->off, k))
        return -EFAULT;
    f->off += k;
    return (long)k;
}

/* Linux's bits: IN with a message, OUT with room, whatever the access mode. */
static int mq_poll(struct file *f, struct poll_table *pt)
{
    struct mqueue *q = f->vn->priv;
    poll_wait(f, &q->pq, pt);
    int ev = q->curmsgs ? POLLIN | POLLRDNORM : 0;
    if (q->curmsgs < q->maxmsg)
        ev |= POLLOUT | POLLWRNORM;
    return ev;
}

static void mq_flush(struct file *f, struct proc *p)
{
    mq_notify_flush(f->vn->priv, p->pid);
}

/* The vnode's last reference (no name, no file) is going: so is the queue.
 * Nobody can be waiting on it: a waiter holds its file. */
static void mq_release(struct vnode *vn)
{
    struct mqueue *q = vn->priv;
    KASSERT(!q->name && !q->senders && !q->receivers);
    mq_notify_clear(q);
    mq_msgs_free(q);
    uncharge(q);
    struct mqueue **at = &queues;
    while (*at != q)
        at = &(*at)->all;
    *at = q->all;
    live_queues--;
    kfree(q);
}

static const struct file_ops mq_fops = {
    .read = mq_read,
    .poll = mq_poll,
    .flush = mq_flush,
    .release = mq_release,
    .seekable = VN_SEEK_OFFSET,
};

int mq_getsetattr_file(struct file *f, const struct mq_attr_k *new, struct mq_attr_k *old)
{
    if (new && (new->flags & ~(int64_t)O_NONBLOCK))
        return -EINVAL;
    struct mqueue *q = mq_of_file(f);
    if (!q)
        return -EBADF;
    if (old)
        *old = (struct mq_attr_k){.flags = f->flags & O_NONBLOCK,
                                  .maxmsg = q->maxmsg,
                                  .msgsize = q->msgsize,
                                  .curmsgs = q->curmsgs};
    if (new)
        f->flags = (f->flags & ~(uint32_t)O_NONBLOCK) | ((uint32_t) new->flags &O_NONBLOCK);
    return 0;
}

/* --- /proc/sys/fs/mqueue (read-only: the limits are constants here) ------------------------ */

int gen_sys_mq_msg_max(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%d\n", MQ_MSG_MAX);
}

int gen_sys_mq_msgsize_max(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%d\n", MQ_MSGSIZE_MAX);
}

int gen_sys_mq_queues_max(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%d\n", MQ_QUEUES_MAX);
}

int gen_sys_mq_msg_default(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%d\n", MQ_MSG_DEFAULT);
}

int gen_sys_mq_msgsize_default(int id, char *buf, size_t n)
{
    (void)id;
    return snprintf(buf, n, "%d\n", MQ_MSGSIZE_DEFAULT);
}
