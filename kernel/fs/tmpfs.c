/* tmpfs (and devtmpfs, a tmpfs made with the device nodes): directories
 * as lists of names; regular files' data in the page cache (regfile.c,
 * pcache.c), which asks the instance for each page it takes, so that one
 * mounted with size= is full at that size. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/panic.h"
#include "kernel/sched/sched.h"

/* One tmpfs instance: its size limit (mount's size=; 0 none) and the
 * pages its files hold. */
struct tmpfs {
    uint64_t max_pages, pages;
};

static struct tmpfs *tmpfs_of(const struct vnode *vn)
{
    return vn->mnt ? vn->mnt->fsdata : 0;
}

static void tmpfs_release(struct vnode *vn)
{
    KASSERT(!vn->entries);
    kfree(vn->target);
}

/* The page cache takes (pages > 0) or gives back pages of vn's: past the
 * instance's size= it refuses, -ENOSPC. */
static int tmpfs_charge(struct vnode *vn, int64_t pages)
{
    struct tmpfs *fs = tmpfs_of(vn);
    if (!fs)
        return 0;
    if (pages > 0 && fs->max_pages && fs->pages + (uint64_t)pages > fs->max_pages)
        return -ENOSPC;
    fs->pages += (uint64_t)pages;
    return 0;
}

/* --- directories ------------------------------------------------------------ */

static struct dirent_node *dirent_find(struct vnode *dir, const char *name, size_t len)
{
    for (struct dirent_node *d = dir->entries; d; d = d->next)
        if (d->len == len && memcmp(d->name, name, len) == 0)
            return d;
    return 0;
}

static int tmpfs_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct dirent_node *d = dirent_find(dir, name, len);
    *out = d ? d->vn : 0;
    return d ? 0 : -ENOENT;
}

static int tmpfs_link(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
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
    vn_link_gain(dir, vn);
    return 0;
}

static void tmpfs_relink(struct vnode *dir, const char *name, size_t len, struct vnode *vn)
{
    struct dirent_node *d = dirent_find(dir, name, len);
    struct vnode *old = d->vn;
    d->vn = vn;
    vn_link_gain(dir, vn);
    vn_link_lose(dir, old);
}

static void tmpfs_unlink(struct vnode *dir, const char *name, size_t len)
{
    for (struct dirent_node **pp = &dir->entries; *pp; pp = &(*pp)->next) {
        struct dirent_node *d = *pp;
        if (d->len != len || memcmp(d->name, name, len) != 0)
            continue;
        *pp = d->next;
        struct vnode *vn = d->vn;
        kfree(d);
        if (S_ISDIR(vn->mode) && vn->nlink == 1)
            vn->parent = vn; /* ".." of a removed directory (someone's cwd) stays put */
        vn_link_lose(dir, vn);
        return;
    }
}

static int tmpfs_empty(struct vnode *dir)
{
    return dir->entries == 0;
}

static int tmpfs_readdir(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                         struct vnode **vn)
{
    struct dirent_node *d = dir->entries;
    for (uint64_t i = 0; d && i < index; i++)
        d = d->next;
    if (!d)
        return 0;
    *name = d->name;
    *len = d->len;
    *vn = d->vn;
    return 1;
}

static const char *tmpfs_readlink(const struct vnode *vn, char *buf, size_t n)
{
    (void)buf, (void)n;
    return vn->target ? vn->target : "";
}

static int tmpfs_setlink(struct vnode *vn, const char *target)
{
    size_t n = strlen(target);
    if (!(vn->target = kmalloc(n + 1)))
        return -ENOMEM;
    memcpy(vn->target, target, n + 1);
    return 0;
}

static const struct vnode_ops tmpfs_vops = {
    .lookup = tmpfs_lookup,
    .readdir = tmpfs_readdir,
    .link = tmpfs_link,
    .relink = tmpfs_relink,
    .unlink = tmpfs_unlink,
    .empty = tmpfs_empty,
    .readlink = tmpfs_readlink,
    .setlink = tmpfs_setlink,
    .charge = tmpfs_charge,
    .release = tmpfs_release,
};

/* --- the file-system type ---------------------------------------------------- */

