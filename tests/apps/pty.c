/* pty: pseudo-terminals (pty(7)) as programs use them: posix_openpt,
 * grantpt, unlockpt, ptsname, the slave's line discipline seen through
 * the master (echo, canonical input, ONLCR, raw mode, ^C), sessions and
 * controlling terminals (setsid + open, TIOCSCTTY, tcsetpgrp, /dev/tty),
 * hang-ups both ways, poll, O_NONBLOCK, full buffers, /dev/pts numbering,
 * a shell on the slave, and the ioctls' errors. Passes natively on Linux
 * too (each case runs in a child of its own under an alarm). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "t.h"
#include "tcase.h"

#define ALARM_S 20

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* A new pair: the master (O_RDWR | O_NOCTTY | extra), unlocked, and the
 * slave's name; the slave is opened with sflags unless sflags is -1. */
static int pair(int extra, int sflags, int *s, char *name, size_t n)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY | extra);
    T_EXPECT(m >= 0, "posix_openpt: %s", t_errname(errno));
    T_EXPECT(grantpt(m) == 0, "grantpt: %s", t_errname(errno));
    T_EXPECT(unlockpt(m) == 0, "unlockpt: %s", t_errname(errno));
    T_EXPECT(ptsname_r(m, name, n) == 0, "ptsname_r: %s", t_errname(errno));
    if (sflags != -1) {
        *s = open(name, sflags);
        T_EXPECT(*s >= 0, "open %s: %s", name, t_errname(errno));
    }
    return m;
}

/* Read from fd until want has arrived whole (or 3 s pass): 0 when what
 * came is exactly want. */
static int read_expect(int fd, const char *want, char *got, size_t size)
{
    size_t len = strlen(want), have = 0;
    while (have < len && have < size - 1) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 3000) <= 0)
            break;
        ssize_t r = read(fd, got + have, size - 1 - have);
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    got[have] = 0;
    return strcmp(got, want);
}

#define EXPECT_READ(fd, want)                                                                      \
    do {                                                                                           \
        char got_[512];                                                                            \
        T_EXPECT(read_expect(fd, want, got_, sizeof(got_)) == 0, "%s: read %zu bytes \"%s\"", #fd, \
                 strlen(got_), got_);                                                              \
    } while (0)

static void wr(int fd, const char *s)
{
    T_EXPECT(write(fd, s, strlen(s)) == (ssize_t)strlen(s), "write: %s", t_errname(errno));
}

static int revents(int fd, int ms)
{
    struct pollfd p = {fd, POLLIN | POLLOUT, 0};
    return poll(&p, 1, ms) < 0 ? -1 : p.revents;
}

static void pty_open_names(void)
{
    char name[64];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name)), n = -1;
    T_EXPECT(strncmp(name, "/dev/pts/", 9) == 0, "ptsname %s", name);
    T_EXPECT(ioctl(m, TIOCGPTN, &n) == 0 && n == atoi(name + 9), "TIOCGPTN %d for %s", n, name);
    struct stat st;
    T_EXPECT(stat(name, &st) == 0 && S_ISCHR(st.st_mode), "stat %s", name);
    T_EXPECT(major(st.st_rdev) == 136 && (int)minor(st.st_rdev) == n, "rdev %u:%u",
             major(st.st_rdev), minor(st.st_rdev));
    T_EXPECT(fstat(m, &st) == 0 && major(st.st_rdev) == 5 && minor(st.st_rdev) == 2,
             "master rdev %u:%u", major(st.st_rdev), minor(st.st_rdev));
    T_EXPECT(isatty(m) && isatty(s), "isatty");
    const char *tn = ttyname(s);
    T_EXPECT(tn && strcmp(tn, name) == 0, "ttyname %s", tn ? tn : "(null)");
    char link[64], buf[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", s);
    ssize_t k = readlink(link, buf, sizeof(buf) - 1);
    buf[k > 0 ? k : 0] = 0;
    T_EXPECT(strcmp(buf, name) == 0, "readlink slave %s", buf);
    snprintf(link, sizeof(link), "/proc/self/fd/%d", m);
    k = readlink(link, buf, sizeof(buf) - 1);
    buf[k > 0 ? k : 0] = 0;
    T_EXPECT(strcmp(buf, "/dev/ptmx") == 0, "readlink master %s", buf);
    struct statfs sf;
    T_EXPECT(statfs("/dev/pts", &sf) == 0 && sf.f_type == 0x1cd1, "statfs /dev/pts %lx",
             (long)sf.f_type);
}

