/* fileio: moving bytes between descriptors in the kernel, and locks on
 * files (issue 16, item 7).
 *
 *   sendfile: file to pipe and file to file, with and without an offset
 *   pointer; its errors (EBADF, ESPIPE, EINVAL, EFAULT, EPIPE, EAGAIN)
 *   splice: file to pipe to file with offsets, pipe to pipe, blocking and
 *   SPLICE_F_NONBLOCK, the flags, ESPIPE for a pipe's offset
 *   tee: pipe to pipe without consuming; its errors
 *   copy_file_range: with and without offsets, to EOF, overlap (EINVAL),
 *   EBADF/EISDIR/EINVAL/EFAULT
 *   fallocate: mode 0 grows the file with zeros, FALLOC_FL_KEEP_SIZE,
 *   posix_fallocate; EOPNOTSUPP, ESPIPE, ENODEV, EBADF, EINVAL, EFBIG, ENOSPC
 *   flock: between two processes (EWOULDBLOCK, a blocked one woken by the
 *   unlock, EINTR), shared by the open file description, released with
 *   its last descriptor
 *   record locks: F_SETLK conflicts, F_GETLK naming the holder, F_SETLKW
 *   woken by the release, EDEADLK, split and merged ranges, released when
 *   the process closes any descriptor of the file and at exit, not
 *   inherited by fork; OFD locks (F_OFD_*); EBADF for a type the open mode
 *   does not allow, EINVAL, EFAULT
 *
 * Each case runs in its own child (and process group) under alarm();
 * second processes are its children. Passes on Linux too (6.1 and 6.18,
 * glibc and musl builds): files go to a tmpfs (/dev/shm when there is
 * one, else /tmp; as /init of a Linux guest it mounts one on /tmp, with
 * proc on /proc and devtmpfs on /dev). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S 20

/* Not in every libc's headers. */
#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif

/* What a case shares with its second process (MAP_SHARED, anonymous). */
struct shm {
    volatile int ready; /* the child is about to block */
    volatile int done;  /* the child's call returned */
    volatile long ret;  /* what it returned */
    volatile int err;   /* and errno */
    volatile int handled;
};

static struct shm *S;
static char dir[64]; /* where the files go */
static pid_t helper; /* a case's second process, killed by die() */

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
    va_list ap;
    if (helper > 0) {
        kill(helper, SIGKILL);
        p_wait(helper, NULL, 0);
    }
    va_start(ap, fmt);
    t_case_say(fmt, ap);
    va_end(ap);
    _exit(1);
}

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            die(__VA_ARGS__);                                                                      \
    } while (0)

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(die, what, call, want)

#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(die, what, call, want)

/* ---- helpers ---- */

static char *path_of(const char *name)
{
    static char buf[4][128];
    static int i;
    char *p = buf[i++ % 4];
    snprintf(p, sizeof(buf[0]), "%s/fileio-%d-%s", dir, (int)getpgrp(), name);
    return p;
}

/* A new empty file, by name (the case unlinks it). */
static int open_named(const char *name, int flags)
{
    int fd = open(path_of(name), flags | O_CREAT | O_TRUNC, 0644);
    EXPECT(fd >= 0, "open %s: %s", name, strerror(errno));
    return fd;
}

/* A new empty file, already unlinked: gone with its last descriptor. */
static int open_new(const char *name, int flags)
{
    int fd = open_named(name, flags);
    unlink(path_of(name));
    return fd;
}

/* A new empty file opened read-only (already unlinked). */
static int open_rdonly(const char *name)
{
    close(open_named(name, O_RDWR));
    int fd = open(path_of(name), O_RDONLY);
    EXPECT(fd >= 0, "open %s: %s", name, strerror(errno));
    unlink(path_of(name));
    return fd;
}

/* byte i of the test pattern */
static unsigned char pat(long i)
{
    return (unsigned char)(i * 7 + i / 251);
}

/* A new file (O_RDWR, already unlinked) holding n bytes of the pattern,
 * its offset at 0. */
static int pattern_file(const char *name, long n)
{
    int fd = open_new(name, O_RDWR);
    unsigned char buf[4096];
    for (long off = 0; off < n; off += (long)sizeof(buf)) {
        long k = n - off < (long)sizeof(buf) ? n - off : (long)sizeof(buf);
        for (long j = 0; j < k; j++)
            buf[j] = pat(off + j);
        EXPECT(pwrite(fd, buf, (size_t)k, off) == k, "pwrite: %s", strerror(errno));
    }
    return fd;
}

/* The n bytes at off of fd are the pattern from pstart. */
static void expect_pattern(const char *what, int fd, off_t off, long n, long pstart)
{
    unsigned char buf[4096];
    for (long done = 0; done < n;) {
        long k = n - done < (long)sizeof(buf) ? n - done : (long)sizeof(buf);
        ssize_t r = pread(fd, buf, (size_t)k, off + done);
        EXPECT(r == k, "%s: pread at %ld: %zd/%s", what, (long)(off + done), r, strerror(errno));
        for (long j = 0; j < k; j++)
            EXPECT(buf[j] == pat(pstart + done + j), "%s: byte %ld is %u, expected %u", what,
                   done + j, buf[j], pat(pstart + done + j));
        done += k;
    }
}

/* Read n bytes from pipe end fd: they are the pattern from pstart. */
static void expect_pipe_pattern(const char *what, int fd, long n, long pstart)
{
    unsigned char buf[4096];
    for (long done = 0; done < n;) {
        long k = n - done < (long)sizeof(buf) ? n - done : (long)sizeof(buf);
        ssize_t r = p_read_full(fd, buf, (size_t)k);
        EXPECT(r == k, "%s: read %zd/%s, expected %ld", what, r, strerror(errno), k);
        for (long j = 0; j < k; j++)
            EXPECT(buf[j] == pat(pstart + done + j), "%s: byte %ld is %u, expected %u", what,
                   done + j, buf[j], pat(pstart + done + j));
        done += k;
    }
}

static int ioctl_fionread(int fd, int *n)
{
    return ioctl(fd, FIONREAD, n);
}

static void make_pipe(int fd[2], int flags)
{
    EXPECT(pipe2(fd, flags) == 0, "pipe2: %s", strerror(errno));
}

static off_t offset_of(int fd)
{
    return lseek(fd, 0, SEEK_CUR);
}

static off_t size_of(int fd)
{
    struct stat st;
    EXPECT(fstat(fd, &st) == 0, "fstat: %s", strerror(errno));
    return st.st_size;
}

static void *unmapped_page(void)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT(p != MAP_FAILED && munmap(p, 4096) == 0, "mmap/munmap: %s", strerror(errno));
    return p;
}

