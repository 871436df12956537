/* inotify(7): instances (anonymous files) that queue struct inotify_event
 * records for the vnodes they watch. The generic layer reports what
 * happens (vn_notify, dir_notify: a pointer test while nothing is
 * watched); this file finds the watches and queues, as Linux's
 * fs/notify/inotify: a watch holds its vnode, one watch per vnode per
 * instance, consecutive identical events merged, at most INOTIFY_MAX_EVENTS
 * queued and then one IN_Q_OVERFLOW. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"

#define INOTIFY_MAX_EVENTS  16384 /* Linux's max_queued_events */
#define INOTIFY_MAX_WATCHES 8192  /* Linux's smallest max_user_watches */
/* Linux's max_user_instances (one user here: every process is root's) */
#define INOTIFY_MAX_INSTANCES 128
#define INOTIFY_HDR           16 /* sizeof(struct inotify_event): the name pads to it */
/* The events Linux reports to a watched directory about its entries. */
#define IN_ON_CHILD                                                                                \
    (IN_ACCESS | IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CLOSE_NOWRITE | IN_OPEN)

struct inotify;

struct inotify_mark {
    struct inotify_mark *vnext; /* the vnode's watches */
    struct inotify_mark *inext; /* the instance's watches */
    struct inotify *in;
    struct vnode *vn; /* referenced */
    int wd;
    uint32_t mask; /* IN_ALL_EVENTS bits and IN_ONESHOT, IN_EXCL_UNLINK */
};

/* struct inotify_event as read, the name padded with NULs to len bytes. */
struct in_event {
    struct in_event *next;
    int32_t wd;
    uint32_t mask, cookie, len;
    char name[];
};
_Static_assert(__builtin_offsetof(struct in_event, len) + 4 ==
                   __builtin_offsetof(struct in_event, wd) + INOTIFY_HDR,
               "struct inotify_event's header: wd, mask, cookie, len");

struct inotify {
    struct inotify *next; /* every instance (unmount, directory watches) */
    struct inotify_mark *marks;
    struct in_event *head, **tail, *last;
    uint32_t count; /* events queued, the overflow one included */
    uint64_t bytes; /* what they read as (FIONREAD) */
    int next_wd;
    struct waitq rq;
    struct pollq pq;
};

uint32_t inotify_dir_marks;
static struct inotify *instances;
static uint32_t ninstances;
static uint32_t watches;
static uint32_t next_cookie;

static const struct file_ops inotify_ops;

/* --- the queue -------------------------------------------------------------- */

static uint32_t event_size(const struct in_event *e)
{
    return INOTIFY_HDR + e->len;
}

static int event_same(const struct in_event *a, const struct in_event *b)
{
    return a->wd == b->wd && a->mask == b->mask && a->cookie == b->cookie && a->len == b->len &&
           memcmp(a->name, b->name, a->len) == 0;
}

static void queue_add(struct inotify *in, struct in_event *e)
{
    e->next = 0;
    *in->tail = e;
    in->tail = &e->next;
    in->last = e;
    in->count++;
    in->bytes += event_size(e);
    waitq_wake_all(&in->rq);
    pollq_notify(&in->pq, POLLIN | POLLRDNORM);
}

/* Queue an event (name may be NULL): merged with an identical last one;
 * past the limit one IN_Q_OVERFLOW (wd -1) stands for all that are lost,
 * as for an event that cannot be allocated. */
static void queue_event(struct inotify *in, int wd, uint32_t mask, uint32_t cookie,
                        const char *name, size_t len)
{
    uint32_t padded = len ? (uint32_t)(len + INOTIFY_HDR) & ~(uint32_t)(INOTIFY_HDR - 1) : 0;
    struct in_event *e = 0;
    if (in->count < INOTIFY_MAX_EVENTS)
        e = kzalloc(sizeof(*e) + padded);
    if (!e) {
        if (in->last && in->last->mask == IN_Q_OVERFLOW)
            return;
        if (!(e = kzalloc(sizeof(*e))))
            return;
        wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, len = padded = 0;
    }
    e->wd = wd;
    e->mask = mask;
    e->cookie = cookie;
    e->len = padded;
    if (len)
        memcpy(e->name, name, len);
    if (in->last && event_same(in->last, e))
        kfree(e);
    else
        queue_add(in, e);
}

static void queue_free(struct inotify *in)
{
    while (in->head) {
        struct in_event *e = in->head;
        in->head = e->next;
        kfree(e);
    }
}

/* --- watches ------------------------------------------------------------------ */

static struct inotify_mark *mark_of(struct inotify *in, const struct vnode *vn)
{
    for (struct inotify_mark *m = vn->marks; m; m = m->vnext)
        if (m->in == in)
            return m;
    return 0;
}

