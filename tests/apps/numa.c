/* numa: NUMA memory policies on a machine of one node (node 0), through
 * the raw system calls: set_mempolicy, get_mempolicy, mbind,
 * set_mempolicy_home_node, migrate_pages and move_pages.
 *
 *   every mode set and reported back (an empty PREFERRED is LOCAL; masks
 *   cut to the nodes that exist unless STATIC or RELATIVE nodes keep them)
 *   EINVAL (modes, flags, masks, maxnode), EFAULT, the mask's length rules
 *   (maxnode - 1 bits, whole words written, the rest cleared)
 *   per-thread policy, inherited by fork and threads
 *   mbind on part of a mapping splits it (and merges it back), mremap
 *   keeps it, holes,
 *   MPOL_MF_STRICT's EIO (nothing set), MOVE_ALL without CAP_SYS_NICE, home nodes
 *   migrate_pages and move_pages: status of each page, ENODEV, ESRCH,
 *   EPERM, EFAULT
 *
 * Each case runs in its own child under alarm(). Passes on Linux too (on a
 * machine whose only node is 0). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#define MPOL_DEFAULT             0
#define MPOL_PREFERRED           1
#define MPOL_BIND                2
#define MPOL_INTERLEAVE          3
#define MPOL_LOCAL               4
#define MPOL_PREFERRED_MANY      5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_F_NUMA_BALANCING    (1 << 13)
#define MPOL_F_RELATIVE_NODES    (1 << 14)
#define MPOL_F_STATIC_NODES      (1 << 15)
#define MPOL_F_NODE              1
#define MPOL_F_ADDR              2
#define MPOL_F_MEMS_ALLOWED      4
#define MPOL_MF_STRICT           1
#define MPOL_MF_MOVE             2
#define MPOL_MF_MOVE_ALL         4

#define PAGE    4096ul
#define ALARM_S 10
#define NOBODY  65534

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

static long set_pol(int mode, const unsigned long *nodes, unsigned long maxnode)
{
    return syscall(SYS_set_mempolicy, mode, nodes, maxnode);
}

static long get_pol(int *mode, unsigned long *nodes, unsigned long maxnode, void *addr, int flags)
{
    return syscall(SYS_get_mempolicy, mode, nodes, maxnode, addr, flags);
}

static long mbind_(void *p, unsigned long len, int mode, const unsigned long *nodes,
                   unsigned long maxnode, unsigned flags)
{
    return syscall(SYS_mbind, p, len, mode, nodes, maxnode, flags);
}

static const unsigned long N0[2] = {1}, N1[2] = {2}, N01[2] = {3}, NONE[2] = {0};

/* The thread's policy (or addr's with MPOL_F_ADDR) must be mode with nodes. */
static void expect_pol(const char *what, void *addr, int want_mode, unsigned long want_nodes)
{
    int mode = -1;
    unsigned long nodes[2] = {~0ul, ~0ul};
    EXPECT_RET(what, get_pol(&mode, nodes, 65, addr, addr ? MPOL_F_ADDR : 0), 0);
    if (mode != want_mode || nodes[0] != want_nodes || nodes[1] != ~0ul)
        t_die("%s: mode %#x nodes %#lx %#lx, expected %#x %#lx (one word)", what, mode, nodes[0],
              nodes[1], want_mode, want_nodes);
}

static char *map_pages(unsigned n)
{
    char *p = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        t_die("mmap: %s", strerror(errno));
    return p;
}

/* Lines of /proc/self/maps that start inside [p, p + len). */
static int maps_regions(const char *p, unsigned long len)
{
    char buf[16384];
    int fd = open("/proc/self/maps", O_RDONLY), n = 0;
    ssize_t got = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
    if (got <= 0)
        t_die("/proc/self/maps: %s", strerror(errno));
    close(fd);
    buf[got] = 0;
    for (char *line = buf; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : 0) {
        unsigned long start = strtoul(line, NULL, 16);
        n += start >= (unsigned long)p && start < (unsigned long)p + len;
    }
    return n;
}

