/* Regular files' data, kept in the page cache (pcache.c) by every file
 * system whose files live in memory (tmpfs, devtmpfs): reads, writes,
 * truncation and fallocate's allocation, the initrd's bytes read in place
 * until written. A page the cache cannot have is -ENOMEM, one the file
 * system refuses (tmpfs's size=) -ENOSPC. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/page.h"
#include "kernel/mm/pmem.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmobject.h"

int reg_set_external(struct vnode *vn, const uint8_t *data, uint64_t phys, uint64_t len)
{
    int err = pc_set_source(vn, data, phys, len);
    if (!err)
        vn->size = len;
    return err;
}

static long reg_read_common(struct vnode *vn, void *buf, size_t n, uint64_t off, int user)
{
    if (off >= vn->size)
        return 0;
    if (n > vn->size - off)
        n = vn->size - off;
    size_t done = 0;
    static const uint8_t zeros[256];
    while (done < n) {
        size_t chunk = n - done;
        const uint8_t *src = pc_bytes(vn, off + done, &chunk);
        if (!src && chunk > sizeof(zeros))
            chunk = sizeof(zeros);
        uint8_t *dst = (uint8_t *)buf + done;
        if (!user)
            memcpy(dst, src ? src : zeros, chunk);
        else if (copy_to_user(dst, src ? src : zeros, chunk))
            return done ? (long)done : -EFAULT;
        done += chunk;
    }
    return (long)done;
}

long reg_read(struct vnode *vn, void *ubuf, size_t n, uint64_t off)
{
    return reg_read_common(vn, ubuf, n, off, 1);
}

long reg_read_kernel(struct vnode *vn, void *buf, size_t n, uint64_t off)
{
    return reg_read_common(vn, buf, n, off, 0);
}

/* Copy chunk bytes into the page holding pos (made, or copied from the
 * initrd, if need be): 0, -ENOMEM, -ENOSPC or -EFAULT. The page is held across the
 * copy, which may fault on a mapping of this very file. */
static int reg_write_page(struct vnode *vn, uint64_t pos, const uint8_t *src, size_t chunk,
                          int user)
{
    struct page *p;
    int err = pc_get(vn, pos / PAGE_SIZE, VM_GET_WRITE, &p);
    if (err)
        return err;
    uint8_t *dst = (uint8_t *)pg_virt(p) + page_offset(pos);
    if (!user)
        memcpy(dst, src, chunk);
    else if (copy_from_user(dst, src, chunk))
        err = -EFAULT;
    pg_put(p);
    return err;
}

static long reg_write_common(struct vnode *vn, const void *buf, size_t n, uint64_t off, int user)
{
    if (off + n < off)
        return -EFBIG;
    int err = memfd_write_check(vn, off, n);
    if (err)
        return err;
    if (off > vn->size)
        pc_truncate(vn, vn->size); /* the gap reads as zeros */
    size_t done = 0;
    while (done < n) {
        uint64_t pos = off + done, in = page_offset(pos);
        size_t chunk = n - done < PAGE_SIZE - in ? n - done : PAGE_SIZE - in;
        if ((err = reg_write_page(vn, pos, (const uint8_t *)buf + done, chunk, user)))
            break;
        done += chunk;
        if (pos + chunk > vn->size)
            vn->size = pos + chunk;
    }
    if (done)
        vn_touch(vn, VN_MTIME | VN_CTIME);
    return done ? (long)done : err;
}

long reg_write(struct vnode *vn, const void *ubuf, size_t n, uint64_t off)
{
    return reg_write_common(vn, ubuf, n, off, 1);
}

long reg_write_kernel(struct vnode *vn, const void *buf, size_t n, uint64_t off)
{
    return reg_write_common(vn, buf, n, off, 0);
}

/* Growing zeroes what was past the old end (a shared mapping may have
 * written there); shrinking frees and unmaps what is past the new one. */
int reg_truncate(struct vnode *vn, uint64_t len)
{
    int err = memfd_size_check(vn, len);
    if (err)
        return err;
    pc_truncate(vn, len < vn->size ? len : vn->size);
    vn->size = len;
    vn_touch(vn, VN_MTIME | VN_CTIME);
    vn_notify(vn, IN_MODIFY); /* Linux's fsnotify_change for ATTR_SIZE */
    return 0;
}

/* Pages of [first, last] the file has none of yet. Counted only when the
 * range could be had at all (no more pages than free ones and the file's
 * own), so that the count is bounded by memory, not by the range. */
static int reg_holes(struct vnode *vn, uint64_t first, uint64_t last, uint64_t *holes)
{
    struct pmem_stats st;
    pmem_stats(&st);
    if (last - first >= st.free_pages + pc_file_pages(vn))
        return -ENOMEM;
    *holes = 0;
    for (uint64_t i = first; i <= last; i++)
        *holes += !pc_find(vn, i);
    return *holes > st.free_pages ? -ENOMEM : 0;
}

int reg_allocate(struct vnode *vn, uint64_t off, uint64_t len)
{
    uint64_t first = off / PAGE_SIZE, last = (off + len - 1) / PAGE_SIZE, holes;
    int err = reg_holes(vn, first, last, &holes); /* not even tried: it would take every page */
    for (uint64_t i = first; !err && holes && i <= last; i++) {
        struct page *p;
        if (pc_find(vn, i))
            continue;
        if ((err = pc_get(vn, i, VM_GET_WRITE, &p)) >= 0) {
            pg_put(p);
            holes--;
            err = 0;
        }
    }
    return err;
}
