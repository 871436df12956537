/* File-system types and the mount table. A mount joins an instance's root
 * to a directory of the tree (its mount point, which the path walk steps
 * through, both ways); each mount counts the references on its vnodes, so
 * that unmounting one in use is -EBUSY. */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"

static struct fs_type *types;
static struct mount *mounts, *root_mount;
static uint32_t next_id = 1;

/* Mounts' devices are 0:N, as Linux numbers file systems without a device;
 * 0:3 stays the vnodes of no file system (pipes). */
#define MOUNT_DEV_BASE 32

void fs_type_register(struct fs_type *t)
{
    struct fs_type **tail = &types;
    while (*tail)
        tail = &(*tail)->next;
    t->next = 0;
    *tail = t;
}

int vfs_types_show(char *buf, size_t n)
{
    int len = 0;
    for (const struct fs_type *t = types; t && (size_t)len < n; t = t->next)
        len += snprintf(buf + len, n - (size_t)len, "nodev\t%s\n", t->name);
    return len;
}

int vfs_type_index(const char *name)
{
    int i = 0;
    for (const struct fs_type *t = types; t; t = t->next, i++)
        if (strcmp(t->name, name) == 0)
            return i;
    return -EINVAL;
}

const char *vfs_type_name(uint32_t index)
{
    const struct fs_type *t = types;
    while (t && index--)
        t = t->next;
    return t ? t->name : 0;
}

int vfs_type_count(void)
{
    int n = 0;
    for (const struct fs_type *t = types; t; t = t->next)
        n++;
    return n;
}

struct vnode *vfs_dev_root(uint64_t dev)
{
    for (struct mount *m = mounts; m; m = m->next)
        if (m->dev == dev)
            return m->root;
    return 0;
}

static const struct fs_type *type_find(const char *name)
{
    for (const struct fs_type *t = types; t; t = t->next)
        if (strcmp(t->name, name) == 0)
            return t;
    return 0;
}

/* Linux's new_encode_dev for major 0. */
static uint64_t anon_dev(uint32_t minor)
{
    return (minor & 0xff) | ((uint64_t)(minor & ~0xffu) << 12);
}

static void mount_free(struct mount *m)
{
    kfree(m->source);
    kfree(m);
}

int vfs_mount(const char *type, const char *source, struct vnode *dir, uint32_t flags,
              const char *opts)
{
    const struct fs_type *t = type_find(type);
    if (!t)
        return -ENODEV;
    if (dir && !S_ISDIR(dir->mode))
        return -ENOTDIR;
    struct mount *m = kzalloc(sizeof(*m));
    char *src = kstrdup(source);
    int err = m && src ? 0 : -ENOMEM;
    if (!err) {
        m->type = t;
        m->source = src;
        m->flags = flags;
        m->id = next_id++;
        m->dev = anon_dev(MOUNT_DEV_BASE + m->id);
        err = t->mount(m, opts);
    }
    if (err) {
        kfree(src);
        kfree(m);
        return err;
    }
    if (dir) {
        vn_ref(dir); /* the mount point stays while mounted on */
        m->covered = dir;
        m->parent = dir->mnt;
        dir->mounted = m;
    } else {
        root_mount = m;
    }
    struct mount **tail = &mounts;
    while (*tail)
        tail = &(*tail)->next;
    *tail = m;
    return 0;
}

int vfs_umount(struct vnode *root)
{
    struct mount *m = root->mnt;
    if (!m || m->root != root || !m->covered)
        return -EINVAL;
    if (m->type->reclaim)
        m->type->reclaim(m);
    if (root->mounted || m->vrefs > 1 + inotify_mount_refs(m))
        return -EBUSY; /* something is mounted on it, or it is in use (not by watches) */
    inotify_unmount(m);
    for (struct mount **pp = &mounts; *pp; pp = &(*pp)->next)
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    m->covered->mounted = 0;
    vn_unref(m->covered);
    m->type->unmount(m);
    KASSERT(m->vrefs == 0);
    mount_free(m);
    return 0;
}

int mnt_may_write(const struct vnode *vn)
{
    return vn->mnt && (vn->mnt->flags & MS_RDONLY) ? -EROFS : 0;
}

int mnt_may_open_dev(const struct vnode *vn)
{
    int dev = S_ISCHR(vn->mode) || (vn->mode & S_IFMT) == S_IFBLK;
    return dev && vn->mnt && (vn->mnt->flags & MS_NODEV) ? -EACCES : 0;
}

int mnt_may_exec(const struct vnode *vn)
{
    return vn->mnt && (vn->mnt->flags & MS_NOEXEC) ? -EACCES : 0;
}

