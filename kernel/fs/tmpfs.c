/* tmpfs: vnodes, directories as lists of names, regular files as their
 * pages in the page cache (pcache.c; the initrd's bytes read in place). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmobject.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

static struct vnode *root;
static uint64_t next_ino = 1;
static uint64_t live_vnodes;

struct vnode *vn_alloc(uint32_t mode)
{
    struct vnode *vn = kzalloc(sizeof(*vn));
    if (!vn)
        return 0;
    vn->mode = mode;
    vn->refs = 1;
    vn->ino = next_ino++;
    vn->atime = vn->mtime = vn->ctime = vn_now();
    live_vnodes++;
    return vn;
}

struct vnode *vn_alloc_in(struct vnode *dir, uint32_t mode)
{
    if ((dir->mode & S_ISGID) && S_ISDIR(mode))
        mode |= S_ISGID;
    struct vnode *vn = vn_alloc(mode);
    if (!vn)
        return 0;
    proc_fsids(&vn->uid, &vn->gid);
    if (dir->mode & S_ISGID)
        vn->gid = dir->gid;
    vn->fs = dir->fs;
    return vn;
}

struct vn_time vn_now(void)
{
    uint64_t ns = clock_realtime_ns();
    return (struct vn_time){(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};
}

void vn_touch(struct vnode *vn, int which)
{
    struct vn_time now = vn_now();
    if (which & VN_ATIME)
        vn->atime = now;
    if (which & VN_MTIME)
        vn->mtime = now;
    if (which & VN_CTIME)
        vn->ctime = now;
}

static void vn_free(struct vnode *vn)
{
    KASSERT(!vn->entries);
    if (vn->ops && vn->ops->release)
        vn->ops->release(vn);
    pc_release(vn);
    kfree(vn->target);
    kfree(vn);
    live_vnodes--;
}

void vn_ref(struct vnode *vn)
{
    vn->refs++;
}

void vn_unref(struct vnode *vn)
{
    if (vn->refs == 0)
        panic("vn_unref: vnode %llu has no references", (unsigned long long)vn->ino);
    if (--vn->refs == 0 && vn->nlink == 0)
        vn_free(vn);
}

uint64_t vn_count(void)
{
    return live_vnodes;
}

void vfs_init(void)
{
    root = vn_alloc(S_IFDIR | 0755);
    if (!root)
        panic("vfs_init: no memory for the root");
    root->nlink = 1; /* named by itself */
    root->parent = root;
    root->fs = VFS_TMPFS;
}

struct vnode *vfs_root(void)
{
    return root;
}

/* --- directories ------------------------------------------------------------ */

static struct dirent_node *dirent_find(struct vnode *dir, const char *name, size_t len)
{
    for (struct dirent_node *d = dir->entries; d; d = d->next)
        if (d->len == len && memcmp(d->name, name, len) == 0)
            return d;
    return 0;
}

struct vnode *dir_lookup(struct vnode *dir, const char *name, size_t len)
{
    struct dirent_node *d = dirent_find(dir, name, len);
    return d ? d->vn : 0;
}

/* vn gains a name in dir: dir's times change, and vn's ctime (Linux's
 * shmem_link and shmem_rename2). A vnode's first name decides its file
 * system (vfs.h). */
static void link_gain(struct vnode *dir, struct vnode *vn)
{
    if (vn->fs == VFS_NONE)
        vn->fs = dir->sealed || vn->sealed ? VFS_PROC : dir->fs;
    vn->nlink++;
    if (S_ISDIR(vn->mode))
        vn->parent = dir;
    vn_touch(dir, VN_MTIME | VN_CTIME);
    vn->ctime = dir->ctime;
}

/* vn loses a name in dir: freed with its last name if nothing holds it. */
static void link_lose(struct vnode *dir, struct vnode *vn)
{
    vn_touch(dir, VN_MTIME | VN_CTIME);
    vn->ctime = dir->ctime;
    if (--vn->nlink == 0 && vn->refs == 0)
        vn_free(vn);
}

int dir_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    if (dir->nlink == 0)
        return -ENOENT; /* removed (Linux: IS_DEADDIR): it must stay empty */
    if (len == 0 || len > NAME_MAX)
        return -ENAMETOOLONG;
    if (dir_lookup(dir, name, len))
        return -EEXIST;
    struct dirent_node *d = kmalloc(sizeof(*d) + len + 1);
    if (!d)
        return -ENOMEM;
    memcpy(d->name, name, len);
    d->name[len] = 0;
    d->len = (uint8_t)len;
    d->vn = vn;
    d->next = 0;
    struct dirent_node **tail = &dir->entries;
    while (*tail)
        tail = &(*tail)->next;
    *tail = d;
    link_gain(dir, vn);
    return 0;
}

int dir_relink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    struct dirent_node *d = dirent_find(dir, name, len);
    if (!d)
        return -ENOENT;
    struct vnode *old = d->vn;
    d->vn = vn;
    link_gain(dir, vn);
    link_lose(dir, old);
    return 0;
}

int dir_unlink(struct vnode *dir, const char *name, size_t len)
{
    for (struct dirent_node **pp = &dir->entries; *pp; pp = &(*pp)->next) {
        struct dirent_node *d = *pp;
        if (d->len != len || memcmp(d->name, name, len) != 0)
            continue;
        *pp = d->next;
        struct vnode *vn = d->vn;
        kfree(d);
        link_lose(dir, vn);
        return 0;
    }
    return -ENOENT;
}

