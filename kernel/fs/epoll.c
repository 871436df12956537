/* epoll(7). An epoll instance is a file whose vnode operations are the
 * instance's. Each watched (file, fd) pair is an item, registered (a
 * pollent) on every queue the file's poll operation names; a notification
 * there puts the item on the instance's ready list and wakes one
 * epoll_wait sleeper and the instance's own queue, so an epoll file can
 * be polled, and watched by another instance. epoll_wait looks at the
 * ready list only: its cost follows the ready items, not the watched ones.
 *
 * Items hold no reference on their file: the interest list follows the
 * open file description, and when the last reference to a watched file
 * goes its items leave every instance (epoll_file_gone, from file_unref).
 *
 * One CPU and kernel code is never preempted, so the lists need no lock.
 * But a copy to the program may fault and yield the CPU (the OOM killer),
 * and another thread may remove an item meanwhile: the item being copied
 * out is pinned, and the reporter frees it if it was removed. */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

/* Bits of an item's events that are not readiness (Linux's EP_PRIVATE_BITS). */
#define EP_PRIVATE (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
/* What EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS). */
#define EP_EXCLUSIVE_OK                                                                            \
    (POLLIN | POLLOUT | POLLERR | POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
/* Deepest chain of instances inside instances past the first, as Linux. */
#define EP_MAX_NESTS 4
#define EP_TOO_DEEP  (EP_MAX_NESTS + 1)

/* A circular doubly linked list (a head links to itself when empty; so
 * does a member on no list). */
struct eplink {
    struct eplink *next, *prev;
};

static void link_init(struct eplink *l)
{
    l->next = l->prev = l;
}

static int link_alone(const struct eplink *l)
{
    return l->next == l;
}

static void link_insert(struct eplink *l, struct eplink *prev, struct eplink *next)
{
    l->prev = prev;
    l->next = next;
    prev->next = l;
    next->prev = l;
}

static void link_add_tail(struct eplink *head, struct eplink *l)
{
    link_insert(l, head->prev, head);
}

static void link_add_head(struct eplink *head, struct eplink *l)
{
    link_insert(l, head, head->next);
}

static void link_del(struct eplink *l)
{
    l->prev->next = l->next;
    l->next->prev = l->prev;
    link_init(l);
}

/* Move every member of from in front of to's, in order. */
static void link_splice_head(struct eplink *from, struct eplink *to)
{
    if (link_alone(from))
        return;
    from->prev->next = to->next;
    to->next->prev = from->prev;
    to->next = from->next;
    from->next->prev = to;
    link_init(from);
}

struct eventpoll;
struct epitem;

/* One registration of an item on a queue of its file. */
struct ephook {
    struct pollent pe; /* first: the notify callback finds the hook from it */
    struct epitem *item;
    struct ephook *next;
};

struct epitem {
    struct eplink all;              /* on the interest list: items watching instances first */
    struct eplink rdl;              /* on the ready list or a report's batch; alone: on neither */
    struct epitem *fnext, **fpprev; /* on its file's ep_items */
    struct eventpoll *ep;
    struct file *file; /* not referenced: the item goes with the file */
    int fd;
    uint32_t events; /* POLL* wanted with ERR and HUP, and EP_PRIVATE flags; a
                      * reported EPOLLONESHOT item keeps only the flags */
    uint64_t data;
    struct ephook *hooks;
    unsigned pinned; /* reporters copying it out: a removal leaves the free to them */
    int dead;        /* removed while pinned */
};

struct eventpoll {
    struct eplink items;  /* the interest list */
    struct eplink ready;  /* items that may be ready, in the order they became so */
    struct waitq waiters; /* epoll_wait sleepers, woken one per event (Linux's exclusive wait) */
    struct pollq pq;      /* pollers of this instance and instances watching it */
    struct file *file;    /* the one file that is this instance (dup and fork share it) */
    uint64_t gen_down, gen_up; /* the last nesting check that measured it, each way */
    int depth_down, depth_up;  /* what that check found */
};

#define ITEM_OF(l, member) ((struct epitem *)((char *)(l)-offsetof(struct epitem, member)))

static const struct file_ops epoll_ops;

int file_is_epoll(const struct file *f)
{
    return f->vn->fops == &epoll_ops;
}

static struct eventpoll *ep_of(const struct file *f)
{
    return f->vn->priv;
}

/* --- readiness ------------------------------------------------------------- */

/* What epi's file is ready for of what epi wants (0 for a spent ONESHOT). */
static uint32_t item_poll(struct epitem *epi, struct poll_table *pt)
{
    return (uint32_t)file_poll(epi->file, pt) & epi->events;
}

/* Put epi on the ready list unless it is on it (or on a report's batch),
 * and tell one epoll_wait sleeper and the instance's queue: 1 when a
 * sleeper was woken. */
static int ep_ready(struct eventpoll *ep, struct epitem *epi)
{
    if (link_alone(&epi->rdl))
        link_add_tail(&ep->ready, &epi->rdl);
    /* Both usually empty: no call then (the epoll_wait round trip). */
    int woke = ep->waiters.head ? waitq_wake_one(&ep->waiters) : 0;
    if (ep->pq.head)
        pollq_notify(&ep->pq, POLLIN | POLLRDNORM);
    return woke;
}

/* Whether an EPOLLEXCLUSIVE item's notification ends the wake-up, as
 * Linux's ep_poll_callback: it woke a sleeper for what it was told of (in
 * only, out only, or neither said). */
static int exclusive_done(const struct epitem *epi, int events, int woke)
{
    switch (events & (POLLIN | POLLOUT)) {
    case POLLIN:
        return woke && (epi->events & POLLIN);
    case POLLOUT:
        return woke && (epi->events & POLLOUT);
    case 0:
        return woke;
    default:
        return 0;
    }
}

/* A queue of the item's file was notified of events (0: unsaid). */
static int item_notify(struct pollent *pe, int events)
{
    struct epitem *epi = ((struct ephook *)pe)->item;
    if (!(epi->events & ~EP_PRIVATE) || (events && !(events & epi->events)))
        return 0; /* a spent ONESHOT item, or nothing it watches */
    int woke = ep_ready(epi->ep, epi);
    return (epi->events & EPOLLEXCLUSIVE) ? exclusive_done(epi, events, woke) : 1;
}

/* --- the interest list -------------------------------------------------------- */

/* The poll_table an item registers through. */
struct ep_table {
    struct poll_table pt; /* first: the queue callback finds the table from it */
    struct epitem *epi;
    int err;
};

static void item_queue(struct poll_table *pt, struct file *f, struct pollq *q)
{
    struct ep_table *t = (struct ep_table *)pt;
    struct ephook *h = kzalloc(sizeof(*h));
    (void)f;
    if (!h) {
        t->err = -ENOMEM;
        return;
    }
    h->item = t->epi;
    h->pe.notify = item_notify;
    h->pe.exclusive = (t->epi->events & EPOLLEXCLUSIVE) != 0;
    h->next = t->epi->hooks;
    t->epi->hooks = h;
    pollq_add(q, &h->pe);
}

static void item_unhook(struct epitem *epi)
{
    for (struct ephook *h = epi->hooks, *next; h; h = next) {
        next = h->next;
        pollq_del(&h->pe);
        kfree(h);
    }
    epi->hooks = 0;
}

/* The item for fd open as f in ep, or NULL. A file is watched by few
 * items, so its own list is the index. */
static struct epitem *ep_find(struct eventpoll *ep, struct file *f, int fd)
{
    for (struct epitem *epi = f->ep_items; epi; epi = epi->fnext)
        if (epi->ep == ep && epi->fd == fd)
            return epi;
    return 0;
}

static void item_link_file(struct epitem *epi)
{
    struct file *f = epi->file;
    epi->fnext = f->ep_items;
    if (f->ep_items)
        f->ep_items->fpprev = &epi->fnext;
    f->ep_items = epi;
    epi->fpprev = &f->ep_items;
}

static int ep_insert(struct eventpoll *ep, struct file *f, int fd, uint32_t events, uint64_t data)
{
    struct epitem *epi = kzalloc(sizeof(*epi));
    if (!epi)
        return -ENOMEM;
    link_init(&epi->rdl);
    epi->ep = ep;
    epi->file = f;
    epi->fd = fd;
    epi->events = events;
    epi->data = data;
    struct ep_table t = {{item_queue}, epi, 0};
    uint32_t ready = item_poll(epi, &t.pt);
    if (t.err) {
        item_unhook(epi);
        kfree(epi);
        return t.err;
    }
    /* Items watching instances first: the nesting checks walk only those. */
    if (file_is_epoll(f))
        link_add_head(&ep->items, &epi->all);
    else
        link_add_tail(&ep->items, &epi->all);
    item_link_file(epi);
    if (ready)
        ep_ready(ep, epi);
    return 0;
}

static void item_remove(struct epitem *epi)
{
    item_unhook(epi);
    link_del(&epi->all);
    link_del(&epi->rdl);
    *epi->fpprev = epi->fnext;
    if (epi->fnext)
        epi->fnext->fpprev = epi->fpprev;
    if (epi->pinned)
        epi->dead = 1;
    else
        kfree(epi);
}

static void ep_modify(struct epitem *epi, uint32_t events, uint64_t data)
{
    epi->events = events;
    epi->data = data;
    if (item_poll(epi, 0))
        ep_ready(epi->ep, epi);
}

void epoll_file_gone(struct file *f)
{
    while (f->ep_items)
        item_remove(f->ep_items);
}

int epoll_target(struct file *epf, int fd, unsigned nth, struct file **out)
{
    if (!file_is_epoll(epf))
        return -EINVAL;
    struct eventpoll *ep = ep_of(epf);
    for (struct eplink *l = ep->items.next; l != &ep->items; l = l->next) {
        struct epitem *epi = ITEM_OF(l, all);
        if (epi->fd == fd && nth-- == 0) {
            *out = epi->file;
            return 0;
        }
    }
    return -ENOENT;
}

/* --- nesting ---------------------------------------------------------------------- */

static uint64_t nest_gen; /* one per check: marks the instances it has measured */

/* How deep the instances inside ep go (0: none), EP_TOO_DEEP when deeper
 * than EP_MAX_NESTS or when into is among them (a loop). */
static int depth_down(struct eventpoll *ep, struct eventpoll *into, int depth)
{
    if (ep->gen_down == nest_gen)
        return ep->depth_down;
    int d = 0;
    for (struct eplink *l = ep->items.next; l != &ep->items && d < EP_TOO_DEEP; l = l->next) {
        struct file *f = ITEM_OF(l, all)->file;
        if (!file_is_epoll(f))
            break; /* they come first */
        struct eventpoll *sub = ep_of(f);
        int s = EP_TOO_DEEP;
        if (sub != into && depth < EP_MAX_NESTS)
            s = depth_down(sub, into, depth + 1) + 1;
        d = s > d ? s : d;
    }
    ep->gen_down = nest_gen;
    ep->depth_down = d > EP_TOO_DEEP ? EP_TOO_DEEP : d;
    return ep->depth_down;
}

/* How many instances ep is inside, one in another, at most. */
static int depth_up(struct eventpoll *ep)
{
    if (ep->gen_up == nest_gen)
        return ep->depth_up;
    int d = 0;
    for (struct epitem *epi = ep->file->ep_items; epi; epi = epi->fnext) {
        int u = depth_up(epi->ep) + 1;
        d = u > d ? u : d;
    }
    ep->gen_up = nest_gen;
    ep->depth_up = d;
    return d;
}

/* Adding instance to into ep: 0, or -ELOOP when that makes a loop or a
 * chain of more than EP_MAX_NESTS + 1 instances (Linux's ep_loop_check,
 * measuring both ways). */
static int nest_check(struct eventpoll *ep, struct eventpoll *to)
{
    nest_gen++;
    int down = depth_down(to, ep, 0);
    if (down > EP_MAX_NESTS)
        return -ELOOP;
    return down + 1 + depth_up(ep) > EP_MAX_NESTS ? -ELOOP : 0;
}

/* --- epoll_ctl ---------------------------------------------------------------- */

/* Linux refuses what cannot be polled (regular files, directories). */
static int file_can_poll(const struct file *f)
{
    return f->vn->fops && f->vn->fops->poll;
}

/* The checks Linux's do_epoll_ctl makes before it looks for the item. */
static int ctl_check(struct file *epf, int op, struct file *tf, uint32_t events)
{
    if (!file_can_poll(tf))
        return -EPERM;
    if (epf == tf || !file_is_epoll(epf))
        return -EINVAL;
    if (op != EPOLL_CTL_DEL && (events & EPOLLEXCLUSIVE)) {
        /* Registered once at ADD, and never on an instance. */
        if (op == EPOLL_CTL_MOD)
            return -EINVAL;
        if (op == EPOLL_CTL_ADD && (file_is_epoll(tf) || (events & ~EP_EXCLUSIVE_OK)))
            return -EINVAL;
    }
    if (op == EPOLL_CTL_ADD && file_is_epoll(tf))
        return nest_check(ep_of(epf), ep_of(tf));
    return 0;
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *tf, uint32_t events,
                   uint64_t data)
{
    /* Linux keeps EPOLLWAKEUP only with CAP_BLOCK_SUSPEND, to hold off
     * system suspend while the event is unread; there is no suspend here,
     * so what it promises always holds and nothing need be kept. */
    events &= ~EPOLLWAKEUP;
    int err = ctl_check(epf, op, tf, events);
    if (err)
        return err;
    struct eventpoll *ep = ep_of(epf);
    struct epitem *epi = ep_find(ep, tf, fd);
    switch (op) {
    case EPOLL_CTL_ADD:
        return epi ? -EEXIST : ep_insert(ep, tf, fd, events | POLLERR | POLLHUP, data);
    case EPOLL_CTL_DEL:
        if (!epi)
            return -ENOENT;
        item_remove(epi);
        return 0;
    case EPOLL_CTL_MOD:
        if (!epi)
            return -ENOENT;
        if (epi->events & EPOLLEXCLUSIVE)
            return -EINVAL;
        ep_modify(epi, events | POLLERR | POLLHUP, data);
        return 0;
    default:
        return -EINVAL;
    }
}

/* --- epoll_wait --------------------------------------------------------------- */

/* Linux's struct epoll_event: packed on x86-64. */
struct epoll_event_k {
    uint32_t events;
    uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct epoll_event_k) == 12, "x86-64 struct epoll_event");

