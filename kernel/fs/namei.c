/* Path walking as Linux does it (path_resolution(7)): "." and "..", repeated
 * slashes, symlinks (at most SYMLOOP_MAX per walk, then -ELOOP), a name of
 * more than NAME_MAX bytes is -ENAMETOOLONG, a non-directory in the middle
 * is -ENOTDIR, a trailing slash requires a directory. The walk never blocks,
 * so it needs no references on the vnodes it passes. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"

struct walk {
    struct vnode *root; /* where "/" is for the caller (chroot), and ".." stops */
    struct vnode *cur;  /* directory the next component is looked up in */
    const char *p;      /* the rest of the path */
    struct vnode *dir;  /* where the last lookup was made, and the name it found */
    const char *name;
    size_t name_len;
    int links;
    char *buf[2]; /* symlink expansions alternate between these */
    int which;
    int flags;         /* WALK_* */
    struct mount *mnt; /* WALK_NO_XDEV: the mount the walk started in */
    int rooted;        /* the walk has met its root: an absolute path, "..", scoped */
};

static const char *skip_slashes(const char *p)
{
    while (*p == '/')
        p++;
    return p;
}

/* Whether an absolute symlink may restart the walk at its root: 0 or
 * -EXDEV (BENEATH; NO_XDEV when "/" is on another mount, or, as Linux's
 * nd_jump_root, when the walk has not met its root yet). */
static int walk_may_jump_root(const struct walk *w)
{
    if (w->flags & WALK_BENEATH)
        return -EXDEV;
    if (w->mnt && (!w->rooted || w->root->mnt != w->mnt))
        return -EXDEV;
    return 0;
}

/* Whether a magic link may lead the walk to vnode to, as Linux's
 * nd_jump_link: 0, -ELOOP (NO_MAGICLINKS, NO_SYMLINKS) or -EXDEV (a
 * scoped walk, or to on another mount under NO_XDEV). */
static int walk_may_jump(const struct walk *w, const struct vnode *to)
{
    if (w->flags & (WALK_NO_MAGICLINKS | WALK_NO_SYMLINKS))
        return -ELOOP;
    if (w->flags & (WALK_BENEATH | WALK_IN_ROOT))
        return -EXDEV;
    return w->mnt && to->mnt != w->mnt ? -EXDEV : 0;
}

/* Replace the walk's path by target + rest (rest starts with '/' or is
 * empty), restarting at the root for an absolute target. */
static int walk_follow(struct walk *w, const struct vnode *link, const char *rest)
{
    if (w->flags & WALK_NO_SYMLINKS)
        return -ELOOP;
    if (++w->links > SYMLOOP_MAX)
        return -ELOOP;
    char tbuf[32];
    const char *target = vn_link_target(link, tbuf, sizeof(tbuf));
    size_t tlen = strlen(target), rlen = strlen(rest);
    if (tlen == 0)
        return -ENOENT;
    if (tlen + rlen + 1 > PATH_MAX)
        return -ENAMETOOLONG;
    char **dst = &w->buf[w->which ^= 1];
    if (!*dst && !(*dst = kmalloc(PATH_MAX)))
        return -ENOMEM;
    memcpy(*dst, target, tlen);
    memcpy(*dst + tlen, rest, rlen + 1);
    int err = (*dst)[0] == '/' ? walk_may_jump_root(w) : 0;
    if (err)
        return err;
    if ((*dst)[0] == '/')
        w->cur = w->root;
    w->p = *dst;
    return 0;
}

/* A link that leads to a vnode (vn's file system's follow): 0 with *vn
 * replaced by it, counted as a symlink; 1 for an ordinary symlink; or
 * -errno. */
static int walk_magic(struct walk *w, struct vnode **vn)
{
    struct vnode *to;
    if (!(*vn)->vops || !(*vn)->vops->follow)
        return 1;
    int r = (*vn)->vops->follow(*vn, &to);
    if (r == 0 && (r = walk_may_jump(w, to)))
        return r;
    if (r == 0 && ++w->links > SYMLOOP_MAX)
        return -ELOOP;
    if (r == 0)
        *vn = to;
    return r;
}

const char *vn_link_target(const struct vnode *vn, char *buf, size_t n)
{
    if (vn->vops && vn->vops->readlink)
        return vn->vops->readlink(vn, buf, n);
    return "";
}

/* "..": the parent, stepping out of a mounted file system's root to the
 * directory it is mounted on first; the caller's root is its own parent.
 * NULL under WALK_BENEATH at the start directory (-EXDEV). */
