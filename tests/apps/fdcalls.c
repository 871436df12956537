/* fdcalls: descriptor and file calls — close_range, the positioned and
 * flagged vector calls (preadv, pwritev, preadv2, pwritev2), memfd_create
 * with its seals, the xattr family on file systems that keep no extended
 * attributes, the file hints (fadvise64, readahead, sync_file_range), the
 * old getdents against getdents64, vmsplice, file handles
 * (name_to_handle_at, open_by_handle_at), the protection-key calls
 * (pkey_alloc, pkey_free, pkey_mprotect: Linux's answers on a CPU without
 * PKU, as Uniplex has none), sysfs and ustat, openat2 (open_how's size
 * rules, its strict flags and modes, each RESOLVE_* flag) — with their EFAULT,
 * EBADF and EINVAL cases (the hints take no pointer: no EFAULT). Each
 * case runs in a child of its own. Where the host's Linux does otherwise
 * by design (a thread's CLOSE_RANGE_UNSHARE; xattrs its /tmp may keep) the
 * case says what each expects.
 *
 * usage: fdcalls [CASE...] */
#define _GNU_SOURCE
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <sys/xattr.h>
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
    /* the access mode before the vector: even an empty one, and before
     * the flags */
    EXPECT_ERR("preadv of none on a write-only fd", preadv_(wo, &r, 0, 0), EBADF);
    EXPECT_ERR("readv of none on a write-only fd", readv(wo, &r, 0), EBADF);
    EXPECT_ERR("pwritev2 of 1025 on a read-only fd", pwritev2_(ro, &r, 1025, 0, 0), EBADF);
    EXPECT_ERR("preadv2 with a bad flag on a write-only fd", preadv2_(wo, &r, 1, 0, 0x10000),
               EBADF);
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

/* --- memfd_create and its seals -------------------------------------------- */

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

static int memfd_(const char *name, unsigned flags)
{
    return (int)syscall(SYS_memfd_create, name, flags);
}

static int new_memfd(const char *name, unsigned flags)
{
    int fd = memfd_(name, flags);
    T_EXPECT(fd >= 0, "memfd_create(%s): %s", name, t_errname(errno));
    return fd;
}

static void mfd_basic(void)
{
    int fd = new_memfd("fdcalls", MFD_CLOEXEC);
    EXPECT_RET("F_GETFD", fcntl(fd, F_GETFD), FD_CLOEXEC);
    EXPECT_RET("F_GETFL", fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
    EXPECT_RET("write", write(fd, "hello", 5), 5);
    char buf[16] = "";
    EXPECT_RET("pread", pread(fd, buf, sizeof buf, 0), 5);
    T_EXPECT(!strcmp(buf, "hello"), "read %s", buf);
    struct stat st;
    T_EXPECT(fstat(fd, &st) == 0, "fstat: %s", t_errname(errno));
    T_EXPECT(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0777 && st.st_size == 5,
             "fstat: mode %o size %ld", st.st_mode, (long)st.st_size);
    T_EXPECT(st.st_uid == getuid() && st.st_gid == getgid(), "owner %d:%d", (int)st.st_uid,
             (int)st.st_gid);
    char path[64], link[300];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, link, sizeof link - 1);
    T_EXPECT(n > 0, "readlink: %s", t_errname(errno));
    link[n] = 0;
    T_EXPECT(!strcmp(link, "/memfd:fdcalls (deleted)"), "link %s", link);
    EXPECT_RET("ftruncate to 3 pages", ftruncate(fd, 3 * 4096), 0);
    EXPECT_RET("lseek SEEK_END", lseek(fd, 0, SEEK_END), 3 * 4096);
    int again = open(path, O_RDONLY); /* the magic link reopens it */
    T_EXPECT(again >= 0, "reopen: %s", t_errname(errno));
    EXPECT_RET("read of the reopened one", read(again, buf, 5), 5);
    T_EXPECT(!memcmp(buf, "hello", 5), "read %.5s", buf);
    EXPECT_RET("a second without CLOEXEC", fcntl(new_memfd("", 0), F_GETFD), 0);
}

/* Two shared mappings and the file see the same pages; a forked child's
 * writes through its copy of the mapping too. */
static void mfd_mmap(void)
{
    int fd = new_memfd("map", 0);
    T_EXPECT(ftruncate(fd, 8192) == 0, "ftruncate");
    char *a = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char *b = mmap(0, 8192, PROT_READ, MAP_SHARED, fd, 0);
    T_EXPECT(a != MAP_FAILED && b != MAP_FAILED, "mmap: %s", t_errname(errno));
    strcpy(a + 4096, "through a");
    T_EXPECT(!strcmp(b + 4096, "through a"), "second mapping reads %s", b + 4096);
    char buf[16] = "";
    EXPECT_RET("pread", pread(fd, buf, 9, 4096), 9);
    T_EXPECT(!strcmp(buf, "through a"), "file reads %s", buf);
    pid_t pid = fork();
    if (pid == 0) {
        strcpy(a, "child");
        _exit(0);
    }
    T_EXPECT(waitpid(pid, 0, 0) == pid, "waitpid");
    T_EXPECT(!strcmp(b, "child"), "after the child: %s", b);
    char maps[8192];
    int mf = open("/proc/self/maps", O_RDONLY);
    ssize_t k = mf >= 0 ? read(mf, maps, sizeof maps - 1) : -1;
    maps[k > 0 ? k : 0] = 0;
    T_EXPECT(strstr(maps, " /memfd:map (deleted)\n"), "/proc/self/maps names no memfd");
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_EXPECT(p != MAP_FAILED, "private mmap: %s", t_errname(errno));
    strcpy(p, "private");
    T_EXPECT(!strcmp(b, "child"), "a private write showed: %s", b);
}

/* A program run from a memfd (fexecve: execveat with AT_EMPTY_PATH, or
 * /proc/self/fd/N): a copy of this one, which exits 42 (--exit-42). */
static void mfd_exec(void)
{
    int self = open("/proc/self/exe", O_RDONLY);
    T_EXPECT(self >= 0, "open /proc/self/exe: %s", t_errname(errno));
    int fd = new_memfd("fdcalls-copy", MFD_CLOEXEC);
    char buf[65536];
    ssize_t n;
    while ((n = read(self, buf, sizeof buf)) > 0)
        T_EXPECT(write(fd, buf, (size_t)n) == n, "write: %s", t_errname(errno));
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"fdcalls", "--exit-42", 0}, *envp[] = {0};
        fexecve(fd, argv, envp);
        _exit(errno);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == 42, "child: %s (exit: fexecve's errno)",
             p_status_str(st));
}

static void mfd_einval(void)
{
    EXPECT_ERR("flag 0x100", memfd_("x", 0x100), EINVAL);
    EXPECT_ERR("flag 1 << 31", memfd_("x", 1u << 31), EINVAL);
    char name[300];
    memset(name, 'n', sizeof name);
    name[249] = 0;
    int fd = memfd_(name, 0);
    T_EXPECT(fd >= 0, "a name of 249 bytes: %s", t_errname(errno));
    name[249] = 'n';
    name[250] = 0;
    EXPECT_ERR("a name of 250 bytes", memfd_(name, 0), EINVAL);
    name[299] = 0;
    EXPECT_ERR("a name of 299 bytes", memfd_(name, 0), EINVAL);
    /* No huge pages here: refused. The host may have hugetlbfs. */
    if (t_uniplex())
        EXPECT_ERR("MFD_HUGETLB", memfd_("x", MFD_HUGETLB), EINVAL);
    EXPECT_ERR("F_ADD_SEALS of an unknown seal",
               fcntl(new_memfd("s", MFD_ALLOW_SEALING), F_ADD_SEALS, 0x100), EINVAL);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    EXPECT_ERR("F_GET_SEALS of a pipe", fcntl(p[0], F_GET_SEALS), EINVAL);
    EXPECT_ERR("F_ADD_SEALS on a pipe's write end", fcntl(p[1], F_ADD_SEALS, F_SEAL_SEAL), EINVAL);
}

static void mfd_efault(void)
{
    EXPECT_ERR("memfd_create of a bad name", memfd_(BAD_PTR, 0), EFAULT);
    EXPECT_ERR("memfd_create of a NULL name", memfd_(0, 0), EFAULT);
}

