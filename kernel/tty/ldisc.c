/* The line discipline (Linux's n_tty, the part this kernel has): the
 * signal characters (ISIG), canonical line editing with erase, word
 * erase, kill and end-of-file (ICANON), echo (ECHO), CR to NL on input
 * (ICRNL), NL to CR NL on output (OPOST | ONLCR, for drivers that leave
 * it to the tty), and non-canonical reads after VMIN and VTIME. Input is
 * edited as it is read (or as tty_cook runs it), one finished line at a
 * time; what follows stays in the driver's raw queue. */
#include <stdint.h>
#include "errno.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/tty/tty.h"

int tty_jobctl(struct tty *t, int sig)
{
    return jc_tty_check(tty_session(t), t->fg_pgrp, sig);
}

/* 1 when c is control character i of t (a disabled one, NUL, is none). */
static int is_cc(const struct tty *t, char c, int i)
{
    return t->tio.c_cc[i] && (uint8_t)c == t->tio.c_cc[i];
}

static void echo(struct tty *t, const char *s, size_t n)
{
    if (t->tio.c_lflag & TTY_ECHO)
        tty_output(t, s, n, 1); /* what finds no room is dropped */
}

static void erase_one(struct tty *t)
{
    t->line_len--;
    echo(t, "\b \b", 3);
}

/* Feed one byte to the line editor; 1 when a line is complete. */
static int canon_input(struct tty *t, char c)
{
    if (c == '\r' && (t->tio.c_iflag & TTY_ICRNL))
        c = '\n';
    if (is_cc(t, c, VERASE) || c == '\b') {
        if (t->line_len)
            erase_one(t);
        return 0;
    }
    if (is_cc(t, c, VWERASE)) { /* ^W: the word before the cursor */
        while (t->line_len && t->line[t->line_len - 1] == ' ')
            erase_one(t);
        while (t->line_len && t->line[t->line_len - 1] != ' ')
            erase_one(t);
        return 0;
    }
    if (is_cc(t, c, VKILL)) {
        while (t->line_len)
            erase_one(t);
        return 0;
    }
    if (is_cc(t, c, VEOF)) {
        t->line_eof = t->line_len == 0;
        return 1;
    }
    if (t->line_len < sizeof(t->line) - 1 || c == '\n')
        t->line[t->line_len++] = c;
    echo(t, &c, 1);
    return c == '\n' || t->line_len == sizeof(t->line);
}

static int line_waiting(const struct tty *t)
{
    return t->line_pos < t->line_ready || t->line_eof;
}

/* Up to n bytes of the finished line to the program; the buffer is empty
 * again once all of it is read. The count or -EFAULT. */
static long line_take(struct tty *t, void *ubuf, size_t n)
{
    size_t k = t->line_ready - t->line_pos < n ? t->line_ready - t->line_pos : n;
    if (copy_to_user(ubuf, t->line + t->line_pos, k))
        return -EFAULT;
    t->line_pos += k;
    if (t->line_pos == t->line_ready)
        t->line_len = t->line_ready = t->line_pos = 0;
    return (long)k;
}

/* One raw byte through the editor (the driver has it waiting). */
static void cook_byte(struct tty *t, char c)
{
    if (canon_input(t, c)) {
        t->line_ready = t->line_len;
        t->line_pos = 0;
    }
}

void tty_cook(struct tty *t)
{
    char c;
    if (!(t->tio.c_lflag & TTY_ICANON))
        return;
    while (!line_waiting(t) && t->drv->in_pending(t) && t->drv->in_read(t, &c, 1, 0) == 1)
        cook_byte(t, c);
}

int tty_filter(struct tty *t, char c)
{
    static const struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    int sig = 0;
    if (t->tio.c_lflag & TTY_ISIG)
        sig = is_cc(t, c, VINTR)   ? SIGINT
              : is_cc(t, c, VQUIT) ? SIGQUIT
              : is_cc(t, c, VSUSP) ? SIGTSTP
                                   : 0;
    if (!sig)
        return 0;
    /* ^Z alone, as Linux's ECHOCTL echoes it: the shell's "Stopped" line
     * follows on the same line, as on Linux. */
    if (sig == SIGTSTP)
        echo(t, "^Z", 2);
    else
        echo(t, sig == SIGINT ? "^C\n" : "^\\\n", 3);
    t->line_len = t->line_ready = t->line_pos = 0;
    t->line_eof = 0;
    if (t->fg_pgrp > 0)
        sig_send_group(t->fg_pgrp, sig, &info);
    return 1;
}

static long canon_read(struct tty *t, void *ubuf, size_t n, int nonblock)
{
    /* One byte at a time: what follows a finished line stays queued. */
    while (!line_waiting(t)) {
        if (t->hungup)
            return 0;
        if (nonblock && !t->drv->in_pending(t))
            return -EAGAIN;
        char c;
        long r = t->drv->in_read(t, &c, 1, 0);
        if (r == -EIO)
            return 0;
        if (r < 0)
            return -ERESTARTSYS;
        if (r == 1)
            cook_byte(t, c);
    }
    if (t->line_eof && t->line_pos == t->line_ready) {
        t->line_eof = 0;
        t->line_len = t->line_ready = t->line_pos = 0;
        return 0;
    }
    return line_take(t, ubuf, n);
}

