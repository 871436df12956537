/* fdcalls: descriptor and file calls — close_range, the positioned and
 * flagged vector calls (preadv, pwritev, preadv2, pwritev2), memfd_create
 * with its seals, and the xattr family on file systems that keep no
 * extended attributes — with their EFAULT, EBADF and EINVAL cases. Each
 * case runs in a child of its own. Where the host's Linux does otherwise
 * by design (a thread's CLOSE_RANGE_UNSHARE; xattrs its /tmp may keep) the
 * case says what each expects.
 *
 * usage: fdcalls [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

#define CLOSE_RANGE_UNSHARE (1u << 1)
#define CLOSE_RANGE_CLOEXEC (1u << 2)
#ifndef RWF_HIPRI
#define RWF_HIPRI  0x1
#define RWF_DSYNC  0x2
#define RWF_SYNC   0x4
#define RWF_NOWAIT 0x8
#define RWF_APPEND 0x10
#endif

/* An address no program has mapped. */
#define BAD_PTR ((void *)8)

static long close_range_(unsigned first, unsigned last, unsigned flags)
{
    return syscall(SYS_close_range, first, last, flags);
}

/* The raw calls, with the offset split as the C libraries split it. */
static long preadv_(int fd, const struct iovec *iov, long cnt, long off)
{
    return syscall(SYS_preadv, fd, iov, cnt, off, (long)((unsigned long)off >> 32));
}

static long pwritev_(int fd, const struct iovec *iov, long cnt, long off)
{
    return syscall(SYS_pwritev, fd, iov, cnt, off, (long)((unsigned long)off >> 32));
}

static long preadv2_(int fd, const struct iovec *iov, long cnt, long off, int flags)
{
    return syscall(SYS_preadv2, fd, iov, cnt, off, (long)((unsigned long)off >> 32), flags);
}

static long pwritev2_(int fd, const struct iovec *iov, long cnt, long off, int flags)
{
    return syscall(SYS_pwritev2, fd, iov, cnt, off, (long)((unsigned long)off >> 32), flags);
}

static int is_open(int fd)
{
    return fcntl(fd, F_GETFD) >= 0;
}

/* A new file in /tmp holding text, open O_RDWR (unlinked at once). */
static int tmp_file(const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fdcalls.%d", (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    unlink(path);
    size_t n = strlen(text);
    T_EXPECT(write(fd, text, n) == (ssize_t)n, "write: %s", t_errname(errno));
    T_EXPECT(lseek(fd, 0, SEEK_SET) == 0, "lseek");
    return fd;
}

/* The whole of fd's file as text (at most n - 1 bytes). */
static void file_text(int fd, char *buf, size_t n)
{
    ssize_t k = pread(fd, buf, n - 1, 0);
    T_EXPECT(k >= 0, "pread: %s", t_errname(errno));
    buf[k] = 0;
}

/* --- close_range ------------------------------------------------------------- */

static void cr_range(void)
{
    for (int fd = 10; fd <= 14; fd++)
        T_EXPECT(dup2(0, fd) == fd, "dup2 %d: %s", fd, t_errname(errno));
    EXPECT_RET("close_range(11, 13)", close_range_(11, 13, 0), 0);
    T_EXPECT(is_open(10) && is_open(14), "10 and 14 should stay open");
    for (int fd = 11; fd <= 13; fd++)
        T_EXPECT(!is_open(fd) && errno == EBADF, "fd %d should be closed", fd);
    EXPECT_RET("close_range(12, 12) of a closed one", close_range_(12, 12, 0), 0);
}

/* To ~0U: everything from first on, as cheap as the table is short. */
static void cr_to_max(void)
{
    T_EXPECT(dup2(0, 100) == 100 && dup2(0, 1000) == 1000, "dup2: %s", t_errname(errno));
    T_EXPECT(dup2(0, 40) == 40, "dup2 40: %s", t_errname(errno));
    EXPECT_RET("close_range(50, ~0U)", close_range_(50, ~0u, 0), 0);
    T_EXPECT(!is_open(100) && !is_open(1000), "100 and 1000 should be closed");
    T_EXPECT(is_open(40) && is_open(0), "40 and 0 should stay open");
    EXPECT_RET("close_range(~0U, ~0U)", close_range_(~0u, ~0u, 0), 0);
    int fd = open("/dev/null", O_RDONLY);
    T_EXPECT(fd >= 3 && fd < 40, "a new descriptor after: %d", fd);
}

