/* pipe: pipe and pipe2 between processes: data, EOF, capacity, atomicity,
 * pipelines, flags and errors.
 *
 * Run as `pipe` (UNIPLEX=1 inside the kernel changes nothing here); needs
 * fork and wait4. Children never print ok/FAIL lines: they report through
 * their exit status (0 = all good) and the parent prints. Writing to a pipe
 * without readers (EPIPE/SIGPIPE) is not tested here (see signals). FIFOs:
 * mkfifo/mknod and fifo(7)'s open rules; mknod's other node types. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "tproc.h"

#define BAD_PTR ((void *)8)
#ifndef F_GETPIPE_SZ
#define F_GETPIPE_SZ 1032
#endif
#define CAPACITY 65536

static void close2(int p[2])
{
    close(p[0]);
    close(p[1]);
}

/* The byte at offset o of the transfer patterns (not periodic in 4 KiB). */
static unsigned char pattern(size_t o)
{
    return (unsigned char)(o * 131 + (o >> 12) * 7 + (o >> 20));
}

/* ---- the thesis program (b) ---- */

static const char msg1[] = "message one: thirty bytes long";
static const char msg2[] = "message two: thirty bytes long";
static const char msg3[] = "three: twenty bytes!";
_Static_assert(sizeof msg1 - 1 == 30 && sizeof msg2 - 1 == 30 && sizeof msg3 - 1 == 20,
               "message lengths");

static void check_thesis(void)
{
    int p[2];

    if (pipe(p) != 0) {
        t_fail("thesis_pipe", "pipe failed: %s", t_errname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (write(p[1], msg1, 30) != 30 || write(p[1], msg2, 30) != 30 ||
            write(p[1], msg3, 20) != 20)
            _exit(1);
        _exit(0);
    }
    close(p[1]);
    char all[128] = "", buf[31];
    size_t total = 0;
    for (int i = 0; i < 3; i++) {
        ssize_t n = read(p[0], buf, 30);
        if (n < 0) {
            printf("parent: read failed: %s\n", t_errname(errno));
            break;
        }
        buf[n] = '\0';
        printf("parent: read %zd bytes: \"%s\"\n", n, buf);
        fflush(stdout);
        memcpy(all + total, buf, (size_t)n);
        total += (size_t)n;
    }
    all[total] = '\0';
    ssize_t end = read(p[0], buf, 30);
    close(p[0]);
    check_exit("thesis_child", pid, 0);
    char want[128];
    snprintf(want, sizeof want, "%s%s%s", msg1, msg2, msg3);
    CHECK("thesis_pipe", total == 80 && strcmp(all, want) == 0,
          "expected the 80 bytes \"%s\", got %zu: \"%s\"", want, total, all);
    CHECK("thesis_pipe_eof", end == 0, "expected EOF after the child exited, got %zd", end);
}

/* ---- basics on one process ---- */

static int stuck; /* children left blocked by a failed case */

/* Runs fn in a child and waits at most 2 s for it to exit 0: a case that
 * would block forever fails instead of hanging the suite (no signals to
 * kill the child with, so it is left behind). */
static void check_bounded(const char *name, int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    if (pid < 0) {
        t_fail(name, "fork failed: %s", t_errname(errno));
        return;
    }
    int st = 0;
    for (int ms = 0; ms < 2000; ms++) {
        pid_t r = p_wait(pid, &st, WNOHANG);
        if (r == pid) {
            CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == 0, "expected exit 0, got %s",
                  p_status_str(st));
            return;
        }
        if (r != 0) {
            t_fail(name, "waitpid returned %d/%s", (int)r, t_errname(errno));
            return;
        }
        p_sleep_ms(1);
    }
    stuck++;
    t_fail(name, "still blocked after 2 s");
}