static void mfd_ebadf(void)
{
    EXPECT_ERR("F_GET_SEALS of a closed fd", fcntl(99, F_GET_SEALS), EBADF);
    EXPECT_ERR("F_ADD_SEALS of a closed fd", fcntl(99, F_ADD_SEALS, F_SEAL_GROW), EBADF);
    int fd = new_memfd("ro", MFD_ALLOW_SEALING);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int ro = open(path, O_RDONLY);
    T_EXPECT(ro >= 0, "reopen: %s", t_errname(errno));
    EXPECT_ERR("F_ADD_SEALS through a read-only fd", fcntl(ro, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    EXPECT_RET("F_GET_SEALS through it", fcntl(ro, F_GET_SEALS), 0);
    EXPECT_ERR("write to the read-only fd", write(ro, "x", 1), EBADF);
}

/* Without MFD_ALLOW_SEALING a memfd is sealed against seals, as a tmpfs
 * file (/dev/shm is a tmpfs on Linux too). */
static void mfd_noseal(void)
{
    int fd = new_memfd("plain", 0);
    EXPECT_RET("F_GET_SEALS", fcntl(fd, F_GET_SEALS), F_SEAL_SEAL);
    EXPECT_ERR("F_ADD_SEALS", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EPERM);
    EXPECT_RET("write after", write(fd, "x", 1), 1);
    char path[64];
    snprintf(path, sizeof path, "/dev/shm/fdcalls.%d", (int)getpid());
    int shm = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
    T_EXPECT(shm >= 0, "open %s: %s", path, t_errname(errno));
    unlink(path);
    EXPECT_RET("F_GET_SEALS of a tmpfs file", fcntl(shm, F_GET_SEALS), F_SEAL_SEAL);
    EXPECT_ERR("F_ADD_SEALS on a tmpfs file", fcntl(shm, F_ADD_SEALS, F_SEAL_GROW), EPERM);
}

static void mfd_seal_size(void)
{
    int fd = new_memfd("size", MFD_ALLOW_SEALING);
    EXPECT_RET("F_GET_SEALS", fcntl(fd, F_GET_SEALS), 0);
    EXPECT_RET("write", write(fd, "0123456789", 10), 10);
    EXPECT_RET("F_SEAL_SHRINK", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
    EXPECT_ERR("ftruncate smaller", ftruncate(fd, 5), EPERM);
    EXPECT_RET("ftruncate larger", ftruncate(fd, 12), 0);
    EXPECT_RET("ftruncate to the size", ftruncate(fd, 12), 0);
    EXPECT_RET("F_SEAL_GROW", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), 0);
    EXPECT_ERR("ftruncate larger", ftruncate(fd, 13), EPERM);
    EXPECT_ERR("write at the end", pwrite(fd, "ab", 2, 11), EPERM);
    EXPECT_ERR("fallocate past the end", fallocate(fd, 0, 0, 4096), EPERM);
    EXPECT_ERR("fallocate KEEP_SIZE past the end", fallocate(fd, 1, 0, 4096), EPERM);
    EXPECT_RET("fallocate inside", fallocate(fd, 0, 0, 12), 0);
    EXPECT_RET("write inside", pwrite(fd, "ab", 2, 10), 2);
    EXPECT_RET("F_GET_SEALS", fcntl(fd, F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    EXPECT_ERR("truncate(2) through /proc", truncate(path, 0), EPERM);
    EXPECT_ERR("open O_TRUNC through /proc", open(path, O_RDWR | O_TRUNC), EPERM);
    struct stat st;
    T_EXPECT(fstat(fd, &st) == 0 && st.st_size == 12, "size now %ld", (long)st.st_size);
}

static void mfd_seal_write(void)
{
    int fd = new_memfd("write", MFD_ALLOW_SEALING);
    T_EXPECT(ftruncate(fd, 4096) == 0, "ftruncate");
    EXPECT_RET("F_SEAL_WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
    EXPECT_ERR("write", write(fd, "x", 1), EPERM);
    EXPECT_ERR("pwrite", pwrite(fd, "x", 1, 0), EPERM);
    struct iovec w = {"x", 1};
    EXPECT_ERR("pwritev", pwritev_(fd, &w, 1, 0), EPERM);
    EXPECT_RET("write of nothing", write(fd, "", 0), 0);
    EXPECT_RET("ftruncate to the size", ftruncate(fd, 4096), 0);
    EXPECT_RET("ftruncate larger (no GROW seal)", ftruncate(fd, 8192), 0);
    void *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_EXPECT(m == MAP_FAILED && errno == EPERM, "writable shared mmap: %p %s", m, t_errname(errno));
    char *r = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
    T_EXPECT(r != MAP_FAILED, "read-only shared mmap: %s", t_errname(errno));
    EXPECT_ERR("mprotect it writable", mprotect(r, 4096, PROT_READ | PROT_WRITE), EACCES);
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    T_EXPECT(p != MAP_FAILED, "private writable mmap: %s", t_errname(errno));
    p[0] = 'p';
    T_EXPECT(r[0] == 0, "the private write showed in the file");
    EXPECT_RET("F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL), 0);
    EXPECT_ERR("a seal after F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW), EPERM);
    EXPECT_RET("F_GET_SEALS", fcntl(fd, F_GET_SEALS), F_SEAL_WRITE | F_SEAL_SEAL);
}

/* F_SEAL_WRITE while a shared mapping may write: EBUSY, until it goes. */
static void mfd_seal_busy(void)
{
    int fd = new_memfd("busy", MFD_ALLOW_SEALING);
    T_EXPECT(ftruncate(fd, 4096) == 0, "ftruncate");
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    EXPECT_ERR("F_SEAL_WRITE while mapped", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), EBUSY);
    EXPECT_RET("seals unchanged", fcntl(fd, F_GET_SEALS), 0);
    T_EXPECT(munmap(m, 4096) == 0, "munmap");
    EXPECT_RET("F_SEAL_WRITE after munmap", fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
}

/* F_SEAL_FUTURE_WRITE: the mappings there are keep writing; nothing new
 * may. */
static void mfd_seal_future(void)
{
    int fd = new_memfd("future", MFD_ALLOW_SEALING);
    T_EXPECT(ftruncate(fd, 4096) == 0, "ftruncate");
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    EXPECT_RET("F_SEAL_FUTURE_WRITE", fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), 0);
    EXPECT_ERR("write", write(fd, "x", 1), EPERM);
    strcpy(m, "still");
    char buf[8] = "";
    EXPECT_RET("pread", pread(fd, buf, 5, 0), 5);
    T_EXPECT(!strcmp(buf, "still"), "file reads %s", buf);
    void *n = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    T_EXPECT(n == MAP_FAILED && errno == EPERM, "a new writable shared mmap: %p %s", n,
             t_errname(errno));
}

/* --- the xattr family -------------------------------------------------------- */

#ifndef ENOATTR
#define ENOATTR ENODATA
#endif

/* Every call on a file of a file system without extended attributes
 * (procfs on Linux; every one in Uniplex): EOPNOTSUPP, an empty list. */
static void xa_path_none(const char *path, const char *what)
{
    char v[16], list[64], msg[160];
    static const char *names[] = {"user.x", "trusted.x", "security.x", "system.x", "foo"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(msg, sizeof msg, "%s: getxattr %s", what, names[i]);
        EXPECT_ERR(msg, getxattr(path, names[i], v, sizeof v), EOPNOTSUPP);
        snprintf(msg, sizeof msg, "%s: setxattr %s", what, names[i]);
        EXPECT_ERR(msg, setxattr(path, names[i], "v", 1, 0), EOPNOTSUPP);
        snprintf(msg, sizeof msg, "%s: removexattr %s", what, names[i]);
        EXPECT_ERR(msg, removexattr(path, names[i]), EOPNOTSUPP);
    }
    snprintf(msg, sizeof msg, "%s: XATTR_CREATE", what);
    EXPECT_ERR(msg, setxattr(path, "user.x", "v", 1, XATTR_CREATE), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: XATTR_CREATE|XATTR_REPLACE", what);
    EXPECT_ERR(msg, lsetxattr(path, "user.x", "", 0, XATTR_CREATE | XATTR_REPLACE), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: lgetxattr", what);
    EXPECT_ERR(msg, lgetxattr(path, "user.x", v, sizeof v), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: listxattr", what);
    EXPECT_RET(msg, listxattr(path, list, sizeof list), 0);
    snprintf(msg, sizeof msg, "%s: listxattr's size", what);
    EXPECT_RET(msg, llistxattr(path, 0, 0), 0);
}

static void xa_fd_none(int fd, const char *what)
{
    char v[16], list[64], msg[160];
    snprintf(msg, sizeof msg, "%s: fgetxattr", what);
    EXPECT_ERR(msg, fgetxattr(fd, "user.x", v, sizeof v), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: fsetxattr", what);
    EXPECT_ERR(msg, fsetxattr(fd, "user.x", "v", 1, XATTR_REPLACE), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: fremovexattr", what);
    EXPECT_ERR(msg, fremovexattr(fd, "trusted.x"), EOPNOTSUPP);
    snprintf(msg, sizeof msg, "%s: flistxattr", what);
    EXPECT_RET(msg, flistxattr(fd, list, sizeof list), 0);
}

static void xa_unsupported(void)
{
    xa_path_none("/proc/self/status", "a proc file");
    xa_path_none("/proc/self/fd", "a proc directory");
    int fd = open("/proc/self/status", O_RDONLY);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    xa_fd_none(fd, "a proc file's fd");
    if (!t_uniplex())
        return; /* the host's /tmp and memfds keep attributes */
    int t = tmp_file("x");
    xa_fd_none(t, "a /tmp file");
    xa_path_none("/tmp", "/tmp");
    xa_fd_none(new_memfd("xattr", 0), "a memfd");
}

/* A symlink itself (l* calls): user.* is for regular files and
 * directories only: EPERM to change, ENODATA to read. */
static void xa_symlink(void)
{
    char v[16];
    EXPECT_ERR("lsetxattr user.x", lsetxattr("/proc/self", "user.x", "v", 1, 0), EPERM);
    EXPECT_ERR("lremovexattr user.x", lremovexattr("/proc/self", "user.x"), EPERM);
    EXPECT_ERR("lgetxattr user.x", lgetxattr("/proc/self", "user.x", v, sizeof v), ENODATA);
    EXPECT_ERR("lgetxattr trusted.x", lgetxattr("/proc/self", "trusted.x", v, sizeof v),
               EOPNOTSUPP);
    EXPECT_RET("llistxattr", llistxattr("/proc/self", v, sizeof v), 0);
    EXPECT_ERR("getxattr through it", getxattr("/proc/self", "user.x", v, sizeof v), EOPNOTSUPP);
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    EXPECT_ERR("fsetxattr user.x on a pipe", fsetxattr(p[0], "user.x", "v", 1, 0), EPERM);
    EXPECT_ERR("fgetxattr user.x on a pipe", fgetxattr(p[0], "user.x", v, sizeof v), ENODATA);
}

/* Flags, then the name, then the value: before the file is looked for. */
static void xa_einval(void)
{
    char name[300];
    EXPECT_ERR("flag 4", setxattr("/proc/self/status", "user.x", "v", 1, 4), EINVAL);
    EXPECT_ERR("flag 4 on a missing file", setxattr("/nonexistent", "user.x", "v", 1, 4), EINVAL);
    EXPECT_ERR("flag 1 << 31", lsetxattr("/proc/self", "user.x", "v", 1, 1 << 31), EINVAL);
    EXPECT_ERR("flag 8 on a closed fd", fsetxattr(99, "user.x", "v", 1, 8), EINVAL);
    EXPECT_ERR("an empty name", getxattr("/proc/self/status", "", name, 10), ERANGE);
    EXPECT_ERR("an empty name to remove", removexattr("/proc/self/status", ""), ERANGE);
    memset(name, 'n', sizeof name);
    memcpy(name, "user.", 5);
    name[255] = 0;
    EXPECT_ERR("a name of 255", getxattr("/proc/self/status", name, name + 260, 10), EOPNOTSUPP);
    name[255] = 'n';
    name[256] = 0;
    EXPECT_ERR("a name of 256", getxattr("/proc/self/status", name, name + 260, 10), ERANGE);
    EXPECT_ERR("a name of 256 to set", setxattr("/proc/self/status", name, "v", 1, 0), ERANGE);
    EXPECT_ERR("a name of 256, missing file", getxattr("/nonexistent", name, 0, 0), ERANGE);
    EXPECT_ERR("a name of 256, closed fd", fgetxattr(99, name, 0, 0), ERANGE);
    static char big[65537];
    EXPECT_ERR("a value of 65537", setxattr("/proc/self/status", "user.x", big, 65537, 0), E2BIG);
    EXPECT_ERR("a value of 65536", setxattr("/proc/self/status", "user.x", big, 65536, 0),
               EOPNOTSUPP);
}

static void xa_efault(void)
{
    char v[16];
    EXPECT_ERR("a bad path", getxattr(BAD_PTR, "user.x", v, sizeof v), EFAULT);
    EXPECT_ERR("a bad path to list", listxattr(BAD_PTR, v, sizeof v), EFAULT);
    EXPECT_ERR("a bad path to set", lsetxattr(BAD_PTR, "user.x", "v", 1, 0), EFAULT);
    EXPECT_ERR("a bad name", getxattr("/proc/self/status", BAD_PTR, v, sizeof v), EFAULT);
    EXPECT_ERR("a bad name, fd", fremovexattr(0, BAD_PTR), EFAULT);
    EXPECT_ERR("a bad value", setxattr("/proc/self/status", "user.x", BAD_PTR, 1, 0), EFAULT);
    EXPECT_ERR("a bad value, fd", fsetxattr(0, "user.x", BAD_PTR, 1, 0), EFAULT);
    /* nothing to copy out: the buffers are never looked at */
    EXPECT_ERR("a bad value buffer", getxattr("/proc/self/status", "user.x", BAD_PTR, 16),
               EOPNOTSUPP);
    EXPECT_RET("a bad list buffer", listxattr("/proc/self/status", BAD_PTR, 16), 0);
}

static void xa_ebadf(void)
{
    char v[16];
    EXPECT_ERR("fgetxattr of a closed fd", fgetxattr(99, "user.x", v, sizeof v), EBADF);
    EXPECT_ERR("fsetxattr of a closed fd", fsetxattr(99, "user.x", "v", 1, 0), EBADF);
    EXPECT_ERR("flistxattr of a closed fd", flistxattr(99, v, sizeof v), EBADF);
    EXPECT_ERR("fremovexattr of a closed fd", fremovexattr(99, "user.x"), EBADF);
    EXPECT_ERR("fgetxattr of -1", fgetxattr(-1, "user.x", v, sizeof v), EBADF);
    int o = open("/proc/self/status", O_PATH);
    T_EXPECT(o >= 0, "open O_PATH: %s", t_errname(errno));
    EXPECT_ERR("fgetxattr of O_PATH", fgetxattr(o, "user.x", v, sizeof v), EBADF);
    EXPECT_ERR("flistxattr of O_PATH", flistxattr(o, v, sizeof v), EBADF);
}

/* The file is found as any path is: ENOENT, ENOTDIR, ELOOP. */
static void xa_lookup(void)
{
    char v[16], loop[64], inside[80];
    EXPECT_ERR("a missing file", getxattr("/nonexistent", "user.x", v, sizeof v), ENOENT);
    EXPECT_ERR("a missing file to list", llistxattr("/nonexistent", v, sizeof v), ENOENT);
    EXPECT_ERR("an empty path", removexattr("", "user.x"), ENOENT);
    EXPECT_ERR("under a file", setxattr("/proc/self/status/x", "user.x", "v", 1, 0), ENOTDIR);
    snprintf(loop, sizeof loop, "/tmp/fdcalls.loop.%d", (int)getpid());
    snprintf(inside, sizeof inside, "%s/x", loop);
    T_EXPECT(symlink(loop, loop) == 0, "symlink: %s", t_errname(errno));
    errno = 0;
    long r = getxattr(loop, "user.x", v, sizeof v);
    int e = errno;
    long r2 = lgetxattr(loop, "user.x", v, sizeof v);
    int e2 = errno;
    long r3 = llistxattr(inside, v, sizeof v);
    int e3 = errno;
    unlink(loop);
    T_EXPECT(r == -1 && e == ELOOP, "getxattr of a loop: %ld/%s", r, t_errname(e));
    T_EXPECT(r2 == -1 && e2 == ENODATA, "lgetxattr of the link: %ld/%s", r2, t_errname(e2));
    T_EXPECT(r3 == -1 && e3 == ELOOP, "llistxattr under it: %ld/%s", r3, t_errname(e3));
}

/* A read-only mount: changing is EROFS before anything else is asked;
 * reading goes on. Inside Uniplex only (a mount on the host). */
static void xa_erofs(void)
{
    if (!t_uniplex())
        return;
    char dir[64], v[16];
    snprintf(dir, sizeof dir, "/tmp/fdcalls.ro.%d", (int)getpid());
    T_EXPECT(mkdir(dir, 0755) == 0, "mkdir: %s", t_errname(errno));
    int m = mount("none", dir, "tmpfs", MS_RDONLY, 0);
    int e = errno;
    long set = m == 0 ? setxattr(dir, "user.x", "v", 1, 0) : 0, set_e = errno;
    long rm = m == 0 ? removexattr(dir, "user.x") : 0, rm_e = errno;
    long get = m == 0 ? getxattr(dir, "user.x", v, sizeof v) : 0, get_e = errno;
    if (m == 0)
        umount2(dir, 0);
    rmdir(dir);
    T_EXPECT(m == 0, "mount: %s", t_errname(e));
    T_EXPECT(set == -1 && set_e == EROFS, "setxattr: %ld/%s", set, t_errname((int)set_e));
    T_EXPECT(rm == -1 && rm_e == EROFS, "removexattr: %ld/%s", rm, t_errname((int)rm_e));
    T_EXPECT(get == -1 && get_e == EOPNOTSUPP, "getxattr: %ld/%s", get, t_errname((int)get_e));
}

/* --- fadvise64, readahead, sync_file_range --------------------------------------- */

#define FADV_DONTNEED 4 /* x86-64's numbering */
#define FADV_NOREUSE  5
#define SFR_ALL       7 /* SYNC_FILE_RANGE_WAIT_BEFORE | WRITE | WAIT_AFTER */

static long fadvise_(int fd, long off, long len, long advice)
{
    return syscall(SYS_fadvise64, fd, off, len, advice);
}

static long readahead_(int fd, long off, long n)
{
    return syscall(SYS_readahead, fd, off, n);
}

static long sfr_(int fd, long off, long n, long flags)
{
    return syscall(SYS_sync_file_range, fd, off, n, flags);
}

/* The pipe, socket, directory and device descriptors the hint cases try. */
struct kinds {
    int pipe[2], sock[2], dir, null, path;
};

static void kinds_open(struct kinds *k, int file)
{
    T_EXPECT(pipe(k->pipe) == 0, "pipe: %s", t_errname(errno));
    T_EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, k->sock) == 0, "socketpair");
    k->dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    k->null = open("/dev/null", O_RDWR);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", file);
    k->path = open(path, O_PATH);
    T_EXPECT(k->dir >= 0 && k->null >= 0 && k->path >= 0, "open: %s", t_errname(errno));
}

/* Every advice is taken on a file, the data stays what it was (DONTNEED
 * drops nothing that cannot be read back), and only the advice's int
 * counts. */
static void fa_advice(void)
{
    int fd = tmp_file("0123456789");
    char buf[16];
    for (long a = 0; a <= FADV_NOREUSE; a++)
        EXPECT_RET("an advice", fadvise_(fd, 0, 0, a), 0);
    EXPECT_RET("DONTNEED of a range", fadvise_(fd, 2, 4, FADV_DONTNEED), 0);
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "0123456789"), "after DONTNEED: %s", buf);
    EXPECT_RET("posix_fadvise WILLNEED", posix_fadvise(fd, 0, 10, POSIX_FADV_WILLNEED), 0);
    EXPECT_RET("a negative offset", fadvise_(fd, -5, 10, 0), 0);
    EXPECT_RET("a range past the end", fadvise_(fd, 1L << 40, 1L << 40, 0), 0);
    EXPECT_RET("advice 1<<32 (an int: 0)", fadvise_(fd, 0, 0, 1L << 32), 0);
    EXPECT_RET("a write-only file", fadvise_(open("/dev/null", O_WRONLY), 0, 0, 0), 0);
}

/* Pipes are ESPIPE before anything else is looked at; sockets,
 * directories and devices take advice, as on Linux. */
static void fa_kinds(void)
{
    struct kinds k;
    int fd = tmp_file("x");
    kinds_open(&k, fd);
    EXPECT_ERR("a pipe's read end", fadvise_(k.pipe[0], 0, 0, 0), ESPIPE);
    EXPECT_ERR("a pipe's write end, bad advice", fadvise_(k.pipe[1], 0, 0, 9), ESPIPE);
    EXPECT_ERR("a pipe, negative length", fadvise_(k.pipe[0], 0, -1, 0), ESPIPE);
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/fdcalls.fifo.%d", (int)getpid());
    T_EXPECT(mkfifo(fifo, 0600) == 0, "mkfifo: %s", t_errname(errno));
    int ff = open(fifo, O_RDWR);
    unlink(fifo);
    EXPECT_ERR("a FIFO", fadvise_(ff, 0, 0, FADV_DONTNEED), ESPIPE);
    EXPECT_RET("a socket", fadvise_(k.sock[0], 0, 0, 0), 0);
    EXPECT_RET("a directory", fadvise_(k.dir, 0, 0, FADV_DONTNEED), 0);
    EXPECT_RET("/dev/null", fadvise_(k.null, 0, 0, 0), 0);
}

static void fa_einval(void)
{
    int fd = tmp_file("0123456789");
    EXPECT_ERR("advice 6", fadvise_(fd, 0, 0, 6), EINVAL);
    EXPECT_ERR("advice 7 (s390x's NOREUSE)", fadvise_(fd, 0, 0, 7), EINVAL);
    EXPECT_ERR("advice -1", fadvise_(fd, 0, 0, -1), EINVAL);
    EXPECT_ERR("a negative length", fadvise_(fd, 0, -1, 0), EINVAL);
    int e = posix_fadvise(fd, 0, 0, 6);
    T_EXPECT(e == EINVAL, "posix_fadvise of advice 6: %s", t_errname(e));
}

static void fa_ebadf(void)
{
    int fd = tmp_file("x");
    struct kinds k;
    kinds_open(&k, fd);
    EXPECT_ERR("fd -1", fadvise_(-1, 0, 0, 0), EBADF);
    EXPECT_ERR("O_PATH", fadvise_(k.path, 0, 0, 0), EBADF);
    EXPECT_ERR("bad advice on a bad fd", fadvise_(-1, 0, 0, 99), EBADF);
    close(fd);
    EXPECT_ERR("a closed fd", fadvise_(fd, 0, 0, 0), EBADF);
}

/* readahead: regular files open for reading; the data reads back. There
 * is no pointer argument, so no EFAULT. */
static void ra_file(void)
{
    int fd = tmp_file("0123456789");
    char buf[16];
    EXPECT_RET("readahead", readahead_(fd, 0, 100), 0);
    EXPECT_RET("past the end", readahead_(fd, 1L << 40, 4096), 0);
    EXPECT_RET("a negative offset", readahead_(fd, -1, 100), 0);
    EXPECT_RET("nothing", readahead_(fd, 0, 0), 0);
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "0123456789"), "after readahead: %s", buf);
    T_EXPECT(lseek(fd, 0, SEEK_CUR) == 0, "the offset moved");
}

static void ra_errors(void)
{
    int fd = tmp_file("0123456789");
    struct kinds k;
    kinds_open(&k, fd);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int wo = open(path, O_WRONLY);
    T_EXPECT(wo >= 0, "reopen: %s", t_errname(errno));
    EXPECT_ERR("a write-only file", readahead_(wo, 0, 10), EBADF);
    EXPECT_ERR("O_PATH", readahead_(k.path, 0, 10), EBADF);
    EXPECT_ERR("fd -1", readahead_(-1, 0, 10), EBADF);
    EXPECT_ERR("a pipe", readahead_(k.pipe[0], 0, 10), EINVAL);
    EXPECT_ERR("a socket", readahead_(k.sock[0], 0, 10), EINVAL);
    EXPECT_ERR("a directory", readahead_(k.dir, 0, 10), EINVAL);
    EXPECT_ERR("/dev/null", readahead_(k.null, 0, 10), EINVAL);
    EXPECT_ERR("a count of 2^63 or more", readahead_(fd, 0, -1), EINVAL);
}

/* sync_file_range: every flag combination on a file, a directory, a
 * write-only descriptor; the data is still there. */
static void sfr_ok(void)
{
    int fd = tmp_file("0123456789");
    char buf[16];
    T_EXPECT(pwrite(fd, "ab", 2, 3) == 2, "pwrite");
    for (long fl = 0; fl <= SFR_ALL; fl++)
        EXPECT_RET("flags", sfr_(fd, 0, 0, fl), 0);
    EXPECT_RET("a range", sfr_(fd, 3, 2, SFR_ALL), 0);
    EXPECT_RET("from the last offset to the end", sfr_(fd, 0x7fffffffffffffffL, 0, 2), 0);
    EXPECT_RET("past the end", sfr_(fd, 1L << 40, 4096, 2), 0);
    file_text(fd, buf, sizeof buf);
    T_EXPECT(!strcmp(buf, "012ab56789"), "file now %s", buf);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    EXPECT_RET("a directory", sfr_(dir, 0, 0, SFR_ALL), 0);
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    EXPECT_RET("a write-only file", sfr_(open(path, O_WRONLY), 0, 0, 2), 0);
}

static void sfr_errors(void)
{
    int fd = tmp_file("0123456789");
    struct kinds k;
    kinds_open(&k, fd);
    EXPECT_ERR("flag 8", sfr_(fd, 0, 0, 8), EINVAL);
    EXPECT_ERR("flags ~0", sfr_(fd, 0, 0, ~0L), EINVAL);
    EXPECT_ERR("a negative offset", sfr_(fd, -1, 0, 0), EINVAL);
    EXPECT_ERR("a negative count", sfr_(fd, 0, -1, 0), EINVAL);
    EXPECT_ERR("a count back past the offset", sfr_(fd, 10, -5, 0), EINVAL);
    EXPECT_ERR("an overflowing range", sfr_(fd, 0x7fffffffffffffffL, 1, 0), EINVAL);
    EXPECT_ERR("flags before the pipe", sfr_(k.pipe[0], 0, 0, 8), EINVAL);
    EXPECT_ERR("a pipe", sfr_(k.pipe[0], 0, 0, 0), ESPIPE);
    EXPECT_ERR("a pipe's write end", sfr_(k.pipe[1], 0, 0, SFR_ALL), ESPIPE);
    EXPECT_ERR("a socket", sfr_(k.sock[0], 0, 0, 0), ESPIPE);
    EXPECT_ERR("/dev/null", sfr_(k.null, 0, 0, 0), ESPIPE);
    EXPECT_ERR("fd -1", sfr_(-1, 0, 0, 8), EBADF);
    EXPECT_ERR("O_PATH", sfr_(k.path, 0, 0, 0), EBADF);
}

/* --- getdents (the old one) ------------------------------------------------------- */

/* A directory entry as getdents or getdents64 gave it. */
struct ent {
    char name[64];
    unsigned long ino;
    unsigned char type;
};

/* A directory with a file, a directory, a symlink and a FIFO in it. */
static void gd_tree(char *dir, size_t n)
{
    char p[128];
    snprintf(dir, n, "/tmp/fdcalls.dir.%d", (int)getpid());
    T_EXPECT(mkdir(dir, 0755) == 0, "mkdir: %s", t_errname(errno));
    snprintf(p, sizeof p, "%s/file", dir);
    T_EXPECT(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0, "creat");
    snprintf(p, sizeof p, "%s/sub", dir);
    T_EXPECT(mkdir(p, 0755) == 0, "mkdir sub");
    snprintf(p, sizeof p, "%s/link", dir);
    T_EXPECT(symlink("file", p) == 0, "symlink");
    snprintf(p, sizeof p, "%s/fifo", dir);
    T_EXPECT(mkfifo(p, 0600) == 0, "mkfifo");
    snprintf(p, sizeof p, "%s/a-much-longer-name-than-the-others", dir);
    T_EXPECT(close(open(p, O_CREAT | O_WRONLY, 0600)) == 0, "creat long");
}

static void gd_untree(const char *dir)
{
    const char *names[] = {"file", "link", "fifo", "a-much-longer-name-than-the-others"};
    char p[128];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/sub", dir);
    rmdir(p);
    rmdir(dir);
}

/* Every entry of dir through getdents (old) or getdents64, reading with a
 * buffer of bufsz bytes at a time; checks each record's layout. */
static int gd_read(const char *dir, int old, size_t bufsz, struct ent *out, int max)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
    T_EXPECT(fd >= 0, "open %s: %s", dir, t_errname(errno));
    char buf[4096] __attribute__((aligned(8)));
    long got;
    while ((got = syscall(old ? SYS_getdents : SYS_getdents64, fd, buf, bufsz)) > 0) {
        for (long at = 0; at < got;) {
            unsigned short reclen;
            const char *name;
            struct ent *e = &out[n];
            T_EXPECT(n < max, "too many entries");
            memcpy(&e->ino, buf + at, 8);
            if (old) { /* d_ino, d_off, d_reclen, d_name, pad, d_type */
                memcpy(&reclen, buf + at + 16, 2);
                name = buf + at + 18;
                e->type = (unsigned char)buf[at + reclen - 1];
            } else { /* d_ino, d_off, d_reclen, d_type, d_name */
                memcpy(&reclen, buf + at + 16, 2);
                e->type = (unsigned char)buf[at + 18];
                name = buf + at + 19;
            }
            T_EXPECT(reclen % 8 == 0 && at + reclen <= got, "reclen %u", reclen);
            T_EXPECT(memchr(name, 0, (size_t)(buf + at + reclen - name)), "no NUL in the record");
            T_EXPECT(strlen(name) < sizeof e->name, "name too long");
            strcpy(e->name, name);
            n++;
            at += reclen;
        }
    }
    T_EXPECT(got == 0, "getdents%s: %s", old ? "" : "64", t_errname(errno));
    close(fd);
    return n;
}

static const struct ent *gd_find(const struct ent *e, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(e[i].name, name))
            return &e[i];
    return 0;
}

/* getdents returns the names, inodes and types getdents64 does, in the
 * same order, whatever the buffer size; d_type is right for each kind. */
static void gd_same(void)
{
    char dir[64];
    struct ent a[16], b[16], c[16];
    gd_tree(dir, sizeof dir);
    int na = gd_read(dir, 0, 4096, a, 16);
    int nb = gd_read(dir, 1, 4096, b, 16);
    int nc = gd_read(dir, 1, 64, c, 16); /* about one record a call */
    T_EXPECT(na == 7 && nb == na && nc == na, "entries: %d, %d, %d", na, nb, nc);
    for (int i = 0; i < na; i++) {
        T_EXPECT(!strcmp(a[i].name, b[i].name) && !strcmp(a[i].name, c[i].name),
                 "entry %d: %s / %s / %s", i, a[i].name, b[i].name, c[i].name);
        T_EXPECT(a[i].ino == b[i].ino && a[i].type == b[i].type && a[i].ino == c[i].ino,
                 "%s: ino %lu/%lu type %u/%u", a[i].name, a[i].ino, b[i].ino, a[i].type, b[i].type);
    }
    const struct {
        const char *name;
        unsigned char type;
    } want[] = {{".", DT_DIR},   {"..", DT_DIR},   {"file", DT_REG},
                {"sub", DT_DIR}, {"link", DT_LNK}, {"fifo", DT_FIFO}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct ent *e = gd_find(b, nb, want[i].name);
        struct stat st;
        char p[128];
        snprintf(p, sizeof p, "%s/%s", dir, want[i].name);
        T_EXPECT(e && lstat(p, &st) == 0, "%s missing", want[i].name);
        T_EXPECT(e->type == want[i].type, "%s: d_type %u", want[i].name, e->type);
        T_EXPECT(e->ino == st.st_ino, "%s: d_ino %lu, st_ino %lu", want[i].name, e->ino,
                 (unsigned long)st.st_ino);
    }
    gd_untree(dir);
}

/* d_off is where the next record starts: lseek there and read on. */
static void gd_offset(void)
{
    char dir[64], buf[1024] __attribute__((aligned(8)));
    struct ent all[16];
    gd_tree(dir, sizeof dir);
    int n = gd_read(dir, 1, sizeof buf, all, 16);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    long got = syscall(SYS_getdents, fd, buf, sizeof buf);
    T_EXPECT(got > 0, "getdents: %s", t_errname(errno));
    unsigned short reclen;
    unsigned long off;
    memcpy(&reclen, buf + 16, 2);
    memcpy(&off, buf + 8, 8); /* the first record's d_off */
    T_EXPECT(lseek(fd, (off_t)off, SEEK_SET) == (off_t)off, "lseek: %s", t_errname(errno));
    got = syscall(SYS_getdents, fd, buf, sizeof buf);
    T_EXPECT(got > 0 && !strcmp(buf + 18, all[1].name), "after d_off: %s, not %s", buf + 18,
             all[1].name);
    T_EXPECT(n > 2 && reclen >= 24, "reclen %u", reclen);
    gd_untree(dir);
}

static void gd_errors(void)
{
    char buf[256] __attribute__((aligned(8)));
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY), fd = tmp_file("x");
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", dir);
    int opath = open(path, O_PATH);
    EXPECT_ERR("a buffer too small for one", syscall(SYS_getdents, dir, buf, 8), EINVAL);
    EXPECT_ERR("a count of 0", syscall(SYS_getdents, dir, buf, 0), EINVAL);
    EXPECT_ERR("a file", syscall(SYS_getdents, fd, buf, sizeof buf), ENOTDIR);
    EXPECT_ERR("fd -1", syscall(SYS_getdents, -1, buf, sizeof buf), EBADF);
    EXPECT_ERR("O_PATH", syscall(SYS_getdents, opath, buf, sizeof buf), EBADF);
    EXPECT_ERR("getdents64 O_PATH", syscall(SYS_getdents64, opath, buf, sizeof buf), EBADF);
    EXPECT_ERR("a bad buffer", syscall(SYS_getdents, dir, BAD_PTR, 4096), EFAULT);
    EXPECT_ERR("a kernel buffer", syscall(SYS_getdents, dir, (void *)-4096L, 4096), EFAULT);
    /* nothing was consumed by the failures: the first read gets "." */
    long got = syscall(SYS_getdents, dir, buf, sizeof buf);
    T_EXPECT(got > 0 && !strcmp(buf + 18, "."), "then: %ld %s", got, got > 0 ? buf + 18 : "");
}

/* --- vmsplice ----------------------------------------------------------------- */

#define SPLICE_F_NONBLOCK_ 2
#define SPLICE_F_GIFT_     8

static long vmsplice_(int fd, const struct iovec *iov, long cnt, long flags)
{
    return syscall(SYS_vmsplice, fd, iov, cnt, flags);
}

/* Program buffers into a pipe, element by element, and out of it intact. */
static void vm_to_pipe(void)
{
    int p[2];
    char out[32] = {0};
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iovec v[3] = {{"hello, ", 7}, {"", 0}, {"world", 5}};
    EXPECT_RET("vmsplice 3 elements", vmsplice_(p[1], v, 3, 0), 12);
    struct iovec g = {"!gift", 5};
    EXPECT_RET("SPLICE_F_GIFT", vmsplice_(p[1], &g, 1, SPLICE_F_GIFT_), 5);
    EXPECT_RET("read them", read(p[0], out, sizeof out), 17);
    T_EXPECT(!memcmp(out, "hello, world!gift", 17), "read %s", out);
}

/* More than the pipe holds: what fits goes, the rest waits; the bytes
 * come out in order. */
static void vm_big(void)
{
    int p[2];
    static char src[100000], dst[100000];
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (char)(i * 7 + i / 251);
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iovec v = {src, sizeof src};
    long r = vmsplice_(p[1], &v, 1, SPLICE_F_NONBLOCK_);
    T_EXPECT(r > 0 && r <= 65536, "vmsplice of 100000: %ld/%s", r, t_errname(errno));
    long got = 0, k;
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (got < r && (k = read(p[0], dst + got, sizeof dst - (size_t)got)) > 0)
        got += k;
    T_EXPECT(got == r && !memcmp(src, dst, (size_t)r), "read back %ld of %ld", got, r);
}

/* A read end gives its bytes to the buffers: what it holds, up to their
 * room, the rest staying; 0 at end of file. */
static void vm_from_pipe(void)
{
    int p[2];
    char a[4] = {0}, b[8] = {0}, rest[16] = {0};
    T_EXPECT(pipe(p) == 0, "pipe");
    T_EXPECT(write(p[1], "0123456789abcdef", 16) == 16, "write");
    struct iovec v[3] = {{a, 4}, {b, 0}, {b, 8}};
    EXPECT_RET("vmsplice out of a pipe", vmsplice_(p[0], v, 3, 0), 12);
    T_EXPECT(!memcmp(a, "0123", 4) && !memcmp(b, "456789ab", 8), "got %.4s %.8s", a, b);
    struct iovec w = {rest, sizeof rest};
    EXPECT_RET("the rest, short", vmsplice_(p[0], &w, 1, 0), 4);
    T_EXPECT(!memcmp(rest, "cdef", 4), "rest %.4s", rest);
    close(p[1]);
    EXPECT_RET("at end of file", vmsplice_(p[0], &w, 1, 0), 0);
}

/* SPLICE_F_NONBLOCK: EAGAIN for a full pipe and an empty one (the pipe's
 * own O_NONBLOCK does not count, as on Linux: see vm_blocks). */
static void vm_nonblock(void)
{
    int p[2];
    static char junk[65536];
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iovec v = {junk, 1};
    EXPECT_ERR("an empty pipe", vmsplice_(p[0], &v, 1, SPLICE_F_NONBLOCK_), EAGAIN);
    T_EXPECT(fcntl(p[1], F_SETFL, O_NONBLOCK) == 0, "F_SETFL");
    while (write(p[1], junk, sizeof junk) > 0)
        ;
    EXPECT_ERR("a full pipe", vmsplice_(p[1], &v, 1, SPLICE_F_NONBLOCK_), EAGAIN);
    T_EXPECT(read(p[0], junk, 4096) == 4096, "read"); /* a page: Linux counts pages */
    EXPECT_RET("room again", vmsplice_(p[1], &v, 1, SPLICE_F_NONBLOCK_), 1);
}

static void on_usr1(int sig)
{
    (void)sig;
}

/* Without SPLICE_F_NONBLOCK it waits (even on an O_NONBLOCK pipe) for a
 * writer's bytes; a signal with a handler ends the wait with EINTR. */
static void vm_blocks(void)
{
    int p[2];
    char buf[8] = {0};
    T_EXPECT(pipe(p) == 0, "pipe");
    T_EXPECT(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0, "F_SETFL");
    pid_t pid = fork();
    if (pid == 0) {
        usleep(100 * 1000);
        _exit(write(p[1], "late", 4) == 4 ? 0 : 1);
    }
    struct iovec v = {buf, sizeof buf};
    EXPECT_RET("a wait for the writer", vmsplice_(p[0], &v, 1, 0), 4);
    T_EXPECT(!memcmp(buf, "late", 4), "got %s", buf);
    waitpid(pid, 0, 0);
    struct sigaction sa = {.sa_handler = on_usr1}; /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, 0);
    pid_t me = getpid();
    if ((pid = fork()) == 0) {
        usleep(100 * 1000);
        kill(me, SIGUSR1);
        _exit(0);
    }
    EXPECT_ERR("a signal", vmsplice_(p[0], &v, 1, 0), EINTR);
    waitpid(pid, 0, 0);
}

/* No reader left: EPIPE and SIGPIPE, as write. */
static void vm_epipe(void)
{
    int p[2];
    T_EXPECT(pipe(p) == 0, "pipe");
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    struct iovec v = {"x", 1};
    EXPECT_ERR("no reader", vmsplice_(p[1], &v, 1, 0), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    pid_t pid = fork();
    if (pid == 0) {
        vmsplice_(p[1], &v, 1, 0);
        _exit(0);
    }
    int st;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "status %#x", st);
}

static void vm_einval(void)
{
    int p[2];
    char c;
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iovec v = {&c, 1}, neg = {&c, (size_t)-1};
    EXPECT_ERR("flag 16", vmsplice_(p[1], &v, 1, 16), EINVAL);
    EXPECT_ERR("flags before the fd", vmsplice_(-1, &v, 1, 16), EINVAL);
    EXPECT_ERR("1025 elements", vmsplice_(p[1], &v, 1025, 0), EINVAL);
    EXPECT_ERR("a negative length", vmsplice_(p[1], &neg, 1, 0), EINVAL);
    EXPECT_ERR("nothing was written", vmsplice_(p[0], &v, 1, SPLICE_F_NONBLOCK_), EAGAIN);
}

/* Not a pipe: EBADF, once the vector was read (an empty one is 0). */
static void vm_ebadf(void)
{
    int fd = tmp_file("0123"), s[2];
    char c;
    struct iovec v = {&c, 1};
    T_EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, s) == 0, "socketpair");
    char path[32];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int opath = open(path, O_PATH);
    EXPECT_ERR("fd -1", vmsplice_(-1, &v, 1, 0), EBADF);
    EXPECT_ERR("a file", vmsplice_(fd, &v, 1, 0), EBADF);
    EXPECT_ERR("a socket", vmsplice_(s[0], &v, 1, 0), EBADF);
    EXPECT_ERR("O_PATH", vmsplice_(opath, &v, 1, 0), EBADF);
    EXPECT_ERR("a bad vector on a file", vmsplice_(fd, BAD_PTR, 1, 0), EFAULT);
    EXPECT_RET("an empty vector on a file", vmsplice_(fd, &v, 0, 0), 0);
}