/* Become nobody (no capabilities), in a child of the case. */
static void drop_privileges(void)
{
    if (setgid(NOBODY) != 0 || setuid(NOBODY) != 0)
        t_die("setuid(nobody): %s", strerror(errno));
}

/* Run fn in a forked child and expect it to exit 0. */
static void in_child(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = 0;
    if (p_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        t_die("child: %s", p_status_str(st));
}

/* ---- set_mempolicy / get_mempolicy ---- */

static void case_modes(void)
{
    static const int modes[] = {MPOL_BIND, MPOL_PREFERRED, MPOL_INTERLEAVE, MPOL_PREFERRED_MANY,
                                MPOL_WEIGHTED_INTERLEAVE};
    expect_pol("default at start", NULL, MPOL_DEFAULT, 0);
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        EXPECT_RET("set {0}", set_pol(modes[i], N0, 3), 0);
        expect_pol("mode {0}", NULL, modes[i], 1);
        /* Node 1 does not exist: the mask is cut to node 0. */
        EXPECT_RET("set {0,1}", set_pol(modes[i], N01, 3), 0);
        expect_pol("mode {0,1}", NULL, modes[i], 1);
    }
    EXPECT_RET("LOCAL", set_pol(MPOL_LOCAL, NULL, 0), 0);
    expect_pol("LOCAL", NULL, MPOL_LOCAL, 0);
    EXPECT_RET("PREFERRED, no node", set_pol(MPOL_PREFERRED, NONE, 3), 0);
    expect_pol("empty PREFERRED is LOCAL", NULL, MPOL_LOCAL, 0);
    EXPECT_RET("DEFAULT", set_pol(MPOL_DEFAULT, NULL, 0), 0);
    expect_pol("DEFAULT", NULL, MPOL_DEFAULT, 0);
}

static void case_mode_flags(void)
{
    EXPECT_RET("STATIC {0,1}", set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, N01, 3), 0);
    expect_pol("STATIC keeps the mask given", NULL, MPOL_BIND | MPOL_F_STATIC_NODES, 3);
    EXPECT_RET("RELATIVE {1}", set_pol(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, N1, 3), 0);
    expect_pol("RELATIVE keeps the mask given", NULL, MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, 2);
    EXPECT_RET("NUMA_BALANCING", set_pol(MPOL_BIND | MPOL_F_NUMA_BALANCING, N0, 3), 0);
    expect_pol("NUMA_BALANCING", NULL, MPOL_BIND | MPOL_F_NUMA_BALANCING, 1);
    EXPECT_RET("DEFAULT | STATIC", set_pol(MPOL_DEFAULT | MPOL_F_STATIC_NODES, NONE, 3), 0);
    expect_pol("DEFAULT drops its flags", NULL, MPOL_DEFAULT, 0);
}