static void pty_lock(void)
{
    int m = posix_openpt(O_RDWR | O_NOCTTY), lk = -1;
    T_EXPECT(m >= 0, "posix_openpt: %s", t_errname(errno));
    T_EXPECT(ioctl(m, TIOCGPTLCK, &lk) == 0 && lk == 1, "new pair lock %d", lk);
    const char *name = ptsname(m);
    T_EXPECT_ERR_BY(t_die, "open locked slave", open(name, O_RDWR | O_NOCTTY), EIO);
    T_EXPECT(unlockpt(m) == 0 && ioctl(m, TIOCGPTLCK, &lk) == 0 && lk == 0, "unlocked %d", lk);
    int s = open(name, O_RDWR | O_NOCTTY);
    T_EXPECT(s >= 0, "open unlocked: %s", t_errname(errno));
}

static void pty_canon_echo(void)
{
    char name[64], buf[64];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    wr(m, "abc\r");
    EXPECT_READ(s, "abc\n"); /* ICRNL */
    EXPECT_READ(m, "abc\r\n");
    wr(m, "xy\177z\n"); /* DEL erases */
    EXPECT_READ(s, "xz\n");
    wr(m, "gone\025kept\n"); /* ^U kills the line */
    EXPECT_READ(s, "kept\n");
    wr(m, "one\ntwo\n");
    T_EXPECT(read(s, buf, sizeof(buf)) == 4, "first line alone");
    int q = -1;
    T_EXPECT(ioctl(s, FIONREAD, &q) == 0 && q == 4, "FIONREAD %d", q);
    T_EXPECT(read(s, buf, sizeof(buf)) == 4 && memcmp(buf, "two\n", 4) == 0, "second line");
    wr(m, "\004"); /* ^D on an empty line */
    T_EXPECT(read(s, buf, sizeof(buf)) == 0, "VEOF: end of file");
}

static void pty_onlcr(void)
{
    char name[64];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    wr(s, "x\ny");
    EXPECT_READ(m, "x\r\ny");
    struct termios t;
    T_EXPECT(tcgetattr(s, &t) == 0, "tcgetattr");
    t.c_oflag &= ~(tcflag_t)ONLCR;
    T_EXPECT(tcsetattr(s, TCSANOW, &t) == 0, "tcsetattr");
    wr(s, "p\nq");
    EXPECT_READ(m, "p\nq");
    struct termios back;
    T_EXPECT(tcgetattr(m, &back) == 0 && !(back.c_oflag & ONLCR),
             "master sees the slave's termios");
}

static void pty_raw(void)
{
    char name[64], buf[16];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    struct termios t;
    T_EXPECT(tcgetattr(s, &t) == 0, "tcgetattr");
    cfmakeraw(&t);
    T_EXPECT(tcsetattr(s, TCSAFLUSH, &t) == 0, "tcsetattr raw");
    wr(m, "q\003");
    EXPECT_READ(s, "q\003"); /* no line, no signal character */
    fcntl(m, F_SETFL, O_NONBLOCK);
    T_EXPECT_ERR_BY(t_die, "no echo", read(m, buf, sizeof(buf)), EAGAIN);
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 2;
    T_EXPECT(tcsetattr(s, TCSANOW, &t) == 0, "tcsetattr VTIME");
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    T_EXPECT(read(s, buf, sizeof(buf)) == 0, "VTIME read: nothing");
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
    T_EXPECT(ms >= 150 && ms < 2000, "VTIME 2 waited %ld ms", ms);
}

/* A child leading a new session with the slave as its controlling
 * terminal (opened without O_NOCTTY), which runs fn(slave fd); it does
 * not keep the master m open. */
static pid_t session_child(int m, const char *name, void (*fn)(int s))
{
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        close(m);
        if (setsid() < 0)
            t_die("setsid: %s", t_errname(errno));
        int s = open(name, O_RDWR);
        if (s < 0)
            t_die("open slave: %s", t_errname(errno));
        fn(s);
        _exit(0);
    }
    return pid;
}

static int wait_status(pid_t pid)
{
    int st = 0;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid: %s", t_errname(errno));
    return st;
}

static volatile sig_atomic_t got_sig;
static void on_sig(int sig)
{
    got_sig = sig;
}

