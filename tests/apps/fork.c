/* fork: fork, vfork, clone, execve, execveat, wait4/waitid, getrusage and
 * reparenting.
 *
 * Run as `fork` with UNIPLEX=1 inside the kernel (as pid 1); it execs
 * itself as /bin/fork there (/proc/self/exe's real path on the host), so no
 * other program is needed in the image. Children never print ok/FAIL lines:
 * they report through their exit status (0 = all good, k = check k failed)
 * or through a pipe, and the parent prints. Exit status: min(failed, 100).
 *
 * Modes used when the suite execs itself (argv[1]):
 *   --exit N [...]        exit N at once (also "--exit N" as one argument,
 *                         as a #! line passes it); extra arguments ignored
 *   --check-fds A B C D O fds A and C closed by exec, B and D open, B at O
 *   --check-args          argv and envp are exactly the ones check_exec sends
 *   --check-many N a0...  N more arguments a0 .. a(N-1)
 *   --check-pid P PP      getpid() == P and getppid() == PP
 *   --check-noenv         an empty environment (execve with envp NULL)
 *   --check-shebang...    the argv a #! line gives (see check_scripts)
 *   --check-exe PATH      /proc/self/exe reads PATH
 * No signals are used: faults kill children with the default action. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>

#include "tproc.h"

extern char **environ;

#define BAD_PTR   ((void *)8)
#define barrier() __asm__ volatile("" ::: "memory")

static const char *self; /* the path to exec this program by */

static void info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/* A child blocked reading a pipe until release() writes its exit code. */
static pid_t fork_blocked(int *wfd)
{
    int p[2];

    if (pipe(p) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        unsigned char code = 100;
        close(p[1]);
        if (read(p[0], &code, 1) != 1)
            _exit(101);
        _exit(code);
    }
    close(p[0]);
    if (pid < 0)
        close(p[1]);
    *wfd = p[1];
    return pid;
}

static void release(int wfd, unsigned char code)
{
    if (write(wfd, &code, 1) != 1)
        perror("release");
    close(wfd);
}

/* ---- the thesis program (a) ---- */

static void check_thesis(void)
{
    double t0 = p_now_us();
    pid_t pid = fork();
    if (pid == 0) {
        printf("child: I am the child, pid %d\n", (int)getpid());
        fflush(stdout);
        _exit(0);
    }
    double t1 = p_now_us();
    if (pid < 0) {
        t_fail("thesis_fork", "fork failed: %s", t_errname(errno));
        return;
    }
    info("fork: one fork took %.0f us\n", t1 - t0);
    int st = 0;
    pid_t r = p_wait(pid, &st, 0);
    printf("parent: I am the parent of %d\n", (int)pid);
    fflush(stdout);
    CHECK("thesis_fork", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "waitpid returned %d, status %s", (int)r, p_status_str(st));
}

/* ---- copy-on-write semantics ---- */

#define HEAP_SIZE   (64 * 1024)
#define FRESH_PAGES 16

static int g_global = 1000;
static unsigned char g_kbuf[3 * 4096]; /* written by the kernel (read()) in a child */

static int all_are(const unsigned char *p, size_t n, unsigned char c)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != c)
            return 0;
    return 1;
}

static void check_cow(void)
{
    volatile int stackvar = 2000;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *heap = malloc(HEAP_SIZE);
    /* Private anonymous pages nobody touches before the fork. */
    unsigned char *fresh =
        mmap(NULL, FRESH_PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int p[2];

    if (!heap || fresh == MAP_FAILED || pipe(p) != 0) {
        t_fail("cow_setup", "malloc/mmap/pipe failed: %s", t_errname(errno));
        return;
    }
    memset(heap, 'p', HEAP_SIZE);

    /* The child writes: it sees its values, the parent keeps its own. */
    pid_t pid = fork();
    if (pid == 0) {
        g_global = 1001;
        stackvar = 2001;
        memset(heap, 'c', HEAP_SIZE);
        for (size_t i = 0; i < FRESH_PAGES; i++)
            fresh[i * page + i] = 'c';
        barrier();
        if (g_global != 1001)
            _exit(1);
        if (stackvar != 2001)
            _exit(2);
        if (!all_are(heap, HEAP_SIZE, 'c'))
            _exit(3);
        for (size_t i = 0; i < FRESH_PAGES; i++)
            if (fresh[i * page + i] != 'c' || fresh[i * page + i + 1] != 0)
                _exit(4);
        _exit(0);
    }
    check_exit("cow_child_sees_own_writes", pid, 0);
    barrier();
    int fresh_zero = all_are(fresh, FRESH_PAGES * page, 0);
    CHECK("cow_parent_unchanged",
          g_global == 1000 && stackvar == 2000 && all_are(heap, HEAP_SIZE, 'p') && fresh_zero,
          "global %d (1000), stack %d (2000), heap %s, fresh pages %s", g_global, stackvar,
          all_are(heap, HEAP_SIZE, 'p') ? "intact" : "changed", fresh_zero ? "zero" : "changed");

    /* The parent writes after the fork; the child, released by the pipe
     * only then, must still see the values of the fork. */
    pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        if (read(p[0], &c, 1) != 1)
            _exit(10);
        if (g_global != 1000)
            _exit(1);
        if (stackvar != 2000)
            _exit(2);
        if (!all_are(heap, HEAP_SIZE, 'p'))
            _exit(3);
        if (!all_are(fresh, FRESH_PAGES * page, 0))
            _exit(4);
        _exit(0);
    }
    g_global = 1002;
    stackvar = 2002;
    memset(heap, 'q', HEAP_SIZE);
    for (size_t i = 0; i < FRESH_PAGES; i++)
        fresh[i * page] = 'q';
    barrier();
    if (write(p[1], "x", 1) != 1)
        perror("write");
    check_exit("cow_parent_writes_child_unchanged", pid, 0);
    CHECK("cow_parent_sees_own_writes",
          g_global == 1002 && stackvar == 2002 && all_are(heap, HEAP_SIZE, 'q') &&
              fresh[0] == 'q' && fresh[(FRESH_PAGES - 1) * page] == 'q',
          "global %d, stack %d", g_global, stackvar);
    g_global = 1000;

    /* The kernel writes (read() into a buffer spanning pages shared since
     * the fork): the copy must happen for the child only. */
    memset(g_kbuf, 'p', sizeof g_kbuf);
    pid = fork();
    if (pid == 0) {
        int q[2];
        static unsigned char src[2 * 4096 + 100];
        memset(src, 'k', sizeof src);
        if (pipe(q) != 0 || write(q[1], src, sizeof src) != (ssize_t)sizeof src)
            _exit(1);
        close(q[1]);
        if (p_read_full(q[0], g_kbuf + 2000, sizeof src) != (ssize_t)sizeof src)
            _exit(2);
        if (!all_are(g_kbuf + 2000, sizeof src, 'k') || !all_are(g_kbuf, 2000, 'p'))
            _exit(3);
        _exit(0);
    }
    check_exit("cow_kernel_write_child", pid, 0);
    CHECK("cow_kernel_write_parent_unchanged", all_are(g_kbuf, sizeof g_kbuf, 'p'),
          "expected the parent's buffer untouched by the child's read()");

    /* MAP_SHARED anonymous memory is shared, not copied. */
    volatile int *shared =
        mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        t_fail("cow_map_shared", "mmap MAP_SHARED failed: %s", t_errname(errno));
    } else {
        shared[0] = 1;
        pid = fork();
        if (pid == 0) {
            shared[0] = 42;
            shared[100] = 43;
            _exit(0);
        }
        check_exit("map_shared_child_exit", pid, 0);
        CHECK("map_shared_visible", shared[0] == 42 && shared[100] == 43,
              "expected the child's writes 42/43, got %d/%d", shared[0], shared[100]);
        munmap((void *)shared, page);
    }

    close(p[0]);
    close(p[1]);
    munmap(fresh, FRESH_PAGES * page);
    free(heap);
}

/* ---- identities, fds, exit statuses ---- */