static void vm_efault(void)
{
    int p[2];
    char buf[8] = {0};
    T_EXPECT(pipe(p) == 0, "pipe");
    struct iovec bad = {BAD_PTR, 4}, kern = {(void *)0xffff800000000000UL, 4};
    EXPECT_ERR("a bad vector", vmsplice_(p[1], BAD_PTR, 1, 0), EFAULT);
    EXPECT_ERR("a bad buffer in", vmsplice_(p[1], &bad, 1, 0), EFAULT);
    EXPECT_ERR("a kernel buffer in", vmsplice_(p[1], &kern, 1, 0), EFAULT);
    EXPECT_RET("an empty vector at a bad address", vmsplice_(p[1], BAD_PTR, 0, 0), 0);
    T_EXPECT(write(p[1], "data", 4) == 4, "write");
    EXPECT_ERR("a bad buffer out", vmsplice_(p[0], &bad, 1, 0), EFAULT);
    EXPECT_ERR("a kernel buffer out", vmsplice_(p[0], &kern, 1, 0), EFAULT);
    EXPECT_RET("the bytes stayed", read(p[0], buf, sizeof buf), 4);
    T_EXPECT(!memcmp(buf, "data", 4), "read %s", buf);
}

/* --- protection keys (no PKU in Uniplex: Linux's answers without it) --- */

