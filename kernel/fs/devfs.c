/* /dev: the console (and /dev/tty, the same terminal), null, zero, full,
 * random, urandom and kmsg (kmsg.c). The console is a small terminal: termios kept and
 * honoured for ICANON (line editing with erase, kill and end-of-file), ECHO
 * and ICRNL; the full line discipline with job control comes with the
 * shell. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/cmdline.h"
#include "kernel/conin.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sched/sched.h"

/* Signals the terminal sends (^C, ^\, a window change) come from the
 * kernel (Linux's SI_KERNEL, no sender). */
static const struct sigqinfo tty_info = {SI_KERNEL, 0, 0};

/* Linux struct termios as the TCGETS family passes it (asm-generic). */
struct ktermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
};
_Static_assert(sizeof(struct ktermios) == 36, "Linux struct termios (TCGETS)");

struct kwinsize {
    uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCSCTTY  0x540e
#define TIOCGPGRP  0x540f
#define TIOCNOTTY  0x5422
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414

#define ICRNL   0000400
#define ISIG    0000001
#define ICANON  0000002
#define ECHO    0000010
#define ECHOE   0000020
#define ECHOK   0000040
#define VINTR   0
#define VQUIT   1
#define VERASE  2
#define VKILL   3
#define VEOF    4
#define VTIME   5
#define VMIN    6
#define VWERASE 14

/* Debian's defaults for a serial terminal (stty sane, 38400 8N1). */
static struct ktermios tio = {
    .c_iflag = ICRNL | 02000 /* IXON */,
    .c_oflag = 01 | 04 /* OPOST | ONLCR */,
    .c_cflag = 017 | 060 | 0200 | 02000 /* B38400 CS8 CREAD HUPCL */,
    .c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | 0100000 /* IEXTEN */ | 01000 | 04000,
    .c_cc = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};
static struct kwinsize winsize = {24, 80, 0, 0}; /* rows, columns: a VT100 */
static int fg_pgrp = 1; /* the foreground process group: init's until set */

/* Canonical mode: the line being edited, and how much of a finished line
 * is still to be read. */
static char line[1024];
static size_t line_len, line_ready, line_pos;
static int line_eof;

static void echo(const char *s, size_t n)
{
    if (tio.c_lflag & ECHO)
        console_write(s, n);
}

/* Feed one typed byte to the line editor; 1 when a line is complete. */
static int canon_input(char c)
{
    if (c == '\r' && (tio.c_iflag & ICRNL))
        c = '\n';
    if ((uint8_t)c == tio.c_cc[VERASE] || c == '\b') {
        if (line_len) {
            line_len--;
            echo("\b \b", 3);
        }
        return 0;
    }
    if ((uint8_t)c == tio.c_cc[VWERASE]) { /* ^W: the word before the cursor */
        while (line_len && line[line_len - 1] == ' ') {
            line_len--;
            echo("\b \b", 3);
        }
        while (line_len && line[line_len - 1] != ' ') {
            line_len--;
            echo("\b \b", 3);
        }
        return 0;
    }
    if ((uint8_t)c == tio.c_cc[VKILL]) {
        for (; line_len; line_len--)
            echo("\b \b", 3);
        return 0;
    }
    if ((uint8_t)c == tio.c_cc[VEOF]) {
        line_eof = line_len == 0;
        return 1;
    }
    if (line_len < sizeof(line) - 1 || c == '\n')
        line[line_len++] = c;
    echo(&c, 1);
    return c == '\n' || line_len == sizeof(line);
}

/* ISIG: ^C and ^\ signal the foreground group as they are typed (from
 * the input interrupt), and the line being edited is dropped. */
static int console_filter(char c)
{
    int sig = 0;
    if (tio.c_lflag & ISIG)
        sig = (uint8_t)c == tio.c_cc[VINTR] ? SIGINT : (uint8_t)c == tio.c_cc[VQUIT] ? SIGQUIT : 0;
    if (!sig)
        return 0;
    echo(sig == SIGINT ? "^C\n" : "^\\\n", 3);
    line_len = 0;
    sig_send_group(fg_pgrp, sig, &tty_info);
    return 1;
}

static long canon_read(void *ubuf, size_t n)
{
    /* One byte at a time: what follows a finished line stays queued. */
    while (line_pos == line_ready && !line_eof) {
        char c;
        long r = conin_read(&c, 1, 0);
        if (r < 0)
            return -ERESTARTSYS;
        if (r == 1 && canon_input(c)) {
            line_ready = line_len;
            line_pos = 0;
        }
    }
    if (line_eof && line_pos == line_ready) {
        line_eof = 0;
        line_len = line_ready = line_pos = 0;
        return 0;
    }
    size_t k = line_ready - line_pos < n ? line_ready - line_pos : n;
    if (copy_to_user(ubuf, line + line_pos, k))
        return -EFAULT;
    line_pos += k;
    if (line_pos == line_ready)
        line_len = line_ready = line_pos = 0;
    return (long)k;
}

/* Non-canonical input (termios(3) VMIN/VTIME): VMIN 0 and VTIME 0 do not
 * wait; VTIME alone waits that many tenths of a second for the first
 * byte; otherwise wait for a byte (VMIN > 1 is treated as 1: what has
 * arrived is returned). O_NONBLOCK: -EAGAIN when nothing is there. */
static long raw_wait(char *buf, size_t n, const struct file *f)
{
    uint8_t vmin = tio.c_cc[VMIN], vtime = tio.c_cc[VTIME];
    if ((f->flags & O_NONBLOCK) || (vmin == 0 && vtime == 0)) {
        if (!conin_pending())
            return (f->flags & O_NONBLOCK) ? -EAGAIN : 0;
    }
    uint64_t deadline = vmin == 0 && vtime ? clock_ns() + vtime * 100000000ull : 0;
    long got = conin_read(buf, n, deadline);
    if (got == -EAGAIN)
        return 0; /* VTIME passed with nothing typed */
    return got < 0 ? -ERESTARTSYS : got;
}

static long console_read(struct file *f, void *ubuf, size_t n)
{
    (void)f;
    if (n == 0)
        return 0;
    if (tio.c_lflag & ICANON)
        return canon_read(ubuf, n);
    char buf[256];
    long got = raw_wait(buf, n < sizeof(buf) ? n : sizeof(buf), f);
    if (got < 0)
        return got;
    for (long i = 0; i < got; i++)
        if (buf[i] == '\r' && (tio.c_iflag & ICRNL))
            buf[i] = '\n';
    echo(buf, got > 0 ? (size_t)got : 0);
    if (got > 0 && copy_to_user(ubuf, buf, (size_t)got))
        return -EFAULT;
    return got;
}

static long console_write_op(struct file *f, const void *ubuf, size_t n)
{
    (void)f;
    char buf[256];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
        if (copy_from_user(buf, (const char *)ubuf + done, k))
            return done ? (long)done : -EFAULT;
        console_write(buf, k);
        done += k;
    }
    return (long)done;
}

