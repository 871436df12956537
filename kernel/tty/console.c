/* The console's tty: typed bytes from kernel/conin.c (the serial port and
 * the keyboard, queued by their interrupt handlers, where the signal
 * characters are acted on at once), output to every console; the serial
 * console turns NL into CR NL itself. /dev/tty opens the caller's
 * controlling terminal, whichever tty that is. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "stdlib.h"
#include "kernel/cmdline.h"
#include "kernel/conin.h"
#include "kernel/fs/vfs.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/tty/tty.h"

static struct tty console;

static int con_pending(struct tty *t)
{
    (void)t;
    return conin_pending();
}

static long con_read(struct tty *t, char *buf, size_t n, uint64_t deadline)
{
    (void)t;
    return conin_read(buf, n, deadline);
}

static void con_flush(struct tty *t)
{
    (void)t;
    conin_flush();
}

static size_t con_room(struct tty *t)
{
    (void)t;
    return SIZE_MAX; /* written at once */
}

static void con_put(struct tty *t, const char *buf, size_t n)
{
    (void)t;
    console_write(buf, n);
}

static struct pollq *con_pollq(struct tty *t)
{
    (void)t;
    return conin_pollq();
}

static const struct tty_driver console_driver = {
    .in_pending = con_pending,
    .in_read = con_read,
    .in_flush = con_flush,
    .out_room = con_room,
    .out_put = con_put,
    .pollq = con_pollq,
};

/* ISIG: ^C, ^\ and ^Z signal the foreground group as they are typed
 * (from the input interrupt). */
static int console_filter(char c)
{
    return tty_filter(&console, c);
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
        console.ws.ws_col = (uint16_t)cols;
        console.ws.ws_row = (uint16_t)rows;
    }
}

void console_tty_init(const char *cmdline)
{
    tty_init(&console, &console_driver, 0);
    proc_set_leader_exit_hook(tty_leader_exit);
    console.fg_pgrp = 1; /* init's group until a session takes the console */
    winsize_option(cmdline);
    conin_set_filter(console_filter);
}

static int console_open(struct file *f)
{
    tty_file_open(&console, f, O_NOCTTY);
    return 0;
}

static int devtty_open(struct file *f)
{
    struct tty *t = tty_of_caller();
    if (!t)
        return -ENXIO;
    tty_file_open(t, f, O_NOCTTY);
    return 0;
}

const struct file_ops console_fops = {
    .open = console_open,
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
    .close = tty_close,
};
const struct file_ops devtty_fops = {
    .open = devtty_open,
    .read = tty_read,
    .write = tty_write,
    .ioctl = tty_ioctl,
    .poll = tty_poll,
    .close = tty_close,
};
