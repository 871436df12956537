/* The file systems a vnode can be on (vfs.h's enum vfs_kind): tmpfs (the
 * root, /dev and /tmp: Linux's devtmpfs is a tmpfs too), procfs, and the
 * pipes' pipefs; their device numbers and what statfs(2) reports of them.
 * Figures are Linux's where they are fixed (magic numbers, block size,
 * name length); the tmpfs ones come from the kernel as it is now. */
#include <stdint.h>
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"

#define TMPFS_MAGIC      0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define PIPEFS_MAGIC     0x50495045

/* f_flags: Linux's ST_* mount flags. ST_VALID says f_flags is filled in;
 * every mount is noatime (no read changes an access time). */
#define ST_VALID   0x0020
#define ST_NOATIME 0x0400

/* Each file system's device, as Linux numbers the devices of file systems
 * without one (anonymous, major 0): tmpfs 0:1, procfs 0:2, pipefs 0:3. */
uint64_t vfs_dev(const struct vnode *vn)
{
    switch (vn->fs) {
    case VFS_TMPFS:
        return 1;
    case VFS_PROC:
        return 2;
    default:
        return 3;
    }
}

/* tmpfs has no size or file limit but memory: its blocks are the page
 * allocator's, all of them available to anyone (root). Files count one per
 * page, as Linux's default nr_inodes does for a tmpfs of that size, less
 * the vnodes alive. */
static void tmpfs_figures(struct kstatfs *st)
{
    struct pmem_stats ps;
    pmem_stats(&ps);
    uint64_t used = vn_count();
    st->f_type = TMPFS_MAGIC;
    st->f_blocks = ps.total_pages;
    st->f_bfree = st->f_bavail = ps.free_pages;
    st->f_files = ps.total_pages;
    st->f_ffree = used < ps.total_pages ? ps.total_pages - used : 0;
}

void vfs_statfs(const struct vnode *vn, struct kstatfs *st)
{
    memset(st, 0, sizeof(*st));
    st->f_bsize = st->f_frsize = PAGE_SIZE;
    st->f_namelen = NAME_MAX;
    st->f_flags = ST_VALID | ST_NOATIME;
    switch (vn->fs) {
    case VFS_TMPFS:
        tmpfs_figures(st);
        break;
    case VFS_PROC: /* no blocks, no file counts (Linux's simple_statfs) */
        st->f_type = PROC_SUPER_MAGIC;
        break;
    default: /* pipes */
        st->f_type = PIPEFS_MAGIC;
        break;
    }
}
