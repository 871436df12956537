/* Linux native AIO: io_setup, io_destroy, io_submit, io_cancel,
 * io_getevents, io_pgetevents.
 *
 * A context belongs to the address space (vmspace.aio, as Linux's
 * mm->ioctx_table): its threads share it, a forked child or an exec'd
 * image has none, and it goes with the space (aio_exit). Its id is the
 * address of its completion ring, mapped into the process as Linux maps
 * it (aio_ring.c), so libaio's user-space reading of the ring works.
 *
 * Reads, writes and syncs are done at submission, as Linux does them for
 * files without O_DIRECT (and for pipes and sockets, whose read_iter
 * waits in io_submit when there is nothing to read: Linux, too, blocks
 * the submitter there); an interrupted one completes with -EINTR, as
 * Linux's aio_rw_done. IOCB_CMD_POLL is asynchronous, as on Linux: it
 * completes at once if the file has one of the events, else from the
 * file's poll queue when it gets one, or with 0 when cancelled. A request
 * holds a slot of the ring from submission to its event's reaping: when
 * none is free, io_submit is -EAGAIN. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/aio.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define IOCB_CMD_PREAD   0
#define IOCB_CMD_PWRITE  1
#define IOCB_CMD_FSYNC   2
#define IOCB_CMD_FDSYNC  3
#define IOCB_CMD_POLL    5
#define IOCB_CMD_NOOP    6
#define IOCB_CMD_PREADV  7
#define IOCB_CMD_PWRITEV 8

#define IOCB_FLAG_RESFD  1 /* signal the eventfd aio_resfd on completion */
#define IOCB_FLAG_IOPRIO 2 /* aio_reqprio is the request's I/O priority (below) */

/* Linux's struct iocb (little-endian x86-64 layout). */
struct iocb_k {
    uint64_t aio_data;
    uint32_t aio_key, aio_rw_flags;
    uint16_t aio_lio_opcode;
    int16_t aio_reqprio;
    uint32_t aio_fildes;
    uint64_t aio_buf, aio_nbytes;
    int64_t aio_offset;
    uint64_t aio_reserved2;
    uint32_t aio_flags, aio_resfd;
};
_Static_assert(sizeof(struct iocb_k) == 64, "Linux struct iocb");

/* A poll request waiting on its file's queue (the only kind that waits). */
struct aio_req {
    struct pollent pe; /* first: the notification finds the request */
    struct aio_req *next;
    struct aio_ctx *ctx;
    struct file *f, *efd; /* held until freed (efd: IOCB_FLAG_RESFD's, or NULL) */
    uint64_t obj, data;
    int events;
};

static uint32_t aio_nr; /* events asked for by live contexts (Linux's aio_nr) */

uint32_t aio_nr_now(void)
{
    return aio_nr;
}

/* --- events ----------------------------------------------------------------- */

/* Events written and not reaped (the program may move the head itself). */
static uint32_t ctx_unreaped(struct aio_ctx *c)
{
    return (c->tail + c->nr - aio_ring_head(c->ring)) % c->nr;
}

/* Post an event for a request that held a slot; the eventfd is told. */
static void ctx_complete(struct aio_ctx *c, uint64_t obj, uint64_t data, int64_t res,
                         struct file *efd)
{
    *aio_ring_event(c->ring, c->tail) = (struct io_event_k){data, obj, res, 0};
    c->tail = (c->tail + 1) % c->nr;
    aio_ring_set_tail(c->ring, c->tail);
    c->inflight--;
    if (efd)
        eventfd_signal(efd, 1);
    waitq_wake_all(&c->wait);
}

static void req_free(struct aio_req *r)
{
    pollq_del(&r->pe);
    file_unref(r->f);
    if (r->efd)
        file_unref(r->efd);
    kfree(r);
}

/* Take r off the waiting list (it is on it). */
static void req_unwait(struct aio_req *r)
{
    struct aio_req **pp = &r->ctx->waiting;
    while (*pp != r)
        pp = &(*pp)->next;
    *pp = r->next;
}

/* A waiting poll's end: its event, then onto the done list, freed by the
 * next call on the context (not here: a notification may come from the
 * file's own release, and the request may hold the file's last
 * reference). */
static void req_finish(struct aio_req *r, int64_t res)
{
    struct aio_ctx *c = r->ctx;
    pollq_del(&r->pe);
    req_unwait(r);
    ctx_complete(c, r->obj, r->data, res, r->efd);
    r->next = c->done;
    c->done = r;
}

