/* /dev/kmsg (Linux's Documentation/ABI/testing/dev-kmsg): the kernel log
 * record by record. Each open file reads on from its own record number
 * (kept in f->off), one record per read as "PRI,SEQ,USEC,FLAGS;TEXT\n";
 * a write logs one record; lseek moves to the oldest record (SEEK_SET),
 * the first after the last syslog CLEAR (SEEK_DATA) or past the newest
 * (SEEK_END). */
#include <stdint.h>
#include "errno.h"
#include "stdio.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/klog.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"

/* A record as read from /dev/kmsg: bytes other than printable ASCII, and
 * the backslash, are written \xNN, as Linux escapes them. */
#define KMSG_LINE (KLOG_TEXT_MAX * 4 + 64)

struct kmsg_buf {
    struct klog_entry e;
    char line[KMSG_LINE];
};

static size_t kmsg_format(const struct klog_entry *e, char *out)
{
    size_t n =
        (size_t)snprintf(out, KMSG_LINE, "%u,%llu,%llu,-;", (unsigned)e->facility << 3 | e->level,
                         (unsigned long long)e->seq, (unsigned long long)e->usec);
    for (size_t i = 0; i < e->len; i++) {
        unsigned char c = (unsigned char)e->text[i];
        if (c < ' ' || c >= 127 || c == '\\')
            n += (size_t)snprintf(out + n, KMSG_LINE - n, "\\x%02x", c);
        else
            out[n++] = (char)c;
    }
    out[n++] = '\n';
    return n;
}

static int kmsg_open(struct file *f)
{
    f->off = klog_first();
    return 0;
}

/* The next record for f: 0, -EPIPE when it was dropped meanwhile (f then
 * goes on from the oldest held, as Linux's), -EAGAIN for O_NONBLOCK, or
 * -ERESTARTSYS. */
static int kmsg_next(struct file *f, struct klog_entry *e)
{
    for (;;) {
        int err = klog_get(f->off, e);
        if (err == -EPIPE)
            f->off = klog_first();
        if (err != -EAGAIN)
            return err;
        if (f->flags & O_NONBLOCK)
            return -EAGAIN;
        if ((err = klog_wait(f->off)))
            return err;
    }
}

static long kmsg_read(struct file *f, void *ubuf, size_t n)
{
    struct kmsg_buf *b = kmalloc(sizeof(*b));
    if (!b)
        return -ENOMEM;
    long r = kmsg_next(f, &b->e);
    if (r == 0) {
        size_t len = kmsg_format(&b->e, b->line);
        f->off++; /* passed even when it cannot be read, as Linux passes it */
        if (len > n)
            r = -EINVAL; /* one record per read, never a piece */
        else
            r = copy_to_user(ubuf, b->line, len) ? -EFAULT : (long)len;
    }
    kfree(b);
    return r;
}

/* A record from the program: "<N>" in front sets the level (N & 7) and,
 * when not 0, the facility (N >> 3); else LOG_USER at the default level.
 * One trailing newline is dropped, as printk drops it. */
static void kmsg_log(const char *s, size_t n)
{
    unsigned level = KLOG_DEFAULT_LEVEL, facility = KLOG_FAC_USER;
    if (n > 2 && s[0] == '<') {
        size_t i = 1;
        unsigned v = 0;
        while (i < n && i < 12 && s[i] >= '0' && s[i] <= '9')
            v = v * 10 + (unsigned)(s[i++] - '0');
        if (i > 1 && i < n && s[i] == '>') {
            level = v & 7;
            facility = (v >> 3) ? (v >> 3) & 0xff : facility;
            s += i + 1;
            n -= i + 1;
        }
    }
    if (n && s[n - 1] == '\n')
        n--;
    klog_add(facility, level, s, n);
    if ((int)level < printk_get_console_level()) {
        console_write(s, n);
        console_write("\n", 1);
    }
}

static long kmsg_write(struct file *f, const void *ubuf, size_t n)
{
    (void)f;
    if (n > KLOG_TEXT_MAX)
        return -EINVAL;
    char *buf = kmalloc(n + 1);
    if (!buf)
        return -ENOMEM;
    long r = copy_from_user(buf, ubuf, n) ? -EFAULT : (long)n;
    if (r >= 0)
        kmsg_log(buf, n);
    kfree(buf);
    return r;
}

/* Only to the three places, with offset 0 (else -ESPIPE; SEEK_CUR and
 * the others are -EINVAL). */
static int64_t kmsg_llseek(struct file *f, int64_t off, int whence)
{
    if (off)
        return -ESPIPE;
    switch (whence) {
    case SEEK_SET:
        f->off = klog_first();
        return 0;
    case SEEK_DATA:
        f->off = klog_clear_seq();
        return 0;
    case SEEK_END:
        f->off = klog_next();
        return 0;
    default:
        return -EINVAL;
    }
}

static int kmsg_poll(struct file *f, struct poll_table *pt)
{
    poll_wait(f, klog_pollq(), pt);
    if (f->off < klog_first())
        return POLLIN | POLLRDNORM | POLLERR | POLLPRI;
    return f->off < klog_next() ? POLLIN | POLLRDNORM : 0;
}

const struct file_ops kmsg_ops = {.open = kmsg_open,
                                  .read = kmsg_read,
                                  .write = kmsg_write,
                                  .poll = kmsg_poll,
                                  .llseek = kmsg_llseek,
                                  .seekable = VN_SEEK_IGNORE}; /* pread reads on */
