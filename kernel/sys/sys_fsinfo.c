/* The old file-system information calls: sysfs(2), which numbers the
 * registered file-system types (the list /proc/filesystems shows, in the
 * same order), and ustat(2), the free blocks and inodes of the file system
 * mounted with a given device number (statfs's figures). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

/* sysfs's options. */
#define SYSFS_INDEX 1 /* the index of the type named at arg1 */
#define SYSFS_NAME  2 /* the name of the type at index arg1, into arg2 */
#define SYSFS_COUNT 3 /* how many types there are */

/* Linux x86-64 struct ustat. */
struct ustat_k {
    int32_t f_tfree;   /* free blocks (statfs's f_bfree, cut to an int) */
    uint64_t f_tinode; /* free inodes (f_ffree) */
    char f_fname[6];   /* both names empty, as Linux leaves them */
    char f_fpack[6];
};
_Static_assert(sizeof(struct ustat_k) == 32, "Linux x86-64 struct ustat");

/* The name is read as a path is (Linux's getname): -EFAULT, -ENOENT for
 * "", -ENAMETOOLONG; an unknown name is -EINVAL. */
static int64_t sysfs_index(uint64_t uname)
{
    char *name;
    int err = user_path(uname, 0, &name);
    if (err)
        return err;
    int r = vfs_type_index(name);
    kfree(name);
    return r;
}

/* The index is a C unsigned int; the name goes out with its NUL. */
static int64_t sysfs_name(uint64_t index, uint64_t ubuf)
{
    const char *name = vfs_type_name((uint32_t)index);
    if (!name)
        return -EINVAL;
    return copy_to_user((void *)ubuf, name, strlen(name) + 1) ? -EFAULT : 0;
}

/* The option is a C int; any but the three is -EINVAL. */
static int64_t sys_sysfs(uint64_t option, uint64_t arg1, uint64_t arg2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    switch ((int)option) {
    case SYSFS_INDEX:
        return sysfs_index(arg1);
    case SYSFS_NAME:
        return sysfs_name(arg1, arg2);
    case SYSFS_COUNT:
        return vfs_type_count();
    }
    return -EINVAL;
}

/* dev is a C unsigned int in Linux's new_encode_dev form, which is what
 * stat's st_dev holds here: no mount with it is -EINVAL. */
static int64_t sys_ustat(uint64_t dev, uint64_t ubuf, uint64_t a2, uint64_t a3, uint64_t a4,
                         uint64_t a5)
{
    ARG(a2), ARG(a3), ARG(a4), ARG(a5);
    struct vnode *root = vfs_dev_root((uint32_t)dev);
    if (!root)
        return -EINVAL;
    struct kstatfs st;
    vfs_statfs(root, &st);
    struct ustat_k u;
    memset(&u, 0, sizeof(u));
    u.f_tfree = (int32_t)st.f_bfree;
    u.f_tinode = st.f_ffree;
    return copy_to_user((void *)ubuf, &u, sizeof(u)) ? -EFAULT : 0;
}

void sys_fsinfo_register(void)
{
    syscall_register(SYS_sysfs, sys_sysfs);
    syscall_register(SYS_ustat, sys_ustat);
}