/* In the session child: check the terminal's ids, say "r", wait for sig. */
static void wait_for_sig(int s, int sig)
{
    int v = -1;
    if (ioctl(s, TIOCGSID, &v) != 0 || v != getpid())
        t_die("TIOCGSID %d (pid %d): %s", v, getpid(), t_errname(errno));
    if (tcgetpgrp(s) != getpid())
        t_die("tcgetpgrp %d", (int)tcgetpgrp(s));
    struct sigaction sa = {.sa_handler = on_sig};
    sigaction(sig, &sa, 0);
    if (write(s, "r", 1) != 1)
        t_die("write");
    for (int i = 0; i < 300 && got_sig != sig; i++)
        usleep(10000);
    if (got_sig != sig)
        t_die("no signal %d", sig);
}

static void wait_sigint(int s)
{
    wait_for_sig(s, SIGINT);
}

static void pty_ctrl_c(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = session_child(m, name, wait_sigint);
    EXPECT_READ(m, "r");
    wr(m, "\003");
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
}

static void wait_sigwinch(int s)
{
    wait_for_sig(s, SIGWINCH);
    struct winsize ws;
    if (ioctl(s, TIOCGWINSZ, &ws) != 0 || ws.ws_row != 33 || ws.ws_col != 111)
        t_die("TIOCGWINSZ %dx%d", ws.ws_col, ws.ws_row);
}

static void pty_winch(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = session_child(m, name, wait_sigwinch);
    EXPECT_READ(m, "r");
    struct winsize ws = {33, 111, 0, 0};
    T_EXPECT(ioctl(m, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ");
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
}

static void hup_child(int s)
{
    wait_for_sig(s, SIGHUP);
    char c;
    if (read(s, &c, 1) != 0)
        t_die("read after hang-up: not end of file");
    errno = 0;
    if (write(s, "x", 1) != -1 || errno != EIO)
        t_die("write after hang-up: %s", t_errname(errno));
    if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
        t_die("/dev/tty after hang-up: %s", t_errname(errno));
}

static void pty_master_close(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = session_child(m, name, hup_child);
    EXPECT_READ(m, "r");
    close(m);
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
    struct stat sb;
    T_EXPECT_ERR_BY(t_die, "stat after master close", stat(name, &sb), ENOENT);
}

static void pty_slave_close(void)
{
    char name[64], buf[16];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    T_EXPECT(!(revents(m, 0) & POLLHUP), "POLLHUP while open");
    wr(s, "hi");
    close(s);
    T_EXPECT(revents(m, 1000) & POLLHUP, "no POLLHUP on the master");
    EXPECT_READ(m, "hi");
    T_EXPECT_ERR_BY(t_die, "master read after slave close", read(m, buf, sizeof(buf)), EIO);
    T_EXPECT(write(m, "z", 1) == 1, "master write after slave close");
}

static void pty_poll(void)
{
    char name[64];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    int r = revents(m, 0);
    T_EXPECT(r == POLLOUT, "fresh master %#x", r);
    r = revents(s, 0);
    T_EXPECT(r == POLLOUT, "fresh slave %#x", r);
    wr(m, "half");
    r = revents(s, 200);
    T_EXPECT(r == POLLOUT, "slave with half a line %#x", r);
    wr(m, "\n");
    r = revents(s, 1000);
    T_EXPECT(r == (POLLIN | POLLOUT), "slave with a line %#x", r);
    EXPECT_READ(m, "half\r\n");
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = m};
    T_EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev) == 0, "epoll_ctl: %s", t_errname(errno));
    T_EXPECT(epoll_wait(ep, &ev, 1, 0) == 0, "epoll: master readable before output");
    wr(s, "o");
    r = revents(m, 1000);
    T_EXPECT(r == (POLLIN | POLLOUT), "master with output %#x", r);
    T_EXPECT(epoll_wait(ep, &ev, 1, 1000) == 1 && ev.events == EPOLLIN, "epoll: %#x", ev.events);
    close(s);
    T_EXPECT(epoll_wait(ep, &ev, 1, 1000) == 1 && (ev.events & EPOLLHUP),
             "epoll after the slave's "
             "close: %#x",
             ev.events);
}

static void pty_nonblock(void)
{
    char name[64], buf[16];
    int s, m = pair(O_NONBLOCK, O_RDWR | O_NOCTTY | O_NONBLOCK, &s, name, sizeof(name));
    T_EXPECT_ERR_BY(t_die, "master read", read(m, buf, sizeof(buf)), EAGAIN);
    T_EXPECT_ERR_BY(t_die, "slave read", read(s, buf, sizeof(buf)), EAGAIN);
    wr(m, "partial");
    usleep(50000);
    T_EXPECT_ERR_BY(t_die, "slave read of half a line", read(s, buf, sizeof(buf)), EAGAIN);
}