int vfs_remount(struct mount *m, uint32_t flags, const char *opts)
{
    if (opts && *opts) {
        int err = m->type->remount ? m->type->remount(m, opts) : -EINVAL;
        if (err)
            return err;
    }
    m->flags = flags;
    return 0;
}

void vfs_reclaim(void)
{
    for (struct mount *m = mounts; m; m = m->next)
        if (m->type->reclaim)
            m->type->reclaim(m);
}

void vfs_init(void)
{
    if (vfs_mount("tmpfs", "rootfs", 0, 0, "mode=755"))
        panic("vfs_init: cannot mount the root");
}

struct vnode *vfs_root(void)
{
    return root_mount->root;
}

int vn_is_mount_root(const struct vnode *vn)
{
    return vn->mnt && vn->mnt->root == vn && vn->mnt->covered;
}

/* --- /proc/mounts and mountinfo ----------------------------------------------- */

/* The options every mount shows: rw or ro, then its flags. */
static int flags_show(const struct mount *m, char *buf, size_t n)
{
    return snprintf(buf, n, "%s%s%s%s,noatime", (m->flags & MS_RDONLY) ? "ro" : "rw",
                    (m->flags & MS_NOSUID) ? ",nosuid" : "", (m->flags & MS_NODEV) ? ",nodev" : "",
                    (m->flags & MS_NOEXEC) ? ",noexec" : "");
}

/* One mount's line: its length, 0 when the caller cannot see it (outside
 * its root), or more than n when it does not fit. */
static int mount_line(struct mount *m, char *buf, size_t n, int info, char *path)
{
    if (vfs_path_of(m->root, path, PATH_MAX) < 0)
        return 0;
    char opts[96];
    int k = flags_show(m, opts, sizeof(opts));
    if (!info) {
        k += m->type->show ? m->type->show(m, opts + k, sizeof(opts) - (size_t)k) : 0;
        return snprintf(buf, n, "%s %s %s %s 0 0\n", m->source, path, m->type->name, opts);
    }
    char super[64];
    super[0] = 0;
    if (m->type->show)
        m->type->show(m, super, sizeof(super));
    return snprintf(buf, n, "%u %u %llu:%llu / %s %s - %s %s %s%s\n", m->id,
                    m->parent ? m->parent->id : m->id, (unsigned long long)(m->dev >> 8 & 0xfff),
                    (unsigned long long)((m->dev & 0xff) | (m->dev >> 12 & ~0xffull)), path, opts,
                    m->type->name, m->source, (m->flags & MS_RDONLY) ? "ro" : "rw", super);
}

int vfs_mounts_show(char *buf, size_t n, int info)
{
    char *path = kmalloc(PATH_MAX);
    size_t len = 0;
    if (!path || n == 0)
        goto out;
    for (struct mount *m = mounts; m; m = m->next) {
        int k = mount_line(m, buf + len, n - len, info, path);
        if ((size_t)k >= n - len) {
            buf[len] = 0; /* a line that does not fit is left out, whole */
            break;
        }
        len += (size_t)k;
    }
out:
    kfree(path);
    return (int)len;
}

/* --- the boot tree --------------------------------------------------------------- */

/* dir's directory name (made with mode when the initrd has none): it, or
 * NULL. */
static struct vnode *boot_dir(struct vnode *dir, const char *name, uint32_t mode)
{
    struct vnode *vn = dir_lookup(dir, name, strlen(name));
    if (vn)
        return S_ISDIR(vn->mode) ? vn : 0;
    if (!(vn = vn_alloc_in(dir, S_IFDIR | mode)))
        return 0;
    int err = dir_link(dir, name, strlen(name), vn);
    vn_unref(vn);
    return err ? 0 : vn;
}

static void boot_mount(struct vnode *parent, const char *name, const char *type, uint32_t flags,
                       const char *opts)
{
    struct vnode *dir = boot_dir(parent, name, 0755);
    if (!dir || vfs_mount(type, type, dir, flags, opts))
        panic("vfs: cannot mount %s on /%s", type, name);
}

void vfs_mount_boot(void)
{
    struct vnode *root = vfs_root(), *dev;
    boot_mount(root, "dev", "devtmpfs", MS_NOSUID, "mode=755");
    dev = dir_lookup(root, "dev", 3)->mounted->root;
    boot_mount(dev, "shm", "tmpfs", MS_NOSUID | MS_NODEV, 0);
    boot_mount(dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=000");
    boot_mount(root, "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
    boot_mount(root, "tmp", "tmpfs", MS_NOSUID, 0); /* device nodes work there, as on / */
}