/* An fd number that is not open (and that no open of a case reaches). */
static int closed_fd(void)
{
    int fd = 900;
    EXPECT(fcntl(fd, F_GETFD) == -1 && errno == EBADF, "fd %d is open", fd);
    return fd;
}

/* Until the helper has said it is about to block and is asleep, and its
 * call has not returned. */
static void await_blocked(void)
{
    double t0 = p_now_us();
    while (!S->ready || t_proc_state(helper) != 'S') {
        EXPECT(!S->done, "the helper's call returned %ld/%s instead of blocking", S->ret,
               t_errname(S->err));
        EXPECT(p_now_us() - t0 < 5e6, "the helper never went to sleep");
        usleep(1000);
    }
    usleep(20000); /* asleep in the call, not on its way into it */
    EXPECT(!S->done, "the helper's call returned %ld/%s instead of blocking", S->ret,
           t_errname(S->err));
}

/* Reap the helper: it must exit with status want. */
static void reap_helper(int want)
{
    int st = 0;
    EXPECT(p_wait(helper, &st, 0) == helper, "waitpid: %s", strerror(errno));
    helper = 0;
    EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == want, "helper: %s, expected exit %d",
           p_status_str(st), want);
}

/* Start the helper: fn(arg) in a child, which exits with its result. */
static void spawn(int (*fn)(long), long arg)
{
    S->ready = S->done = 0;
    S->ret = 0;
    S->err = 0;
    helper = fork();
    EXPECT(helper >= 0, "fork: %s", strerror(errno));
    if (helper == 0) {
        alarm(ALARM_S);
        _exit(fn(arg));
    }
}

/* In the helper: record a call's outcome. */
static int record(long r)
{
    S->err = r == -1 ? errno : 0;
    S->ret = r;
    S->done = 1;
    return 0;
}

static void on_usr1(int sig)
{
    (void)sig;
    S->handled = 1;
}

/* SIGUSR1 caught without SA_RESTART: a blocked call fails with EINTR. */
static void catch_usr1(void)
{
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGUSR1, &sa, NULL);
}

/* ---- sendfile ---- */

static void case_sendfile_file_pipe(void)
{
    int in = pattern_file("in", 10000), p[2];
    make_pipe(p, 0);
    EXPECT_RET("sendfile", sendfile(p[1], in, NULL, 10000), 10000);
    EXPECT(offset_of(in) == 10000, "in's offset %ld, expected 10000", (long)offset_of(in));
    expect_pipe_pattern("pipe", p[0], 10000, 0);
    EXPECT_RET("sendfile at EOF", sendfile(p[1], in, NULL, 100), 0);
    lseek(in, 9000, SEEK_SET);
    EXPECT_RET("sendfile past EOF", sendfile(p[1], in, NULL, 5000), 1000);
    expect_pipe_pattern("pipe tail", p[0], 1000, 9000);
}

static void case_sendfile_file_pipe_offset(void)
{
    int in = pattern_file("in", 5000), p[2];
    make_pipe(p, 0);
    lseek(in, 17, SEEK_SET);
    off_t off = 100;
    EXPECT_RET("sendfile", sendfile(p[1], in, &off, 500), 500);
    EXPECT(off == 600, "offset %ld, expected 600", (long)off);
    EXPECT(offset_of(in) == 17, "in's offset moved to %ld", (long)offset_of(in));
    expect_pipe_pattern("pipe", p[0], 500, 100);
    off = 4900;
    EXPECT_RET("sendfile to EOF", sendfile(p[1], in, &off, 500), 100);
    EXPECT(off == 5000, "offset %ld, expected 5000", (long)off);
    expect_pipe_pattern("pipe tail", p[0], 100, 4900);
}

/* More than a pipe holds: the pipe takes what fits, as Linux's. */
static void case_sendfile_pipe_full(void)
{
    int in = pattern_file("in", 200000), p[2];
    make_pipe(p, O_NONBLOCK);
    long total = 0, r;
    while ((r = sendfile(p[1], in, NULL, 200000)) > 0)
        total += r;
    EXPECT(r == -1 && errno == EAGAIN, "sendfile to a full O_NONBLOCK pipe: %ld/%s", r,
           t_errname(errno));
    EXPECT(total >= 4096 && total < 200000, "the pipe took %ld bytes", total);
    EXPECT(offset_of(in) == total, "in's offset %ld, sent %ld", (long)offset_of(in), total);
    expect_pipe_pattern("pipe", p[0], total, 0);
}

static void case_sendfile_file_file(void)
{
    int in = pattern_file("in", 300000), out = open_new("out", O_RDWR);
    EXPECT_RET("write", write(out, "xyz", 3), 3);
    EXPECT_RET("sendfile", sendfile(out, in, NULL, 1 << 20), 300000);
    EXPECT(offset_of(in) == 300000, "in's offset %ld", (long)offset_of(in));
    EXPECT(offset_of(out) == 300003, "out's offset %ld", (long)offset_of(out));
    EXPECT(size_of(out) == 300003, "out's size %ld", (long)size_of(out));
    expect_pattern("out", out, 3, 300000, 0);
    EXPECT_RET("sendfile at EOF", sendfile(out, in, NULL, 10), 0);
}

static void case_sendfile_file_file_offset(void)
{
    int in = pattern_file("in", 9000), out = open_new("out", O_RDWR);
    off_t off = 1234;
    lseek(out, 100, SEEK_SET);
    EXPECT_RET("sendfile", sendfile(out, in, &off, 5000), 5000);
    EXPECT(off == 6234, "offset %ld, expected 6234", (long)off);
    EXPECT(offset_of(in) == 0, "in's offset moved to %ld", (long)offset_of(in));
    EXPECT(offset_of(out) == 5100, "out's offset %ld, expected 5100", (long)offset_of(out));
    expect_pattern("out", out, 100, 5000, 1234);
    /* the same file in and out, at its own offset */
    off = 0;
    lseek(in, 9000, SEEK_SET);
    EXPECT_RET("sendfile to itself", sendfile(in, in, &off, 1000), 1000);
    expect_pattern("appended copy", in, 9000, 1000, 0);
}

