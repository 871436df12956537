/* NUMA memory policies and page placement (mm/mempolicy.c, mm/migrate.c)
 * on a machine of one node: set_mempolicy, get_mempolicy, mbind,
 * set_mempolicy_home_node, migrate_pages and move_pages. Policies are made
 * and kept by kernel/mm/mempolicy.c; here the node masks are read and
 * written as Linux's get_nodes and copy_nodes_to_user do, and the calls
 * check their arguments in Linux's order. Every page is on node 0, so
 * nothing ever moves. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define MASK_BITS_MAX (PAGE_SIZE * 8) /* the longest mask a program may pass */

/* Linux's get_nodes: the mask of maxnode - 1 bits at unodes (0 or NULL:
 * none). Words beyond the nodes a mask can name must be zero (they are
 * read from the last one down, whole); -EINVAL for more than a page of
 * bits, -EFAULT. */
static int nodes_get(uint64_t unodes, uint64_t maxnode, uint64_t *nodes)
{
    uint64_t bits = maxnode - 1, word;
    *nodes = 0;
    if (maxnode == 0 || bits == 0 || !unodes)
        return 0;
    if (bits > MASK_BITS_MAX)
        return -EINVAL;
    for (uint64_t w = (bits - 1) / 64; w >= NUMA_MAX_NODES / 64; w--) {
        if (copy_from_user(&word, (const void *)(unodes + w * 8), 8))
            return -EFAULT;
        if (word)
            return -EINVAL;
    }
    if (copy_from_user(&word, (const void *)unodes, 8))
        return -EFAULT;
    *nodes = bits < 64 ? word & ((1ull << bits) - 1) : word;
    return 0;
}

/* Linux's copy_nodes_to_user: maxnode - 1 bits rounded up to whole
 * words, those beyond the nodes there are cleared; -EINVAL past a page. */
static int nodes_put(uint64_t unodes, uint64_t maxnode, uint64_t nodes)
{
    static const uint64_t zero[8];
    uint64_t bytes = (maxnode - 1 + 63) / 64 * 8;
    if (bytes > 8) {
        if (bytes > PAGE_SIZE)
            return -EINVAL;
        for (uint64_t o = 8; o < bytes; o += sizeof(zero)) {
            uint64_t n = bytes - o < sizeof(zero) ? bytes - o : sizeof(zero);
            if (copy_to_user((void *)(unodes + o), zero, n))
                return -EFAULT;
        }
        bytes = 8;
    }
    return bytes && copy_to_user((void *)unodes, &nodes, bytes) ? -EFAULT : 0;
}

/* set_mempolicy(2): the calling thread's policy. */
static int64_t sys_set_mempolicy(uint64_t mode, uint64_t unodes, uint64_t maxnode, uint64_t a3,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct vm_policy pol;
    uint64_t nodes;
    int m = (int)mode;
    int err = mpol_mode_check(m); /* before the mask is read, as Linux */
    if (!err)
        err = nodes_get(unodes, maxnode, &nodes);
    if (!err)
        err = mpol_make(m, nodes, &pol);
    if (!err)
        lwp_current()->mpol = pol;
    return err;
}

/* get_mempolicy's MPOL_F_NODE: the node of the page at addr (faulted in
 * for reading, as Linux's lookup_node does) or the next node of the
 * thread's interleaving; -EINVAL for another thread policy. */
static int node_of(int flags, uint64_t addr, const struct vm_policy *pol)
{
    uint8_t byte;
    if (flags & MPOL_F_ADDR)
        return copy_from_user(&byte, (const void *)addr, 1) ? -EFAULT : 0;
    if (pol->mode == MPOL_INTERLEAVE || pol->mode == MPOL_WEIGHTED_INTERLEAVE)
        return 0;
    return -EINVAL;
}

