/* Device nodes that drivers add to /dev as their devices appear (virtio
 * console ports): a list every devtmpfs instance is populated from, and
 * the character-device majors they register. Nodes are only ever added
 * (devices are never removed), and only at boot, before /dev is mounted:
 * a node added later appears in devtmpfs instances mounted after it. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"

#define DEVNODE_NAME 96 /* "dir/name" */
#define DEV_MAJORS   4

struct devnode {
    struct devnode *next;
    uint32_t mode, rdev;
    char path[DEVNODE_NAME];   /* one optional directory level: "dir/name" */
    char target[DEVNODE_NAME]; /* a symlink's */
};

static struct devnode *nodes, **nodes_tail = &nodes;
static struct {
    uint32_t major;
    const struct file_ops *ops;
} majors[DEV_MAJORS];

int devfs_add_major(uint32_t major, const struct file_ops *ops)
{
    for (unsigned i = 0; i < DEV_MAJORS; i++)
        if (!majors[i].ops) {
            majors[i].major = major;
            majors[i].ops = ops;
            return 0;
        }
    return -ENOSPC;
}

const struct file_ops *devfs_major_ops(uint32_t rdev)
{
    for (unsigned i = 0; i < DEV_MAJORS && majors[i].ops; i++)
        if (majors[i].major == rdev >> 8)
            return majors[i].ops;
    return 0;
}

int devfs_add_node(const char *path, uint32_t mode, uint32_t rdev, const char *target)
{
    size_t len = strlen(path), tlen = target ? strlen(target) : 0;
    if (!len || len >= DEVNODE_NAME || tlen >= DEVNODE_NAME)
        return -ENAMETOOLONG;
    struct devnode *d = kzalloc(sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->mode = mode;
    d->rdev = rdev;
    memcpy(d->path, path, len + 1);
    if (target)
        memcpy(d->target, target, tlen + 1);
    *nodes_tail = d;
    nodes_tail = &d->next;
    return 0;
}

/* The directory a node's path names (made when missing), or root. */
static int node_dir(struct vnode *root, const char *path, const char **name, struct vnode **dir)
{
    const char *slash = strchr(path, '/');
    *name = slash ? slash + 1 : path;
    *dir = root;
    if (!slash)
        return 0;
    size_t len = (size_t)(slash - path);
    if ((*dir = dir_lookup(root, path, len)))
        return S_ISDIR((*dir)->mode) ? 0 : -ENOTDIR;
    struct vnode *vn = vn_alloc_in(root, S_IFDIR | 0755);
    if (!vn)
        return -ENOMEM;
    int err = dir_link(root, path, len, vn);
    vn_unref(vn);
    *dir = err ? 0 : dir_lookup(root, path, len);
    return err;
}

static int node_make(struct vnode *root, const struct devnode *d)
{
    const char *name;
    struct vnode *dir;
    int err = node_dir(root, d->path, &name, &dir);
    if (err)
        return err;
    struct vnode *vn = vn_alloc_in(dir, d->mode);
    if (!vn)
        return -ENOMEM;
    vn->rdev = d->rdev;
    if (S_ISCHR(d->mode))
        vn->fops = devfs_ops(d->mode, d->rdev);
    err = S_ISLNK(d->mode) ? vn_setlink(vn, d->target) : 0;
    if (!err)
        err = dir_link(dir, name, strlen(name), vn);
    vn_unref(vn);
    return err;
}

int devfs_populate_added(struct vnode *root)
{
    int err = 0;
    for (struct devnode *d = nodes; d && !err; d = d->next)
        err = node_make(root, d);
    return err;
}