static long pkey_alloc_(unsigned long flags, unsigned long rights)
{
    return syscall(SYS_pkey_alloc, flags, rights);
}

static long pkey_mprotect_(void *a, size_t len, long prot, long pkey)
{
    return syscall(SYS_pkey_mprotect, a, len, prot, pkey);
}

/* Argument errors come before any key is looked for, with PKU or not. */
static void pk_einval(void)
{
    EXPECT_ERR("pkey_alloc with flags", pkey_alloc_(1, 0), EINVAL);
    EXPECT_ERR("pkey_alloc with an unknown right", pkey_alloc_(0, 4), EINVAL);
    EXPECT_ERR("pkey_alloc with a high flag", pkey_alloc_(1UL << 32, 0), EINVAL);
    EXPECT_ERR("pkey_free of key 16", syscall(SYS_pkey_free, 16), EINVAL);
    EXPECT_ERR("pkey_free of key -1", syscall(SYS_pkey_free, -1), EINVAL);
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap");
    EXPECT_ERR("pkey_mprotect with key 16", pkey_mprotect_(m, 4096, PROT_READ, 16), EINVAL);
    EXPECT_ERR("pkey_mprotect unaligned", pkey_mprotect_(m + 1, 4096, PROT_READ, -1), EINVAL);
    EXPECT_ERR("pkey_mprotect with a bad prot", pkey_mprotect_(m, 4096, 0x100, -1), EINVAL);
    EXPECT_RET("an empty range with a bad key", pkey_mprotect_(m, 0, PROT_READ, 16), 0);
}

