/* Advisory locks on files: flock(2) locks and fcntl(2) record locks, kept
 * per vnode (vn->locks) while any exist or anyone waits for one.
 *
 * Owners: a flock lock and an open file description (OFD) record lock
 * belong to the struct file; a POSIX record lock to the process (so a fork
 * does not inherit it, and the process's close of any descriptor of the
 * file gives it up). Owners are compared as pointers: a file and a process
 * are never at the same address.
 *
 * Record locks of one owner never overlap, and two of the same type that
 * touch are merged; a lock over part of another of the owner's changes,
 * splits or removes that one, as POSIX has it.
 *
 * Waiting: every waiter of a vnode sleeps on its one queue; any release
 * wakes them all and each looks again (locks change rarely, and this keeps
 * no per-lock waiter lists). A POSIX waiter is also on a global list of who
 * waits for whom, for the deadlock check.
 *
 * One CPU and no kernel preemption: nothing changes between two steps
 * that do not block. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

/* Linux's MAX_DEADLK_ITERATIONS: how far a chain of waiters is followed. */
#define DEADLK_MAX 10

struct lockrec {
    struct lockrec *next;
    const void *owner;
    struct lock_range r; /* flock: type only */
};

struct vlocks {
    struct lockrec *recs;   /* record locks, POSIX and OFD, by start */
    struct lockrec *flocks; /* flock locks */
    struct waitq wq;        /* everyone waiting for a lock on this vnode */
    unsigned waiters;
};

/* A POSIX request asleep: owner waits for a lock of blocker. */
struct lockwait {
    struct lockwait *next;
    const void *owner, *blocker;
};
static struct lockwait *waiting;

/* vn's table, made when missing: NULL on -ENOMEM. */
static struct vlocks *vl_get(struct vnode *vn)
{
    if (!vn->locks && (vn->locks = kzalloc(sizeof(*vn->locks))))
        waitq_init(&vn->locks->wq);
    return vn->locks;
}

/* Free vn's table once nothing is in it or waits on it. */
static void vl_put(struct vnode *vn)
{
    struct vlocks *vl = vn->locks;
    if (vl && !vl->recs && !vl->flocks && !vl->waiters) {
        kfree(vl);
        vn->locks = 0;
    }
}

/* Something was given up: the waiters look again. */
static void vl_changed(struct vlocks *vl)
{
    if (vl->waiters)
        waitq_wake_all(&vl->wq);
}

static int conflicts(int a, int b)
{
    return a == LK_WRLCK || b == LK_WRLCK;
}

/* Sleep on vn's queue until a release (owner, if a POSIX request, listed
 * as waiting for blocker meanwhile): 0 or -ERESTARTSYS. The table stays
 * (the caller vl_puts it). */
static int vl_wait(struct vnode *vn, const void *owner, const void *blocker)
{
    struct vlocks *vl = vn->locks;
    struct lockwait w = {waiting, owner, blocker};
    if (owner)
        waiting = &w;
    vl->waiters++;
    int r = waitq_wait_intr(&vl->wq, 0);
    vl->waiters--;
    for (struct lockwait **pp = &waiting; owner && *pp; pp = &(*pp)->next)
        if (*pp == &w) {
            *pp = w.next;
            break;
        }
    return r < 0 ? -ERESTARTSYS : 0;
}

/* Linux's posix_locks_deadlock: would owner, waiting for blocker, close a
 * cycle? Follow whom blocker waits for, and whom that one waits for, a
 * few steps. */
static int deadlock(const void *owner, const void *blocker)
{
    for (int i = 0; i < DEADLK_MAX; i++) {
        struct lockwait *w = waiting;
        while (w && w->owner != blocker)
            w = w->next;
        if (!w)
            return 0;
        blocker = w->blocker;
        if (blocker == owner)
            return 1;
    }
    return 0;
}

/* --- flock --------------------------------------------------------------- */

static struct lockrec **flock_find(struct vlocks *vl, const struct file *f)
{
    struct lockrec **pp = &vl->flocks;
    while (*pp && (*pp)->owner != f)
        pp = &(*pp)->next;
    return pp;
}

static const struct lockrec *flock_conflict(const struct vlocks *vl, const struct file *f, int type)
{
    for (const struct lockrec *l = vl->flocks; l; l = l->next)
        if (l->owner != f && conflicts(l->r.type, type))
            return l;
    return 0;
}

/* Give up f's flock on vn, if it has one. */
static void flock_remove(struct vnode *vn, const struct file *f)
{
    struct lockrec **pp = flock_find(vn->locks, f), *l = *pp;
    if (!l)
        return;
    *pp = l->next;
    kfree(l);
    vl_changed(vn->locks);
}

int lock_flock(struct file *f, int type, int wait)
{
    struct vnode *vn = f->vn;
    struct lockrec *l = 0;
    int err = 0;
    if (type == LK_UNLCK && !vn->locks)
        return 0;
    if (!vl_get(vn) || (type != LK_UNLCK && !(l = kzalloc(sizeof(*l))))) {
        err = -ENOMEM;
        goto out;
    }
    struct lockrec *old = *flock_find(vn->locks, f);
    if (old && old->r.type == type)
        goto out; /* already so */
    flock_remove(vn, f);
    if (type == LK_UNLCK)
        goto out;
    while (!err && flock_conflict(vn->locks, f, type))
        err = wait ? vl_wait(vn, 0, 0) : -EAGAIN; /* EWOULDBLOCK */
    if (err)
        goto out;
    l->owner = f;
    l->r.type = type;
    l->next = vn->locks->flocks;
    vn->locks->flocks = l;
    l = 0;
out:
    kfree(l);
    vl_put(vn);
    return err;
}