static void case_sendfile_errors(void)
{
    int in = pattern_file("in", 100), out = open_new("out", O_RDWR), p[2], bad = closed_fd();
    make_pipe(p, 0);
    int wronly = open_new("wronly", O_WRONLY);
    int app = open_new("app", O_WRONLY | O_APPEND), d = open(dir, O_RDONLY | O_DIRECTORY);
    EXPECT(d >= 0, "open %s: %s", dir, strerror(errno));
    off_t off = 0, neg = -1;
    EXPECT_ERR("bad in", sendfile(out, bad, NULL, 10), EBADF);
    EXPECT_ERR("bad out", sendfile(bad, in, NULL, 10), EBADF);
    EXPECT_ERR("write-only in", sendfile(out, wronly, NULL, 10), EBADF);
    EXPECT_ERR("read-only out", sendfile(p[0], in, NULL, 10), EBADF);
    EXPECT_ERR("bad offset pointer", sendfile(out, in, unmapped_page(), 10), EFAULT);
    EXPECT_ERR("offset for a pipe", sendfile(out, p[0], &off, 10), ESPIPE);
    EXPECT_ERR("pipe in (Linux 6.1: no splice_read)", sendfile(out, p[0], NULL, 10), EINVAL);
    EXPECT_ERR("pipe in, pipe out", sendfile(p[1], p[0], NULL, 10), EINVAL);
    EXPECT_ERR("negative offset", sendfile(out, in, &neg, 10), EINVAL);
    EXPECT_ERR("O_APPEND out", sendfile(app, in, NULL, 10), EINVAL);
    EXPECT_ERR("directory in", sendfile(out, d, NULL, 10), EINVAL);
}

