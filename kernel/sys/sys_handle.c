/* File handles (fs/fhandle.c): name_to_handle_at and open_by_handle_at.
 *
 * A handle names a file of a file system that has them (fs_type.handles:
 * tmpfs and devtmpfs, the initrd's files among them) by its vnode number,
 * which no other vnode ever gets again in this boot, and a stamp drawn
 * once per boot (the generation): a handle kept from an earlier boot,
 * whose numbers are given anew, is stale. The handle's layout is tmpfs's
 * on Linux (handle_type FILEID_INO32_GEN, three 32-bit words: the
 * generation, then the number's low and high halves). open_by_handle_at
 * finds the vnode again in mount_fd's file system while it has a name:
 * a file deleted since, or one of another file system, is -ESTALE. Only
 * the plain handles are made: AT_HANDLE_FID, AT_HANDLE_MNT_ID_UNIQUE and
 * AT_HANDLE_CONNECTABLE are refused (-EINVAL). */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define MAX_HANDLE_SZ           128
#define FILEID_INO32_GEN        1
#define FILEID_INVALID          255
#define FILEID_VALID_USER_FLAGS 0x30000 /* FILEID_IS_CONNECTABLE | FILEID_IS_DIR */
#define HANDLE_WORDS            3

/* struct file_handle, then its bytes. */
struct handle_head {
    uint32_t handle_bytes;
    int32_t handle_type;
};
_Static_assert(sizeof(struct handle_head) == 8, "struct file_handle");

/* The generation of every handle of this boot (never 0). */
static uint32_t handle_stamp(void)
{
    static uint32_t stamp;
    while (!stamp)
        stamp = (uint32_t)random_u64();
    return stamp;
}

/* name_to_handle_at(2): the handle of the file (dirfd, upath) names, and
 * its mount's id (mountinfo's). A buffer too small gets the size needed
 * in handle_bytes (and FILEID_INVALID) with -EOVERFLOW, as on Linux. */
static int64_t sys_name_to_handle_at(uint64_t dirfd, uint64_t upath, uint64_t uhandle,
                                     uint64_t umnt, uint64_t flags, uint64_t a5)
{
    ARG(a5);
    struct vnode *vn;
    struct handle_head h;
    if ((int)flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    int err = at_walk((int64_t)dirfd, upath, (int)flags & AT_EMPTY_PATH,
                      (flags & AT_SYMLINK_FOLLOW) ? WALK_FOLLOW : 0, &vn);
    if (err)
        return err;
    if (!vn->mnt || !vn->mnt->type->handles)
        return -EOPNOTSUPP;
    if (copy_from_user(&h, (const void *)uhandle, sizeof(h)))
        return -EFAULT;
    if (h.handle_bytes > MAX_HANDLE_SZ)
        return -EINVAL;
    uint32_t words[HANDLE_WORDS] = {handle_stamp(), (uint32_t)vn->ino, (uint32_t)(vn->ino >> 32)};
    int fits = h.handle_bytes / 4 >= HANDLE_WORDS;
    h = (struct handle_head){sizeof(words), fits ? FILEID_INO32_GEN : FILEID_INVALID};
    int mnt_id = (int)vn->mnt->id;
    if (copy_to_user((void *)umnt, &mnt_id, sizeof(mnt_id)) ||
        copy_to_user((void *)uhandle, &h, sizeof(h)) ||
        (fits && copy_to_user((void *)(uhandle + sizeof(h)), words, sizeof(words))))
        return -EFAULT;
    return fits ? 0 : -EOVERFLOW;
}

/* The mount mount_fd names (AT_FDCWD: the cwd's): 0 and *m (NULL for a
 * file of no file system, a pipe's), or -EBADF. */
static int handle_mount(int fd, struct mount **m)
{
    struct proc *p = proc_current();
    struct file *f = fd == AT_FDCWD ? 0 : fd_get(p, fd);
    if (fd != AT_FDCWD && !f)
        return -EBADF;
    *m = (f ? f->vn : p->cwd)->mnt;
    return 0;
}

/* Read the handle at uhandle and find its file in m: 0 and *out, -EFAULT,
 * -EINVAL (a size of 0 or over MAX_HANDLE_SZ, a bad type), -ESTALE. */
static int handle_decode(uint64_t uhandle, struct mount *m, struct vnode **out)
{
    struct handle_head h;
    uint32_t words[MAX_HANDLE_SZ / 4];
    if (copy_from_user(&h, (const void *)uhandle, sizeof(h)))
        return -EFAULT;
    if (h.handle_bytes == 0 || h.handle_bytes > MAX_HANDLE_SZ || h.handle_type < 0 ||
        (h.handle_type & ~0xffff & ~FILEID_VALID_USER_FLAGS))
        return -EINVAL;
    if (copy_from_user(words, (const void *)(uhandle + sizeof(h)), h.handle_bytes))
        return -EFAULT;
    if (!m || !m->type->handles || h.handle_bytes / 4 < HANDLE_WORDS || words[0] != handle_stamp())
        return -ESTALE;
    struct vnode *vn = vn_find(m, words[1] | (uint64_t)words[2] << 32);
    if (!vn || vn->nlink == 0)
        return -ESTALE; /* gone, or deleted and only still open */
    *out = vn;
    return 0;
}

/* open_by_handle_at(2): open the file a handle names, as open(2) would
 * with flags; CAP_DAC_READ_SEARCH is needed (-EPERM). */
static int64_t sys_open_by_handle_at(uint64_t mount_fd, uint64_t uhandle, uint64_t flags,
                                     uint64_t a3, uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    struct mount *m;
    struct vnode *vn;
    int err = handle_mount((int)mount_fd, &m);
    if (err)
        return err;
    if (!cred_capable(CAP_DAC_READ_SEARCH))
        return -EPERM;
    err = handle_decode(uhandle, m, &vn);
    return err ? err : open_vnode(vn, (uint32_t)flags);
}

void sys_handle_register(void)
{
    syscall_register(SYS_name_to_handle_at, sys_name_to_handle_at);
    syscall_register(SYS_open_by_handle_at, sys_open_by_handle_at);
}
