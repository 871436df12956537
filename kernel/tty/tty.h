/* Terminals: a tty is the line discipline between a device and the
 * programs reading and writing it (Linux's n_tty and tty_io): termios,
 * canonical line editing with echo, the signal characters, the window
 * size, and the session and foreground process group it belongs to. The
 * console (console.c) and the slave side of every pseudo-terminal (pty.c)
 * are ttys; their drivers supply the raw input and take the output.
 *
 * Concurrency: one CPU and kernel code is never preempted; the console's
 * input arrives from interrupt handlers (its driver's queue and the
 * signal characters, tty_filter), everything else runs in process
 * context. */
#ifndef UNIPLEX_TTY_TTY_H
#define UNIPLEX_TTY_TTY_H

#include <stddef.h>
#include <stdint.h>

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
_Static_assert(sizeof(struct kwinsize) == 8, "Linux struct winsize");

/* The termios bits and control characters the line discipline honours. */
#define TTY_ICRNL  0000400
#define TTY_OPOST  0000001
#define TTY_ONLCR  0000004
#define TTY_ISIG   0000001
#define TTY_ICANON 0000002
#define TTY_ECHO   0000010
#define TTY_TOSTOP 0000400 /* c_lflag: background writes get SIGTTOU */
#define VINTR      0
#define VQUIT      1
#define VERASE     2
#define VKILL      3
#define VEOF       4
#define VTIME      5
#define VMIN       6
#define VSUSP      10
#define VWERASE    14

#define TTY_LINE 1024 /* a canonical line's bytes */
#define TTY_WAKEUP                                                                                 \
    256 /* writable (POLLOUT) with room for this many bytes (Linux's WAKEUP_CHARS)                 \
         */

struct tty;
struct file;
struct pollq;

/* What a device does for its tty. Raw input is what arrived and has not
 * been through the line discipline yet; output is what the tty sends to
 * the device after its output processing (OPOST, when opost is set). */
struct tty_driver {
    /* 1 when raw input bytes are waiting. */
    int (*in_pending)(struct tty *t);
    /* Block until raw input is there, the clock_ns() deadline passes (0:
     * none) or a signal: up to n bytes and their count, -EAGAIN on
     * timeout, -EINTR, or -EIO when no input can come any more (hang-up). */
    long (*in_read)(struct tty *t, char *buf, size_t n, uint64_t deadline);
    void (*in_flush)(struct tty *t); /* discard the raw input */
    /* Room for output now, and the output itself (n <= the room); never
     * blocks. */
    size_t (*out_room)(struct tty *t);
    void (*out_put)(struct tty *t, const char *buf, size_t n);
    /* Sleep until there is room for output or the tty hangs up: 0, or
     * -ERESTARTSYS on a signal. NULL: the room never runs out. */
    int (*out_wait)(struct tty *t);
    /* The queue told of input, room and hang-ups (poll). */
    struct pollq *(*pollq)(struct tty *t);
    /* A file was opened on the tty / the last reference to one went
     * (the pty counts its slave's openers); may be NULL. */
    void (*hold)(struct tty *t);
    void (*drop)(struct tty *t);
    int opost; /* 1: the tty does OPOST/ONLCR; 0: the device translates itself */
    int pty;   /* 1: a pseudo-terminal's slave (what a leader's exit does differs) */
};

struct tty {
    struct ktermios tio;
    struct kwinsize ws;
    int fg_pgrp; /* the foreground process group, 0: none */
    int sid;     /* the session it is the controlling terminal of, 0: none */
    int hungup;  /* its device is gone (the pty's master closed) */
    /* Canonical mode: the line being edited (line_len bytes) and, once
     * finished, what of it is still to be read ([line_pos, line_ready)). */
    char line[TTY_LINE];
    size_t line_len, line_ready, line_pos;
    int line_eof;
    const struct tty_driver *drv;
    void *priv;       /* the driver's */
    struct tty *next; /* every tty (the controlling terminal's lookup) */
};

/* --- tty.c: the ttys, sessions, files ----------------------------------- */
/* Set t up with Debian's "stty sane" termios, an 80x24 window, no session
 * and no foreground group, and list it: drv and priv are given. */
void tty_init(struct tty *t, const struct tty_driver *drv, void *priv);
/* Take t off the list (it is being freed). */
void tty_remove(struct tty *t);
/* The session t is the controlling terminal of (0: none; a session whose
 * leader is gone lets go of it here). */
int tty_session(struct tty *t);
/* Job control before the caller reads (SIGTTIN) or changes (SIGTTOU) t:
 * 0 when it may go on, as a process of t's foreground group or of another
 * session does; else its background group has been sent sig and the call
 * is to restart after the stop (-ERESTARTSYS), or -EIO (SIGTTIN ignored
 * or blocked, an orphaned group). kernel/proc/jobctl.c decides. */
