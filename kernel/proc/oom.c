/* The out-of-memory killer (Linux mm/oom_kill.c in spirit): a page fault
 * in program code that finds no free page ends the process holding the
 * most memory, not necessarily the one that faulted, and never init. */
#include <stdint.h>
#include "kernel/mm/page.h"
#include "kernel/mm/vmspace.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

#define OOM_RETRIES 1000 /* faults retried while a victim is on its way out */

static unsigned retries;

/* Whether a process chosen earlier has still to die (and free its memory). */
static int victim_alive(void)
{
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (p && p->state == P_ALIVE && p->oom_killed)
            return 1;
    }
    return 0;
}

/* The live process with the most resident pages, init and earlier victims
 * left out; NULL if there is none. */
static struct proc *biggest(uint64_t *pages)
{
    struct proc *best = 0;
    *pages = 0;
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *p = proc_at(i);
        if (!p || p->state != P_ALIVE || p->pid == 1 || p->oom_killed || !p->vm)
            continue;
        uint64_t n = vmspace_resident(p->vm);
        if (!best || n > *pages) {
            best = p;
            *pages = n;
        }
    }
    return best;
}

__attribute__((noreturn)) static void kill_current(struct proc *p, uint64_t addr)
{
    printk(KERN_ERR "pid %d (%s): out of memory on a page fault at %#llx: killed by signal %d\n",
           p->pid, p->name, (unsigned long long)addr, SIGKILL);
    proc_exit(W_SIGNALED(SIGKILL));
}

int proc_oom(uint64_t addr)
{
    struct proc *p = proc_current();
    uint64_t pages;
    if (!p)
        return 0;
    if (retries++ < OOM_RETRIES && victim_alive()) {
        sched_yield(); /* the victim frees its memory when it runs */
        return 1;
    }
    struct proc *v = biggest(&pages);
    if (!v || v == p)
        kill_current(p, addr);
    printk(KERN_ERR
           "pid %d (%s): out of memory on a page fault at %#llx: killing pid %d (%s, %llu KiB "
           "resident)\n",
           p->pid, p->name, (unsigned long long)addr, v->pid, v->name,
           (unsigned long long)pages * PAGE_KIB);
    v->oom_killed = 1;
    retries = 0;
    sig_send(v, SIGKILL);
    sched_yield();
    return 1;
}
