/* Futexes: the wait table (keys, buckets, FIFO queues), wait, wake,
 * requeue and wake-op, and the robust list walked at thread exit. The
 * system call that decodes futex(2) is kernel/sys/sys_futex.c.
 *
 * No lost wake-up: a waiter reads the word, compares it and joins its
 * queue with nothing able to run in between (one CPU, no kernel
 * preemption, and nothing here blocks before sched_block: a fault taken by
 * copy_from_user in kernel code is resolved or fails with -EFAULT, it
 * never waits for memory, arch trap.c). A waker that changed the word
 * before the read made the compare fail; one that runs after finds the
 * waiter queued. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

/* What a key names: see futex.h. */
enum futex_kind {
    FK_PRIVATE, /* FUTEX_PRIVATE_FLAG: (address space, address) */
    FK_MM,      /* non-private in private memory: (address space, address) */
    FK_SHARED,  /* non-private in shared memory: the physical address */
};

struct futex_key {
    uintptr_t space; /* the vmspace; 0 for FK_SHARED */
    uint64_t addr;   /* the user address, or the physical one (FK_SHARED) */
    enum futex_kind kind;
};

/* One sleeping thread, on its own kernel stack while futex_wait runs. */
struct futex_waiter {
    struct futex_key key;
    uint32_t bitset;
    struct thread *thread;
    struct page *pin; /* FK_SHARED: the frame, referenced while queued */
    int queued;       /* on its bucket's queue; a waker clears it */
    struct futex_waiter *next, *prev;
};

struct futex_bucket {
    struct futex_waiter *head, *tail; /* oldest first */
};

#define FUTEX_BUCKETS 256 /* a power of two */
static struct futex_bucket buckets[FUTEX_BUCKETS];

/* ---- keys ---- */

static struct futex_bucket *bucket_of(const struct futex_key *k)
{
    uint64_t h = (k->addr >> 2) ^ k->space ^ (uint64_t)k->kind;
    h *= 0x9e3779b97f4a7c15ull; /* Fibonacci hashing: the top bits mix all of h */
    return &buckets[h >> 56 & (FUTEX_BUCKETS - 1)];
}

static int key_eq(const struct futex_key *a, const struct futex_key *b)
{
    return a->addr == b->addr && a->space == b->space && a->kind == b->kind;
}

/* The key of the aligned word at uaddr in vm (looks, never faults). */
static void key_make(struct vmspace *vm, uint64_t uaddr, int priv, struct futex_key *k)
{
    uint64_t pa;
    if (!priv && vmspace_shared_phys(vm, uaddr, &pa)) {
        *k = (struct futex_key){.space = 0, .addr = pa, .kind = FK_SHARED};
        return;
    }
    *k = (struct futex_key){
        .space = (uintptr_t)vm, .addr = uaddr, .kind = priv ? FK_PRIVATE : FK_MM};
}

/* Check uaddr as Linux's get_futex_key does and make its key: 0, -EINVAL
 * (not 4-byte aligned), -EFAULT (outside the program's window; for a
 * non-private futex also unreadable: Linux faults the page in to find
 * its backing, here the read does it). */
static int key_get(struct vmspace *vm, uint64_t uaddr, int priv, struct futex_key *k)
{
    uint32_t word;
    if (uaddr & 3)
        return -EINVAL;
    if (!user_range_ok((const void *)uaddr, sizeof(word)))
        return -EFAULT;
    if (!priv && copy_from_user(&word, (const void *)uaddr, sizeof(word)))
        return -EFAULT;
    key_make(vm, uaddr, priv, k);
    return 0;
}

/* The frame a shared key names, referenced: a queued waiter keeps it from
 * being freed and handed to other memory (whose wakes it would take). */
static struct page *key_pin(const struct futex_key *k)
{
    struct page *p = k->kind == FK_SHARED ? pg_from_phys(page_round_down(k->addr)) : 0;
    if (!p || p->refcount == 0)
        return 0;
    pg_get(p);
    return p;
}

/* ---- queues ---- */

static void queue_append(struct futex_bucket *b, struct futex_waiter *w)
{
    w->next = 0;
    w->prev = b->tail;
    if (b->tail)
        b->tail->next = w;
    else
        b->head = w;
    b->tail = w;
    w->queued = 1;
}

static void queue_remove(struct futex_bucket *b, struct futex_waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        b->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        b->tail = w->prev;
    w->queued = 0;
}

/* Take w off its queue and make its thread runnable. */
static void waiter_wake(struct futex_bucket *b, struct futex_waiter *w)
{
    queue_remove(b, w);
    sched_wake(w->thread);
}

/* Put w, taken off its queue, at the end of k's queue, with k's frame
 * pinned instead of its old key's. */
