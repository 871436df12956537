/* epoll: epoll(7) through the raw system calls (issue 16, item 5).
 *
 *   epoll_create/epoll_create1 and their errors; level-triggered items
 *   staying ready, edge-triggered ones reported once per change,
 *   EPOLLONESHOT spent until EPOLL_CTL_MOD re-arms it; MOD re-polling;
 *   the order of ready items across calls and maxevents; hang-ups and
 *   errors reported unasked, EPOLLRDHUP not reported for pipes (as
 *   Linux); pipe write ends; an epoll fd inside another, and polled;
 *   closing a watched descriptor (the item follows the open file: a dup
 *   keeps it, the last close removes it); a fork sharing the instance;
 *   EPOLLEXCLUSIVE waking one of two instances; EEXIST, ENOENT, EBADF,
 *   EPERM, EINVAL, ELOOP (loops and nesting depth) and EFAULT; timeouts
 *   (0, short, epoll_pwait2's timespec); a sleeper woken by a write;
 *   epoll_pwait's signal mask (EINTR, and the mask back at once when
 *   not interrupted); the console; and 10,000 watched pipes with one
 *   ready, timed beside 1 and 100 (a printed figure: the check is that
 *   the right one is reported).
 *
 * Each case runs in its own child under alarm() and reports why it failed
 * through a pipe. Passes on Linux too (the console case only inside
 * Uniplex). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S     20
#define BIG_ALARM_S 120
#define NBIG        10000 /* watched pipes in the scale case */
#define ROUNDS      200   /* round trips timed per size */

/* ---- the calls, raw (musl turns epoll_create and epoll_wait into others) ---- */

static int ep_create(int size)
{
    return (int)syscall(SYS_epoll_create, size);
}

static int ep_create1(int flags)
{
    return (int)syscall(SYS_epoll_create1, flags);
}

static int ep_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
    return (int)syscall(SYS_epoll_ctl, ep, op, fd, ev);
}

static int ep_wait(int ep, struct epoll_event *evs, int max, int ms)
{
    return (int)syscall(SYS_epoll_wait, ep, evs, max, ms);
}

static int ep_pwait(int ep, struct epoll_event *evs, int max, int ms, const sigset_t *mask)
{
    return (int)syscall(SYS_epoll_pwait, ep, evs, max, ms, mask, 8);
}

static int ep_pwait2(int ep, struct epoll_event *evs, int max, const struct timespec *ts,
                     const sigset_t *mask)
{
    return (int)syscall(SYS_epoll_pwait2, ep, evs, max, ts, mask, 8);
}

/* ---- helpers: each ends the case with a message on failure ---- */

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)

#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

static int new_ep(void)
{
    int ep = ep_create1(0);
    T_EXPECT(ep >= 0, "epoll_create1: %s", t_errname(errno));
    return ep;
}

static void new_pipe(int p[2])
{
    T_EXPECT(pipe(p) == 0, "pipe: %s", t_errname(errno));
}

static void add(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    T_EXPECT(ep_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "EPOLL_CTL_ADD %d: %s", fd, t_errname(errno));
}

static void mod(int ep, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = {.events = events, .data.u64 = data};
    T_EXPECT(ep_ctl(ep, EPOLL_CTL_MOD, fd, &ev) == 0, "EPOLL_CTL_MOD %d: %s", fd, t_errname(errno));
}

static void put(int fd, int n)
{
    char buf[64] = {0};
    T_EXPECT(write(fd, buf, (size_t)n) == n, "write %d: %s", n, t_errname(errno));
}

static void take(int fd, int n)
{
    char buf[64];
    T_EXPECT(read(fd, buf, (size_t)n) == n, "read %d: %s", n, t_errname(errno));
}

/* epoll_wait (timeout ms) must report exactly n events; the first in *ev. */
static void expect_n(const char *what, int ep, int ms, int n, struct epoll_event *ev)
{
    struct epoll_event evs[8];
    int r = ep_wait(ep, evs, 8, ms);
    T_EXPECT(r == n, "%s: epoll_wait returned %d/%s, expected %d", what, r, t_errname(errno), n);
    if (ev && n > 0)
        *ev = evs[0];
}

/* Exactly one event, with these events and data. */
static void expect_one(const char *what, int ep, uint32_t events, uint64_t data)
{
    struct epoll_event ev;
    expect_n(what, ep, 0, 1, &ev);
    T_EXPECT(ev.events == events && ev.data.u64 == data,
             "%s: got events %#x data %llu, expected %#x %llu", what, ev.events,
             (unsigned long long)ev.data.u64, events, (unsigned long long)data);
}

static double elapsed_ms(double t0)
{
    return (p_now_us() - t0) / 1000;
}

