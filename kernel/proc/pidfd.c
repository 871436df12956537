/* Process file descriptors (pidfd_open(2)): a file that names one
 * process, readable (POLLIN) once it has exited. The file keeps the
 * process's pid and its creation time (start_ns), never a pointer: the
 * process is looked up by pid each time, and a process found under that
 * pid with another creation time is a later one that took the pid over,
 * so a pidfd outlives its process safely. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"

struct pidfd {
    int pid;
    uint64_t born; /* the process's start_ns */
};

/* Everyone polling a pidfd: told of each process's exit (few wait on
 * pidfds, and a poller only checks its own process again). Zeroed: an
 * empty queue (pollq_init's). */
static struct pollq exit_pollers;

static struct proc *pidfd_lookup(const struct pidfd *pf)
{
    struct proc *p = proc_find(pf->pid);
    return p && p->start_ns == pf->born ? p : 0;
}

/* Linux's bits: IN once the process has exited, HUP too once reaped. */
static int pidfd_poll(struct file *f, struct poll_table *pt)
{
    struct proc *p = pidfd_lookup(f->vn->priv);
    poll_wait(f, &exit_pollers, pt);
    if (!p)
        return POLLIN | POLLRDNORM | POLLHUP;
    return p->state == P_ZOMBIE ? POLLIN | POLLRDNORM : 0;
}

static void pidfd_release(struct vnode *vn)
{
    kfree(vn->priv);
}

/* No read or write: both -EINVAL, as on Linux. */
static const struct file_ops pidfd_ops = {
    .poll = pidfd_poll,
    .release = pidfd_release,
};

int pidfd_create(const struct proc *p, uint32_t flags, struct file **out)
{
    struct pidfd *pf = kzalloc(sizeof(*pf));
    if (!pf)
        return -ENOMEM;
    pf->pid = p->pid;
    pf->born = p->start_ns;
    int err = anon_file(&pidfd_ops, pf, flags, out);
    if (err)
        kfree(pf);
    return err;
}

int pidfd_target(struct file *f, struct proc **out)
{
    if (!f || f->vn->fops != &pidfd_ops)
        return -EBADF;
    *out = pidfd_lookup(f->vn->priv);
    return 0;
}

int pidfd_fdinfo_pid(struct file *f, int *pid)
{
    struct proc *p;
    if (pidfd_target(f, &p))
        return 0;
    *pid = p ? p->pid : -1;
    return 1;
}

void pidfd_exited(const struct proc *p)
{
    (void)p;
    pollq_notify(&exit_pollers, POLLIN | POLLRDNORM);
}
