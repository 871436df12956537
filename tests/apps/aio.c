/* aio: Linux native AIO through the raw calls (no libaio) — io_setup,
 * io_destroy, io_submit, io_cancel, io_getevents, io_pgetevents: the
 * completion ring's header as libaio reads it, every opcode (PREAD,
 * PWRITE, PREADV, PWRITEV, FSYNC, FDSYNC, POLL; NOOP refused), eventfd
 * notification, a pipe read that waits in io_submit for a later write
 * (Linux does it so for files without O_DIRECT), getevents' timeout,
 * min_nr and EINTR, io_cancel of a waiting poll, io_destroy with one
 * pending, the ring's slots (EAGAIN), fork (the child has no context),
 * exec (the new image has neither context nor ring), and the EINVAL,
 * EFAULT, EBADF and EAGAIN cases. Each case runs in a
 * child of its own.
 *
 * usage: aio [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

#define BAD_PTR ((void *)8)

typedef unsigned long aio_ctx;

enum {
    CMD_PREAD = 0,
    CMD_PWRITE = 1,
    CMD_FSYNC = 2,
    CMD_FDSYNC = 3,
    CMD_POLL = 5,
    CMD_NOOP = 6,
    CMD_PREADV = 7,
    CMD_PWRITEV = 8
};
#define FLAG_RESFD 1

struct iocb_ {
    uint64_t data;
    uint32_t key, rw_flags;
    uint16_t opcode;
    int16_t reqprio;
    uint32_t fildes;
    uint64_t buf, nbytes;
    int64_t offset;
    uint64_t reserved2;
    uint32_t flags, resfd;
};

struct event_ {
    uint64_t data, obj;
    int64_t res, res2;
};

struct ring_ {
    unsigned id, nr, head, tail, magic, compat, incompat, header_length;
    struct event_ ev[];
};

static long setup_(unsigned nr, aio_ctx *c)
{
    return syscall(SYS_io_setup, nr, c);
}

static long destroy_(aio_ctx c)
{
    return syscall(SYS_io_destroy, c);
}

static long submit_(aio_ctx c, long n, struct iocb_ **v)
{
    return syscall(SYS_io_submit, c, n, v);
}

static long submit1(aio_ctx c, struct iocb_ *cb)
{
    return submit_(c, 1, &cb);
}

static long getev_(aio_ctx c, long min, long nr, struct event_ *ev, struct timespec *ts)
{
    return syscall(SYS_io_getevents, c, min, nr, ev, ts);
}

static long cancel_(aio_ctx c, struct iocb_ *cb, struct event_ *ev)
{
    return syscall(SYS_io_cancel, c, cb, ev);
}

static struct timespec zero_ts;

static aio_ctx ctx_new(unsigned nr)
{
    aio_ctx c = 0;
    T_EXPECT(setup_(nr, &c) == 0, "io_setup(%u): %s", nr, t_errname(errno));
    return c;
}

static struct iocb_ cb_make(int op, int fd, void *buf, uint64_t n, int64_t off, uint64_t data)
{
    struct iocb_ cb;
    memset(&cb, 0, sizeof cb);
    cb.opcode = (uint16_t)op;
    cb.fildes = (uint32_t)fd;
    cb.buf = (uint64_t)(uintptr_t)buf;
    cb.nbytes = n;
    cb.offset = off;
    cb.data = data;
    return cb;
}

/* One event, waiting for it: its result, after checking what it names. */
static int64_t one_event(aio_ctx c, struct iocb_ *cb)
{
    struct event_ ev;
    EXPECT_RET("one event", getev_(c, 1, 1, &ev, NULL), 1);
    T_EXPECT(ev.obj == (uint64_t)(uintptr_t)cb, "obj %#llx, not the iocb",
             (unsigned long long)ev.obj);
    T_EXPECT(ev.data == cb->data, "data %llu, not %llu", (unsigned long long)ev.data,
             (unsigned long long)cb->data);
    T_EXPECT(ev.res2 == 0, "res2 %lld", (long long)ev.res2);
    return ev.res;
}

static int tmp_file(void)
{
    char path[] = "/tmp/aio-XXXXXX";
    int fd = mkstemp(path);
    T_EXPECT(fd >= 0, "mkstemp: %s", t_errname(errno));
    unlink(path);
    return fd;
}

