/* memfd_create(2)'s files: anonymous regular files whose data is in the
 * page cache as a tmpfs file's (read, write, mmap, ftruncate, fallocate
 * all go the regular-file way: fops NULL), on no mount and under no
 * name, with a name of their own for /proc ("/memfd:NAME (deleted)") and
 * the file seals of fcntl(F_ADD_SEALS): the memfd's vnode_ops exist only
 * to free that and to tell a memfd from other vnodes. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/vmobject.h"
#include "kernel/mm/vmregion.h"
#include "kernel/proc/proc.h"
#include "stdio.h"
#include "kernel/panic.h"

struct memfd {
    uint32_t seals; /* F_SEAL_* */
    char name[];    /* NUL-terminated, at most MEMFD_NAME_MAX bytes */
};

static void memfd_release(struct vnode *vn)
{
    kfree(vn->fsdata);
}

static const struct vnode_ops memfd_vops = {.release = memfd_release};

static struct memfd *memfd_of(const struct vnode *vn)
{
    return vn->vops == &memfd_vops ? vn->fsdata : 0;
}

int memfd_is(const struct vnode *vn)
{
    return memfd_of(vn) != 0;
}

int memfd_new(const char *name, int sealing, struct vnode **out)
{
    size_t len = strlen(name);
    KASSERT(len <= MEMFD_NAME_MAX);
    struct memfd *m = kmalloc(sizeof(*m) + len + 1);
    struct vnode *vn = m ? vn_alloc(S_IFREG | 0777) : 0;
    if (!vn) {
        kfree(m);
        return -ENOMEM;
    }
    memcpy(m->name, name, len + 1);
    m->seals = sealing ? 0 : F_SEAL_SEAL; /* without MFD_ALLOW_SEALING: sealed against seals */
    proc_fsids(&vn->uid, &vn->gid);
    vn->vops = &memfd_vops;
    vn->fsdata = m;
    *out = vn;
    return 0;
}

long memfd_name(const struct vnode *vn, char *buf, size_t n)
{
    const struct memfd *m = memfd_of(vn);
    int k = snprintf(buf, n, "/memfd:%s (deleted)", m->name);
    return k < 0 || (size_t)k >= n ? -ERANGE : k;
}

/* The seals of a regular file of a memory file system that is no memfd
 * (tmpfs's, as Linux's shmem files): F_SEAL_SEAL, none to be added. */
static int shmem_like(const struct vnode *vn)
{
    return S_ISREG(vn->mode) && !vn->fops;
}

int memfd_seals_get(const struct file *f)
{
    const struct memfd *m = memfd_of(f->vn);
    return m ? (int)m->seals : shmem_like(f->vn) ? F_SEAL_SEAL : -EINVAL;
}

/* Linux's mapping_writably_mapped as it counts since 6.7: a shared
 * mapping that may be written, now or after mprotect (VM_RDONLY: the
 * file was not open for writing, or it was sealed when mapped). */
static int memfd_writably_mapped(struct vnode *vn)
{
    struct vm_object *o;
    if (!vn->pages || pc_object(vn, &o))
        return 0;
    for (const struct vm_region *r = o->regions; r; r = r->obj_next)
        if ((r->flags & VM_SHARED) && !(r->flags & VM_RDONLY))
            return 1;
    return 0;
}

/* In Linux's order (memfd_add_seals): write access, known bits, a file
 * that keeps seals, F_SEAL_SEAL, then the mappings. */
int memfd_seals_add(struct file *f, uint32_t seals)
{
    struct memfd *m = memfd_of(f->vn);
    if ((f->flags & O_ACCMODE) == O_RDONLY || (f->flags & O_PATH))
        return -EPERM;
    if (seals & ~(uint32_t)MEMFD_SEALS)
        return -EINVAL;
    if (!m)
        return shmem_like(f->vn) ? -EPERM : -EINVAL;
    if (m->seals & F_SEAL_SEAL)
        return -EPERM;
    if ((seals & F_SEAL_WRITE) && !(m->seals & F_SEAL_WRITE) && memfd_writably_mapped(f->vn))
        return -EBUSY;
    m->seals |= seals;
    return 0;
}

int memfd_write_check(const struct vnode *vn, uint64_t off, uint64_t n)
{
    const struct memfd *m = memfd_of(vn);
    if (!m || !n)
        return 0;
    if (m->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
        return -EPERM;
    return (m->seals & F_SEAL_GROW) && off + n > vn->size ? -EPERM : 0;
}

int memfd_size_check(const struct vnode *vn, uint64_t size)
{
    const struct memfd *m = memfd_of(vn);
    if (!m)
        return 0;
    if ((m->seals & F_SEAL_SHRINK) && size < vn->size)
        return -EPERM;
    return (m->seals & F_SEAL_GROW) && size > vn->size ? -EPERM : 0;
}

int memfd_mmap_check(const struct vnode *vn, int shared, int write)
{
    const struct memfd *m = memfd_of(vn);
    if (!m || !shared || !(m->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
        return 0;
    return write ? -EPERM : 1;
}
