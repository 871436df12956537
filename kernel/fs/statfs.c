/* What statfs(2) reports of a file system, and its device number: the
 * generic figures here (Linux's, where they are fixed: block size, name
 * length), the rest from the mount's type; vnodes of no file system
 * (pipes) are Linux's pipefs. */
#include <stdint.h>
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/page.h"

#define PIPEFS_MAGIC 0x50495045
#define ANON_DEV     3 /* 0:3, the device of vnodes of no file system */

/* f_flags: Linux's ST_* mount flags (the low ones are the MS_* values).
 * ST_VALID says f_flags is filled in; every mount is noatime (no read
 * changes an access time). */
#define ST_VALID   0x0020
#define ST_NOATIME 0x0400
#define ST_MOUNT   (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)

uint64_t vfs_dev(const struct vnode *vn)
{
    return vn->mnt ? vn->mnt->dev : ANON_DEV;
}

void vfs_statfs(const struct vnode *vn, struct kstatfs *st)
{
    memset(st, 0, sizeof(*st));
    st->f_bsize = st->f_frsize = PAGE_SIZE;
    st->f_namelen = NAME_MAX;
    st->f_flags = ST_VALID | ST_NOATIME;
    if (!vn->mnt) {
        st->f_type = PIPEFS_MAGIC;
        return;
    }
    st->f_flags |= vn->mnt->flags & ST_MOUNT;
    st->f_fsid[0] = (int32_t)vn->mnt->dev; /* Linux's huge_encode_dev of the device */
    vn->mnt->type->statfs(vn->mnt, st);
}
