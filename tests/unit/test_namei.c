/* Host tests for kernel/fs/namei.c: path walking with Linux's rules
 * (path_resolution(7)) over a small tree built here. The tmpfs functions
 * namei calls (dir_lookup, vfs_root) are provided by this file. */
#define _GNU_SOURCE /* strdup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"

int k_vfs_walk(struct vnode *cwd, const char *path, int flags, struct vnode **out);
int k_vfs_walk_parent(struct vnode *cwd, const char *path, struct vnode **dir, char *name,
                      size_t *len);
long k_vfs_path_of(struct vnode *dir, char *buf, size_t n);
int k_vfs_walk_path(struct vnode *cwd, const char *path, int flags, struct vnode **out, char *buf,
                    size_t n);
void k_kmalloc_init(const struct kmalloc_pages *src);

enum { ENOENT = 2, ENOTDIR = 20, ERANGE = 34, ENAMETOOLONG = 36, ELOOP = 40 };

/* --- the tree -------------------------------------------------------------- */

static struct vnode root, tmp, sub, file;
static struct vnode links[64];
static unsigned nlinks;

struct vnode *k_vfs_root(void)
{
    return &root;
}

int k_vn_is_mount_root(const struct vnode *vn)
{
    return vn->mnt && vn->mnt->root == vn && vn->mnt->covered;
}

int k_dir_entry(struct vnode *dir, uint64_t index, const char **name, size_t *len,
                struct vnode **vn)
{
    struct dirent_node *d = dir->entries;
    for (uint64_t i = 2; d && i < index; i++)
        d = d->next;
    if (index < 2 || !d)
        return 0;
    *name = d->name;
    *len = d->len;
    *vn = d->vn;
    return 1;
}

static const char *test_readlink(const struct vnode *vn, char *buf, size_t n)
{
    (void)buf, (void)n;
    return vn->target;
}

static const struct vnode_ops test_vops = {.readlink = test_readlink};

/* The calling process's chroot directory (NULL: none), as a test sets it. */
static struct vnode *chroot_dir;

struct vnode *k_proc_root(void)
{
    return chroot_dir;
}

/* No memfds in these trees (vfs_name_of asks first). */
int k_memfd_is(const struct vnode *vn)
{
    (void)vn;
    return 0;
}

long k_memfd_name(const struct vnode *vn, char *buf, size_t n)
{
    (void)vn, (void)buf, (void)n;
    return -1;
}

struct vnode *k_dir_lookup(struct vnode *dir, const char *name, size_t len)
{
    for (struct dirent_node *d = dir->entries; d; d = d->next)
        if (d->len == len && memcmp(d->name, name, len) == 0)
            return d->vn;
    return NULL;
}

static void link_in(struct vnode *dir, const char *name, struct vnode *vn)
{
    struct dirent_node *d = calloc(1, sizeof(*d) + strlen(name) + 1);
    strcpy(d->name, name);
    d->len = (uint8_t)strlen(name);
    d->vn = vn;
    d->next = dir->entries;
    dir->entries = d;
    if (S_ISDIR(vn->mode))
        vn->parent = dir;
}

static struct vnode *symlink_in(struct vnode *dir, const char *name, const char *target)
{
    struct vnode *l = &links[nlinks++];
    l->mode = S_IFLNK | 0777;
    l->target = strdup(target);
    l->size = strlen(target);
    l->vops = &test_vops;
    link_in(dir, name, l);
    return l;
}

static void *prov_alloc(unsigned order)
{
    return aligned_alloc(4096, (size_t)4096 << order);
}

static void prov_free(void *p, unsigned order)
{
    (void)order;
    free(p);
}

/* /tmp/{file,sub/}, and symlinks in / (see each test). */
static int setup(void **state)
{
    static const struct kmalloc_pages provider = {prov_alloc, prov_free};
    (void)state;
    k_kmalloc_init(&provider);
    root.mode = tmp.mode = sub.mode = S_IFDIR | 0755;
    file.mode = S_IFREG | 0644;
    root.parent = &root;
    link_in(&root, "tmp", &tmp);
    link_in(&tmp, "file", &file);
    link_in(&tmp, "sub", &sub);
    symlink_in(&root, "abs", "/tmp/sub");
    symlink_in(&root, "rel", "tmp/file");
    symlink_in(&tmp, "up", "../tmp/./sub");
    symlink_in(&root, "loop1", "loop2");
    symlink_in(&root, "loop2", "/loop1");
    symlink_in(&root, "dangling", "/nope");
    /* l0 -> l1 -> ... -> l40 -> /tmp: 41 links from l0, 40 from l1. */
    for (int i = 0; i <= 40; i++) {
        char name[8], target[8];
        snprintf(name, sizeof(name), "l%d", i);
        snprintf(target, sizeof(target), "l%d", i + 1);
        symlink_in(&root, name, i == 40 ? "/tmp" : target);
    }
    return 0;
}