/* The ring is mapped at the context's id with Linux's header. */
static void ring_header(void)
{
    aio_ctx c = ctx_new(1);
    struct ring_ *r = (struct ring_ *)c;
    T_EXPECT(r->magic == 0xa10a10a1u, "magic %#x", r->magic);
    T_EXPECT(r->compat == 1 && r->incompat == 0, "features %u/%u", r->compat, r->incompat);
    T_EXPECT(r->header_length == sizeof(struct ring_), "header length %u", r->header_length);
    T_EXPECT(r->nr >= 1 && r->head == 0 && r->tail == 0, "nr %u head %u tail %u", r->nr, r->head,
             r->tail);
    aio_ctx c2 = ctx_new(100);
    T_EXPECT(((struct ring_ *)c2)->nr >= 100, "nr %u", ((struct ring_ *)c2)->nr);
    T_EXPECT(((struct ring_ *)c2)->id != r->id, "the same id");
    EXPECT_RET("io_destroy", destroy_(c), 0);
    EXPECT_ERR("io_destroy again", destroy_(c), EINVAL);
    EXPECT_RET("io_destroy of the other", destroy_(c2), 0);
}

static void setup_errors(void)
{
    aio_ctx c = 0;
    EXPECT_ERR("a bad ctxp", setup_(1, BAD_PTR), EFAULT);
    EXPECT_ERR("no events", setup_(0, &c), EINVAL);
    c = 1;
    EXPECT_ERR("a non-zero *ctxp", setup_(1, &c), EINVAL);
    c = 0;
    EXPECT_ERR("more than aio-max-nr", setup_(65537, &c), EAGAIN);
    EXPECT_ERR("too many for a ring", setup_(5000000, &c), EINVAL);
    EXPECT_ERR("io_destroy of no context", destroy_(12345), EINVAL);
    EXPECT_ERR("io_destroy of 0", destroy_(0), EINVAL);
    T_EXPECT(c == 0, "*ctxp written");
}

/* aio-max-nr counts every context's events (the host's may be in use). */
static void setup_limit(void)
{
    if (!t_uniplex())
        return;
    aio_ctx big = 0, c = 0;
    EXPECT_RET("all of aio-max-nr", setup_(65536, &big), 0);
    EXPECT_ERR("one more", setup_(1, &c), EAGAIN);
    EXPECT_RET("io_destroy", destroy_(big), 0);
    EXPECT_RET("room again", setup_(1, &c), 0);
}

static void rw_file(void)
{
    aio_ctx c = ctx_new(8);
    int fd = tmp_file();
    char out[] = "hello, aio", in[32] = {0};
    struct iocb_ w = cb_make(CMD_PWRITE, fd, out, 10, 5, 41);
    w.key = 99;
    EXPECT_RET("submit a pwrite", submit1(c, &w), 1);
    T_EXPECT(w.key == 0, "aio_key %u, not 0", w.key);
    EXPECT_RET("pwrite's result", one_event(c, &w), 10);
    EXPECT_RET("the file offset stayed", lseek(fd, 0, SEEK_CUR), 0);
    struct iocb_ r = cb_make(CMD_PREAD, fd, in, sizeof in, 5, 42);
    EXPECT_RET("submit a pread", submit1(c, &r), 1);
    EXPECT_RET("pread's result", one_event(c, &r), 10);
    T_EXPECT(!memcmp(in, out, 10), "read %s", in);
    char a[3] = "abc", b[4] = "defg", x[3], y[4];
    struct iovec wv[2] = {{a, 3}, {b, 4}}, rv[2] = {{x, 3}, {y, 4}};
    struct iocb_ wv_cb = cb_make(CMD_PWRITEV, fd, wv, 2, 100, 43);
    EXPECT_RET("submit a pwritev", submit1(c, &wv_cb), 1);
    EXPECT_RET("pwritev's result", one_event(c, &wv_cb), 7);
    struct iocb_ rv_cb = cb_make(CMD_PREADV, fd, rv, 2, 100, 44);
    EXPECT_RET("submit a preadv", submit1(c, &rv_cb), 1);
    EXPECT_RET("preadv's result", one_event(c, &rv_cb), 7);
    T_EXPECT(!memcmp(x, "abc", 3) && !memcmp(y, "defg", 4), "preadv read other bytes");
    struct iocb_ eof = cb_make(CMD_PREAD, fd, in, sizeof in, 4096, 45);
    EXPECT_RET("submit a read past the end", submit1(c, &eof), 1);
    EXPECT_RET("its result", one_event(c, &eof), 0);
    struct iocb_ bad = cb_make(CMD_PREAD, fd, BAD_PTR, 4, 0, 46);
    EXPECT_RET("a bad buffer inside the window is submitted", submit1(c, &bad), 1);
    EXPECT_RET("its result", one_event(c, &bad), -EFAULT);
    EXPECT_RET("io_destroy", destroy_(c), 0);
}