/* Take m off its vnode and instance (the caller drops the reference). */
static void mark_unlink(struct inotify_mark *m)
{
    struct inotify_mark **pp;
    for (pp = &m->vn->marks; *pp != m; pp = &(*pp)->vnext)
        ;
    *pp = m->vnext;
    for (pp = &m->in->marks; *pp != m; pp = &(*pp)->inext)
        ;
    *pp = m->inext;
    if (S_ISDIR(m->vn->mode))
        inotify_dir_marks--;
    watches--;
}

/* Remove m, queueing IN_IGNORED: the vnode's reference goes last. */
static void mark_remove(struct inotify_mark *m)
{
    struct vnode *vn = m->vn;
    queue_event(m->in, m->wd, IN_IGNORED, 0, 0, 0);
    mark_unlink(m);
    kfree(m);
    vn_unref(vn);
}

/* Give m the event (mask with IN_ISDIR, name for an entry's): what m
 * watches for, and the end of an IN_ONESHOT watch. */
static void mark_event(struct inotify_mark *m, uint32_t mask, uint32_t cookie, const char *name,
                       size_t len)
{
    if (!(mask & m->mask & IN_ALL_EVENTS))
        return;
    queue_event(m->in, m->wd, mask, cookie, name, len);
    if (m->mask & IN_ONESHOT)
        mark_remove(m);
}

/* Every watch of vn's gets the event (a watch may go on the way). */
static void marks_event(struct vnode *vn, uint32_t mask, uint32_t cookie, const char *name,
                        size_t len)
{
    struct inotify_mark *m = vn->marks, *next;
    for (; m; m = next) {
        next = m->vnext;
        mark_event(m, mask, cookie, name, len);
    }
}

static uint32_t isdir(const struct vnode *vn)
{
    return S_ISDIR(vn->mode) ? IN_ISDIR : 0;
}

/* Watched directories naming vn get the event with the name: found by
 * searching them, which only happens while directories are watched. */
static void parents_event(struct vnode *vn, uint32_t mask)
{
    for (struct inotify *in = instances; in; in = in->next)
        for (struct inotify_mark *m = in->marks, *next; m; m = next) {
            next = m->inext;
            const char *name;
            size_t len;
            struct vnode *e;
            if (!S_ISDIR(m->vn->mode) || m->vn == vn)
                continue;
            for (uint64_t i = 2; dir_entry(m->vn, i, &name, &len, &e); i++)
                if (e == vn) {
                    mark_event(m, mask, 0, name, len);
                    break;
                }
        }
}

/* IN_ISDIR as Linux adds it: not to IN_MOVE_SELF (nor IN_DELETE_SELF). */
void inotify_event(struct vnode *vn, uint32_t mask)
{
    if (mask != IN_MOVE_SELF)
        mask |= isdir(vn);
    if (inotify_dir_marks && (mask & IN_ON_CHILD))
        parents_event(vn, mask);
    marks_event(vn, mask, 0, 0, 0);
}

void inotify_self_event(struct vnode *vn, uint32_t mask)
{
    marks_event(vn, mask | isdir(vn), 0, 0, 0);
}

void inotify_name_event(struct vnode *dir, uint32_t mask, const char *name, size_t len,
                        uint32_t mode, uint32_t cookie)
{
    marks_event(dir, mask | (S_ISDIR(mode) ? IN_ISDIR : 0), cookie, name, len);
}

uint32_t inotify_cookie(void)
{
    return ++next_cookie;
}

static uint32_t marks_count(const struct vnode *vn)
{
    uint32_t n = 0;
    for (struct inotify_mark *m = vn->marks; m; m = m->vnext)
        n++;
    return n;
}

void inotify_vnode_check(struct vnode *vn)
{
    if (vn->nlink || vn->refs != marks_count(vn))
        return;
    /* It lives until every watch is told. Linux's fsnotify_inoderemove
     * gives no IN_ISDIR. */
    vn_ref(vn);
    marks_event(vn, IN_DELETE_SELF, 0, 0, 0);
    while (vn->marks)
        mark_remove(vn->marks);
    vn_unref(vn);
}

uint64_t inotify_mount_refs(const struct mount *mnt)
{
    uint64_t n = 0;
    for (struct inotify *in = instances; in; in = in->next)
        for (struct inotify_mark *m = in->marks; m; m = m->inext)
            n += m->vn->mnt == mnt;
    return n;
}

void inotify_unmount(struct mount *mnt)
{
    for (struct inotify *in = instances; in; in = in->next)
        for (struct inotify_mark *m = in->marks, *next; m; m = next) {
            next = m->inext;
            if (m->vn->mnt != mnt)
                continue;
            queue_event(in, m->wd, IN_UNMOUNT | isdir(m->vn), 0, 0, 0);
            mark_remove(m);
        }
}

/* A watch's events: the user's, with the flags a watch keeps. */
static uint32_t mark_mask(uint32_t mask)
{
    return mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
}