/* Typed input nobody has read goes: the line being edited, the finished
 * line not yet read and the bytes queued (TCSETSF: tcsetattr's TCSAFLUSH). */
static void input_flush(void)
{
    line_len = line_ready = line_pos = 0;
    line_eof = 0;
    conin_flush();
}

/* TIOCSWINSZ: a new size is announced to the foreground group with
 * SIGWINCH, as Linux's tty_do_resize does. */
static long winsize_set(const void *u)
{
    struct kwinsize ws;
    if (copy_from_user(&ws, u, sizeof(ws)))
        return -EFAULT;
    int changed = memcmp(&ws, &winsize, sizeof(ws)) != 0;
    winsize = ws;
    if (changed)
        sig_send_group(fg_pgrp, SIGWINCH, &tty_info);
    return 0;
}

static long console_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    (void)f;
    void *u = (void *)(uintptr_t)arg;
    switch (cmd) {
    case TCGETS:
        return copy_to_user(u, &tio, sizeof(tio)) ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW: /* output is written at once: there is nothing to drain */
    case TCSETSF:
        if (copy_from_user(&tio, u, sizeof(tio)))
            return -EFAULT;
        if (cmd == TCSETSF)
            input_flush();
        return 0;
    case TIOCGWINSZ:
        return copy_to_user(u, &winsize, sizeof(winsize)) ? -EFAULT : 0;
    case TIOCSWINSZ:
        return winsize_set(u);
    case TIOCGPGRP:
        return copy_to_user(u, &fg_pgrp, sizeof(fg_pgrp)) ? -EFAULT : 0;
    case TIOCSPGRP: {
        int pg;
        if (copy_from_user(&pg, u, sizeof(pg)))
            return -EFAULT;
        if (pg <= 0)
            return -EINVAL;
        fg_pgrp = pg;
        return 0;
    }
    case FIONREAD: {
        int avail = (int)(line_ready - line_pos);
        return copy_to_user(u, &avail, sizeof(avail)) ? -EFAULT : 0;
    }
    default:
        return -ENOTTY;
    }
}

static int console_poll(struct file *f, struct poll_table *pt)
{
    poll_wait(f, conin_pollq(), pt);
    /* Typed bytes count as readable even before the line is complete. */
    int in = line_pos < line_ready || line_eof || conin_pending();
    return (in ? POLLIN | POLLRDNORM : 0) | POLLOUT | POLLWRNORM;
}

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

static const struct file_ops console_ops = {
    .read = console_read, .write = console_write_op, .ioctl = console_ioctl, .poll = console_poll};
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
    {MKDEV(5, 1), &console_ops}, {MKDEV(5, 0), &console_ops}, {MKDEV(1, 3), &null_ops},
    {MKDEV(1, 5), &zero_ops},    {MKDEV(1, 9), &urandom_ops}, {MKDEV(1, 8), &urandom_ops},
    {MKDEV(1, 7), &full_ops},    {MKDEV(1, 11), &kmsg_ops},
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

/* winsize=COLSxROWS on the command line (each 1..999). */
static void winsize_option(const char *cmdline)
{
    const char *v;
    size_t len;
    char buf[16];
    if (!cmdline_find(cmdline, "winsize", &v, &len) || len >= sizeof(buf))
        return;
    memcpy(buf, v, len);
    buf[len] = 0;
    char *x;
    unsigned long cols = strtoul(buf, &x, 10), rows = *x == 'x' ? strtoul(x + 1, 0, 10) : 0;
    if (cols >= 1 && cols < 1000 && rows >= 1 && rows < 1000) {
        winsize.ws_col = (uint16_t)cols;
        winsize.ws_row = (uint16_t)rows;
    }
}

void devfs_init(const char *cmdline)
{
    winsize_option(cmdline);
    conin_set_filter(console_filter);
}

int devfs_populate(struct vnode *root)
{
    static const struct {
        const char *name;
        const struct file_ops *ops;
        uint32_t rdev, mode;
        const char *target;
    } nodes[] = {
        {"console", &console_ops, MKDEV(5, 1), S_IFCHR | 0600, 0},
        {"tty", &console_ops, MKDEV(5, 0), S_IFCHR | 0666, 0},
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