/* Several at once: one io_submit, events in order, one getevents. */
static void rw_batch(void)
{
    aio_ctx c = ctx_new(8);
    int fd = tmp_file();
    char buf[4][2] = {"a", "b", "c", "d"};
    struct iocb_ cb[4], *v[4];
    for (int i = 0; i < 4; i++) {
        cb[i] = cb_make(CMD_PWRITE, fd, buf[i], 1, i, (uint64_t)i);
        v[i] = &cb[i];
    }
    EXPECT_RET("submit four", submit_(c, 4, v), 4);
    struct event_ ev[8];
    EXPECT_RET("four events", getev_(c, 4, 8, ev, NULL), 4);
    for (int i = 0; i < 4; i++)
        T_EXPECT(ev[i].data == (uint64_t)i && ev[i].res == 1, "event %d: data %llu res %lld", i,
                 (unsigned long long)ev[i].data, (long long)ev[i].res);
    char got[5] = {0};
    T_EXPECT(pread(fd, got, 4, 0) == 4 && !strcmp(got, "abcd"), "file holds %s", got);
}

static void fsync_ops(void)
{
    aio_ctx c = ctx_new(4);
    int fd = tmp_file(), p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iocb_ s = cb_make(CMD_FSYNC, fd, 0, 0, 0, 1), d = cb_make(CMD_FDSYNC, fd, 0, 0, 0, 2);
    EXPECT_RET("submit fsync", submit1(c, &s), 1);
    EXPECT_RET("fsync's result", one_event(c, &s), 0);
    EXPECT_RET("submit fdatasync", submit1(c, &d), 1);
    EXPECT_RET("fdatasync's result", one_event(c, &d), 0);
    struct iocb_ pf = cb_make(CMD_FSYNC, p[0], 0, 0, 0, 3);
    EXPECT_ERR("fsync of a pipe", submit1(c, &pf), EINVAL);
    struct iocb_ nb = cb_make(CMD_FSYNC, fd, 0, 1, 0, 4);
    EXPECT_ERR("fsync with a count", submit1(c, &nb), EINVAL);
    struct iocb_ fl = cb_make(CMD_FDSYNC, fd, 0, 0, 0, 5);
    fl.rw_flags = 2;
    EXPECT_ERR("fdatasync with rw flags", submit1(c, &fl), EINVAL);
    struct iocb_ noop = cb_make(CMD_NOOP, fd, 0, 0, 0, 6), odd = cb_make(99, fd, 0, 0, 0, 7);
    EXPECT_ERR("IOCB_CMD_NOOP", submit1(c, &noop), EINVAL);
    EXPECT_ERR("opcode 99", submit1(c, &odd), EINVAL);
    EXPECT_RET("nothing else completed", getev_(c, 0, 4, (struct event_[4]){}, &zero_ts), 0);
}

/* POLL: at once when ready, else when the file becomes so. */
static void poll_op(void)
{
    aio_ctx c = ctx_new(4);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iocb_ out = cb_make(CMD_POLL, p[1], (void *)(uintptr_t)POLLOUT, 0, 0, 1);
    EXPECT_RET("poll a writable pipe", submit1(c, &out), 1);
    EXPECT_RET("ready at once", one_event(c, &out), POLLOUT);
    struct iocb_ in = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 0, 2);
    EXPECT_RET("poll an empty pipe", submit1(c, &in), 1);
    struct event_ ev;
    EXPECT_RET("not ready", getev_(c, 1, 1, &ev, &zero_ts), 0);
    T_EXPECT(write(p[1], "x", 1) == 1, "write");
    /* a wake-up reports its key: a pipe's readers are woken with IN|RDNORM */
    EXPECT_RET("ready after a write", one_event(c, &in), POLLIN | POLLRDNORM);
    struct iocb_ hup = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLPRI, 0, 0, 3);
    char ch;
    T_EXPECT(read(p[0], &ch, 1) == 1, "read");
    EXPECT_RET("poll for POLLPRI", submit1(c, &hup), 1);
    close(p[1]);
    EXPECT_RET("POLLHUP comes unasked", one_event(c, &hup), POLLHUP);
    struct iocb_ bad = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)0x10000, 0, 0, 4);
    EXPECT_ERR("events past 16 bits", submit1(c, &bad), EINVAL);
    bad = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 1, 4);
    EXPECT_ERR("an offset", submit1(c, &bad), EINVAL);
}