static void cr_cloexec(void)
{
    T_EXPECT(dup2(0, 20) == 20 && dup2(0, 21) == 21 && dup2(0, 22) == 22, "dup2");
    EXPECT_RET("close_range(20, 21, CLOEXEC)", close_range_(20, 21, CLOSE_RANGE_CLOEXEC), 0);
    EXPECT_RET("F_GETFD 20", fcntl(20, F_GETFD), FD_CLOEXEC);
    EXPECT_RET("F_GETFD 21", fcntl(21, F_GETFD), FD_CLOEXEC);
    EXPECT_RET("F_GETFD 22", fcntl(22, F_GETFD), 0);
    /* exec closes the marked ones: a child execs this program, which
     * says what it has open (after_exec) */
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "fdcalls", "--after-exec", (char *)0);
        _exit(3);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 0,
             "after exec: status %#x (1: 20 open, 2: 22 closed, 3: no exec)", st);
}

/* "fdcalls --after-exec": 0 when 20 and 21 were closed by the exec and 22
 * was kept. */
static int after_exec(void)
{
    if (is_open(20) || is_open(21))
        return 1;
    return is_open(22) ? 0 : 2;
}

static void cr_einval(void)
{
    T_EXPECT(dup2(0, 30) == 30, "dup2");
    EXPECT_ERR("first > last", close_range_(31, 30, 0), EINVAL);
    EXPECT_ERR("unknown flag 1", close_range_(30, 30, 1), EINVAL);
    EXPECT_ERR("unknown flag 8", close_range_(30, 30, 8), EINVAL);
    T_EXPECT(is_open(30), "30 should stay open after the refusals");
    /* no descriptor in the range is no error (never EBADF) */
    EXPECT_RET("a range of closed ones", close_range_(1000, 2000, 0), 0);
}

/* UNSHARE with one thread: the table is already the caller's own. */
static void cr_unshare(void)
{
    T_EXPECT(dup2(0, 25) == 25, "dup2");
    EXPECT_RET("close_range(25, 25, UNSHARE)", close_range_(25, 25, CLOSE_RANGE_UNSHARE), 0);
    T_EXPECT(!is_open(25), "25 should be closed");
}

static void *idle_thread(void *arg)
{
    (void)arg;
    pause();
    return 0;
}

/* UNSHARE with a second thread: Linux gives the caller a table of its own;
 * Uniplex's table belongs to the process, so it refuses (EINVAL) and
 * closes nothing. */
static void cr_unshare_threads(void)
{
    pthread_t t;
    T_EXPECT(pthread_create(&t, 0, idle_thread, 0) == 0, "pthread_create");
    T_EXPECT(dup2(0, 26) == 26, "dup2");
    long r = close_range_(26, 26, CLOSE_RANGE_UNSHARE);
    if (t_uniplex()) {
        T_EXPECT(r == -1 && errno == EINVAL, "expected -1/EINVAL, got %ld/%s", r, t_errname(errno));
        T_EXPECT(is_open(26), "26 should stay open");
    } else {
        T_EXPECT(r == 0 && !is_open(26), "host: expected 0 and 26 closed, got %ld", r);
    }
}

/* --- preadv, pwritev, preadv2, pwritev2 -------------------------------------- */

static void pv_read(void)
{
    int fd = tmp_file("0123456789");
    char a[3], b[4];
    struct iovec iov[2] = {{a, 3}, {b, 4}};
    EXPECT_RET("preadv at 2", preadv_(fd, iov, 2, 2), 7);
    T_EXPECT(!memcmp(a, "234", 3) && !memcmp(b, "5678", 4), "read %.3s %.4s", a, b);
    EXPECT_RET("offset after", lseek(fd, 0, SEEK_CUR), 0);
    EXPECT_RET("preadv at 8 (short)", preadv_(fd, iov, 2, 8), 2);
    EXPECT_RET("preadv at the end", preadv_(fd, iov, 2, 10), 0);
    EXPECT_RET("preadv of none", preadv_(fd, iov, 0, 0), 0);
}

static void pv_write(void)
{
    int fd = tmp_file("0123456789");
    struct iovec iov[2] = {{"ab", 2}, {"cde", 3}};
    EXPECT_RET("pwritev at 4", pwritev_(fd, iov, 2, 4), 5);
    EXPECT_RET("offset after", lseek(fd, 0, SEEK_CUR), 0);
    EXPECT_RET("pwritev past the end", pwritev_(fd, iov, 1, 12), 2);
    char buf[32];
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!memcmp(buf, "0123abcde9\0\0ab", 14), "file now %.14s", buf);
}

