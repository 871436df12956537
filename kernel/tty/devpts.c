/* devpts: the file system of the pseudo-terminals' slave nodes, mounted
 * at /dev/pts. Its root holds ptmx (a second way to /dev/ptmx, mode from
 * ptmxmode=, 0 by default as Linux's) and one node N per pair from the
 * master's open until its close. Names cannot be made or removed by
 * programs. One instance at a time: a second mount is -EBUSY (Linux gives
 * each mount its own numbering instead). */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/tty/devpts.h"
#include "kernel/tty/tty.h"

#define DEVPTS_SUPER_MAGIC 0x1cd1
#define PTS_MAJOR          136 /* UNIX98_PTY_SLAVE_MAJOR */
#define TTYAUX_MAJOR       5

struct devpts_slot {
    struct vnode *vn; /* NULL: the number is free */
    int named;
    char name[8];
};

struct devpts {
    struct vnode *ptmx;
    uint32_t mode, ptmxmode, uid, gid;
    int uid_set, gid_set;
    struct devpts_slot slots[PTY_MAX];
};

static struct devpts *inst;
static struct mount *inst_mount;

static int devpts_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    (void)dir;
    *out = 0;
    if (len == 4 && memcmp(name, "ptmx", 4) == 0)
        *out = inst->ptmx;
    unsigned n = 0;
    for (size_t i = 0; i < len && !*out && n < PTY_MAX; i++) {
        if (name[i] < '0' || name[i] > '9' || (i == 0 && name[0] == '0' && len > 1))
            break;
        n = n * 10 + (unsigned)(name[i] - '0');
        if (i == len - 1 && n < PTY_MAX && inst->slots[n].named)
            *out = inst->slots[n].vn;
    }
    return *out ? 0 : -ENOENT;
}

static int devpts_readdir(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                          struct vnode **vn)
{
    (void)dir;
    if (index == 0) {
        *name = "ptmx";
        *len = 4;
        *vn = inst->ptmx;
        return 1;
    }
    for (unsigned i = 0; i < PTY_MAX; i++)
        if (inst->slots[i].named && --index == 0) {
            *name = inst->slots[i].name;
            *len = strlen(*name);
            *vn = inst->slots[i].vn;
            return 1;
        }
    return 0;
}

static int devpts_where(const struct vnode *vn, struct vnode **dir, const char **name)
{
    *dir = vn->mnt->root;
    if (vn == inst->ptmx) {
        *name = "ptmx";
        return 0;
    }
    for (unsigned i = 0; i < PTY_MAX; i++)
        if (inst->slots[i].named && inst->slots[i].vn == vn) {
            *name = inst->slots[i].name;
            return 0;
        }
    return -ENOENT;
}

static const struct vnode_ops devpts_vops = {
    .lookup = devpts_lookup,
    .readdir = devpts_readdir,
    .where = devpts_where,
};

int devpts_new(const struct file_ops *ops, void *priv, int *index, struct vnode **out)
{
    unsigned i = 0;
    if (!inst)
        return -ENODEV;
    while (i < PTY_MAX && inst->slots[i].vn)
        i++;
    if (i == PTY_MAX)
        return -ENOSPC;
    struct vnode *vn = vn_alloc_on(inst_mount, S_IFCHR | inst->mode);
    if (!vn)
        return -ENOMEM;
    vn->rdev = (PTS_MAJOR << 8) | i; /* Linux's encoding: minors below 256 */
    vn->fops = ops;
    vn->priv = priv;
    proc_fsids(&vn->uid, &vn->gid);
    if (inst->uid_set)
        vn->uid = inst->uid;
    if (inst->gid_set)
        vn->gid = inst->gid;
    vn_link_gain(inst_mount->root, vn);
    inst->slots[i].vn = vn;
    inst->slots[i].named = 1;
    snprintf(inst->slots[i].name, sizeof(inst->slots[i].name), "%u", i);
    *index = (int)i;
    *out = vn;
    return 0;
}

void devpts_unname(int index)
{
    struct devpts_slot *s = &inst->slots[index];
    s->named = 0;
    vn_link_lose(inst_mount->root, s->vn); /* the pair's reference keeps it */
}

void devpts_free(int index)
{
    inst->slots[index].vn = 0;
}

