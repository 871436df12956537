/* Readiness: every pollable object keeps a queue of interested parties
 * (struct pollq) and notifies it when it may have become ready. A poller
 * (poll, select) registers on the queues of exactly the files it watches,
 * so an event wakes only those who watch that object, and a poller sleeps
 * until one of them fires.
 *
 * Kernel code runs with interrupts off on the one CPU, so an interrupt
 * (the console's input) notifies only while no kernel code is between
 * a check and its sleep: no lock and no lost wake-up. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

void pollq_init(struct pollq *q)
{
    q->head = 0;
}

void pollq_add(struct pollq *q, struct pollent *pe)
{
    KASSERT(!pe->pprev);
    pe->next = q->head;
    if (q->head)
        q->head->pprev = &pe->next;
    q->head = pe;
    pe->pprev = &q->head;
}

void pollq_del(struct pollent *pe)
{
    if (!pe->pprev)
        return;
    *pe->pprev = pe->next;
    if (pe->next)
        pe->next->pprev = pe->pprev;
    pe->next = 0;
    pe->pprev = 0;
}

void pollq_notify_all(struct pollq *q, int events)
{
    /* A callback may take its own entry off the queue (and free it): step
     * past it, and read what it is, first. */
    int exclusive_woke = 0;
    for (struct pollent *pe = q->head, *next; pe; pe = next) {
        int exclusive = pe->exclusive;
        next = pe->next;
        if (exclusive && exclusive_woke)
            continue;
        if (pe->notify(pe, events) && exclusive)
            exclusive_woke = 1;
    }
}

/* --- pollers: poll(2) and select(2) --------------------------------------- */

/* Registrations come in chunks: one per watched file is the usual count. */
#define POLLER_CHUNK 32

struct poller_chunk {
    struct poller_chunk *next;
    unsigned used;
    struct poller_link {
        struct pollent pe;
        struct file *f; /* held while registered: the queue lives as long */
        struct poller *pw;
    } link[POLLER_CHUNK];
};

static int poller_notify(struct pollent *pe, int events)
{
    struct poller *pw = ((struct poller_link *)pe)->pw;
    (void)events;
    pw->woken = 1;
    sched_wake(pw->thread);
    return 1;
}

static struct poller_link *poller_slot(struct poller *pw)
{
    struct poller_chunk *c = pw->chunks;
    if (!c || c->used == POLLER_CHUNK) {
        if (!(c = kzalloc(sizeof(*c))))
            return 0;
        c->next = pw->chunks;
        pw->chunks = c;
    }
    return &c->link[c->used++];
}

static void poller_queue(struct poll_table *pt, struct file *f, struct pollq *q)
{
    struct poller *pw = (struct poller *)pt;
    struct poller_link *l = poller_slot(pw);
    if (!l) {
        pw->err = -ENOMEM;
        return;
    }
    file_ref(f);
    l->f = f;
    l->pw = pw;
    l->pe.notify = poller_notify;
    pollq_add(q, &l->pe);
}

void poller_init(struct poller *pw)
{
    pw->pt.queue = poller_queue;
    pw->thread = sched_current();
    pw->woken = 0;
    pw->err = 0;
    pw->chunks = 0;
}

int poller_wait(struct poller *pw, uint64_t deadline)
{
    sched_block_prepare(deadline);
    int r = sched_interrupted() ? -EINTR : pw->woken ? 0 : sched_block();
    pw->woken = 0;
    return r;
}

void poller_done(struct poller *pw)
{
    while (pw->chunks) {
        struct poller_chunk *c = pw->chunks;
        for (unsigned i = 0; i < c->used; i++) {
            pollq_del(&c->link[i].pe);
            file_unref(c->link[i].f);
        }
        pw->chunks = c->next;
        kfree(c);
    }
}