/* Report epi, taken off the batch, at uev: 1, 0 when it is not ready (it
 * stays off the ready list until notified), or -EFAULT (back at the head
 * of the batch). A level-triggered item goes back at the tail of the
 * ready list, to be looked at again by the next call; an edge-triggered
 * one waits for its next notification; a ONESHOT one is spent until
 * EPOLL_CTL_MOD. */
static int item_report(struct eventpoll *ep, struct epitem *epi, struct epoll_event_k *uev,
                       struct eplink *batch)
{
    struct epoll_event_k ev = {item_poll(epi, 0), epi->data};
    if (!ev.events)
        return 0;
    epi->pinned++;
    /* In the program's window: epoll_wait_file's caller checked the array. */
    int err = arch_copy_user(uev, &ev, sizeof(ev)) != 0;
    epi->pinned--;
    if (epi->dead) { /* removed while the copy yielded */
        if (!epi->pinned)
            kfree(epi);
        return err ? -EFAULT : 1;
    }
    if (err) {
        if (link_alone(&epi->rdl))
            link_add_head(batch, &epi->rdl);
        return -EFAULT;
    }
    if (epi->events & EPOLLONESHOT)
        epi->events &= EP_PRIVATE;
    else if (!(epi->events & EPOLLET) && link_alone(&epi->rdl))
        link_add_tail(&ep->ready, &epi->rdl);
    return 1;
}