/* --- record locks ---------------------------------------------------------- */

static int overlap(const struct lock_range *a, const struct lock_range *b)
{
    return a->start <= b->end && b->start <= a->end;
}

/* a and b touch or overlap. */
static int adjoin(const struct lock_range *a, const struct lock_range *b)
{
    return (a->end == LK_OFF_MAX || a->end + 1 >= b->start) &&
           (b->end == LK_OFF_MAX || b->end + 1 >= a->start);
}

static const struct lockrec *rec_conflict(const struct vlocks *vl, const void *owner,
                                          const struct lock_range *r)
{
    for (const struct lockrec *l = vl ? vl->recs : 0; l; l = l->next)
        if (l->owner != owner && overlap(&l->r, r) && conflicts(l->r.type, r->type))
            return l;
    return 0;
}

void lock_rec_get(struct vnode *vn, const void *owner, struct lock_range *r)
{
    const struct lockrec *l = rec_conflict(vn->locks, owner, r);
    if (l)
        *r = l->r;
    else
        r->type = LK_UNLCK;
}

/* Put l into the list by start. */
static void rec_insert(struct vlocks *vl, struct lockrec *l)
{
    struct lockrec **pp = &vl->recs;
    while (*pp && (*pp)->r.start <= l->r.start)
        pp = &(*pp)->next;
    l->next = *pp;
    *pp = l;
}

/* Cut r's range out of owner's lock *pp (of another type than r's, or
 * r an unlock): it shrinks, splits (taking *spare) or goes. */
static void rec_cut(struct vlocks *vl, struct lockrec **pp, const struct lock_range *r,
                    struct lockrec **spare)
{
    struct lockrec *l = *pp;
    if (l->r.start < r->start && l->r.end > r->end) {
        struct lockrec *tail = *spare;
        *spare = 0;
        *tail = *l;
        tail->r.start = r->end + 1;
        l->r.end = r->start - 1;
        rec_insert(vl, tail);
    } else if (l->r.start < r->start) {
        l->r.end = r->start - 1;
    } else if (l->r.end > r->end) {
        l->r.start = r->end + 1;
        *pp = l->next; /* back in order by its new start */
        rec_insert(vl, l);
    } else {
        *pp = l->next;
        kfree(l);
    }
}

/* Make owner's locks over r's range r->type; l (NULL for an unlock) and
 * spare are the records it may need, set to NULL when taken. */
static void rec_apply(struct vlocks *vl, const void *owner, struct lock_range r, struct lockrec **l,
                      struct lockrec **spare)
{
    struct lockrec **pp = &vl->recs;
    while (*pp) {
        struct lockrec *cur = *pp;
        if (cur->owner != owner || !adjoin(&cur->r, &r)) {
            pp = &cur->next;
        } else if (cur->r.type == r.type) { /* merge into the new one */
            r.start = cur->r.start < r.start ? cur->r.start : r.start;
            r.end = cur->r.end > r.end ? cur->r.end : r.end;
            *pp = cur->next;
            kfree(cur);
        } else if (overlap(&cur->r, &r)) {
            rec_cut(vl, pp, &r, spare);
            if (*pp == cur)
                pp = &cur->next;
        } else {
            pp = &cur->next;
        }
    }
    if (r.type != LK_UNLCK) {
        (*l)->owner = owner;
        (*l)->r = r;
        rec_insert(vl, *l);
        *l = 0;
    }
}

int lock_rec_set(struct vnode *vn, const void *owner, int posix, const struct lock_range *r,
                 int wait)
{
    if (r->type == LK_UNLCK && !vn->locks)
        return 0;
    struct lockrec *l = 0, *spare = kzalloc(sizeof(*spare));
    int err = 0;
    if (!spare || !vl_get(vn) || (r->type != LK_UNLCK && !(l = kzalloc(sizeof(*l))))) {
        err = -ENOMEM;
        goto out;
    }
    const struct lockrec *c;
    while (!err && (c = rec_conflict(vn->locks, owner, r))) {
        if (!wait)
            err = -EAGAIN;
        else if (posix && deadlock(owner, c->owner))
            err = -EDEADLK;
        else
            err = vl_wait(vn, posix ? owner : 0, c->owner);
    }
    if (err)
        goto out;
    rec_apply(vn->locks, owner, *r, &l, &spare);
    vl_changed(vn->locks);
out:
    kfree(l);
    kfree(spare);
    vl_put(vn);
    return err;
}

/* Remove every record lock of owner on vn. */
static void rec_remove_owner(struct vnode *vn, const void *owner)
{
    struct vlocks *vl = vn->locks;
    int gone = 0;
    for (struct lockrec **pp = &vl->recs; *pp;) {
        struct lockrec *l = *pp;
        if (l->owner != owner) {
            pp = &l->next;
            continue;
        }
        *pp = l->next;
        kfree(l);
        gone = 1;
    }
    if (gone)
        vl_changed(vl);
}

void lock_file_close(struct file *f)
{
    struct vnode *vn = f->vn;
    if (!vn->locks)
        return;
    flock_remove(vn, f);
    rec_remove_owner(vn, f);
    vl_put(vn);
}

void lock_posix_release(struct vnode *vn, const void *owner)
{
    if (!vn->locks)
        return;
    rec_remove_owner(vn, owner);
    vl_put(vn);
}