static void case_set_einval(void)
{
    EXPECT_ERR("mode 7", set_pol(7, N0, 3), EINVAL);
    EXPECT_ERR("flag 1 << 12", set_pol(MPOL_BIND | (1 << 12), N0, 3), EINVAL);
    EXPECT_ERR("STATIC | RELATIVE",
               set_pol(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, N0, 3), EINVAL);
    EXPECT_ERR("NUMA_BALANCING with LOCAL", set_pol(MPOL_LOCAL | MPOL_F_NUMA_BALANCING, NONE, 3),
               EINVAL);
    EXPECT_ERR("DEFAULT with a node", set_pol(MPOL_DEFAULT, N0, 3), EINVAL);
    EXPECT_ERR("LOCAL with a node", set_pol(MPOL_LOCAL, N0, 3), EINVAL);
    EXPECT_ERR("LOCAL | STATIC", set_pol(MPOL_LOCAL | MPOL_F_STATIC_NODES, NONE, 3), EINVAL);
    EXPECT_ERR("empty PREFERRED | STATIC", set_pol(MPOL_PREFERRED | MPOL_F_STATIC_NODES, NONE, 3),
               EINVAL);
    EXPECT_ERR("BIND, no node", set_pol(MPOL_BIND, NONE, 3), EINVAL);
    EXPECT_ERR("BIND, NULL mask", set_pol(MPOL_BIND, NULL, 3), EINVAL);
    EXPECT_ERR("PREFERRED_MANY, no node", set_pol(MPOL_PREFERRED_MANY, NONE, 3), EINVAL);
    EXPECT_ERR("BIND {1}: no such node", set_pol(MPOL_BIND, N1, 3), EINVAL);
    EXPECT_ERR("STATIC {1}: no such node", set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, N1, 3), EINVAL);
    EXPECT_ERR("maxnode 1: no bits", set_pol(MPOL_BIND, N0, 1), EINVAL);
    EXPECT_ERR("maxnode 0", set_pol(MPOL_BIND, N0, 0), EINVAL);
    EXPECT_ERR("maxnode past a page of bits", set_pol(MPOL_BIND, N0, 32769 + 1), EINVAL);
    /* Bits beyond every node a mask can name (64 here, 1024 on some
     * kernels: bit 1100 is past both). */
    static unsigned long big[20];
    big[0] = 1;
    big[1100 / 64] = 1ul << (1100 % 64);
    EXPECT_ERR("node 1100", set_pol(MPOL_BIND, big, 1102), EINVAL);
    /* maxnode - 1 bits are read, the last word whole. */
    EXPECT_ERR("node 1100, maxnode 1100", set_pol(MPOL_BIND, big, 1100), EINVAL);
    EXPECT_RET("node 1100 not read (maxnode 1089)", set_pol(MPOL_BIND, big, 1089), 0);
    expect_pol("the last good policy stays", NULL, MPOL_BIND, 1);
}

static void case_set_efault(void)
{
    EXPECT_ERR("mask at 8", set_pol(MPOL_BIND, (void *)8, 3), EFAULT);
    /* The mode is checked before the mask is read. */
    EXPECT_ERR("bad mode, bad mask", set_pol(9, (void *)8, 3), EINVAL);
    EXPECT_ERR("mode at 8", get_pol((void *)8, NULL, 0, NULL, 0), EFAULT);
    unsigned long m[2];
    int mode;
    EXPECT_ERR("mask out at 8", get_pol(&mode, (void *)8, 65, NULL, 0), EFAULT);
    EXPECT_RET("both NULL", get_pol(NULL, NULL, 0, NULL, 0), 0);
    EXPECT_RET("mode NULL", get_pol(NULL, m, 65, NULL, 0), 0);
}

