/* process_vm_readv(2) and process_vm_writev(2): copies between the
 * caller's memory (its local iovecs) and another process's address space
 * (the remote iovecs), as Linux does them.
 *
 * Every process has page tables of its own; the other side is reached
 * through vmspace_access, which faults the target's pages in as its own
 * accesses would (demand zero, file pages, copy-on-write breaks for a
 * write) and honours its protections: no FOLL_FORCE, so a read of a
 * PROT_NONE page or a write into a read-only mapping is -EFAULT. Data goes
 * a page at most at a time through a kernel bounce page.
 *
 * Linux's order of checks: flags (-EINVAL), the local vector (-EINVAL past
 * IOV_MAX, -EFAULT), an empty local total is 0 at once, the remote vector
 * (-EINVAL, -EFAULT), an empty remote total is 0, then the process
 * (-ESRCH: none, or a zombie without an address space) and the right to
 * attach to it (-EPERM, cred_may_access). The transfer fills the local
 * segments in order from the remote ones in order and stops at the first
 * fault on either side: the bytes moved if any, else -EFAULT. */
#include <stdint.h>
#include "errno.h"
#include "kernel/arch.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define PVM_POLL_BYTES (256 * 1024) /* interrupts are let in after each this many */

/* One side's vector and where the transfer is in it. */
struct pvm_side {
    struct iovec_k *v;
    uint64_t n, i, off; /* segments; the current one and the offset in it */
};

/* A vector from the program (cnt segments at uv) into a new array (the
 * caller frees it): 0 with *out and the total (cut to RW_MAX as Linux's
 * import_iovec cuts it, the segments with it), -EINVAL past IOV_MAX,
 * -EFAULT, -ENOMEM. local: every segment must lie in the user window
 * (Linux's access_ok on the caller's own buffers), else -EFAULT. */
static int pvm_vector(uint64_t uv, uint64_t cnt, int local, struct iovec_k **out, uint64_t *total)
{
    *out = 0;
    *total = 0;
    if (cnt > IOV_MAX)
        return -EINVAL;
    if (!cnt)
        return 0;
    struct iovec_k *v = kmalloc(cnt * sizeof(*v));
    if (!v)
        return -ENOMEM;
    if (copy_from_user(v, (void *)uv, cnt * sizeof(*v))) {
        kfree(v);
        return -EFAULT;
    }
    for (uint64_t i = 0; i < cnt; i++) {
        if (local && (v[i].base > USER_MAX || v[i].len > USER_MAX - v[i].base)) {
            kfree(v);
            return -EFAULT;
        }
        if (v[i].len > RW_MAX - *total)
            v[i].len = RW_MAX - *total;
        *total += v[i].len;
    }
    *out = v;
    return 0;
}

/* The current segment's room left, skipping empty ones: 0 at the end. */
static uint64_t pvm_room(struct pvm_side *s)
{
    while (s->i < s->n && s->off == s->v[s->i].len) {
        s->i++;
        s->off = 0;
    }
    return s->i < s->n ? s->v[s->i].len - s->off : 0;
}

/* The target by pid, as long as it is the process (born at born) found
 * first and has an address space: looked up again for each chunk, since
 * copying on the caller's side may sleep (a fault) while it exits. */
static struct proc *pvm_target(int pid, uint64_t born)
{
    struct proc *p = proc_find(pid);
    return p && p->start_ns == born && p->state == P_ALIVE && p->vm ? p : 0;
}

/* One chunk (n bytes, within one remote page): 0 or -errno. */
static int pvm_chunk(struct vmspace *vm, uint64_t raddr, uint64_t laddr, void *bounce, uint64_t n,
                     int write)
{
    if (write)
        return copy_from_user(bounce, (void *)laddr, n) ? -EFAULT
                                                        : vmspace_access(vm, raddr, bounce, n, 1);
    int err = vmspace_access(vm, raddr, bounce, n, 0);
    return err ? err : copy_to_user((void *)laddr, bounce, n) ? -EFAULT : 0;
}

/* Move bytes until either side ends or a fault: the count moved, or the
 * first error when nothing was. */
static int64_t pvm_move(struct proc *t, struct pvm_side *loc, struct pvm_side *rem, int write)
{
    int pid = t->pid;
    uint64_t born = t->start_ns, done = 0, polled = 0;
    void *bounce = kmalloc(PAGE_SIZE);
    int err = bounce ? 0 : -ENOMEM;
    uint64_t lroom, rroom;
    while (!err && (lroom = pvm_room(loc)) && (rroom = pvm_room(rem))) {
        uint64_t raddr = rem->v[rem->i].base + rem->off;
        uint64_t n = PAGE_SIZE - page_offset(raddr);
        n = n < lroom ? n : lroom;
        n = n < rroom ? n : rroom;
        t = pvm_target(pid, born);
        err =
            t ? pvm_chunk(t->vm, raddr, loc->v[loc->i].base + loc->off, bounce, n, write) : -ESRCH;
        if (err)
            break;
        loc->off += n;
        rem->off += n;
        done += n;
        if (done - polled >= PVM_POLL_BYTES) {
            polled = done;
            arch_idle_poll();
            if (sched_interrupted())
                break;
        }
    }
    kfree(bounce);
    return done ? (int64_t)done : err;
}

static int64_t pvm(uint64_t pid, uint64_t lvec, uint64_t lcnt, uint64_t rvec, uint64_t rcnt,
                   uint64_t flags, int write)
{
    struct pvm_side loc = {0, lcnt, 0, 0}, rem = {0, rcnt, 0, 0};
    uint64_t ltotal, rtotal;
    int64_t r;
    if (flags)
        return -EINVAL;
    if ((r = pvm_vector(lvec, lcnt, 1, &loc.v, &ltotal)) != 0 || !ltotal ||
        (r = pvm_vector(rvec, rcnt, 0, &rem.v, &rtotal)) != 0 || !rtotal)
        goto out;
    struct lwp *l = (int)pid > 0 ? lwp_find((int)pid) : 0;
    if (!l || !l->proc->vm)
        r = -ESRCH;
    else if (!cred_may_access(l->proc))
        r = -EPERM;
    else
        r = pvm_move(l->proc, &loc, &rem, write);
out:
    kfree(loc.v);
    kfree(rem.v);
    return r;
}

static int64_t sys_process_vm_readv(uint64_t pid, uint64_t lvec, uint64_t lcnt, uint64_t rvec,
                                    uint64_t rcnt, uint64_t flags)
{
    return pvm(pid, lvec, lcnt, rvec, rcnt, flags, 0);
}

static int64_t sys_process_vm_writev(uint64_t pid, uint64_t lvec, uint64_t lcnt, uint64_t rvec,
                                     uint64_t rcnt, uint64_t flags)
{
    return pvm(pid, lvec, lcnt, rvec, rcnt, flags, 1);
}

void sys_pvm_register(void)
{
    syscall_register(SYS_process_vm_readv, sys_process_vm_readv);
    syscall_register(SYS_process_vm_writev, sys_process_vm_writev);
}