static void check_basics(void)
{
    pid_t me = getpid();
    int pfd[2];

    if (pipe(pfd) != 0) {
        t_fail("fork_ids", "pipe failed: %s", t_errname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        pid_t ids[2] = {getpid(), getppid()};
        close(pfd[0]);
        _exit(write(pfd[1], ids, sizeof ids) == sizeof ids ? 0 : 1);
    }
    close(pfd[1]);
    pid_t ids[2] = {0, 0};
    ssize_t n = p_read_full(pfd[0], ids, sizeof ids);
    close(pfd[0]);
    check_exit("fork_child_exit", pid, 0);
    CHECK("fork_ids", n == sizeof ids && ids[0] == pid && ids[1] == me && pid != me && pid > 0,
          "fork returned %d; the child saw getpid %d, getppid %d (parent %d)", (int)pid,
          (int)ids[0], (int)ids[1], (int)me);
    CHECK("fork_parent_pid_same", getpid() == me, "getpid changed from %d to %d", (int)me,
          (int)getpid());

    /* Open file descriptions are shared: the child's write moves the offset. */
    int fd = open("/tmp/fork-offset", O_CREAT | O_TRUNC | O_RDWR, 0644);
    if (fd < 0) {
        t_fail("fork_shares_offset", "open failed: %s", t_errname(errno));
    } else {
        pid = fork();
        if (pid == 0)
            _exit(write(fd, "abcde", 5) == 5 ? 0 : 1);
        check_exit("fork_child_write", pid, 0);
        off_t off = lseek(fd, 0, SEEK_CUR);
        CHECK("fork_shares_offset", off == 5, "expected offset 5 after the child's write, got %ld",
              (long)off);
        /* The fd table is copied: the child's close leaves ours open. */
        pid = fork();
        if (pid == 0)
            _exit(close(fd) == 0 && fcntl(fd, F_GETFD) == -1 ? 0 : 1);
        check_exit("fork_child_close", pid, 0);
        CHECK("fork_fd_table_copied", fcntl(fd, F_GETFD) != -1,
              "expected fd %d still open in the parent after the child closed it", fd);
        close(fd);
        unlink("/tmp/fork-offset");
    }

    pid = fork();
    if (pid == 0)
        _exit(256 + 3);
    check_exit("exit_status_low_byte", pid, 3);
    pid = fork();
    if (pid == 0)
        syscall(SYS_exit_group, 0x7f05);
    check_exit("exit_group_status", pid, 5);
    pid = fork();
    if (pid == 0)
        syscall(SYS_exit, 6); /* a single-threaded process: exit ends it */
    check_exit("exit_single_thread", pid, 6);
    pid = fork();
    if (pid == 0)
        exit(0); /* exit(), not _exit(): atexit and stdio flush in the child */
    check_exit("exit_libc", pid, 0);
}

static void check_sequential(void)
{
    int bad = 0, first = -1, first_st = 0;
    pid_t first_r = 0;
    double t0 = p_now_us();

    for (int i = 0; i < 1000; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(i & 0xff);
        if (pid < 0) {
            t_fail("sequential_1000", "fork %d failed: %s", i, t_errname(errno));
            return;
        }
        int st = -1;
        pid_t r = p_wait(pid, &st, 0);
        if (r != pid || !WIFEXITED(st) || WEXITSTATUS(st) != (i & 0xff)) {
            if (bad++ == 0) {
                first = i;
                first_st = st;
                first_r = r;
            }
        }
    }
    info("fork: 1000 fork+exit+wait took %.0f us each\n", (p_now_us() - t0) / 1000);
    CHECK("sequential_1000", bad == 0,
          "%d wrong; first at %d: waitpid returned %d, %s (expected exit %d)", bad, first,
          (int)first_r, p_status_str(first_st), first & 0xff);
}

#define NCONC 64

static void check_concurrent(void)
{
    pid_t pids[NCONC];
    int seen[NCONC] = {0};
    int p[2], n = 0, wrong = 0, unknown = 0;

    if (pipe(p) != 0) {
        t_fail("concurrent_64", "pipe failed: %s", t_errname(errno));
        return;
    }
    /* All 64 exist at once: they wait for EOF on the pipe. */
    for (; n < NCONC; n++) {
        pids[n] = fork();
        if (pids[n] == 0) {
            char c;
            close(p[1]);
            while (read(p[0], &c, 1) > 0)
                ;
            _exit(100 + n);
        }
        if (pids[n] < 0)
            break;
    }
    close(p[0]);
    close(p[1]);
    if (n < NCONC) {
        t_fail("concurrent_64", "fork %d failed: %s", n, t_errname(errno));
    }
    for (int k = 0; k < n; k++) {
        int st;
        pid_t r = wait(&st);
        int i;
        for (i = 0; i < n && pids[i] != r; i++)
            ;
        if (i == n) {
            unknown++;
            continue;
        }
        seen[i]++;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 100 + i)
            wrong++;
    }
    int missing = 0, twice = 0;
    for (int i = 0; i < n; i++) {
        missing += seen[i] == 0;
        twice += seen[i] > 1;
    }
    int distinct = 1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            distinct &= pids[i] != pids[j];
    if (n == NCONC)
        CHECK("concurrent_64", !unknown && !wrong && !missing && !twice && distinct,
              "unknown pids %d, wrong statuses %d, missing %d, seen twice %d, distinct pids %d",
              unknown, wrong, missing, twice, distinct);
    CHECK_ERR("concurrent_then_echild", wait(NULL), ECHILD);
}

/* ---- waitpid / waitid / wait4 ---- */

/* A child whose exit signal is not SIGCHLD (clone's, here none) is a
 * "clone" child: a wait sees it only with __WCLONE or __WALL, and with
 * __WCLONE it sees only such children (Linux's eligible_child). Called
 * with no other child left. */
static void check_wait_clone(void)
{
    int st = 0;
    pid_t pid = (pid_t)syscall(SYS_clone, 0, NULL, NULL, NULL, 0);
    if (pid == 0)
        _exit(5);
    p_sleep_ms(30); /* a zombie by now */
    CHECK_ERR("wait_clone_child_hidden", waitpid(-1, &st, WNOHANG), ECHILD);
    pid_t r = p_wait(pid, &st, __WCLONE);
    CHECK("wait_wclone", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 5,
          "expected %d exited 5, got %d/%s, %s", (int)pid, (int)r, t_errname(errno),
          p_status_str(st));
    pid = fork();
    if (pid == 0)
        _exit(6);
    p_sleep_ms(30);
    CHECK_ERR("wait_wclone_skips_sigchld_child", waitpid(pid, &st, WNOHANG | __WCLONE), ECHILD);
    r = p_wait(pid, &st, __WALL);
    CHECK("wait_wall", r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 6,
          "expected %d exited 6, got %d/%s, %s", (int)pid, (int)r, t_errname(errno),
          p_status_str(st));
    pid = (pid_t)syscall(SYS_clone, 0, NULL, NULL, NULL, 0);
    if (pid == 0)
        _exit(7);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    int ri = waitid(P_PID, (id_t)pid, &si, WEXITED | __WALL);
    CHECK("waitid_wall_clone_child", ri == 0 && si.si_pid == pid && si.si_status == 7,
          "returned %d/%s, si_pid %d, si_status %d", ri, t_errname(errno), (int)si.si_pid,
          si.si_status);
}