static void case_get_flags(void)
{
    int mode = -1;
    unsigned long nodes[4] = {~0ul, ~0ul, ~0ul, ~0ul};
    EXPECT_RET("MEMS_ALLOWED", get_pol(&mode, nodes, 200, NULL, MPOL_F_MEMS_ALLOWED), 0);
    if (mode != 0 || nodes[0] != 1 || nodes[1] || nodes[2] || nodes[3])
        t_die("MEMS_ALLOWED: mode %d nodes %#lx %#lx %#lx %#lx", mode, nodes[0], nodes[1], nodes[2],
              nodes[3]);
    EXPECT_ERR("MEMS_ALLOWED | NODE",
               get_pol(&mode, nodes, 65, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL);
    EXPECT_ERR("MEMS_ALLOWED | ADDR",
               get_pol(&mode, nodes, 65, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), EINVAL);
    EXPECT_ERR("flag 8", get_pol(&mode, nodes, 65, NULL, 8), EINVAL);
    EXPECT_ERR("addr without MPOL_F_ADDR", get_pol(&mode, nodes, 65, &mode, 0), EINVAL);
    EXPECT_ERR("NODE, not interleaving", get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL);
    EXPECT_RET("INTERLEAVE", set_pol(MPOL_INTERLEAVE, N0, 3), 0);
    mode = -1;
    EXPECT_RET("NODE, interleaving", get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE), 0);
    if (mode != 0)
        t_die("next interleave node %d", mode);
    EXPECT_ERR("mask with maxnode 0", get_pol(&mode, nodes, 0, NULL, 0), EINVAL);
    nodes[0] = ~0ul;
    EXPECT_RET("maxnode 1", get_pol(&mode, nodes, 1, NULL, 0), 0);
    if (nodes[0] != ~0ul)
        t_die("maxnode 1 wrote %#lx", nodes[0]);
    EXPECT_ERR("maxnode past a page", get_pol(&mode, nodes, 32768 + 66, NULL, 0), EINVAL);
    EXPECT_ERR("NODE | ADDR, no mapping", get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE | MPOL_F_ADDR),
               EFAULT);
    char *p = map_pages(1);
    munmap(p, PAGE);
    EXPECT_ERR("ADDR, unmapped", get_pol(&mode, nodes, 65, p, MPOL_F_ADDR), EFAULT);
    p = mmap(NULL, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_ERR("NODE | ADDR, PROT_NONE", get_pol(&mode, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR),
               EFAULT);
    p = map_pages(1);
    mode = -1;
    EXPECT_RET("NODE | ADDR", get_pol(&mode, NULL, 0, p, MPOL_F_NODE | MPOL_F_ADDR), 0);
    if (mode != 0)
        t_die("page on node %d", mode);
}

static void *thread_main(void *arg)
{
    int mode = -1;
    (void)arg;
    if (get_pol(&mode, NULL, 0, NULL, 0) != 0 || mode != MPOL_BIND)
        return (void *)1;
    if (set_pol(MPOL_INTERLEAVE, N0, 3) != 0 || get_pol(&mode, NULL, 0, NULL, 0) != 0 ||
        mode != MPOL_INTERLEAVE)
        return (void *)2;
    return NULL;
}

static void child_sees_bind(void)
{
    expect_pol("in a forked child", NULL, MPOL_BIND, 1);
}

/* A thread's own policy, copied to new threads and forked children. */
static void case_per_thread(void)
{
    pthread_t t;
    void *ret;
    EXPECT_RET("BIND", set_pol(MPOL_BIND, N0, 3), 0);
    if (pthread_create(&t, NULL, thread_main, NULL) != 0 || pthread_join(t, &ret) != 0)
        t_die("pthread: %s", strerror(errno));
    if (ret)
        t_die("thread: step %ld failed", (long)ret);
    expect_pol("the thread's change is its own", NULL, MPOL_BIND, 1);
    in_child(child_sees_bind);
}

/* ---- mbind ---- */

