/* The ioctls of a tty (Linux's tty_ioctl and tty_mode_ioctl): termios,
 * the window size, the foreground group and the session, the input
 * queue. Those on process groups and sessions follow Linux's checks: the
 * caller's controlling terminal only (a pty's master may read the group),
 * groups of the caller's session only. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/uaccess.h"
#include "kernel/proc/proc.h"
#include "kernel/tty/tty.h"

#define TCGETS      0x5401
#define TCSETS      0x5402
#define TCSETSW     0x5403
#define TCSETSF     0x5404
#define TCSBRK      0x5409
#define TCFLSH      0x540b
#define TIOCSCTTY   0x540e
#define TIOCGPGRP   0x540f
#define TIOCSPGRP   0x5410
#define TIOCGWINSZ  0x5413
#define TIOCSWINSZ  0x5414
#define TIOCNOTTY   0x5422
#define TIOCGSID    0x5429
#define TIOCGPTPEER 0x5441

#define TCIFLUSH  0
#define TCOFLUSH  1
#define TCIOFLUSH 2

/* 1 when t is the calling process's controlling terminal. */
static int is_ctty(struct tty *t)
{
    struct proc *p = proc_current();
    return p && tty_session(t) && t->sid == p->sid;
}

static long termios_set(struct tty *t, unsigned long cmd, const void *u, int master)
{
    int err = master ? 0 : tty_jobctl(t, SIGTTOU);
    if (err)
        return err;
    struct ktermios tio;
    if (copy_from_user(&tio, u, sizeof(tio)))
        return -EFAULT;
    t->tio = tio; /* output is passed on at once: TCSETSW has nothing to drain */
    if (cmd == TCSETSF)
        tty_flush_input(t);
    return 0;
}

/* TIOCSWINSZ: a new size is announced to the foreground group with
 * SIGWINCH, as Linux's tty_do_resize does. */
static long winsize_set(struct tty *t, const void *u)
{
    struct kwinsize ws;
    if (copy_from_user(&ws, u, sizeof(ws)))
        return -EFAULT;
    int changed = memcmp(&ws, &t->ws, sizeof(ws)) != 0;
    t->ws = ws;
    if (changed)
        tty_signal(t, SIGWINCH);
    return 0;
}

/* Group pgid may be the foreground group of session sid: 0, -ESRCH when
 * no live process is in it, -EPERM when it is another session's (Linux's
 * tiocspgrp). */
static int pgrp_check(int pgid, int sid)
{
    int found = 0;
    for (unsigned i = 0; i < proc_limit(); i++) {
        struct proc *q = proc_at(i);
        if (q && q->state == P_ALIVE && q->pgid == pgid) {
            if (q->sid == sid)
                return 0;
            found = 1;
        }
    }
    return found ? -EPERM : -ESRCH;
}

static long pgrp_set(struct tty *t, const void *u)
{
    int pg;
    if (copy_from_user(&pg, u, sizeof(pg)))
        return -EFAULT;
    int err = tty_jobctl(t, SIGTTOU); /* Linux's tty_check_change */
    if (err)
        return err == -EIO ? -ENOTTY : err;
    if (pg < 0)
        return -EINVAL;
    if (!is_ctty(t))
        return -ENOTTY;
    err = pgrp_check(pg, proc_current()->sid);
    if (!err)
        t->fg_pgrp = pg;
    return err;
}

/* TIOCSCTTY (Linux's tiocsctty): a session leader without a terminal
 * takes t; one held by another session only with arg 1 and privilege. */
static long ctty_set(struct tty *t, struct file *f, uint64_t arg)
{
    struct proc *p = proc_current();
    if (p->sid == p->pid && tty_session(t) == p->sid)
        return 0;
    if (p->sid != p->pid || tty_of_session(p->sid))
        return -EPERM;
    if (tty_session(t) && !(arg == 1 && cred_capable(CAP_SYS_ADMIN)))
        return -EPERM;
    if ((f->flags & O_ACCMODE) == O_WRONLY && !cred_capable(CAP_SYS_ADMIN))
        return -EPERM;
    t->sid = p->sid;
    t->fg_pgrp = p->pgid;
    return 0;
}

/* TIOCNOTTY by the session leader: the session gives up t, and its
 * foreground group gets SIGHUP and SIGCONT (Linux's disassociate_ctty). A
 * member other than the leader cannot drop the terminal alone here (the
 * terminal is the session's): -ENOTTY. */
static long ctty_drop(struct tty *t)
{
    struct proc *p = proc_current();
    if (!is_ctty(t) || p->sid != p->pid)
        return -ENOTTY;
    tty_signal(t, SIGHUP);
    tty_signal(t, SIGCONT);
    t->sid = 0;
    t->fg_pgrp = 0;
    return 0;
}

static long put_int(void *u, int v)
{
    return copy_to_user(u, &v, sizeof(v)) ? -EFAULT : 0;
}

static long flush(struct tty *t, uint64_t arg)
{
    if (arg > TCIOFLUSH)
        return -EINVAL;
    if (arg != TCOFLUSH)
        tty_flush_input(t);
    return 0; /* output is handed on as it is written: nothing waits */
}

long tty_ioctl_common(struct tty *t, struct file *f, unsigned long cmd, uint64_t arg, int master)
{
    void *u = (void *)(uintptr_t)arg;
    switch (cmd) {
    case TCGETS:
        return copy_to_user(u, &t->tio, sizeof(t->tio)) ? -EFAULT : 0;
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return termios_set(t, cmd, u, master);
    case TCSBRK: /* tcdrain (arg 1) and tcsendbreak (0): nothing is held back, no line to break */
    case TCFLSH:
        return cmd == TCFLSH ? flush(t, arg) : 0;
    case TIOCGWINSZ:
        return copy_to_user(u, &t->ws, sizeof(t->ws)) ? -EFAULT : 0;
    case TIOCSWINSZ:
        return winsize_set(t, u);
    case TIOCGPGRP:
        return master || is_ctty(t) ? put_int(u, t->fg_pgrp) : -ENOTTY;
    case TIOCSPGRP:
        return pgrp_set(t, u);
    case TIOCGSID:
        return (master || is_ctty(t)) && tty_session(t) ? put_int(u, t->sid) : -ENOTTY;
    case TIOCSCTTY:
        return master ? -ENOTTY : ctty_set(t, f, arg);
    case TIOCNOTTY:
        return ctty_drop(t);
    case FIONREAD:
        return put_int(u, (int)tty_readable(t));
    case TIOCGPTPEER:
        return -EIO; /* a pty master's alone (Linux's ptm_open_peer) */
    default:
        return TTY_NOIOCTL;
    }
}

long tty_ioctl(struct file *f, unsigned long cmd, uint64_t arg)
{
    struct tty *t = f->priv;
    if (t->hungup) /* Linux's hung_up_tty_ioctl */
        return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
    long r = tty_ioctl_common(t, f, cmd, arg, 0);
    return r == TTY_NOIOCTL ? -ENOTTY : r;
}