static void waiter_requeue(struct futex_waiter *w, const struct futex_key *k)
{
    struct page *old = w->pin;
    w->key = *k;
    w->pin = key_pin(k);
    queue_append(bucket_of(k), w);
    if (old)
        pg_put(old);
}

/* Wake up to n waiters on k whose bitset meets bitset, oldest first. As
 * Linux counts, n < 1 still wakes one. */
static int wake_key(const struct futex_key *k, uint32_t bitset, int n)
{
    struct futex_bucket *b = bucket_of(k);
    int woken = 0;
    for (struct futex_waiter *w = b->head, *next; w; w = next) {
        next = w->next;
        if (!key_eq(&w->key, k) || !(w->bitset & bitset))
            continue;
        waiter_wake(b, w);
        if (++woken >= n)
            break;
    }
    return woken;
}

/* ---- wait ---- */

/* Sleep while w is queued: 0 once a waker took it off, else -ETIMEDOUT
 * or -EINTR after taking itself off. The block is prepared before each
 * check, so a wake or signal arriving after the check (a signal can come
 * from an interrupt) cancels the block instead of being lost. */
static int waiter_sleep(struct futex_waiter *w, uint64_t deadline)
{
    int timed_out = 0;
    for (;;) {
        sched_block_prepare(deadline);
        if (!w->queued)
            return 0;
        if (timed_out || sched_interrupted()) {
            queue_remove(bucket_of(&w->key), w);
            return timed_out ? -ETIMEDOUT : -EINTR;
        }
        timed_out = sched_block() || (deadline && clock_ns() >= clock_deadline_ns(deadline));
    }
}

int futex_wait(struct vmspace *vm, uint64_t uaddr, int priv, uint32_t val, uint32_t bitset,
               uint64_t deadline)
{
    struct futex_waiter w = {.bitset = bitset, .thread = sched_current()};
    uint32_t word;
    if (!bitset || (uaddr & 3))
        return -EINVAL;
    if (copy_from_user(&word, (const void *)uaddr, sizeof(word)))
        return -EFAULT;
    /* From the read to sched_block nothing blocks (see the top). */
    if (word != val)
        return -EAGAIN;
    if (deadline && clock_ns() >= clock_deadline_ns(deadline))
        return -ETIMEDOUT;
    key_make(vm, uaddr, priv, &w.key);
    w.pin = key_pin(&w.key);
    queue_append(bucket_of(&w.key), &w);
    int err = waiter_sleep(&w, deadline);
    if (w.pin)
        pg_put(w.pin);
    return err;
}

/* ---- waiting on several words (futex_waitv) ---- */

/* The highest index of w[0..n) that a waker took off its queue, or -1;
 * the others leave their queues. */
static int multiple_unqueue(struct futex_waiter *w, int n)
{
    int woken = -1;
    for (int i = 0; i < n; i++) {
        if (!w[i].queued)
            woken = i;
        else
            queue_remove(bucket_of(&w[i].key), &w[i]);
    }
    return woken;
}

static int multiple_any_woken(const struct futex_waiter *w, int n)
{
    for (int i = 0; i < n; i++)
        if (!w[i].queued)
            return 1;
    return 0;
}

/* waiter_sleep for n waiters of one thread: a wake of any ends the wait. */
static int multiple_sleep(struct futex_waiter *w, int n, uint64_t deadline)
{
    int timed_out = 0;
    for (;;) {
        sched_block_prepare(deadline);
        if (multiple_any_woken(w, n))
            return multiple_unqueue(w, n);
        if (timed_out || sched_interrupted()) {
            multiple_unqueue(w, n);
            return timed_out ? -ETIMEDOUT : -EINTR;
        }
        timed_out = sched_block() || (deadline && clock_ns() >= clock_deadline_ns(deadline));
    }
}

/* The keys, then the values, in Linux's order (futex_wait_multiple_setup).
 * From the first value read to sched_block nothing blocks (see the top). */
static int multiple_check(struct vmspace *vm, const struct futex_vec *v, int n,
                          struct futex_waiter *w)
{
    uint32_t word;
    for (int i = 0; i < n; i++) {
        int err = key_get(vm, v[i].uaddr, v[i].priv, &w[i].key);
        if (err)
            return err;
    }
    for (int i = 0; i < n; i++) {
        if (copy_from_user(&word, (const void *)v[i].uaddr, sizeof(word)))
            return -EFAULT;
        if (word != v[i].val)
            return -EAGAIN;
    }
    return 0;
}