/* RESFD: each completion adds 1 to the eventfd. */
static void eventfd_note(void)
{
    aio_ctx c = ctx_new(4);
    int fd = tmp_file(), efd = eventfd(0, EFD_NONBLOCK), p[2];
    T_EXPECT(efd >= 0 && pipe(p) == 0, "eventfd, pipe");
    /* buffered writes complete inside io_submit on Linux too (its fsyncs go
     * to a worker) */
    struct iocb_ a = cb_make(CMD_PWRITE, fd, "a", 1, 0, 1),
                 b = cb_make(CMD_PWRITE, fd, "b", 1, 1, 2);
    a.flags = b.flags = FLAG_RESFD;
    a.resfd = b.resfd = (uint32_t)efd;
    struct iocb_ *v[2] = {&a, &b};
    EXPECT_RET("submit two", submit_(c, 2, v), 2);
    uint64_t n = 0;
    T_EXPECT(read(efd, &n, 8) == 8 && n == 2, "eventfd says %llu", (unsigned long long)n);
    struct iocb_ w = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 0, 3);
    w.flags = FLAG_RESFD;
    w.resfd = (uint32_t)efd;
    EXPECT_RET("a waiting poll", submit1(c, &w), 1);
    EXPECT_ERR("nothing yet", read(efd, &n, 8), EAGAIN);
    T_EXPECT(write(p[1], "x", 1) == 1, "write");
    struct pollfd pf = {efd, POLLIN, 0}; /* Linux signals from a worker after a wake-up */
    T_EXPECT(poll(&pf, 1, 2000) == 1, "the eventfd was not signalled");
    n = 0;
    T_EXPECT(read(efd, &n, 8) == 8 && n == 1, "eventfd says %llu", (unsigned long long)n);
    struct event_ ev[4];
    EXPECT_RET("the three events", getev_(c, 3, 4, ev, NULL), 3);
    T_EXPECT(ev[2].data == 3 && ev[2].res == (POLLIN | POLLRDNORM), "the poll's event: %llu %lld",
             (unsigned long long)ev[2].data, (long long)ev[2].res);
    struct iocb_ notefd = a;
    notefd.resfd = (uint32_t)fd;
    EXPECT_ERR("resfd not an eventfd", submit1(c, &notefd), EINVAL);
    notefd.resfd = 999;
    EXPECT_ERR("resfd not open", submit1(c, &notefd), EBADF);
}