#define TMPFS_MAGIC 0x01021994

/* A number with an optional k, m, g (KiB, MiB, GiB) or % (of memory)
 * suffix, as tmpfs's size= takes it: 0 and *bytes, or -EINVAL. */
static int parse_size(const char *v, size_t len, uint64_t *bytes)
{
    uint64_t n = 0;
    size_t i = 0;
    for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
        if (n > (UINT64_MAX - 9) / 10)
            return -EINVAL;
        n = n * 10 + (uint64_t)(v[i] - '0');
    }
    if (i == 0 || len - i > 1)
        return -EINVAL;
    char suffix = i < len ? v[i] : 0;
    struct pmem_stats ps;
    pmem_stats(&ps);
    uint64_t mul = suffix == 'k' || suffix == 'K'   ? 1024ull
                   : suffix == 'm' || suffix == 'M' ? 1024ull * 1024
                   : suffix == 'g' || suffix == 'G' ? 1024ull * 1024 * 1024
                   : suffix == 0                    ? 1
                                                    : 0;
    if (suffix == '%') {
        *bytes = ps.total_pages * PAGE_SIZE / 100 * n;
        return 0;
    }
    if (!mul || (n && n > UINT64_MAX / mul))
        return -EINVAL;
    *bytes = n * mul;
    return 0;
}

/* A number in base 8 or 10 that fits 32 bits: 0 and *out, or -EINVAL. */
static int parse_u32(const char *v, size_t len, unsigned base, uint32_t *out)
{
    uint64_t n = 0;
    if (len == 0 || len > 11)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (v[i] < '0' || v[i] >= (char)('0' + base))
            return -EINVAL;
        n = n * base + (uint64_t)(v[i] - '0');
    }
    if (n > UINT32_MAX)
        return -EINVAL;
    *out = (uint32_t)n;
    return 0;
}

/* One "key=value" of the options: size, mode, uid, gid (Linux's tmpfs
 * takes more: those it does not honour here are -EINVAL). */
static int tmpfs_option(struct tmpfs *fs, struct vnode *root, const char *o, size_t len)
{
    size_t k = 0;
    while (k < len && o[k] != '=')
        k++;
    const char *v = o + k + 1;
    size_t vlen = k < len ? len - k - 1 : 0;
    uint64_t bytes = 0;
    if (k == len)
        return -EINVAL;
    if (k == 4 && memcmp(o, "size", 4) == 0) {
        int err = parse_size(v, vlen, &bytes);
        fs->max_pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
        return err;
    }
    if (k == 4 && memcmp(o, "mode", 4) == 0) {
        uint32_t mode;
        int err = parse_u32(v, vlen, 8, &mode);
        if (!err)
            root->mode = S_IFDIR | (mode & 07777);
        return err;
    }
    if (k == 3 && memcmp(o, "uid", 3) == 0)
        return parse_u32(v, vlen, 10, &root->uid);
    if (k == 3 && memcmp(o, "gid", 3) == 0)
        return parse_u32(v, vlen, 10, &root->gid);
    return -EINVAL;
}

static int tmpfs_options(struct tmpfs *fs, struct vnode *root, const char *opts)
{
    while (opts && *opts) {
        size_t len = 0;
        while (opts[len] && opts[len] != ',')
            len++;
        int err = len ? tmpfs_option(fs, root, opts, len) : 0;
        if (err)
            return err;
        opts += len + (opts[len] == ',');
    }
    return 0;
}

static int tmpfs_mount(struct mount *m, const char *opts)
{
    struct tmpfs *fs = kzalloc(sizeof(*fs));
    m->fsdata = fs;
    struct vnode *root = fs ? vn_alloc_on(m, S_IFDIR | 01777) : 0;
    int err = root ? 0 : -ENOMEM;
    if (root) {
        root->vops = &tmpfs_vops;
        root->nlink = 1; /* named by itself */
        root->parent = root;
        err = tmpfs_options(fs, root, opts);
    }
    if (err) {
        if (root) {
            root->nlink = 0;
            vn_unref(root);
        }
        kfree(fs);
        m->fsdata = 0;
        return err;
    }
    m->root = root;
    return 0;
}