static void check_wait(void)
{
    int w, st = 0;
    pid_t pid, a, b, c, r;

    pid = fork_blocked(&w);
    r = p_wait(pid, &st, WNOHANG);
    CHECK("waitpid_wnohang_running", r == 0, "expected 0, got %d/%s", (int)r, t_errname(errno));
    release(w, 7);
    check_exit("waitpid_after_release", pid, 7);

    /* A specific child while another one runs, then while another is a zombie. */
    a = fork_blocked(&w);
    b = fork();
    if (b == 0)
        _exit(22);
    check_exit("waitpid_specific", b, 22);
    r = p_wait(a, &st, WNOHANG);
    CHECK("waitpid_other_still_running", r == 0, "expected 0, got %d", (int)r);
    c = fork();
    if (c == 0)
        _exit(33);
    p_sleep_ms(30); /* c is a zombie by now; waiting for a must not pick it */
    r = p_wait(a, &st, WNOHANG);
    CHECK("waitpid_ignores_other_zombie", r == 0, "expected 0, got %d (c is %d)", (int)r, (int)c);
    release(w, 11);
    check_exit("waitpid_released_other", a, 11);
    check_exit("waitpid_zombie_after", c, 33);

    pid = fork();
    if (pid == 0)
        _exit(44);
    r = p_wait(0, NULL, 0);
    CHECK("waitpid_pgrp_null_status", r == pid, "waitpid(0, NULL, 0): expected %d, got %d/%s",
          (int)pid, (int)r, t_errname(errno));

    siginfo_t si;
    pid = fork();
    if (pid == 0)
        _exit(55);
    memset(&si, 0xa5, sizeof si);
    int ri = waitid(P_PID, (id_t)pid, &si, WEXITED);
    CHECK("waitid_exited",
          ri == 0 && si.si_pid == pid && si.si_signo == SIGCHLD && si.si_code == CLD_EXITED &&
              si.si_status == 55 && si.si_uid == getuid(),
          "returned %d/%s, si_pid %d (%d), si_signo %d, si_code %d (%d), si_status %d, si_uid %d",
          ri, t_errname(errno), (int)si.si_pid, (int)pid, si.si_signo, si.si_code, CLD_EXITED,
          si.si_status, (int)si.si_uid);
    CHECK_ERR("waitid_reaped", waitpid(pid, NULL, WNOHANG), ECHILD);

    pid = fork_blocked(&w);
    memset(&si, 0xa5, sizeof si);
    ri = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG);
    CHECK("waitid_wnohang_running", ri == 0 && si.si_pid == 0,
          "expected 0 and si_pid 0, got %d/%s, si_pid %d", ri, t_errname(errno), (int)si.si_pid);
    release(w, 0);
    check_exit("waitid_wnohang_release", pid, 0);

    pid = fork();
    if (pid == 0)
        _exit(66);
    memset(&si, 0, sizeof si);
    ri = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
    CHECK("waitid_wnowait", ri == 0 && si.si_pid == pid && si.si_status == 66,
          "returned %d/%s, si_pid %d, si_status %d", ri, t_errname(errno), (int)si.si_pid,
          si.si_status);
    check_exit("waitid_wnowait_still_waitable", pid, 66);

    pid = fork();
    if (pid == 0)
        _exit(77);
    memset(&si, 0, sizeof si);
    ri = waitid(P_ALL, 0, &si, WEXITED);
    CHECK("waitid_p_all", ri == 0 && si.si_pid == pid && si.si_status == 77,
          "returned %d/%s, si_pid %d, si_status %d", ri, t_errname(errno), (int)si.si_pid,
          si.si_status);
    CHECK_ERR("waitid_no_event_flags", waitid(P_ALL, 0, &si, 0), EINVAL);
    CHECK_ERR("waitid_bad_idtype", syscall(SYS_waitid, 77, 0, &si, WEXITED, NULL), EINVAL);

    pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK_ERR("wait4_bad_options", syscall(SYS_wait4, -1, &st, 0x12345678, NULL), EINVAL);
    check_exit("wait4_bad_options_child_left", pid, 0);

    check_wait_clone();

    CHECK_ERR("waitpid_self_echild", waitpid(getpid(), &st, 0), ECHILD);
    CHECK_ERR("wait_no_children", wait(&st), ECHILD);
    CHECK_ERR("wnohang_no_children", waitpid(-1, &st, WNOHANG), ECHILD);

    /* A grandchild is not a child. */
    int gp[2], rel[2];
    if (pipe(gp) != 0 || pipe(rel) != 0) {
        t_fail("waitpid_grandchild_echild", "pipe failed");
        return;
    }
    pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            char ch;
            close(rel[1]);
            _exit(read(rel[0], &ch, 1) == 1 ? 0 : 1);
        }
        close(rel[0]);
        close(rel[1]);
        if (g < 0 || write(gp[1], &g, sizeof g) != sizeof g)
            _exit(1);
        int gst;
        _exit(waitpid(g, &gst, 0) == g && WIFEXITED(gst) && WEXITSTATUS(gst) == 0 ? 0 : 2);
    }
    close(gp[1]);
    close(rel[0]);
    pid_t g = 0;
    if (p_read_full(gp[0], &g, sizeof g) == sizeof g && g > 0)
        CHECK_ERR("waitpid_grandchild_echild", waitpid(g, &st, 0), ECHILD);
    else
        t_fail("waitpid_grandchild_echild", "did not get the grandchild's pid");
    if (write(rel[1], "x", 1) != 1)
        perror("write");
    close(rel[1]);
    close(gp[0]);
    check_exit("waitpid_grandchild_child", pid, 0);

    /* A bad status pointer: EFAULT (Linux has reaped the child by then). */
    pid = fork();
    if (pid == 0)
        _exit(0);
    CHECK_ERR("wait4_status_efault", syscall(SYS_wait4, pid, BAD_PTR, 0, NULL), EFAULT);
    p_wait(pid, NULL, 0); /* either reaps it or ECHILD */
    CHECK_ERR("wait4_status_efault_no_child_left", waitpid(-1, NULL, WNOHANG), ECHILD);

    struct rusage ru;
    pid = fork();
    if (pid == 0)
        _exit(9);
    memset(&ru, 0xff, sizeof ru);
    r = (pid_t)syscall(SYS_wait4, pid, &st, 0, &ru);
    CHECK("wait4_rusage",
          r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 9 && ru.ru_utime.tv_sec >= 0 &&
              ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000 &&
              ru.ru_stime.tv_sec >= 0 && ru.ru_stime.tv_usec < 1000000,
          "returned %d/%s, %s, utime %ld.%06ld", (int)r, t_errname(errno), p_status_str(st),
          (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec);
}

/* ---- resource usage: getrusage and wait4's rusage ---- */

#define RSS_KIB 8192 /* what the memory cases touch: 8 MiB */

static volatile unsigned long burn_sink;

/* Keep the CPU busy for ms of wall time. */
static void burn_ms(long ms)
{
    double end = p_now_us() + (double)ms * 1000.0;
    while (p_now_us() < end)
        for (int i = 0; i < 10000; i++)
            burn_sink++;
}

/* CPU time in microseconds, user and system together. */
static long ru_us(const struct rusage *ru)
{
    return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000L + ru->ru_utime.tv_usec +
           ru->ru_stime.tv_usec;
}

static long tv_us(const struct timeval *tv)
{
    return tv->tv_sec * 1000000L + tv->tv_usec;
}

/* Spend ms of wall time in the kernel: reads of /dev/zero. */
static void sys_burn_ms(long ms)
{
    static char buf[65536];
    int fd = open("/dev/zero", O_RDONLY);
    double end = p_now_us() + (double)ms * 1000.0;
    while (fd >= 0 && p_now_us() < end)
        if (read(fd, buf, sizeof buf) < 0)
            break;
    close(fd);
}

/* User and system time apart: a loop of system calls is mostly system
 * time, a loop of arithmetic mostly user time. */
static void check_rusage_split(void)
{
    struct rusage a, b, c, d;
    getrusage(RUSAGE_SELF, &a);
    sys_burn_ms(200);
    getrusage(RUSAGE_SELF, &b);
    burn_ms(200);
    getrusage(RUSAGE_SELF, &c);
    long su = tv_us(&b.ru_utime) - tv_us(&a.ru_utime), ss = tv_us(&b.ru_stime) - tv_us(&a.ru_stime);
    long cu = tv_us(&c.ru_utime) - tv_us(&b.ru_utime), cs = tv_us(&c.ru_stime) - tv_us(&b.ru_stime);
    CHECK("getrusage_stime_syscalls", ss > su, "reading /dev/zero: user %ld us, system %ld us", su,
          ss);
    CHECK("getrusage_utime_compute", cu > cs, "arithmetic: user %ld us, system %ld us", cu, cs);
    struct tms t;
    clock_t r = times(&t);
    getrusage(RUSAGE_SELF, &d);
    long hz = sysconf(_SC_CLK_TCK);
    CHECK("times_stime",
          r != (clock_t)-1 && t.tms_stime > 0 &&
              labs((long)t.tms_stime - tv_us(&d.ru_stime) * hz / 1000000) <= 2,
          "tms_stime %ld ticks, ru_stime %ld us", (long)t.tms_stime, tv_us(&d.ru_stime));
}

