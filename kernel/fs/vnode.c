/* Vnodes, and the generic side of the name operations: the checks every
 * file system shares, then a call through the directory's vnode_ops. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

static uint64_t next_ino = 1;
static uint64_t live_vnodes;

/* The vnodes of mounts by number (vn_find), chained through ino_next. */
#define INO_BUCKETS 1024
static struct vnode *ino_table[INO_BUCKETS];

static struct vnode **ino_bucket(uint64_t ino)
{
    return &ino_table[ino & (INO_BUCKETS - 1)];
}

static void ino_remove(struct vnode *vn)
{
    for (struct vnode **pp = ino_bucket(vn->ino); *pp; pp = &(*pp)->ino_next)
        if (*pp == vn) {
            *pp = vn->ino_next;
            return;
        }
    panic("vnode %llu of a mount is not in the table", (unsigned long long)vn->ino);
}

struct vnode *vn_find(struct mount *m, uint64_t ino)
{
    for (struct vnode *vn = *ino_bucket(ino); vn; vn = vn->ino_next)
        if (vn->ino == ino && vn->mnt == m)
            return vn;
    return 0;
}

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

struct vnode *vn_alloc_on(struct mount *m, uint32_t mode)
{
    struct vnode *vn = vn_alloc(mode);
    if (vn) {
        vn->mnt = m;
        vn->vops = m->root ? m->root->vops : 0; /* the root's own are set by its mount */
        mnt_vref(m, 1);
        vn->ino_next = *ino_bucket(vn->ino);
        *ino_bucket(vn->ino) = vn;
    }
    return vn;
}

struct vnode *vn_alloc_in(struct vnode *dir, uint32_t mode)
{
    if ((dir->mode & S_ISGID) && S_ISDIR(mode))
        mode |= S_ISGID;
    struct vnode *vn = vn_alloc_on(dir->mnt, mode);
    if (!vn)
        return 0;
    vn->vops = dir->vops;
    proc_fsids(&vn->uid, &vn->gid);
    if (dir->mode & S_ISGID)
        vn->gid = dir->gid;
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
    if (vn->fops && vn->fops->release)
        vn->fops->release(vn);
    pc_release(vn); /* before the file system's release: it gives the pages back */
    if (vn->vops && vn->vops->release)
        vn->vops->release(vn);
    if (vn->mnt)
        ino_remove(vn);
    kfree(vn);
    live_vnodes--;
}

void vn_ref(struct vnode *vn)
{
    vn->refs++;
    if (vn->mnt)
        mnt_vref(vn->mnt, 1);
}

void vn_unref(struct vnode *vn)
{
    if (vn->refs == 0)
        panic("vn_unref: vnode %llu has no references", (unsigned long long)vn->ino);
    if (vn->mnt)
        mnt_vref(vn->mnt, -1);
    if (--vn->refs == 0 && vn->nlink == 0)
        vn_free(vn);
    else if (vn->marks)
        inotify_vnode_check(vn);
}

uint64_t vn_count(void)
{
    return live_vnodes;
}

void vn_link_gain(struct vnode *dir, struct vnode *vn)
{
    vn->nlink++;
    if (S_ISDIR(vn->mode))
        vn->parent = dir;
    vn_touch(dir, VN_MTIME | VN_CTIME);
    vn->ctime = dir->ctime;
}

void vn_link_lose(struct vnode *dir, struct vnode *vn)
{
    if (dir) {
        vn_touch(dir, VN_MTIME | VN_CTIME);
        vn->ctime = dir->ctime;
    }
    if (--vn->nlink == 0 && vn->refs == 0)
        vn_free(vn);
    else if (vn->marks)
        inotify_vnode_check(vn);
}

/* --- names, through the file system --------------------------------------- */

struct vnode *dir_lookup(struct vnode *dir, const char *name, size_t len)
{
    struct vnode *vn;
    if (!dir->vops || !dir->vops->lookup || dir->vops->lookup(dir, name, len, &vn))
        return 0;
    return vn;
}

int dir_can_name(const struct vnode *dir)
{
    return dir->vops && dir->vops->link;
}

/* dir_link without telling watches (rename's new name). */
static int link_quiet(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    if (!dir_can_name(dir))
        return -EPERM;
    if (dir->nlink == 0)
        return -ENOENT; /* removed (Linux: IS_DEADDIR): it must stay empty */
    if (len == 0 || len > NAME_MAX)
        return -ENAMETOOLONG;
    if (dir_lookup(dir, name, len))
        return -EEXIST;
    return dir->vops->link(dir, name, len, vn);
}