/* No reader: EPIPE, and SIGPIPE (here ignored, then caught). */
static void case_sendfile_epipe(void)
{
    int in = pattern_file("in", 100), p[2];
    make_pipe(p, 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    EXPECT_ERR("sendfile", sendfile(p[1], in, NULL, 100), EPIPE);
    EXPECT_ERR("splice", splice(in, NULL, p[1], NULL, 100, 0), EPIPE);
    struct sigaction sa = {.sa_handler = on_usr1};
    sigaction(SIGPIPE, &sa, NULL);
    EXPECT_ERR("sendfile, caught", sendfile(p[1], in, NULL, 100), EPIPE);
    EXPECT(S->handled, "no SIGPIPE");
    EXPECT(offset_of(in) == 0, "in's offset moved to %ld", (long)offset_of(in));
}

/* ---- splice ---- */

static void case_splice_file_pipe_file(void)
{
    int in = pattern_file("in", 50000), out = open_new("out", O_RDWR), p[2];
    make_pipe(p, 0);
    loff_t off_in = 1000, off_out = 7;
    EXPECT_RET("file to pipe", splice(in, &off_in, p[1], NULL, 30000, 0), 30000);
    EXPECT(off_in == 31000, "off_in %ld, expected 31000", (long)off_in);
    EXPECT(offset_of(in) == 0, "in's offset moved to %ld", (long)offset_of(in));
    EXPECT_RET("pipe to file", splice(p[0], NULL, out, &off_out, 50000, SPLICE_F_MOVE), 30000);
    EXPECT(off_out == 30007, "off_out %ld, expected 30007", (long)off_out);
    EXPECT(offset_of(out) == 0, "out's offset moved to %ld", (long)offset_of(out));
    expect_pattern("out", out, 7, 30000, 1000);
    /* without offsets: the files' own */
    lseek(in, 40000, SEEK_SET);
    EXPECT_RET("file to pipe", splice(in, NULL, p[1], NULL, 20000, SPLICE_F_MORE), 10000);
    EXPECT(offset_of(in) == 50000, "in's offset %ld, expected 50000", (long)offset_of(in));
    EXPECT_RET("at EOF", splice(in, NULL, p[1], NULL, 20000, 0), 0);
    EXPECT_RET("pipe to file", splice(p[0], NULL, out, NULL, 4000, SPLICE_F_GIFT), 4000);
    EXPECT(offset_of(out) == 4000, "out's offset %ld, expected 4000", (long)offset_of(out));
    expect_pattern("out head", out, 0, 4000, 40000);
    expect_pipe_pattern("what stayed in the pipe", p[0], 6000, 44000);
}

static void case_splice_pipe_pipe(void)
{
    int a[2], b[2];
    make_pipe(a, 0);
    make_pipe(b, 0);
    EXPECT_RET("write", write(a[1], "hello, world", 12), 12);
    EXPECT_RET("splice 5", splice(a[0], NULL, b[1], NULL, 5, 0), 5);
    EXPECT_RET("splice rest", splice(a[0], NULL, b[1], NULL, 100, 0), 7);
    char buf[32] = "";
    EXPECT_RET("read", read(b[0], buf, sizeof(buf)), 12);
    EXPECT(memcmp(buf, "hello, world", 12) == 0, "read '%.12s'", buf);
    EXPECT_ERR("source consumed", splice(a[0], NULL, b[1], NULL, 100, SPLICE_F_NONBLOCK), EAGAIN);
    close(a[1]);
    EXPECT_RET("no writer: EOF", splice(a[0], NULL, b[1], NULL, 100, 0), 0);
}

static void case_splice_errors(void)
{
    int in = pattern_file("in", 100), out = open_new("out", O_RDWR), p[2], bad = closed_fd();
    int app = open_new("app", O_WRONLY | O_APPEND);
    make_pipe(p, 0);
    loff_t off = 0;
    EXPECT_RET("len 0, bad fds", splice(bad, NULL, bad, NULL, 0, 0), 0);
    EXPECT_ERR("unknown flag", splice(in, NULL, p[1], NULL, 10, 0x10), EINVAL);
    EXPECT_ERR("bad in", splice(bad, NULL, p[1], NULL, 10, 0), EBADF);
    EXPECT_ERR("bad out", splice(p[0], NULL, bad, NULL, 10, 0), EBADF);
    EXPECT_ERR("offset for the in pipe", splice(p[0], &off, out, NULL, 10, 0), ESPIPE);
    EXPECT_ERR("offset for the out pipe", splice(in, NULL, p[1], &off, 10, 0), ESPIPE);
    EXPECT_ERR("no pipe", splice(in, NULL, out, NULL, 10, 0), EINVAL);
    EXPECT_ERR("same pipe", splice(p[0], NULL, p[1], NULL, 10, 0), EINVAL);
    EXPECT_ERR("read end as out", splice(in, NULL, p[0], NULL, 10, 0), EBADF);
    EXPECT_ERR("write end as in", splice(p[1], NULL, out, NULL, 10, 0), EBADF);
    EXPECT_RET("write", write(p[1], "abc", 3), 3);
    EXPECT_ERR("O_APPEND out", splice(p[0], NULL, app, NULL, 10, 0), EINVAL);
    EXPECT_ERR("bad offset pointer", splice(p[0], NULL, out, unmapped_page(), 10, 0), EFAULT);
    off = -1;
    EXPECT_ERR("negative offset", splice(p[0], NULL, out, &off, 10, 0), EINVAL);
    EXPECT_RET("the bytes are still there", splice(p[0], NULL, out, NULL, 10, 0), 3);
    EXPECT_ERR("empty pipe, SPLICE_F_NONBLOCK",
               splice(p[0], NULL, out, NULL, 10, SPLICE_F_NONBLOCK), EAGAIN);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    EXPECT_ERR("empty O_NONBLOCK pipe", splice(p[0], NULL, out, NULL, 10, 0), EAGAIN);
}

static int pfd[2]; /* a pipe a case shares with its helper */

static int splice_blocked(long out)
{
    S->ready = 1;
    return record(splice(pfd[0], NULL, (int)out, NULL, 100, 0));
}

/* A splice from an empty pipe waits for a writer. */
static void case_splice_blocks(void)
{
    int out = open_new("out", O_RDWR);
    make_pipe(pfd, 0);
    spawn(splice_blocked, out);
    close(pfd[0]);
    await_blocked();
    EXPECT_RET("write", write(pfd[1], "wake", 4), 4);
    reap_helper(0);
    EXPECT(S->ret == 4, "splice returned %ld/%s", S->ret, t_errname(S->err));
    char buf[8] = "";
    EXPECT_RET("pread", pread(out, buf, sizeof(buf), 0), 4);
    EXPECT(memcmp(buf, "wake", 4) == 0, "file holds '%.4s'", buf);
}

/* ---- tee ---- */

static void case_tee(void)
{
    int a[2], b[2];
    make_pipe(a, 0);
    make_pipe(b, 0);
    EXPECT_RET("write", write(a[1], "hello, world", 12), 12);
    EXPECT_RET("tee 5", tee(a[0], b[1], 5, 0), 5);
    EXPECT_RET("tee all", tee(a[0], b[1], 100, 0), 12);
    char buf[32] = "";
    EXPECT_RET("read copy", p_read_full(b[0], buf, 17), 17);
    EXPECT(memcmp(buf, "hellohello, world", 17) == 0, "copies '%.17s'", buf);
    int n = 0;
    EXPECT(ioctl_fionread(a[0], &n) == 0 && n == 12, "source holds %d bytes, expected 12", n);
    EXPECT_RET("read source", read(a[0], buf, sizeof(buf)), 12);
    EXPECT(memcmp(buf, "hello, world", 12) == 0, "source '%.12s'", buf);
}

static void case_tee_errors(void)
{
    int a[2], b[2], f = pattern_file("in", 10), bad = closed_fd();
    make_pipe(a, 0);
    make_pipe(b, 0);
    EXPECT_ERR("empty, SPLICE_F_NONBLOCK", tee(a[0], b[1], 10, SPLICE_F_NONBLOCK), EAGAIN);
    EXPECT_ERR("bad in", tee(bad, b[1], 10, 0), EBADF);
    EXPECT_ERR("bad out", tee(a[0], bad, 10, 0), EBADF);
    EXPECT_ERR("file in", tee(f, b[1], 10, 0), EINVAL);
    EXPECT_ERR("file out", tee(a[0], f, 10, 0), EINVAL);
    EXPECT_ERR("same pipe", tee(a[0], a[1], 10, 0), EINVAL);
    EXPECT_ERR("unknown flag", tee(a[0], b[1], 10, 0x100), EINVAL);
    EXPECT_RET("len 0", tee(a[0], b[1], 0, 0), 0);
    close(a[1]);
    EXPECT_RET("no writer: EOF", tee(a[0], b[1], 10, 0), 0);
}

/* ---- copy_file_range ---- */

static long cfr(int in, loff_t *off_in, int out, loff_t *off_out, size_t n, unsigned flags)
{
    return syscall(SYS_copy_file_range, in, off_in, out, off_out, n, flags);
}

static void case_copy_file_range(void)
{
    int in = pattern_file("in", 100000), out = open_new("out", O_RDWR);
    lseek(in, 10, SEEK_SET);
    EXPECT_RET("without offsets", cfr(in, NULL, out, NULL, 60000, 0), 60000);
    EXPECT(offset_of(in) == 60010, "in's offset %ld", (long)offset_of(in));
    EXPECT(offset_of(out) == 60000, "out's offset %ld", (long)offset_of(out));
    expect_pattern("out", out, 0, 60000, 10);
    loff_t oi = 90000, oo = 5;
    EXPECT_RET("with offsets, to EOF", cfr(in, &oi, out, &oo, 50000, 0), 10000);
    EXPECT(oi == 100000 && oo == 10005, "offsets %ld %ld", (long)oi, (long)oo);
    EXPECT(offset_of(in) == 60010 && offset_of(out) == 60000, "the files' offsets moved");
    expect_pattern("out", out, 5, 10000, 90000);
    EXPECT_RET("at EOF", cfr(in, &oi, out, &oo, 10, 0), 0);
    /* within one file, not overlapping */
    oi = 0, oo = 200000;
    EXPECT_RET("same file", cfr(in, &oi, in, &oo, 1000, 0), 1000);
    EXPECT(size_of(in) == 201000, "size %ld", (long)size_of(in));
    expect_pattern("same file", in, 200000, 1000, 0);
}

static void case_copy_file_range_errors(void)
{
    int in = pattern_file("in", 1000), out = open_new("out", O_RDWR), p[2], bad = closed_fd();
    int wronly = open_new("wronly", O_WRONLY), app = open_new("app", O_WRONLY | O_APPEND);
    int d = open(dir, O_RDONLY | O_DIRECTORY);
    make_pipe(p, 0);
    loff_t a = 0, b = 500;
    EXPECT_ERR("flags", cfr(in, NULL, out, NULL, 10, 1), EINVAL);
    EXPECT_ERR("overlap", cfr(in, &a, in, &b, 600, 0), EINVAL);
    EXPECT_ERR("bad in", cfr(bad, NULL, out, NULL, 10, 0), EBADF);
    EXPECT_ERR("bad out", cfr(in, NULL, bad, NULL, 10, 0), EBADF);
    EXPECT_ERR("write-only in", cfr(wronly, NULL, out, NULL, 10, 0), EBADF);
    EXPECT_ERR("read-only out", cfr(in, NULL, open_rdonly("ro"), NULL, 10, 0), EBADF);
    EXPECT_ERR("directory out", cfr(out, NULL, d, NULL, 10, 0), EISDIR);
    EXPECT_ERR("O_APPEND out", cfr(in, NULL, app, NULL, 10, 0), EBADF);
    EXPECT_ERR("pipe in", cfr(p[0], NULL, out, NULL, 10, 0), EINVAL);
    EXPECT_ERR("pipe out", cfr(in, NULL, p[1], NULL, 10, 0), EINVAL);
    EXPECT_ERR("directory in", cfr(d, NULL, out, NULL, 10, 0), EISDIR);
    EXPECT_ERR("bad offset pointer", cfr(in, unmapped_page(), out, NULL, 10, 0), EFAULT);
    EXPECT_ERR("bad out offset pointer", cfr(in, NULL, out, unmapped_page(), 10, 0), EFAULT);
    EXPECT(offset_of(in) == 0 && offset_of(out) == 0, "offsets moved");
}

/* ---- fallocate ---- */

static void case_fallocate(void)
{
    int fd = open_new("f", O_RDWR);
    EXPECT_RET("write", write(fd, "abc", 3), 3);
    EXPECT_RET("fallocate", fallocate(fd, 0, 1000, 9000), 0);
    EXPECT(size_of(fd) == 10000, "size %ld, expected 10000", (long)size_of(fd));
    char buf[10000];
    EXPECT_RET("pread", pread(fd, buf, sizeof(buf), 0), 10000);
    EXPECT(memcmp(buf, "abc", 3) == 0, "the data changed");
    for (int i = 3; i < 10000; i++)
        EXPECT(buf[i] == 0, "byte %d is %d", i, buf[i]);
    EXPECT(offset_of(fd) == 3, "the offset moved");
    EXPECT_RET("inside the file", fallocate(fd, 0, 0, 100), 0);
    EXPECT(size_of(fd) == 10000, "size %ld after an inner fallocate", (long)size_of(fd));
    EXPECT_RET("pread", pread(fd, buf, 3, 0), 3);
    EXPECT(memcmp(buf, "abc", 3) == 0, "the data changed");
    EXPECT_RET("KEEP_SIZE", fallocate(fd, FALLOC_FL_KEEP_SIZE, 5000, 100000), 0);
    EXPECT(size_of(fd) == 10000, "size %ld after KEEP_SIZE", (long)size_of(fd));
    EXPECT_RET("posix_fallocate", posix_fallocate(fd, 20000, 4096), 0);
    EXPECT(size_of(fd) == 24096, "size %ld after posix_fallocate", (long)size_of(fd));
    EXPECT_RET("pread", pread(fd, buf, 100, 23000), 100);
    for (int i = 0; i < 100; i++)
        EXPECT(buf[i] == 0, "byte %d is %d", 23000 + i, buf[i]);
}

static void case_fallocate_errors(void)
{
    int fd = open_new("f", O_RDWR), p[2], bad = closed_fd(), nul = open("/dev/null", O_RDWR);
    int rd = open(dir, O_RDONLY | O_DIRECTORY);
    make_pipe(p, 0);
    EXPECT_ERR("len 0", fallocate(fd, 0, 0, 0), EINVAL);
    EXPECT_ERR("len < 0", fallocate(fd, 0, 0, -1), EINVAL);
    EXPECT_ERR("offset < 0", fallocate(fd, 0, -1, 10), EINVAL);
    EXPECT_ERR("punch hole without KEEP_SIZE", fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 10),
               EOPNOTSUPP);
    EXPECT_ERR("zero range", fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 10), EOPNOTSUPP);
    EXPECT_ERR("unknown mode", fallocate(fd, 0x1000, 0, 10), EOPNOTSUPP);
    EXPECT_ERR("bad fd", fallocate(bad, 0, 0, 10), EBADF);
    EXPECT_ERR("read-only", fallocate(rd, 0, 0, 10), EBADF);
    EXPECT_ERR("pipe", fallocate(p[1], 0, 0, 10), ESPIPE);
    EXPECT_ERR("/dev/null", fallocate(nul, 0, 0, 10), ENODEV);
    EXPECT_ERR("wraps", fallocate(fd, 0, INT64_MAX - 5, 10), EFBIG);
    EXPECT_RET("posix_fallocate's error", posix_fallocate(p[1], 0, 10), ESPIPE);
    EXPECT_ERR("1 TiB: more than memory", fallocate(fd, 0, 0, 1LL << 40), ENOSPC);
    EXPECT(size_of(fd) == 0, "size %ld after ENOSPC", (long)size_of(fd));
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl = {5000, 5000};
    EXPECT(setrlimit(RLIMIT_FSIZE, &rl) == 0, "setrlimit: %s", strerror(errno));
    EXPECT_ERR("past RLIMIT_FSIZE", fallocate(fd, 0, 4000, 2000), EFBIG);
    EXPECT(size_of(fd) == 0, "size %ld after EFBIG", (long)size_of(fd));
    EXPECT_RET("up to RLIMIT_FSIZE", fallocate(fd, 0, 4000, 1000), 0);
}