/* Touch RSS_KIB of fresh memory, read getrusage(RUSAGE_SELF) into *ru and
 * give the memory back: 0, or -1 when mmap failed. */
static int touch_rss(struct rusage *ru)
{
    size_t len = (size_t)RSS_KIB * 1024;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    memset(m, 1, len);
    getrusage(RUSAGE_SELF, ru);
    munmap(m, len);
    return 0;
}

static void check_rusage_self(void)
{
    struct rusage a, b, t;
    getrusage(RUSAGE_SELF, &a);
    double t0 = p_now_us();
    burn_ms(60);
    double t1 = p_now_us();
    getrusage(RUSAGE_THREAD, &t);
    getrusage(RUSAGE_SELF, &b);
    long d = ru_us(&b) - ru_us(&a), wall = (long)(t1 - t0);
    /* Alone on the machine inside Uniplex, the loop has the CPU. */
    CHECK("getrusage_self_burn", d > 0 && d <= wall + 20000 && (!t_uniplex() || d >= wall / 2),
          "CPU time grew by %ld us over %ld us of wall time", d, wall);
    CHECK("getrusage_thread", ru_us(&t) > 0 && ru_us(&t) <= ru_us(&b) + 1000,
          "thread %ld us, process %ld us", ru_us(&t), ru_us(&b));
    CHECK("getrusage_utime_normalised", b.ru_utime.tv_usec >= 0 && b.ru_utime.tv_usec < 1000000,
          "tv_usec %ld", (long)b.ru_utime.tv_usec);

    int err = touch_rss(&a);
    getrusage(RUSAGE_SELF, &b);
    CHECK("getrusage_maxrss_peak", !err && a.ru_maxrss >= RSS_KIB && b.ru_maxrss >= a.ru_maxrss,
          "maxrss %ld KiB with 8 MiB touched, %ld KiB once unmapped", a.ru_maxrss, b.ru_maxrss);

    CHECK_ERR("getrusage_bad_who", syscall(SYS_getrusage, 2, &a), EINVAL);
    CHECK_ERR("getrusage_both_refused", syscall(SYS_getrusage, -2, &a), EINVAL); /* kernel-only */
    CHECK_ERR("getrusage_efault", syscall(SYS_getrusage, RUSAGE_SELF, BAD_PTR), EFAULT);
    CHECK_ERR("getrusage_children_efault", syscall(SYS_getrusage, RUSAGE_CHILDREN, BAD_PTR),
              EFAULT);
}

/* A child's CPU time reaches RUSAGE_CHILDREN when it is reaped, not when
 * it exits; wait4 reports the same figure. */
static void check_rusage_children(void)
{
    struct rusage c0, c1, c2, ru;
    siginfo_t si;
    int st = 0;
    getrusage(RUSAGE_CHILDREN, &c0);
    double t0 = p_now_us();
    pid_t pid = fork();
    if (pid == 0) {
        burn_ms(60);
        _exit(0);
    }
    int ri = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT); /* a zombie, not reaped */
    getrusage(RUSAGE_CHILDREN, &c1);
    CHECK("rusage_children_not_before_reap", ri == 0 && ru_us(&c1) == ru_us(&c0),
          "waitid %d/%s; %ld us before, %ld us with the child a zombie", ri, t_errname(errno),
          ru_us(&c0), ru_us(&c1));
    memset(&ru, 0xff, sizeof ru);
    pid_t r = wait4(pid, &st, 0, &ru);
    long wall = (long)(p_now_us() - t0), used = ru_us(&ru);
    getrusage(RUSAGE_CHILDREN, &c2);
    CHECK("wait4_rusage_burn",
          r == pid && used > 0 && used <= wall + 1000 && (!t_uniplex() || used >= 30000),
          "wait4 %d/%s: the child used %ld us in %ld us of wall time", (int)r, t_errname(errno),
          used, wall);
    long grown = ru_us(&c2) - ru_us(&c0);
    CHECK("rusage_children_after_reap", grown >= used - 10 && grown <= used + 10,
          "RUSAGE_CHILDREN grew by %ld us, wait4 reported %ld us", grown, used);
}

/* What a child reports of the grandchild it waited for: exit codes 1-4
 * for the checks below, its figure for the grandchild's CPU time on fd. */
static int middle_child(int fd)
{
    struct rusage ru;
    int st = 0;
    pid_t g = fork();
    if (g == 0) {
        burn_ms(30);
        _exit(touch_rss(&ru) == 0 && ru.ru_maxrss >= RSS_KIB ? 0 : 1);
    }
    if (wait4(g, &st, 0, &ru) != g || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 2;
    if (ru.ru_maxrss < RSS_KIB)
        return 3;
    long used = ru_us(&ru);
    getrusage(RUSAGE_CHILDREN, &ru);
    if (ru.ru_maxrss < RSS_KIB)
        return 4;
    return write(fd, &used, sizeof used) == sizeof used ? 0 : 5;
}

/* wait4's rusage includes what the child's own waited-for children used:
 * the CPU time and the memory peak of a grandchild reach the grandparent. */
static void check_rusage_grandchild(void)
{
    struct rusage ru, ch;
    int p[2], st = 0;
    long g_used = -1;
    if (pipe(p) != 0) {
        t_fail("wait4_rusage_grandchild", "pipe: %s", t_errname(errno));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        _exit(middle_child(p[1]));
    }
    close(p[1]);
    ssize_t n = p_read_full(p[0], &g_used, sizeof g_used);
    close(p[0]);
    pid_t r = wait4(pid, &st, 0, &ru);
    getrusage(RUSAGE_CHILDREN, &ch);
    CHECK("wait4_rusage_grandchild",
          r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0 && n == sizeof g_used && g_used > 0 &&
              ru_us(&ru) >= g_used && ru.ru_maxrss >= RSS_KIB,
          "wait4 %d, %s; grandchild %ld us, child with it %ld us, maxrss %ld KiB", (int)r,
          p_status_str(st), g_used, ru_us(&ru), ru.ru_maxrss);
    CHECK("rusage_children_maxrss", ch.ru_maxrss >= RSS_KIB, "RUSAGE_CHILDREN maxrss %ld KiB",
          ch.ru_maxrss);
}

static void check_rusage(void)
{
    check_rusage_self();
    check_rusage_split();
    check_rusage_children();
    check_rusage_grandchild();
}

/* ---- faults kill only the child ---- */

static volatile long never = -1;

static int recurse(long n)
{
    volatile char frame[1024];

    frame[0] = (char)n;
    frame[sizeof frame - 1] = (char)n;
    if (n == never)
        return 0;
    return recurse(n + 1) + frame[n & 1023];
}

static void no_core(void)
{
    struct rlimit rl = {0, 0};

    if (!t_uniplex())
        setrlimit(RLIMIT_CORE, &rl); /* no core files on the host */
}

static void check_faults(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    unsigned char *heap = malloc(HEAP_SIZE);
    pid_t pid;

    if (!heap) {
        t_fail("faults_setup", "malloc failed");
        return;
    }
    memset(heap, 'p', HEAP_SIZE);

    pid = fork();
    if (pid == 0) {
        no_core();
        memset(heap, 'c', HEAP_SIZE); /* its own copies first, then the fault */
        *(volatile int *)NULL = 1;
        _exit(0);
    }
    check_killed("fault_null_store", pid, SIGSEGV);

    volatile char *ro = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED) {
        t_fail("fault_readonly_page", "mmap failed: %s", t_errname(errno));
    } else {
        pid = fork();
        if (pid == 0) {
            no_core();
            ro[0] = 1;
            _exit(0);
        }
        check_killed("fault_readonly_page", pid, SIGSEGV);
    }

    /* A page made read-only by mprotect after it was written: after the
     * fork it is shared; a write must still fault, not copy. */
    volatile char *rw =
        mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rw == MAP_FAILED || (rw[0] = 5, mprotect((void *)rw, page, PROT_READ)) != 0) {
        t_fail("fault_mprotected_page", "mmap/mprotect failed: %s", t_errname(errno));
    } else {
        pid = fork();
        if (pid == 0) {
            no_core();
            rw[0] = 6;
            _exit(0);
        }
        check_killed("fault_mprotected_page", pid, SIGSEGV);
        CHECK("fault_mprotected_page_intact", rw[0] == 5, "expected 5, got %d", rw[0]);
    }

    pid = fork();
    if (pid == 0) {
        no_core();
        _exit(recurse(0) & 1);
    }
    check_killed("fault_stack_overflow", pid, SIGSEGV);

    pid = fork();
    if (pid == 0) {
        no_core();
        __builtin_trap();
    }
    check_killed("fault_ud2_sigill", pid, SIGILL);

    pid = fork();
    if (pid == 0) {
        volatile int a = 1, b = 0;
        no_core();
        _exit(a / b);
    }
    check_killed("fault_divide_sigfpe", pid, SIGFPE);

    CHECK("faults_parent_intact", all_are(heap, HEAP_SIZE, 'p') && g_global == 1000,
          "expected the parent's heap and globals unchanged after the children died");
    pid = fork();
    if (pid == 0)
        _exit(12);
    check_exit("faults_fork_after", pid, 12);
    free(heap);
}