static void case_mbind_split(void)
{
    char *p = map_pages(4);
    EXPECT_RET("mbind pages 1-2", mbind_(p + PAGE, 2 * PAGE, MPOL_BIND, N01, 3, 0), 0);
    expect_pol("page 0", p, MPOL_DEFAULT, 0);
    expect_pol("page 1", p + PAGE, MPOL_BIND, 1);
    expect_pol("page 2", p + 2 * PAGE + 100, MPOL_BIND, 1);
    expect_pol("page 3", p + 3 * PAGE, MPOL_DEFAULT, 0);
    if (maps_regions(p, 4 * PAGE) != 3)
        t_die("%d regions after mbind of the middle, expected 3", maps_regions(p, 4 * PAGE));
    EXPECT_RET("mbind page 2 STATIC",
               mbind_(p + 2 * PAGE, PAGE, MPOL_BIND | MPOL_F_STATIC_NODES, N01, 3, 0), 0);
    expect_pol("page 2 STATIC", p + 2 * PAGE, MPOL_BIND | MPOL_F_STATIC_NODES, 3);
    expect_pol("page 1 unchanged", p + PAGE, MPOL_BIND, 1);
    EXPECT_RET("mbind page 3 LOCAL", mbind_(p + 3 * PAGE, PAGE, MPOL_LOCAL, NULL, 0, 0), 0);
    expect_pol("page 3 LOCAL", p + 3 * PAGE, MPOL_LOCAL, 0);
    /* The thread's policy does not show through a range's. */
    EXPECT_RET("thread INTERLEAVE", set_pol(MPOL_INTERLEAVE, N0, 3), 0);
    expect_pol("page 0 still DEFAULT", p, MPOL_DEFAULT, 0);
    EXPECT_RET("mbind all DEFAULT", mbind_(p, 4 * PAGE, MPOL_DEFAULT, NULL, 0, 0), 0);
    expect_pol("page 2 DEFAULT", p + 2 * PAGE, MPOL_DEFAULT, 0);
    if (maps_regions(p, 4 * PAGE) != 1)
        t_die("%d regions after mbind DEFAULT, expected 1 (merged)", maps_regions(p, 4 * PAGE));
    /* A policy survives fork with the mapping. */
    EXPECT_RET("mbind page 0", mbind_(p, PAGE, MPOL_PREFERRED, N0, 3, 0), 0);
    pid_t pid = fork();
    if (pid == 0) {
        int mode = -1;
        _exit(get_pol(&mode, NULL, 0, p, MPOL_F_ADDR) == 0 && mode == MPOL_PREFERRED ? 0 : 1);
    }
    int st = 0;
    if (p_wait(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        t_die("the forked child did not see the range's policy: %s", p_status_str(st));
}

/* mremap moving a range takes its policy along (the new pages too). */
static void case_mremap_keeps(void)
{
    char *p = map_pages(3);
    EXPECT_RET("mbind pages 0-1", mbind_(p, 2 * PAGE, MPOL_INTERLEAVE, N0, 3, 0), 0);
    p[0] = 7;
    /* Page 2, with no policy, is another region: the range must move. */
    char *q = mremap(p, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    if (q == MAP_FAILED || q == p || q[0] != 7)
        t_die("mremap: %p (%s)", (void *)q, strerror(errno));
    expect_pol("moved page 0", q, MPOL_INTERLEAVE, 1);
    expect_pol("grown page 3", q + 3 * PAGE, MPOL_INTERLEAVE, 1);
    expect_pol("page 2 left behind", p + 2 * PAGE, MPOL_DEFAULT, 0);
}

static void case_mbind_errors(void)
{
    char *p = map_pages(4);
    munmap(p + 2 * PAGE, PAGE); /* a hole at page 2 */
    EXPECT_ERR("unaligned start", mbind_(p + 1, PAGE, MPOL_BIND, N0, 3, 0), EINVAL);
    EXPECT_ERR("flag 8", mbind_(p, PAGE, MPOL_BIND, N0, 3, 8), EINVAL);
    EXPECT_ERR("flag 16", mbind_(p, PAGE, MPOL_BIND, N0, 3, 16), EINVAL);
    EXPECT_ERR("mode 7", mbind_(p, PAGE, 7, N0, 3, 0), EINVAL);
    EXPECT_ERR("STATIC | RELATIVE",
               mbind_(p, PAGE, MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, N0, 3, 0),
               EINVAL);
    EXPECT_ERR("BIND {1}", mbind_(p, PAGE, MPOL_BIND, N1, 3, 0), EINVAL);
    EXPECT_ERR("BIND, no node", mbind_(p, PAGE, MPOL_BIND, NONE, 3, 0), EINVAL);
    EXPECT_ERR("mask at 8", mbind_(p, PAGE, MPOL_BIND, (void *)8, 3, 0), EFAULT);
    EXPECT_ERR("length wraps below start", mbind_(p, -2 * PAGE, MPOL_BIND, N0, 3, 0), EINVAL);
    EXPECT_RET("length 0", mbind_(p, 0, MPOL_BIND, N0, 3, 0), 0);
    EXPECT_RET("length 0, unmapped", mbind_(p + 2 * PAGE, 0, MPOL_BIND, N0, 3, 0), 0);
    EXPECT_ERR("over the hole", mbind_(p, 4 * PAGE, MPOL_BIND, N0, 3, 0), EFAULT);
    EXPECT_ERR("in the hole", mbind_(p + 2 * PAGE, PAGE, MPOL_BIND, N0, 3, 0), EFAULT);
    expect_pol("nothing set by the failure", p, MPOL_DEFAULT, 0);
    /* MPOL_DEFAULT may span holes, but not only a hole. */
    EXPECT_RET("DEFAULT over the hole", mbind_(p, 4 * PAGE, MPOL_DEFAULT, NULL, 0, 0), 0);
    EXPECT_ERR("DEFAULT in the hole", mbind_(p + 2 * PAGE, PAGE, MPOL_DEFAULT, NULL, 0, 0), EFAULT);
    EXPECT_RET("partial last page", mbind_(p, PAGE + 1, MPOL_BIND, N0, 3, 0), 0);
    expect_pol("partial last page rounds up", p + PAGE, MPOL_BIND, 1);
}

/* MPOL_MF_STRICT: a page present outside the given nodes is -EIO unless
 * it may be moved; the policy is then left as it was. */
static void case_mbind_strict(void)
{
    char *p = map_pages(2);
    EXPECT_RET("LOCAL STRICT, no page yet", mbind_(p, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT),
               0);
    p[0] = 1;
    EXPECT_RET("BIND STRICT, page on 0", mbind_(p, PAGE, MPOL_BIND, N0, 3, MPOL_MF_STRICT), 0);
    EXPECT_ERR("LOCAL STRICT, a page present", mbind_(p, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT),
               EIO);
    expect_pol("nothing set on EIO", p, MPOL_BIND, 1);
    EXPECT_RET("LOCAL STRICT | MOVE",
               mbind_(p, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT | MPOL_MF_MOVE), 0);
    EXPECT_RET("DEFAULT STRICT", mbind_(p, PAGE, MPOL_DEFAULT, NULL, 0, MPOL_MF_STRICT), 0);
    EXPECT_RET("MOVE_ALL as root",
               mbind_(p, 2 * PAGE, MPOL_BIND, N0, 3, MPOL_MF_MOVE_ALL | MPOL_MF_STRICT), 0);
}

static char *shared_page;

static void unprivileged_moves(void)
{
    drop_privileges();
    void *pages[1] = {shared_page};
    int status[1];
    EXPECT_ERR("mbind MOVE_ALL", mbind_(shared_page, PAGE, MPOL_BIND, N0, 3, MPOL_MF_MOVE_ALL),
               EPERM);
    EXPECT_RET("mbind MOVE", mbind_(shared_page, PAGE, MPOL_BIND, N0, 3, MPOL_MF_MOVE), 0);
    EXPECT_ERR("move_pages MOVE_ALL",
               syscall(SYS_move_pages, 0, 1, pages, NULL, status, MPOL_MF_MOVE_ALL), EPERM);
    EXPECT_ERR("migrate_pages to node 1", syscall(SYS_migrate_pages, 0, 3, N0, N01), EPERM);
    EXPECT_ERR("migrate_pages of root's process", syscall(SYS_migrate_pages, getppid(), 3, N0, N0),
               EPERM);
    EXPECT_ERR("move_pages of root's process",
               syscall(SYS_move_pages, getppid(), 1, pages, NULL, status, 0), EPERM);
}

static void case_unprivileged(void)
{
    shared_page = map_pages(1);
    in_child(unprivileged_moves);
}

/* set_mempolicy_home_node: only on ranges with BIND or PREFERRED_MANY. */
static void case_home_node(void)
{
    char *p = map_pages(4);
#define HOME(a, l, n, f) syscall(SYS_set_mempolicy_home_node, a, l, n, f)
    EXPECT_ERR("no policy in the range", HOME(p, PAGE, 0, 0), ENOENT);
    EXPECT_ERR("unaligned", HOME(p + 1, PAGE, 0, 0), EINVAL);
    EXPECT_ERR("flags", HOME(p, PAGE, 0, 1), EINVAL);
    EXPECT_ERR("node 1", HOME(p, PAGE, 1, 0), EINVAL);
    EXPECT_RET("length 0", HOME(p, 0, 0, 0), 0);
    EXPECT_RET("PREFERRED_MANY page 1", mbind_(p + PAGE, PAGE, MPOL_PREFERRED_MANY, N0, 3, 0), 0);
    EXPECT_RET("home on PREFERRED_MANY", HOME(p, 4 * PAGE, 0, 0), 0);
    expect_pol("still PREFERRED_MANY", p + PAGE, MPOL_PREFERRED_MANY, 1);
    EXPECT_RET("INTERLEAVE page 2", mbind_(p + 2 * PAGE, PAGE, MPOL_INTERLEAVE, N0, 3, 0), 0);
    EXPECT_ERR("home on INTERLEAVE", HOME(p, 4 * PAGE, 0, 0), EOPNOTSUPP);
    munmap(p, 4 * PAGE);
    EXPECT_ERR("unmapped", HOME(p, 4 * PAGE, 0, 0), ENOENT);
#undef HOME
}

/* ---- migrate_pages, move_pages ---- */

static void case_migrate_pages(void)
{
    EXPECT_RET("0 -> 0", syscall(SYS_migrate_pages, 0, 3, N0, N0), 0);
    EXPECT_RET("{0,1} -> {0,1} as root", syscall(SYS_migrate_pages, 0, 3, N01, N01), 0);
    EXPECT_RET("own pid", syscall(SYS_migrate_pages, getpid(), 3, N0, N0), 0);
    EXPECT_ERR("to no node", syscall(SYS_migrate_pages, 0, 3, N0, NONE), EINVAL);
    EXPECT_ERR("to node 1 only, as root", syscall(SYS_migrate_pages, 0, 3, N0, N1), EINVAL);
    EXPECT_ERR("no such process", syscall(SYS_migrate_pages, 999999, 3, N0, N0), ESRCH);
    EXPECT_ERR("pid -1", syscall(SYS_migrate_pages, -1, 3, N0, N0), ESRCH);
    EXPECT_ERR("old at 8", syscall(SYS_migrate_pages, 0, 3, (void *)8, N0), EFAULT);
    EXPECT_ERR("new at 8", syscall(SYS_migrate_pages, 0, 3, N0, (void *)8), EFAULT);
    EXPECT_ERR("maxnode past a page", syscall(SYS_migrate_pages, 0, 40000, N0, N0), EINVAL);
}

static void case_move_pages_status(void)
{
    char *p = map_pages(4);
    munmap(p + 3 * PAGE, PAGE);
    p[0] = 1;
    p[PAGE + 5] = 1;
    void *pages[5] = {p, p + PAGE + 100, p + 2 * PAGE, p + 3 * PAGE, (void *)8};
    int status[5] = {9, 9, 9, 9, 9}, want[5] = {0, 0, -ENOENT, -EFAULT, -EFAULT};
    EXPECT_RET("query", syscall(SYS_move_pages, 0, 5, pages, NULL, status, 0), 0);
    for (int i = 0; i < 5; i++)
        if (status[i] != want[i])
            t_die("page %d: status %d, expected %d", i, status[i], want[i]);
    int nodes[5] = {0, 0, 0, 0, 0};
    memset(status, 9, sizeof(status));
    EXPECT_RET("move to 0", syscall(SYS_move_pages, getpid(), 5, pages, nodes, status, 0), 0);
    for (int i = 0; i < 5; i++)
        if (status[i] != want[i])
            t_die("move, page %d: status %d, expected %d", i, status[i], want[i]);
    EXPECT_RET("count 0", syscall(SYS_move_pages, 0, 0, pages, NULL, status, 0), 0);
    EXPECT_RET("MOVE | MOVE_ALL as root",
               syscall(SYS_move_pages, 0, 1, pages, nodes, status, MPOL_MF_MOVE | MPOL_MF_MOVE_ALL),
               0);
}

static void case_move_pages_errors(void)
{
    char *p = map_pages(2);
    p[0] = 1;
    void *pages[2] = {p, p + PAGE};
    int nodes[2] = {0, 1}, status[2] = {9, 9};
    EXPECT_ERR("node 1", syscall(SYS_move_pages, 0, 2, pages, nodes, status, 0), ENODEV);
    if (status[0] != 0)
        t_die("the page before the bad node: status %d", status[0]);
    nodes[1] = -1;
    EXPECT_ERR("node -1", syscall(SYS_move_pages, 0, 2, pages, nodes, status, 0), ENODEV);
    EXPECT_ERR("STRICT", syscall(SYS_move_pages, 0, 1, pages, NULL, status, MPOL_MF_STRICT),
               EINVAL);
    EXPECT_ERR("no such process", syscall(SYS_move_pages, 999999, 1, pages, NULL, status, 0),
               ESRCH);
    EXPECT_ERR("status at 8", syscall(SYS_move_pages, 0, 1, pages, NULL, (void *)8, 0), EFAULT);
    EXPECT_ERR("pages at 8", syscall(SYS_move_pages, 0, 1, (void *)8, NULL, status, 0), EFAULT);
    EXPECT_ERR("nodes at 8", syscall(SYS_move_pages, 0, 1, pages, (void *)8, status, 0), EFAULT);
}

/* Another process's pages: a child's, which the caller may inspect. */
static void case_move_pages_other(void)
{
    int fds[2];
    char *p = map_pages(2);
    if (pipe(fds) != 0)
        t_die("pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        p[PAGE] = 1; /* the child's page 1 is present, its page 0 is not */
        if (write(fds[1], "x", 1) != 1)
            _exit(1);
        pause();
        _exit(0);
    }
    char c;
    if (read(fds[0], &c, 1) != 1)
        t_die("child never ready");
    void *pages[2] = {p, p + PAGE};
    int status[2] = {9, 9};
    long r = syscall(SYS_move_pages, pid, 2, pages, NULL, status, 0);
    kill(pid, SIGKILL);
    p_wait(pid, NULL, 0);
    if (r != 0 || status[0] != -ENOENT || status[1] != 0)
        t_die("child's pages: %ld (%s), status %d %d", r, strerror(errno), status[0], status[1]);
}

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"modes-set-and-reported", case_modes},
    {"mode-flags", case_mode_flags},
    {"set-mempolicy-einval", case_set_einval},
    {"efault", case_set_efault},
    {"get-mempolicy-flags-and-maxnode", case_get_flags},
    {"per-thread-inherited", case_per_thread},
    {"mbind-splits-and-merges", case_mbind_split},
    {"mbind-errors-and-holes", case_mbind_errors},
    {"mremap-keeps-policy", case_mremap_keeps},
    {"mbind-strict-eio", case_mbind_strict},
    {"unprivileged-eperm", case_unprivileged},
    {"set-mempolicy-home-node", case_home_node},
    {"migrate-pages", case_migrate_pages},
    {"move-pages-status", case_move_pages_status},
    {"move-pages-errors", case_move_pages_errors},
    {"move-pages-other-process", case_move_pages_other},
};

int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!t_case_named(argc, argv, cases[i].name))
            continue;
        char why[300];
        int st = 0;
        if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, 0, why, sizeof(why), &st) &&
            t_case_passed(cases[i].name, why, st))
            t_ok(cases[i].name);
    }
    return t_done("numa");
}
