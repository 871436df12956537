/* Open file descriptions: an offset and flags over a vnode, shared by every
 * descriptor that dup or fork made from the same open. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page.h"
#include "kernel/mm/uaccess.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"

static uint64_t live_files;

static int can_write(const struct file *f);

int file_open_vnode(struct vnode *vn, uint32_t flags, struct file **out)
{
    struct file *f = kzalloc(sizeof(*f));
    if (!f)
        return -ENOMEM;
    vn_ref(vn);
    f->vn = vn;
    f->flags = flags;
    f->refs = 1;
    int err = vn->fops && vn->fops->open && !(flags & O_PATH) ? vn->fops->open(f) : 0;
    if (err) {
        vn_unref(vn);
        kfree(f);
        return err;
    }
    f->flags &= ~(uint32_t)O_NOCTTY; /* open's alone, as Linux's do_dentry_open */
    live_files++;
    *out = f;
    if (!(flags & O_PATH))
        vn_notify(vn, IN_OPEN);
    return 0;
}

void file_release(struct file *f)
{
    if (f->refs != 1)
        panic("file_unref: file without references");
    f->refs = 0;
    lock_file_close(f);
    if (f->ep_items)
        epoll_file_gone(f);
    if (f->vn->fops && f->vn->fops->close && !(f->flags & O_PATH))
        f->vn->fops->close(f); /* an O_PATH file was never opened by its object */
    if (!(f->flags & O_PATH))
        vn_notify(f->vn, can_write(f) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
    vn_unref(f->vn);
    kfree(f);
    live_files--;
}

uint64_t file_count(void)
{
    return live_files;
}

static int can_read(const struct file *f)
{
    return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static int can_write(const struct file *f)
{
    return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/* file_pread and file_read share it, inline: a read is one call deep. */
static inline long pread_at(struct file *f, void *ubuf, size_t n, uint64_t off)
{
    struct vnode *vn = f->vn;
    if (!can_read(f))
        return -EBADF;
    if (S_ISDIR(vn->mode))
        return -EISDIR;
    long r;
    if (vn->fops)
        r = vn->fops->read ? vn->fops->read(f, ubuf, n) : -EINVAL;
    else
        r = reg_read(vn, ubuf, n, off);
    if (r > 0)
        vn_notify(vn, IN_ACCESS);
    return r;
}

long file_pread(struct file *f, void *ubuf, size_t n, uint64_t off)
{
    return pread_at(f, ubuf, n, off);
}

/* The caller's RLIMIT_FSIZE (none for kernel threads). */
static uint64_t fsize_limit(void)
{
    struct proc *p = proc_current();
    return p ? p->rlim[RLIMIT_FSIZE].cur : RLIM_INFINITY;
}

static int fsize_exceeded(void)
{
    sig_send_self(SIGXFSZ);
    return -EFBIG;
}

int file_size_check(uint64_t size)
{
    return size > fsize_limit() ? fsize_exceeded() : 0;
}

/* A write of *n bytes at off, as Linux's generic_write_check_limits: cut
 * at the limit, or -EFBIG (and SIGXFSZ) when it starts there or beyond. */
static int fsize_clip(uint64_t off, size_t *n)
{
    uint64_t lim = fsize_limit();
    if (off >= lim)
        return fsize_exceeded();
    if (*n > lim - off)
        *n = lim - off;
    return 0;
}

int file_write_limit(uint64_t off, size_t *n)
{
    return fsize_clip(off, n);
}

static inline long pwrite_at(struct file *f, const void *ubuf, size_t n, uint64_t off)
{
    struct vnode *vn = f->vn;
    if (!can_write(f))
        return -EBADF;
    long r;
    if (vn->fops)
        r = vn->fops->write ? vn->fops->write(f, ubuf, n) : -EINVAL;
    else if (n == 0)
        return 0;
    else if ((r = fsize_clip(off, &n)) == 0)
        r = reg_write(vn, ubuf, n, off);
    if (r > 0)
        vn_notify(vn, IN_MODIFY);
    return r;
}

long file_pwrite(struct file *f, const void *ubuf, size_t n, uint64_t off)
{
    return pwrite_at(f, ubuf, n, off);
}

long file_read(struct file *f, void *ubuf, size_t n)
{
    long r = pread_at(f, ubuf, n, f->off);
    if (r > 0 && !f->vn->fops)
        f->off += (uint64_t)r;
    return r;
}

long file_write(struct file *f, const void *ubuf, size_t n)
{
    if ((f->flags & O_APPEND) && !f->vn->fops)
        f->off = f->vn->size;
    long r = pwrite_at(f, ubuf, n, f->off);
    if (r > 0 && !f->vn->fops)
        f->off += (uint64_t)r;
    return r;
}

int file_whence(const struct file *f, int whence, int64_t *base)
{
    switch (whence) {
    case SEEK_SET:
        *base = 0;
        return 0;
    case SEEK_CUR:
        *base = (int64_t)f->off;
        return 0;
    case SEEK_END:
        *base = (int64_t)f->vn->size;
        return 0;
    default:
        return -EINVAL;
    }
}

/* SEEK_DATA / SEEK_HOLE in regular file f (Linux's tmpfs semantics, at
 * page granularity): the position, or -ENXIO from or past the end of file
 * (and for SEEK_DATA when only holes follow); -EINVAL for what is not a
 * regular file. The end of file counts as a hole. */
static int64_t seek_data(struct file *f, int64_t off, int whence)
{
    struct vnode *vn = f->vn;
    if (!S_ISREG(vn->mode))
        return -EINVAL;
    if (off < 0 || (uint64_t)off >= vn->size)
        return -ENXIO;
    uint64_t end = (vn->size + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t idx = pc_next(vn, (uint64_t)off / PAGE_SIZE, end, whence == SEEK_DATA);
    if (idx == end && whence == SEEK_DATA)
        return -ENXIO;
    uint64_t pos = idx * PAGE_SIZE;
    pos = pos < (uint64_t)off ? (uint64_t)off : pos;
    f->off = pos < vn->size ? pos : vn->size;
    return (int64_t)f->off;
}

int64_t file_seek(struct file *f, int64_t off, int whence)
{
    struct vnode *vn = f->vn;
    if (vn->fops && vn->fops->llseek)
        return vn->fops->llseek(f, off, whence);
    if (vn->fops && vn->fops->seekable != VN_SEEK_OFFSET)
        return vn->fops->seekable == VN_SEEK_IGNORE ? 0 : -ESPIPE;
    if (vn->fops && whence == SEEK_END)
        return -EINVAL; /* a generated file has no end to seek from */
    if (!vn->fops && (whence == SEEK_DATA || whence == SEEK_HOLE))
        return seek_data(f, off, whence);
    int64_t base;
    if (file_whence(f, whence, &base))
        return -EINVAL;
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->off = (uint64_t)(base + off);
    return (int64_t)f->off;
}

int file_poll(struct file *f, struct poll_table *pt)
{
    if (f->flags & O_PATH)
        return POLLNVAL; /* Linux's poll does not take O_PATH descriptors */
    if (f->vn->fops && f->vn->fops->poll)
        return f->vn->fops->poll(f, pt);
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
}

long file_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    if (f->flags & O_PATH)
        return -EBADF;
    if (f->vn->fops && f->vn->fops->ioctl)
        return f->vn->fops->ioctl(f, cmd, arg);
    return -ENOTTY;
}

/* Linux's struct linux_dirent64 header; the name follows, NUL-terminated,
 * and each record is padded to 8 bytes. */
struct dirent64_hdr {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
} __attribute__((packed));
_Static_assert(sizeof(struct dirent64_hdr) == 19, "linux_dirent64 layout");

/* The old getdents' struct linux_dirent header (x86-64: unsigned longs);
 * the name follows, NUL-terminated, then d_type as the record's last byte,
 * the record padded to 8 bytes (a long). */
struct dirent_hdr {
    uint64_t d_ino;
    uint64_t d_off;
    uint16_t d_reclen;
} __attribute__((packed));
_Static_assert(sizeof(struct dirent_hdr) == 18, "linux_dirent layout");

static uint8_t dtype(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR:
        return 4;
    case S_IFREG:
        return 8;
    case S_IFLNK:
        return 10;
    case S_IFCHR:
        return 2;
    case S_IFIFO:
        return 1;
    default:
        return 0;
    }
}

/* The length of a record of format fmt for a name of len bytes. */
static size_t dirent_len(enum file_dirent fmt, size_t len)
{
    size_t raw = fmt == FILE_DIRENT64 ? sizeof(struct dirent64_hdr) + len + 1
                                      : sizeof(struct dirent_hdr) + len + 2;
    return (raw + 7) & ~(size_t)7;
}

/* Build in rec (reclen bytes, dirent_len's) the record of format fmt for
 * entry name (len bytes) of vnode vn, whose successor is at position next. */
static void dirent_build(enum file_dirent fmt, uint8_t *rec, size_t reclen, const struct vnode *vn,
                         uint64_t next, const char *name, size_t len)
{
    memset(rec, 0, reclen);
    if (fmt == FILE_DIRENT64) {
        struct dirent64_hdr h = {vn->ino, (int64_t)next, (uint16_t)reclen, dtype(vn->mode)};
        memcpy(rec, &h, sizeof(h));
        memcpy(rec + sizeof(h), name, len);
        return;
    }
    struct dirent_hdr h = {vn->ino, next, (uint16_t)reclen};
    memcpy(rec, &h, sizeof(h));
    memcpy(rec + sizeof(h), name, len);
    rec[reclen - 1] = dtype(vn->mode);
}

long file_getdents(struct file *f, void *ubuf, size_t n, enum file_dirent fmt)
{
    if (f->flags & O_PATH)
        return -EBADF; /* Linux's fdget_pos does not take O_PATH descriptors */
    if (!S_ISDIR(f->vn->mode))
        return -ENOTDIR;
    size_t done = 0;
    const char *name;
    size_t len;
    struct vnode *vn;
    while (dir_entry(f->vn, f->off, &name, &len, &vn)) {
        uint8_t rec[sizeof(struct dirent64_hdr) + NAME_MAX + 2 + 8];
        size_t reclen = dirent_len(fmt, len);
        if (done + reclen > n)
            break;
        dirent_build(fmt, rec, reclen, vn, f->off + 1, name, len);
        if (copy_to_user((uint8_t *)ubuf + done, rec, reclen))
            return -EFAULT;
        done += reclen;
        f->off++;
    }
    if (done == 0 && dir_entry(f->vn, f->off, &name, &len, &vn))
        return -EINVAL; /* buffer too small for the next record */
    /* Linux's iterate_dir: the directory was read */
    vn_notify(f->vn, IN_ACCESS);
    return (long)done;
}
