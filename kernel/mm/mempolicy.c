/* Memory policies on one node (mempolicy.h): making and reporting a
 * policy as Linux's mm/mempolicy.c does, and keeping it on the regions of
 * an address space. Nothing here places memory: there is one node. */
#include <stdint.h>
#include "errno.h"
#include "kernel/mm/mempolicy.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmap.h"
#include "kernel/mm/vmspace.h"

int mpol_mode_check(int mode)
{
    int flags = mode & MPOL_MODE_FLAGS;
    mode &= ~MPOL_MODE_FLAGS;
    if ((unsigned)mode >= MPOL_MAX)
        return -EINVAL;
    if ((flags & MPOL_F_STATIC_NODES) && (flags & MPOL_F_RELATIVE_NODES))
        return -EINVAL;
    if ((flags & MPOL_F_NUMA_BALANCING) && mode != MPOL_BIND && mode != MPOL_PREFERRED_MANY)
        return -EINVAL;
    return 0;
}

/* Linux's mpol_new: which modes take nodes. The mode, maybe changed (an
 * empty PREFERRED is LOCAL), or -EINVAL. */
static int mpol_mode_ok(int mode, int flags, uint64_t nodes)
{
    int fixed = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
    switch (mode) {
    case MPOL_DEFAULT:
        return nodes ? -EINVAL : mode;
    case MPOL_PREFERRED:
        if (nodes)
            return mode;
        return fixed ? -EINVAL : MPOL_LOCAL;
    case MPOL_LOCAL:
        return nodes || fixed ? -EINVAL : mode;
    }
    return nodes ? mode : -EINVAL;
}

int mpol_make(int mode, uint64_t nodes, struct vm_policy *out)
{
    int flags = mode & MPOL_MODE_FLAGS;
    if (mpol_mode_check(mode))
        return -EINVAL;
    mode = mpol_mode_ok(mode & ~MPOL_MODE_FLAGS, flags, nodes);
    if (mode < 0)
        return mode;
    /* mpol_set_nodemask: RELATIVE folds any mask onto the one node; the
     * others keep the nodes that exist, and need one. */
    if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL && !(flags & MPOL_F_RELATIVE_NODES) &&
        !(nodes & NUMA_NODES_ALL))
        return -EINVAL;
    *out = (struct vm_policy){.mode = (uint16_t)mode, .flags = (uint16_t)flags};
    if (mode != MPOL_DEFAULT && (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)))
        out->user_nodes = nodes;
    if (mode == MPOL_DEFAULT)
        out->flags = 0; /* Linux keeps no policy at all */
    return 0;
}

int mpol_mode_of(const struct vm_policy *p)
{
    return p->mode | (p->flags & MPOL_MODE_FLAGS);
}

uint64_t mpol_nodes_of(const struct vm_policy *p)
{
    if (p->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
        return p->user_nodes;
    return p->mode == MPOL_DEFAULT || p->mode == MPOL_LOCAL ? 0 : NUMA_NODES_ALL;
}

/* Whether a page of [start, end) is in memory (Linux's queue_pages_range
 * finds the pages present; every one of them is on node 0). */
static int range_has_pages(struct vmspace *vs, uint64_t start, uint64_t end)
{
    uint64_t at, pa;
    unsigned fl;
    return pmap_next(vs->root, start, end, &at, &pa, &fl) == 0;
}

int vmspace_mbind(struct vmspace *vs, uint64_t start, uint64_t end, const struct vm_policy *p,
                  uint64_t nodes, int strict)
{
    if (p->mode == MPOL_DEFAULT ? !vm_map_meets(&vs->map, start, end)
                                : !vm_map_covers(&vs->map, start, end))
        return -EFAULT;
    if (strict && !(nodes & NUMA_NODES_ALL) && range_has_pages(vs, start, end))
        return -EIO;
    return vm_map_set_policy(&vs->map, start, end, p);
}

int vmspace_home_node(struct vmspace *vs, uint64_t start, uint64_t end, int home)
{
    int err = -ENOENT;
    for (uint64_t at = start; at < end;) {
        const struct vm_region *r = vm_map_next(&vs->map, at);
        if (!r || r->start >= end)
            break;
        uint64_t s = r->start > start ? r->start : start, e = r->end < end ? r->end : end;
        struct vm_policy pol = r->pol;
        at = e;
        if (pol.mode == MPOL_DEFAULT)
            continue;
        if (pol.mode != MPOL_BIND && pol.mode != MPOL_PREFERRED_MANY)
            return -EOPNOTSUPP;
        pol.home = home + 1;
        err = vm_map_set_policy(&vs->map, s, e, &pol); /* r is stale from here */
        if (err)
            return err;
    }
    return err;
}

int vmspace_policy_at(struct vmspace *vs, uint64_t addr, struct vm_policy *out)
{
    const struct vm_region *r = vm_map_find(&vs->map, addr);
    if (!r)
        return -EFAULT;
    *out = r->pol;
    return 0;
}

int vmspace_page_node(struct vmspace *vs, uint64_t addr)
{
    uint64_t pa;
    unsigned fl;
    if (!vm_map_find(&vs->map, addr))
        return -EFAULT;
    return pmap_lookup(vs->root, page_round_down(addr), &pa, &fl) == 0 ? 0 : -ENOENT;
}