/* ---- flock ---- */

static int lfd; /* the case's descriptor of "lock", inherited by helpers */

/* The case's lock file "lock", 1000 bytes, open read-write at lfd. */
static void lock_file(void)
{
    lfd = open_named("lock", O_RDWR);
    EXPECT(ftruncate(lfd, 1000) == 0, "ftruncate: %s", strerror(errno));
}

/* In a helper: a descriptor of its own (a new open file description). */
static int own_open(void)
{
    int fd = open(path_of("lock"), O_RDWR);
    EXPECT(fd >= 0, "helper's open: %s", strerror(errno));
    return fd;
}

static int flock_try_excl_fails(long arg)
{
    (void)arg;
    int fd = own_open();
    EXPECT_ERR("LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    return 0;
}

static int flock_try_shared_fails(long arg)
{
    (void)arg;
    int fd = own_open();
    EXPECT_ERR("LOCK_SH|LOCK_NB", flock(fd, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    EXPECT_ERR("LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    /* flock and record locks do not meet */
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    EXPECT_RET("F_SETLK over a flock", fcntl(fd, F_SETLK, &fl), 0);
    return 0;
}

static int flock_try_shared_ok(long arg)
{
    (void)arg;
    int fd = own_open();
    EXPECT_RET("LOCK_SH|LOCK_NB", flock(fd, LOCK_SH | LOCK_NB), 0);
    EXPECT_ERR("LOCK_EX|LOCK_NB", flock(fd, LOCK_EX | LOCK_NB), EWOULDBLOCK);
    return 0;
}

static int flock_try_excl_ok(long arg)
{
    (void)arg;
    EXPECT_RET("LOCK_EX|LOCK_NB", flock(own_open(), LOCK_EX | LOCK_NB), 0);
    return 0;
}

static void run_helper(int (*fn)(long), long arg)
{
    spawn(fn, arg);
    reap_helper(0);
}

static void case_flock_nb(void)
{
    lock_file();
    EXPECT_RET("LOCK_EX", flock(lfd, LOCK_EX), 0);
    EXPECT_RET("LOCK_EX again", flock(lfd, LOCK_EX | LOCK_NB), 0);
    run_helper(flock_try_shared_fails, 0);
    EXPECT_RET("LOCK_SH (a conversion)", flock(lfd, LOCK_SH), 0);
    run_helper(flock_try_shared_ok, 0);
    EXPECT_RET("LOCK_UN", flock(lfd, LOCK_UN), 0);
    run_helper(flock_try_excl_ok, 0);
    EXPECT_RET("LOCK_UN without a lock", flock(lfd, LOCK_UN), 0);
    unlink(path_of("lock"));
}

/* A flock belongs to the open file description: dup and fork share it,
 * another open of the same file does not; it goes with the last
 * descriptor. */
static int flock_shared_desc(long arg)
{
    EXPECT_RET("LOCK_EX through the inherited descriptor", flock((int)arg, LOCK_EX | LOCK_NB), 0);
    return 0;
}

static void case_flock_ofd(void)
{
    lock_file();
    int other = own_open();
    EXPECT_RET("LOCK_EX", flock(lfd, LOCK_EX), 0);
    EXPECT_ERR("another open of the file", flock(other, LOCK_SH | LOCK_NB), EWOULDBLOCK);
    int d = dup(lfd);
    close(lfd);
    EXPECT_ERR("after closing one of two descriptors", flock(other, LOCK_SH | LOCK_NB),
               EWOULDBLOCK);
    run_helper(flock_shared_desc, d);
    run_helper(flock_try_excl_fails, 0);
    close(d);
    EXPECT_RET("after the last close", flock(other, LOCK_EX | LOCK_NB), 0);
    unlink(path_of("lock"));
}

static int flock_blocked(long arg)
{
    int fd = own_open();
    if (arg)
        catch_usr1();
    S->ready = 1;
    return record(flock(fd, LOCK_EX));
}

static void case_flock_wakes(void)
{
    lock_file();
    EXPECT_RET("LOCK_SH", flock(lfd, LOCK_SH), 0);
    spawn(flock_blocked, 0);
    await_blocked();
    EXPECT_RET("LOCK_UN", flock(lfd, LOCK_UN), 0);
    reap_helper(0);
    EXPECT(S->ret == 0, "the waiter's flock returned %ld/%s", S->ret, t_errname(S->err));
    unlink(path_of("lock"));
}

static void case_flock_eintr(void)
{
    lock_file();
    EXPECT_RET("LOCK_EX", flock(lfd, LOCK_EX), 0);
    spawn(flock_blocked, 1);
    await_blocked();
    kill(helper, SIGUSR1);
    reap_helper(0);
    EXPECT(S->ret == -1 && S->err == EINTR && S->handled, "the waiter's flock returned %ld/%s",
           S->ret, t_errname(S->err));
    unlink(path_of("lock"));
}

static void case_flock_errors(void)
{
    int fd = open_new("f", O_RDWR), bad = closed_fd(), p[2];
    make_pipe(p, 0);
    EXPECT_ERR("no operation", flock(fd, 0), EINVAL);
    EXPECT_ERR("LOCK_SH|LOCK_EX", flock(fd, LOCK_SH | LOCK_EX), EINVAL);
    EXPECT_ERR("LOCK_NB alone", flock(fd, LOCK_NB), EINVAL);
    EXPECT_ERR("unknown bit", flock(fd, LOCK_EX | 64), EINVAL);
    EXPECT_ERR("bad fd", flock(bad, LOCK_EX), EBADF);
    EXPECT_ERR("bad fd and operation", flock(bad, 0), EINVAL);
    EXPECT_RET("a pipe", flock(p[0], LOCK_EX), 0);
}

/* ---- record locks ---- */

static int setlk(int fd, int cmd, int type, int whence, off_t start, off_t len)
{
    struct flock fl = {
        .l_type = (short)type, .l_whence = (short)whence, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &fl);
}

/* F_GETLK (or F_OFD_GETLK) for type over [start, start + len): what it
 * reports, in *fl. */
static struct flock getlk(int fd, int cmd, int type, off_t start, off_t len)
{
    struct flock fl = {.l_type = (short)type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    EXPECT(fcntl(fd, cmd, &fl) == 0, "F_GETLK: %s", strerror(errno));
    return fl;
}

/* F_GETLK over [start, +len) for type must report a lock of type got on
 * [gs, +gl) held by pid (got F_UNLCK: none). */
static void expect_getlk(int fd, int cmd, int type, off_t start, off_t len, int got, off_t gs,
                         off_t gl, pid_t pid)
{
    struct flock fl = getlk(fd, cmd, type, start, len);
    if (got == F_UNLCK) {
        EXPECT(fl.l_type == F_UNLCK, "F_GETLK type %d over [%ld,+%ld): type %d [%ld,+%ld) pid %d",
               type, (long)start, (long)len, fl.l_type, (long)fl.l_start, (long)fl.l_len,
               (int)fl.l_pid);
        return;
    }
    EXPECT(fl.l_type == got && fl.l_start == gs && fl.l_len == gl && fl.l_pid == pid &&
               fl.l_whence == SEEK_SET,
           "F_GETLK type %d over [%ld,+%ld): type %d [%ld,+%ld) pid %d whence %d, expected type "
           "%d [%ld,+%ld) pid %d",
           type, (long)start, (long)len, fl.l_type, (long)fl.l_start, (long)fl.l_len, (int)fl.l_pid,
           fl.l_whence, got, (long)gs, (long)gl, (int)pid);
}

static int setlk_conflicts(long arg)
{
    (void)arg;
    EXPECT_ERR("F_SETLK inside the parent's lock", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 50, 10),
               EAGAIN);
    EXPECT_ERR("F_RDLCK inside it", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 99, 10), EAGAIN);
    EXPECT_RET("F_SETLK next to it", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 100, 100), 0);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 0, 10, F_WRLCK, 0, 100, getppid());
    expect_getlk(lfd, F_GETLK, F_RDLCK, 200, 0, F_UNLCK, 0, 0, 0);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 150, 1, F_UNLCK, 0, 0, 0); /* its own */
    return 0;
}