/* The name dir has in its parent's list. */
static struct dirent_node *name_of(struct vnode *dir)
{
    for (struct dirent_node *d = dir->parent->entries; d; d = d->next)
        if (d->vn == dir)
            return d;
    panic("tmpfs: directory %llu has no name", (unsigned long long)dir->ino);
}

/* Remove every name below root, deepest first, without recursion (a
 * deep tree must not use up the kernel stack). */
static void tmpfs_purge(struct vnode *root)
{
    struct vnode *d = root;
    while (d != root || d->entries) {
        struct dirent_node *e = d->entries;
        if (e && S_ISDIR(e->vn->mode) && e->vn->entries) {
            d = e->vn;
        } else if (e) {
            tmpfs_unlink(d, e->name, e->len);
        } else {
            struct vnode *up = d->parent;
            struct dirent_node *self = name_of(d);
            tmpfs_unlink(up, self->name, self->len);
            d = up;
        }
    }
}

static void tmpfs_unmount(struct mount *m)
{
    struct tmpfs *fs = m->fsdata;
    tmpfs_purge(m->root);
    m->root->nlink = 0;
    vn_unref(m->root);
    KASSERT(fs->pages == 0);
    kfree(fs);
}

/* Blocks: the size limit, or all of memory (no limit but memory); files
 * one per page, as Linux's default nr_inodes, less the vnodes alive. */
static void tmpfs_statfs(struct mount *m, struct kstatfs *st)
{
    struct tmpfs *fs = m->fsdata;
    struct pmem_stats ps;
    pmem_stats(&ps);
    uint64_t used = vn_count();
    st->f_type = TMPFS_MAGIC;
    st->f_blocks = fs->max_pages ? fs->max_pages : ps.total_pages;
    st->f_bfree = st->f_bavail = fs->max_pages ? fs->max_pages - fs->pages : ps.free_pages;
    st->f_files = ps.total_pages;
    st->f_ffree = used < ps.total_pages ? ps.total_pages - used : 0;
}

static int tmpfs_show(struct mount *m, char *buf, size_t n)
{
    struct tmpfs *fs = m->fsdata;
    int len = 0;
    if (fs->max_pages)
        len = snprintf(buf, n, ",size=%lluk", (unsigned long long)(fs->max_pages * PAGE_KIB));
    if ((m->root->mode & 07777) != 01777)
        len += snprintf(buf + len, n - (size_t)len, ",mode=%o", m->root->mode & 07777);
    return len;
}

/* New options for a mounted tmpfs, parsed into copies and taken only when
 * all are good; a size below what the files hold is -EINVAL, as Linux. */
static int tmpfs_remount(struct mount *m, const char *opts)
{
    struct tmpfs *fs = m->fsdata, nfs = *fs;
    struct vnode nroot = *m->root;
    int err = tmpfs_options(&nfs, &nroot, opts);
    if (!err && nfs.max_pages && nfs.max_pages < fs->pages)
        err = -EINVAL;
    if (err)
        return err;
    fs->max_pages = nfs.max_pages;
    m->root->mode = nroot.mode;
    m->root->uid = nroot.uid;
    m->root->gid = nroot.gid;
    return 0;
}

static int devtmpfs_mount(struct mount *m, const char *opts)
{
    int err = tmpfs_mount(m, opts);
    if (!err)
        m->root->mode = S_IFDIR | 0755;
    if (!err && (err = devfs_populate(m->root)))
        tmpfs_unmount(m);
    return err;
}

static struct fs_type tmpfs_type = {
    .name = "tmpfs",
    .mount = tmpfs_mount,
    .unmount = tmpfs_unmount,
    .statfs = tmpfs_statfs,
    .show = tmpfs_show,
    .remount = tmpfs_remount,
    .handles = 1,
};
static struct fs_type devtmpfs_type = {
    .name = "devtmpfs",
    .mount = devtmpfs_mount,
    .unmount = tmpfs_unmount,
    .statfs = tmpfs_statfs,
    .show = tmpfs_show,
    .remount = tmpfs_remount,
    .handles = 1,
};

void tmpfs_init(void)
{
    fs_type_register(&tmpfs_type);
    fs_type_register(&devtmpfs_type);
}
