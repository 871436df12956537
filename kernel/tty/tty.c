/* The ttys: their list, the session a tty is the controlling terminal of,
 * and the files opened on them. A session's terminal is the tty whose sid
 * is the session's id while its leader lives (Linux clears it when the
 * leader exits; here a tty whose leader is gone is seen as free the next
 * time anyone looks), so processes hold no pointer to a tty. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/fs/vfs.h"
#include "kernel/proc/proc.h"
#include "kernel/tty/tty.h"

static struct tty *ttys;

/* Debian's defaults for a serial terminal (stty sane, 38400 8N1). */
static const struct ktermios sane = {
    .c_iflag = TTY_ICRNL | 02000 /* IXON */,
    .c_oflag = TTY_OPOST | TTY_ONLCR,
    .c_cflag = 017 | 060 | 0200 | 02000 /* B38400 CS8 CREAD HUPCL */,
    .c_lflag = TTY_ISIG | TTY_ICANON | TTY_ECHO | 020 | 040 /* ECHOE ECHOK */ |
               0100000 /* IEXTEN */ | 01000 | 04000 /* ECHOCTL ECHOKE */,
    .c_cc = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0},
};

void tty_init(struct tty *t, const struct tty_driver *drv, void *priv)
{
    memset(t, 0, sizeof(*t));
    t->tio = sane;
    t->ws = (struct kwinsize){24, 80, 0, 0}; /* rows, columns: a VT100 */
    t->drv = drv;
    t->priv = priv;
    t->next = ttys;
    ttys = t;
}

void tty_remove(struct tty *t)
{
    for (struct tty **pp = &ttys; *pp; pp = &(*pp)->next)
        if (*pp == t) {
            *pp = t->next;
            return;
        }
}

int tty_session(struct tty *t)
{
    struct proc *leader = t->sid ? proc_find(t->sid) : 0;
    if (t->sid && (!leader || leader->state != P_ALIVE || leader->sid != t->sid))
        t->sid = 0;
    return t->sid;
}

struct tty *tty_of_session(int sid)
{
    for (struct tty *t = ttys; t && sid; t = t->next)
        if (tty_session(t) == sid)
            return t;
    return 0;
}

struct tty *tty_of_caller(void)
{
    struct proc *p = proc_current();
    return p ? tty_of_session(p->sid) : 0;
}

void tty_file_open(struct tty *t, struct file *f, uint32_t flags)
{
    struct proc *p = proc_current();
    f->priv = t;
    if (t->drv->hold)
        t->drv->hold(t);
    if ((flags & O_NOCTTY) || !p || p->sid != p->pid || tty_of_session(p->sid) || tty_session(t))
        return;
    t->sid = p->sid;
    t->fg_pgrp = p->pgid;
}

void tty_close(struct file *f)
{
    struct tty *t = f->priv;
    if (t->drv->drop)
        t->drv->drop(t); /* may free t */
}

void tty_signal(struct tty *t, int sig)
{
    static const struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    if (t->fg_pgrp > 0)
        sig_send_group(t->fg_pgrp, sig, &info);
}

void tty_leader_exit(int sid)
{
    struct tty *t = tty_of_session(sid);
    if (!t)
        return;
    if (t->drv->pty)
        tty_signal(t, SIGHUP);
    t->sid = 0;
    t->fg_pgrp = 0;
}

void tty_hangup(struct tty *t)
{
    static const struct sigqinfo info = {SI_KERNEL, 0, 0, 0};
    int sid = tty_session(t);
    struct proc *leader = sid ? proc_find(sid) : 0;
    t->hungup = 1;
    t->sid = 0;
    t->fg_pgrp = 0;
    if (leader) {
        sig_send_info(leader, 0, SIGHUP, &info);
        sig_send_info(leader, 0, SIGCONT, &info);
    }
}

int tty_poll(struct file *f, struct poll_table *pt)
{
    struct tty *t = f->priv;
    poll_wait(f, t->drv->pollq(t), pt);
    if (t->hungup) /* Linux's hung_up_tty_poll */
        return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
    int in = tty_readable(t) != 0 || ((t->tio.c_lflag & TTY_ICANON) && t->line_eof);
    int out = t->drv->out_room(t) >= TTY_WAKEUP;
    return (in ? POLLIN | POLLRDNORM : 0) | (out ? POLLOUT | POLLWRNORM : 0);
}
