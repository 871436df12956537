/* Futexes: futex(2)'s wait table and the robust list (docs/ARCHITECTURE.md,
 * "Futexes").
 *
 * A futex is a 32-bit word of program memory, 4-byte aligned. Waiters are
 * kept in a hash table of buckets, found by the word's key:
 *   - FUTEX_PRIVATE_FLAG: the address space and the address;
 *   - without it, in private memory: the address space and the address
 *     again, but apart from the private kind (as Linux keeps them apart: a
 *     private wake does not reach a non-private waiter on the same word);
 *   - without it, in shared memory (MAP_SHARED): the physical frame and
 *     offset, the same in every process that shares it after fork.
 * A forked child has its own address space, so its private futexes are
 * not its parent's. Waiters are woken in the order they came (FIFO).
 *
 * One CPU and no kernel preemption: the table changes only in kernel code
 * that does not block in between, so it has no lock. Every function here
 * runs in a thread of the process whose address space is loaded, except
 * futex_wake, which looks nothing up in program memory. */
#ifndef UNIPLEX_FUTEX_H
#define UNIPLEX_FUTEX_H

#include <stdint.h>

struct vmspace;
struct lwp;

/* futex(2) operations and flags (<linux/futex.h>). */
#define FUTEX_WAIT            0
#define FUTEX_WAKE            1
#define FUTEX_FD              2 /* removed from Linux in 2.6.26: -ENOSYS */
#define FUTEX_REQUEUE         3
#define FUTEX_CMP_REQUEUE     4
#define FUTEX_WAKE_OP         5
#define FUTEX_LOCK_PI         6
#define FUTEX_UNLOCK_PI       7
#define FUTEX_TRYLOCK_PI      8
#define FUTEX_WAIT_BITSET     9
#define FUTEX_WAKE_BITSET     10
#define FUTEX_WAIT_REQUEUE_PI 11
#define FUTEX_CMP_REQUEUE_PI  12
#define FUTEX_LOCK_PI2        13
#define FUTEX_PRIVATE_FLAG    128
#define FUTEX_CLOCK_REALTIME  256
#define FUTEX_CMD_MASK        (~(uint32_t)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* FUTEX_WAKE_OP's encoded operation: op (bits 28-31, FUTEX_OP_OPARG_SHIFT
 * among them: oparg is a shift count), cmp (24-27), oparg (12-23) and
 * cmparg (0-11), both signed 12-bit. */
#define FUTEX_OP_SET         0 /* uaddr2 = oparg */
#define FUTEX_OP_ADD         1 /* uaddr2 += oparg */
#define FUTEX_OP_OR          2 /* uaddr2 |= oparg */
#define FUTEX_OP_ANDN        3 /* uaddr2 &= ~oparg */
#define FUTEX_OP_XOR         4 /* uaddr2 ^= oparg */
#define FUTEX_OP_OPARG_SHIFT 8 /* use 1 << oparg */
#define FUTEX_OP_CMP_EQ      0 /* wake on uaddr2 too if old == cmparg */
#define FUTEX_OP_CMP_NE      1
#define FUTEX_OP_CMP_LT      2
#define FUTEX_OP_CMP_LE      3
#define FUTEX_OP_CMP_GT      4
#define FUTEX_OP_CMP_GE      5

/* The robust-futex word: owner tid and two state bits. */
#define FUTEX_WAITERS     0x80000000u
#define FUTEX_OWNER_DIED  0x40000000u
#define FUTEX_TID_MASK    0x3fffffffu
#define ROBUST_LIST_LIMIT 2048 /* entries walked at most (a loop in the list ends there) */
/* struct robust_list_head: {list.next, futex_offset, list_op_pending}. */
#define ROBUST_LIST_HEAD_SIZE 24

/* FUTEX_WAIT(_BITSET): if the word at uaddr (in vm, the loaded address
 * space) still holds val, sleep until a wake whose bitset meets bitset, the
 * deadline (an absolute clock_ns() value or a realtime-tagged one,
 * clock_deadline_rt; 0: none) or a signal. 0 when
 * woken; -EINVAL (bitset 0, uaddr not 4-byte aligned), -EFAULT (word
 * unreadable), -EAGAIN (word != val), -ETIMEDOUT, -EINTR (a signal is
 * pending; the caller picks the restart code). The waiter has left the
 * table when this returns. priv: FUTEX_PRIVATE_FLAG was given. */