/* The slave's output fills: a non-blocking writer stops with EAGAIN, a
 * blocking one waits until the master reads. */
static void pty_full(void)
{
    char name[64], buf[4096];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name));
    memset(buf, 'w', sizeof(buf));
    fcntl(s, F_SETFL, O_NONBLOCK);
    long total = 0;
    ssize_t r;
    while ((r = write(s, buf, sizeof(buf))) > 0 && total < (1 << 24))
        total += r;
    T_EXPECT(r == -1 && errno == EAGAIN, "filling: %s after %ld", t_errname(errno), total);
    T_EXPECT(total >= 1024, "held only %ld bytes", total);
    T_EXPECT(!(revents(s, 0) & POLLOUT), "full slave still POLLOUT");
    fcntl(s, F_SETFL, 0);
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0)
        _exit(write(s, buf, 100) == 100 ? 0 : 1);
    long drained = 0;
    while (drained < total + 100) {
        struct pollfd p = {m, POLLIN, 0};
        if (poll(&p, 1, 3000) <= 0 || (r = read(m, buf, sizeof(buf))) <= 0)
            break;
        drained += r;
    }
    T_EXPECT(drained == total + 100, "drained %ld of %ld", drained, total + 100);
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "blocked writer %s", p_status_str(st));
}

static int in_dev_pts(int n)
{
    DIR *d = opendir("/dev/pts");
    struct dirent *e;
    char want[16];
    int found = 0;
    snprintf(want, sizeof(want), "%d", n);
    while (d && (e = readdir(d)))
        found |= strcmp(e->d_name, want) == 0;
    if (d)
        closedir(d);
    return found;
}

static void pty_numbers(void)
{
    char n1[64], n2[64];
    int s1, s2, m1 = pair(0, O_RDWR | O_NOCTTY, &s1, n1, sizeof(n1));
    int m2 = pair(0, O_RDWR | O_NOCTTY, &s2, n2, sizeof(n2)), a = -1, b = -1;
    T_EXPECT(ioctl(m1, TIOCGPTN, &a) == 0 && ioctl(m2, TIOCGPTN, &b) == 0 && a != b,
             "numbers %d %d", a, b);
    T_EXPECT(in_dev_pts(a) && in_dev_pts(b), "not listed in /dev/pts");
    close(m1);
    T_EXPECT(!in_dev_pts(a), "%s still listed after its master closed", n1);
    close(s1);
    struct stat st;
    T_EXPECT_ERR_BY(t_die, "stat closed pair", stat(n1, &st), ENOENT);
    T_EXPECT(in_dev_pts(b), "%s gone", n2);
}

static void pty_peer(void)
{
    char name[64], link[64], buf[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    int p = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    T_EXPECT(p >= 0, "TIOCGPTPEER: %s", t_errname(errno));
    T_EXPECT(fcntl(p, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC");
    snprintf(link, sizeof(link), "/proc/self/fd/%d", p);
    ssize_t k = readlink(link, buf, sizeof(buf) - 1);
    buf[k > 0 ? k : 0] = 0;
    T_EXPECT(strcmp(buf, name) == 0, "peer is %s, not %s", buf, name);
    wr(p, "peer");
    EXPECT_READ(m, "peer");
}

static void devtty_child(int s)
{
    (void)s;
    int t = open("/dev/tty", O_RDWR);
    if (t < 0)
        t_die("/dev/tty: %s", t_errname(errno));
    if (write(t, "via tty", 7) != 7)
        t_die("write /dev/tty");
    int v = -1;
    if (ioctl(t, TIOCGSID, &v) != 0 || v != getpid())
        t_die("TIOCGSID on /dev/tty %d", v);
}

static void notty_child(void)
{
    if (setsid() < 0)
        t_die("setsid");
    errno = 0;
    if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
        t_die("/dev/tty without a terminal: %s", t_errname(errno));
    _exit(0);
}

static void pty_devtty(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = session_child(m, name, devtty_child);
    EXPECT_READ(m, "via tty");
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
    pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0)
        notty_child();
    st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "no-terminal child %s", p_status_str(st));
}

/* TIOCSCTTY and tcsetpgrp: a session leader opening with O_NOCTTY takes
 * the terminal by ioctl; a group of the session may be made foreground,
 * a pgid of no process may not. */
static void pty_sctty(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        T_EXPECT(setsid() > 0, "setsid");
        int s = open(name, O_RDWR | O_NOCTTY);
        T_EXPECT(s >= 0, "open");
        T_EXPECT_ERR_BY(t_die, "tcgetpgrp before TIOCSCTTY", tcgetpgrp(s), ENOTTY);
        T_EXPECT(ioctl(s, TIOCSCTTY, 0) == 0, "TIOCSCTTY: %s", t_errname(errno));
        T_EXPECT(tcgetpgrp(s) == getpid(), "foreground %d", (int)tcgetpgrp(s));
        T_EXPECT(tcgetsid(s) == getpid(), "tcgetsid");
        T_EXPECT_ERR_BY(t_die, "tcsetpgrp to no group", tcsetpgrp(s, 999999), ESRCH);
        T_EXPECT_ERR_BY(t_die, "tcsetpgrp -1", tcsetpgrp(s, -1), EINVAL);
        pid_t kid = fork();
        if (kid == 0) {
            setpgid(0, 0);
            pause();
            _exit(0);
        }
        setpgid(kid, kid);
        T_EXPECT(tcsetpgrp(s, kid) == 0, "tcsetpgrp child's group: %s", t_errname(errno));
        int pg = -1;
        T_EXPECT(ioctl(m, TIOCGPGRP, &pg) == 0 && pg == kid, "master sees group %d", pg);
        kill(kid, SIGKILL);
        waitpid(kid, 0, 0);
        _exit(0);
    }
    int st = wait_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child %s", p_status_str(st));
}

