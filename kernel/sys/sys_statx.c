/* statx(2): the same attributes as stat, in Linux's extensible struct
 * statx, with the mask of what was filled in and the mount's id. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define AT_NO_AUTOMOUNT     0x800
#define AT_STATX_FORCE_SYNC 0x2000
#define AT_STATX_DONT_SYNC  0x4000
#define AT_STATX_SYNC_TYPE  0x6000
#define STATX_BASIC_STATS   0x7ffu /* type, mode, nlink, uid, gid, times, ino, size, blocks */
#define STATX_MNT_ID        0x1000u
#define STATX__RESERVED     0x80000000u

struct statx_ts {
    int64_t tv_sec;
    uint32_t tv_nsec;
    int32_t reserved;
};

/* Linux's struct statx (include/uapi/linux/stat.h). */
struct kstatx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, spare0;
    uint64_t ino, size, blocks, attributes_mask;
    struct statx_ts atime, btime, ctime, mtime;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t mnt_id;
    uint32_t dio_mem_align, dio_offset_align;
    uint64_t spare3[12];
};
_Static_assert(sizeof(struct kstatx) == 256, "Linux struct statx");

/* A device number as Linux encodes it (new_encode_dev), split. */
static uint32_t dev_major(uint64_t dev)
{
    return (uint32_t)((dev >> 8) & 0xfff);
}

static uint32_t dev_minor(uint64_t dev)
{
    return (uint32_t)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

/* Everything stat has, whatever the mask asked (Linux fills what it has
 * and says so in stx_mask); no birth time: tmpfs keeps none here. */
static void statx_fill(struct vnode *vn, struct kstatx *sx)
{
    struct kstat st;
    vn_stat(vn, &st);
    memset(sx, 0, sizeof(*sx));
    sx->mask = STATX_BASIC_STATS | STATX_MNT_ID;
    sx->blksize = (uint32_t)st.st_blksize;
    sx->nlink = (uint32_t)st.st_nlink;
    sx->uid = st.st_uid;
    sx->gid = st.st_gid;
    sx->mode = (uint16_t)st.st_mode;
    sx->ino = st.st_ino;
    sx->size = (uint64_t)st.st_size;
    sx->blocks = (uint64_t)st.st_blocks;
    sx->atime = (struct statx_ts){st.st_atime, (uint32_t)st.st_atime_nsec, 0};
    sx->mtime = (struct statx_ts){st.st_mtime, (uint32_t)st.st_mtime_nsec, 0};
    sx->ctime = (struct statx_ts){st.st_ctime, (uint32_t)st.st_ctime_nsec, 0};
    sx->rdev_major = dev_major(st.st_rdev);
    sx->rdev_minor = dev_minor(st.st_rdev);
    sx->dev_major = dev_major(st.st_dev);
    sx->dev_minor = dev_minor(st.st_dev);
    sx->mnt_id = vn->mnt ? vn->mnt->id : 0;
}

/* Linux's order: flags, then the mask, then the walk, then the copy. */
static int64_t sys_statx(uint64_t dirfd, uint64_t upath, uint64_t flags, uint64_t mask,
                         uint64_t ubuf, uint64_t a5)
{
    ARG(a5);
    uint64_t known = AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE;
    if ((flags & ~known) || (flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
        return -EINVAL;
    if ((uint32_t)mask & STATX__RESERVED)
        return -EINVAL;
    struct vnode *vn;
    int err = at_walk_stat((int64_t)dirfd, upath, flags, &vn);
    if (err)
        return err;
    struct kstatx sx;
    statx_fill(vn, &sx);
    return copy_to_user((void *)ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

void sys_statx_register(void)
{
    syscall_register(SYS_statx, sys_statx);
}
