/* The root file system's contents: the cpio (newc) archive passed as the
 * first boot module, as Linux does with an initramfs. File data stays in
 * the archive's pages, read and mapped through the page cache in place,
 * until a write copies the page it changes (pcache.c). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/arch.h"
#include "kernel/fs/cpio.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/printk.h"

struct initrd_stats {
    unsigned files, dirs, links, skipped;
    uint64_t bytes;
};

/* Archive names may start with any number of "./" and "/" (the image
 * builder pads names that way to page-align file data). */
static const char *strip_name(const char *n, size_t *len)
{
    uint64_t w;
    /* The padding, 8 bytes ("./" four times, little-endian) a step. */
    while (*len >= 8 && (memcpy(&w, n, 8), w == 0x2f2e2f2e2f2e2f2eull))
        n += 8, *len -= 8;
    for (;;) {
        if (*len >= 1 && n[0] == '/') {
            n++, (*len)--;
        } else if (*len >= 2 && n[0] == '.' && n[1] == '/') {
            n += 2, *len -= 2;
        } else {
            return n;
        }
    }
}

/* Find or make the directory for component [c, c + len) in dir. */
static struct vnode *mkdir_in(struct vnode *dir, const char *c, size_t len)
{
    struct vnode *vn = dir_lookup(dir, c, len);
    if (vn)
        return S_ISDIR(vn->mode) ? vn : 0;
    vn = vn_alloc_in(dir, S_IFDIR | 0755);
    if (!vn)
        return 0;
    int err = dir_link(dir, c, len, vn);
    vn_unref(vn);
    return err ? 0 : vn;
}

/* Walk name's directories, making missing ones: the parent directory,
 * with the last component in *last, *last_len. NULL if one is a file. */
static struct vnode *parent_of(const char *name, size_t len, const char **last, size_t *last_len)
{
    struct vnode *dir = vfs_root();
    for (;;) {
        size_t c = 0;
        while (c < len && name[c] != '/')
            c++;
        if (c == len) {
            *last = name;
            *last_len = len;
            return dir;
        }
        if (c > 0 && !(c == 1 && name[0] == '.') && !(dir = mkdir_in(dir, name, c)))
            return 0;
        name += c + 1;
        len -= c + 1;
    }
}

static struct vnode *make_node(struct vnode *dir, const struct cpio_entry *e, uint64_t phys,
                               struct initrd_stats *st)
{
    struct vnode *vn = vn_alloc_in(dir, e->mode & (S_IFMT | 07777));
    if (!vn)
        return 0;
    if (S_ISREG(e->mode)) {
        if (reg_set_external(vn, e->data, phys + e->data_offset, e->size)) {
            vn_unref(vn);
            return 0;
        }
        st->files++;
        st->bytes += e->size;
    } else if (S_ISLNK(e->mode)) {
        char *target = kmalloc(e->size + 1);
        int err = target ? 0 : -ENOMEM;
        if (target) {
            memcpy(target, e->data, e->size);
            target[e->size] = 0;
            err = vn_setlink(vn, target);
            kfree(target);
        }
        if (err) {
            vn_unref(vn);
            return 0;
        }
        st->links++;
    }
    vn->uid = e->uid;
    vn->gid = e->gid;
    /* As Linux's initramfs: atime and mtime from the archive, ctime now. */
    vn->atime = vn->mtime = (struct vn_time){(int64_t)e->mtime, 0};
    return vn;
}

/* A directory's mode and owner from its entry. */
static void dir_attrs(struct vnode *d, const struct cpio_entry *e)
{
    d->mode = e->mode & (S_IFMT | 07777);
    d->uid = e->uid;
    d->gid = e->gid;
}

/* Add one archive entry; later entries replace earlier ones of the same
 * name (except directory over directory, which keeps the contents). */
static int add_entry(const struct cpio_entry *e, uint64_t phys, struct initrd_stats *st)
{
    size_t len = e->name_len, last_len;
    const char *name = strip_name(e->name, &len), *last;
    uint32_t type = e->mode & S_IFMT;
    if (len == 0 || (len == 1 && name[0] == '.'))
        return 0; /* the root itself */
    if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK)
        return -EINVAL;
    struct vnode *dir = parent_of(name, len, &last, &last_len);
    if (!dir || last_len > NAME_MAX)
        return -EINVAL;
    struct vnode *old = dir_lookup(dir, last, last_len);
    if (old && S_ISDIR(old->mode) && type == S_IFDIR) {
        dir_attrs(old, e);
        return 0;
    }
    if (old)
        dir_unlink(dir, last, last_len);
    if (type == S_IFDIR) {
        st->dirs++;
        struct vnode *d = mkdir_in(dir, last, last_len);
        if (d)
            dir_attrs(d, e);
        return d ? 0 : -ENOMEM;
    }
    struct vnode *vn = make_node(dir, e, phys, st);
    if (!vn)
        return -ENOMEM;
    int err = dir_link(dir, last, last_len, vn);
    vn_unref(vn);
    return err;
}

static void initrd_load(const uint8_t *base, uint64_t phys, uint64_t len)
{
    struct initrd_stats st = {0};
    struct cpio_entry e;
    size_t off = 0;
    int r;
    while ((r = cpio_next(base, len, &off, &e)) == 1) {
        if (add_entry(&e, phys, &st)) {
            st.skipped++;
            printk("initrd: skipped \"%.*s\" (mode %o)\n", (int)e.name_len, e.name, e.mode);
        }
    }
    if (r < 0)
        printk("initrd: malformed archive at offset %llu: the rest is ignored\n",
               (unsigned long long)off);
    printk("initrd: %u files (%llu KiB), %u directories, %u symlinks, %u skipped\n", st.files,
           (unsigned long long)(st.bytes / 1024), st.dirs, st.links, st.skipped);
}

void initrd_init(uint64_t phys, uint64_t len)
{
    if (len) {
        const uint8_t *base = arch_phys_map(phys, len);
        if (base)
            initrd_load(base, phys, len);
        else
            printk("initrd: module at %#llx is outside the direct map\n", (unsigned long long)phys);
    } else {
        printk("initrd: none (no boot module)\n");
    }
}