/* A new name (IN_CREATE); one more for a file that had one, or an
 * O_TMPFILE file's first, is a new link count too (IN_ATTRIB first), as
 * Linux's fsnotify_link. */
int dir_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    int hard = vn->nlink > 0 || vn->linkable;
    int err = link_quiet(dir, name, len, vn);
    if (!err && hard)
        vn_notify_self(vn, IN_ATTRIB);
    if (!err)
        dir_notify(dir, IN_CREATE, name, len, vn->mode, 0);
    return err;
}

int dir_relink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    if (!dir->vops || !dir->vops->relink)
        return -EPERM;
    if (!dir_lookup(dir, name, len))
        return -ENOENT;
    dir->vops->relink(dir, name, len, vn);
    return 0;
}

/* Remove the name, telling watches as Linux's vfs_unlink and vfs_rmdir
 * (notify set): a file's link count changed (IN_ATTRIB), it may be
 * deleted (vn_link_lose: IN_DELETE_SELF), then the directory's IN_DELETE. */
static int unlink_notify(struct vnode *dir, const char *name, size_t len, int notify)
{
    struct vnode *vn;
    if (!dir->vops || !dir->vops->unlink)
        return -EPERM;
    if (!(vn = dir_lookup(dir, name, len)))
        return -ENOENT;
    uint32_t type = vn->mode;
    if (notify && !S_ISDIR(type))
        vn_notify_self(vn, IN_ATTRIB);
    dir->vops->unlink(dir, name, len); /* vn may be gone */
    if (notify)
        dir_notify(dir, IN_DELETE, name, len, type, 0);
    return 0;
}

int dir_unlink(struct vnode *dir, const char *name, size_t len)
{
    return unlink_notify(dir, name, len, 1);
}

int dir_move(struct vnode *odir, const char *oname, size_t olen, struct vnode *ndir,
             const char *nname, size_t nlen)
{
    struct vnode *src = dir_lookup(odir, oname, olen), *dst = dir_lookup(ndir, nname, nlen);
    uint32_t cookie = 0;
    int err = 0;
    if (!src)
        return -ENOENT;
    /* The new name first (the one step that can fail, changing nothing),
     * then the old one goes. */
    if (!dst && (err = link_quiet(ndir, nname, nlen, src)))
        return err;
    if (odir->marks || ndir->marks)
        cookie = inotify_cookie();
    dir_notify(odir, IN_MOVED_FROM, oname, olen, src->mode, cookie);
    dir_notify(ndir, IN_MOVED_TO, nname, nlen, src->mode, cookie);
    if (dst)
        vn_notify_self(dst, IN_ATTRIB);
    vn_notify(src, IN_MOVE_SELF);
    if (dst)
        err = dir_relink(ndir, nname, nlen, src);
    return err ? err : unlink_notify(odir, oname, olen, 0);
}

int dir_empty(struct vnode *dir)
{
    return !dir->vops || !dir->vops->empty || dir->vops->empty(dir);
}

int dir_entry(struct vnode *dir, uint64_t index, const char **name, size_t *len, struct vnode **vn)
{
    if (index < 2) {
        *name = index ? ".." : ".";
        *len = index + 1;
        *vn = index ? dir->parent : dir;
        return 1;
    }
    if (!dir->vops || !dir->vops->readdir)
        return 0;
    return dir->vops->readdir(dir, index - 2, name, len, vn);
}

int vn_setlink(struct vnode *vn, const char *target)
{
    if (!vn->vops || !vn->vops->setlink)
        return -EPERM;
    int err = vn->vops->setlink(vn, target);
    if (!err)
        vn->size = strlen(target);
    return err;
}

/* A directory's link count as Linux gives it: its name, its "." and the
 * ".." of each subdirectory; 0 once removed. Counted here rather than kept,
 * so that mkdir, rmdir and rename need no bookkeeping for it. */
static uint64_t dir_nlink(struct vnode *dir)
{
    if (dir->nlink == 0)
        return 0;
    uint64_t n = dir->nlink + 1;
    const char *name;
    size_t len;
    struct vnode *vn;
    for (uint64_t i = 2; dir_entry(dir, i, &name, &len, &vn); i++)
        n += S_ISDIR(vn->mode) ? 1 : 0;
    return n;
}

void vn_stat(struct vnode *vn, struct kstat *st)
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