/* -1 is the file's offset to preadv2/pwritev2, and a bad offset to preadv. */
static void pv2_fileoff(void)
{
    int fd = tmp_file("0123456789");
    char a[4];
    struct iovec r = {a, 4}, w = {"XY", 2};
    T_EXPECT(lseek(fd, 3, SEEK_SET) == 3, "lseek");
    EXPECT_RET("preadv2 at -1", preadv2_(fd, &r, 1, -1, 0), 4);
    T_EXPECT(!memcmp(a, "3456", 4), "read %.4s", a);
    EXPECT_RET("offset after the read", lseek(fd, 0, SEEK_CUR), 7);
    EXPECT_RET("pwritev2 at -1", pwritev2_(fd, &w, 1, -1, 0), 2);
    EXPECT_RET("offset after the write", lseek(fd, 0, SEEK_CUR), 9);
    EXPECT_RET("preadv2 at 0", preadv2_(fd, &r, 1, 0, 0), 4);
    EXPECT_RET("offset after a positioned one", lseek(fd, 0, SEEK_CUR), 9);
    EXPECT_ERR("preadv at -1", preadv_(fd, &r, 1, -1), EINVAL);
    EXPECT_ERR("pwritev at -1", pwritev_(fd, &w, 1, -1), EINVAL);
    char buf[16];
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "0123456XY9"), "file now %s", buf);
}

static void pv_espipe(void)
{
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    char c;
    struct iovec r = {&c, 1}, w = {"x", 1};
    EXPECT_ERR("preadv on a pipe", preadv_(p[0], &r, 1, 0), ESPIPE);
    EXPECT_ERR("pwritev on a pipe", pwritev_(p[1], &w, 1, 0), ESPIPE);
    EXPECT_ERR("preadv2 at 0 on a pipe", preadv2_(p[0], &r, 1, 0, 0), ESPIPE);
    EXPECT_RET("pwritev2 at -1 on a pipe", pwritev2_(p[1], &w, 1, -1, 0), 1);
    EXPECT_RET("preadv2 at -1 on a pipe", preadv2_(p[0], &r, 1, -1, 0), 1);
    T_EXPECT(c == 'x', "read %c", c);
}

static void pv_einval(void)
{
    int fd = tmp_file("0123456789");
    char c;
    struct iovec r = {&c, 1};
    EXPECT_ERR("preadv at -2", preadv_(fd, &r, 1, -2), EINVAL);
    EXPECT_ERR("preadv2 at -2", preadv2_(fd, &r, 1, -2, 0), EINVAL);
    EXPECT_ERR("pwritev at LONG_MIN", pwritev_(fd, &r, 1, (long)1 << 63), EINVAL);
    EXPECT_ERR("negative offset before a bad fd", preadv_(-1, &r, 1, -5), EINVAL);
    static struct iovec many[1025];
    for (int i = 0; i < 1025; i++)
        many[i] = r;
    EXPECT_ERR("1025 elements", preadv_(fd, many, 1025, 0), EINVAL);
    EXPECT_ERR("-1 elements", preadv_(fd, many, -1, 0), EINVAL);
    EXPECT_ERR("pwritev2 of 1025", pwritev2_(fd, many, 1025, -1, 0), EINVAL);
    EXPECT_RET("1024 elements", preadv_(fd, many, 1024, 0), 10);
}

static void pv_ebadf(void)
{
    int fd = tmp_file("0123456789");
    char c;
    struct iovec r = {&c, 1};
    EXPECT_ERR("preadv of a closed fd", preadv_(99, &r, 1, 0), EBADF);
    EXPECT_ERR("pwritev of a closed fd", pwritev_(99, &r, 1, 0), EBADF);
    EXPECT_ERR("preadv2 of a closed fd", preadv2_(99, &r, 1, -1, 0), EBADF);
    EXPECT_ERR("pwritev2 of a closed fd", pwritev2_(99, &r, 1, 3, 0), EBADF);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY);
    T_EXPECT(ro >= 0 && wo >= 0, "reopen: %s", t_errname(errno));
    EXPECT_ERR("pwritev on a read-only fd", pwritev_(ro, &r, 1, 0), EBADF);
    EXPECT_ERR("preadv on a write-only fd", preadv_(wo, &r, 1, 0), EBADF);
    EXPECT_ERR("preadv2 on a write-only fd", preadv2_(wo, &r, 1, -1, 0), EBADF);
}