static struct vnode *walk_up(struct walk *w)
{
    struct vnode *d = w->cur;
    w->rooted = 1;
    if (d == w->root && (w->flags & WALK_BENEATH))
        return 0; /* would leave the start directory */
    while (d != w->root && vn_is_mount_root(d))
        d = d->mnt->covered;
    return d == w->root ? d : d->parent;
}

/* The vnode component c (len bytes) names in w->cur, past what is mounted
 * on it: 0 with *vn, -ENOENT, or -EXDEV (WALK_BENEATH's "..", or another
 * mount under WALK_NO_XDEV: into one, or ".." out of one). */
static int walk_step(struct walk *w, const char *c, size_t len, struct vnode **vn)
{
    if (len == 1 && c[0] == '.')
        *vn = w->cur;
    else if (len == 2 && c[0] == '.' && c[1] == '.')
        *vn = walk_up(w);
    else if (!(*vn = dir_lookup(w->cur, c, len)))
        return -ENOENT;
    if (!*vn)
        return -EXDEV;
    while ((*vn)->mounted) /* into what is mounted there */
        *vn = (*vn)->mounted->root;
    return w->mnt && (*vn)->mnt != w->mnt ? -EXDEV : 0;
}

/* Walk to the end of the path (stop_before_last: to the directory holding
 * the last component, copied to name). */
static int walk_run(struct walk *w, int flags, int stop_before_last, struct vnode **out, char *name,
                    size_t *name_len)
{
    for (;;) {
        const char *c = skip_slashes(w->p);
        if (*c == 0) {
            if (stop_before_last && name_len)
                *name_len = 0;
            *out = w->cur;
            return 0;
        }
        size_t len = 0;
        while (c[len] && c[len] != '/')
            len++;
        if (len > NAME_MAX)
            return -ENAMETOOLONG;
        const char *next = c + len;
        int trailing = *next == '/', last = *skip_slashes(next) == 0;
        if (!S_ISDIR(w->cur->mode))
            return -ENOTDIR;
        if (stop_before_last && last) {
            memcpy(name, c, len);
            name[len] = 0;
            *name_len = len;
            *out = w->cur;
            return 0;
        }
        struct vnode *vn;
        int err = walk_step(w, c, len, &vn);
        if (err)
            return err;
        if (S_ISLNK(vn->mode) && (!last || trailing || (flags & WALK_FOLLOW))) {
            err = walk_magic(w, &vn);
            if (err == 1 && !(err = walk_follow(w, vn, next)))
                continue;
            if (err)
                return err;
        }
        if (last && trailing && !S_ISDIR(vn->mode))
            return -ENOTDIR;
        w->dir = w->cur;
        w->name = c;
        w->name_len = len;
        w->cur = vn;
        w->p = next;
    }
}

/* Where a walk that found a non-directory found it: the absolute path of
 * the directory it was looked up in, a slash and the name (n bytes with
 * the NUL). Its length, or -ERANGE / -ENOENT. */
static long walk_path(const struct walk *w, char *buf, size_t n)
{
    long len = vfs_path_of(w->dir, buf, n);
    size_t at = len == 1 ? 1 : (size_t)len + 1; /* the root's "/" needs no second slash */
    if (len < 0)
        return len;
    if (at + w->name_len + 1 > n)
        return -ERANGE;
    buf[at - 1] = '/';
    memcpy(buf + at, w->name, w->name_len);
    buf[at + w->name_len] = 0;
    return (long)(at + w->name_len);
}

/* The walk; with pathbuf, also the found non-directory's absolute path. */
static int walk(struct vnode *cwd, const char *path, int flags, int parent, struct vnode **out,
                char *name, size_t *len, char *pathbuf, size_t pathlen)
{
    if (!path[0])
        return -ENOENT;
    if (path[0] == '/' && (flags & WALK_BENEATH))
        return -EXDEV;
    struct vnode *root = flags & (WALK_BENEATH | WALK_IN_ROOT) ? cwd : vfs_caller_root();
    struct vnode *start = path[0] == '/' ? root : cwd;
    struct walk w = {.root = root, .cur = start, .p = path, .flags = flags};
    w.rooted = path[0] == '/' || (flags & (WALK_BENEATH | WALK_IN_ROOT));
    if (flags & WALK_NO_XDEV)
        w.mnt = start->mnt;
    int err = walk_run(&w, flags, parent, out, name, len);
    if (!err && pathbuf && (!w.dir || S_ISDIR((*out)->mode) || walk_path(&w, pathbuf, pathlen) < 0))
        pathbuf[0] = 0;
    kfree(w.buf[0]);
    kfree(w.buf[1]);
    return err;
}

