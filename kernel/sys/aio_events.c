/* io_getevents and io_pgetevents: events out of a context's ring (the
 * rest of native AIO is sys_aio.c). Linux's read_events: from the head
 * the program left, as many as asked, waiting for min_nr. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/aio.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* Up to n events from the head out to uev: how many, or -EFAULT if the
 * first could not be written (it stays). */
static int64_t ctx_read(struct aio_ctx *c, uint64_t uev, int64_t n)
{
    uint32_t head = aio_ring_head(c->ring);
    int64_t got = 0;
    while (got < n && head != c->tail) {
        struct io_event_k *ev = aio_ring_event(c->ring, head);
        if (copy_to_user((void *)(uev + (uint64_t)got * sizeof(*ev)), ev, sizeof(*ev)))
            break;
        head = (head + 1) % c->nr;
        got++;
    }
    aio_ring_set_head(c->ring, head);
    return got || n == 0 || head == c->tail ? got : -EFAULT;
}

/* Linux's read_events: events as they come until min_nr, the deadline (0:
 * none, 1: do not wait), a signal or the context's end. */
static int64_t ctx_wait_events(struct aio_ctx *c, int64_t min_nr, int64_t nr, uint64_t uev,
                               uint64_t deadline)
{
    int64_t got = 0;
    for (;;) {
        int64_t r = ctx_read(c, uev + (uint64_t)got * sizeof(struct io_event_k), nr - got);
        if (r < 0)
            return got ? got : r;
        got += r;
        if (got >= min_nr || c->dead || deadline == 1)
            return got || !c->dead ? got : -EINVAL;
        if (waitq_wait_intr(&c->wait, deadline) != 0)
            deadline = 1; /* timed out or a signal: what came meanwhile, then back */
    }
}

/* The timeout is relative; a zero one (or a negative one) does not wait. */
static int user_aio_timeout(uint64_t uts, uint64_t *deadline)
{
    *deadline = 0;
    if (!uts)
        return 0;
    int64_t ts[2];
    if (copy_from_user(ts, (void *)uts, sizeof(ts)))
        return -EFAULT;
    if (ts[0] < 0 || (ts[0] == 0 && ts[1] <= 0))
        *deadline = 1;
    else if ((uint64_t)ts[0] >= UINT64_MAX / 2000000000ull)
        *deadline = 0; /* beyond any wait: none */
    else
        *deadline = timeout_deadline((uint64_t)ts[0] * 1000000000ull + (uint64_t)ts[1]);
    return 0;
}

static int64_t do_getevents(uint64_t id, int64_t min_nr, int64_t nr, uint64_t uev,
                            uint64_t deadline)
{
    struct aio_ctx *c = aio_ctx_get(id);
    if (!c)
        return -EINVAL;
    int64_t r =
        min_nr <= nr && min_nr >= 0 ? ctx_wait_events(c, min_nr, nr, uev, deadline) : -EINVAL;
    aio_ctx_put(c);
    return r;
}

static int64_t sys_io_getevents(uint64_t id, uint64_t min_nr, uint64_t nr, uint64_t uev,
                                uint64_t uts, uint64_t a5)
{
    ARG(a5);
    uint64_t deadline;
    int64_t r = user_aio_timeout(uts, &deadline);
    if (!r)
        r = do_getevents(id, (int64_t)min_nr, (int64_t)nr, uev, deadline);
    return r == 0 && sched_interrupted() ? -EINTR : r;
}

/* The sixth argument: { const sigset_t *sigmask; size_t sigsetsize },
 * the mask in force while it waits (as ppoll's). */
static int64_t sys_io_pgetevents(uint64_t id, uint64_t min_nr, uint64_t nr, uint64_t uev,
                                 uint64_t uts, uint64_t usig)
{
    uint64_t deadline, sig[2] = {0, 0};
    int64_t r = user_aio_timeout(uts, &deadline);
    if (!r && usig && copy_from_user(sig, (void *)usig, sizeof(sig)))
        r = -EFAULT;
    if (!r && sig[0])
        r = sig_mask_from_user(sig[0], sig[1]);
    if (r)
        return r;
    r = do_getevents(id, (int64_t)min_nr, (int64_t)nr, uev, deadline);
    int interrupted = sched_interrupted();
    if (sig[0])
        sig_mask_restore_unless(interrupted);
    return interrupted && r == 0 ? -ERESTARTNOHAND : r;
}

void aio_events_register(void)
{
    syscall_register(SYS_io_getevents, sys_io_getevents);
    syscall_register(SYS_io_pgetevents, sys_io_pgetevents);
}