static int mark_new(struct inotify *in, struct vnode *vn, uint32_t mask, int *wd)
{
    if (watches >= INOTIFY_MAX_WATCHES)
        return -ENOSPC;
    struct inotify_mark *m = kzalloc(sizeof(*m));
    if (!m)
        return -ENOMEM;
    vn_ref(vn);
    m->in = in;
    m->vn = vn;
    m->wd = in->next_wd++;
    m->mask = mark_mask(mask);
    m->vnext = vn->marks;
    vn->marks = m;
    m->inext = in->marks;
    in->marks = m;
    if (S_ISDIR(vn->mode))
        inotify_dir_marks++;
    watches++;
    *wd = m->wd;
    return 0;
}

static struct inotify *instance_of(struct file *f)
{
    return f->vn->fops == &inotify_ops ? f->vn->priv : 0;
}

int file_is_inotify(const struct file *f)
{
    return f->vn->fops == &inotify_ops;
}

int inotify_add(struct file *f, struct vnode *vn, uint32_t mask, int *wd)
{
    struct inotify *in = instance_of(f);
    if (!in)
        return -EINVAL;
    struct inotify_mark *m = mark_of(in, vn);
    if (!m)
        return mark_new(in, vn, mask, wd);
    if (mask & IN_MASK_CREATE)
        return -EEXIST;
    m->mask = mark_mask(mask) | ((mask & IN_MASK_ADD) ? m->mask : 0);
    *wd = m->wd;
    return 0;
}

int inotify_rm(struct file *f, int wd)
{
    struct inotify *in = instance_of(f);
    if (!in)
        return -EINVAL;
    for (struct inotify_mark *m = in->marks; m; m = m->inext)
        if (m->wd == wd) {
            mark_remove(m);
            return 0;
        }
    return -EINVAL;
}

/* --- the instance's file ------------------------------------------------------- */

/* Copy the first events that fit into ubuf: the byte count, -EINVAL when
 * the first does not fit, -EFAULT. As Linux, an event is taken off the
 * queue before it is copied: one that cannot be is lost. */
static long read_events(struct inotify *in, uint8_t *ubuf, size_t n)
{
    size_t done = 0;
    while (in->head && event_size(in->head) <= n - done) {
        struct in_event *e = in->head;
        uint32_t size = event_size(e);
        int fault = copy_to_user(ubuf + done, &e->wd, INOTIFY_HDR) ||
                    copy_to_user(ubuf + done + INOTIFY_HDR, e->name, e->len);
        in->head = e->next;
        if (!in->head) {
            in->tail = &in->head;
            in->last = 0;
        }
        in->count--;
        in->bytes -= size;
        kfree(e);
        if (fault)
            return -EFAULT;
        done += size;
    }
    return done ? (long)done : -EINVAL;
}

static long inotify_read(struct file *f, void *ubuf, size_t n)
{
    struct inotify *in = f->vn->priv;
    while (!in->head) {
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if (waitq_wait_intr(&in->rq, 0) < 0)
            return -ERESTARTSYS;
    }
    return read_events(in, ubuf, n);
}

static int inotify_poll(struct file *f, struct poll_table *pt)
{
    struct inotify *in = f->vn->priv;
    poll_wait(f, &in->pq, pt);
    return in->head ? POLLIN | POLLRDNORM : 0;
}

static long inotify_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct inotify *in = f->vn->priv;
    int avail = (int)in->bytes;
    if (cmd != FIONREAD)
        return -ENOTTY;
    return copy_to_user((void *)arg, &avail, sizeof(avail)) ? -EFAULT : 0;
}

/* The instance goes with its file: every watch with it (no IN_IGNORED to
 * read any more). */
static void inotify_release(struct vnode *vn)
{
    struct inotify *in = vn->priv, **pp;
    while (in->marks)
        mark_remove(in->marks);
    queue_free(in);
    for (pp = &instances; *pp != in; pp = &(*pp)->next)
        ;
    *pp = in->next;
    ninstances--;
    kfree(in);
}

static const struct file_ops inotify_ops = {
    .read = inotify_read,
    .ioctl = inotify_ioctl,
    .poll = inotify_poll,
    .release = inotify_release,
};

int inotify_create(uint32_t flags, struct file **out)
{
    if (ninstances >= INOTIFY_MAX_INSTANCES)
        return -EMFILE;
    struct inotify *in = kzalloc(sizeof(*in));
    if (!in)
        return -ENOMEM;
    in->tail = &in->head;
    in->next_wd = 1;
    waitq_init(&in->rq);
    pollq_init(&in->pq);
    int err = anon_file(&inotify_ops, in, flags, out);
    if (err) {
        kfree(in);
        return err;
    }
    (*out)->flags &= ~(uint32_t)O_ACCMODE; /* O_RDONLY, as Linux opens it: writes are -EBADF */
    in->next = instances;
    instances = in;
    ninstances++;
    return 0;
}