static struct vnode *walk_ok(struct vnode *cwd, const char *path, int flags)
{
    struct vnode *vn = NULL;
    int err = k_vfs_walk(cwd, path, flags, &vn);
    if (err)
        fail_msg("walk \"%s\": error %d", path, err);
    return vn;
}

static void walk_err(struct vnode *cwd, const char *path, int flags, int want)
{
    struct vnode *vn = NULL;
    int err = k_vfs_walk(cwd, path, flags, &vn);
    if (err != -want)
        fail_msg("walk \"%s\": got %d, want %d", path, err, -want);
}

/* --- cases ------------------------------------------------------------------- */

static void test_plain(void **state)
{
    (void)state;
    assert_ptr_equal(walk_ok(&sub, "/", 0), &root);
    assert_ptr_equal(walk_ok(&root, "//tmp///file", 0), &file);
    assert_ptr_equal(walk_ok(&root, "/tmp/../tmp/./sub/..//file", 0), &file);
    assert_ptr_equal(walk_ok(&sub, ".", 0), &sub);
    assert_ptr_equal(walk_ok(&sub, "..", 0), &tmp);
    assert_ptr_equal(walk_ok(&root, "/..", 0), &root); /* ".." of the root is the root */
    assert_ptr_equal(walk_ok(&tmp, "sub/", 0), &sub);
    walk_err(&root, "", 0, ENOENT);
    walk_err(&root, "/tmp/nope", 0, ENOENT);
    walk_err(&root, "/tmp/nope/x", 0, ENOENT);
}

static void test_not_dir(void **state)
{
    (void)state;
    walk_err(&root, "/tmp/file/", 0, ENOTDIR);
    walk_err(&root, "/tmp/file/x", 0, ENOTDIR);
    walk_err(&root, "/tmp/file/..", 0, ENOTDIR);
    walk_err(&root, "/tmp/file/.", 0, ENOTDIR);
}

static void test_symlinks(void **state)
{
    (void)state;
    struct vnode *abs = walk_ok(&root, "/abs", 0);
    assert_true(S_ISLNK(abs->mode)); /* last component not followed */
    assert_ptr_equal(walk_ok(&root, "/abs", WALK_FOLLOW), &sub);
    assert_ptr_equal(walk_ok(&root, "/abs/", 0), &sub);   /* a trailing slash follows */
    assert_ptr_equal(walk_ok(&root, "/abs/..", 0), &tmp); /* ".." of the target */
    assert_ptr_equal(walk_ok(&root, "rel", WALK_FOLLOW), &file);
    assert_ptr_equal(walk_ok(&sub, "../up/../file", 0), &file); /* relative to /tmp */
    walk_err(&root, "/rel/", 0, ENOTDIR);
    walk_err(&root, "/dangling", WALK_FOLLOW, ENOENT);
    assert_true(S_ISLNK(walk_ok(&root, "/dangling", 0)->mode));
}

static void test_loops(void **state)
{
    (void)state;
    walk_err(&root, "/loop1", WALK_FOLLOW, ELOOP);
    walk_err(&root, "/loop1/x", 0, ELOOP);
    assert_true(S_ISLNK(walk_ok(&root, "/loop1", 0)->mode));
    assert_ptr_equal(walk_ok(&root, "/l1", WALK_FOLLOW), &tmp); /* 40 links: allowed */
    assert_ptr_equal(walk_ok(&root, "/l1/file", 0), &file);
    walk_err(&root, "/l0", WALK_FOLLOW, ELOOP); /* 41 */
    walk_err(&root, "/l0/file", 0, ELOOP);
}

static void test_name_length(void **state)
{
    (void)state;
    char path[PATH_MAX + 8];
    path[0] = '/';
    memset(path + 1, 'a', 255);
    path[256] = 0;
    walk_err(&root, path, 0, ENOENT); /* 255 bytes: a legal name, absent */
    path[256] = 'a';
    path[257] = 0;
    walk_err(&root, path, 0, ENAMETOOLONG);
}