int tty_jobctl(struct tty *t, int sig);
/* The controlling terminal of session sid / of the calling process's
 * session, or NULL. */
struct tty *tty_of_session(int sid);
struct tty *tty_of_caller(void);
/* Opening t on f: f->priv becomes t, the driver counts the opener, and
 * unless O_NOCTTY a session leader without a terminal gets t as its
 * controlling terminal when t has no session (Linux's
 * tty_open_proc_set_tty). Cannot fail. */
void tty_file_open(struct tty *t, struct file *f, uint32_t flags);
/* The file_ops of a file on a tty (f->priv): read, write, ioctl, poll,
 * close (the driver's drop). Their open is the device's. */
long tty_read(struct file *f, void *ubuf, size_t n);
long tty_write(struct file *f, const void *ubuf, size_t n);
long tty_ioctl(struct file *f, unsigned long cmd, uint64_t arg);
int tty_poll(struct file *f, struct poll_table *pt);
void tty_close(struct file *f);
/* The device is gone (the pty's master closed): readers see end of file,
 * writers -EIO; the session leader gets SIGHUP and SIGCONT and the
 * session loses its terminal, as Linux's tty_vhangup. */
void tty_hangup(struct tty *t);
/* Send sig to t's foreground group (no sender: SI_KERNEL), if it has one. */
void tty_signal(struct tty *t, int sig);
/* The leader of session sid is exiting (Linux's disassociate_ctty on
 * exit): the foreground group of its terminal gets SIGHUP when that is a
 * pseudo-terminal, and the terminal is free for a new session. Linux
 * hangs up the open files of any other terminal instead, which this
 * kernel does not do per file: the console is only let go of. Installed
 * as the process layer's hook (proc_set_leader_exit_hook) by
 * console_tty_init. */
void tty_leader_exit(int sid);

/* --- ldisc.c: the line discipline ----------------------------------------- */
/* A received byte, before it is queued as raw input: 1 when it was a
 * signal character that ISIG turns into SIGINT, SIGQUIT or SIGTSTP for
 * the foreground group (the line being edited is dropped), else 0 and
 * the driver queues it. May run in an interrupt handler. */
int tty_filter(struct tty *t, char c);
/* Canonical mode: run the raw input waiting through the line editor until
 * a line is finished or nothing is left, without blocking (echo
 * included). For a device whose input should be processed as it arrives
 * (a pty's master write), and for poll and FIONREAD. */
void tty_cook(struct tty *t);
/* Bytes a read would return now (FIONREAD). */
size_t tty_readable(struct tty *t);
/* Discard the input not yet read: the line being edited, the finished
 * line and the raw input (TCSETSF, TCFLSH). */
void tty_flush_input(struct tty *t);
/* Put n bytes of output through OPOST processing to the device, taking
 * what there is room for unless wait: the bytes of buf consumed, or
 * -EAGAIN / -ERESTARTSYS / -EIO when none were. */
long tty_output(struct tty *t, const char *buf, size_t n, int nonblock);

/* --- ttyioctl.c: the ioctls --------------------------------------------- */
/* A tty ioctl the line discipline answers on f (termios, window size,
 * process groups, sessions, FIONREAD, TCFLSH, TCSBRK), or TTY_NOIOCTL for
 * one it does not know (the driver's turn). master: f is t's pty master,
 * which may read the foreground group without being the caller's
 * terminal and cannot become one. */
#define TTY_NOIOCTL (-515) /* Linux's ENOIOCTLCMD: not a tty ioctl */
long tty_ioctl_common(struct tty *t, struct file *f, unsigned long cmd, uint64_t arg, int master);

/* --- console.c -------------------------------------------------------------- */
/* The console's tty: input from kernel/conin.c, output to every console
 * (console_write). winsize=COLSxROWS on the command line sets its window.
 * Starts with no session and init's group (1) as its foreground group,
 * so ^C typed at boot reaches init. */
void console_tty_init(const char *cmdline);
/* /dev/console (never made a controlling terminal by an open, as
 * Linux's) and /dev/tty (the caller's controlling terminal: -ENXIO when
 * it has none). */
extern const struct file_ops console_fops, devtty_fops;

/* --- pty.c / devpts.c: pseudo-terminals --------------------------------------- */
/* /dev/ptmx (and /dev/pts/ptmx): each open makes a new pair and is its
 * master; the slave is /dev/pts/N of the devpts instance. */
extern const struct file_ops ptmx_fops;
/* Register the devpts file system type (one instance at a time). */
void devpts_init(void);

#endif