/* A read of an empty pipe waits in io_submit (as Linux) for the write. */
static void pipe_wait(void)
{
    aio_ctx c = ctx_new(4);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    pid_t w = fork();
    if (w == 0) {
        usleep(200000);
        _exit(write(p[1], "late", 4) == 4 ? 0 : 1);
    }
    char buf[16];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct iocb_ r = cb_make(CMD_PREAD, p[0], buf, sizeof buf, 0, 7);
    EXPECT_RET("submit a pipe read", submit1(c, &r), 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    EXPECT_RET("the bytes written later", one_event(c, &r), 4);
    T_EXPECT(!memcmp(buf, "late", 4), "read other bytes");
    T_EXPECT(ms >= 150, "io_submit returned after %ld ms, before the write", ms);
    int st;
    T_EXPECT(waitpid(w, &st, 0) == w && st == 0, "writer");
}

static void on_sig(int s)
{
    (void)s;
}

/* A relative timeout, min_nr, EINTR. */
static void getevents_wait(void)
{
    aio_ctx c = ctx_new(4);
    struct event_ ev[4];
    struct timespec ts = {0, 100000000}, t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    EXPECT_RET("nothing within the timeout", getev_(c, 1, 4, ev, &ts), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    T_EXPECT(ms >= 90, "returned after %ld ms", ms);
    int fd = tmp_file();
    struct iocb_ a = cb_make(CMD_PWRITE, fd, "a", 1, 0, 1),
                 b = cb_make(CMD_PWRITE, fd, "b", 1, 1, 2);
    struct iocb_ *v[2] = {&a, &b};
    EXPECT_RET("submit two", submit_(c, 2, v), 2);
    EXPECT_RET("at most nr", getev_(c, 1, 1, ev, NULL), 1);
    T_EXPECT(ev[0].data == 1, "first event %llu", (unsigned long long)ev[0].data);
    EXPECT_RET("what there is when min_nr is not reached", getev_(c, 2, 4, ev, &ts), 1);
    T_EXPECT(ev[0].data == 2, "second event %llu", (unsigned long long)ev[0].data);
    EXPECT_RET("min_nr 0, nr 0", getev_(c, 0, 0, ev, NULL), 0);
    struct sigaction sa = {.sa_handler = on_sig};
    sigaction(SIGALRM, &sa, 0);
    ualarm(100000, 0);
    EXPECT_ERR("a signal while waiting", getev_(c, 1, 4, ev, NULL), EINTR);
    alarm(ALARM_S);
}

static void getevents_errors(void)
{
    aio_ctx c = ctx_new(4);
    struct event_ ev[4];
    EXPECT_ERR("min_nr > nr", getev_(c, 2, 1, ev, NULL), EINVAL);
    EXPECT_ERR("nr < 0", getev_(c, 0, -1, ev, NULL), EINVAL);
    EXPECT_ERR("min_nr < 0", getev_(c, -1, 1, ev, NULL), EINVAL);
    EXPECT_ERR("no context", getev_(777, 0, 1, ev, NULL), EINVAL);
    EXPECT_ERR("a bad timeout", getev_(c, 0, 1, ev, BAD_PTR), EFAULT);
    int fd = tmp_file();
    struct iocb_ a = cb_make(CMD_FSYNC, fd, 0, 0, 0, 1);
    EXPECT_RET("submit", submit1(c, &a), 1);
    EXPECT_ERR("a bad event buffer", getev_(c, 1, 1, BAD_PTR, NULL), EFAULT);
    EXPECT_RET("the event stayed", one_event(c, &a), 0);
}

/* io_pgetevents: the mask in force while waiting. */
static void pgetevents(void)
{
    aio_ctx c = ctx_new(4);
    struct event_ ev[4];
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    struct sigaction sa = {.sa_handler = on_sig};
    sigaction(SIGALRM, &sa, 0);
    struct {
        const sigset_t *m;
        size_t size;
    } sig = {&block, 8}, badsize = {&block, 7}, badmask = {BAD_PTR, 8};
    struct timespec ts = {0, 300000000};
    ualarm(50000, 0);
    EXPECT_RET("SIGALRM held off by the mask", syscall(SYS_io_pgetevents, c, 1, 4, ev, &ts, &sig),
               0);
    alarm(ALARM_S);
    EXPECT_ERR("sigsetsize 7", syscall(SYS_io_pgetevents, c, 1, 4, ev, &ts, &badsize), EINVAL);
    EXPECT_ERR("a bad mask", syscall(SYS_io_pgetevents, c, 1, 4, ev, &ts, &badmask), EFAULT);
    EXPECT_ERR("a bad sigset argument", syscall(SYS_io_pgetevents, c, 1, 4, ev, &ts, BAD_PTR),
               EFAULT);
    EXPECT_RET("no mask", syscall(SYS_io_pgetevents, c, 0, 4, ev, &zero_ts, NULL), 0);
}

/* Only a waiting poll can be cancelled: -EINPROGRESS, its event 0. */
static void cancel_op(void)
{
    aio_ctx c = ctx_new(4);
    int p[2], fd = tmp_file();
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iocb_ w = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 0, 5);
    struct event_ ev;
    EXPECT_RET("a waiting poll", submit1(c, &w), 1);
    EXPECT_ERR("cancel it", cancel_(c, &w, &ev), EINPROGRESS);
    EXPECT_RET("its event", one_event(c, &w), 0);
    EXPECT_ERR("cancel it again", cancel_(c, &w, &ev), EINVAL);
    struct iocb_ s = cb_make(CMD_FSYNC, fd, 0, 0, 0, 6);
    EXPECT_RET("an fsync", submit1(c, &s), 1);
    EXPECT_ERR("cancel a completed one", cancel_(c, &s, &ev), EINVAL);
    EXPECT_ERR("a bad iocb", cancel_(c, BAD_PTR, &ev), EFAULT);
    struct iocb_ k = w;
    k.key = 1;
    EXPECT_ERR("a key not 0", cancel_(c, &k, &ev), EINVAL);
    EXPECT_ERR("no context", cancel_(777, &w, &ev), EINVAL);
}

/* io_destroy with a poll waiting and events unreaped. */
static void destroy_pending(void)
{
    aio_ctx c = ctx_new(4);
    int p[2], fd = tmp_file();
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iocb_ w = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 0, 1);
    struct iocb_ s = cb_make(CMD_FSYNC, fd, 0, 0, 0, 2);
    struct iocb_ *v[2] = {&w, &s};
    EXPECT_RET("submit", submit_(c, 2, v), 2);
    EXPECT_RET("io_destroy", destroy_(c), 0);
    EXPECT_ERR("the context is gone", submit1(c, &s), EINVAL);
    T_EXPECT(write(p[1], "x", 1) == 1, "a write after");
    close(p[0]);
    close(p[1]);
}