static void case_setlk_conflict(void)
{
    lock_file();
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 0, 100, F_UNLCK, 0, 0, 0); /* its own */
    run_helper(setlk_conflicts, 0); /* a fork does not inherit record locks */
    /* the helper's locks went with it */
    EXPECT_RET("F_SETLK where the helper's was", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 100, 100),
               0);
    EXPECT_RET("F_RDLCK over its own F_WRLCK", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 0, 200), 0);
    unlink(path_of("lock"));
}

static int setlkw_blocked(long arg)
{
    int fd = own_open();
    if (arg)
        catch_usr1();
    S->ready = 1;
    return record(setlk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 5, 10));
}

static void case_setlkw_wakes(void)
{
    lock_file();
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10), 0);
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 12, 1), 0);
    spawn(setlkw_blocked, 0);
    await_blocked();
    EXPECT_RET("unlock part", setlk(lfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 8), 0);
    usleep(50000);
    EXPECT(!S->done, "the waiter's F_SETLKW returned %ld/%s while [8,10) was locked", S->ret,
           t_errname(S->err));
    EXPECT_RET("unlock the rest", setlk(lfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
    reap_helper(0);
    EXPECT(S->ret == 0, "the waiter's F_SETLKW returned %ld/%s", S->ret, t_errname(S->err));
    unlink(path_of("lock"));
}

static void case_setlkw_eintr(void)
{
    lock_file();
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0), 0);
    spawn(setlkw_blocked, 1);
    await_blocked();
    kill(helper, SIGUSR1);
    reap_helper(0);
    EXPECT(S->ret == -1 && S->err == EINTR && S->handled, "the waiter's F_SETLKW returned %ld/%s",
           S->ret, t_errname(S->err));
    unlink(path_of("lock"));
}