/* Non-canonical input (termios(3) VMIN/VTIME): VMIN 0 and VTIME 0 do not
 * wait; VTIME alone waits that many tenths of a second for the first
 * byte; otherwise wait for a byte (VMIN > 1 is treated as 1: what has
 * arrived is returned). O_NONBLOCK: -EAGAIN when nothing is there. */
static long raw_wait(struct tty *t, char *buf, size_t n, int nonblock)
{
    uint8_t vmin = t->tio.c_cc[VMIN], vtime = t->tio.c_cc[VTIME];
    if ((nonblock || (vmin == 0 && vtime == 0)) && !t->drv->in_pending(t))
        return nonblock && !t->hungup ? -EAGAIN : 0;
    uint64_t deadline = vmin == 0 && vtime ? clock_ns() + vtime * 100000000ull : 0;
    long got = t->drv->in_read(t, buf, n, deadline);
    if (got == -EAGAIN || got == -EIO)
        return 0; /* VTIME passed with nothing typed, or hung up */
    return got < 0 ? -ERESTARTSYS : got;
}

/* What of the line buffer a non-canonical read takes first: a finished
 * line not yet read, or the line being edited when ICANON went off (Linux
 * hands both on). */
static size_t cooked_left(struct tty *t)
{
    t->line_eof = 0;
    if (t->line_pos == t->line_ready && t->line_len) {
        t->line_ready = t->line_len;
        t->line_pos = 0;
    }
    return t->line_ready - t->line_pos;
}

static long raw_read(struct tty *t, void *ubuf, size_t n, int nonblock)
{
    char buf[256];
    size_t k = cooked_left(t);
    if (k)
        return line_take(t, ubuf, n);
    long got = raw_wait(t, buf, n < sizeof(buf) ? n : sizeof(buf), nonblock);
    if (got <= 0)
        return got;
    for (long i = 0; i < got; i++)
        if (buf[i] == '\r' && (t->tio.c_iflag & TTY_ICRNL))
            buf[i] = '\n';
    echo(t, buf, (size_t)got);
    return copy_to_user(ubuf, buf, (size_t)got) ? -EFAULT : got;
}

long tty_read(struct file *f, void *ubuf, size_t n)
{
    struct tty *t = f->priv;
    int err = tty_jobctl(t, SIGTTIN);
    if (err)
        return err;
    if (n == 0 || t->hungup)
        return 0; /* a hung-up terminal reads as end of file (Linux's hung_up_tty_read) */
    int nonblock = (f->flags & O_NONBLOCK) != 0;
    if (t->tio.c_lflag & TTY_ICANON)
        return canon_read(t, ubuf, n, nonblock);
    return raw_read(t, ubuf, n, nonblock);
}

size_t tty_readable(struct tty *t)
{
    if (t->tio.c_lflag & TTY_ICANON) {
        tty_cook(t);
        return t->line_ready - t->line_pos;
    }
    return cooked_left(t) + (size_t)t->drv->in_pending(t);
}

void tty_flush_input(struct tty *t)
{
    t->line_len = t->line_ready = t->line_pos = 0;
    t->line_eof = 0;
    t->drv->in_flush(t);
}

/* Wait for room for two bytes (a translated newline): 0, or -errno. */
static int output_room(struct tty *t, int nonblock)
{
    while (!t->hungup && t->drv->out_room(t) < 2) {
        if (nonblock || !t->drv->out_wait)
            return -EAGAIN;
        int err = t->drv->out_wait(t);
        if (err)
            return err;
    }
    return t->hungup ? -EIO : 0;
}

long tty_output(struct tty *t, const char *buf, size_t n, int nonblock)
{
    int onlcr =
        t->drv->opost && (t->tio.c_oflag & (TTY_OPOST | TTY_ONLCR)) == (TTY_OPOST | TTY_ONLCR);
    size_t i = 0;
    while (i < n) {
        int err = output_room(t, nonblock);
        if (err)
            return i ? (long)i : err;
        size_t room = t->drv->out_room(t), o = 0;
        char tmp[256];
        while (i < n && o + 2 <= room && o + 2 <= sizeof(tmp)) {
            if (onlcr && buf[i] == '\n')
                tmp[o++] = '\r';
            tmp[o++] = buf[i++];
        }
        t->drv->out_put(t, tmp, o);
    }
    return (long)i;
}

long tty_write(struct file *f, const void *ubuf, size_t n)
{
    struct tty *t = f->priv;
    int err = (t->tio.c_lflag & TTY_TOSTOP) ? tty_jobctl(t, SIGTTOU) : 0;
    if (err)
        return err;
    if (t->hungup)
        return -EIO;
    char buf[256];
    size_t done = 0;
    while (done < n) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
        if (copy_from_user(buf, (const char *)ubuf + done, k))
            return done ? (long)done : -EFAULT;
        long r = tty_output(t, buf, k, (f->flags & O_NONBLOCK) != 0);
        if (r < 0)
            return done ? (long)done : r;
        done += (size_t)r;
        if ((size_t)r < k)
            break;
    }
    return (long)done;
}