static void ctx_reap_done(struct aio_ctx *c)
{
    while (c->done) {
        struct aio_req *r = c->done;
        c->done = r->next;
        req_free(r);
    }
}

/* The file's queue says something changed: done if an event asked for is
 * there now (Linux's aio_poll_wake). Its result is then everything the
 * file has ready, not only what was asked for: Linux reports the
 * wake-up's key (a pipe's write wakes its readers with IN|RDNORM), which
 * is the file's whole mask for that side. */
static int req_notify(struct pollent *pe, int events)
{
    struct aio_req *r = (struct aio_req *)pe;
    (void)events; /* a coarse hint here: the file is asked */
    int mask = file_poll(r->f, 0);
    if (mask & r->events)
        req_finish(r, mask);
    return (mask & r->events) != 0;
}

/* --- contexts ----------------------------------------------------------------- */

static struct aio_ctx *ctx_find(uint64_t id)
{
    for (struct aio_ctx *c = proc_current()->vm->aio; c; c = c->next)
        if (c->addr == id && !c->dead)
            return c;
    return 0;
}

struct aio_ctx *aio_ctx_get(uint64_t id)
{
    struct aio_ctx *c = ctx_find(id);
    if (c) {
        c->busy++;
        ctx_reap_done(c);
    }
    return c;
}

static void ctx_free(struct aio_ctx *c)
{
    while (c->waiting) {
        struct aio_req *r = c->waiting;
        c->waiting = r->next;
        req_free(r);
    }
    ctx_reap_done(c);
    aio_nr -= c->max_reqs;
    aio_ring_release(c->ring);
    kfree(c);
}

void aio_ctx_put(struct aio_ctx *c)
{
    if (--c->busy == 0 && c->dead)
        waitq_wake_all(&c->idle);
}

/* Take c off its space's list. */
static void ctx_unlink(struct vmspace *vs, struct aio_ctx *c)
{
    struct aio_ctx **pp = &vs->aio;
    while (*pp != c)
        pp = &(*pp)->next;
    *pp = c->next;
}

/* The lowest ring id no live context of vs has (Linux's ioctx_table slot). */
static uint32_t ctx_free_id(struct vmspace *vs)
{
    for (uint32_t id = 0;; id++) {
        struct aio_ctx *c = vs->aio;
        while (c && c->id != id)
            c = c->next;
        if (!c)
            return id;
    }
}

void aio_exit(struct vmspace *vs)
{
    while (vs->aio) {
        struct aio_ctx *c = vs->aio;
        vs->aio = c->next;
        ctx_free(c);
    }
}

/* Linux's ioctx_alloc sizing: at least 4 events a CPU (one here), doubled
 * for its per-CPU slot batches; too many for the ring's size is -EINVAL,
 * more than aio-max-nr asked for in all is -EAGAIN. */
static int ctx_create(uint32_t max_reqs, struct aio_ctx **out)
{
    uint32_t n = (max_reqs > 4 ? max_reqs : 4) * 2u;
    if (n > 0x10000000u / sizeof(struct io_event_k))
        return -EINVAL;
    if (!n || max_reqs > AIO_MAX_NR || aio_nr + max_reqs > AIO_MAX_NR)
        return -EAGAIN;
    struct proc *p = proc_current();
    struct aio_ctx *c = kzalloc(sizeof(*c));
    if (!c)
        return -ENOMEM;
    c->id = ctx_free_id(p->vm);
    int err = aio_ring_create(n, c->id, &c->ring, &c->nr);
    if (err) {
        kfree(c);
        return err;
    }
    err = aio_ring_map(c->ring, p->vm, p->mmap_base, &c->addr, &c->len);
    if (err) {
        aio_ring_release(c->ring);
        kfree(c);
        return err;
    }
    c->max_reqs = max_reqs;
    aio_nr += max_reqs;
    waitq_init(&c->wait);
    waitq_init(&c->idle);
    c->next = p->vm->aio;
    p->vm->aio = c;
    *out = c;
    return 0;
}

/* Linux's kill_ioctx: no call finds it any more, its ring is unmapped,
 * waiting polls are dropped and io_getevents callers woken; the calls
 * still using it (a submission waiting on a pipe) are waited for. */