static void test_parent(void **state)
{
    (void)state;
    struct vnode *dir = NULL;
    char name[NAME_MAX + 1];
    size_t len = 99;
    assert_int_equal(k_vfs_walk_parent(&root, "/tmp/new", &dir, name, &len), 0);
    assert_ptr_equal(dir, &tmp);
    assert_string_equal(name, "new");
    assert_int_equal(k_vfs_walk_parent(&sub, "new//", &dir, name, &len), 0);
    assert_ptr_equal(dir, &sub);
    assert_int_equal(len, 3);
    assert_int_equal(k_vfs_walk_parent(&sub, "/", &dir, name, &len), 0);
    assert_ptr_equal(dir, &root);
    assert_int_equal(len, 0);
    assert_int_equal(k_vfs_walk_parent(&root, "/tmp/..", &dir, name, &len), 0);
    assert_string_equal(name, "..");
    assert_int_equal(k_vfs_walk_parent(&root, "/abs/x", &dir, name, &len), 0);
    assert_ptr_equal(dir, &sub); /* symlinks before the last component are followed */
    assert_int_equal(k_vfs_walk_parent(&root, "/tmp/nope/x", &dir, name, &len), -ENOENT);
    assert_int_equal(k_vfs_walk_parent(&root, "/tmp/file/x", &dir, name, &len), -ENOTDIR);
    assert_int_equal(k_vfs_walk_parent(&root, "", &dir, name, &len), -ENOENT);
}

static void test_path_of(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(k_vfs_path_of(&sub, buf, sizeof(buf)), 8);
    assert_string_equal(buf, "/tmp/sub");
    assert_int_equal(k_vfs_path_of(&root, buf, sizeof(buf)), 1);
    assert_string_equal(buf, "/");
    assert_int_equal(k_vfs_path_of(&sub, buf, 8), -ERANGE); /* no room for the NUL */
    assert_int_equal(k_vfs_path_of(&sub, buf, 9), 8);
}

/* A file system mounted on /tmp/sub: the walk steps into its root, ".."
 * steps out to the mount point's parent, and a path names the mounted
 * root by its mount point. */
static void test_mount_crossing(void **state)
{
    (void)state;
    static struct vnode mroot, inner;
    static struct mount m;
    char buf[64];
    mroot.mode = inner.mode = S_IFDIR | 0755;
    mroot.parent = &mroot;
    mroot.mnt = inner.mnt = &m;
    link_in(&mroot, "inner", &inner);
    m.root = &mroot;
    m.covered = &sub;
    sub.mounted = &m;
    assert_ptr_equal(walk_ok(&root, "/tmp/sub", 0), &mroot);
    assert_ptr_equal(walk_ok(&root, "/tmp/sub/inner", 0), &inner);
    assert_ptr_equal(walk_ok(&root, "/tmp/sub/..", 0), &tmp);
    assert_ptr_equal(walk_ok(&inner, "../../file", 0), &file);
    assert_int_equal(k_vfs_path_of(&inner, buf, sizeof(buf)), 14);
    assert_string_equal(buf, "/tmp/sub/inner");
    assert_int_equal(k_vfs_path_of(&mroot, buf, sizeof(buf)), 8);
    assert_string_equal(buf, "/tmp/sub");
    sub.mounted = NULL;
}

/* A walk that found a file also says where: the directory's path, a
 * slash and the name, after every symlink. */
static void test_walk_path(void **state)
{
    (void)state;
    char buf[64];
    struct vnode *vn;
    assert_int_equal(k_vfs_walk_path(&sub, "../file", WALK_FOLLOW, &vn, buf, sizeof(buf)), 0);
    assert_ptr_equal(vn, &file);
    assert_string_equal(buf, "/tmp/file");
    assert_int_equal(k_vfs_walk_path(&root, "rel", WALK_FOLLOW, &vn, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/tmp/file"); /* the link's target, not the link */
    assert_int_equal(k_vfs_walk_path(&root, "/tmp", 0, &vn, buf, sizeof(buf)), 0);
    assert_string_equal(buf, ""); /* a directory: no path */
    assert_int_equal(k_vfs_walk_path(&root, "/tmp/file", 0, &vn, buf, 6), 0);
    assert_string_equal(buf, ""); /* does not fit */
}

/* chroot: "/" and absolute symlinks start at the process's root, ".."
 * stops there, and paths are seen from it. */
static void test_chroot(void **state)
{
    (void)state;
    char buf[64];
    chroot_dir = &tmp;
    assert_ptr_equal(walk_ok(&sub, "/file", 0), &file);
    assert_ptr_equal(walk_ok(&sub, "/../../file", 0), &file);
    assert_ptr_equal(walk_ok(&tmp, "..", 0), &tmp);
    walk_err(&tmp, "/tmp", 0, ENOENT); /* the real /tmp is out of sight */
    assert_int_equal(k_vfs_path_of(&sub, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "/sub");
    assert_int_equal(k_vfs_path_of(&root, buf, sizeof(buf)), -ENOENT); /* outside */
    chroot_dir = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),       cmocka_unit_test(test_not_dir),
        cmocka_unit_test(test_symlinks),    cmocka_unit_test(test_loops),
        cmocka_unit_test(test_name_length), cmocka_unit_test(test_parent),
        cmocka_unit_test(test_path_of),     cmocka_unit_test(test_walk_path),
        cmocka_unit_test(test_chroot),      cmocka_unit_test(test_mount_crossing),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