int futex_wait_multiple(struct vmspace *vm, const struct futex_vec *v, int n, uint64_t deadline)
{
    KASSERT(n > 0 && n <= FUTEX_WAITV_MAX);
    struct futex_waiter *w = kzalloc((size_t)n * sizeof(*w));
    if (!w)
        return -ENOMEM;
    int err = multiple_check(vm, v, n, w);
    if (!err && deadline && clock_ns() >= clock_deadline_ns(deadline))
        err = -ETIMEDOUT;
    if (err)
        goto out;
    for (int i = 0; i < n; i++) {
        w[i].bitset = FUTEX_BITSET_MATCH_ANY;
        w[i].thread = sched_current();
        w[i].pin = key_pin(&w[i].key);
        queue_append(bucket_of(&w[i].key), &w[i]);
    }
    err = multiple_sleep(w, n, deadline);
    for (int i = 0; i < n; i++)
        if (w[i].pin)
            pg_put(w[i].pin);
out:
    kfree(w);
    return err;
}

/* ---- wake, requeue, wake-op ---- */

int futex_wake_bits(struct vmspace *vm, uint64_t uaddr, int priv, int n, uint32_t bitset)
{
    struct futex_key k;
    if (!bitset)
        return -EINVAL;
    int err = key_get(vm, uaddr, priv, &k);
    return err ? err : wake_key(&k, bitset, n);
}

int futex_wake(struct vmspace *vm, uint64_t uaddr, int n)
{
    struct futex_key k;
    if ((uaddr & 3) || !user_range_ok((const void *)uaddr, sizeof(uint32_t)))
        return 0;
    key_make(vm, uaddr, 0, &k);
    return wake_key(&k, FUTEX_BITSET_MATCH_ANY, n);
}

/* Wake nwake waiters on k1, then move up to nrequeue more to k2 (Linux's
 * loop and count). The moved ones are gathered first, in order, so that
 * with k1 == k2 the loop cannot meet them again. */
static int requeue_key(const struct futex_key *k1, const struct futex_key *k2, int nwake,
                       int nrequeue)
{
    struct futex_bucket *b = bucket_of(k1);
    struct futex_waiter *moving = 0, **tail = &moving;
    int count = 0;
    for (struct futex_waiter *w = b->head, *next; w && count - nwake < nrequeue; w = next) {
        next = w->next;
        if (!key_eq(&w->key, k1))
            continue;
        if (++count <= nwake) {
            waiter_wake(b, w);
            continue;
        }
        queue_remove(b, w);
        w->next = 0;
        *tail = w;
        tail = &w->next;
    }
    for (struct futex_waiter *w = moving, *next; w; w = next) {
        next = w->next;
        waiter_requeue(w, k2);
    }
    return count;
}

int futex_requeue(struct vmspace *vm, uint64_t uaddr, int priv, int nwake, int nrequeue,
                  uint64_t uaddr2, const uint32_t *cmpval)
{
    struct futex_key k1, k2;
    uint32_t word;
    if (nwake < 0 || nrequeue < 0)
        return -EINVAL;
    int err = key_get(vm, uaddr, priv, &k1);
    if (!err)
        err = key_get(vm, uaddr2, priv, &k2);
    if (err)
        return err;
    if (cmpval && copy_from_user(&word, (const void *)uaddr, sizeof(word)))
        return -EFAULT;
    if (cmpval && word != *cmpval)
        return -EAGAIN;
    return requeue_key(&k1, &k2, nwake, nrequeue);
}

static int32_t sign_extend12(uint32_t v)
{
    return (int32_t)((v & 0xfff) ^ 0x800) - 0x800;
}

/* The new value of FUTEX_WAKE_OP's word (op known: the caller checked). */
static uint32_t wake_op_value(unsigned op, uint32_t arg, uint32_t old)
{
    switch (op) {
    case FUTEX_OP_SET:
        return arg;
    case FUTEX_OP_ADD:
        return old + arg;
    case FUTEX_OP_OR:
        return old | arg;
    case FUTEX_OP_ANDN:
        return old & ~arg;
    default:
        return old ^ arg; /* FUTEX_OP_XOR */
    }
}

/* Whether the old value passes the comparison: 1, 0, or -ENOSYS. */
static int wake_op_compare(unsigned cmp, int32_t old, int32_t arg)
{
    switch (cmp) {
    case FUTEX_OP_CMP_EQ:
        return old == arg;
    case FUTEX_OP_CMP_NE:
        return old != arg;
    case FUTEX_OP_CMP_LT:
        return old < arg;
    case FUTEX_OP_CMP_LE:
        return old <= arg;
    case FUTEX_OP_CMP_GT:
        return old > arg;
    case FUTEX_OP_CMP_GE:
        return old >= arg;
    }
    return -ENOSYS;
}

/* A shift count outside 0..31: masked, as Linux does, and said once. */
static uint32_t wake_op_shift(int32_t oparg)
{
    static int said;
    if ((oparg < 0 || oparg > 31) && !said) {
        said = 1;
        struct proc *p = proc_current();
        printk("futex: FUTEX_WAKE_OP shift by %d from pid %d (%s): taken mod 32\n", (int)oparg,
               p ? p->pid : 0, p ? p->name : "kernel");
    }
    return 1u << (oparg & 31);
}