static void ctx_destroy(struct aio_ctx *c)
{
    struct vmspace *vs = proc_current()->vm;
    c->dead = 1;
    vmspace_unmap(vs, c->addr, c->len);
    while (c->waiting) {
        struct aio_req *r = c->waiting;
        c->waiting = r->next;
        req_free(r);
    }
    waitq_wake_all(&c->wait);
    while (c->busy)
        waitq_wait(&c->idle, 0);
    ctx_unlink(vs, c);
    ctx_free(c);
}

static int64_t sys_io_setup(uint64_t nr_events, uint64_t uctxp, uint64_t a2, uint64_t a3,
                            uint64_t a4, uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    uint64_t cur;
    if (copy_from_user(&cur, (void *)uctxp, sizeof(cur)))
        return -EFAULT;
    if (cur || (uint32_t)nr_events == 0)
        return -EINVAL;
    struct aio_ctx *c;
    int err = ctx_create((uint32_t)nr_events, &c);
    if (err)
        return err;
    if (copy_to_user((void *)uctxp, &c->addr, sizeof(c->addr))) {
        ctx_destroy(c);
        return -EFAULT;
    }
    return 0;
}

static int64_t sys_io_destroy(uint64_t id, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                              uint64_t a5)
{
    ARG(a1), ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct aio_ctx *c = ctx_find(id);
    if (!c)
        return -EINVAL;
    ctx_destroy(c);
    return 0;
}

/* --- submission ------------------------------------------------------------- */

/* IOCB_CMD_POLL (Linux's aio_poll): the file's queue is registered with
 * while its events are read; ready now: done now. */
struct aio_poll_pt {
    struct poll_table pt;
    struct aio_req *r;
    int queued;
};

static void poll_queue(struct poll_table *pt, struct file *f, struct pollq *q)
{
    struct aio_poll_pt *a = (struct aio_poll_pt *)pt;
    (void)f;
    if (a->queued++)
        return; /* one queue per request: a second makes it -EINVAL (submit_poll) */
    pollq_add(q, &a->r->pe);
}

static int submit_poll(struct aio_ctx *c, const struct iocb_k *cb, uint64_t obj, struct file *f,
                       struct file *efd)
{
    if ((uint16_t)cb->aio_buf != cb->aio_buf || cb->aio_offset || cb->aio_nbytes ||
        cb->aio_rw_flags)
        return -EINVAL;
    struct aio_req *r = kzalloc(sizeof(*r));
    if (!r)
        return -ENOMEM;
    *r = (struct aio_req){.pe.notify = req_notify,
                          .ctx = c,
                          .f = f,
                          .efd = efd,
                          .obj = obj,
                          .data = cb->aio_data,
                          .events = (int)cb->aio_buf | POLLERR | POLLHUP};
    struct aio_poll_pt a = {{poll_queue}, r, 0};
    file_ref(f);
    if (efd)
        file_ref(efd);
    c->inflight++;
    r->next = c->waiting;
    c->waiting = r;
    int mask = file_poll(f, &a.pt) & r->events;
    if (mask) {
        req_finish(r, mask);
    } else if (a.queued != 1) {
        /* not ready, and never announces or announces on two queues (a
         * request waits on one): Linux's aio_poll -EINVAL */
        req_unwait(r);
        c->inflight--;
        req_free(r);
        return -EINVAL;
    }
    return 0;
}

/* Reads, writes and syncs: done now; 0 once submitted (the result is in
 * the event), or the submission's error. */
static int submit_sync(struct aio_ctx *c, const struct iocb_k *cb, uint64_t obj, struct file *f,
                       struct file *efd)
{
    int op = cb->aio_lio_opcode, err;
    int64_t res = 0;
    if (op == IOCB_CMD_FSYNC || op == IOCB_CMD_FDSYNC) {
        if (cb->aio_buf || cb->aio_offset || cb->aio_nbytes || cb->aio_rw_flags)
            return -EINVAL;
        res = fsync_file(f, op == IOCB_CMD_FDSYNC);
        if (res == -EINVAL)
            return -EINVAL; /* no fsync at all: Linux refuses the submission */
    } else {
        /* A read or write may carry an I/O priority (checked as Linux's
         * aio_prep_rw does; without the flag aio_reqprio is ignored, as
         * there): it has nothing to order, the transfer being done now. */
        if ((cb->aio_flags & IOCB_FLAG_IOPRIO) && (err = ioprio_check(cb->aio_reqprio)))
            return err;
        int write = op == IOCB_CMD_PWRITE || op == IOCB_CMD_PWRITEV;
        int vec = op == IOCB_CMD_PREADV || op == IOCB_CMD_PWRITEV;
        c->inflight++; /* the slot, while the transfer may wait */
        err = rw_aio(f, cb->aio_buf, cb->aio_nbytes, cb->aio_offset, cb->aio_rw_flags, write, vec,
                     &res);
        c->inflight--;
        if (err)
            return err;
        if (res >= -ERESTART_RESTARTBLOCK && res <= -ERESTARTSYS)
            res = -EINTR;
    }
    c->inflight++;
    ctx_complete(c, obj, cb->aio_data, res, efd);
    return 0;
}