/* One pass over what is on the ready list now (Linux's ep_send_events):
 * the count reported, or -EFAULT when none could be. */
static int ep_send(struct eventpoll *ep, struct epoll_event_k *uev, int max)
{
    struct eplink batch;
    int n = 0, r = 0;
    if (link_alone(&ep->ready))
        return 0;
    link_init(&batch);
    link_splice_head(&ep->ready, &batch);
    while (n < max && !link_alone(&batch)) {
        struct epitem *epi = ITEM_OF(batch.next, rdl);
        link_del(&epi->rdl);
        if ((r = item_report(ep, epi, uev + n, &batch)) < 0)
            break;
        n += r;
    }
    link_splice_head(&batch, &ep->ready); /* the ones not reached come first next time */
    if (!link_alone(&ep->ready) && ep->waiters.head)
        waitq_wake_one(&ep->waiters); /* another sleeper takes what is left */
    return n ? n : r;
}

int epoll_wait_file(struct file *f, void *uev, int max, uint64_t deadline)
{
    struct eventpoll *ep = ep_of(f);
    int timed_out = 0;
    if (!file_is_epoll(f))
        return -EINVAL;
    for (;;) {
        int n = ep_send(ep, uev, max);
        if (n || timed_out || deadline == EPOLL_NOWAIT || (deadline && clock_ns() >= deadline))
            return n;
        if (sched_interrupted())
            return -EINTR;
        timed_out = waitq_wait_intr(&ep->waiters, deadline) == 1;
    }
}

