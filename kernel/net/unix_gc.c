/* Collecting AF_UNIX sockets that only messages in flight keep alive: a
 * socket sent over itself, or two sent over each other, then closed, is
 * referenced by nothing but its own queue's messages and would live
 * forever. As Linux's unix_gc: a socket whose file has no references
 * but those in flight is a candidate; candidates reachable from a queue of
 * a socket that is not one (its descriptors or a blocked call hold it)
 * are alive; the queues of the others are emptied, which lets their
 * files go. */
#include <stdint.h>
#include "kernel/mm/kmalloc.h"
#include "kernel/net/unix.h"

static struct unix_sock *all; /* every live AF_UNIX socket */
static unsigned total_inflight;
static int collecting;

void unix_gc_add(struct unix_sock *us)
{
    us->all_next = all;
    us->all_pprev = &all;
    if (all)
        all->all_pprev = &us->all_next;
    all = us;
}

void unix_gc_del(struct unix_sock *us)
{
    *us->all_pprev = us->all_next;
    if (us->all_next)
        us->all_next->all_pprev = us->all_pprev;
}

void unix_wake_senders(struct unix_sock *to)
{
    for (struct unix_sock *u = all; u; u = u->all_next)
        if (u->peer == to && u->so)
            sock_notify(u->so, POLLOUT | POLLWRNORM);
}

void unix_inflight(struct file *f, int delta)
{
    struct unix_sock *us = unix_of_file(f);
    if (!us)
        return;
    us->inflight += (unsigned)delta;
    total_inflight += (unsigned)delta;
}

/* Marks: 0 not a candidate, 1 a candidate, 2 a candidate found alive. */
static int candidate(const struct unix_sock *us)
{
    return us->so && us->so->file && us->inflight && us->so->file->refs == us->inflight;
}

/* Mark alive the candidates in flight in q's messages: 1 if any became so. */
static int mark_queue(const struct unix_msg *q, uint8_t *marks, struct unix_sock **v, int n)
{
    int changed = 0;
    for (; q; q = q->next)
        for (int i = 0; i < q->nfds; i++) {
            struct unix_sock *t = q->fds[i] ? unix_of_file(q->fds[i]) : 0;
            for (int j = 0; t && j < n; j++)
                if (v[j] == t && marks[j] == 1) {
                    marks[j] = 2;
                    changed = 1;
                }
        }
    return changed;
}

/* One pass over the queues of sockets alive (and their unaccepted
 * connections'): 1 if a candidate was found alive. */
static int mark_pass(uint8_t *marks, struct unix_sock **v, int n)
{
    int changed = 0;
    for (int i = 0; i < n; i++) {
        if (marks[i] == 1)
            continue;
        changed |= mark_queue(v[i]->q_head, marks, v, n);
        for (struct unix_sock *e = v[i]->acc_head; e; e = e->acc_next)
            changed |= mark_queue(e->q_head, marks, v, n);
    }
    return changed;
}

/* Move q's messages onto the list *dead. */
static void take_queue(struct unix_sock *us, struct unix_msg **dead)
{
    while (us->q_head) {
        struct unix_msg *m = us->q_head;
        us->q_head = m->next;
        m->next = *dead;
        *dead = m;
    }
    us->q_tail = &us->q_head;
    us->qbytes = 0;
    us->qlen = 0;
}

static void sweep(uint8_t *marks, struct unix_sock **v, int n)
{
    struct unix_msg *dead = 0;
    for (int i = 0; i < n; i++) {
        if (marks[i] != 1)
            continue;
        take_queue(v[i], &dead);
        for (struct unix_sock *e = v[i]->acc_head; e; e = e->acc_next)
            take_queue(e, &dead);
    }
    while (dead) { /* frees files, releasing the sockets collected */
        struct unix_msg *m = dead;
        dead = m->next;
        msg_free(m);
    }
}

void unix_gc(void)
{
    int n = 0;
    if (collecting || !total_inflight)
        return;
    for (struct unix_sock *u = all; u; u = u->all_next)
        n++;
    struct unix_sock **v = kmalloc((size_t)n * sizeof(*v) + 1);
    uint8_t *marks = kmalloc((size_t)n + 1);
    if (v && marks) {
        collecting = 1;
        n = 0;
        for (struct unix_sock *u = all; u; u = u->all_next, n++) {
            v[n] = u;
            marks[n] = (uint8_t)candidate(u);
        }
        while (mark_pass(marks, v, n))
            ;
        sweep(marks, v, n);
        collecting = 0;
    }
    kfree(v);
    kfree(marks);
}