/* Apply the encoded op to the aligned word at uaddr: the comparison's
 * result (1 or 0), or -EFAULT / -ENOSYS. The read and the write have
 * nothing in between that could run another thread (neither blocks); a
 * write that faults stores nothing (an aligned word lies in one page). */
static int wake_op_apply(uint64_t uaddr, uint32_t enc)
{
    unsigned op = enc >> 28 & 7, cmp = enc >> 24 & 15;
    int32_t oparg = sign_extend12(enc >> 12);
    uint32_t arg = (enc >> 28 & FUTEX_OP_OPARG_SHIFT) ? wake_op_shift(oparg) : (uint32_t)oparg;
    uint32_t old, new;
    if (op > FUTEX_OP_XOR)
        return -ENOSYS;
    if (copy_from_user(&old, (const void *)uaddr, sizeof(old)))
        return -EFAULT;
    new = wake_op_value(op, arg, old);
    if (copy_to_user((void *)uaddr, &new, sizeof(new)))
        return -EFAULT;
    return wake_op_compare(cmp, (int32_t)old, sign_extend12(enc));
}

int futex_wake_op(struct vmspace *vm, uint64_t uaddr, int priv, int nwake, uint64_t uaddr2,
                  int nwake2, uint32_t encoded)
{
    struct futex_key k1, k2;
    int err = key_get(vm, uaddr, priv, &k1);
    if (!err)
        err = key_get(vm, uaddr2, priv, &k2);
    if (err)
        return err;
    int pass = wake_op_apply(uaddr2, encoded);
    if (pass < 0)
        return pass;
    int woken = wake_key(&k1, FUTEX_BITSET_MATCH_ANY, nwake);
    if (pass)
        woken += wake_key(&k2, FUTEX_BITSET_MATCH_ANY, nwake2);
    return woken;
}

/* ---- the robust list ---- */

/* A list pointer at uaddr: the entry it names and its PI bit (bit 0). */
static int robust_fetch(uint64_t uaddr, uint64_t *entry, int *pi)
{
    uint64_t v;
    if (copy_from_user(&v, (const void *)uaddr, sizeof(v)))
        return -EFAULT;
    *entry = v & ~1ull;
    *pi = (int)(v & 1);
    return 0;
}

/* Linux's handle_futex_death for the word at uaddr of a dying tid: 0, or
 * -EFAULT (the walk stops). A pending non-PI lock with no owner yet gets
 * its wake-up (its unlocker may have died between store and wake). */
static int robust_death(struct vmspace *vm, uint64_t uaddr, int tid, int pi, int pending)
{
    uint32_t word, next;
    if ((uaddr & 3) || copy_from_user(&word, (const void *)uaddr, sizeof(word)))
        return -EFAULT;
    uint32_t owner = word & FUTEX_TID_MASK;
    if (pending && !pi && !owner) {
        futex_wake(vm, uaddr, 1);
        return 0;
    }
    if (owner != (uint32_t)tid)
        return 0;
    /* Read and write with nothing in between, as wake_op_apply. */
    next = (word & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if (copy_to_user((void *)uaddr, &next, sizeof(next)))
        return -EFAULT;
    if (!pi && (word & FUTEX_WAITERS))
        futex_wake(vm, uaddr, 1);
    return 0;
}

/* Linux's exit_robust_list: the entries from head->list.next until the
 * list comes back to head, then head->list_op_pending (once). */
static void robust_walk(struct vmspace *vm, uint64_t head, int tid)
{
    uint64_t entry, pending, next;
    int64_t offset;
    int pi, pending_pi, next_pi;
    if (robust_fetch(head, &entry, &pi) ||
        copy_from_user(&offset, (const void *)(head + 8), sizeof(offset)) ||
        robust_fetch(head + 16, &pending, &pending_pi))
        return;
    for (unsigned limit = ROBUST_LIST_LIMIT; entry != head && limit > 0; limit--) {
        int err = robust_fetch(entry, &next, &next_pi); /* before the word changes */
        if (entry != pending && robust_death(vm, entry + (uint64_t)offset, tid, pi, 0))
            return;
        if (err)
            return;
        entry = next;
        pi = next_pi;
    }
    if (pending)
        robust_death(vm, pending + (uint64_t)offset, tid, pending_pi, 1);
}

void futex_robust_exit(struct lwp *l)
{
    struct vmspace *vm = l->proc->vm;
    uint64_t head = l->robust_list;
    l->robust_list = l->robust_len = 0;
    if (!head || !vm)
        return;
    KASSERT(vmspace_current() == vm);
    robust_walk(vm, head, l->tid);
}