/* Zero-length read and write on an empty pipe return 0 at once. */
static int zero_length_child(void)
{
    int p[2];
    char c;

    if (pipe(p) != 0)
        return 1;
    if (read(p[0], &c, 0) != 0)
        return 2;
    if (write(p[1], &c, 0) != 0)
        return 3;
    return 0;
}

static void check_zero_length(void)
{
    check_bounded("zero_length_io", zero_length_child);
}

static int lowest_free(int *second)
{
    int a = open("/dev/null", O_RDONLY);
    int b = open("/dev/null", O_RDONLY);
    close(a);
    close(b);
    *second = b;
    return a;
}

static void check_basics(void)
{
    int p[2], second;
    char buf[256];

    int first = lowest_free(&second);
    if (pipe(p) != 0) {
        t_fail("pipe", "pipe failed: %s", t_errname(errno));
        return;
    }
    t_ok("pipe");
    CHECK("pipe_lowest_fds", p[0] == first && p[1] == second,
          "expected fds %d and %d, got %d and %d", first, second, p[0], p[1]);
    CHECK("pipe_roundtrip",
          write(p[1], "hello", 5) == 5 && read(p[0], buf, sizeof buf) == 5 &&
              memcmp(buf, "hello", 5) == 0,
          "expected to read back \"hello\"");
    CHECK("pipe_accmode",
          (fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
              (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
          "F_GETFL: read end %#x, write end %#x", fcntl(p[0], F_GETFL), fcntl(p[1], F_GETFL));
    CHECK("pipe_no_cloexec", fcntl(p[0], F_GETFD) == 0 && fcntl(p[1], F_GETFD) == 0,
          "expected no FD_CLOEXEC from pipe()");

    struct stat st0, st1;
    CHECK("fstat_fifo",
          fstat(p[0], &st0) == 0 && fstat(p[1], &st1) == 0 && S_ISFIFO(st0.st_mode) &&
              S_ISFIFO(st1.st_mode) && st0.st_ino == st1.st_ino,
          "expected both ends S_ISFIFO with one inode, modes %o %o", (unsigned)st0.st_mode,
          (unsigned)st1.st_mode);

    CHECK_ERR("read_on_write_end", read(p[1], buf, 1), EBADF);
    CHECK_ERR("write_on_read_end", write(p[0], "x", 1), EBADF);
    CHECK_ERR("lseek_espipe", lseek(p[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERR("lseek_espipe_write_end", lseek(p[1], 0, SEEK_SET), ESPIPE);
    CHECK_ERR("pread_espipe", pread(p[0], buf, 1, 0), ESPIPE);
    CHECK_ERR("pwrite_espipe", pwrite(p[1], "x", 1, 0), ESPIPE);

    check_zero_length();
    int n = -1;
    if (write(p[1], buf, 123) != 123)
        t_fail("fionread", "write failed");
    CHECK("fionread", ioctl(p[0], FIONREAD, &n) == 0 && n == 123, "expected 123, got %d", n);
    CHECK("read_returns_available", read(p[0], buf, 23) == 23 && read(p[0], buf, 200) == 100,
          "expected reads of 23 then the 100 left");
    n = -1;
    CHECK("fionread_empty", ioctl(p[0], FIONREAD, &n) == 0 && n == 0, "expected 0, got %d", n);

    char a[] = "abc", b[] = "defgh", c[] = "ij";
    struct iovec wv[3] = {{a, 3}, {b, 5}, {c, 2}};
    char r1[4] = "", r2[7] = "";
    struct iovec rv[2] = {{r1, 4}, {r2, 6}};
    ssize_t w = writev(p[1], wv, 3);
    ssize_t r = readv(p[0], rv, 2);
    CHECK("writev_readv",
          w == 10 && r == 10 && memcmp(r1, "abcd", 4) == 0 && memcmp(r2, "efghij", 6) == 0,
          "writev %zd, readv %zd", w, r);

    /* Bad pointers: EFAULT; a failed read leaves the data queued. */
    CHECK_ERR("write_efault", write(p[1], BAD_PTR, 10), EFAULT);
    n = -1;
    CHECK("write_efault_nothing_queued", ioctl(p[0], FIONREAD, &n) == 0 && n == 0,
          "expected nothing queued, got %d", n);
    if (write(p[1], "xyz", 3) != 3)
        t_fail("read_efault", "write failed");
    CHECK_ERR("read_efault", read(p[0], BAD_PTR, 3), EFAULT);
    memset(buf, 0, sizeof buf);
    CHECK("read_efault_keeps_data", read(p[0], buf, sizeof buf) == 3 && memcmp(buf, "xyz", 3) == 0,
          "expected \"xyz\" still queued after the failed read");

    /* F_SETFL O_NONBLOCK on an empty pipe. */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK_ERR("setfl_nonblock_eagain", read(p[0], buf, 1), EAGAIN);
    close(p[1]);
    errno = 0;
    r = read(p[0], buf, 1);
    CHECK("eof_no_writers_nonblock", r == 0,
          "expected EOF (0) on an empty O_NONBLOCK pipe whose writer closed, got %zd/%s", r,
          t_errname(errno));
    close(p[0]);

    /* pipe2 flags. */
    if (pipe2(p, O_CLOEXEC) != 0) {
        t_fail("pipe2_cloexec", "pipe2 failed: %s", t_errname(errno));
    } else {
        CHECK("pipe2_cloexec",
              fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
              "F_GETFD %d %d", fcntl(p[0], F_GETFD), fcntl(p[1], F_GETFD));
        CHECK("pipe2_cloexec_blocking", !(fcntl(p[0], F_GETFL) & O_NONBLOCK),
              "expected no O_NONBLOCK");
        close2(p);
    }
    CHECK_ERR("pipe2_bad_flags", pipe2(p, 0x1), EINVAL);
    if (t_uniplex()) /* Linux 3.4 on: packet mode, which Uniplex has not */
        CHECK_ERR("pipe2_o_direct_einval", pipe2(p, O_DIRECT), EINVAL);
    else
        t_skip_host("pipe2_o_direct_einval");
    int fd_before = lowest_free(&second);
    CHECK_ERR("pipe_efault", syscall(SYS_pipe, BAD_PTR), EFAULT);
    CHECK_ERR("pipe2_efault", syscall(SYS_pipe2, BAD_PTR, 0), EFAULT);
    CHECK("pipe_efault_no_leak", lowest_free(&second) == fd_before,
          "expected fd %d still the lowest free after the failed pipe calls", fd_before);

    if (pipe2(p, O_NONBLOCK) != 0) {
        t_fail("pipe2_nonblock", "pipe2 failed: %s", t_errname(errno));
        return;
    }
    CHECK("pipe2_nonblock_flags",
          (fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK) &&
              fcntl(p[0], F_GETFD) == 0,
          "expected O_NONBLOCK on both ends and no FD_CLOEXEC");
    CHECK_ERR("pipe2_nonblock_read_eagain", read(p[0], buf, 1), EAGAIN);
    CHECK("pipe_size",
          fcntl(p[0], F_GETPIPE_SZ) == CAPACITY && fcntl(p[1], F_GETPIPE_SZ) == CAPACITY,
          "expected F_GETPIPE_SZ %d, got %d", CAPACITY, fcntl(p[0], F_GETPIPE_SZ));

    static unsigned char big[CAPACITY + 8192];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = pattern(i);
    size_t filled = 0;
    ssize_t wr;
    errno = 0;
    while ((wr = write(p[1], big + filled, 4096)) > 0 && filled < sizeof big - 4096)
        filled += (size_t)wr;
    int werr = errno;
    CHECK("pipe2_nonblock_fill", wr == -1 && werr == EAGAIN && filled == CAPACITY,
          "expected EAGAIN after %d bytes, got %zd/%s after %zu", CAPACITY, wr, t_errname(werr),
          filled);
    CHECK_ERR("nonblock_full_small_write", write(p[1], "x", 1), EAGAIN);
    n = -1;
    CHECK("fionread_full", ioctl(p[0], FIONREAD, &n) == 0 && n == (int)filled,
          "expected %zu, got %d", filled, n);
    /* Drain one page: an 8 KiB write then goes in part (more than PIPE_BUF). */
    unsigned char page[4096];
    size_t wrong = 0;
    r = p_read_full(p[0], page, sizeof page);
    for (size_t i = 0; i < sizeof page; i++)
        wrong += page[i] != pattern(i);
    CHECK("drain_one_page", r == 4096 && wrong == 0, "read %zd, %zu bytes wrong", r, wrong);
    wr = write(p[1], big + filled, 8192);
    CHECK("nonblock_partial_write", wr == 4096, "expected a partial write of 4096, got %zd/%s", wr,
          t_errname(errno));
    size_t total = filled + (wr > 0 ? (size_t)wr : 0), got = 4096, bad = 0;
    unsigned char chunk[5000];
    while ((r = read(p[0], chunk, sizeof chunk)) > 0) {
        for (ssize_t i = 0; i < r; i++)
            bad += chunk[i] != pattern(got + (size_t)i);
        got += (size_t)r;
    }
    CHECK("nonblock_drain", got == total && bad == 0 && r == -1 && errno == EAGAIN,
          "read %zu of %zu bytes, %zu wrong, last read %zd/%s", got, total, bad, r,
          t_errname(errno));
    close2(p);
}

/* ---- EOF with several writers ---- */

static void check_eof(void)
{
    int p[2];
    char c;

    if (pipe(p) != 0) {
        t_fail("eof_inherited_writer", "pipe failed");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        p_sleep_ms(30);
        if (write(p[1], "x", 1) != 1)
            _exit(1);
        p_sleep_ms(30);
        _exit(0);
    }
    close(p[1]);
    double t0 = p_now_us();
    ssize_t r1 = read(p[0], &c, 1); /* blocks until the child writes */
    ssize_t r2 = read(p[0], &c, 1); /* blocks until the child exits */
    double ms = (p_now_us() - t0) / 1000;
    close(p[0]);
    check_exit("eof_inherited_child", pid, 0);
    CHECK("read_blocks_for_data", r1 == 1 && c == 'x', "expected 1 byte 'x', got %zd", r1);
    CHECK("eof_inherited_writer", r2 == 0 && ms >= 40,
          "expected EOF only when the child's copy closed (~60 ms), got %zd after %.1f ms", r2, ms);

    if (pipe(p) != 0) {
        t_fail("eof_after_last_dup", "pipe failed");
        return;
    }
    int d = dup(p[1]);
    close(p[1]);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    CHECK_ERR("no_eof_while_dup_open", read(p[0], &c, 1), EAGAIN);
    close(d);
    CHECK("eof_after_last_dup", read(p[0], &c, 1) == 0, "expected EOF after the last copy closed");
    close(p[0]);
}

/* ---- atomic writes of PIPE_BUF bytes from 8 writers ---- */

#define NWRITERS 8
#define NRECORDS 200
#define REC      4096
_Static_assert(REC <= PIPE_BUF, "records must be atomic");

static void check_atomic(void)
{
    int p[2];
    pid_t pids[NWRITERS];

    if (pipe(p) != 0) {
        t_fail("atomic_writes", "pipe failed");
        return;
    }
    for (int i = 0; i < NWRITERS; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            static unsigned char rec[REC];
            close(p[0]);
            memset(rec, 'A' + i, REC);
            for (int k = 0; k < NRECORDS; k++)
                if (write(p[1], rec, REC) != REC)
                    _exit(1);
            _exit(0);
        }
    }
    close(p[1]);
    static unsigned char rec[REC], chunk[3000];
    size_t fill = 0, total = 0, mixed = 0;
    int counts[NWRITERS] = {0}, other = 0;
    ssize_t r;
    /* Odd-sized reads: records are checked where they sit in the stream. */
    while ((r = read(p[0], chunk, sizeof chunk)) > 0) {
        total += (size_t)r;
        for (ssize_t i = 0; i < r;) {
            size_t take = REC - fill < (size_t)(r - i) ? REC - fill : (size_t)(r - i);
            memcpy(rec + fill, chunk + i, take);
            fill += take;
            i += (ssize_t)take;
            if (fill == REC) {
                fill = 0;
                int id = rec[0] - 'A';
                size_t j = 1;
                while (j < REC && rec[j] == rec[0])
                    j++;
                if (j < REC)
                    mixed++;
                else if (id >= 0 && id < NWRITERS)
                    counts[id]++;
                else
                    other++;
            }
        }
    }
    close(p[0]);
    int bad_exit = 0;
    for (int i = 0; i < NWRITERS; i++) {
        int st;
        if (p_wait(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad_exit++;
    }
    int bad_counts = 0;
    for (int i = 0; i < NWRITERS; i++)
        bad_counts += counts[i] != NRECORDS;
    CHECK("atomic_writes",
          total == (size_t)NWRITERS * NRECORDS * REC && mixed == 0 && other == 0 &&
              bad_counts == 0 && bad_exit == 0 && r == 0,
          "read %zu of %zu bytes; %zu interleaved records, %d unknown, %d writers with a wrong "
          "count, %d writers failed",
          total, (size_t)NWRITERS * NRECORDS * REC, mixed, other, bad_counts, bad_exit);
}

/* ---- a 16-process pipeline passing a token ---- */

#define STAGES 16
#define ROUNDS 100

static void check_pipeline(void)
{
    int pp[STAGES + 1][2];
    pid_t pids[STAGES];

    for (int i = 0; i <= STAGES; i++)
        if (pipe(pp[i]) != 0) {
            t_fail("pipeline", "pipe %d failed: %s", i, t_errname(errno));
            for (int j = 0; j < i; j++)
                close2(pp[j]);
            return;
        }
    for (int i = 0; i < STAGES; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            int in = pp[i][0], out = pp[i + 1][1];
            for (int j = 0; j <= STAGES; j++) {
                if (pp[j][0] != in)
                    close(pp[j][0]);
                if (pp[j][1] != out)
                    close(pp[j][1]);
            }
            uint32_t v;
            ssize_t n;
            while ((n = p_read_full(in, &v, sizeof v)) == sizeof v) {
                v++;
                if (write(out, &v, sizeof v) != sizeof v)
                    _exit(2);
            }
            _exit(n == 0 ? 0 : 1);
        }
        if (pids[i] < 0) {
            t_fail("pipeline", "fork %d failed: %s", i, t_errname(errno));
            for (int j = 0; j <= STAGES; j++)
                close2(pp[j]);
            while (wait(NULL) > 0)
                ;
            return;
        }
    }
    for (int j = 0; j <= STAGES; j++) {
        if (j != STAGES)
            close(pp[j][0]);
        if (j != 0)
            close(pp[j][1]);
    }
    int in = pp[STAGES][0], out = pp[0][1], bad = 0, first_bad = -1;
    uint32_t got = 0;
    double t0 = p_now_us();
    for (uint32_t r = 0; r < ROUNDS; r++) {
        if (write(out, &r, sizeof r) != sizeof r ||
            p_read_full(in, &got, sizeof got) != sizeof got || got != r + STAGES) {
            if (bad++ == 0)
                first_bad = (int)r;
        }
    }
    double us = (p_now_us() - t0) / ROUNDS;
    close(out);
    ssize_t end = read(in, &got, sizeof got);
    close(in);
    printf("pipe: token round trip through %d processes: %.0f us\n", STAGES, us);
    fflush(stdout);
    CHECK("pipeline", bad == 0, "%d of %d rounds wrong, first round %d (got %u)", bad, ROUNDS,
          first_bad, got);
    CHECK("pipeline_eof_cascade", end == 0, "expected EOF through the stages, got %zd", end);
    int bad_exit = 0;
    for (int i = 0; i < STAGES; i++) {
        int st;
        if (p_wait(pids[i], &st, 0) != pids[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            bad_exit++;
    }
    CHECK("pipeline_stages_exit", bad_exit == 0, "%d stages did not exit 0", bad_exit);
}

/* ---- large transfers ---- */

/* A reader child that checks `size` bytes of pattern() then EOF: exit 0. */
static pid_t fork_reader(int p[2], size_t size, size_t rdsize)
{
    pid_t pid = fork();
    if (pid == 0) {
        static unsigned char buf[100000];
        size_t got = 0, bad = 0;
        ssize_t r;
        close(p[1]);
        if (rdsize > sizeof buf)
            rdsize = sizeof buf;
        while ((r = read(p[0], buf, rdsize)) > 0) {
            for (ssize_t i = 0; i < r; i++)
                bad += buf[i] != pattern(got + (size_t)i);
            got += (size_t)r;
        }
        _exit(r < 0 ? 3 : got != size ? 2 : bad ? 1 : 0);
    }
    close(p[0]);
    return pid;
}

static void check_large(void)
{
    int p[2];
    size_t size = 4 << 20, chunk = 64 << 10;
    unsigned char *buf = malloc(size);

    if (!buf || pipe(p) != 0) {
        t_fail("transfer_4m", "malloc/pipe failed");
        free(buf);
        return;
    }
    for (size_t i = 0; i < size; i++)
        buf[i] = pattern(i);
    pid_t pid = fork_reader(p, size, 7000);
    int short_writes = 0;
    double t0 = p_now_us();
    for (size_t off = 0; off < size; off += chunk)
        short_writes += write(p[1], buf + off, chunk) != (ssize_t)chunk;
    close(p[1]);
    check_exit("transfer_4m", pid, 0);
    double ms = (p_now_us() - t0) / 1000;
    printf("pipe: 4 MiB in 64 KiB writes took %.1f ms\n", ms);
    fflush(stdout);
    CHECK("transfer_4m_full_writes", short_writes == 0, "%d writes were short", short_writes);

    /* One write of 1 MiB, 16 times the capacity: it blocks until done. */
    if (pipe(p) != 0) {
        t_fail("write_larger_than_capacity", "pipe failed");
        free(buf);
        return;
    }
    pid = fork_reader(p, 1 << 20, 65536);
    ssize_t w = write(p[1], buf, 1 << 20);
    close(p[1]);
    CHECK("write_larger_than_capacity", w == 1 << 20, "expected %d, got %zd/%s", 1 << 20, w,
          t_errname(errno));
    check_exit("write_larger_than_capacity_reader", pid, 0);
    free(buf);
}

/* ---- FIFOs (mknod, mkfifo: fifo(7)) ---- */

#define FIFO "/tmp/pipe-fifo"

/* A reader's open waits for a writer's, and the other way round; then the
 * pipe works and the writer's close is the reader's end of file. */
static int fifo_rendezvous_child(void)
{
    char buf[8];
    pid_t w = fork();
    if (w == 0) {
        p_sleep_ms(50);
        int fd = open(FIFO, O_WRONLY); /* the reader is waiting: no wait here */
        _exit(fd >= 0 && write(fd, "fifo", 4) == 4 ? 0 : 1);
    }
    int fd = open(FIFO, O_RDONLY); /* waits for the writer */
    if (fd < 0)
        return 2;
    ssize_t n = p_read_full(fd, buf, sizeof buf);
    int st = 0;
    if (p_wait(w, &st, 0) != w || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 3;
    close(fd);
    return n == 4 && memcmp(buf, "fifo", 4) == 0 ? 0 : 4;
}

/* A writer's open waits for a reader. */
static int fifo_writer_waits_child(void)
{
    pid_t r = fork();
    if (r == 0) {
        p_sleep_ms(50);
        char c;
        int fd = open(FIFO, O_RDONLY);
        _exit(fd >= 0 && read(fd, &c, 1) == 1 && c == 'w' ? 0 : 1);
    }
    int fd = open(FIFO, O_WRONLY);
    if (fd < 0 || write(fd, "w", 1) != 1)
        return 2;
    close(fd);
    int st = 0;
    return p_wait(r, &st, 0) == r && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 3;
}

/* O_NONBLOCK: a reader opens at once and reads end of file; a writer
 * without a reader is ENXIO; O_RDWR waits for nobody; what is left at the
 * last close is gone. */
static int fifo_nonblock_child(void)
{
    char c;
    int rd = open(FIFO, O_RDONLY | O_NONBLOCK);
    if (rd < 0 || read(rd, &c, 1) != 0)
        return 1;
    close(rd);
    errno = 0;
    if (open(FIFO, O_WRONLY | O_NONBLOCK) != -1 || errno != ENXIO)
        return 2;
    int rw = open(FIFO, O_RDWR);
    if (rw < 0 || write(rw, "x", 1) != 1 || read(rw, &c, 1) != 1 || c != 'x')
        return 3;
    if (write(rw, "y", 1) != 1)
        return 4;
    close(rw);
    rw = open(FIFO, O_RDWR | O_NONBLOCK);
    errno = 0;
    if (rw < 0 || read(rw, &c, 1) != -1 || errno != EAGAIN)
        return 5;
    close(rw);
    return 0;
}

static void on_alarm(int sig)
{
    (void)sig;
}

/* A signal with a handler ends an open waiting for the other end: EINTR. */
static int fifo_open_eintr_child(void)
{
    struct sigaction sa = {0};
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    alarm(1);
    errno = 0;
    return open(FIFO, O_RDONLY) == -1 && errno == EINTR ? 0 : 1;
}

/* A pipe reopened through /proc/self/fd is no FIFO to wait on (Linux's
 * fifo_open waits only for named ones): the read end opens at once after
 * the writer has gone and reads what is left, then end of file (bash's
 * `cat <(echo a)`); the write end opens without a reader, even
 * O_NONBLOCK (no ENXIO), and writing is EPIPE. */
static int pipe_reopen_child(void)
{
    int p[2];
    char path[64], buf[8];
    if (pipe(p) != 0 || write(p[1], "left", 4) != 4)
        return 1;
    close(p[1]);
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
    int rd = open(path, O_RDONLY);
    if (rd < 0 || p_read_full(rd, buf, sizeof buf) != 4 || memcmp(buf, "left", 4) != 0)
        return 2;
    close(rd);
    close(p[0]);
    if (pipe(p) != 0)
        return 3;
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    for (int nb = 0; nb < 2; nb++) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
        int wr = open(path, O_WRONLY | (nb ? O_NONBLOCK : 0));
        errno = 0;
        if (wr < 0 || write(wr, "x", 1) != -1 || errno != EPIPE)
            return 4 + nb;
        close(wr);
    }
    close(p[1]);
    return 0;
}

/* Device nodes by number (1,3 is null; a number no driver has: ENXIO at
 * open), a socket's name (ENXIO), mode 0 (a regular file), and the
 * errors: a directory (EPERM), an unknown type (EINVAL), a taken name
 * (EEXIST), a bad pointer (EFAULT). */
static void check_mknod_nodes(void)
{
    struct stat st;
    char c;
    unlink("/tmp/pipe-null");
    int r = mknod("/tmp/pipe-null", S_IFCHR | 0666, makedev(1, 3));
    int fd = r == 0 ? open("/tmp/pipe-null", O_RDWR) : -1;
    CHECK("mknod_char_null", fd >= 0 && write(fd, "z", 1) == 1 && read(fd, &c, 1) == 0,
          "mknod %d, open %d (%s)", r, fd, t_errname(errno));
    close(fd);
    unlink("/tmp/pipe-null");
    unlink("/tmp/pipe-nodev");
    r = mknod("/tmp/pipe-nodev", S_IFCHR | 0600, makedev(240, 7));
    errno = 0;
    CHECK("mknod_char_no_driver",
          r == 0 && stat("/tmp/pipe-nodev", &st) == 0 && S_ISCHR(st.st_mode) &&
              st.st_rdev == makedev(240, 7) && open("/tmp/pipe-nodev", O_RDONLY) == -1 &&
              errno == ENXIO,
          "mknod %d, then %s", r, t_errname(errno));
    unlink("/tmp/pipe-nodev");
    unlink("/tmp/pipe-sock");
    r = mknod("/tmp/pipe-sock", S_IFSOCK | 0600, 0);
    errno = 0;
    CHECK("mknod_socket_name",
          r == 0 && stat("/tmp/pipe-sock", &st) == 0 && S_ISSOCK(st.st_mode) &&
              open("/tmp/pipe-sock", O_RDONLY) == -1 && errno == ENXIO,
          "mknod %d, then %s", r, t_errname(errno));
    unlink("/tmp/pipe-sock");
    unlink("/tmp/pipe-reg");
    r = mknod("/tmp/pipe-reg", 0644, 0);
    CHECK("mknod_mode_0_regular", r == 0 && stat("/tmp/pipe-reg", &st) == 0 && S_ISREG(st.st_mode),
          "mknod %d (%s)", r, t_errname(errno));
    CHECK_ERR("mknod_eexist", mknod("/tmp/pipe-reg", S_IFIFO | 0600, 0), EEXIST);
    unlink("/tmp/pipe-reg");
    CHECK_ERR("mknod_dir_eperm", mknod("/tmp/pipe-dir", S_IFDIR | 0700, 0), EPERM);
    CHECK_ERR("mknod_bad_type_einval", mknod("/tmp/pipe-bad", 0170000 | 0600, 0), EINVAL);
    CHECK_ERR("mknod_efault", mknod(BAD_PTR, S_IFIFO | 0600, 0), EFAULT);
    CHECK_ERR("mknod_enoent", mknod("/tmp/no-such-dir/f", S_IFIFO | 0600, 0), ENOENT);
}

static void check_fifo(void)
{
    struct stat st;
    mode_t old = umask(022);
    unlink(FIFO);
    int r = mkfifo(FIFO, 0666);
    umask(old);
    CHECK("mkfifo",
          r == 0 && stat(FIFO, &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 0777) == 0644,
          "mkfifo %d (%s), mode %o", r, t_errname(errno), (unsigned)st.st_mode);
    check_bounded("fifo_reader_waits_for_writer", fifo_rendezvous_child);
    check_bounded("fifo_writer_waits_for_reader", fifo_writer_waits_child);
    check_bounded("fifo_nonblock_enxio_rdwr_discard", fifo_nonblock_child);
    check_bounded("fifo_open_eintr", fifo_open_eintr_child);
    unlink(FIFO);
    check_bounded("pipe_reopen_no_fifo_wait", pipe_reopen_child);
    check_mknod_nodes();
}

int main(void)
{
    int first_free = open("/dev/null", O_RDONLY);
    close(first_free);

    check_thesis();
    check_basics();
    check_eof();
    check_atomic();
    check_pipeline();
    check_large();
    check_fifo();

    if (stuck)
        t_fail("no_children_left", "%d children left blocked by failed cases", stuck);
    else
        CHECK_ERR("no_children_left", waitpid(-1, NULL, WNOHANG), ECHILD);
    int fd = open("/dev/null", O_RDONLY);
    CHECK("fds_balanced", fd == first_free, "expected fd %d to be the lowest free, got %d",
          first_free, fd);
    close(fd);
    return t_done("pipe");
}
