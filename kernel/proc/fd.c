/* Descriptor tables (grown on demand up to RLIMIT_NOFILE), each used by
 * one process and its threads or, after clone(CLONE_FILES), by several
 * processes (refs). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"

/* Make room for descriptor fd: 0 or -ENOMEM. */
static int fd_grow(struct fdtable *t, unsigned fd)
{
    if (fd < t->cap)
        return 0;
    unsigned cap = t->cap ? t->cap : 16;
    while (cap <= fd)
        cap *= 2;
    struct file **files = kzalloc(cap * sizeof(*files));
    uint8_t *cloexec = kzalloc(cap);
    if (!files || !cloexec) {
        kfree(files);
        kfree(cloexec);
        return -ENOMEM;
    }
    if (t->cap) {
        memcpy(files, t->files, t->cap * sizeof(*files));
        memcpy(cloexec, t->cloexec, t->cap);
    }
    kfree(t->files);
    kfree(t->cloexec);
    t->files = files;
    t->cloexec = cloexec;
    t->cap = cap;
    return 0;
}

/* Descriptor fd now holds a file. */
static void fd_taken(struct fdtable *t, unsigned fd)
{
    if (fd >= t->top)
        t->top = fd + 1;
}

/* Descriptor fd is now free: the walks over the table (fork's copy, exec's
 * close-on-exec, exit) stop at the highest one open, not at the table's
 * size, which a process that once had many descriptors keeps. */
static void fd_freed(struct fdtable *t, unsigned fd)
{
    if (fd + 1 == t->top)
        while (t->top > 0 && !t->files[t->top - 1])
            t->top--;
}

static uint64_t fd_limit(const struct proc *p)
{
    return p->rlim[RLIMIT_NOFILE].cur;
}

int fd_install(struct proc *p, struct file *f, int min, int cloexec)
{
    struct fdtable *t = p->fds;
    unsigned fd = min < 0 ? 0 : (unsigned)min;
    while (fd < t->cap && t->files[fd])
        fd++;
    if (fd >= fd_limit(p))
        return -EMFILE;
    int err = fd_grow(t, fd);
    if (err)
        return err;
    t->files[fd] = f;
    t->cloexec[fd] = cloexec ? 1 : 0;
    fd_taken(t, fd);
    return (int)fd;
}

int fd_room(struct proc *p)
{
    const struct fdtable *t = p->fds;
    unsigned fd = 0;
    while (fd < t->cap && t->files[fd])
        fd++;
    return fd < fd_limit(p) ? 0 : -EMFILE;
}

int fd_install_at(struct proc *p, struct file *f, int fd, int cloexec)
{
    int err = fd_grow(p->fds, (unsigned)fd);
    if (err)
        return err;
    if (p->fds->files[fd])
        return -EBUSY;
    p->fds->files[fd] = f;
    p->fds->cloexec[fd] = cloexec ? 1 : 0;
    fd_taken(p->fds, (unsigned)fd);
    return fd;
}

void fd_close_cloexec(struct proc *p)
{
    for (unsigned fd = 0; fd < p->fds->top; fd++)
        if (p->fds->files[fd] && p->fds->cloexec[fd])
            fd_close(p, (int)fd);
}

/* What every close of a descriptor of f by p does: POSIX locks go (any
 * close gives up the owner's locks on the file: the descriptor table),
 * and the object's flush (for p: Linux's current). */
static void fd_flush(struct proc *p, struct file *f)
{
    lock_posix_release(f->vn, p->fds);
    if (f->vn->fops && f->vn->fops->flush)
        f->vn->fops->flush(f, p);
}

int fd_close(struct proc *p, int fd)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    p->fds->files[fd] = 0;
    p->fds->cloexec[fd] = 0;
    fd_freed(p->fds, (unsigned)fd);
    fd_flush(p, f);
    file_unref(f);
    return 0;
}

