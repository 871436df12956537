/* Anonymous files: an object a system call makes (an eventfd, a timerfd,
 * a signalfd) behind a vnode of its own that no directory names, as
 * Linux's anon_inode files. The vnode lives while a file is open on it. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"

int anon_file(const struct file_ops *ops, void *priv, uint32_t flags, struct file **out)
{
    struct vnode *vn = vn_alloc(0600); /* Linux's anon inodes: no type bits */
    if (!vn)
        return -ENOMEM;
    int err = file_open_vnode(vn, O_RDWR | flags, out);
    if (!err) { /* from here ops->release frees priv with vn */
        vn->fops = ops;
        vn->priv = priv;
    }
    vn_unref(vn); /* the file holds it, if it was made */
    return err;
}