static int deadlock_helper(long arg)
{
    (void)arg;
    EXPECT_RET("helper's F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 1, 1), 0);
    S->ready = 1;
    return record(setlk(lfd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1));
}

/* Each of two processes holds a byte the other waits for: the second to
 * wait is refused with EDEADLK instead of sleeping forever. */
static void case_deadlock(void)
{
    lock_file();
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), 0);
    spawn(deadlock_helper, 0);
    await_blocked();
    EXPECT_ERR("F_SETLKW closing the cycle", setlk(lfd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1),
               EDEADLK);
    EXPECT_RET("unlock", setlk(lfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0);
    reap_helper(0);
    EXPECT(S->ret == 0, "the helper's F_SETLKW returned %ld/%s", S->ret, t_errname(S->err));
    unlink(path_of("lock"));
}

static int try_wrlck(long want_err)
{
    int fd = own_open();
    if (want_err)
        EXPECT_ERR("F_SETLK", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), (int)want_err);
    else
        EXPECT_RET("F_SETLK", setlk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    return 0;
}

/* POSIX: closing any descriptor of the file releases the process's locks
 * on it; so does its exit. */
static void case_close_releases(void)
{
    lock_file();
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    int d = dup(lfd);
    close(d);
    run_helper(try_wrlck, 0);
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    int other = own_open();
    run_helper(try_wrlck, EAGAIN);
    close(other);
    run_helper(try_wrlck, 0);
    unlink(path_of("lock"));
}

static int lock_and_exit(long arg)
{
    (void)arg;
    EXPECT_RET("F_SETLK", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    return 0;
}

static void case_exit_releases(void)
{
    lock_file();
    run_helper(lock_and_exit, 0);
    EXPECT_RET("F_SETLK after the holder's exit", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100),
               0);
    unlink(path_of("lock"));
}

static int split_check1(long arg)
{
    pid_t pp = (pid_t)arg;
    expect_getlk(lfd, F_GETLK, F_WRLCK, 40, 20, F_UNLCK, 0, 0, 0);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 0, 100, F_WRLCK, 0, 40, pp);
    expect_getlk(lfd, F_GETLK, F_RDLCK, 50, 100, F_WRLCK, 60, 40, pp);
    return 0;
}

static int split_check2(long arg)
{
    pid_t pp = (pid_t)arg;
    expect_getlk(lfd, F_GETLK, F_WRLCK, 99, 1, F_WRLCK, 0, 100, pp); /* merged */
    return 0;
}

static int split_check3(long arg)
{
    pid_t pp = (pid_t)arg;
    expect_getlk(lfd, F_GETLK, F_RDLCK, 20, 10, F_UNLCK, 0, 0, 0);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 25, 1, F_RDLCK, 20, 10, pp);
    expect_getlk(lfd, F_GETLK, F_RDLCK, 30, 1, F_WRLCK, 30, 70, pp);
    expect_getlk(lfd, F_GETLK, F_RDLCK, 100, 0, F_UNLCK, 0, 0, 0);
    EXPECT_RET("F_RDLCK beside the parent's", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10), 0);
    return 0;
}

static int split_check4(long arg)
{
    pid_t pp = (pid_t)arg;
    expect_getlk(lfd, F_GETLK, F_WRLCK, 0, 0, F_RDLCK, 500, 0, pp); /* to EOF: l_len 0 */
    return 0;
}

/* Ranges split and merge as POSIX has them. */
static void case_split_merge(void)
{
    lock_file();
    pid_t me = getpid();
    EXPECT_RET("lock [0,100)", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100), 0);
    EXPECT_RET("unlock [40,60)", setlk(lfd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20), 0);
    run_helper(split_check1, me);
    EXPECT_RET("lock [40,60)", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 40, 20), 0);
    run_helper(split_check2, me);
    EXPECT_RET("read-lock [20,30)", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10), 0);
    run_helper(split_check3, me);
    EXPECT_RET("unlock everything", setlk(lfd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0), 0);
    EXPECT_RET("read-lock [500,EOF)", setlk(lfd, F_SETLK, F_RDLCK, SEEK_SET, 500, 0), 0);
    run_helper(split_check4, me);
    unlink(path_of("lock"));
}

static int whence_check(long arg)
{
    pid_t pp = (pid_t)arg;
    expect_getlk(lfd, F_GETLK, F_WRLCK, 0, 100, F_WRLCK, 50, 10, pp);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 100, 0, F_WRLCK, 150, 50, pp);
    expect_getlk(lfd, F_GETLK, F_WRLCK, 900, 0, F_WRLCK, 990, 10, pp);
    return 0;
}

static void case_whence(void)
{
    lock_file();
    lseek(lfd, 100, SEEK_SET);
    EXPECT_RET("SEEK_CUR", setlk(lfd, F_SETLK, F_WRLCK, SEEK_CUR, -50, 10), 0);
    EXPECT_RET("SEEK_END", setlk(lfd, F_SETLK, F_WRLCK, SEEK_END, -10, 10), 0);
    EXPECT_RET("negative length", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 200, -50), 0);
    run_helper(whence_check, getpid());
    unlink(path_of("lock"));
}