static void submit_errors(void)
{
    aio_ctx c = ctx_new(4);
    int fd = tmp_file(), p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    char buf[8];
    struct iocb_ r = cb_make(CMD_PREAD, fd, buf, 8, 0, 1), *v[2] = {&r, BAD_PTR};
    EXPECT_ERR("no context", submit1(777, &r), EINVAL);
    EXPECT_ERR("nr < 0", submit_(c, -1, v), EINVAL);
    EXPECT_RET("nr 0", submit_(c, 0, v), 0);
    EXPECT_ERR("a bad iocb array", submit_(c, 1, BAD_PTR), EFAULT);
    struct iocb_ *bad = BAD_PTR;
    EXPECT_ERR("a bad iocb", submit_(c, 1, &bad), EFAULT);
    EXPECT_RET("a good then a bad one", submit_(c, 2, v), 1);
    EXPECT_RET("the good one's event", one_event(c, &r), 0);
    struct iocb_ e = r;
    e.fildes = 999;
    EXPECT_ERR("fd not open", submit1(c, &e), EBADF);
    e = cb_make(CMD_PREAD, p[1], buf, 8, 0, 1);
    EXPECT_ERR("a read of a write end", submit1(c, &e), EBADF);
    e = cb_make(CMD_PWRITE, p[0], buf, 8, 0, 1);
    EXPECT_ERR("a write of a read end", submit1(c, &e), EBADF);
    e = r;
    e.offset = -1;
    EXPECT_ERR("a negative offset", submit1(c, &e), EINVAL);
    e = r;
    e.reserved2 = 1;
    EXPECT_ERR("aio_reserved2", submit1(c, &e), EINVAL);
    e = r;
    e.nbytes = (uint64_t)-1;
    EXPECT_ERR("a negative count", submit1(c, &e), EINVAL);
    e = r;
    e.rw_flags = 0x80000;
    EXPECT_ERR("an unknown RWF flag", submit1(c, &e), EOPNOTSUPP);
    e = r;
    e.buf = 0xffff800000000000ULL;
    EXPECT_ERR("a kernel buffer", submit1(c, &e), EFAULT);
    struct iovec iv = {buf, 8};
    e = cb_make(CMD_PREADV, fd, BAD_PTR, 1, 0, 1);
    EXPECT_ERR("a bad vector", submit1(c, &e), EFAULT);
    e = cb_make(CMD_PREADV, fd, &iv, 1025, 0, 1);
    EXPECT_ERR("more than IOV_MAX", submit1(c, &e), EINVAL);
    EXPECT_RET("no more events", getev_(c, 0, 1, (struct event_[1]){}, &zero_ts), 0);
}

/* Requests hold ring slots until reaped: io_submit says EAGAIN when none
 * is left, and works again once events are read. */
static void slots_eagain(void)
{
    aio_ctx c = ctx_new(1);
    unsigned nr = ((struct ring_ *)c)->nr;
    int fd = tmp_file();
    struct iocb_ s = cb_make(CMD_FSYNC, fd, 0, 0, 0, 1);
    unsigned n = 0;
    long r;
    while ((r = submit1(c, &s)) == 1 && n <= nr)
        n++;
    T_EXPECT(r == -1 && errno == EAGAIN, "after %u: %ld/%s", n, r, t_errname(errno));
    T_EXPECT(n >= 1 && n < nr, "%u submitted, ring of %u", n, nr);
    struct event_ ev[8];
    EXPECT_RET("reap some", getev_(c, 8 < n ? 8 : n, 8, ev, NULL), 8 < n ? 8 : n);
    EXPECT_RET("room again", submit1(c, &s), 1);
}