/* ---- fork storm ---- */

struct storm {
    int forked; /* children created before the failure */
    int err;    /* errno of the failing fork (0: none failed) */
    int reaped; /* children reaped with status 0 */
    int badst;  /* children reaped with another status */
    int after;  /* 1 if a fork worked after all were reaped */
    int echild; /* 1 if wait then said ECHILD */
};

static void storm(struct storm *s, int cap)
{
    pid_t *pids = malloc(sizeof *pids * (size_t)cap);
    int p[2];

    memset(s, 0, sizeof *s);
    if (!pids || pipe(p) != 0) {
        s->err = -1;
        return;
    }
    for (int i = 0; i < cap; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            char c;
            close(p[1]);
            while (read(p[0], &c, 1) > 0)
                ;
            _exit(0);
        }
        if (pid < 0) {
            s->err = errno;
            break;
        }
        pids[s->forked++] = pid;
    }
    close(p[0]);
    close(p[1]);
    for (int i = 0; i < s->forked; i++) {
        int st;
        if (wait(&st) < 0)
            break;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            s->reaped++;
        else
            s->badst++;
    }
    s->echild = wait(NULL) == -1 && errno == ECHILD;
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    int st;
    s->after = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    free(pids);
}

static void check_storm(void)
{
    struct storm s;

    if (t_uniplex()) {
        storm(&s, 10000);
    } else {
        /* Root is exempt from RLIMIT_NPROC: a helper drops to an unused uid
         * with a limit of 50 processes and reports through a pipe. */
        int p[2];
        if (pipe(p) != 0) {
            t_fail("storm", "pipe failed");
            return;
        }
        pid_t helper = fork();
        if (helper == 0) {
            struct rlimit rl = {50, 50};
            close(p[0]);
            if (getuid() == 0 && (setgid(54321) != 0 || setuid(54321) != 0))
                _exit(1);
            if (setrlimit(RLIMIT_NPROC, &rl) != 0)
                _exit(2);
            storm(&s, 10000);
            _exit(write(p[1], &s, sizeof s) == sizeof s ? 0 : 3);
        }
        close(p[1]);
        memset(&s, 0, sizeof s);
        ssize_t n = p_read_full(p[0], &s, sizeof s);
        close(p[0]);
        check_exit("storm_helper", helper, 0);
        if (n != sizeof s) {
            t_fail("storm", "no report from the helper");
            return;
        }
    }
    info("fork: storm forked %d children before fork failed with %s\n", s.forked, t_errname(s.err));
    CHECK("storm_eagain", s.err == EAGAIN && s.forked > 0, "forked %d, then %s (expected EAGAIN)",
          s.forked, t_errname(s.err));
    CHECK("storm_reaped_all", s.reaped == s.forked && s.badst == 0 && s.echild,
          "forked %d, reaped %d with status 0 and %d otherwise; ECHILD after: %d", s.forked,
          s.reaped, s.badst, s.echild);
    CHECK("storm_fork_after", s.after, "fork did not work after the storm");
}

/* ---- orphans are reparented to init (or the host's subreaper: us) ---- */

static void check_orphans(void)
{
    pid_t top = getpid();
    int p[2];

    if (!t_uniplex() && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        t_fail("orphan_reparented", "PR_SET_CHILD_SUBREAPER failed: %s", t_errname(errno));
        return;
    }
    if (pipe(p) != 0) {
        t_fail("orphan_reparented", "pipe failed");
        return;
    }
    /* A running grandchild: the child exits at once, the grandchild then
     * sees getppid() become us and exits 0 after 50 ms. */
    pid_t child = fork();
    if (child == 0) {
        pid_t first_parent = getpid();
        pid_t g = fork();
        if (g == 0) {
            close(p[0]);
            close(p[1]);
            for (int i = 0; i < 5000 && getppid() == first_parent; i++)
                p_sleep_ms(1);
            p_sleep_ms(50);
            _exit(getppid() == top ? 0 : 1);
        }
        _exit(g > 0 && write(p[1], &g, sizeof g) == sizeof g ? 0 : 1);
    }
    pid_t g = 0;
    close(p[1]);
    if (p_read_full(p[0], &g, sizeof g) != sizeof g)
        g = -1;
    close(p[0]);
    check_exit("orphan_child_exit", child, 0);
    int st = 0;
    pid_t r = wait(&st);
    CHECK("orphan_reparented", r == g && WIFEXITED(st) && WEXITSTATUS(st) == 0,
          "expected the grandchild %d to exit 0 with us as its parent, wait gave %d, %s", (int)g,
          (int)r, p_status_str(st));
    CHECK_ERR("orphan_then_echild", wait(&st), ECHILD);

    /* A zombie grandchild: it exits before its parent, which never reaps it. */
    if (pipe(p) != 0) {
        t_fail("orphan_zombie_reaped", "pipe failed");
        return;
    }
    child = fork();
    if (child == 0) {
        pid_t gz = fork();
        if (gz == 0)
            _exit(17);
        siginfo_t si;
        /* WNOWAIT: wait until it is a zombie, leave it one. */
        if (gz < 0 || waitid(P_PID, (id_t)gz, &si, WEXITED | WNOWAIT) != 0)
            p_sleep_ms(50);
        _exit(write(p[1], &gz, sizeof gz) == sizeof gz ? 0 : 1);
    }
    close(p[1]);
    if (p_read_full(p[0], &g, sizeof g) != sizeof g)
        g = -1;
    close(p[0]);
    check_exit("orphan_zombie_child_exit", child, 0);
    r = wait(&st);
    CHECK("orphan_zombie_reaped", r == g && WIFEXITED(st) && WEXITSTATUS(st) == 17,
          "expected the zombie grandchild %d with status 17, wait gave %d, %s", (int)g, (int)r,
          p_status_str(st));
    CHECK_ERR("orphan_zombie_then_echild", wait(&st), ECHILD);
    if (!t_uniplex())
        prctl(PR_SET_CHILD_SUBREAPER, 0);
}

/* ---- vfork, raw clone, posix_spawn ---- */

static volatile int vfork_flag;
static pid_t clone_tid;

/* A CLONE_VM child (its own stack) whose CLONE_CHILD_CLEARTID word is in
 * the memory it shares with the parent: Linux stores 0 there when the
 * child's address space goes, at exit and at exec. */