/* Key -1 is plain mprotect: the page becomes read-only (a write faults). */
static void pk_mprotect(void)
{
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap");
    m[0] = 'x';
    EXPECT_RET("pkey_mprotect with key -1", pkey_mprotect_(m, 4096, PROT_READ, -1), 0);
    EXPECT_ERR("an unmapped range", pkey_mprotect_(m + (1L << 40), 4096, PROT_READ, -1), ENOMEM);
    pid_t c = fork();
    if (c == 0) {
        m[0] = 'y';
        _exit(0);
    }
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c, "waitpid");
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "the write was not refused: %#x", st);
    T_EXPECT(m[0] == 'x', "the page changed");
}

/* Without PKU: no key to allocate (x86 Linux's first try in an address
 * space is -EINVAL: it takes key 0, which arch_set_user_pkey_access
 * refuses and mm_pkey_free cannot give back; later tries, in a forked
 * child too, are the man page's -ENOSPC), none to free or use (key 0
 * too). The host may have PKU, where these differ. */
static void pk_nopku(void)
{
    if (!t_uniplex())
        return;
    EXPECT_ERR("a bad pkey_alloc first", pkey_alloc_(0, 8), EINVAL);
    EXPECT_ERR("the first pkey_alloc", pkey_alloc_(0, 0), EINVAL);
    EXPECT_ERR("the second", pkey_alloc_(0, 2), ENOSPC);
    pid_t c = fork();
    if (c == 0)
        _exit(pkey_alloc_(0, 0) == -1 && errno == ENOSPC ? 0 : 1);
    int st;
    T_EXPECT(waitpid(c, &st, 0) == c && st == 0, "a forked child's was not ENOSPC: %#x", st);
    EXPECT_ERR("pkey_free of key 0", syscall(SYS_pkey_free, 0), EINVAL);
    EXPECT_ERR("pkey_free of key 1", syscall(SYS_pkey_free, 1), EINVAL);
    char *m = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap");
    EXPECT_ERR("pkey_mprotect with key 0", pkey_mprotect_(m, 4096, PROT_READ, 0), EINVAL);
    m[0] = 'x'; /* still writable: the refused call changed nothing */
}

/* --- sysfs(2) and ustat(2) --- */

#define SYSFS_INDEX 1
#define SYSFS_NAME  2
#define SYSFS_COUNT 3

/* Linux's struct ustat (glibc no longer declares it). */
struct ustat_ {
    int f_tfree;
    unsigned long f_tinode;
    char f_fname[6], f_fpack[6];
};

/* The types in /proc/filesystems order: the last word of each line. */
static int fs_list(char names[][32], int max)
{
    FILE *f = fopen("/proc/filesystems", "r");
    T_EXPECT(f, "/proc/filesystems: %s", t_errname(errno));
    char line[128];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        char *w = strrchr(line, '\t');
        w = w ? w + 1 : line;
        w[strcspn(w, "\n")] = 0;
        snprintf(names[n++], 32, "%.31s", w);
    }
    fclose(f);
    return n;
}

/* Every type by index and back, as /proc/filesystems lists them. */
static void sf_types(void)
{
    static char names[128][32];
    int n = fs_list(names, 128);
    EXPECT_RET("the number of types", syscall(SYS_sysfs, SYSFS_COUNT), n);
    for (int i = 0; i < n; i++) {
        char buf[64];
        memset(buf, 'z', sizeof buf);
        EXPECT_RET("name of an index", syscall(SYS_sysfs, SYSFS_NAME, i, buf), 0);
        T_EXPECT(!strcmp(buf, names[i]), "type %d is %.32s, not %s", i, buf, names[i]);
        EXPECT_RET("index of a name", syscall(SYS_sysfs, SYSFS_INDEX, names[i]), i);
    }
}

static void sf_errors(void)
{
    char buf[64];
    long n = syscall(SYS_sysfs, SYSFS_COUNT);
    T_EXPECT(n > 0, "count %ld", n);
    EXPECT_ERR("option 0", syscall(SYS_sysfs, 0, 0, 0), EINVAL);
    EXPECT_ERR("option 4", syscall(SYS_sysfs, 4, 0, 0), EINVAL);
    EXPECT_ERR("an unknown name", syscall(SYS_sysfs, SYSFS_INDEX, "nosuchfs"), EINVAL);
    EXPECT_ERR("an empty name", syscall(SYS_sysfs, SYSFS_INDEX, ""), ENOENT);
    EXPECT_ERR("a bad name pointer", syscall(SYS_sysfs, SYSFS_INDEX, BAD_PTR), EFAULT);
    EXPECT_ERR("the index past the last", syscall(SYS_sysfs, SYSFS_NAME, n, buf), EINVAL);
    EXPECT_ERR("a huge index", syscall(SYS_sysfs, SYSFS_NAME, -1L, buf), EINVAL);
    EXPECT_ERR("a bad buffer", syscall(SYS_sysfs, SYSFS_NAME, 0, BAD_PTR), EFAULT);
}

/* ustat of /proc's device agrees with statfs of /proc (no block or inode
 * is free there on either kernel, so the figures hold still). */
static void us_proc(void)
{
    struct stat st;
    struct statfs sf;
    struct ustat_ u;
    T_EXPECT(stat("/proc", &st) == 0 && statfs("/proc", &sf) == 0, "stat /proc");
    memset(&u, 0x55, sizeof u);
    EXPECT_RET("ustat of /proc's device", syscall(SYS_ustat, (unsigned)st.st_dev, &u), 0);
    T_EXPECT(u.f_tfree == (int)sf.f_bfree, "f_tfree %d, statfs %ld", u.f_tfree, (long)sf.f_bfree);
    T_EXPECT(u.f_tinode == sf.f_ffree, "f_tinode %lu, statfs %lu", u.f_tinode,
             (unsigned long)sf.f_ffree);
    T_EXPECT(!u.f_fname[0] && !u.f_fpack[0], "the names are not empty");
}

/* A tmpfs's free inodes and blocks move as files come and go. */
static void us_tmpfs(void)
{
    if (!t_uniplex())
        return; /* the host's /tmp may be on any file system */
    struct stat st;
    struct statfs sf;
    struct ustat_ u;
    T_EXPECT(stat("/tmp", &st) == 0, "stat /tmp");
    int fd = open("/tmp/ustat-file", O_CREAT | O_RDWR | O_TRUNC, 0600);
    T_EXPECT(fd >= 0, "create");
    char page[4096] = {1};
    for (int i = 0; i < 4; i++)
        T_EXPECT(write(fd, page, sizeof page) == sizeof page, "write");
    EXPECT_RET("ustat of /tmp's device", syscall(SYS_ustat, (unsigned)st.st_dev, &u), 0);
    T_EXPECT(fstatfs(fd, &sf) == 0, "fstatfs");
    T_EXPECT(u.f_tfree == (int)sf.f_bfree && u.f_tinode == sf.f_ffree,
             "ustat %d/%lu, statfs %ld/%lu", u.f_tfree, u.f_tinode, (long)sf.f_bfree,
             (unsigned long)sf.f_ffree);
    unlink("/tmp/ustat-file");
    close(fd);
}

static void us_errors(void)
{
    struct stat st;
    struct ustat_ u;
    T_EXPECT(stat("/proc", &st) == 0, "stat /proc");
    EXPECT_ERR("an unknown device", syscall(SYS_ustat, 0xfff00fffu, &u), EINVAL);
    EXPECT_ERR("a bad buffer", syscall(SYS_ustat, (unsigned)st.st_dev, BAD_PTR), EFAULT);
    EXPECT_ERR("an unknown device and a bad buffer", syscall(SYS_ustat, 0xfff00fffu, BAD_PTR),
               EINVAL);
}

/* --- name_to_handle_at, open_by_handle_at ------------------------------------ */

#define FH_MAX 128
struct fh {
    unsigned handle_bytes;
    int handle_type;
    unsigned char f_handle[FH_MAX];
};

static long n2h(int dirfd, const char *path, struct fh *h, int *mnt, int flags)
{
    return syscall(SYS_name_to_handle_at, dirfd, path, h, mnt, flags);
}

static long obh(int mount_fd, struct fh *h, int flags)
{
    return syscall(SYS_open_by_handle_at, mount_fd, h, flags);
}

/* The handle of path (flags as name_to_handle_at's), and its mount id. */
static void fh_get(int dirfd, const char *path, int flags, struct fh *h, int *mnt)
{
    memset(h, 0xa5, sizeof(*h));
    h->handle_bytes = FH_MAX;
    EXPECT_RET(path, n2h(dirfd, path, h, mnt, flags), 0);
    T_EXPECT(h->handle_bytes > 0 && h->handle_bytes <= FH_MAX && h->handle_bytes % 4 == 0,
             "%s: handle_bytes %u", path, h->handle_bytes);
    T_EXPECT(h->handle_type > 0 && h->handle_type < 255, "%s: handle_type %d", path,
             h->handle_type);
}

static int fh_same(const struct fh *a, const struct fh *b)
{
    return a->handle_bytes == b->handle_bytes && a->handle_type == b->handle_type &&
           !memcmp(a->f_handle, b->f_handle, a->handle_bytes);
}

/* The mount id /proc/self/mountinfo gives the mount path is on (the
 * longest mount point that is a prefix of it, the last one mounted). */
static int mountinfo_id(const char *path)
{
    static char buf[65536];
    int fd = open("/proc/self/mountinfo", O_RDONLY), id = -1;
    size_t best = 0, got = 0;
    ssize_t k;
    T_EXPECT(fd >= 0, "mountinfo: %s", t_errname(errno));
    while ((k = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)k;
    close(fd);
    buf[got] = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        int mid;
        char mp[512];
        if (sscanf(line, "%d %*d %*s %*s %511s", &mid, mp) != 2)
            continue;
        size_t n = strlen(mp);
        int prefix = !strcmp(mp, "/") || (!strncmp(path, mp, n) && (path[n] == '/' || !path[n]));
        if (prefix && n >= best) {
            best = n;
            id = mid;
        }
    }
    return id;
}

static const char *fh_path(const char *what)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/fh-%s.%d", what, (int)getpid());
    return path;
}