/* Linux's ring: the program may read events and move the head itself
 * (libaio's io_getevents does). */
static void ring_user(void)
{
    aio_ctx c = ctx_new(4);
    struct ring_ *ring = (struct ring_ *)c;
    int fd = tmp_file();
    struct iocb_ a = cb_make(CMD_PWRITE, fd, "a", 1, 0, 11),
                 b = cb_make(CMD_PWRITE, fd, "b", 1, 1, 12);
    struct iocb_ *v[2] = {&a, &b};
    EXPECT_RET("submit two (completed inside io_submit)", submit_(c, 2, v), 2);
    unsigned head = ring->head, tail = ring->tail;
    T_EXPECT((tail + ring->nr - head) % ring->nr == 2, "head %u tail %u", head, tail);
    T_EXPECT(ring->ev[head].data == 11 && ring->ev[(head + 1) % ring->nr].data == 12,
             "the ring holds other events");
    ring->head = tail; /* consumed in user space */
    EXPECT_RET("none left for io_getevents", getev_(c, 0, 4, (struct event_[4]){}, &zero_ts), 0);
    struct iocb_ d = cb_make(CMD_FSYNC, fd, 0, 0, 0, 13);
    EXPECT_RET("one more", submit1(c, &d), 1);
    EXPECT_RET("its event", one_event(c, &d), 0);
    T_EXPECT(ring->head == ring->tail, "io_getevents moved the head: %u, tail %u", ring->head,
             ring->tail);
}

/* A forked child has no context (Linux's new mm), but the ring's pages. */
static void fork_ctx(void)
{
    aio_ctx c = ctx_new(4);
    int fd = tmp_file();
    struct iocb_ s = cb_make(CMD_FSYNC, fd, 0, 0, 0, 1);
    pid_t k = fork();
    if (k == 0) {
        aio_ctx mine = 0;
        int ok = submit1(c, &s) == -1 && errno == EINVAL && destroy_(c) == -1 && errno == EINVAL &&
                 ((struct ring_ *)c)->magic == 0xa10a10a1u && setup_(1, &mine) == 0 &&
                 submit1(mine, &s) == 1;
        _exit(ok ? 0 : 1);
    }
    int st;
    T_EXPECT(waitpid(k, &st, 0) == k && st == 0, "the child: %#x", st);
    EXPECT_RET("the parent's still works", submit1(c, &s), 1);
    EXPECT_RET("its event", one_event(c, &s), 0);
}

/* A signal ends a read waiting in io_submit: submitted, its result EINTR
 * (Linux's aio_rw_done), the handler run. */
static int got_sig;
static void count_sig(int s)
{
    (void)s;
    got_sig++;
}

static void pipe_eintr(void)
{
    aio_ctx c = ctx_new(4);
    int p[2];
    char buf[8];
    T_EXPECT(pipe(p) == 0, "pipe");
    struct sigaction sa = {.sa_handler = count_sig};
    sigaction(SIGALRM, &sa, 0);
    ualarm(100000, 0);
    struct iocb_ r = cb_make(CMD_PREAD, p[0], buf, sizeof buf, 0, 9);
    EXPECT_RET("the interrupted read was submitted", submit1(c, &r), 1);
    alarm(ALARM_S);
    T_EXPECT(got_sig == 1, "the handler ran %d times", got_sig);
    EXPECT_RET("its result", one_event(c, &r), -EINTR);
}

/* IOCB_FLAG_IOPRIO: a read or write's priority is checked as ioprio_set's. */
static void ioprio_flag(void)
{
    aio_ctx c = ctx_new(4);
    int fd = tmp_file();
    struct iocb_ w = cb_make(CMD_PWRITE, fd, "x", 1, 0, 1);
    w.flags = 2;
    w.reqprio = (2 << 13) | 4; /* best effort, level 4 */
    EXPECT_RET("a best-effort priority", submit1(c, &w), 1);
    EXPECT_RET("its result", one_event(c, &w), 1);
    w.reqprio = (5 << 13);
    EXPECT_ERR("class 5", submit1(c, &w), EINVAL);
    w.reqprio = -1;
    EXPECT_ERR("a negative one", submit1(c, &w), EINVAL);
    w.flags = 0; /* without the flag the field is not looked at */
    EXPECT_RET("no flag", submit1(c, &w), 1);
}

