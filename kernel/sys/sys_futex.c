/* futex, futex_waitv and get_robust_list: futex(2)'s operation, flags and timeout
 * decoded in Linux's order (the timeout is checked first, then
 * FUTEX_CLOCK_REALTIME, then the operation), the work done by the wait
 * table in kernel/proc/futex.c. set_robust_list is in sys_proc.c. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* The operations that read a timeout (Linux's futex_cmd_has_timeout). */
static int has_timeout(uint32_t cmd)
{
    return cmd == FUTEX_WAIT || cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_LOCK_PI ||
           cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/* The deadline of the timespec at uts: FUTEX_WAIT's is a relative time,
 * the others' an absolute one on CLOCK_REALTIME with FUTEX_CLOCK_REALTIME
 * (a realtime-tagged deadline, which moves when the clock is set, as on
 * Linux), else on CLOCK_MONOTONIC. Never 0, which means no timeout: a
 * time already past stays past. 0, -EFAULT or -EINVAL. */
static int futex_deadline(uint32_t op, uint64_t uts, uint64_t *deadline)
{
    uint64_t ns;
    int err = user_timespec(uts, &ns);
    if (err)
        return err;
    if ((op & FUTEX_CMD_MASK) == FUTEX_WAIT)
        *deadline = clock_add(clock_ns(), ns);
    else if (op & FUTEX_CLOCK_REALTIME)
        *deadline = clock_deadline_rt(ns);
    else
        *deadline = ns;
    if (*deadline == 0)
        *deadline = 1;
    return 0;
}

static const char *op_name(uint32_t cmd)
{
    static const char *const names[] = {
        [FUTEX_FD] = "FUTEX_FD",
        [FUTEX_LOCK_PI] = "FUTEX_LOCK_PI",
        [FUTEX_UNLOCK_PI] = "FUTEX_UNLOCK_PI",
        [FUTEX_TRYLOCK_PI] = "FUTEX_TRYLOCK_PI",
        [FUTEX_WAIT_REQUEUE_PI] = "FUTEX_WAIT_REQUEUE_PI",
        [FUTEX_CMP_REQUEUE_PI] = "FUTEX_CMP_REQUEUE_PI",
        [FUTEX_LOCK_PI2] = "FUTEX_LOCK_PI2",
    };
    return cmd < sizeof(names) / sizeof(names[0]) && names[cmd] ? names[cmd] : "an unknown op";
}

/* An operation Uniplex does not have (the priority-inheritance ones) or
 * Linux does not know: -ENOSYS, said once per operation (the unknown ones
 * above 30 share one line). */
static int64_t op_refused(uint32_t cmd)
{
    static uint32_t said;
    uint32_t bit = 1u << (cmd < 31 ? cmd : 31);
    if (!(said & bit)) {
        said |= bit;
        struct proc *p = proc_current();
        printk("futex: %s (%u) from pid %d (%s): not supported, -ENOSYS\n", op_name(cmd), cmd,
               p->pid, p->name);
    }
    return -ENOSYS;
}

/* A wait interrupted by a signal is restarted after a handler with
 * SA_RESTART, or after no handler, as on Linux; one with a timeout only
 * after no handler (Linux restarts that one with the time left, here with
 * the whole timeout again when it was relative). */
static int64_t wait_op(struct vmspace *vm, uint64_t uaddr, int priv, uint32_t val, uint32_t bitset,
                       uint64_t deadline)
{
    int err = futex_wait(vm, uaddr, priv, val, bitset, deadline);
    if (err == -EINTR)
        return deadline ? -ERESTARTNOHAND : -ERESTARTSYS;
    return err;
}

/* do_futex: the timeout already read (deadline, 0: none); val2 is the
 * timeout argument read as a count (the requeue and wake-op counts). */
static int64_t futex_op(uint32_t op, uint64_t uaddr, uint32_t val, uint64_t deadline, int val2,
                        uint64_t uaddr2, uint32_t val3)
{
    struct vmspace *vm = proc_current()->vm;
    int priv = (op & FUTEX_PRIVATE_FLAG) != 0;
    uint32_t cmd = op & FUTEX_CMD_MASK;
    switch (cmd) {
    case FUTEX_WAIT:
        return wait_op(vm, uaddr, priv, val, FUTEX_BITSET_MATCH_ANY, deadline);
    case FUTEX_WAIT_BITSET:
        return wait_op(vm, uaddr, priv, val, val3, deadline);
    case FUTEX_WAKE:
        return futex_wake_bits(vm, uaddr, priv, (int)val, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET:
        return futex_wake_bits(vm, uaddr, priv, (int)val, val3);
    case FUTEX_REQUEUE:
        return futex_requeue(vm, uaddr, priv, (int)val, val2, uaddr2, 0);
    case FUTEX_CMP_REQUEUE:
        return futex_requeue(vm, uaddr, priv, (int)val, val2, uaddr2, &val3);
    case FUTEX_WAKE_OP:
        return futex_wake_op(vm, uaddr, priv, (int)val, uaddr2, val2, val3);
    }
    return op_refused(cmd);
}

static int64_t sys_futex(uint64_t uaddr, uint64_t op64, uint64_t val, uint64_t utime,
                         uint64_t uaddr2, uint64_t val3)
{
    uint32_t op = (uint32_t)op64, cmd = op & FUTEX_CMD_MASK; /* an int, as on Linux */
    uint64_t deadline = 0;
    if (utime && has_timeout(cmd)) {
        int err = futex_deadline(op, utime, &deadline);
        if (err)
            return err;
    }
    /* Linux 6.x: FUTEX_WAIT is not among them (relative times only). */
    if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
        cmd != FUTEX_LOCK_PI2)
        return -ENOSYS;
    return futex_op(op, uaddr, (uint32_t)val, deadline, (int)(uint32_t)utime, uaddr2,
                    (uint32_t)val3);
}

/* futex_waitv(2)'s struct futex_waitv and its flags (<linux/futex.h>):
 * only 32-bit words, private or not. */
struct futex_waitv_user {
    uint64_t val;
    uint64_t uaddr;
    uint32_t flags;
    uint32_t reserved;
};
_Static_assert(sizeof(struct futex_waitv_user) == 24, "struct futex_waitv");
#define FUTEX2_SIZE_U32    0x02u
#define FUTEX2_SIZE_MASK   0x03u
#define FUTEX2_PRIVATE     FUTEX_PRIVATE_FLAG
#define FUTEXV_WAITER_MASK (FUTEX2_SIZE_MASK | FUTEX2_PRIVATE)

/* The absolute timeout at uts on clockid (Linux's futex2_setup_timeout):
 * CLOCK_REALTIME makes a realtime-tagged deadline, which moves when the
 * clock is set. 0, -EINVAL (another clock, a bad timespec), -EFAULT. */
static int waitv_deadline(uint64_t uts, int clockid, uint64_t *deadline)
{
    uint64_t ns;
    if (clockid != CLOCK_REALTIME && clockid != CLOCK_MONOTONIC)
        return -EINVAL;
    int err = user_timespec(uts, &ns);
    if (err)
        return err;
    *deadline = clockid == CLOCK_REALTIME ? clock_deadline_rt(ns) : ns;
    if (*deadline == 0)
        *deadline = 1;
    return 0;
}

/* Linux's futex_parse_waitv: every entry copied and checked before any
 * key is made. 0, -EFAULT, or -EINVAL (unknown flags, a size other than
 * 32 bits, __reserved set, a value wider than the word). */
static int waitv_parse(uint64_t uwaiters, unsigned n, struct futex_vec *v)
{
    struct futex_waitv_user e;
    for (unsigned i = 0; i < n; i++) {
        if (copy_from_user(&e, (const void *)(uwaiters + i * sizeof(e)), sizeof(e)))
            return -EFAULT;
        if ((e.flags & ~FUTEXV_WAITER_MASK) || e.reserved)
            return -EINVAL;
        if ((e.flags & FUTEX2_SIZE_MASK) != FUTEX2_SIZE_U32 || (e.val >> 32))
            return -EINVAL;
        v[i] = (struct futex_vec){
            .uaddr = e.uaddr, .val = (uint32_t)e.val, .priv = (e.flags & FUTEX2_PRIVATE) != 0};
    }
    return 0;
}

/* futex_waitv(2) (Linux 5.16): wait on up to FUTEX_WAITV_MAX words at
 * once; the index of the one woken. A signal restarts it after no handler
 * or an SA_RESTART one (-ERESTARTSYS, as Linux: its timeout is absolute). */
static int64_t sys_futex_waitv(uint64_t uwaiters, uint64_t nr64, uint64_t flags, uint64_t utimeout,
                               uint64_t clockid, uint64_t a5)
{
    ARG(a5);
    unsigned nr = (unsigned)nr64;
    uint64_t deadline = 0;
    if ((unsigned)flags)
        return -EINVAL;
    if (!nr || nr > FUTEX_WAITV_MAX || !uwaiters)
        return -EINVAL;
    if (utimeout) {
        int err = waitv_deadline(utimeout, (int)clockid, &deadline);
        if (err)
            return err;
    }
    struct futex_vec *v = kmalloc(nr * sizeof(*v));
    if (!v)
        return -ENOMEM;
    int err = waitv_parse(uwaiters, nr, v);
    if (!err)
        err = futex_wait_multiple(proc_current()->vm, v, (int)nr, deadline);
    kfree(v);
    return err == -EINTR ? -ERESTARTSYS : err;
}

/* get_robust_list(2): the list head and its size (always the head's, as
 * Linux writes it) of LWP tid (0: the caller); -ESRCH for no such LWP. */
static int64_t sys_get_robust_list(uint64_t pid, uint64_t uhead, uint64_t ulen, uint64_t a3,
                                   uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct lwp *l = (int)pid == 0 ? lwp_current() : lwp_find((int)pid);
    uint64_t len = ROBUST_LIST_HEAD_SIZE;
    if (!l)
        return -ESRCH;
    if (copy_to_user((void *)ulen, &len, sizeof(len)))
        return -EFAULT;
    return copy_to_user((void *)uhead, &l->robust_list, sizeof(l->robust_list)) ? -EFAULT : 0;
}

void sys_futex_register(void)
{
    syscall_register(SYS_futex, sys_futex);
    syscall_register(SYS_get_robust_list, sys_get_robust_list);
    syscall_register(SYS_futex_waitv, sys_futex_waitv);
}