static int hup_pipe = -1;
static void on_hup(int sig)
{
    (void)sig;
    if (write(hup_pipe, "H", 1) != 1)
        _exit(3);
    _exit(0);
}

/* The session leader exits: the foreground group of its terminal, a job in
 * a group of its own here, gets SIGHUP (a background one would not). */
static void pty_leader_exit(void)
{
    char name[64], c = 0;
    int m = pair(0, -1, 0, name, sizeof(name)), ready[2], hup[2];
    T_EXPECT(pipe(ready) == 0 && pipe(hup) == 0, "pipe");
    T_EXPECT(prctl(PR_SET_CHILD_SUBREAPER, 1) == 0, "subreaper: %s", t_errname(errno));
    pid_t leader = fork();
    T_EXPECT(leader >= 0, "fork");
    if (leader == 0) {
        setsid();
        int s = open(name, O_RDWR); /* the controlling terminal */
        if (s < 0)
            _exit(120);
        pid_t job = fork();
        if (job == 0) {
            hup_pipe = hup[1];
            signal(SIGHUP, on_hup);
            setpgid(0, 0);
            pid_t me = getpid();
            if (write(hup[1], &me, sizeof(me)) != sizeof(me) || write(ready[1], "r", 1) != 1)
                _exit(4);
            for (;;)
                pause();
        }
        setpgid(job, job);
        if (read(ready[0], &c, 1) != 1 || tcsetpgrp(s, job) != 0)
            _exit(121);
        _exit(0); /* the job is left in the foreground */
    }
    int st = wait_status(leader);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0, "leader %s", p_status_str(st));
    close(hup[1]);
    pid_t job = 0;
    T_EXPECT(read(hup[0], &job, sizeof(job)) == sizeof(job) && job > 0, "no job");
    struct pollfd p = {hup[0], POLLIN, 0};
    if (poll(&p, 1, 5000) != 1 || read(hup[0], &c, 1) != 1 || c != 'H') {
        kill(job, SIGKILL); /* it holds the report pipe */
        waitpid(job, 0, 0);
        t_die("the foreground job got no SIGHUP");
    }
    T_EXPECT(waitpid(job, &st, 0) == job && WIFEXITED(st) && WEXITSTATUS(st) == 0, "job %s",
             p_status_str(st));
    close(m);
}