static void *unmapped_page(void)
{
    void *p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(p != MAP_FAILED, "mmap: %s", t_errname(errno));
    munmap(p, 4096);
    return p;
}

/* ---- cases ---- */

static void case_create(void)
{
    EXPECT_ERR("epoll_create(0)", ep_create(0), EINVAL);
    EXPECT_ERR("epoll_create(-1)", ep_create(-1), EINVAL);
    int a = ep_create(1), b = ep_create1(0), c = ep_create1(EPOLL_CLOEXEC);
    T_EXPECT(a >= 0 && b >= 0 && c >= 0, "create: %d %d %d (%s)", a, b, c, t_errname(errno));
    T_EXPECT(fcntl(a, F_GETFD) == 0 && fcntl(b, F_GETFD) == 0, "FD_CLOEXEC set without asking");
    T_EXPECT(fcntl(c, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC: F_GETFD %d", fcntl(c, F_GETFD));
    T_EXPECT((fcntl(b, F_GETFL) & O_ACCMODE) == O_RDWR, "F_GETFL %#x", fcntl(b, F_GETFL));
    EXPECT_ERR("epoll_create1(1)", ep_create1(1), EINVAL);
    EXPECT_ERR("epoll_create1(O_NONBLOCK)", ep_create1(O_NONBLOCK), EINVAL);
    char c1;
    EXPECT_ERR("read", read(b, &c1, 1), EINVAL);
    EXPECT_ERR("write", write(b, &c1, 1), EINVAL);
    EXPECT_RET("lseek", lseek(b, 0, SEEK_CUR), 0);
}

static void case_level(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 7);
    expect_n("empty", ep, 0, 0, NULL);
    put(p[1], 2);
    expect_one("written", ep, EPOLLIN, 7);
    expect_one("again (level)", ep, EPOLLIN, 7);
    take(p[0], 1);
    expect_one("half read", ep, EPOLLIN, 7);
    take(p[0], 1);
    expect_n("all read", ep, 0, 0, NULL);
}

static void case_edge(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLET, 8);
    put(p[1], 1);
    expect_one("written", ep, EPOLLIN, 8);
    expect_n("no new edge", ep, 0, 0, NULL);
    put(p[1], 1);
    expect_one("second write", ep, EPOLLIN, 8);
    take(p[0], 2);
    expect_n("read", ep, 0, 0, NULL);
    /* Ready when added: reported once. */
    int q[2];
    new_pipe(q);
    put(q[1], 1);
    add(ep, q[0], EPOLLIN | EPOLLET, 9);
    expect_one("ready at ADD", ep, EPOLLIN, 9);
    expect_n("ready at ADD, again", ep, 0, 0, NULL);
}

static void case_oneshot(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN | EPOLLONESHOT, 1);
    put(p[1], 1);
    expect_one("first", ep, EPOLLIN, 1);
    expect_n("spent", ep, 0, 0, NULL);
    put(p[1], 1);
    expect_n("spent, written again", ep, 0, 0, NULL);
    close(p[1]);
    expect_n("spent, hang-up", ep, 0, 0, NULL);
    mod(ep, p[0], EPOLLIN | EPOLLONESHOT, 2);
    expect_one("re-armed", ep, EPOLLIN | EPOLLHUP, 2);
    expect_n("spent again", ep, 0, 0, NULL);
    EXPECT_ERR("ADD again", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){EPOLLIN, {0}}),
               EEXIST);
}

