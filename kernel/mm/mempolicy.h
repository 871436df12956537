/* NUMA memory policies on a machine of one node (docs/ARCHITECTURE.md,
 * "Memory policies"): set_mempolicy(2), mbind(2) and the calls around them.
 *
 * Uniplex has one memory node, node 0, so every policy Linux accepts is
 * honoured trivially: whatever it asks, memory comes from node 0, which is
 * what each of them allows once its node mask is cut down to the nodes
 * that exist. What is kept is what Linux reports back (get_mempolicy):
 * the mode, its mode flags, the node mask as the program gave it when a
 * flag asks for that (MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES: Linux's
 * user_nodemask), and the home node (set_mempolicy_home_node). A thread's
 * policy lives in its LWP (copied by clone and fork, kept by exec); a
 * range's policy (mbind) lives in its vm_region, which is split and merged
 * as for mprotect. */
#ifndef UNIPLEX_MM_MEMPOLICY_H
#define UNIPLEX_MM_MEMPOLICY_H

#include <stdint.h>

struct vmspace;

/* Policy modes (<linux/mempolicy.h>). */
#define MPOL_DEFAULT             0
#define MPOL_PREFERRED           1
#define MPOL_BIND                2
#define MPOL_INTERLEAVE          3
#define MPOL_LOCAL               4
#define MPOL_PREFERRED_MANY      5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_MAX                 7
/* Mode flags, or'ed into the mode. */
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_STATIC_NODES   (1 << 15)
#define MPOL_MODE_FLAGS       (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)
/* get_mempolicy flags. */
#define MPOL_F_NODE         (1 << 0)
#define MPOL_F_ADDR         (1 << 1)
#define MPOL_F_MEMS_ALLOWED (1 << 2)
/* mbind and move_pages flags. */
#define MPOL_MF_STRICT   (1 << 0)
#define MPOL_MF_MOVE     (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)
#define MPOL_MF_VALID    (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* The nodes a mask can name (Linux's MAX_NUMNODES with x86_64's default
 * CONFIG_NODES_SHIFT of 6), and the nodes there are (nr_node_ids). */
#define NUMA_MAX_NODES 64
#define NUMA_NR_NODES  1
#define NUMA_NODES_ALL 1ull /* node 0: every node that has memory */
#define NUMA_NO_NODE   (-1)

/* A policy as Linux reports it. mode MPOL_DEFAULT with nothing else is
 * "no policy" (the zero value): a region's falls back to its thread's. */
struct vm_policy {
    uint16_t mode;       /* MPOL_* (never MPOL_PREFERRED with no node: MPOL_LOCAL) */
    uint16_t flags;      /* MPOL_MODE_FLAGS */
    int32_t home;        /* set_mempolicy_home_node's node + 1; 0: none */
    uint64_t user_nodes; /* the mask as given (kept with STATIC or RELATIVE nodes) */
};

/* Whether two policies are the same (two touching regions merge only then). */
static inline int mpol_equal(const struct vm_policy *a, const struct vm_policy *b)
{
    return a->mode == b->mode && a->flags == b->flags && a->home == b->home &&
           a->user_nodes == b->user_nodes;
}

/* Linux's sanitize_mpol_flags on mode (MPOL_* with mode flags), checked
 * before the node mask is read: 0, or -EINVAL for an unknown mode or flag,
 * both STATIC and RELATIVE nodes, or NUMA_BALANCING with a mode other
 * than BIND or PREFERRED_MANY. */
int mpol_mode_check(int mode);
/* The policy that mode (MPOL_* with mode flags) and nodes (a mask as read
 * from the program) make, checked as mpol_mode_check, then as Linux's
 * mpol_new and mpol_set_nodemask check it: -EINVAL for nodes given to
 * DEFAULT or LOCAL, none to a mode that needs some, or (RELATIVE aside)
 * none of them a node that exists.
 * MPOL_PREFERRED with no node becomes MPOL_LOCAL, as on Linux. */
int mpol_make(int mode, uint64_t nodes, struct vm_policy *out);
/* What get_mempolicy reports: the mode with its flags, and the node mask
 * (the given one with STATIC or RELATIVE nodes, else the nodes in use:
 * none for DEFAULT and LOCAL, node 0 for the others). */
int mpol_mode_of(const struct vm_policy *p);
uint64_t mpol_nodes_of(const struct vm_policy *p);

/* mbind on [start, end) of vs (page-aligned, start < end): every page must
 * be in a region (-EFAULT), except for MPOL_DEFAULT, which needs only one
 * region to meet the range (Linux's MPOL_MF_DISCONTIG_OK); regions crossing
 * the ends are split (-ENOMEM, nothing changed). strict (MPOL_MF_STRICT
 * without a move, and not MPOL_DEFAULT): a page present in the range that
 * lies outside nodes (the mask as given; every page is on node 0) is
 * -EIO, with nothing changed, as Linux's queue_pages_range reports it. */
int vmspace_mbind(struct vmspace *vs, uint64_t start, uint64_t end, const struct vm_policy *p,
                  uint64_t nodes, int strict);
/* set_mempolicy_home_node on [start, end): every region there with a
 * policy takes home as its home node, in order, until one whose mode is
 * neither BIND nor PREFERRED_MANY (-EOPNOTSUPP; the earlier ones keep the
 * change, as on Linux). -ENOENT when no region had a policy; -ENOMEM. */
int vmspace_home_node(struct vmspace *vs, uint64_t start, uint64_t end, int home);
/* The policy of the region holding addr (-EFAULT: none). */
int vmspace_policy_at(struct vmspace *vs, uint64_t addr, struct vm_policy *out);
/* move_pages' status of the page at addr of vs: its node (0) when it is
 * in memory, -ENOENT when it was never touched, -EFAULT outside every
 * region. */
int vmspace_page_node(struct vmspace *vs, uint64_t addr);

#endif