/* A shell on the slave reads its commands from the master. */
static void pty_shell(void)
{
    char name[64];
    int m = pair(0, -1, 0, name, sizeof(name));
    pid_t pid = fork();
    T_EXPECT(pid >= 0, "fork");
    if (pid == 0) {
        close(m);
        setsid();
        int s = open(name, O_RDWR);
        if (s < 0)
            _exit(120);
        dup2(s, 0), dup2(s, 1), dup2(s, 2);
        if (s > 2)
            close(s);
        char *argv[] = {"sh", 0}, *envp[] = {"PS1=$ ", "TERM=dumb", "PATH=/bin", 0};
        execve("/bin/sh", argv, envp);
        _exit(121);
    }
    wr(m, "echo h''i; exit 3\n");
    char out[4096];
    size_t have = 0;
    for (;;) {
        struct pollfd p = {m, POLLIN, 0};
        if (poll(&p, 1, 5000) <= 0 || have >= sizeof(out) - 1)
            break;
        ssize_t r = read(m, out + have, sizeof(out) - 1 - have);
        if (r <= 0)
            break; /* EIO: the shell and its terminal are gone */
        have += (size_t)r;
    }
    out[have] = 0;
    int st = 0;
    for (int i = 0; i < 300 && waitpid(pid, &st, WNOHANG) == 0; i++)
        usleep(10000);
    if (waitpid(pid, &st, WNOHANG) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        t_die("the shell did not exit; it wrote \"%s\"", out);
    }
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 3, "shell %s", p_status_str(st));
    T_EXPECT(strstr(out, "hi\r\n") != 0, "no hi line in \"%s\"", out); /* the echo is h''i */
}

static void pty_errors(void)
{
    char name[64];
    int s, m = pair(0, O_RDWR | O_NOCTTY, &s, name, sizeof(name)), n;
    T_EXPECT_ERR_BY(t_die, "TIOCGPTN bad pointer", ioctl(m, TIOCGPTN, (void *)8), EFAULT);
    T_EXPECT_ERR_BY(t_die, "TIOCSPTLCK bad pointer", ioctl(m, TIOCSPTLCK, (void *)8), EFAULT);
    T_EXPECT_ERR_BY(t_die, "TCGETS bad pointer", ioctl(s, TCGETS, (void *)8), EFAULT);
    T_EXPECT_ERR_BY(t_die, "TCSETS bad pointer", ioctl(s, TCSETS, (void *)8), EFAULT);
    T_EXPECT_ERR_BY(t_die, "TIOCSWINSZ bad pointer", ioctl(m, TIOCSWINSZ, (void *)8), EFAULT);
    T_EXPECT_ERR_BY(t_die, "TIOCGPTN on the slave", ioctl(s, TIOCGPTN, &n), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "TIOCSPTLCK on the slave", ioctl(s, TIOCSPTLCK, &n), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "TIOCGPTPEER on the slave", ioctl(s, TIOCGPTPEER, O_RDWR), EIO);
    T_EXPECT_ERR_BY(t_die, "TIOCGPGRP, not the terminal", ioctl(s, TIOCGPGRP, &n), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "TIOCGSID, no session", ioctl(s, TIOCGSID, &n), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "unknown ioctl", ioctl(m, 0x5499, 0), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "TCFLSH 7", ioctl(s, TCFLSH, 7), EINVAL);
    n = -1;
    T_EXPECT_ERR_BY(t_die, "TIOCSPGRP -1", ioctl(s, TIOCSPGRP, &n), EINVAL);
    int fd[2];
    T_EXPECT(pipe(fd) == 0, "pipe");
    T_EXPECT_ERR_BY(t_die, "TIOCGPTN on a pipe", ioctl(fd[0], TIOCGPTN, &n), ENOTTY);
    T_EXPECT_ERR_BY(t_die, "TCGETS on a pipe", ioctl(fd[0], TCGETS, &n), ENOTTY);
    close(fd[0]);
    T_EXPECT_ERR_BY(t_die, "TIOCGPTN on a closed fd", ioctl(fd[0], TIOCGPTN, &n), EBADF);
    T_EXPECT_ERR_BY(t_die, "/dev/pts/999", open("/dev/pts/999", O_RDWR), ENOENT);
}

int main(int argc, char **argv)
{
    static const struct t_case cases[] = {
        {"open_names", pty_open_names},
        {"lock", pty_lock},
        {"canon_echo", pty_canon_echo},
        {"onlcr", pty_onlcr},
        {"raw", pty_raw},
        {"ctrl_c", pty_ctrl_c},
        {"winch", pty_winch},
        {"master_close", pty_master_close},
        {"slave_close", pty_slave_close},
        {"poll", pty_poll},
        {"nonblock", pty_nonblock},
        {"full", pty_full},
        {"numbers", pty_numbers},
        {"peer", pty_peer},
        {"devtty", pty_devtty},
        {"sctty", pty_sctty},
        {"leader_exit", pty_leader_exit},
        {"shell", pty_shell},
        {"errors", pty_errors},
    };
    return t_run_cases("pty", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