static long read_num(const char *path)
{
    FILE *f = fopen(path, "r");
    long v = -1;
    T_EXPECT(f && fscanf(f, "%ld", &v) == 1, "%s: %s", path, t_errname(errno));
    fclose(f);
    return v;
}

/* /proc/sys/fs/aio-nr counts what contexts asked for (the host's may have
 * others coming and going). */
static void proc_aio_nr(void)
{
    EXPECT_RET("aio-max-nr", read_num("/proc/sys/fs/aio-max-nr"), 65536);
    if (!t_uniplex())
        return;
    long before = read_num("/proc/sys/fs/aio-nr");
    aio_ctx c = ctx_new(100);
    EXPECT_RET("aio-nr with a context of 100", read_num("/proc/sys/fs/aio-nr"), before + 100);
    EXPECT_RET("io_destroy", destroy_(c), 0);
    EXPECT_RET("aio-nr after", read_num("/proc/sys/fs/aio-nr"), before);
}

/* exec gives the program a new address space: no context, no ring (the
 * new image checks, then says 0). */
static void exec_drops(void)
{
    aio_ctx c = ctx_new(4);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iocb_ w = cb_make(CMD_POLL, p[0], (void *)(uintptr_t)POLLIN, 0, 0, 1);
    EXPECT_RET("a waiting poll", submit1(c, &w), 1);
    char arg[32];
    snprintf(arg, sizeof arg, "%lu", c);
    pid_t k = fork();
    if (k == 0) {
        execl("/proc/self/exe", "aio", "--after-exec", arg, (char *)0);
        _exit(99);
    }
    int st;
    T_EXPECT(waitpid(k, &st, 0) == k && st == 0, "after exec: %#x", st);
}

static int after_exec(const char *arg)
{
    aio_ctx c = strtoul(arg, 0, 10);
    unsigned char v;
    if (destroy_(c) != -1 || errno != EINVAL)
        return 1;
    if (mincore((void *)c, 4096, &v) != -1 || errno != ENOMEM)
        return 2; /* the ring is not mapped */
    return 0;
}

/* io_destroy wakes a thread waiting in io_getevents: EINVAL for it. */
static aio_ctx waiter_ctx;
static long waiter_ret;
static int waiter_errno;

static void *waiter(void *arg)
{
    struct event_ ev;
    (void)arg;
    waiter_ret = getev_(waiter_ctx, 1, 1, &ev, NULL);
    waiter_errno = errno;
    return 0;
}

static void destroy_wakes(void)
{
    waiter_ctx = ctx_new(4);
    pthread_t t;
    T_EXPECT(pthread_create(&t, 0, waiter, 0) == 0, "pthread_create");
    usleep(100000);
    EXPECT_RET("io_destroy", destroy_(waiter_ctx), 0);
    T_EXPECT(pthread_join(t, 0) == 0, "pthread_join");
    T_EXPECT(waiter_ret == -1 && waiter_errno == EINVAL, "the waiter got %ld/%s", waiter_ret,
             t_errname(waiter_errno));
}

static const struct t_case cases[] = {
    {"ring_header", ring_header},
    {"setup_errors", setup_errors},
    {"setup_limit", setup_limit},
    {"rw_file", rw_file},
    {"rw_batch", rw_batch},
    {"fsync_ops", fsync_ops},
    {"poll_op", poll_op},
    {"eventfd_note", eventfd_note},
    {"pipe_wait", pipe_wait},
    {"getevents_wait", getevents_wait},
    {"getevents_errors", getevents_errors},
    {"pgetevents", pgetevents},
    {"cancel_op", cancel_op},
    {"destroy_pending", destroy_pending},
    {"submit_errors", submit_errors},
    {"slots_eagain", slots_eagain},
    {"ring_user", ring_user},
    {"fork_ctx", fork_ctx},
    {"pipe_eintr", pipe_eintr},
    {"ioprio_flag", ioprio_flag},
    {"proc_aio_nr", proc_aio_nr},
    {"exec_drops", exec_drops},
    {"destroy_wakes", destroy_wakes},
};

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--after-exec"))
        return after_exec(argv[2]);
    return t_run_cases("aio", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