int dir_entry(struct vnode *dir, uint64_t index, const char **name, size_t *len, struct vnode **vn)
{
    if (index < 2) {
        *name = index ? ".." : ".";
        *len = index + 1;
        *vn = index ? dir->parent : dir;
        return 1;
    }
    struct dirent_node *d = dir->entries;
    for (uint64_t i = 2; d && i < index; i++)
        d = d->next;
    if (!d)
        return 0;
    *name = d->name;
    *len = d->len;
    *vn = d->vn;
    return 1;
}

/* --- regular files: their bytes live in the page cache (pcache.c) ------ */

int reg_set_external(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len)
{
    int err = pc_set_source(vn, data, phys, len);
    if (!err)
        vn->size = len;
    return err;
}

static long reg_read_common(struct vnode *vn, void *buf, size_t n, uint64_t off, int user)
{
    if (off >= vn->size)
        return 0;
    if (n > vn->size - off)
        n = vn->size - off;
    size_t done = 0;
    static const uint8_t zeros[256];
    while (done < n) {
        size_t chunk = n - done;
        const uint8_t *src = pc_bytes(vn, off + done, &chunk);
        if (!src && chunk > sizeof(zeros))
            chunk = sizeof(zeros);
        uint8_t *dst = (uint8_t *)buf + done;
        if (!user)
            memcpy(dst, src ? src : zeros, chunk);
        else if (copy_to_user(dst, src ? src : zeros, chunk))
            return done ? (long)done : -EFAULT;
        done += chunk;
    }
    return (long)done;
}

long reg_read(struct vnode *vn, void *ubuf, size_t n, uint64_t off)
{
    return reg_read_common(vn, ubuf, n, off, 1);
}

long reg_read_kernel(struct vnode *vn, void *buf, size_t n, uint64_t off)
{
    return reg_read_common(vn, buf, n, off, 0);
}

/* Copy chunk bytes into the page holding pos (made, or copied from the
 * initrd, if need be): 0, -ENOMEM or -EFAULT. The page is held across the
 * copy, which may fault on a mapping of this very file. */
static int reg_write_page(struct vnode *vn, uint64_t pos, const uint8_t *src, size_t chunk,
                          int user)
{
    struct page *p;
    int err = pc_get(vn, pos / PAGE_SIZE, VM_GET_WRITE, &p);
    if (err)
        return err;
    uint8_t *dst = (uint8_t *)pg_virt(p) + page_offset(pos);
    if (!user)
        memcpy(dst, src, chunk);
    else if (copy_from_user(dst, src, chunk))
        err = -EFAULT;
    pg_put(p);
    return err;
}

static long reg_write_common(struct vnode *vn, const void *buf, size_t n, uint64_t off, int user)
{
    if (off + n < off)
        return -EFBIG;
    if (off > vn->size)
        pc_truncate(vn, vn->size); /* the gap reads as zeros */
    size_t done = 0;
    int err = 0;
    while (done < n) {
        uint64_t pos = off + done, in = page_offset(pos);
        size_t chunk = n - done < PAGE_SIZE - in ? n - done : PAGE_SIZE - in;
        if ((err = reg_write_page(vn, pos, (const uint8_t *)buf + done, chunk, user)))
            break;
        done += chunk;
        if (pos + chunk > vn->size)
            vn->size = pos + chunk;
    }
    if (done)
        vn_touch(vn, VN_MTIME | VN_CTIME);
    return done ? (long)done : err;
}

long reg_write(struct vnode *vn, const void *ubuf, size_t n, uint64_t off)
{
    return reg_write_common(vn, ubuf, n, off, 1);
}

long reg_write_kernel(struct vnode *vn, const void *buf, size_t n, uint64_t off)
{
    return reg_write_common(vn, buf, n, off, 0);
}

/* Growing zeroes what was past the old end (a shared mapping may have
 * written there); shrinking frees and unmaps what is past the new one. */
int reg_truncate(struct vnode *vn, uint64_t len)
{
    pc_truncate(vn, len < vn->size ? len : vn->size);
    vn->size = len;
    vn_touch(vn, VN_MTIME | VN_CTIME);
    return 0;
}

/* A directory's link count as Linux gives it: its name, its "." and the
 * ".." of each subdirectory; 0 once removed. Counted here rather than kept,
 * so that mkdir, rmdir and rename need no bookkeeping for it. */
static uint64_t dir_nlink(const struct vnode *dir)
{
    if (dir->nlink == 0)
        return 0;
    uint64_t n = dir->nlink + 1;
    for (const struct dirent_node *d = dir->entries; d; d = d->next)
        n += S_ISDIR(d->vn->mode) ? 1 : 0;
    return n;
}

void vn_stat(const struct vnode *vn, struct kstat *st)
{
    memset(st, 0, sizeof(*st));
    st->st_dev = vfs_dev(vn);
    st->st_ino = vn->ino;
    st->st_nlink = S_ISDIR(vn->mode) ? dir_nlink(vn) : vn->nlink;
    st->st_mode = vn->mode;
    st->st_uid = vn->uid;
    st->st_gid = vn->gid;
    st->st_rdev = vn->rdev;
    st->st_size = (int64_t)vn->size;
    st->st_blksize = PAGE_SIZE;
    st->st_blocks = (int64_t)((vn->size + 511) / 512);
    st->st_atime = vn->atime.sec;
    st->st_atime_nsec = (uint64_t)vn->atime.nsec;
    st->st_mtime = vn->mtime.sec;
    st->st_mtime_nsec = (uint64_t)vn->mtime.nsec;
    st->st_ctime = vn->ctime.sec;
    st->st_ctime_nsec = (uint64_t)vn->ctime.nsec;
}