/* An octal mode or a decimal id, the whole of [v, v + len). */
static int parse_num(const char *v, size_t len, unsigned base, uint32_t *out)
{
    uint64_t n = 0;
    if (len == 0 || len > 10)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        unsigned d = (unsigned)(v[i] - '0');
        if (d >= base)
            return -EINVAL;
        n = n * base + d;
    }
    if (n > UINT32_MAX)
        return -EINVAL;
    *out = (uint32_t)n;
    return 0;
}

/* One option: mode, ptmxmode, uid, gid (the others Linux takes, max and
 * newinstance, are -EINVAL here). */
static int devpts_option(struct devpts *fs, const char *o, size_t len)
{
    size_t k = 0;
    while (k < len && o[k] != '=')
        k++;
    const char *v = o + k + 1;
    size_t vlen = k < len ? len - k - 1 : 0;
    int err = k < len ? 0 : -EINVAL;
    if (!err && k == 4 && memcmp(o, "mode", 4) == 0)
        err = parse_num(v, vlen, 8, &fs->mode);
    else if (!err && k == 8 && memcmp(o, "ptmxmode", 8) == 0)
        err = parse_num(v, vlen, 8, &fs->ptmxmode);
    else if (!err && k == 3 && memcmp(o, "uid", 3) == 0)
        err = parse_num(v, vlen, 10, &fs->uid), fs->uid_set = 1;
    else if (!err && k == 3 && memcmp(o, "gid", 3) == 0)
        err = parse_num(v, vlen, 10, &fs->gid), fs->gid_set = 1;
    else
        err = -EINVAL;
    fs->mode &= 07777;
    fs->ptmxmode &= 07777;
    return err;
}

static int devpts_options(struct devpts *fs, const char *opts)
{
    while (opts && *opts) {
        size_t len = 0;
        while (opts[len] && opts[len] != ',')
            len++;
        int err = len ? devpts_option(fs, opts, len) : 0;
        if (err)
            return err;
        opts += len + (opts[len] == ',');
    }
    return 0;
}

static int devpts_mount(struct mount *m, const char *opts)
{
    if (inst)
        return -EBUSY;
    struct devpts *fs = kzalloc(sizeof(*fs));
    if (!fs)
        return -ENOMEM;
    fs->mode = 0600;
    int err = devpts_options(fs, opts);
    struct vnode *root = err ? 0 : vn_alloc_on(m, S_IFDIR | 0755);
    struct vnode *ptmx = root ? vn_alloc_on(m, S_IFCHR | fs->ptmxmode) : 0;
    if (!ptmx) {
        if (root)
            vn_unref(root);
        kfree(fs);
        return err ? err : -ENOMEM;
    }
    root->vops = ptmx->vops = &devpts_vops;
    root->nlink = 2;
    root->parent = root;
    ptmx->rdev = (TTYAUX_MAJOR << 8) | 2;
    ptmx->fops = &ptmx_fops;
    vn_link_gain(root, ptmx);
    vn_unref(ptmx); /* its name keeps it */
    fs->ptmx = ptmx;
    m->root = root;
    m->fsdata = fs;
    inst = fs;
    inst_mount = m;
    return 0;
}

/* Only when nothing holds its vnodes: no pair is left. */
static void devpts_unmount(struct mount *m)
{
    struct devpts *fs = m->fsdata;
    vn_link_lose(0, fs->ptmx);
    m->root->nlink = 0;
    vn_unref(m->root);
    kfree(fs);
    inst = 0;
    inst_mount = 0;
}

static void devpts_statfs(struct mount *m, struct kstatfs *st)
{
    (void)m;
    st->f_type = DEVPTS_SUPER_MAGIC;
}

static int devpts_show(struct mount *m, char *buf, size_t n)
{
    struct devpts *fs = m->fsdata;
    int len = 0;
    if (fs->uid_set)
        len += snprintf(buf + len, n - (size_t)len, ",uid=%u", fs->uid);
    if (fs->gid_set)
        len += snprintf(buf + len, n - (size_t)len, ",gid=%u", fs->gid);
    return len +
           snprintf(buf + len, n - (size_t)len, ",mode=%03o,ptmxmode=%03o", fs->mode, fs->ptmxmode);
}

static struct fs_type devpts_type = {
    .name = "devpts",
    .mount = devpts_mount,
    .unmount = devpts_unmount,
    .statfs = devpts_statfs,
    .show = devpts_show,
};

void devpts_init(void)
{
    fs_type_register(&devpts_type);
}