static volatile pid_t shared_tid;
static char cleartid_stack[64 * 1024] __attribute__((aligned(16)));

static int cleartid_child(void *arg)
{
    char *args[] = {"fork", "--exit", "6", NULL};
    if (arg)
        execve(self, args, environ);
    return arg ? 127 : 0;
}

static void cleartid_case(const char *name, void *arg, int want)
{
    shared_tid = 1234;
    int flags = CLONE_VM | CLONE_CHILD_CLEARTID | SIGCHLD;
    pid_t pid = clone(cleartid_child, cleartid_stack + sizeof(cleartid_stack), flags, arg, NULL,
                      NULL, &shared_tid);
    if (pid < 0) {
        t_fail(name, "clone failed: %s", t_errname(errno));
        return;
    }
    int st = 0;
    pid_t w = waitpid(pid, &st, 0);
    CHECK(name, w == pid && WIFEXITED(st) && WEXITSTATUS(st) == want && shared_tid == 0,
          "expected exit %d and the word cleared, got wait %d status %#x word %d", want, (int)w, st,
          (int)shared_tid);
}

static void check_cleartid(void)
{
    cleartid_case("clone_vm_cleartid_exit", NULL, 0);
    cleartid_case("clone_vm_cleartid_exec", (void *)1, 6);
}

static void check_vfork_clone(void)
{
    pid_t pid = vfork();
    if (pid == 0)
        _exit(3);
    check_exit("vfork_exit", pid, 3);

    /* vfork shares memory and suspends the parent until the child exits. */
    vfork_flag = 0;
    pid = vfork();
    if (pid == 0) {
        struct timespec ts = {0, 30 * 1000000L};
        syscall(SYS_nanosleep, &ts, NULL);
        vfork_flag = 77;
        _exit(0);
    }
    CHECK("vfork_shares_and_suspends", vfork_flag == 77,
          "expected the child's write (77) seen when vfork returns, got %d", vfork_flag);
    check_exit("vfork_exit_2", pid, 0);

    char *args[] = {"fork", "--exit", "4", NULL};
    pid = vfork();
    if (pid == 0) {
        execve(self, args, environ);
        _exit(127);
    }
    check_exit("vfork_exec", pid, 4);

    /* glibc's fork: clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD). */
    clone_tid = 0;
    pid = (pid_t)syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, NULL,
                         &clone_tid, 0);
    if (pid == 0)
        _exit(clone_tid == (pid_t)syscall(SYS_getpid) ? 0 : 1);
    check_exit("clone_child_settid", pid, 0);
    CHECK("clone_child_settid_parent_untouched", clone_tid == 0,
          "expected the parent's copy untouched, got %d", (int)clone_tid);

    pid_t ptid = 0;
    pid = (pid_t)syscall(SYS_clone, CLONE_PARENT_SETTID | SIGCHLD, 0, &ptid, NULL, 0);
    if (pid == 0)
        _exit(0);
    check_exit("clone_parent_settid_exit", pid, 0);
    CHECK("clone_parent_settid", ptid == pid && pid > 0, "expected %d, got %d", (int)pid,
          (int)ptid);

    check_cleartid();

    char *sargs[] = {"fork", "--exit", "5", NULL};
    int r = posix_spawn(&pid, self, NULL, NULL, sargs, environ);
    if (r != 0)
        t_fail("posix_spawn", "posix_spawn(%s) failed: %s", self, t_errname(r));
    else
        check_exit("posix_spawn", pid, 5);

    pid = 0;
    r = posix_spawn(&pid, "/nonexistent/fork-test", NULL, NULL, sargs, environ);
    CHECK("posix_spawn_enoent", r == ENOENT, "expected ENOENT, got %s", t_errname(r));
    CHECK_ERR("posix_spawn_enoent_reaped", waitpid(-1, NULL, WNOHANG), ECHILD);
}

/* ---- execve ---- */

/* In a child: execve(path, argv, envp) through the raw syscall; the child
 * exits with the errno (or whatever the program exits with). */
static pid_t exec_child(const void *path, void *argv, void *envp)
{
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_execve, path, argv, envp);
        _exit(errno > 0 && errno < 256 ? errno : 255);
    }
    return pid;
}

/* Creates path (absent before) with exactly `mode`: umask 0 meanwhile. */
static int put_file(const char *path, const char *data, mode_t mode)
{
    unlink(path);
    mode_t old = umask(0);
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, mode);
    umask(old);
    if (fd < 0)
        return -1;
    ssize_t n = (ssize_t)strlen(data);
    int r = write(fd, data, (size_t)n) == n ? 0 : -1;
    close(fd);
    return r;
}

#define BIG_ARG   20000
#define MANY_ARGS 2000

static char *big_arg(void)
{
    char *s = malloc(BIG_ARG + 1);
    for (int i = 0; s && i < BIG_ARG; i++)
        s[i] = (char)('a' + i % 26);
    if (s)
        s[BIG_ARG] = '\0';
    return s;
}