/* MOD takes effect at once: new events and data, polled again. */
static void case_mod(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLOUT, 1);
    put(p[1], 1);
    expect_n("read end wanting OUT", ep, 0, 0, NULL);
    mod(ep, p[0], EPOLLIN, 2);
    expect_one("MOD to IN", ep, EPOLLIN, 2);
    mod(ep, p[0], EPOLLIN | EPOLLET, 3);
    expect_one("MOD to IN|ET", ep, EPOLLIN, 3);
    expect_n("edge spent", ep, 0, 0, NULL);
    mod(ep, p[0], EPOLLIN | EPOLLET, 4);
    expect_one("MOD again re-polls", ep, EPOLLIN, 4);
    struct epoll_event ev = {EPOLLIN, {0}};
    EXPECT_RET("DEL", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
    expect_n("deleted", ep, 0, 0, NULL);
    EXPECT_ERR("MOD deleted", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    EXPECT_ERR("DEL deleted", ep_ctl(ep, EPOLL_CTL_DEL, p[0], &ev), ENOENT);
}

/* Ready items come in the order they became ready; those maxevents left
 * out come first next time, before the level-triggered ones reported. */
static void case_order(void)
{
    int ep = new_ep(), p[3][2];
    struct epoll_event evs[3];
    for (int i = 0; i < 3; i++) {
        new_pipe(p[i]);
        add(ep, p[i][0], EPOLLIN, (uint64_t)i);
    }
    for (int i = 0; i < 3; i++)
        put(p[i][1], 1);
    EXPECT_RET("maxevents 2", ep_wait(ep, evs, 2, 0), 2);
    T_EXPECT(evs[0].data.u64 == 0 && evs[1].data.u64 == 1, "first: %llu %llu",
             (unsigned long long)evs[0].data.u64, (unsigned long long)evs[1].data.u64);
    EXPECT_RET("maxevents 2 again", ep_wait(ep, evs, 2, 0), 2);
    T_EXPECT(evs[0].data.u64 == 2 && evs[1].data.u64 == 0, "second: %llu %llu",
             (unsigned long long)evs[0].data.u64, (unsigned long long)evs[1].data.u64);
    EXPECT_RET("maxevents 3", ep_wait(ep, evs, 3, 0), 3);
}

/* Hang-ups and errors come unasked; pipes never say EPOLLRDHUP (Linux
 * reports it for sockets only). */
static void case_hangup(void)
{
    int ep = new_ep(), p[2], q[2];
    new_pipe(p);
    new_pipe(q);
    add(ep, p[0], EPOLLIN | EPOLLRDHUP, 1);
    add(ep, q[1], 0, 2);
    expect_n("nothing yet", ep, 0, 0, NULL);
    close(p[1]);
    expect_one("writer gone", ep, EPOLLHUP, 1);
    close(q[0]);
    EXPECT_RET("DEL 1", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
    struct epoll_event ev;
    expect_n("reader gone", ep, 0, 1, &ev);
    T_EXPECT(ev.data.u64 == 2 && (ev.events & EPOLLERR) && !(ev.events & EPOLLIN),
             "reader gone: events %#x data %llu", ev.events, (unsigned long long)ev.data.u64);
}

/* A write end is writable while PIPE_BUF bytes fit. */
static void case_write_end(void)
{
    int ep = new_ep(), p[2];
    static char buf[65536];
    new_pipe(p);
    add(ep, p[1], EPOLLOUT | EPOLLET, 5);
    expect_one("empty pipe", ep, EPOLLOUT, 5);
    T_EXPECT(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
    while (write(p[1], buf, sizeof(buf)) > 0)
        ;
    T_EXPECT(errno == EAGAIN, "filling: %s", t_errname(errno));
    expect_n("full", ep, 0, 0, NULL);
    T_EXPECT(read(p[0], buf, sizeof(buf)) == (ssize_t)sizeof(buf), "draining");
    expect_one("drained (edge)", ep, EPOLLOUT, 5);
}

static void case_nested(void)
{
    int inner = new_ep(), outer = new_ep(), p[2];
    new_pipe(p);
    add(inner, p[0], EPOLLIN, 1);
    add(outer, inner, EPOLLIN, 2);
    expect_n("outer, nothing", outer, 0, 0, NULL);
    struct pollfd pf = {inner, POLLIN, 0};
    EXPECT_RET("poll inner, nothing", poll(&pf, 1, 0), 0);
    put(p[1], 1);
    expect_one("outer", outer, EPOLLIN, 2);
    EXPECT_RET("poll inner", poll(&pf, 1, 0), 1);
    T_EXPECT(pf.revents == POLLIN, "poll inner: revents %#x", pf.revents);
    expect_one("inner", inner, EPOLLIN, 1);
    take(p[0], 1);
    expect_n("outer, read", outer, 0, 0, NULL);
    EXPECT_RET("poll inner, read", poll(&pf, 1, 0), 0);
    /* A third level, and the outermost woken from its sleep. */
    int top = new_ep();
    add(top, outer, EPOLLIN | EPOLLET, 3);
    pid_t pid = fork();
    if (pid == 0) {
        p_sleep_ms(50);
        put(p[1], 1);
        _exit(0);
    }
    struct epoll_event ev;
    double t0 = p_now_us();
    expect_n("top, woken", top, 5000, 1, &ev);
    T_EXPECT(ev.data.u64 == 3 && ev.events == EPOLLIN, "top: events %#x data %llu", ev.events,
             (unsigned long long)ev.data.u64);
    T_EXPECT(elapsed_ms(t0) < 4000, "top woke after %.0f ms", elapsed_ms(t0));
    p_wait(pid, NULL, 0);
}

/* The item follows the open file: a dup keeps it; the last close removes
 * it, even while it is ready. */
static void case_close(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 1);
    put(p[1], 1);
    int d = dup(p[0]);
    T_EXPECT(d >= 0, "dup: %s", t_errname(errno));
    close(p[0]);
    expect_one("closed, dup open", ep, EPOLLIN, 1);
    EXPECT_ERR("DEL closed fd", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), EBADF);
    EXPECT_ERR("DEL the dup", ep_ctl(ep, EPOLL_CTL_DEL, d, NULL), ENOENT);
    close(d);
    expect_n("last close", ep, 0, 0, NULL);
    /* The number again, on a new pipe: a new item. */
    int q[2];
    new_pipe(q);
    T_EXPECT(q[0] == p[0] || dup2(q[0], p[0]) == p[0], "dup2: %s", t_errname(errno));
    add(ep, p[0], EPOLLIN, 2);
    put(q[1], 1);
    expect_one("new pipe at the number", ep, EPOLLIN, 2);
    /* Closing the epoll fd with items is the instance's end. */
    close(ep);
    EXPECT_ERR("closed epoll", ep_wait(ep, &(struct epoll_event){0, {0}}, 1, 0), EBADF);
}

/* fork shares the instance: what the child adds, the parent sees. */
static void case_fork(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        add(ep, p[0], EPOLLIN, 42);
        put(p[1], 1);
        _exit(0);
    }
    int st;
    T_EXPECT(p_wait(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %s",
             p_status_str(st));
    expect_one("parent", ep, EPOLLIN, 42);
}

/* Two instances watch one pipe, one sleeper on each: an exclusive item
 * wakes one of them, plain ones both. */
static int woken_by_one_write(uint32_t flags)
{
    int p[2], ready[2], said[2];
    new_pipe(p);
    new_pipe(ready);
    new_pipe(said);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        if ((kids[i] = fork()) == 0) {
            int ep = new_ep();
            add(ep, p[0], EPOLLIN | flags, 1);
            put(ready[1], 1);
            struct epoll_event ev;
            if (ep_wait(ep, &ev, 1, 3000) == 1)
                put(said[1], 1);
            _exit(0);
        }
        T_EXPECT(kids[i] > 0, "fork: %s", t_errname(errno));
    }
    take(ready[0], 1);
    take(ready[0], 1);
    p_sleep_ms(200); /* both asleep in epoll_wait */
    put(p[1], 1);
    p_sleep_ms(500);
    T_EXPECT(fcntl(said[0], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK");
    char c[2];
    int n = (int)read(said[0], c, 2);
    for (int i = 0; i < 2; i++)
        kill(kids[i], SIGKILL), p_wait(kids[i], NULL, 0);
    return n < 0 ? 0 : n;
}

static void case_exclusive(void)
{
    int n = woken_by_one_write(EPOLLEXCLUSIVE);
    T_EXPECT(n == 1, "EPOLLEXCLUSIVE: %d of 2 sleepers woken", n);
    n = woken_by_one_write(0);
    T_EXPECT(n == 2, "plain: %d of 2 sleepers woken", n);
}

static void case_exclusive_einval(void)
{
    int ep = new_ep(), other = new_ep(), p[2];
    new_pipe(p);
    struct epoll_event ev = {EPOLLIN | EPOLLEXCLUSIVE, {0}};
    EXPECT_ERR("exclusive epoll target", ep_ctl(ep, EPOLL_CTL_ADD, other, &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT;
    EXPECT_ERR("exclusive + ONESHOT", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP;
    EXPECT_ERR("exclusive + RDHUP", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE | EPOLLPRI;
    EXPECT_ERR("exclusive + PRI", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLWAKEUP | EPOLLEXCLUSIVE;
    EXPECT_RET("exclusive ADD", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    ev.events = EPOLLIN;
    EXPECT_ERR("MOD of an exclusive item", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    EXPECT_ERR("MOD with exclusive", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
    EXPECT_RET("DEL exclusive", ep_ctl(ep, EPOLL_CTL_DEL, p[0], &ev), 0);
    EXPECT_RET("re-ADD", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &(struct epoll_event){EPOLLIN, {0}}), 0);
    EXPECT_ERR("MOD to exclusive", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), EINVAL);
}

static void case_errors(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    struct epoll_event ev = {EPOLLIN, {0}}, evs[2];
    EXPECT_ERR("bad epfd", ep_ctl(-1, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    EXPECT_ERR("closed epfd", ep_ctl(1000, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    EXPECT_ERR("bad fd", ep_ctl(ep, EPOLL_CTL_ADD, -1, &ev), EBADF);
    EXPECT_ERR("closed fd", ep_ctl(ep, EPOLL_CTL_ADD, 1000, &ev), EBADF);
    EXPECT_ERR("epfd a pipe", ep_ctl(p[1], EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    EXPECT_ERR("itself", ep_ctl(ep, EPOLL_CTL_ADD, ep, &ev), EINVAL);
    EXPECT_ERR("op 0", ep_ctl(ep, 0, p[0], &ev), EINVAL);
    EXPECT_ERR("op 4", ep_ctl(ep, 4, p[0], &ev), EINVAL);
    EXPECT_ERR("MOD unknown", ep_ctl(ep, EPOLL_CTL_MOD, p[0], &ev), ENOENT);
    EXPECT_ERR("DEL unknown", ep_ctl(ep, EPOLL_CTL_DEL, p[0], &ev), ENOENT);
    EXPECT_RET("ADD", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
    EXPECT_ERR("ADD twice", ep_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), EEXIST);
    int d = dup(p[0]);
    EXPECT_RET("ADD a dup (its own key)", ep_ctl(ep, EPOLL_CTL_ADD, d, &ev), 0);
    /* What cannot be polled. */
    int reg = open("/tmp/epoll-reg", O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(reg >= 0, "open /tmp/epoll-reg: %s", t_errname(errno));
    unlink("/tmp/epoll-reg");
    EXPECT_ERR("regular file", ep_ctl(ep, EPOLL_CTL_ADD, reg, &ev), EPERM);
    int dir = open("/", O_RDONLY | O_DIRECTORY);
    EXPECT_ERR("directory", ep_ctl(ep, EPOLL_CTL_ADD, dir, &ev), EPERM);
    EXPECT_ERR("regular file as epfd", ep_ctl(reg, EPOLL_CTL_ADD, p[0], &ev), EINVAL);
    int path = open("/", O_PATH);
    EXPECT_ERR("O_PATH fd", ep_ctl(ep, EPOLL_CTL_ADD, path, &ev), EBADF);
    EXPECT_ERR("O_PATH epfd", ep_ctl(path, EPOLL_CTL_ADD, p[0], &ev), EBADF);
    /* EPOLLWAKEUP is taken and never reported. */
    int q[2];
    new_pipe(q);
    ev.events = EPOLLIN | EPOLLWAKEUP;
    EXPECT_RET("EPOLLWAKEUP", ep_ctl(ep, EPOLL_CTL_ADD, q[0], &ev), 0);
    EXPECT_RET("DEL", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), 0);
    EXPECT_RET("DEL dup", ep_ctl(ep, EPOLL_CTL_DEL, d, NULL), 0);
    put(q[1], 1);
    expect_one("EPOLLWAKEUP item", ep, EPOLLIN, 0);
    /* epoll_wait's own. */
    EXPECT_ERR("maxevents 0", ep_wait(ep, evs, 0, 0), EINVAL);
    EXPECT_ERR("maxevents -1", ep_wait(ep, evs, -1, 0), EINVAL);
    EXPECT_ERR("maxevents INT_MAX", ep_wait(ep, evs, INT_MAX, 0), EINVAL);
    EXPECT_ERR("maxevents 0, bad epfd (the fd first)", ep_wait(-1, evs, 0, 0), EBADF);
    EXPECT_ERR("wait bad epfd", ep_wait(-1, evs, 1, 0), EBADF);
    EXPECT_ERR("wait on a pipe", ep_wait(p[0], evs, 1, 0), EINVAL);
    EXPECT_ERR("wait O_PATH", ep_wait(path, evs, 1, 0), EBADF);
}

static void case_eloop(void)
{
    int a = new_ep(), b = new_ep(), c = new_ep();
    add(b, a, EPOLLIN, 0);
    EXPECT_ERR("a in b in a", ep_ctl(a, EPOLL_CTL_ADD, b, &(struct epoll_event){EPOLLIN, {0}}),
               ELOOP);
    add(c, b, EPOLLIN, 0);
    EXPECT_ERR("a in b in c in a", ep_ctl(a, EPOLL_CTL_ADD, c, &(struct epoll_event){EPOLLIN, {0}}),
               ELOOP);
    EXPECT_ERR("MOD of an item that is not", ep_ctl(a, EPOLL_CTL_MOD, c, &(struct epoll_event){0}),
               ENOENT);
}

/* A chain of 5 instances (each inside the next) is the deepest; built from
 * the bottom up and from the top down. */
static void case_nest_depth(void)
{
    struct epoll_event ev = {EPOLLIN, {0}};
    int e[6];
    for (int i = 0; i < 6; i++)
        e[i] = new_ep();
    for (int i = 0; i < 4; i++)
        EXPECT_RET("up: e[i] in e[i+1]", ep_ctl(e[i + 1], EPOLL_CTL_ADD, e[i], &ev), 0);
    EXPECT_ERR("up: sixth level", ep_ctl(e[5], EPOLL_CTL_ADD, e[4], &ev), ELOOP);
    int f[6];
    for (int i = 0; i < 6; i++)
        f[i] = new_ep();
    for (int i = 0; i < 4; i++)
        EXPECT_RET("down: f[i+1] in f[i]", ep_ctl(f[i], EPOLL_CTL_ADD, f[i + 1], &ev), 0);
    EXPECT_ERR("down: sixth level", ep_ctl(f[4], EPOLL_CTL_ADD, f[5], &ev), ELOOP);
    /* Two chains of 3 joined: 6 levels. */
    int g[6];
    for (int i = 0; i < 6; i++)
        g[i] = new_ep();
    for (int i = 0; i < 2; i++) {
        EXPECT_RET("g low", ep_ctl(g[i + 1], EPOLL_CTL_ADD, g[i], &ev), 0);
        EXPECT_RET("g high", ep_ctl(g[i + 4], EPOLL_CTL_ADD, g[i + 3], &ev), 0);
    }
    EXPECT_ERR("joined: 6 levels", ep_ctl(g[3], EPOLL_CTL_ADD, g[2], &ev), ELOOP);
    EXPECT_RET("joined: 5 levels", ep_ctl(g[3], EPOLL_CTL_ADD, g[1], &ev), 0);
    /* A pipe at the bottom of the 5: its write reaches the top. */
    int p[2];
    new_pipe(p);
    add(e[0], p[0], EPOLLIN, 0);
    put(p[1], 1);
    expect_n("top of five", e[4], 0, 1, NULL);
}

static void case_efault(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    void *gone = unmapped_page(), *kernel = (void *)0xffff800000000000ul;
    EXPECT_ERR("ADD NULL event", ep_ctl(ep, EPOLL_CTL_ADD, p[0], NULL), EFAULT);
    EXPECT_ERR("MOD NULL event", ep_ctl(ep, EPOLL_CTL_MOD, p[0], NULL), EFAULT);
    EXPECT_ERR("bad op, NULL event", ep_ctl(ep, 9, p[0], NULL), EFAULT);
    EXPECT_ERR("ADD unmapped event", ep_ctl(ep, EPOLL_CTL_ADD, p[0], gone), EFAULT);
    EXPECT_ERR("DEL NULL event, unknown", ep_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT);
    add(ep, p[0], EPOLLIN | EPOLLET, 6);
    EXPECT_ERR("kernel events", ep_wait(ep, kernel, 1, 0), EFAULT);
    EXPECT_RET("unmapped events, none ready", ep_wait(ep, gone, 1, 0), 0);
    put(p[1], 1);
    EXPECT_ERR("unmapped events", ep_wait(ep, gone, 1, 0), EFAULT);
    expect_one("kept after EFAULT (edge)", ep, EPOLLIN, 6);
    struct epoll_event evs[2];
    EXPECT_ERR("pwait2 bad timespec", ep_pwait2(ep, evs, 2, gone, NULL), EFAULT);
    struct timespec bad = {0, 1000000000};
    EXPECT_ERR("pwait2 nsec 1e9", ep_pwait2(ep, evs, 2, &bad, NULL), EINVAL);
    bad = (struct timespec){-1, 0};
    EXPECT_ERR("pwait2 negative", ep_pwait2(ep, evs, 2, &bad, NULL), EINVAL);
    EXPECT_ERR("pwait bad mask", ep_pwait(ep, evs, 2, 0, gone), EFAULT);
    sigset_t none;
    sigemptyset(&none);
    EXPECT_ERR("pwait mask size 4", (int)syscall(SYS_epoll_pwait, ep, evs, 2, 0, &none, 4), EINVAL);
    EXPECT_ERR("pwait2 mask size 16", (int)syscall(SYS_epoll_pwait2, ep, evs, 2, NULL, &none, 16),
               EINVAL);
}

static void case_timeouts(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 0);
    struct epoll_event ev;
    double t0 = p_now_us();
    EXPECT_RET("timeout 0", ep_wait(ep, &ev, 1, 0), 0);
    T_EXPECT(elapsed_ms(t0) < 500, "timeout 0 took %.0f ms", elapsed_ms(t0));
    t0 = p_now_us();
    EXPECT_RET("timeout 100 ms", ep_wait(ep, &ev, 1, 100), 0);
    double ms = elapsed_ms(t0);
    T_EXPECT(ms >= 99 && ms < 3000, "timeout 100 ms took %.1f ms", ms);
    struct timespec ts = {0, 50000000};
    t0 = p_now_us();
    EXPECT_RET("pwait2 50 ms", ep_pwait2(ep, &ev, 1, &ts, NULL), 0);
    ms = elapsed_ms(t0);
    T_EXPECT(ms >= 49 && ms < 3000, "pwait2 50 ms took %.1f ms", ms);
    ts = (struct timespec){0, 0};
    EXPECT_RET("pwait2 zero", ep_pwait2(ep, &ev, 1, &ts, NULL), 0);
    t0 = p_now_us();
    EXPECT_RET("pwait 30 ms", ep_pwait(ep, &ev, 1, 30, NULL), 0);
    T_EXPECT(elapsed_ms(t0) >= 29, "pwait 30 ms took %.1f ms", elapsed_ms(t0));
    put(p[1], 1);
    t0 = p_now_us();
    EXPECT_RET("pwait2 NULL, ready", ep_pwait2(ep, &ev, 1, NULL, NULL), 1);
    EXPECT_RET("epoll_wait -1, ready", ep_wait(ep, &ev, 1, -1), 1);
    T_EXPECT(elapsed_ms(t0) < 1000, "ready calls took %.0f ms", elapsed_ms(t0));
}

/* A sleeper with no timeout, woken by a write from another process. */
static void case_wakeup(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 11);
    pid_t pid = fork();
    if (pid == 0) {
        p_sleep_ms(100);
        put(p[1], 1);
        _exit(0);
    }
    struct epoll_event ev;
    EXPECT_RET("woken", ep_wait(ep, &ev, 1, -1), 1);
    T_EXPECT(ev.data.u64 == 11 && ev.events == EPOLLIN, "events %#x data %llu", ev.events,
             (unsigned long long)ev.data.u64);
    p_wait(pid, NULL, 0);
}

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
    (void)sig;
    handled++;
}

/* epoll_pwait's mask is the one while it waits: a pending signal it
 * unblocks interrupts (EINTR, never restarted); when events are ready
 * instead, the caller's mask is back at once and the signal stays pending. */
static void case_pwait_mask(void)
{
    int ep = new_ep(), p[2];
    new_pipe(p);
    add(ep, p[0], EPOLLIN, 0);
    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t block, none, pending;
    sigemptyset(&block);
    sigemptyset(&none);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    struct epoll_event ev;
    EXPECT_ERR("pwait, signal unblocked", ep_pwait(ep, &ev, 1, 2000, &none), EINTR);
    T_EXPECT(handled == 1, "handler ran %d times", (int)handled);
    raise(SIGUSR1);
    put(p[1], 1);
    EXPECT_RET("pwait, ready", ep_pwait(ep, &ev, 1, 2000, &none), 1);
    T_EXPECT(handled == 1, "ready: handler ran (%d)", (int)handled);
    sigpending(&pending);
    T_EXPECT(sigismember(&pending, SIGUSR1), "ready: SIGUSR1 no longer pending");
    struct timespec ts = {2, 0};
    take(p[0], 1);
    EXPECT_ERR("pwait2, signal unblocked", ep_pwait2(ep, &ev, 1, &ts, &none), EINTR);
    T_EXPECT(handled == 2, "pwait2: handler ran %d times", (int)handled);
    /* Blocked by the mask given: the wait times out. */
    raise(SIGUSR1);
    EXPECT_RET("pwait, signal kept blocked", ep_pwait(ep, &ev, 1, 50, &block), 0);
    T_EXPECT(handled == 2, "blocked: handler ran");
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    T_EXPECT(handled == 3, "unblocked: handler ran %d times", (int)handled);
    /* A signal arriving during a plain epoll_wait: EINTR despite SA_RESTART. */
    pid_t me = getpid(), pid = fork();
    if (pid == 0) {
        p_sleep_ms(100);
        kill(me, SIGUSR1);
        _exit(0);
    }
    EXPECT_ERR("epoll_wait, SA_RESTART", ep_wait(ep, &ev, 1, 5000), EINTR);
    T_EXPECT(handled == 4, "epoll_wait: handler ran %d times", (int)handled);
    p_wait(pid, NULL, 0);
}

/* The console (Uniplex only: the host's descriptors may be anything). */
static void case_console(void)
{
    int ep = new_ep();
    int fd = open("/dev/console", O_RDWR);
    T_EXPECT(fd >= 0, "open /dev/console: %s", t_errname(errno));
    add(ep, fd, EPOLLOUT, 1);
    expect_one("console writable", ep, EPOLLOUT, 1);
    mod(ep, fd, EPOLLIN, 2);
    expect_n("console: no input", ep, 0, 0, NULL);
    struct pollfd pf = {ep, POLLIN, 0};
    EXPECT_RET("poll the epoll fd", poll(&pf, 1, 0), 0);
}

/* N pipes watched, one written: us per round trip (write a byte,
 * epoll_wait, read it back), the right one reported each time. */
static double one_ready(int n)
{
    int ep = new_ep(), (*p)[2] = calloc((size_t)n, sizeof(*p));
    T_EXPECT(p != NULL, "calloc");
    for (int i = 0; i < n; i++) {
        new_pipe(p[i]);
        add(ep, p[i][0], EPOLLIN, (uint64_t)i);
    }
    int hot = n / 2;
    struct epoll_event evs[8];
    double t0 = p_now_us();
    for (int r = 0; r < ROUNDS; r++) {
        put(p[hot][1], 1);
        int got = ep_wait(ep, evs, 8, 1000);
        T_EXPECT(got == 1 && evs[0].data.u64 == (uint64_t)hot && evs[0].events == EPOLLIN,
                 "%d watched: %d events, first %llu %#x", n, got,
                 (unsigned long long)evs[0].data.u64, evs[0].events);
        take(p[hot][0], 1);
    }
    double us = (p_now_us() - t0) / ROUNDS;
    for (int i = 0; i < n; i++)
        close(p[i][0]), close(p[i][1]);
    close(ep);
    free(p);
    return us;
}

/* 10,000 pipes are 20,000 descriptors: past the usual hard limit, which
 * only a privileged process may raise. Where it cannot (a host without
 * CAP_SYS_RESOURCE), as many pipes as the hard limit allows, said so. */
static int big_count(void)
{
    struct rlimit rl = {2 * NBIG + 64, 2 * NBIG + 64}, hard;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
        return NBIG;
    T_EXPECT(getrlimit(RLIMIT_NOFILE, &hard) == 0, "getrlimit: %s", t_errname(errno));
    hard.rlim_cur = hard.rlim_max;
    T_EXPECT(setrlimit(RLIMIT_NOFILE, &hard) == 0, "RLIMIT_NOFILE: %s", t_errname(errno));
    int n = (int)((hard.rlim_max - 64) / 2);
    printf("epoll-scale: RLIMIT_NOFILE cannot be raised past %llu here: %d pipes, not %d\n",
           (unsigned long long)hard.rlim_max, n, NBIG);
    return n;
}

static void case_scale(void)
{
    int sizes[] = {1, 100, big_count()};
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        double us = one_ready(sizes[i]);
        printf("epoll-scale: %d watched, 1 ready: %.2f us per write + epoll_wait + read\n",
               sizes[i], us);
        fflush(stdout);
    }
}

static const struct {
    const char *name;
    void (*fn)(void);
    int uniplex_only;
    unsigned alarm_s;
} cases[] = {
    {"create", case_create, 0, ALARM_S},
    {"level-triggered", case_level, 0, ALARM_S},
    {"edge-triggered", case_edge, 0, ALARM_S},
    {"oneshot-mod-rearms", case_oneshot, 0, ALARM_S},
    {"mod", case_mod, 0, ALARM_S},
    {"ready-order-maxevents", case_order, 0, ALARM_S},
    {"hangup-err-no-rdhup", case_hangup, 0, ALARM_S},
    {"pipe-write-end", case_write_end, 0, ALARM_S},
    {"nested", case_nested, 0, ALARM_S},
    {"close-removes-dup-keeps", case_close, 0, ALARM_S},
    {"fork-shares", case_fork, 0, ALARM_S},
    {"exclusive-wakes-one", case_exclusive, 0, ALARM_S},
    {"exclusive-einval", case_exclusive_einval, 0, ALARM_S},
    {"errors", case_errors, 0, ALARM_S},
    {"eloop", case_eloop, 0, ALARM_S},
    {"nest-depth", case_nest_depth, 0, ALARM_S},
    {"efault", case_efault, 0, ALARM_S},
    {"timeouts", case_timeouts, 0, ALARM_S},
    {"wakeup", case_wakeup, 0, ALARM_S},
    {"pwait-sigmask", case_pwait_mask, 0, ALARM_S},
    {"console", case_console, 1, ALARM_S},
    {"scale-10000-one-ready", case_scale, 0, BIG_ALARM_S},
};

int main(int argc, char **argv)
{
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *name = cases[i].name;
        char why[300];
        int st = 0;
        if (!t_case_named(argc, argv, name))
            continue;
        if (cases[i].uniplex_only && !t_uniplex()) {
            t_skip_host(name);
            continue;
        }
        if (t_case_run(name, cases[i].fn, cases[i].alarm_s, T_CASE_GROUP, why, sizeof(why), &st) &&
            t_case_passed(name, why, st))
            t_ok(name);
    }
    return t_done("epoll");
}