/* --- the file ---------------------------------------------------------------- */

/* Readable while an item on the ready list is ready; those found not to
 * be leave the list (Linux's ep_read_events_proc). */
static int ep_poll(struct file *f, struct poll_table *pt)
{
    struct eventpoll *ep = ep_of(f);
    poll_wait(f, &ep->pq, pt);
    while (!link_alone(&ep->ready)) {
        struct epitem *epi = ITEM_OF(ep->ready.next, rdl);
        if (item_poll(epi, 0))
            return POLLIN | POLLRDNORM;
        link_del(&epi->rdl);
    }
    return 0;
}

/* The last reference is going: so have every sleeper's and poller's (they
 * hold one) and every item watching it (epoll_file_gone ran first). */
static void ep_close(struct file *f)
{
    struct eventpoll *ep = ep_of(f);
    KASSERT(!ep->pq.head && !ep->waiters.head);
    while (!link_alone(&ep->items))
        item_remove(ITEM_OF(ep->items.next, all));
}

static void ep_release(struct vnode *vn)
{
    kfree(vn->priv);
}

/* Like Linux's (noop_llseek, no read or write): lseek is 0, read and
 * write -EINVAL. */
static const struct file_ops epoll_ops = {
    .poll = ep_poll,
    .close = ep_close,
    .release = ep_release,
    .seekable = VN_SEEK_IGNORE,
};

int epoll_create_file(struct file **out)
{
    struct eventpoll *ep = kzalloc(sizeof(*ep));
    struct vnode *vn = vn_alloc(0600); /* no file type: an anonymous inode, as Linux's */
    int err = -ENOMEM;
    if (!ep || !vn) {
        kfree(ep);
        goto out;
    }
    link_init(&ep->items);
    link_init(&ep->ready);
    waitq_init(&ep->waiters);
    pollq_init(&ep->pq);
    vn->priv = ep; /* freed with vn (ep_release) */
    vn->fops = &epoll_ops;
    err = file_open_vnode(vn, O_RDWR, out);
    if (!err)
        ep->file = *out;
out:
    if (vn)
        vn_unref(vn); /* the file holds it, if it was made */
    return err;
}