/* Linux's io_submit_one, its checks in its order. */
static int submit_one(struct aio_ctx *c, uint64_t uiocb)
{
    struct iocb_k cb;
    if (copy_from_user(&cb, (void *)uiocb, sizeof(cb)))
        return -EFAULT;
    if (cb.aio_reserved2 || (int64_t)cb.aio_nbytes < 0)
        return -EINVAL;
    if (c->inflight + ctx_unreaped(c) >= c->nr - 1)
        return -EAGAIN; /* no slot: the ring holds nr - 1 events */
    struct proc *p = proc_current();
    struct file *f = fd_get(p, (int)cb.aio_fildes), *efd = 0;
    if (!f)
        return -EBADF;
    if (cb.aio_flags & IOCB_FLAG_RESFD) {
        if (!(efd = fd_get(p, (int)cb.aio_resfd)))
            return -EBADF;
        if (!eventfd_is(efd))
            return -EINVAL;
    }
    uint32_t key = 0; /* Linux's KIOCB_KEY */
    if (copy_to_user((void *)(uiocb + __builtin_offsetof(struct iocb_k, aio_key)), &key,
                     sizeof(key)))
        return -EFAULT;
    switch (cb.aio_lio_opcode) {
    case IOCB_CMD_POLL:
        return submit_poll(c, &cb, uiocb, f, efd);
    case IOCB_CMD_PREAD:
    case IOCB_CMD_PWRITE:
    case IOCB_CMD_PREADV:
    case IOCB_CMD_PWRITEV:
    case IOCB_CMD_FSYNC:
    case IOCB_CMD_FDSYNC:
        return submit_sync(c, &cb, uiocb, f, efd);
    }
    return -EINVAL; /* IOCB_CMD_NOOP and unknown opcodes, as Linux */
}

/* nr is a C long; at most the ring's slots are looked at. The count
 * submitted, or the first one's error. */
static int64_t sys_io_submit(uint64_t id, uint64_t nr, uint64_t uiocbpp, uint64_t a3, uint64_t a4,
                             uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    if ((int64_t)nr < 0)
        return -EINVAL;
    struct aio_ctx *c = aio_ctx_get(id);
    if (!c)
        return -EINVAL;
    uint64_t n = nr < c->nr ? nr : c->nr, i;
    int err = 0;
    for (i = 0; i < n && !err && !c->dead; i++) {
        uint64_t uiocb;
        err = copy_from_user(&uiocb, (void *)(uiocbpp + i * 8), 8) ? -EFAULT : 0;
        if (!err)
            err = submit_one(c, uiocb);
    }
    aio_ctx_put(c);
    if (err)
        i--;
    return i ? (int64_t)i : err;
}

/* Only a waiting poll can be cancelled: its event (result 0) is posted
 * and the call says -EINPROGRESS, as Linux; anything else is -EINVAL. */
static int64_t sys_io_cancel(uint64_t id, uint64_t uiocb, uint64_t uresult, uint64_t a3,
                             uint64_t a4, uint64_t a5)
{
    ARG(uresult), ARG(a3), ARG(a4), ARG(a5);
    uint32_t key;
    if (copy_from_user(&key, (void *)(uiocb + __builtin_offsetof(struct iocb_k, aio_key)),
                       sizeof(key)))
        return -EFAULT;
    struct aio_ctx *c = key ? 0 : aio_ctx_get(id);
    if (!c)
        return -EINVAL;
    struct aio_req *r = c->waiting;
    while (r && r->obj != uiocb)
        r = r->next;
    if (r)
        req_finish(r, 0);
    aio_ctx_put(c);
    return r ? -EINPROGRESS : -EINVAL;
}

void sys_aio_register(void)
{
    syscall_register(SYS_io_setup, sys_io_setup);
    syscall_register(SYS_io_destroy, sys_io_destroy);
    syscall_register(SYS_io_submit, sys_io_submit);
    syscall_register(SYS_io_cancel, sys_io_cancel);
    aio_events_register();
}