int futex_wait(struct vmspace *vm, uint64_t uaddr, int priv, uint32_t val, uint32_t bitset,
               uint64_t deadline);
/* futex_waitv's words, at most FUTEX_WAITV_MAX: each an address, the
 * value it must hold and whether it is private. */
#define FUTEX_WAITV_MAX 128
struct futex_vec {
    uint64_t uaddr;
    uint32_t val;
    int priv;
};
/* futex_waitv: the keys of all n words first (-EINVAL misaligned, -EFAULT
 * as FUTEX_WAKE's), then their values (-EFAULT, -EAGAIN when one differs),
 * then sleep queued on all n keys at once until a wake on any of them (the
 * whole wait ends: the result is the highest index a waker took off, as
 * Linux's unqueue_multiple reports it), the deadline (as futex_wait's:
 * -ETIMEDOUT) or a signal (-EINTR). -ENOMEM. Every waiter has left the
 * table when this returns. */
int futex_wait_multiple(struct vmspace *vm, const struct futex_vec *v, int n, uint64_t deadline);
/* FUTEX_WAKE(_BITSET): wake up to n waiters on uaddr whose bitset meets
 * bitset, oldest first (n < 1 wakes one, as on Linux). The number woken;
 * -EINVAL (bitset 0, misaligned), -EFAULT (outside the program's window,
 * or, non-private, unreadable: Linux finds the backing by faulting it in). */
int futex_wake_bits(struct vmspace *vm, uint64_t uaddr, int priv, int n, uint32_t bitset);
/* FUTEX_REQUEUE / FUTEX_CMP_REQUEUE (cmpval non-NULL: -EAGAIN unless the
 * word at uaddr holds *cmpval): wake up to nwake waiters on uaddr, then move
 * up to nrequeue more, in order, to the end of uaddr2's queue. The number
 * woken plus moved; -EINVAL (a negative count, misaligned), -EFAULT. */
int futex_requeue(struct vmspace *vm, uint64_t uaddr, int priv, int nwake, int nrequeue,
                  uint64_t uaddr2, const uint32_t *cmpval);
/* FUTEX_WAKE_OP: apply the encoded op to the word at uaddr2 (read and
 * write with nothing in between; a fault leaves it unchanged: -EFAULT),
 * wake up to nwake waiters on uaddr and, if the old value passes the
 * encoded comparison, up to nwake2 on uaddr2. The number woken; -EINVAL
 * (misaligned), -EFAULT, -ENOSYS (unknown op: word unchanged; unknown
 * comparison: word changed, as on Linux). */
int futex_wake_op(struct vmspace *vm, uint64_t uaddr, int priv, int nwake, uint64_t uaddr2,
                  int nwake2, uint32_t encoded);

/* For thread exit (clear_child_tid): wake up to n waiters (n < 1: one) as
 * a non-private FUTEX_WAKE on uaddr in vm would, which is how Linux wakes
 * it. vm need not be loaded: nothing is read from program memory. The
 * number woken; 0 for a misaligned or out-of-range uaddr. */
int futex_wake(struct vmspace *vm, uint64_t uaddr, int n);
/* At LWP exit and exec, before its address space goes: walk l's robust
 * list (l->robust_list, set by set_robust_list) as Linux's
 * exit_robust_list does. Every entry's word (entry + futex_offset; bit 0
 * of a list pointer marks a PI futex and is masked off) still owned by
 * l->tid becomes FUTEX_OWNER_DIED, keeping FUTEX_WAITERS, and if waiters
 * were flagged one is woken (PI ones: none, there are no PI waiters). At
 * most ROBUST_LIST_LIMIT entries; a fault ends the walk. Then the list is
 * forgotten. Runs in a thread whose loaded address space is
 * l->proc->vm (the exiting LWP itself). */
void futex_robust_exit(struct lwp *l);

#endif
