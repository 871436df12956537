/* Starting init (pid 1) and waiting for it: the machine's life. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/canary.h"
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/printk.h"
#include "kernel/proc/init.h"
#include "kernel/net/net.h"
#include "kernel/net/socket.h"
#include "kernel/proc/initargs.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/prof.h"

static int start_init(const struct initargs *ia, const char *cmdline, struct proc **out)
{
    struct proc *p;
    uint64_t entry, sp;
    int err = proc_alloc(0, &p);
    if (err)
        return err;
    if ((err = init_open_stdio(p, cmdline)) ||
        (err = proc_exec(p, ia->path, ia->argv, ia->envp, &entry, &sp)) ||
        (err = proc_start(p, entry, sp)) || (err = proc_publish(p))) {
        proc_free(p);
        return err;
    }
    *out = p;
    return 0;
}

/* The power-off status for a wait status: the exit code, or 128 + signal. */
static int power_status(int wstatus)
{
    return (wstatus & 0x7f) ? 128 + (wstatus & 0x7f) : (wstatus >> 8) & 0xff;
}

/* What the page cache holds (file data, not leaks: a file left behind
 * shows as a vnode; copies of initrd pages made to be mapped, such as a
 * file's last partial page, stay with their file). */
struct cache_use {
    uint64_t pages, heap;
};

/* Pages, heap, processes, files and vnodes against the baseline taken
 * before init started, the page cache's pages and heap aside. Empty bucket
 * pages stay with the heap, so a page is lost only if free pages plus heap
 * pages went down. */
static void report_leaks(const struct pmem_stats *pb, const struct pmem_stats *pa,
                         const struct kmalloc_stats *kb, const struct kmalloc_stats *ka,
                         uint64_t vnodes, const struct cache_use *cb)
{
    /* Page tables count too: the kernel-stack area keeps the tables its
     * busiest moment needed (a high-water mark, not a leak). */
    struct cache_use ca = {pc_pages(), pc_heap()};
    uint64_t before = pb->free_pages + kb->pages_held + pb->table_pages + cb->pages;
    uint64_t after = pa->free_pages + ka->pages_held + pa->table_pages + ca.pages;
    uint64_t hb = kb->bytes_in_use - cb->heap, ha = ka->bytes_in_use - ca.heap;
    int leak = after != before || ha > hb || proc_count() != 0 || lwp_count() != 0 ||
               file_count() != 0 || vn_count() != vnodes || sock_count() != 0 || ipc_count() != 0 ||
               mq_count() != 0;
    printk("leaks: %s: free+heap+table+cache pages %llu before, %llu after; heap bytes %llu "
           "before, %llu after; page cache %llu pages %llu bytes before, %llu pages %llu bytes "
           "after; processes %u, threads %u, open files %llu, sockets %llu, SysV IPC objects %llu, "
           "POSIX message queues %llu, "
           "vnodes %llu before, %llu after\n",
           leak ? "LEAKED" : "none", (unsigned long long)before, (unsigned long long)after,
           (unsigned long long)hb, (unsigned long long)ha, (unsigned long long)cb->pages,
           (unsigned long long)cb->heap, (unsigned long long)ca.pages, (unsigned long long)ca.heap,
           proc_count(), lwp_count(), (unsigned long long)file_count(),
           (unsigned long long)sock_count(), (unsigned long long)ipc_count(),
           (unsigned long long)mq_count(), (unsigned long long)vnodes,
           (unsigned long long)vn_count());
}

/* Run init and wait for it; the leak report compares with a baseline
 * taken just before it started. The power-off status. */
static int init_watch(const struct initargs *ia, const char *cmdline, int report)
{
    uint64_t vnodes = vn_count();
    struct cache_use cached = {pc_pages(), pc_heap()};
    struct kmalloc_stats kb, ka;
    struct pmem_stats before, after;
    struct proc *p;
    kmalloc_stats(&kb);
    pmem_stats(&before);
    int err = start_init(ia, cmdline, &p);
    if (err) {
        printk(KERN_ERR "init: cannot run %s: error %d\n", ia->path, -err);
        return INIT_FAILED_STATUS;
    }
    int status = power_status(proc_reap(p));
    vfs_reclaim(); /* /proc's nodes are a cache */
    net_reclaim(); /* closed connections lwIP keeps in TIME_WAIT */
    pmem_stats(&after);
    kmalloc_stats(&ka);
    if (report) {
        printk("init: exited with status %d\n", status);
        report_leaks(&before, &after, &kb, &ka, vnodes, &cached);
    }
    prof_report();
    return status;
}

int init_run(const char *cmdline, int have_initrd, int report)
{
    if (!have_initrd) {
        printk(KERN_ERR "init: no initrd module: nothing to run\n");
        return 0;
    }
    struct initargs ia;
    size_t n = strlen(cmdline) + 16;
    char *buf = kmalloc(n); /* ia's strings */
    int status = INIT_FAILED_STATUS;
    if (!buf || initargs_parse(cmdline, buf, n, &ia)) {
        printk(KERN_ERR "init: bad init command line\n");
        goto out;
    }
    if (proc_reaper_start())
        printk("init: no reaper thread: children of parents ignoring SIGCHLD stay zombies\n");
#ifdef KERNEL_TEST
    canary_arm(cmdline); /* the test kernel: init wrote no kernel memory (canary.h) */
#endif
    status = init_watch(&ia, cmdline, report);
#ifdef KERNEL_TEST
    if (report)
        canary_check();
#endif
out:
    kfree(buf);
    return status;
}