static void fh_roundtrip(void)
{
    const char *path = fh_path("file");
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), mnt = -1;
    T_EXPECT(fd >= 0 && write(fd, "handled", 7) == 7, "make %s: %s", path, t_errname(errno));
    close(fd);
    struct fh h;
    fh_get(AT_FDCWD, path, 0, &h, &mnt);
    T_EXPECT(mnt == mountinfo_id(path), "mount id %d, mountinfo says %d", mnt, mountinfo_id(path));
    int mfd = open("/tmp", O_RDONLY | O_DIRECTORY);
    fd = obh(mfd, &h, O_RDWR);
    T_EXPECT(fd >= 0, "open_by_handle_at: %s", t_errname(errno));
    char buf[16] = {0};
    struct stat a, b;
    T_EXPECT(read(fd, buf, sizeof buf) == 7 && !memcmp(buf, "handled", 7), "read '%s'", buf);
    T_EXPECT(fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
                 a.st_dev == b.st_dev,
             "not the same file");
    T_EXPECT(pwrite(fd, "H", 1, 0) == 1, "write: %s", t_errname(errno));
    close(fd);
    fd = obh(mfd, &h, O_PATH);
    T_EXPECT(fd >= 0, "O_PATH: %s", t_errname(errno));
    EXPECT_ERR("read through O_PATH", read(fd, buf, 1), EBADF);
    close(fd);
    fd = obh(mfd, &h, O_RDONLY | O_CLOEXEC);
    T_EXPECT(fd >= 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC, "O_CLOEXEC: %s", t_errname(errno));
    T_EXPECT(read(fd, buf, 1) == 1 && buf[0] == 'H', "the write did not land");
    close(fd);
    EXPECT_ERR("O_CREAT | O_EXCL", obh(mfd, &h, O_RDWR | O_CREAT | O_EXCL), EEXIST);
    EXPECT_ERR("O_DIRECTORY on a file", obh(mfd, &h, O_RDONLY | O_DIRECTORY), ENOTDIR);
    unlink(path);
    /* A device node of /dev. */
    struct fh hn;
    fh_get(AT_FDCWD, "/dev/null", 0, &hn, &mnt);
    int dfd = open("/dev", O_RDONLY | O_DIRECTORY);
    fd = obh(dfd, &hn, O_WRONLY);
    T_EXPECT(fd >= 0 && write(fd, "x", 1) == 1, "/dev/null by handle: %s", t_errname(errno));
    close(fd);
    close(dfd);
    close(mfd);
}

/* Directories, symlinks (followed with AT_SYMLINK_FOLLOW only), and
 * AT_EMPTY_PATH on an open file. */
static void fh_kinds(void)
{
    char dir[64], link[80], file[80];
    snprintf(dir, sizeof dir, "%s", fh_path("dir"));
    snprintf(link, sizeof link, "%s/link", dir);
    snprintf(file, sizeof file, "%s/file", dir);
    T_EXPECT(mkdir(dir, 0700) == 0, "mkdir: %s", t_errname(errno));
    int fd = open(file, O_RDWR | O_CREAT, 0600), mnt;
    T_EXPECT(fd >= 0 && symlink("file", link) == 0, "make: %s", t_errname(errno));
    struct fh hd, hf, hl, hlf, he;
    fh_get(AT_FDCWD, dir, 0, &hd, &mnt);
    fh_get(AT_FDCWD, file, 0, &hf, &mnt);
    fh_get(AT_FDCWD, link, 0, &hl, &mnt);
    fh_get(AT_FDCWD, link, AT_SYMLINK_FOLLOW, &hlf, &mnt);
    fh_get(fd, "", AT_EMPTY_PATH, &he, &mnt);
    T_EXPECT(!fh_same(&hl, &hf), "the symlink's handle is its target's");
    T_EXPECT(fh_same(&hlf, &hf), "AT_SYMLINK_FOLLOW: not the target's handle");
    T_EXPECT(fh_same(&he, &hf), "AT_EMPTY_PATH: not the file's handle");
    T_EXPECT(!fh_same(&hd, &hf), "the directory's handle is the file's");
    struct fh tmp = hf;
    EXPECT_ERR("empty path without AT_EMPTY_PATH", n2h(fd, "", &tmp, &mnt, 0), ENOENT);
    int mfd = open("/tmp", O_RDONLY);
    int d = obh(mfd, &hd, O_RDONLY | O_DIRECTORY);
    struct stat st;
    T_EXPECT(d >= 0 && fstat(d, &st) == 0 && S_ISDIR(st.st_mode), "directory: %s",
             t_errname(errno));
    T_EXPECT(faccessat(d, "file", F_OK, 0) == 0, "the directory opened is not the one named");
    close(d);
    EXPECT_ERR("directory O_WRONLY", obh(mfd, &hd, O_WRONLY), EISDIR);
    EXPECT_ERR("symlink without O_PATH", obh(mfd, &hl, O_RDONLY), ELOOP);
    int l = obh(mfd, &hl, O_PATH | O_NOFOLLOW);
    T_EXPECT(l >= 0 && fstat(l, &st) == 0 && S_ISLNK(st.st_mode), "symlink O_PATH: %s",
             t_errname(errno));
    close(l);
    close(fd);
    close(mfd);
    unlink(link);
    unlink(file);
    rmdir(dir);
}

/* A buffer too small: EOVERFLOW, the size needed written back. */
static void fh_overflow(void)
{
    struct fh h, full;
    int mnt = -1, mnt2 = -1;
    fh_get(AT_FDCWD, "/tmp", 0, &full, &mnt2);
    memset(&h, 0, sizeof(h));
    EXPECT_ERR("handle_bytes 0", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0), EOVERFLOW);
    T_EXPECT(h.handle_bytes == full.handle_bytes, "needs %u, said %u", full.handle_bytes,
             h.handle_bytes);
    T_EXPECT(h.handle_type == 255, "handle_type %d, expected FILEID_INVALID", h.handle_type);
    T_EXPECT(mnt == mnt2, "mount id %d not written on EOVERFLOW (%d)", mnt, mnt2);
    h.handle_bytes = full.handle_bytes - 4;
    EXPECT_ERR("a word short", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0), EOVERFLOW);
    h.handle_bytes = full.handle_bytes + 3;
    EXPECT_RET("3 bytes spare", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0), 0);
    T_EXPECT(fh_same(&h, &full), "a different handle with room to spare");
}

/* A handle whose file is gone, or altered, or decoded in another file
 * system: ESTALE. */
static void fh_stale(void)
{
    const char *path = fh_path("gone");
    int fd = open(path, O_RDWR | O_CREAT, 0600), mnt;
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    close(fd);
    struct fh h, bad;
    fh_get(AT_FDCWD, path, 0, &h, &mnt);
    int mfd = open("/tmp", O_RDONLY), pfd = open("/proc", O_RDONLY);
    EXPECT_ERR("decoded in /proc", obh(pfd, &h, O_RDONLY), ESTALE);
    bad = h;
    for (unsigned i = 0; i < bad.handle_bytes; i++)
        bad.f_handle[i] ^= 0x5a;
    EXPECT_ERR("altered handle", obh(mfd, &bad, O_RDONLY), ESTALE);
    bad = h;
    bad.handle_bytes = 4;
    EXPECT_ERR("cut short", obh(mfd, &bad, O_RDONLY), ESTALE);
    fd = obh(mfd, &h, O_RDONLY);
    T_EXPECT(fd >= 0, "before the unlink: %s", t_errname(errno));
    close(fd);
    T_EXPECT(unlink(path) == 0, "unlink: %s", t_errname(errno));
    EXPECT_ERR("deleted", obh(mfd, &h, O_RDONLY), ESTALE);
    /* A new file does not take the old one's handle. */
    fd = open(path, O_RDWR | O_CREAT, 0600);
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    close(fd);
    EXPECT_ERR("deleted, name reused", obh(mfd, &h, O_RDONLY), ESTALE);
    unlink(path);
    close(mfd);
    close(pfd);
}

/* File systems without handles (procfs, pipes): EOPNOTSUPP. */
static void fh_eopnotsupp(void)
{
    struct fh h = {.handle_bytes = FH_MAX};
    int mnt, p[2];
    EXPECT_ERR("/proc/self/status", n2h(AT_FDCWD, "/proc/self/status", &h, &mnt, 0), EOPNOTSUPP);
    EXPECT_ERR("/proc", n2h(AT_FDCWD, "/proc", &h, &mnt, 0), EOPNOTSUPP);
    T_EXPECT(pipe(p) == 0, "pipe");
    EXPECT_ERR("a pipe", n2h(p[0], "", &h, &mnt, AT_EMPTY_PATH), EOPNOTSUPP);
    /* Checked before the handle is read. */
    EXPECT_ERR("/proc, handle at 8", n2h(AT_FDCWD, "/proc", BAD_PTR, &mnt, 0), EOPNOTSUPP);
}

static void fh_einval(void)
{
    struct fh h = {.handle_bytes = FH_MAX}, good;
    int mnt;
    EXPECT_ERR("flag AT_SYMLINK_NOFOLLOW", n2h(AT_FDCWD, "/tmp", &h, &mnt, AT_SYMLINK_NOFOLLOW),
               EINVAL);
    EXPECT_ERR("flag 0x8000", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0x8000), EINVAL);
    h.handle_bytes = FH_MAX + 1;
    EXPECT_ERR("handle_bytes 129", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0), EINVAL);
    fh_get(AT_FDCWD, "/tmp", 0, &good, &mnt);
    int mfd = open("/tmp", O_RDONLY);
    h = good;
    h.handle_bytes = 0;
    EXPECT_ERR("open, handle_bytes 0", obh(mfd, &h, O_RDONLY), EINVAL);
    h.handle_bytes = FH_MAX + 1;
    EXPECT_ERR("open, handle_bytes 129", obh(mfd, &h, O_RDONLY), EINVAL);
    h = good;
    h.handle_type = -1;
    EXPECT_ERR("open, handle_type -1", obh(mfd, &h, O_RDONLY), EINVAL);
    h.handle_type = good.handle_type | 0x100000;
    EXPECT_ERR("open, unknown type flag", obh(mfd, &h, O_RDONLY), EINVAL);
    close(mfd);
}

static void fh_efault(void)
{
    struct fh h = {.handle_bytes = FH_MAX}, good;
    int mnt;
    EXPECT_ERR("path at 8", n2h(AT_FDCWD, BAD_PTR, &h, &mnt, 0), EFAULT);
    EXPECT_ERR("handle at 8", n2h(AT_FDCWD, "/tmp", BAD_PTR, &mnt, 0), EFAULT);
    EXPECT_ERR("mount id at 8", n2h(AT_FDCWD, "/tmp", &h, BAD_PTR, 0), EFAULT);
    fh_get(AT_FDCWD, "/tmp", 0, &good, &mnt);
    int mfd = open("/tmp", O_RDONLY);
    EXPECT_ERR("open, handle at 8", obh(mfd, BAD_PTR, O_RDONLY), EFAULT);
    /* The handle's bytes run past the end of the mapping. */
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(page != MAP_FAILED && munmap(page + 4096, 4096) == 0, "mmap: %s", t_errname(errno));
    struct fh *edge = (struct fh *)(page + 4096 - 8 - 4);
    edge->handle_bytes = good.handle_bytes;
    edge->handle_type = good.handle_type;
    EXPECT_ERR("open, handle past the mapping", obh(mfd, edge, O_RDONLY), EFAULT);
    close(mfd);
}

static void fh_ebadf(void)
{
    struct fh h = {.handle_bytes = FH_MAX}, good;
    int mnt;
    EXPECT_ERR("name_to_handle_at fd 99", n2h(99, "x", &h, &mnt, 0), EBADF);
    EXPECT_ERR("name_to_handle_at fd -1", n2h(-1, "", &h, &mnt, AT_EMPTY_PATH), EBADF);
    fh_get(AT_FDCWD, "/tmp", 0, &good, &mnt);
    EXPECT_ERR("open_by_handle_at fd 99", obh(99, &good, O_RDONLY), EBADF);
    /* AT_FDCWD names the cwd's file system. */
    T_EXPECT(chdir("/tmp") == 0, "chdir");
    int fd = obh(AT_FDCWD, &good, O_RDONLY);
    T_EXPECT(fd >= 0, "mount_fd AT_FDCWD: %s", t_errname(errno));
    close(fd);
}

static void fh_unprivileged(void)
{
    struct fh good;
    int mnt, mfd = open("/tmp", O_RDONLY);
    fh_get(AT_FDCWD, "/tmp", 0, &good, &mnt);
    T_EXPECT(setgid(65534) == 0 && setuid(65534) == 0, "setuid: %s", t_errname(errno));
    EXPECT_ERR("without CAP_DAC_READ_SEARCH", obh(mfd, &good, O_RDONLY), EPERM);
    struct fh h = {.handle_bytes = FH_MAX};
    EXPECT_RET("name_to_handle_at needs no privilege", n2h(AT_FDCWD, "/tmp", &h, &mnt, 0), 0);
    EXPECT_ERR("bad fd before EPERM", obh(99, &good, O_RDONLY), EBADF);
}