/* Linux's do_get_mempolicy: *mode and *nodes for flags. */
static int policy_get(int flags, uint64_t addr, int *mode, uint64_t *nodes)
{
    struct vm_policy pol = lwp_current()->mpol;
    if (flags & ~(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
        return -EINVAL;
    if (flags & MPOL_F_MEMS_ALLOWED) {
        if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
            return -EINVAL;
        *mode = 0;
        *nodes = NUMA_NODES_ALL;
        return 0;
    }
    if (flags & MPOL_F_ADDR) {
        int err = vmspace_policy_at(proc_current()->vm, addr, &pol);
        if (err)
            return err;
    } else if (addr) {
        return -EINVAL;
    }
    *mode = flags & MPOL_F_NODE ? node_of(flags, addr, &pol) : mpol_mode_of(&pol);
    *nodes = mpol_nodes_of(&pol);
    return *mode < 0 ? *mode : 0;
}

/* get_mempolicy(2). */
static int64_t sys_get_mempolicy(uint64_t umode, uint64_t unodes, uint64_t maxnode, uint64_t addr,
                                 uint64_t flags, uint64_t a5)
{
    ARG(a5);
    int mode;
    uint64_t nodes;
    if (unodes && maxnode < NUMA_NR_NODES)
        return -EINVAL;
    int err = policy_get((int)flags, addr, &mode, &nodes);
    if (err)
        return err;
    if (umode && copy_to_user((void *)umode, &mode, sizeof(mode)))
        return -EFAULT;
    return unodes ? nodes_put(unodes, maxnode, nodes) : 0;
}

/* mbind(2): the policy of a range, in its regions. Pages present outside
 * the given nodes (only possible with no node 0 among them) fail
 * MPOL_MF_STRICT without a move (-EIO, nothing set), as on Linux; with a
 * move they would go to node 0, where they are. */
static int64_t sys_mbind(uint64_t start, uint64_t len, uint64_t mode, uint64_t unodes,
                         uint64_t maxnode, uint64_t flags)
{
    struct vm_policy pol;
    uint64_t nodes;
    int m = (int)mode;
    int err = mpol_mode_check(m);
    if (!err)
        err = nodes_get(unodes, maxnode, &nodes);
    if (err)
        return err;
    unsigned fl = (unsigned)flags; /* an unsigned int, as on Linux */
    if (fl & ~(unsigned)MPOL_MF_VALID)
        return -EINVAL;
    if ((fl & MPOL_MF_MOVE_ALL) && !cred_capable(CAP_SYS_NICE))
        return -EPERM;
    if (!page_aligned(start))
        return -EINVAL;
    uint64_t end = start + page_round_up(len);
    if (end < start)
        return -EINVAL; /* past the top of the address space */
    if (end == start)
        return 0; /* len 0, or one so close to 2^64 it rounds to 0, as on Linux */
    err = mpol_make(m, nodes, &pol);
    if (err)
        return err;
    int strict = (fl & MPOL_MF_STRICT) && !(fl & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)) &&
                 pol.mode != MPOL_DEFAULT;
    return vmspace_mbind(proc_current()->vm, start, end, &pol, nodes, strict);
}

/* set_mempolicy_home_node(2) (Linux 5.17). */
static int64_t sys_set_mempolicy_home_node(uint64_t start, uint64_t len, uint64_t home,
                                           uint64_t flags, uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    if (!page_aligned(start) || flags)
        return -EINVAL;
    if (home >= NUMA_NR_NODES)
        return -EINVAL; /* beyond the nodes, or a node that is not online */
    uint64_t end = start + page_round_up(len);
    if (end < start)
        return -EINVAL; /* past the top of the address space */
    return end == start ? 0 : vmspace_home_node(proc_current()->vm, start, end, (int)home);
}

/* The address space of pid (0: the caller's) for migrate_pages and
 * move_pages: -ESRCH, -EPERM (Linux's ptrace_may_access with
 * PTRACE_MODE_READ_REALCREDS), -EINVAL (no address space left). */
static int target_vm(int pid, struct vmspace **vm)
{
    struct proc *p = proc_current();
    if (pid) {
        struct lwp *l = pid > 0 ? lwp_find(pid) : 0;
        if (!l)
            return -ESRCH;
        p = l->proc;
        if (!cred_may_access(p))
            return -EPERM;
    }
    *vm = p->vm;
    return *vm ? 0 : -EINVAL;
}

/* migrate_pages(2): the number of pages that could not be moved, always
 * 0 (every page is on node 0, which new must hold). */
static int64_t sys_migrate_pages(uint64_t pid, uint64_t maxnode, uint64_t uold, uint64_t unew,
                                 uint64_t a4, uint64_t a5)
{
    ARG(a4), ARG(a5);
    uint64_t old, new;
    struct vmspace *vm;
    int err = nodes_get(uold, maxnode, &old);
    if (!err)
        err = nodes_get(unew, maxnode, &new);
    if (!err)
        err = target_vm((int)pid, &vm);
    if (err)
        return err;
    if ((new & ~NUMA_NODES_ALL) && !cred_capable(CAP_SYS_NICE))
        return -EPERM; /* nodes outside the target's cpuset */
    return new &NUMA_NODES_ALL ? 0 : -EINVAL;
}

/* move_pages(2) without nodes (Linux's do_pages_stat): each page's node,
 * or -ENOENT / -EFAULT, into status. */
static int pages_stat(struct vmspace *vm, uint64_t n, uint64_t upages, uint64_t ustatus)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t addr;
        if (copy_from_user(&addr, (const void *)(upages + i * 8), 8))
            return -EFAULT;
        int st = vmspace_page_node(vm, addr);
        if (copy_to_user((void *)(ustatus + i * 4), &st, 4))
            return -EFAULT;
    }
    return 0;
}

/* move_pages(2) with nodes (Linux's do_pages_move): a node that is not 0
 * ends the call with -ENODEV (the pages before it have their status);
 * a page already on node 0 stays there. */
static int pages_move(struct vmspace *vm, uint64_t n, uint64_t upages, uint64_t unodes,
                      uint64_t ustatus)
{
    for (uint64_t i = 0; i < n; i++) {
        uint64_t addr;
        int node;
        if (copy_from_user(&addr, (const void *)(upages + i * 8), 8) ||
            copy_from_user(&node, (const void *)(unodes + i * 4), 4))
            return -EFAULT;
        if (node < 0 || node >= NUMA_NR_NODES)
            return -ENODEV;
        int st = vmspace_page_node(vm, addr);
        if (copy_to_user((void *)(ustatus + i * 4), &st, 4))
            return -EFAULT;
    }
    return 0;
}

static int64_t sys_move_pages(uint64_t pid, uint64_t n, uint64_t upages, uint64_t unodes,
                              uint64_t ustatus, uint64_t flags)
{
    struct vmspace *vm;
    if ((int)flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
        return -EINVAL;
    if (((int)flags & MPOL_MF_MOVE_ALL) && !cred_capable(CAP_SYS_NICE))
        return -EPERM;
    int err = target_vm((int)pid, &vm);
    if (err)
        return err;
    return unodes ? pages_move(vm, n, upages, unodes, ustatus) : pages_stat(vm, n, upages, ustatus);
}

void sys_numa_register(void)
{
    syscall_register(SYS_set_mempolicy, sys_set_mempolicy);
    syscall_register(SYS_get_mempolicy, sys_get_mempolicy);
    syscall_register(SYS_mbind, sys_mbind);
    syscall_register(SYS_set_mempolicy_home_node, sys_set_mempolicy_home_node);
    syscall_register(SYS_migrate_pages, sys_migrate_pages);
    syscall_register(SYS_move_pages, sys_move_pages);
}