static void check_exec(void)
{
    char *big = big_arg();
    char *env[] = {"FORK_A=hello=world", "FORK_EMPTY=", NULL};
    char *args[] = {"fork", "--check-args", "one", "two words", "", "tab\there", big, NULL};

    char *ex9[] = {"fork", "--exit", "9", NULL};
    check_exit("exec_exit_status", exec_child(self, ex9, environ), 9);
    check_exit("exec_args_env", exec_child(self, args, env), 0);

    char **many = malloc(sizeof *many * (MANY_ARGS + 4));
    many[0] = "fork";
    many[1] = "--check-many";
    many[2] = "2000";
    for (int i = 0; i < MANY_ARGS; i++) {
        many[3 + i] = malloc(8);
        snprintf(many[3 + i], 8, "a%d", i);
    }
    many[3 + MANY_ARGS] = NULL;
    check_exit("exec_many_args", exec_child(self, many, env), 0);
    for (int i = 0; i < MANY_ARGS; i++)
        free(many[3 + i]);
    free(many);

    char *noenv[] = {"fork", "--check-noenv", NULL};
    check_exit("exec_null_envp", exec_child(self, noenv, NULL), 0);

    /* The exec'd image keeps the pid and the parent. */
    pid_t pid = fork();
    if (pid == 0) {
        char a[16], b[16];
        snprintf(a, sizeof a, "%d", (int)getpid());
        snprintf(b, sizeof b, "%d", (int)getppid());
        char *pa[] = {"fork", "--check-pid", a, b, NULL};
        execve(self, pa, environ);
        _exit(127);
    }
    check_exit("exec_keeps_pid", pid, 0);

    /* Descriptors: O_CLOEXEC and FD_CLOEXEC ones close, others stay (with
     * their offset); dup() does not copy the flag. */
    int fa = open("/tmp/fork-cloexec", O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
    int fb = open("/tmp/fork-cloexec", O_RDWR);
    int fc = open("/tmp/fork-cloexec", O_RDONLY);
    int fd = fa >= 0 ? dup(fa) : -1;
    if (fa < 0 || fb < 0 || fc < 0 || fd < 0 || fcntl(fc, F_SETFD, FD_CLOEXEC) != 0 ||
        write(fb, "abc", 3) != 3) {
        t_fail("exec_cloexec", "setup failed: %s", t_errname(errno));
    } else {
        char a[12], b[12], c[12], d[12];
        snprintf(a, sizeof a, "%d", fa);
        snprintf(b, sizeof b, "%d", fb);
        snprintf(c, sizeof c, "%d", fc);
        snprintf(d, sizeof d, "%d", fd);
        char *fargs[] = {"fork", "--check-fds", a, b, c, d, "3", NULL};
        check_exit("exec_cloexec", exec_child(self, fargs, environ), 0);
        CHECK("exec_cloexec_parent_open", fcntl(fa, F_GETFD) == FD_CLOEXEC,
              "expected the parent's O_CLOEXEC fd still open with the flag");
    }
    close(fa);
    close(fb);
    close(fc);
    close(fd);
    unlink("/tmp/fork-cloexec");

    /* Errors (each in a child, which exits with the errno). */
    char *a0[] = {"x", NULL};
    check_exit("exec_enoent", exec_child("/nonexistent-fork-test", a0, environ), ENOENT);
    check_exit("exec_directory_eacces", exec_child("/tmp", a0, environ), EACCES);
    if (put_file("/tmp/notelf", "hello\n", 0755) != 0 ||
        put_file("/tmp/noexec", "hello\n", 0644) != 0 ||
        put_file("/tmp/badelf", "\177ELF\2\1\1", 0755) != 0) {
        t_fail("exec_files", "could not create the files: %s", t_errname(errno));
    } else {
        check_exit("exec_enoexec", exec_child("/tmp/notelf", a0, environ), ENOEXEC);
        check_exit("exec_truncated_elf_enoexec", exec_child("/tmp/badelf", a0, environ), ENOEXEC);
        check_exit("exec_no_x_bit_eacces", exec_child("/tmp/noexec", a0, environ), EACCES);
        check_exit("exec_enotdir", exec_child("/tmp/notelf/x", a0, environ), ENOTDIR);
    }
    char *longpath = malloc(5001);
    memset(longpath, 'a', 5000);
    longpath[0] = '/';
    longpath[5000] = '\0';
    check_exit("exec_enametoolong", exec_child(longpath, a0, environ), ENAMETOOLONG);
    free(longpath);
    check_exit("exec_efault_path", exec_child(BAD_PTR, a0, environ), EFAULT);
    check_exit("exec_efault_argv", exec_child(self, BAD_PTR, environ), EFAULT);
    char *badarg[] = {"fork", BAD_PTR, NULL};
    check_exit("exec_efault_arg_string", exec_child(self, badarg, environ), EFAULT);
    check_exit("exec_efault_envp", exec_child(self, ex9, BAD_PTR), EFAULT);
    /* Linux's MAX_ARG_STRLEN: one string longer than 32 pages. */
    char *huge = malloc(200001);
    memset(huge, 'h', 200000);
    huge[200000] = '\0';
    char *hargs[] = {"fork", "--exit", "9", huge, NULL};
    check_exit("exec_e2big", exec_child(self, hargs, environ), E2BIG);
    free(huge);
    free(big);
}

/* ---- execveat ---- */

/* In a child: execveat(dirfd, path, argv, environ, flags) through the raw
 * syscall; the child exits with the errno (or the program's status). */
static pid_t execat_child(int dirfd, const char *path, char **argv, int flags)
{
    pid_t pid = fork();
    if (pid == 0) {
        syscall(SYS_execveat, dirfd, path, argv, environ, flags);
        _exit(errno > 0 && errno < 256 ? errno : 255);
    }
    return pid;
}

/* AT_SYMLINK_NOFOLLOW: a symlink as the last component is ELOOP. */
static void check_execveat_nofollow(char **ex7)
{
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    check_exit("execveat_nofollow_plain", execat_child(AT_FDCWD, self, ex7, AT_SYMLINK_NOFOLLOW),
               7);
    unlink("/tmp/fork-link");
    if (symlink(self, "/tmp/fork-link") != 0) {
        t_fail("execveat_link", "symlink failed: %s", t_errname(errno));
    } else {
        check_exit("execveat_follows_link", execat_child(dfd, "fork-link", ex7, 0), 7);
        check_exit("execveat_nofollow_eloop",
                   execat_child(dfd, "fork-link", ex7, AT_SYMLINK_NOFOLLOW), ELOOP);
        check_exit("execveat_nofollow_absolute_eloop",
                   execat_child(AT_FDCWD, "/tmp/fork-link", ex7, AT_SYMLINK_NOFOLLOW), ELOOP);
    }
    unlink("/tmp/fork-link");
    close(dfd);
}

/* AT_EMPTY_PATH with "": the file open at dirfd (fexecve). */
static void check_execveat_empty(char **ex7)
{
    int fd = open(self, O_RDONLY | O_CLOEXEC), pfd = open(self, O_PATH | O_CLOEXEC);
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    check_exit("execveat_empty_path_fd", execat_child(fd, "", ex7, AT_EMPTY_PATH), 7);
    check_exit("execveat_empty_path_o_path", execat_child(pfd, "", ex7, AT_EMPTY_PATH), 7);
    check_exit("execveat_empty_path_dir_eacces", execat_child(dfd, "", ex7, AT_EMPTY_PATH), EACCES);
    check_exit("execveat_empty_path_ebadf", execat_child(1000, "", ex7, AT_EMPTY_PATH), EBADF);
    check_exit("execveat_empty_without_flag", execat_child(fd, "", ex7, 0), ENOENT);
    /* A script through a close-on-exec descriptor: its interpreter could
     * not open it, so Linux refuses it with ENOENT. */
    if (put_file("/tmp/fork-fdscript", "#!/bin/sh\nexit 3\n", 0755) != 0) {
        t_fail("execveat_script", "could not create the script: %s", t_errname(errno));
    } else {
        int sfd = open("/tmp/fork-fdscript", O_RDONLY | O_CLOEXEC);
        check_exit("execveat_empty_path_script_enoent", execat_child(sfd, "", ex7, AT_EMPTY_PATH),
                   ENOENT);
        close(sfd);
    }
    unlink("/tmp/fork-fdscript");
    close(dfd);
    close(pfd);
    close(fd);
}

static void check_execveat(void)
{
    char *ex7[] = {"fork", "--exit", "7", NULL};

    check_exit("execveat_fdcwd", execat_child(AT_FDCWD, self, ex7, 0), 7);
    check_exit("execveat_bad_flag_einval", execat_child(AT_FDCWD, self, ex7, 0x2), EINVAL);
    check_execveat_nofollow(ex7);
    check_execveat_empty(ex7);
}

/* /proc/self/exe is the absolute path of the executable actually run:
 * run by a relative path, through a symlink, and as a script's
 * interpreter (what ash's applet exec and glibc's _dl_get_origin need). */
static void check_proc_exe(void)
{
    char line[4200], dir[4096];
    char *rel[] = {"fork", "--check-exe", (char *)self, NULL};
    snprintf(dir, sizeof dir, "%s", self);
    char *slash = strrchr(dir, '/');
    pid_t pid = fork();
    if (pid == 0) {
        *slash = 0;
        if (chdir(dir[0] ? dir : "/") != 0)
            _exit(90);
        char dot[300];
        snprintf(dot, sizeof dot, "./%s", slash + 1);
        execv(dot, rel);
        _exit(91);
    }
    check_exit("proc_exe_relative_exec", pid, 0);
    unlink("/tmp/exe-link");
    if (symlink(self, "/tmp/exe-link") != 0)
        t_fail("proc_exe_symlink_exec", "symlink: %s", t_errname(errno));
    else
        check_exit("proc_exe_symlink_exec", exec_child("/tmp/exe-link", rel, environ), 0);
    unlink("/tmp/exe-link");
    snprintf(line, sizeof line, "#!%s --check-exe\n", self);
    char *script[] = {"script4", (char *)self, NULL}; /* after the script's path: self */
    if (put_file("/tmp/script4.sh", line, 0755) != 0)
        t_fail("proc_exe_script_interpreter", "could not write /tmp/script4.sh");
    else
        check_exit("proc_exe_script_interpreter", exec_child("/tmp/script4.sh", script, environ),
                   0);
    unlink("/tmp/script4.sh");
}

/* Copy the file src to dst with mode 0755: 0 or -1. */
static int copy_file(const char *src, const char *dst)
{
    char buf[65536];
    int in = open(src, O_RDONLY), out = open(dst, O_CREAT | O_TRUNC | O_WRONLY, 0755);
    ssize_t n = 0;
    while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            n = -1;
    close(in);
    close(out);
    return in >= 0 && out >= 0 && n == 0 ? 0 : -1;
}

/* In a child: chroot into dir, then what the new root shows (exit 0 or
 * the step that failed). */
static int chroot_child(const char *dir)
{
    struct stat root, dotdot, st;
    char cwd[64];
    if (chroot(dir) != 0)
        return 10;
    if (chdir("/") != 0 || !getcwd(cwd, sizeof cwd) || strcmp(cwd, "/") != 0)
        return 11;
    if (stat("/", &root) != 0 || stat("/..", &dotdot) != 0 || root.st_ino != dotdot.st_ino)
        return 12; /* ".." of the new root is itself */
    if (stat("/bin/fork", &st) != 0 || stat("/tmp", &st) == 0 || errno != ENOENT)
        return 13;
    if (symlink("/bin", "/lnk") != 0 || stat("/lnk/fork", &st) != 0)
        return 14; /* absolute symlink targets start at the new root too */
    execl("/bin/fork", "fork", "--exit", "7", (char *)NULL);
    return 15;
}

/* chroot(2): absolute paths, "..", symlinks and exec start at the new
 * root, for the caller and its children; errors ENOTDIR, ENOENT, EFAULT. */
static void check_chroot(void)
{
    mkdir("/tmp/chr", 0755);
    mkdir("/tmp/chr/bin", 0755);
    if (copy_file(self, "/tmp/chr/bin/fork") != 0) {
        t_fail("chroot_exec_inside", "could not copy %s", self);
        return;
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(chroot_child("/tmp/chr"));
    check_exit("chroot_exec_inside", pid, 7);
    CHECK_ERR("chroot_enotdir", chroot("/tmp/chr/bin/fork"), ENOTDIR);
    CHECK_ERR("chroot_enoent", chroot("/tmp/chr/nothing"), ENOENT);
    CHECK_ERR("chroot_efault", chroot((const char *)8), EFAULT);
    unlink("/tmp/chr/lnk");
    unlink("/tmp/chr/bin/fork");
    rmdir("/tmp/chr/bin");
    rmdir("/tmp/chr");
}

static void check_scripts(void)
{
    char line[4200];
    char *a0[] = {"script", NULL};

    snprintf(line, sizeof line, "#!%s --exit 11\n", self);
    if (put_file("/tmp/script.sh", line, 0755) != 0) {
        t_fail("exec_script", "could not write /tmp/script.sh");
        return;
    }
    check_exit("exec_script", exec_child("/tmp/script.sh", a0, environ), 11);

    /* Linux passes everything after the interpreter as one argument, then
     * the script's path as given to execve, then argv[1...]. */
    snprintf(line, sizeof line, "#!%s --check-shebang a b\n", self);
    char envv[4200];
    snprintf(envv, sizeof envv, "FORK_INTERP=%s", self);
    char *env[] = {envv, NULL};
    char *args[] = {"script2", "extra", NULL};
    if (put_file("/tmp/script2.sh", line, 0755) != 0)
        t_fail("exec_script_argv", "could not write /tmp/script2.sh");
    else
        check_exit("exec_script_argv", exec_child("/tmp/script2.sh", args, env), 0);

    if (put_file("/tmp/script3.sh", "#!/nonexistent/interp\n", 0755) != 0)
        t_fail("exec_script_missing_interp", "could not write /tmp/script3.sh");
    else
        check_exit("exec_script_missing_interp", exec_child("/tmp/script3.sh", a0, environ),
                   ENOENT);
    check_proc_exe();
    check_chroot();
    unlink("/tmp/script.sh");
    unlink("/tmp/script2.sh");
    unlink("/tmp/script3.sh");
    unlink("/tmp/notelf");
    unlink("/tmp/noexec");
    unlink("/tmp/badelf");
}

/* ---- the modes run by exec ---- */

static int fd_state(const char *s)
{
    return fcntl(atoi(s), F_GETFD);
}

static int mode(int argc, char **argv)
{
    const char *m = argv[1];

    if (strncmp(m, "--exit", 6) == 0) {
        const char *n = m[6] == ' ' ? m + 7 : argc > 2 ? argv[2] : "0";
        _exit(atoi(n));
    }
    if (strcmp(m, "--check-exe") == 0) {
        char got[4096];
        const char *want = argv[argc - 1]; /* a #! line puts the script's path in between */
        ssize_t n = readlink("/proc/self/exe", got, sizeof got - 1);
        got[n > 0 ? n : 0] = 0;
        return strcmp(got, want) == 0 ? 0 : 1;
    }
    if (strcmp(m, "--check-fds") == 0) {
        if (argc != 7)
            return 10;
        errno = 0;
        if (fd_state(argv[2]) != -1 || errno != EBADF)
            return 1; /* O_CLOEXEC fd still open */
        if (fd_state(argv[3]) != 0)
            return 2; /* plain fd closed, or with FD_CLOEXEC */
        errno = 0;
        if (fd_state(argv[4]) != -1 || errno != EBADF)
            return 3; /* FD_CLOEXEC fd still open */
        if (fd_state(argv[5]) != 0)
            return 4; /* dup of the O_CLOEXEC fd closed */
        if (lseek(atoi(argv[3]), 0, SEEK_CUR) != atoi(argv[6]))
            return 5; /* offset lost */
        return 0;
    }
    if (strcmp(m, "--check-args") == 0) {
        const char *want[] = {"fork", "--check-args", "one", "two words", "", "tab\there"};
        if (argc != 7)
            return 1;
        for (int i = 0; i < 6; i++)
            if (strcmp(argv[i], want[i]) != 0)
                return 2 + i;
        char *big = big_arg();
        if (!big || strcmp(argv[6], big) != 0)
            return 8;
        free(big);
        if (argv[7] != NULL)
            return 9;
        int n = 0;
        while (environ[n])
            n++;
        if (n != 2)
            return 10;
        const char *a = getenv("FORK_A"), *e = getenv("FORK_EMPTY");
        if (!a || strcmp(a, "hello=world") != 0)
            return 11;
        if (!e || *e != '\0')
            return 12;
        return 0;
    }
    if (strcmp(m, "--check-many") == 0) {
        if (argc != MANY_ARGS + 3 || atoi(argv[2]) != MANY_ARGS)
            return 1;
        for (int i = 0; i < MANY_ARGS; i++) {
            char want[8];
            snprintf(want, sizeof want, "a%d", i);
            if (strcmp(argv[3 + i], want) != 0)
                return 2;
        }
        return argv[argc] == NULL ? 0 : 3;
    }
    if (strcmp(m, "--check-pid") == 0) {
        if (argc != 4)
            return 1;
        if (getpid() != atoi(argv[2]))
            return 2;
        return getppid() == atoi(argv[3]) ? 0 : 3;
    }
    if (strcmp(m, "--check-noenv") == 0)
        return environ && environ[0] == NULL && argc == 2 ? 0 : 1;
    if (strncmp(m, "--check-shebang", 15) == 0) {
        const char *interp = getenv("FORK_INTERP");
        if (argc != 4)
            return 1;
        if (!interp || strcmp(argv[0], interp) != 0)
            return 2;
        if (strcmp(argv[1], "--check-shebang a b") != 0)
            return 3;
        if (strcmp(argv[2], "/tmp/script2.sh") != 0)
            return 4;
        return strcmp(argv[3], "extra") == 0 ? 0 : 5;
    }
    fprintf(stderr, "usage: fork [--exit N | --check-...]\n");
    return 100;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return mode(argc, argv);

    self = p_self_path("fork");
    int first_free = open("/dev/null", O_RDONLY);
    close(first_free);

    check_thesis();
    check_cow();
    check_basics();
    check_sequential();
    check_concurrent();
    check_wait();
    check_rusage();
    check_faults();
    check_vfork_clone();
    check_exec();
    check_execveat();
    check_scripts();
    check_orphans();
    check_storm();

    CHECK_ERR("no_children_left", waitpid(-1, NULL, WNOHANG), ECHILD);
    int fd = open("/dev/null", O_RDONLY);
    CHECK("fds_balanced", fd == first_free, "expected fd %d to be the lowest free, got %d",
          first_free, fd);
    close(fd);
    return t_done("fork");
}