/* --- openat2 ------------------------------------------------------------ */

/* include/uapi/linux/openat2.h, defined here as the C libraries lack it. */
struct open_how_ {
    unsigned long long flags, mode, resolve;
};
#define OA2_NO_XDEV       0x01
#define OA2_NO_MAGICLINKS 0x02
#define OA2_NO_SYMLINKS   0x04
#define OA2_BENEATH       0x08
#define OA2_IN_ROOT       0x10
#define OA2_CACHED        0x20

static long oa2_raw(int dirfd, const char *path, const void *how, size_t size)
{
    return syscall(SYS_openat2, dirfd, path, how, size);
}

static long oa2(int dirfd, const char *path, unsigned long long flags, unsigned long long resolve)
{
    struct open_how_ how = {.flags = flags, .resolve = resolve};
    return oa2_raw(dirfd, path, &how, sizeof(how));
}

/* The temporary tree the openat2 cases walk:
 *   BASE/out            a file outside d
 *   BASE/d/f            a file           d/sub/   a directory
 *   d/rel -> f          d/up -> ../d/f   d/esc -> ../out
 *   d/abs -> BASE/d/f   d/rootf -> /f    d/deep -> ../../../../f
 *   d/dl -> sub         (a symlink to a directory)
 * Returns d's descriptor; base gets BASE. */
static int oa2_tree(char *base, size_t n)
{
    char p[160];
    snprintf(base, n, "/tmp/oa2.%d", (int)getpid());
    T_EXPECT(mkdir(base, 0755) == 0, "mkdir %s: %s", base, t_errname(errno));
    snprintf(p, sizeof(p), "%s/d", base);
    T_EXPECT(mkdir(p, 0755) == 0, "mkdir d: %s", t_errname(errno));
    int d = open(p, O_RDONLY | O_DIRECTORY);
    T_EXPECT(d >= 0, "open d: %s", t_errname(errno));
    snprintf(p, sizeof(p), "%s/d/f", base);
    char abs[160];
    memcpy(abs, p, sizeof(abs));
    int ok = mkdirat(d, "sub", 0755) == 0 && symlinkat("f", d, "rel") == 0 &&
             symlinkat("../d/f", d, "up") == 0 && symlinkat("../out", d, "esc") == 0 &&
             symlinkat(abs, d, "abs") == 0 && symlinkat("/f", d, "rootf") == 0 &&
             symlinkat("../../../../f", d, "deep") == 0 && symlinkat("sub", d, "dl") == 0;
    T_EXPECT(ok, "tree: %s", t_errname(errno));
    int f = openat(d, "f", O_WRONLY | O_CREAT, 0644);
    T_EXPECT(f >= 0 && write(f, "ff", 2) == 2, "d/f: %s", t_errname(errno));
    close(f);
    snprintf(p, sizeof(p), "%s/out", base);
    f = open(p, O_WRONLY | O_CREAT, 0644);
    T_EXPECT(f >= 0, "out: %s", t_errname(errno));
    close(f);
    return d;
}

