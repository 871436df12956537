/* syslog(2) (klogctl, what dmesg uses): the kernel log (kernel/klog.h)
 * read as text, "<PRI>[SECONDS.MICROS] TEXT\n" a record, and the console's
 * log level. As Linux with kernel.dmesg_restrict 0: anyone may read the
 * whole log (READ_ALL) and ask its size; the other actions need
 * CAP_SYSLOG. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/klog.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"

#define SYSLOG_CLOSE         0
#define SYSLOG_OPEN          1
#define SYSLOG_READ          2
#define SYSLOG_READ_ALL      3
#define SYSLOG_READ_CLEAR    4
#define SYSLOG_CLEAR         5
#define SYSLOG_CONSOLE_OFF   6
#define SYSLOG_CONSOLE_ON    7
#define SYSLOG_CONSOLE_LEVEL 8
#define SYSLOG_SIZE_UNREAD   9
#define SYSLOG_SIZE_BUFFER   10
#define CONSOLE_LEVEL_MIN    1 /* Linux's minimum_console_loglevel */

static uint64_t read_seq;    /* SYSLOG_READ's next record */
static size_t read_partial;  /* bytes of it already read */
static int saved_level = -1; /* the level CONSOLE_OFF put away */

/* A record and its text as syslog gives it. */
struct line_buf {
    struct klog_entry e;
    char text[KLOG_TEXT_MAX + 48];
};

/* Record seq's text into b: its length, or 0 when it is gone. */
static size_t line_of(uint64_t seq, struct line_buf *b)
{
    return klog_get(seq, &b->e) ? 0 : klog_format_syslog(&b->e, b->text, sizeof(b->text));
}

/* READ_ALL and READ_CLEAR: the newest records from the last CLEAR on that
 * fit in n bytes, whole; the bytes copied or -EFAULT. */
static int64_t read_all(char *ubuf, size_t n, int clear, struct line_buf *b)
{
    uint64_t seq = klog_clear_seq(), end = klog_next();
    size_t total = 0, done = 0;
    for (uint64_t s = seq; s < end; s++)
        total += line_of(s, b);
    for (; total > n && seq < end; seq++)
        total -= line_of(seq, b);
    for (; seq < end; seq++) {
        size_t k = line_of(seq, b);
        if (done + k > n)
            break;
        if (copy_to_user(ubuf + done, b->text, k))
            return -EFAULT;
        done += k;
    }
    if (clear)
        klog_clear();
    return (int64_t)done;
}

/* READ: waits for a record not yet read this way, then gives what fits
 * of those (a record cut by n goes on at the next call). */
static int64_t read_new(char *ubuf, size_t n, struct line_buf *b)
{
    size_t done = 0;
    int err = klog_wait(read_seq);
    if (err)
        return err;
    if (read_seq < klog_first()) {
        read_seq = klog_first();
        read_partial = 0;
    }
    while (done < n && read_seq < klog_next()) {
        size_t k = line_of(read_seq, b) - read_partial;
        k = k < n - done ? k : n - done;
        if (copy_to_user(ubuf + done, b->text + read_partial, k))
            return done ? (int64_t)done : -EFAULT;
        done += k;
        read_partial += k;
        if (read_partial == line_of(read_seq, b)) {
            read_seq++;
            read_partial = 0;
        }
    }
    return (int64_t)done;
}

/* SIZE_UNREAD: bytes READ would give now. */
static int64_t unread(struct line_buf *b)
{
    uint64_t seq = read_seq > klog_first() ? read_seq : klog_first();
    size_t n = 0;
    for (uint64_t s = seq; s < klog_next(); s++)
        n += line_of(s, b);
    return (int64_t)(n - (seq == read_seq ? read_partial : 0));
}

/* The reads: a NULL buffer or a negative length is -EINVAL, 0 bytes read
 * nothing, a buffer outside the program is -EFAULT. */
static int64_t syslog_read(int type, uint64_t ubuf, int64_t len)
{
    if (!ubuf || len < 0)
        return -EINVAL;
    if (len == 0)
        return 0;
    if (!user_range_ok((void *)ubuf, (uint64_t)len))
        return -EFAULT;
    struct line_buf *b = kmalloc(sizeof(*b));
    if (!b)
        return -ENOMEM;
    int64_t r = type == SYSLOG_READ
                    ? read_new((char *)ubuf, (size_t)len, b)
                    : read_all((char *)ubuf, (size_t)len, type == SYSLOG_READ_CLEAR, b);
    kfree(b);
    return r;
}

static int64_t console_level(int type, int64_t len)
{
    switch (type) {
    case SYSLOG_CONSOLE_OFF:
        if (saved_level < 0)
            saved_level = printk_get_console_level();
        printk_console_level(CONSOLE_LEVEL_MIN);
        return 0;
    case SYSLOG_CONSOLE_ON:
        if (saved_level >= 0)
            printk_console_level(saved_level);
        saved_level = -1;
        return 0;
    default: /* SYSLOG_CONSOLE_LEVEL */
        if (len < 1 || len > 8)
            return -EINVAL;
        printk_console_level(len < CONSOLE_LEVEL_MIN ? CONSOLE_LEVEL_MIN : (int)len);
        saved_level = -1;
        return 0;
    }
}

static int64_t sys_syslog(uint64_t type, uint64_t ubuf, uint64_t len, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    int t = (int)type;
    if (t != SYSLOG_READ_ALL && t != SYSLOG_SIZE_BUFFER && !cred_capable(CAP_SYSLOG))
        return -EPERM;
    switch (t) {
    case SYSLOG_CLOSE:
    case SYSLOG_OPEN:
        return 0;
    case SYSLOG_READ:
    case SYSLOG_READ_ALL:
    case SYSLOG_READ_CLEAR:
        return syslog_read(t, ubuf, (int32_t)len);
    case SYSLOG_CLEAR:
        klog_clear();
        return 0;
    case SYSLOG_CONSOLE_OFF:
    case SYSLOG_CONSOLE_ON:
    case SYSLOG_CONSOLE_LEVEL:
        return console_level(t, (int32_t)len);
    case SYSLOG_SIZE_UNREAD: {
        struct line_buf *b = kmalloc(sizeof(*b));
        int64_t r = b ? unread(b) : -ENOMEM;
        kfree(b);
        return r;
    }
    case SYSLOG_SIZE_BUFFER:
        return KLOG_SIZE;
    default:
        return -EINVAL;
    }
}

void sys_syslog_register(void)
{
    syscall_register(SYS_syslog, sys_syslog);
}