int vfs_walk(struct vnode *cwd, const char *path, int flags, struct vnode **out)
{
    return walk(cwd, path, flags, 0, out, 0, 0, 0, 0);
}

int vfs_walk_path(struct vnode *cwd, const char *path, int flags, struct vnode **out, char *buf,
                  size_t n)
{
    return walk(cwd, path, flags, 0, out, 0, 0, buf, n);
}

int vfs_walk_parent(struct vnode *cwd, const char *path, struct vnode **dir, char *name,
                    size_t *len)
{
    return walk(cwd, path, 0, 1, dir, name, len, 0, 0);
}

int vfs_walk_parent_in(struct vnode *cwd, const char *path, int flags, struct vnode **dir,
                       char *name, size_t *len)
{
    return walk(cwd, path, flags & ~WALK_FOLLOW, 1, dir, name, len, 0, 0);
}

/* The name dir has in its parent: 0 with *name, *len, or -ENOENT (a
 * root, or a removed directory). */
static int name_in_parent(struct vnode *dir, const char **name, size_t *len)
{
    struct vnode *vn;
    if (dir->parent == dir)
        return -ENOENT;
    for (uint64_t i = 2; dir_entry(dir->parent, i, name, len, &vn); i++)
        if (vn == dir)
            return 0;
    return -ENOENT;
}

struct vnode *vfs_caller_root(void)
{
    struct vnode *r = proc_root();
    return r ? r : vfs_root();
}

long vfs_path_of(struct vnode *dir, char *buf, size_t n)
{
    size_t pos = n;
    struct vnode *root = vfs_caller_root();
    if (n < 2)
        return -ERANGE;
    buf[--pos] = 0;
    for (struct vnode *v = dir;; v = v->parent) {
        while (v != root && vn_is_mount_root(v))
            v = v->mnt->covered; /* named by the directory it is mounted on */
        if (v == root)
            break;
        if (v == vfs_root())
            return -ENOENT; /* outside the caller's root (chroot): unreachable */
        const char *name;
        size_t len;
        if (name_in_parent(v, &name, &len))
            return -ENOENT; /* removed directory, like Linux's getcwd */
        if (pos < len + 1)
            return -ERANGE;
        pos -= len;
        memcpy(buf + pos, name, len);
        buf[--pos] = '/';
    }
    if (pos == n - 1)
        buf[--pos] = '/';
    memmove(buf, buf + pos, n - pos);
    return (long)(n - pos - 1);
}

/* Search dir's tree (one mount: mount points are not entered) for a name
 * of vn, deepest first without recursion: 0 with *in and *name, or
 * -ENOENT. at[] holds the next entry index of each directory on the way
 * down (depth PATH_MAX / 2 at most: a path has a slash per level). */
static int name_search(struct vnode *top, const struct vnode *vn, struct vnode **in,
                       const char **name)
{
    enum { DEPTH = PATH_MAX / 2 };
    uint64_t *at = kmalloc(DEPTH * sizeof(*at));
    struct vnode *d = top, *e;
    size_t len, depth = 0;
    int err = at ? -ENOENT : -ENOMEM;
    if (at)
        at[0] = 2;
    while (at && err == -ENOENT) {
        if (!dir_entry(d, at[depth]++, name, &len, &e)) {
            if (depth-- == 0)
                break;
            d = d->parent;
        } else if (e == vn) {
            *in = d;
            err = 0;
        } else if (S_ISDIR(e->mode) && !e->mounted && e->parent == d && depth + 1 < DEPTH) {
            d = e;
            at[++depth] = 2;
        }
    }
    kfree(at);
    return err;
}

long vfs_name_of(struct vnode *vn, char *buf, size_t n)
{
    struct vnode *dir;
    const char *name;
    if (S_ISDIR(vn->mode))
        return vfs_path_of(vn, buf, n);
    if (memfd_is(vn))
        return memfd_name(vn, buf, n);
    if (!vn->mnt || vn->nlink == 0)
        return -ENOENT;
    int err = vn->vops && vn->vops->where ? vn->vops->where(vn, &dir, &name)
                                          : name_search(vn->mnt->root, vn, &dir, &name);
    long len = err ? err : vfs_path_of(dir, buf, n);
    if (len < 0)
        return len;
    size_t at = len == 1 ? 1 : (size_t)len + 1, nlen = strlen(name);
    if (at + nlen + 1 > n)
        return -ERANGE;
    buf[at - 1] = '/';
    memcpy(buf + at, name, nlen + 1);
    return (long)(at + nlen);
}