/* Remove name in dir and everything under it (the tree is shallow). */
static void oa2_rm(int dir, const char *name)
{
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dp) {
        if (fd >= 0)
            close(fd);
        unlinkat(dir, name, 0);
        return;
    }
    struct dirent *e;
    while ((e = readdir(dp)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            oa2_rm(dirfd(dp), e->d_name);
    closedir(dp);
    unlinkat(dir, name, AT_REMOVEDIR);
}

/* Close d (oa2_tree's) and remove the tree at base. */
static void oa2_untree(int d, const char *base)
{
    close(d);
    oa2_rm(AT_FDCWD, base);
}

/* 1 when descriptors a and b are the same file. */
static int oa2_same(int a, int b)
{
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Open with openat2 (must succeed) and compare against openat's file. */
static void oa2_expect_same(int dirfd, const char *path, unsigned long long resolve, int ref,
                            const char *what)
{
    long fd = oa2(dirfd, path, O_RDONLY, resolve);
    T_EXPECT(fd >= 0, "%s: %s", what, t_errname(errno));
    T_EXPECT(oa2_same((int)fd, ref), "%s: not the expected file", what);
    close((int)fd);
}

/* With no resolve flags openat2 is openat: the same file, flags, errors. */
static void oa2_plain(void)
{
    char base[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    T_EXPECT(ref >= 0, "openat: %s", t_errname(errno));
    oa2_expect_same(d, "f", 0, ref, "d/f");
    oa2_expect_same(d, "rel", 0, ref, "d/rel");
    oa2_expect_same(d, "abs", 0, ref, "d/abs");
    long fd = oa2(d, "f", O_RDWR | O_APPEND | O_CLOEXEC, 0);
    T_EXPECT(fd >= 0, "O_RDWR: %s", t_errname(errno));
    EXPECT_RET("F_GETFL", fcntl((int)fd, F_GETFL) & (O_ACCMODE | O_APPEND), O_RDWR | O_APPEND);
    EXPECT_RET("F_GETFD", fcntl((int)fd, F_GETFD), FD_CLOEXEC);
    close((int)fd);
    struct open_how_ how = {.flags = O_WRONLY | O_CREAT | O_EXCL, .mode = 0640};
    mode_t old = umask(022);
    fd = oa2_raw(d, "new", &how, sizeof(how));
    umask(old);
    struct stat st;
    T_EXPECT(fd >= 0 && fstat((int)fd, &st) == 0, "O_CREAT: %s", t_errname(errno));
    T_EXPECT((st.st_mode & 07777) == 0640, "O_CREAT: mode %o", st.st_mode & 07777);
    close((int)fd);
    EXPECT_ERR("O_EXCL on an existing name", oa2_raw(d, "new", &how, sizeof(how)), EEXIST);
    EXPECT_ERR("missing", oa2(d, "nope", O_RDONLY, 0), ENOENT);
    EXPECT_ERR("O_DIRECTORY on a file", oa2(d, "f", O_RDONLY | O_DIRECTORY, 0), ENOTDIR);
    EXPECT_ERR("O_NOFOLLOW on a symlink", oa2(d, "rel", O_RDONLY | O_NOFOLLOW, 0), ELOOP);
    EXPECT_ERR("O_WRONLY on a directory", oa2(d, "sub", O_WRONLY, 0), EISDIR);
    EXPECT_ERR("dirfd 99", oa2(99, "f", O_RDONLY, 0), EBADF);
    EXPECT_ERR("dirfd a file", oa2(ref, "f", O_RDONLY, 0), ENOTDIR);
    EXPECT_ERR("empty path", oa2(d, "", O_RDONLY, 0), ENOENT);
    close(ref);
    oa2_untree(d, base);
}

/* open_how is an extensible struct: at least version 0's 24 bytes, at most
 * a page, and any bytes past the known ones zero. */
static void oa2_size(void)
{
    char *page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(page != MAP_FAILED && munmap(page + 4096, 4096) == 0, "mmap: %s", t_errname(errno));
    struct open_how_ *how = (struct open_how_ *)page;
    how->flags = O_RDONLY;
    EXPECT_ERR("size 0", oa2_raw(AT_FDCWD, "/", how, 0), EINVAL);
    EXPECT_ERR("size 23", oa2_raw(AT_FDCWD, "/", how, 23), EINVAL);
    EXPECT_ERR("size 4097", oa2_raw(AT_FDCWD, "/", how, 4097), E2BIG);
    long fd = oa2_raw(AT_FDCWD, "/", how, 4096); /* the rest of the page is zero */
    T_EXPECT(fd >= 0, "size 4096, zero tail: %s", t_errname(errno));
    close((int)fd);
    fd = oa2_raw(AT_FDCWD, "/", how, 32);
    T_EXPECT(fd >= 0, "size 32, zero tail: %s", t_errname(errno));
    close((int)fd);
    page[31] = 1;
    EXPECT_ERR("size 32, tail set", oa2_raw(AT_FDCWD, "/", how, 32), E2BIG);
    EXPECT_ERR("how at 8", oa2_raw(AT_FDCWD, "/", BAD_PTR, 24), EFAULT);
    EXPECT_ERR("path at 8", oa2_raw(AT_FDCWD, BAD_PTR, how, 24), EFAULT);
    struct open_how_ *edge = (struct open_how_ *)(page + 4096 - 24);
    memset(edge, 0, 24);
    fd = oa2_raw(AT_FDCWD, "/", edge, 24);
    T_EXPECT(fd >= 0, "how at the page's end: %s", t_errname(errno));
    close((int)fd);
    EXPECT_ERR("tail past the mapping", oa2_raw(AT_FDCWD, "/", edge, 32), EFAULT);
    EXPECT_ERR("how past the mapping", oa2_raw(AT_FDCWD, "/", page + 4096 - 16, 24), EFAULT);
}

/* openat2 checks what openat lets by: unknown flags, a mode without a
 * file to make, mode bits past 07777, unknown or conflicting resolve
 * bits. */
static void oa2_einval(void)
{
    struct open_how_ how = {.flags = O_RDONLY | (1ull << 40)};
    EXPECT_ERR("flag bit 40", oa2_raw(AT_FDCWD, "/", &how, sizeof(how)), EINVAL);
    how = (struct open_how_){.flags = O_RDONLY, .mode = 0644};
    EXPECT_ERR("mode without O_CREAT", oa2_raw(AT_FDCWD, "/", &how, sizeof(how)), EINVAL);
    how = (struct open_how_){.flags = O_WRONLY | O_CREAT, .mode = 010644};
    EXPECT_ERR("mode bit 010000", oa2_raw(AT_FDCWD, "/tmp/x", &how, sizeof(how)), EINVAL);
    how = (struct open_how_){.flags = O_RDWR | O_TMPFILE, .mode = 0x10000};
    EXPECT_ERR("O_TMPFILE mode bit 0x10000", oa2_raw(AT_FDCWD, "/tmp", &how, sizeof(how)), EINVAL);
    EXPECT_ERR("resolve bit 0x40", oa2(AT_FDCWD, "/", O_RDONLY, 0x40), EINVAL);
    EXPECT_ERR("resolve bit 32", oa2(AT_FDCWD, "/", O_RDONLY, 1ull << 32), EINVAL);
    EXPECT_ERR("BENEATH | IN_ROOT", oa2(AT_FDCWD, "/", O_RDONLY, OA2_BENEATH | OA2_IN_ROOT),
               EINVAL);
    EXPECT_ERR("O_CREAT | O_DIRECTORY", oa2(AT_FDCWD, "/tmp/x", O_CREAT | O_DIRECTORY, 0), EINVAL);
    how = (struct open_how_){.flags = O_RDWR | O_TMPFILE, .mode = 0600};
    long fd = oa2_raw(AT_FDCWD, "/tmp", &how, sizeof(how));
    T_EXPECT(fd >= 0, "O_TMPFILE with a mode: %s", t_errname(errno));
    close((int)fd);
}

/* RESOLVE_CACHED: a lookup the cache answers (everything here is), never
 * an open that makes or truncates a file. */
static void oa2_cached(void)
{
    struct stat st;
    T_EXPECT(stat("/tmp", &st) == 0, "stat /tmp: %s", t_errname(errno)); /* cache it */
    long fd = oa2(AT_FDCWD, "/tmp", O_RDONLY | O_DIRECTORY, OA2_CACHED);
    T_EXPECT(fd >= 0, "cached /tmp: %s", t_errname(errno));
    close((int)fd);
    struct open_how_ how = {.flags = O_WRONLY | O_CREAT, .mode = 0600, .resolve = OA2_CACHED};
    EXPECT_ERR("O_CREAT", oa2_raw(AT_FDCWD, "/tmp/oa2-cached", &how, sizeof(how)), EAGAIN);
    EXPECT_ERR("O_TRUNC", oa2(AT_FDCWD, "/tmp/oa2-cached", O_WRONLY | O_TRUNC, OA2_CACHED), EAGAIN);
    how = (struct open_how_){.flags = O_RDWR | O_TMPFILE, .mode = 0600, .resolve = OA2_CACHED};
    EXPECT_ERR("O_TMPFILE", oa2_raw(AT_FDCWD, "/tmp", &how, sizeof(how)), EAGAIN);
}

/* RESOLVE_NO_SYMLINKS: -ELOOP for any symlink the walk would follow;
 * one it does not follow (O_PATH | O_NOFOLLOW) opens. */
static void oa2_nosymlinks(void)
{
    char base[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    oa2_expect_same(d, "f", OA2_NO_SYMLINKS, ref, "d/f");
    EXPECT_ERR("rel", oa2(d, "rel", O_RDONLY, OA2_NO_SYMLINKS), ELOOP);
    EXPECT_ERR("abs", oa2(d, "abs", O_RDONLY, OA2_NO_SYMLINKS), ELOOP);
    EXPECT_ERR("dl/ (a middle one)", oa2(d, "dl/.", O_RDONLY, OA2_NO_SYMLINKS), ELOOP);
    EXPECT_ERR("rel, O_NOFOLLOW", oa2(d, "rel", O_RDONLY | O_NOFOLLOW, OA2_NO_SYMLINKS), ELOOP);
    EXPECT_ERR("/proc/self/exe", oa2(AT_FDCWD, "/proc/self/exe", O_RDONLY, OA2_NO_SYMLINKS), ELOOP);
    long fd = oa2(d, "rel", O_PATH | O_NOFOLLOW, OA2_NO_SYMLINKS);
    struct stat st;
    T_EXPECT(fd >= 0 && fstatat((int)fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISLNK(st.st_mode),
             "rel, O_PATH | O_NOFOLLOW: %s", t_errname(errno));
    close((int)fd);
    close(ref);
    oa2_untree(d, base);
}

/* RESOLVE_NO_MAGICLINKS: /proc's links to open files refused; ordinary
 * symlinks (/proc/self itself among them) followed. */
static void oa2_nomagic(void)
{
    char base[64], path[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", ref);
    oa2_expect_same(AT_FDCWD, path, 0, ref, "fd link without the flag");
    EXPECT_ERR("fd link", oa2(AT_FDCWD, path, O_RDONLY, OA2_NO_MAGICLINKS), ELOOP);
    /* /proc/self/exe is one on Linux too (ELOOP), but an ordinary symlink
     * to the path exec was given here: not checked. */
    EXPECT_ERR("cwd/", oa2(AT_FDCWD, "/proc/self/cwd/.", O_RDONLY, OA2_NO_MAGICLINKS), ELOOP);
    oa2_expect_same(d, "rel", OA2_NO_MAGICLINKS, ref, "d/rel");
    long fd = oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, OA2_NO_MAGICLINKS);
    T_EXPECT(fd >= 0, "/proc/self/status: %s", t_errname(errno));
    close((int)fd);
    fd = oa2(AT_FDCWD, path, O_PATH | O_NOFOLLOW, OA2_NO_MAGICLINKS);
    T_EXPECT(fd >= 0, "fd link, O_PATH | O_NOFOLLOW: %s", t_errname(errno));
    close((int)fd);
    close(ref);
    oa2_untree(d, base);
}

/* RESOLVE_BENEATH: the walk stays under dirfd: no absolute path or
 * symlink, no ".." out of it, no magic link; ".." inside is fine. */
static void oa2_beneath(void)
{
    char base[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    oa2_expect_same(d, "f", OA2_BENEATH, ref, "f");
    oa2_expect_same(d, "rel", OA2_BENEATH, ref, "rel");
    oa2_expect_same(d, "sub/../f", OA2_BENEATH, ref, "sub/../f");
    oa2_expect_same(d, "dl/../f", OA2_BENEATH, ref, "dl/../f");
    EXPECT_ERR("..", oa2(d, "..", O_RDONLY, OA2_BENEATH), EXDEV);
    EXPECT_ERR("../d/f", oa2(d, "../d/f", O_RDONLY, OA2_BENEATH), EXDEV);
    EXPECT_ERR("up -> ../d/f", oa2(d, "up", O_RDONLY, OA2_BENEATH), EXDEV);
    EXPECT_ERR("esc -> ../out", oa2(d, "esc", O_RDONLY, OA2_BENEATH), EXDEV);
    EXPECT_ERR("abs", oa2(d, "abs", O_RDONLY, OA2_BENEATH), EXDEV);
    EXPECT_ERR("/tmp", oa2(d, "/tmp", O_RDONLY, OA2_BENEATH), EXDEV);
    struct open_how_ how = {.flags = O_WRONLY | O_CREAT, .mode = 0600, .resolve = OA2_BENEATH};
    EXPECT_ERR("O_CREAT ../new", oa2_raw(d, "../new", &how, sizeof(how)), EXDEV);
    T_EXPECT(faccessat(d, "../new", F_OK, 0) != 0, "../new was made");
    long fd = oa2_raw(d, "sub/new", &how, sizeof(how));
    T_EXPECT(fd >= 0, "O_CREAT sub/new: %s", t_errname(errno));
    close((int)fd);
    int self = open("/proc/self", O_RDONLY | O_DIRECTORY);
    char fdname[16];
    snprintf(fdname, sizeof(fdname), "fd/%d", ref);
    EXPECT_ERR("magic link", oa2(self, fdname, O_RDONLY, OA2_BENEATH), EXDEV);
    close(self);
    close(ref);
    oa2_untree(d, base);
}

/* RESOLVE_IN_ROOT: dirfd is "/" for the walk: absolute paths and symlinks
 * start there, ".." at it stays. */
static void oa2_in_root(void)
{
    char base[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    oa2_expect_same(d, "/f", OA2_IN_ROOT, ref, "/f");
    oa2_expect_same(d, "rootf", OA2_IN_ROOT, ref, "rootf -> /f");
    oa2_expect_same(d, "../../f", OA2_IN_ROOT, ref, "../../f");
    oa2_expect_same(d, "deep", OA2_IN_ROOT, ref, "deep -> ../../../../f");
    oa2_expect_same(d, "rel", OA2_IN_ROOT, ref, "rel");
    long fd = oa2(d, "..", O_RDONLY, OA2_IN_ROOT);
    T_EXPECT(fd >= 0 && oa2_same((int)fd, d), ".. is not the root: %s", t_errname(errno));
    close((int)fd);
    EXPECT_ERR("up -> ../d/f", oa2(d, "up", O_RDONLY, OA2_IN_ROOT), ENOENT);
    EXPECT_ERR("abs (BASE/d/f under d)", oa2(d, "abs", O_RDONLY, OA2_IN_ROOT), ENOENT);
    EXPECT_ERR("/tmp", oa2(d, "/tmp", O_RDONLY, OA2_IN_ROOT), ENOENT);
    struct open_how_ how = {.flags = O_WRONLY | O_CREAT, .mode = 0600, .resolve = OA2_IN_ROOT};
    fd = oa2_raw(d, "/made", &how, sizeof(how));
    T_EXPECT(fd >= 0 && faccessat(d, "made", F_OK, 0) == 0, "O_CREAT /made: %s", t_errname(errno));
    close((int)fd);
    close(ref);
    oa2_untree(d, base);
}

/* RESOLVE_NO_XDEV: no mount crossed, into one (/proc under /) or out of
 * one (".." from /proc's root, an absolute symlink on another mount). */
static void oa2_xdev(void)
{
    char base[64];
    int d = oa2_tree(base, sizeof(base));
    int ref = openat(d, "f", O_RDONLY);
    oa2_expect_same(d, "rel", OA2_NO_XDEV, ref, "rel");
    oa2_expect_same(d, "sub/../f", OA2_NO_XDEV, ref, "sub/../f");
    int root = open("/", O_RDONLY | O_DIRECTORY), proc = open("/proc", O_RDONLY | O_DIRECTORY);
    T_EXPECT(root >= 0 && proc >= 0, "open / and /proc: %s", t_errname(errno));
    EXPECT_ERR("/ then proc/self/status", oa2(root, "proc/self/status", O_RDONLY, OA2_NO_XDEV),
               EXDEV);
    EXPECT_ERR("/proc/self/status", oa2(AT_FDCWD, "/proc/self/status", O_RDONLY, OA2_NO_XDEV),
               EXDEV);
    EXPECT_ERR("/proc then ..", oa2(proc, "..", O_RDONLY, OA2_NO_XDEV), EXDEV);
    long fd = oa2(proc, "self/status", O_RDONLY, OA2_NO_XDEV);
    T_EXPECT(fd >= 0, "/proc then self/status: %s", t_errname(errno));
    close((int)fd);
    /* An absolute symlink: "/" must be on the start's mount, and Linux
     * refuses it outright while the walk has not met its root (no
     * absolute path, no ".." before it). */
    EXPECT_ERR("abs", oa2(d, "abs", O_RDONLY, OA2_NO_XDEV), EXDEV);
    struct fh h = {.handle_bytes = FH_MAX};
    int mroot, mtmp;
    T_EXPECT(n2h(AT_FDCWD, "/", &h, &mroot, 0) == 0 && n2h(AT_FDCWD, "/tmp", &h, &mtmp, 0) == 0,
             "mount ids: %s", t_errname(errno));
    char path[96];
    snprintf(path, sizeof(path), "%s/d/abs", base);
    fd = oa2(AT_FDCWD, path, O_RDONLY, OA2_NO_XDEV);
    if (mroot != mtmp) /* /tmp a mount of its own */
        T_EXPECT(fd == -1 && errno == EXDEV, "%s: expected EXDEV, got %ld/%s", path, fd,
                 t_errname(errno));
    else
        T_EXPECT(fd >= 0 && oa2_same((int)fd, ref), "%s: %ld/%s", path, fd, t_errname(errno));
    close((int)fd);
    close(root), close(proc), close(ref);
    oa2_untree(d, base);
}

static const struct t_case cases[] = {
    {"cr_range", cr_range},
    {"cr_to_max", cr_to_max},
    {"cr_cloexec", cr_cloexec},
    {"cr_einval", cr_einval},
    {"cr_unshare", cr_unshare},
    {"cr_unshare_threads", cr_unshare_threads},
    {"pv_read", pv_read},
    {"pv_write", pv_write},
    {"pv2_fileoff", pv2_fileoff},
    {"pv_espipe", pv_espipe},
    {"pv_einval", pv_einval},
    {"pv_ebadf", pv_ebadf},
    {"pv_efault", pv_efault},
    {"pv2_flags", pv2_flags},
    {"pv2_nowait", pv2_nowait},
    {"pv2_append", pv2_append},
    {"mfd_basic", mfd_basic},
    {"mfd_mmap", mfd_mmap},
    {"mfd_exec", mfd_exec},
    {"mfd_einval", mfd_einval},
    {"mfd_efault", mfd_efault},
    {"mfd_ebadf", mfd_ebadf},
    {"mfd_noseal", mfd_noseal},
    {"mfd_seal_size", mfd_seal_size},
    {"mfd_seal_write", mfd_seal_write},
    {"mfd_seal_busy", mfd_seal_busy},
    {"mfd_seal_future", mfd_seal_future},
    {"xa_unsupported", xa_unsupported},
    {"xa_symlink", xa_symlink},
    {"xa_einval", xa_einval},
    {"xa_efault", xa_efault},
    {"xa_ebadf", xa_ebadf},
    {"xa_lookup", xa_lookup},
    {"xa_erofs", xa_erofs},
    {"fa_advice", fa_advice},
    {"fa_kinds", fa_kinds},
    {"fa_einval", fa_einval},
    {"fa_ebadf", fa_ebadf},
    {"ra_file", ra_file},
    {"ra_errors", ra_errors},
    {"sfr_ok", sfr_ok},
    {"sfr_errors", sfr_errors},
    {"gd_same", gd_same},
    {"gd_offset", gd_offset},
    {"gd_errors", gd_errors},
    {"vm_to_pipe", vm_to_pipe},
    {"vm_big", vm_big},
    {"vm_from_pipe", vm_from_pipe},
    {"vm_nonblock", vm_nonblock},
    {"vm_blocks", vm_blocks},
    {"vm_epipe", vm_epipe},
    {"vm_einval", vm_einval},
    {"vm_ebadf", vm_ebadf},
    {"vm_efault", vm_efault},
    {"pk_einval", pk_einval},
    {"pk_mprotect", pk_mprotect},
    {"pk_nopku", pk_nopku},
    {"sf_types", sf_types},
    {"sf_errors", sf_errors},
    {"us_proc", us_proc},
    {"us_tmpfs", us_tmpfs},
    {"us_errors", us_errors},
    {"fh_roundtrip", fh_roundtrip},
    {"fh_kinds", fh_kinds},
    {"fh_overflow", fh_overflow},
    {"fh_stale", fh_stale},
    {"fh_eopnotsupp", fh_eopnotsupp},
    {"fh_einval", fh_einval},
    {"fh_efault", fh_efault},
    {"fh_ebadf", fh_ebadf},
    {"fh_unprivileged", fh_unprivileged},
    {"oa2_plain", oa2_plain},
    {"oa2_size", oa2_size},
    {"oa2_einval", oa2_einval},
    {"oa2_cached", oa2_cached},
    {"oa2_nosymlinks", oa2_nosymlinks},
    {"oa2_nomagic", oa2_nomagic},
    {"oa2_beneath", oa2_beneath},
    {"oa2_in_root", oa2_in_root},
    {"oa2_xdev", oa2_xdev},
};

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--after-exec"))
        return after_exec();
    if (argc == 2 && !strcmp(argv[1], "--exit-42"))
        return 42;
    return t_run_cases("fdcalls", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, 0, argc, argv);
}