static void case_lock_errors(void)
{
    lock_file();
    int ro = open(path_of("lock"), O_RDONLY), wo = open(path_of("lock"), O_WRONLY);
    int bad = closed_fd();
    EXPECT_ERR("F_WRLCK on a read-only fd", setlk(ro, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    EXPECT_ERR("F_RDLCK on a write-only fd", setlk(wo, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF);
    EXPECT_ERR("F_OFD_SETLK F_WRLCK, read-only", setlk(ro, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1),
               EBADF);
    EXPECT_RET("F_UNLCK on a read-only fd", setlk(ro, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), 0);
    EXPECT_RET("F_GETLK F_WRLCK on a read-only fd", getlk(ro, F_GETLK, F_WRLCK, 0, 1).l_type,
               F_UNLCK);
    EXPECT_ERR("bad fd", setlk(bad, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF);
    EXPECT_ERR("bad type", setlk(lfd, F_SETLK, 7, SEEK_SET, 0, 1), EINVAL);
    EXPECT_ERR("bad whence", setlk(lfd, F_SETLK, F_WRLCK, 5, 0, 1), EINVAL);
    EXPECT_ERR("negative start", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL);
    EXPECT_ERR("negative length before 0", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6), EINVAL);
    EXPECT_ERR("past the largest offset", setlk(lfd, F_SETLK, F_WRLCK, SEEK_SET, INT64_MAX, 2),
               EOVERFLOW);
    EXPECT_ERR("F_GETLK F_UNLCK", setlk(lfd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL);
    EXPECT_ERR("F_SETLK bad pointer", fcntl(lfd, F_SETLK, unmapped_page()), EFAULT);
    EXPECT_ERR("F_GETLK bad pointer", fcntl(lfd, F_GETLK, unmapped_page()), EFAULT);
    EXPECT_ERR("F_OFD_SETLK bad pointer", fcntl(lfd, F_OFD_SETLK, unmapped_page()), EFAULT);
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_pid = 1};
    EXPECT_ERR("F_OFD_SETLK with l_pid", fcntl(lfd, F_OFD_SETLK, &fl), EINVAL);
    EXPECT_ERR("F_OFD_GETLK with l_pid", fcntl(lfd, F_OFD_GETLK, &fl), EINVAL);
    EXPECT_RET("F_SETLK ignores l_pid", fcntl(lfd, F_SETLK, &fl), 0);
    unlink(path_of("lock"));
}

static int ofd_shared(long arg)
{
    (void)arg;
    EXPECT_RET("F_OFD_SETLK through the inherited fd",
               setlk(lfd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    return 0;
}

static int ofd_blocked(long arg)
{
    (void)arg;
    int fd = own_open();
    close(lfd); /* the parent's close must be the last */
    S->ready = 1;
    return record(setlk(fd, F_OFD_SETLKW, F_RDLCK, SEEK_SET, 5, 1));
}

/* Open file description locks: owned by the description, so two opens in
 * one process conflict, fork shares them, and they go with the last
 * descriptor. */
static void case_ofd(void)
{
    lock_file();
    int other = own_open();
    EXPECT_RET("F_OFD_SETLK", setlk(lfd, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), 0);
    EXPECT_ERR("F_OFD_SETLK, another open", setlk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1),
               EAGAIN);
    EXPECT_ERR("F_SETLK, another open", setlk(other, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN);
    expect_getlk(other, F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
    expect_getlk(other, F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 10, -1);
    expect_getlk(lfd, F_OFD_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);
    run_helper(ofd_shared, 0);
    int d = dup(lfd);
    close(d); /* a POSIX release only */
    EXPECT_ERR("after closing a dup", setlk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN);
    spawn(ofd_blocked, 0);
    await_blocked();
    close(lfd);
    reap_helper(0);
    EXPECT(S->ret == 0, "the waiter's F_OFD_SETLKW returned %ld/%s", S->ret, t_errname(S->err));
    EXPECT_RET("after the last close", setlk(other, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 5), 0);
    unlink(path_of("lock"));
}

/* ---- the runner ---- */

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"sendfile-file-pipe", case_sendfile_file_pipe},
    {"sendfile-file-pipe-offset", case_sendfile_file_pipe_offset},
    {"sendfile-pipe-full", case_sendfile_pipe_full},
    {"sendfile-file-file", case_sendfile_file_file},
    {"sendfile-file-file-offset", case_sendfile_file_file_offset},
    {"sendfile-errors", case_sendfile_errors},
    {"sendfile-epipe", case_sendfile_epipe},
    {"splice-file-pipe-file", case_splice_file_pipe_file},
    {"splice-pipe-pipe", case_splice_pipe_pipe},
    {"splice-errors", case_splice_errors},
    {"splice-blocks", case_splice_blocks},
    {"tee", case_tee},
    {"tee-errors", case_tee_errors},
    {"copy-file-range", case_copy_file_range},
    {"copy-file-range-errors", case_copy_file_range_errors},
    {"fallocate", case_fallocate},
    {"fallocate-errors", case_fallocate_errors},
    {"flock-nb", case_flock_nb},
    {"flock-ofd", case_flock_ofd},
    {"flock-wakes", case_flock_wakes},
    {"flock-eintr", case_flock_eintr},
    {"flock-errors", case_flock_errors},
    {"setlk-conflict-getlk", case_setlk_conflict},
    {"setlkw-wakes", case_setlkw_wakes},
    {"setlkw-eintr", case_setlkw_eintr},
    {"setlkw-edeadlk", case_deadlock},
    {"close-any-fd-releases", case_close_releases},
    {"exit-releases", case_exit_releases},
    {"split-merge", case_split_merge},
    {"whence", case_whence},
    {"lock-errors", case_lock_errors},
    {"ofd-locks", case_ofd},
};

static void run(unsigned i)
{
    char why[300];
    int st = 0;
    S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (S == MAP_FAILED) {
        t_fail(cases[i].name, "mmap: %s", strerror(errno));
        return;
    }
    if (t_case_run(cases[i].name, cases[i].fn, ALARM_S, T_CASE_GROUP, why, sizeof(why), &st) &&
        t_case_passed(cases[i].name, why, st))
        t_ok(cases[i].name);
    munmap(S, sizeof(*S));
}

/* A tmpfs for the files: /dev/shm if there is one, else /tmp (as /init of
 * a Linux guest, a tmpfs mounted there, with proc on /proc). */
static void pick_dir(void)
{
    struct stat st;
    if (getpid() == 1 && !t_uniplex()) {
        mkdir("/tmp", 01777);
        mkdir("/proc", 0555);
        mkdir("/dev", 0755);
        mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
        mount("proc", "/proc", "proc", 0, NULL);
        mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
    }
    snprintf(dir, sizeof(dir), "%s",
             stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0
                 ? "/dev/shm"
                 : "/tmp");
}

int main(int argc, char **argv)
{
    pick_dir();
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (t_case_named(argc, argv, cases[i].name))
            run(i);
    while (p_wait(-1, NULL, 0) > 0) /* orphans: init's to reap inside Uniplex */
        ;
    return t_done("fileio");
}
