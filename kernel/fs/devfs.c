/* /dev: the console, tty (the caller's controlling terminal) and ptmx
 * (the terminals are kernel/tty's), null, zero, full, random, urandom and
 * kmsg (kmsg.c). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/random.h"
#include "kernel/tty/tty.h"

static long null_read(struct file *f, void *ubuf, size_t n)
{
    (void)f, (void)ubuf, (void)n;
    return 0;
}

static long sink_write(struct file *f, const void *ubuf, size_t n)
{
    (void)f, (void)ubuf;
    return (long)n;
}

/* /dev/zero: program memory filled with zeros. */
static long zero_fill(void *ubuf, size_t n)
{
    static const uint8_t zeros[256];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof(zeros) ? n - done : sizeof(zeros);
        if (copy_to_user((uint8_t *)ubuf + done, zeros, k))
            return done ? (long)done : -EFAULT;
        done += k;
    }
    return (long)done;
}

static long zero_read(struct file *f, void *ubuf, size_t n)
{
    (void)f;
    return zero_fill(ubuf, n);
}

/* /dev/full: every write fails as a full disk would, before looking at
 * the buffer (Linux's write_full, even for 0 bytes). */
static long full_write(struct file *f, const void *ubuf, size_t n)
{
    (void)f, (void)ubuf, (void)n;
    return -ENOSPC;
}

static long urandom_read(struct file *f, void *ubuf, size_t n)
{
    (void)f;
    return random_to_user(ubuf, n);
}

/* mmap of /dev/zero: anonymous memory, private or shared (Linux's
 * mmap_zero). */
static int zero_mmap(struct file *f, struct vm_object **obj)
{
    (void)f, (void)obj;
    return FILE_MMAP_ANON;
}

static const struct file_ops null_ops = {
    .read = null_read, .write = sink_write, .seekable = VN_SEEK_IGNORE};
static const struct file_ops zero_ops = {
    .read = zero_read, .write = sink_write, .mmap = zero_mmap, .seekable = VN_SEEK_IGNORE};
static const struct file_ops full_ops = {
    .read = zero_read, .write = full_write, .seekable = VN_SEEK_IGNORE};
static const struct file_ops urandom_ops = {
    .read = urandom_read, .write = sink_write, .seekable = VN_SEEK_IGNORE};

/* A node of a device this kernel lacks (or a socket's name: no sockets
 * yet) opens as Linux's does: -ENXIO. */
static int nodev_open(struct file *f)
{
    (void)f;
    return -ENXIO;
}

static const struct file_ops nodev_ops = {.open = nodev_open};

/* The character devices by number (Linux's). */
#define MKDEV(ma, mi) (((ma) << 8) | (mi))
static const struct {
    uint32_t rdev;
    const struct file_ops *ops;
} devices[] = {
    {MKDEV(5, 1), &console_fops}, {MKDEV(5, 0), &devtty_fops}, {MKDEV(5, 2), &ptmx_fops},
    {MKDEV(1, 3), &null_ops},     {MKDEV(1, 5), &zero_ops},    {MKDEV(1, 9), &urandom_ops},
    {MKDEV(1, 8), &urandom_ops},  {MKDEV(1, 7), &full_ops},    {MKDEV(1, 11), &kmsg_ops},
};

const struct file_ops *devfs_ops(uint32_t mode, uint32_t rdev)
{
    for (unsigned i = 0; S_ISCHR(mode) && i < sizeof(devices) / sizeof(devices[0]); i++)
        if (devices[i].rdev == rdev)
            return devices[i].ops;
    const struct file_ops *ops = S_ISCHR(mode) ? devfs_major_ops(rdev) : 0;
    return ops ? ops : &nodev_ops;
}

/* A node of /dev: a device (ops, rdev), a directory or a symlink to
 * target. */
static int dev_make(struct vnode *dir, const char *name, const struct file_ops *ops, uint32_t rdev,
                    uint32_t mode, const char *target)
{
    struct vnode *vn = vn_alloc_in(dir, mode);
    if (!vn)
        return -ENOMEM;
    vn->fops = ops;
    vn->rdev = rdev;
    int err = target ? vn_setlink(vn, target) : 0;
    if (!err)
        err = dir_link(dir, name, strlen(name), vn);
    vn_unref(vn);
    return err;
}

void devfs_init(const char *cmdline)
{
    console_tty_init(cmdline);
    devpts_init();
}

int devfs_populate(struct vnode *root)
{
    static const struct {
        const char *name;
        const struct file_ops *ops;
        uint32_t rdev, mode;
        const char *target;
    } nodes[] = {
        {"console", &console_fops, MKDEV(5, 1), S_IFCHR | 0600, 0},
        {"tty", &devtty_fops, MKDEV(5, 0), S_IFCHR | 0666, 0},
        {"ptmx", &ptmx_fops, MKDEV(5, 2), S_IFCHR | 0666, 0},
        {"null", &null_ops, MKDEV(1, 3), S_IFCHR | 0666, 0},
        {"zero", &zero_ops, MKDEV(1, 5), S_IFCHR | 0666, 0},
        {"full", &full_ops, MKDEV(1, 7), S_IFCHR | 0666, 0},
        {"urandom", &urandom_ops, MKDEV(1, 9), S_IFCHR | 0666, 0},
        {"random", &urandom_ops, MKDEV(1, 8), S_IFCHR | 0666, 0},
        {"kmsg", &kmsg_ops, MKDEV(1, 11), S_IFCHR | 0644, 0},
        {"shm", 0, 0, S_IFDIR | 01777, 0},
        /* As udev and systemd make them: the caller's own descriptors. */
        {"fd", 0, 0, S_IFLNK | 0777, "/proc/self/fd"},
        {"stdin", 0, 0, S_IFLNK | 0777, "/proc/self/fd/0"},
        {"stdout", 0, 0, S_IFLNK | 0777, "/proc/self/fd/1"},
        {"stderr", 0, 0, S_IFLNK | 0777, "/proc/self/fd/2"},
    };
    int err = 0;
    for (unsigned i = 0; !err && i < sizeof(nodes) / sizeof(nodes[0]); i++)
        err = dev_make(root, nodes[i].name, nodes[i].ops, nodes[i].rdev, nodes[i].mode,
                       nodes[i].target);
    return err ? err : devfs_populate_added(root);
}