static void pv_efault(void)
{
    int fd = tmp_file("0123456789");
    struct iovec bad = {BAD_PTR, 4};
    EXPECT_ERR("preadv of a bad vector", preadv_(fd, BAD_PTR, 1, 0), EFAULT);
    EXPECT_ERR("pwritev of a bad vector", pwritev_(fd, BAD_PTR, 1, 0), EFAULT);
    EXPECT_ERR("preadv2 into a bad buffer", preadv2_(fd, &bad, 1, 0, 0), EFAULT);
    EXPECT_ERR("pwritev2 from a bad buffer", pwritev2_(fd, &bad, 1, -1, 0), EFAULT);
    char buf[16];
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "0123456789"), "file now %s", buf);
}

/* The flags honoured on a regular file; others are EOPNOTSUPP. */
static void pv2_flags(void)
{
    int fd = tmp_file("0123456789");
    char a[2];
    struct iovec r = {a, 2}, w = {"zz", 2};
    EXPECT_RET("HIPRI", preadv2_(fd, &r, 1, 0, RWF_HIPRI), 2);
    EXPECT_RET("DSYNC", pwritev2_(fd, &w, 1, 0, RWF_DSYNC), 2);
    EXPECT_RET("SYNC", pwritev2_(fd, &w, 1, 2, RWF_SYNC), 2);
    EXPECT_RET("NOWAIT on a file", preadv2_(fd, &r, 1, 0, RWF_NOWAIT), 2);
    T_EXPECT(!memcmp(a, "zz", 2), "read %.2s", a);
    EXPECT_ERR("flag 0x10000", preadv2_(fd, &r, 1, 0, 0x10000), EOPNOTSUPP);
    EXPECT_ERR("flag 1 << 30", pwritev2_(fd, &w, 1, -1, 1 << 30), EOPNOTSUPP);
    EXPECT_RET("offset after", lseek(fd, 0, SEEK_CUR), 0);
}

/* NOWAIT on an empty pipe: EAGAIN for this call only. */
static void pv2_nowait(void)
{
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    char a[4];
    struct iovec r = {a, 4}, w = {"hi", 2};
    EXPECT_ERR("NOWAIT read of an empty pipe", preadv2_(p[0], &r, 1, -1, RWF_NOWAIT), EAGAIN);
    EXPECT_RET("F_GETFL after", fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);
    EXPECT_RET("NOWAIT write", pwritev2_(p[1], &w, 1, -1, RWF_NOWAIT), 2);
    EXPECT_RET("NOWAIT read with data", preadv2_(p[0], &r, 1, -1, RWF_NOWAIT), 2);
    T_EXPECT(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "F_SETFL");
    EXPECT_ERR("NOWAIT on a non-blocking pipe", preadv2_(p[0], &r, 1, -1, RWF_NOWAIT), EAGAIN);
    EXPECT_RET("O_NONBLOCK kept", fcntl(p[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
}

/* APPEND: at the end of the file, positioned or not; a positioned one
 * leaves the offset alone. */
static void pv2_append(void)
{
    int fd = tmp_file("abc");
    struct iovec w = {"XY", 2}, z = {"Z", 1};
    EXPECT_RET("pwritev2 at 0, APPEND", pwritev2_(fd, &w, 1, 0, RWF_APPEND), 2);
    EXPECT_RET("offset after", lseek(fd, 0, SEEK_CUR), 0);
    EXPECT_RET("pwritev2 at -1, APPEND", pwritev2_(fd, &z, 1, -1, RWF_APPEND), 1);
    EXPECT_RET("offset after the appending write", lseek(fd, 0, SEEK_CUR), 6);
    EXPECT_RET("F_GETFL has no O_APPEND", fcntl(fd, F_GETFL) & O_APPEND, 0);
    char buf[16];
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "abcXYZ"), "file now %s", buf);
}

static const struct t_case cases[] = {
    {"cr_range", cr_range},       {"cr_to_max", cr_to_max},
    {"cr_cloexec", cr_cloexec},   {"cr_einval", cr_einval},
    {"cr_unshare", cr_unshare},   {"cr_unshare_threads", cr_unshare_threads},
    {"pv_read", pv_read},         {"pv_write", pv_write},
    {"pv2_fileoff", pv2_fileoff}, {"pv_espipe", pv_espipe},
    {"pv_einval", pv_einval},     {"pv_ebadf", pv_ebadf},
    {"pv_efault", pv_efault},     {"pv2_flags", pv2_flags},
    {"pv2_nowait", pv2_nowait},   {"pv2_append", pv2_append},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--after-exec"))
        return after_exec();
    return t_run_cases("fdcalls", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