int fd_dup_to(struct proc *p, int fd, int newfd, int cloexec)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    if (newfd < 0 || (uint64_t)newfd >= fd_limit(p))
        return -EBADF;
    int err = fd_grow(p->fds, (unsigned)newfd);
    if (err)
        return err;
    file_ref(f);
    struct file *old = p->fds->files[newfd];
    p->fds->files[newfd] = f;
    p->fds->cloexec[newfd] = cloexec ? 1 : 0;
    fd_taken(p->fds, (unsigned)newfd);
    if (old) {
        fd_flush(p, old);
        file_unref(old);
    }
    return newfd;
}

int fd_get_cloexec(struct proc *p, int fd)
{
    return fd_get(p, fd) ? p->fds->cloexec[fd] : 0;
}

void fd_set_cloexec(struct proc *p, int fd, int on)
{
    if (fd_get(p, fd))
        p->fds->cloexec[fd] = on ? 1 : 0;
}

/* An empty table with one user, or NULL. */
static struct fdtable *table_new(void)
{
    struct fdtable *t = kzalloc(sizeof(*t));
    if (t)
        t->refs = 1;
    return t;
}

/* Empty table dst gets src's descriptors, each file once more referenced:
 * 0, or -ENOMEM with dst still empty. */
static int table_fill(struct fdtable *dst, const struct fdtable *src)
{
    int err = src->top ? fd_grow(dst, src->top - 1) : 0;
    if (err)
        return err;
    for (unsigned fd = 0; fd < src->top; fd++) {
        if ((dst->files[fd] = src->files[fd]) != 0)
            file_ref(dst->files[fd]);
        dst->cloexec[fd] = src->cloexec[fd];
    }
    dst->top = src->top;
    return 0;
}

/* Free a table that holds no file. */
static void table_free(struct fdtable *t)
{
    kfree(t->files);
    kfree(t->cloexec);
    kfree(t);
}

int fd_table_new(struct proc *p)
{
    return (p->fds = table_new()) ? 0 : -ENOMEM;
}

int fd_table_copy(struct proc *c, struct proc *p)
{
    return table_fill(c->fds, p->fds);
}

void fd_table_share(struct proc *c, struct proc *p)
{
    fd_close_all(c);
    c->fds = p->fds;
    c->fds->refs++;
}

int fd_unshare(struct proc *p)
{
    if (p->fds->refs <= 1)
        return 0;
    struct fdtable *t = table_new();
    if (!t || table_fill(t, p->fds)) {
        if (t)
            table_free(t);
        return -ENOMEM;
    }
    p->fds->refs--;
    p->fds = t;
    return 0;
}

/* What a process that has left its table has: no descriptor, and no room
 * for one (a zombie installs nothing). */
static struct fdtable fd_none = {.refs = 1};

void fd_close_all(struct proc *p)
{
    struct fdtable *t = p->fds;
    if (!t || t == &fd_none)
        goto out;
    if (--t->refs == 0) {
        for (unsigned fd = 0; fd < t->top; fd++)
            if (t->files[fd])
                fd_close(p, (int)fd);
        table_free(t);
    }
out:
    p->fds = &fd_none;
}

unsigned fd_count(struct proc *p)
{
    unsigned n = 0;
    for (unsigned fd = 0; fd < p->fds->cap; fd++)
        n += p->fds->files[fd] != 0;
    return n;
}

void fd_close_range(struct proc *p, unsigned first, unsigned last, int cloexec)
{
    /* Only up to the highest open descriptor: ~0U as last costs nothing.
     * top is read again each time round, as a close may block (a socket's
     * linger) and another thread may open or close meanwhile. */
    for (unsigned fd = first; fd <= last && fd < p->fds->top; fd++) {
        if (!p->fds->files[fd])
            continue;
        if (cloexec)
            p->fds->cloexec[fd] = 1;
        else
            fd_close(p, (int)fd);
    }
}
