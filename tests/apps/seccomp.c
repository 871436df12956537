/* seccomp: seccomp(2) and prctl(PR_SET_SECCOMP): strict mode, classic BPF
 * filters and their actions (ALLOW, ERRNO, TRAP with SIGSYS's siginfo,
 * KILL_THREAD, KILL_PROCESS, LOG, TRACE, USER_NOTIF), the data filters
 * see (nr, arch, ip, args), stacking precedence, inheritance across fork,
 * clone and exec, TSYNC, the checks made at load (EINVAL, EFAULT, EACCES,
 * ENOMEM), GET_ACTION_AVAIL and GET_NOTIF_SIZES, /proc/PID/status. Each
 * case runs in a child of its own; a filter is installed in a child (or a
 * grandchild when what it does to its process is the thing tested).
 * Passes on Linux too, but for NEW_LISTENER (a listener fd on Linux,
 * EINVAL here: no listeners). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include "tcase.h"

#define ALARM_S 20

#define EXPECT_ERR(what, call, want) T_EXPECT_ERR_BY(t_die, what, call, want)
#define EXPECT_RET(what, call, want) T_EXPECT_RET_BY(t_die, what, call, want)

/* The ABI (linux/seccomp.h, linux/filter.h), spelled out: musl has none. */
#define MODE_STRICT        1
#define MODE_FILTER        2
#define SET_MODE_STRICT    0
#define SET_MODE_FILTER    1
#define GET_ACTION_AVAIL   2
#define GET_NOTIF_SIZES    3
#define FLAG_TSYNC         1u
#define FLAG_LOG           2u
#define FLAG_SPEC_ALLOW    4u
#define FLAG_NEW_LISTENER  8u
#define FLAG_TSYNC_ESRCH   16u
#define FLAG_WAIT_KILLABLE 32u
#define RET_KILL_PROCESS   0x80000000u
#define RET_KILL_THREAD    0x00000000u
#define RET_TRAP           0x00030000u
#define RET_ERRNO          0x00050000u
#define RET_USER_NOTIF     0x7fc00000u
#define RET_TRACE          0x7ff00000u
#define RET_LOG            0x7ffc0000u
#define RET_ALLOW          0x7fff0000u
#define AUDIT_X86_64       0xc000003eu
#define AUDIT_I386         0x40000003u
#define SYS_SECCOMP_CODE   1
#define OFF_NR             0
#define OFF_ARCH           4
#define OFF_IP             8
#define OFF_ARG(i)         (16 + 8 * (i))
#define LD_W_ABS           0x20
#define LD_B_ABS           0x30
#define LD_MEM             0x60
#define LD_IMM             0x00
#define ST                 0x02
#define JMP_JA             0x05
#define JMP_JEQ_K          0x15
#define ALU_DIV_K          0x34
#define RET_K              0x06
#define RET_A              0x16
#define STMT(c, k)                                                                                 \
    {                                                                                              \
        (uint16_t)(c), 0, 0, (uint32_t)(k)                                                         \
    }
#define JUMP(c, k, t, f)                                                                           \
    {                                                                                              \
        (uint16_t)(c), (uint8_t)(t), (uint8_t)(f), (uint32_t)(k)                                   \
    }

struct insn {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct fprog {
    unsigned short len;
    struct insn *filter;
};

static long sc(long op, long flags, void *args)
{
    return syscall(SYS_seccomp, op, flags, args);
}

static long load(struct insn *p, unsigned n, unsigned flags)
{
    struct fprog fp = {(unsigned short)n, p};
    return sc(SET_MODE_FILTER, flags, &fp);
}

static void nnp(void)
{
    EXPECT_RET("PR_SET_NO_NEW_PRIVS", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
}

/* A filter: system call nr gets ret, the others are allowed. */
static long on_nr(long nr, uint32_t ret, unsigned flags)
{
    struct insn p[] = {
        STMT(LD_W_ABS, OFF_NR),
        JUMP(JMP_JEQ_K, nr, 0, 1),
        STMT(RET_K, ret),
        STMT(RET_K, RET_ALLOW),
    };
    return load(p, 4, flags);
}

static void install(long nr, uint32_t ret)
{
    EXPECT_RET("install filter", on_nr(nr, ret, 0), 0);
}

/* fn in a child: its wait status. */
static int in_child(void (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int st = 0;
    T_EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid, "fork/wait: %s", t_errname(errno));
    return st;
}

static void expect_signaled(int st, int sig, const char *what)
{
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == sig, "%s: expected killed by %d, got %s", what, sig,
             p_status_str(st));
}

static void expect_exit(int st, int code, const char *what)
{
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == code, "%s: expected exit %d, got %s", what, code,
             p_status_str(st));
}

/* The value of a "Name:\tvalue" line of /proc/self/status, or -1. */
static long status_field(const char *name)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    size_t len = strlen(name);
    for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
        if (!strncmp(p, name, len) && p[len] == ':')
            return strtol(p + len + 1, NULL, 10);
    return -1;
}

/* --- strict mode ---------------------------------------------------------- */

static int strict_fd = -1;

static void strict_writer(void)
{
    if (prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0) != 0)
        _exit(3);
    syscall(SYS_write, strict_fd, "x", 1);
    syscall(SYS_exit, 7); /* exit_group is not allowed */
}

static void strict_getpid(void)
{
    if (sc(SET_MODE_STRICT, 0, NULL) != 0)
        _exit(3);
    syscall(SYS_getpid);
    syscall(SYS_exit, 0);
}

static void case_strict(void)
{
    int fd[2];
    char c = 0;
    EXPECT_RET("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0), 0);
    EXPECT_RET("pipe", pipe(fd), 0);
    strict_fd = fd[1];
    expect_exit(in_child(strict_writer), 7, "strict: write then exit");
    close(fd[1]);
    EXPECT_RET("read what the strict child wrote", read(fd[0], &c, 1), 1);
    T_EXPECT(c == 'x', "strict child wrote %#x", c);
    expect_signaled(in_child(strict_getpid), SIGKILL, "strict: getpid");
    EXPECT_ERR("strict with flags", sc(SET_MODE_STRICT, 1, NULL), EINVAL);
    EXPECT_ERR("strict with args", sc(SET_MODE_STRICT, 0, &c), EINVAL);
    EXPECT_ERR("prctl bad mode", prctl(PR_SET_SECCOMP, 3, 0, 0, 0), EINVAL);
}

/* --- actions -------------------------------------------------------------- */

static void case_errno(void)
{
    nnp();
    pid_t ppid = getppid();
    install(SYS_getppid, RET_ERRNO | EPERM);
    EXPECT_ERR("filtered getppid", syscall(SYS_getppid), EPERM);
    EXPECT_RET("getpid runs", syscall(SYS_getpid), getpid());
    EXPECT_RET("PR_GET_SECCOMP", prctl(PR_GET_SECCOMP, 0, 0, 0, 0), MODE_FILTER);
    install(SYS_openat, RET_ERRNO | EACCES);
    EXPECT_ERR("filtered openat", syscall(SYS_openat, AT_FDCWD, "/", O_RDONLY), EACCES);
    int fd = open("/", O_RDONLY); /* musl: SYS_open, not filtered */
    T_EXPECT(fd >= 0, "open: %s", t_errname(errno));
    close(fd);
    (void)ppid;
}

static void case_errno_data(void)
{
    nnp();
    install(SYS_getppid, RET_ERRNO | 0xffff);
    EXPECT_ERR("ERRNO 0xffff capped", syscall(SYS_getppid), 4095);
    install(SYS_getuid, RET_ERRNO | 0);
    EXPECT_RET("ERRNO 0: returns 0", syscall(SYS_getuid), 0);
    install(SYS_dup, RET_ERRNO | 512); /* -ERESTARTSYS: returned, never restarted */
    EXPECT_ERR("ERRNO 512", syscall(SYS_dup, 0), 512);
}

static volatile int trap_ok, trap_count;
static volatile long trap_errno, trap_nr, trap_arch, trap_rax;
static volatile uintptr_t trap_addr, trap_rip;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    int32_t nr;
    uint32_t arch;
    void *addr;
    memcpy(&addr, (char *)si + 16, sizeof(addr));
    memcpy(&nr, (char *)si + 24, sizeof(nr));
    memcpy(&arch, (char *)si + 28, sizeof(arch));
    trap_count++;
    trap_ok = sig == SIGSYS && si->si_signo == SIGSYS && si->si_code == SYS_SECCOMP_CODE;
    trap_errno = si->si_errno;
    trap_nr = nr;
    trap_arch = arch;
    trap_addr = (uintptr_t)addr;
    trap_rip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    trap_rax = uc->uc_mcontext.gregs[REG_RAX];
    uc->uc_mcontext.gregs[REG_RAX] = 1234; /* the call's result */
}

static void case_trap(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    EXPECT_RET("sigaction", sigaction(SIGSYS, &sa, NULL), 0);
    nnp();
    install(SYS_getppid, RET_TRAP | 0x42);
    EXPECT_RET("trapped getppid returns the handler's RAX", syscall(SYS_getppid), 1234);
    T_EXPECT(trap_count == 1, "handler ran %d times", trap_count);
    T_EXPECT(trap_ok, "signo/code wrong");
    T_EXPECT(trap_errno == 0x42, "si_errno %ld", trap_errno);
    T_EXPECT(trap_nr == SYS_getppid, "si_syscall %ld", trap_nr);
    T_EXPECT(trap_arch == (long)AUDIT_X86_64, "si_arch %#lx", trap_arch);
    T_EXPECT(trap_addr && trap_addr == trap_rip, "si_call_addr %#lx, rip %#lx",
             (unsigned long)trap_addr, (unsigned long)trap_rip);
    T_EXPECT(trap_rax == SYS_getppid, "RAX in the handler %ld (the call's number expected)",
             trap_rax);
}

static void trap_blocked(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGSYS);
    sigprocmask(SIG_BLOCK, &set, NULL);
    nnp();
    install(SYS_getppid, RET_TRAP);
    syscall(SYS_getppid);
    _exit(0);
}

static void trap_default(void)
{
    nnp();
    install(SYS_getppid, RET_TRAP);
    syscall(SYS_getppid);
    _exit(0);
}

static void case_trap_fatal(void)
{
    expect_signaled(in_child(trap_blocked), SIGSYS, "TRAP with SIGSYS blocked");
    expect_signaled(in_child(trap_default), SIGSYS, "TRAP with no handler");
}

static void kill_thread_child(void)
{
    nnp();
    install(SYS_getppid, RET_KILL_THREAD);
    syscall(SYS_getppid);
    _exit(0);
}

static void kill_process_child(void)
{
    nnp();
    install(SYS_getppid, RET_KILL_PROCESS);
    syscall(SYS_getppid);
    _exit(0);
}

static void kill_unknown_child(void)
{
    nnp();
    install(SYS_getppid, 0x00010000u); /* no such action: KILL_PROCESS */
    syscall(SYS_getppid);
    _exit(0);
}

static void case_kill(void)
{
    expect_signaled(in_child(kill_thread_child), SIGSYS, "KILL_THREAD");
    expect_signaled(in_child(kill_process_child), SIGSYS, "KILL_PROCESS");
    expect_signaled(in_child(kill_unknown_child), SIGSYS, "unknown action");
}

static void *thread_getppid(void *arg)
{
    (void)arg;
    syscall(SYS_getppid); /* KILL_THREAD: this thread ends here */
    return (void *)1;
}

static void kill_one_thread(void)
{
    pthread_t th;
    nnp();
    install(SYS_getppid, RET_KILL_THREAD);
    if (pthread_create(&th, NULL, thread_getppid, NULL) != 0)
        _exit(3);
    sleep(1); /* the thread is gone; this one lives on */
    _exit(5);
}

static void case_kill_thread_only(void)
{
    expect_exit(in_child(kill_one_thread), 5, "KILL_THREAD in a second thread");
}

static void case_log_trace(void)
{
    nnp();
    pid_t ppid = getppid();
    install(SYS_getppid, RET_LOG);
    EXPECT_RET("LOG: the call runs", syscall(SYS_getppid), ppid);
    install(SYS_getuid, RET_TRACE);
    EXPECT_ERR("TRACE without a tracer", syscall(SYS_getuid), ENOSYS);
    install(SYS_getgid, RET_USER_NOTIF);
    EXPECT_ERR("USER_NOTIF without a listener", syscall(SYS_getgid), ENOSYS);
    EXPECT_RET("LOG flag", on_nr(SYS_geteuid, RET_ERRNO | EIO, FLAG_LOG), 0);
    EXPECT_ERR("ERRNO from a LOG-flagged filter", syscall(SYS_geteuid), EIO);
    EXPECT_RET("SPEC_ALLOW flag", on_nr(SYS_getegid, RET_ALLOW, FLAG_SPEC_ALLOW), 0);
    EXPECT_RET("getegid", syscall(SYS_getegid), getegid());
}

/* --- what filters see ----------------------------------------------------- */

static void case_arch(void)
{
    struct insn p[] = {
        STMT(LD_W_ABS, OFF_ARCH),
        JUMP(JMP_JEQ_K, AUDIT_X86_64, 1, 0),
        STMT(RET_K, RET_KILL_PROCESS),
        STMT(LD_W_ABS, OFF_NR),
        JUMP(JMP_JEQ_K, SYS_getppid, 0, 1),
        STMT(RET_K, RET_ERRNO | EPERM),
        STMT(RET_K, RET_ALLOW),
    };
    struct insn i386[] = {
        STMT(LD_W_ABS, OFF_ARCH),
        JUMP(JMP_JEQ_K, AUDIT_I386, 0, 1),
        STMT(RET_K, RET_ERRNO | ENOENT),
        STMT(RET_K, RET_ALLOW),
    };
    nnp();
    EXPECT_RET("arch filter", load(p, 7, 0), 0);
    EXPECT_RET("i386 filter", load(i386, 4, 0), 0);
    EXPECT_ERR("getppid", syscall(SYS_getppid), EPERM);
    EXPECT_RET("getpid", syscall(SYS_getpid), getpid());
}

static void case_ip(void)
{
    /* the instruction pointer is a user address: its high word below
     * 0x8000 (the canonical lower half) and not 0 for both words */
    struct insn p[] = {
        STMT(LD_W_ABS, OFF_NR),      JUMP(JMP_JEQ_K, SYS_getppid, 0, 3),
        STMT(LD_W_ABS, OFF_IP + 4),  JUMP(0x35 /* JGE K */, 0x8000, 1, 0),
        STMT(RET_K, RET_ERRNO | 33), STMT(RET_K, RET_ALLOW),
    };
    nnp();
    EXPECT_RET("ip filter", load(p, 6, 0), 0);
    EXPECT_ERR("getppid", syscall(SYS_getppid), 33);
}

static void case_args(void)
{
    /* dup(fd): E2BIG when args[0] is exactly 77 (both words checked) */
    struct insn p[] = {
        STMT(LD_W_ABS, OFF_NR),         JUMP(JMP_JEQ_K, SYS_dup, 0, 5), STMT(LD_W_ABS, OFF_ARG(0)),
        JUMP(JMP_JEQ_K, 77, 0, 3),      STMT(LD_W_ABS, OFF_ARG(0) + 4), JUMP(JMP_JEQ_K, 0, 0, 1),
        STMT(RET_K, RET_ERRNO | E2BIG), STMT(RET_K, RET_ALLOW),
    };
    nnp();
    EXPECT_RET("args filter", load(p, 8, 0), 0);
    EXPECT_ERR("dup(77)", syscall(SYS_dup, 77), E2BIG);
    EXPECT_ERR("dup(1 << 32 | 77): the high word seen", syscall(SYS_dup, (1L << 32) | 77), EBADF);
    long fd = syscall(SYS_dup, 0);
    T_EXPECT(fd >= 0, "dup(0): %s", t_errname(errno));
    close((int)fd);
}

static void case_stacking(void)
{
    nnp();
    install(SYS_getppid, RET_ERRNO | EPERM);
    install(SYS_getppid, RET_ERRNO | ENOENT);
    EXPECT_ERR("two ERRNOs: the newest", syscall(SYS_getppid), ENOENT);
    install(SYS_getppid, RET_LOG);
    install(SYS_getppid, RET_TRACE);
    install(SYS_getppid, RET_ALLOW);
    EXPECT_ERR("ERRNO beats TRACE, LOG, ALLOW", syscall(SYS_getppid), ENOENT);
    EXPECT_RET("Seccomp", status_field("Seccomp"), MODE_FILTER);
    EXPECT_RET("Seccomp_filters", status_field("Seccomp_filters"), 5);
    EXPECT_RET("NoNewPrivs", status_field("NoNewPrivs"), 1);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_sigsys;
    sa.sa_flags = SA_SIGINFO;
    EXPECT_RET("sigaction", sigaction(SIGSYS, &sa, NULL), 0);
    install(SYS_getppid, RET_TRAP | 9);
    EXPECT_RET("TRAP beats ERRNO", syscall(SYS_getppid), 1234);
    T_EXPECT(trap_errno == 9, "si_errno %ld", trap_errno);
    install(SYS_getppid, RET_ERRNO | EIO);
    EXPECT_RET("TRAP beats a newer ERRNO", syscall(SYS_getppid), 1234);
    expect_signaled(in_child(kill_thread_child), SIGSYS, "KILL_THREAD beats TRAP");
    expect_signaled(in_child(kill_process_child), SIGSYS, "KILL_PROCESS beats all");
}

/* --- inheritance ---------------------------------------------------------- */

static void forked_child(void)
{
    _exit(syscall(SYS_getppid) == -1 && errno == EPERM ? 0 : 1);
}

static void case_fork(void)
{
    nnp();
    install(SYS_getppid, RET_ERRNO | EPERM);
    expect_exit(in_child(forked_child), 0, "a forked child's getppid");
    EXPECT_RET("Seccomp_filters", status_field("Seccomp_filters"), 1);
}

static void *thread_ppid(void *arg)
{
    (void)arg;
    return (void *)(long)(syscall(SYS_getppid) == -1 ? errno : 0);
}

static long thread_result(void)
{
    pthread_t th;
    void *res = 0;
    T_EXPECT(pthread_create(&th, NULL, thread_ppid, NULL) == 0, "pthread_create");
    pthread_join(th, &res);
    return (long)res;
}

static void case_thread(void)
{
    nnp();
    install(SYS_getppid, RET_ERRNO | EPERM);
    EXPECT_RET("a new thread's getppid", thread_result(), EPERM);
}

static void case_exec(void)
{
    nnp();
    install(SYS_getppid, RET_ERRNO | EPERM);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", "seccomp", "--helper-getppid", (char *)NULL);
        _exit(9);
    }
    int st = 0;
    T_EXPECT(waitpid(pid, &st, 0) == pid, "waitpid");
    expect_exit(st, 0, "exec'd helper");
}

/* A thread that waits for go, then reports getppid's errno in result. */
static volatile int tsync_go, tsync_result = -1;

static void *tsync_thread(void *arg)
{
    (void)arg;
    while (!tsync_go)
        usleep(1000);
    tsync_result = syscall(SYS_getppid) == -1 ? errno : 0;
    return NULL;
}

static void case_tsync(void)
{
    pthread_t th;
    nnp();
    T_EXPECT(pthread_create(&th, NULL, tsync_thread, NULL) == 0, "pthread_create");
    EXPECT_RET("TSYNC", on_nr(SYS_getppid, RET_ERRNO | EPERM, FLAG_TSYNC), 0);
    tsync_go = 1;
    pthread_join(th, NULL);
    T_EXPECT(tsync_result == EPERM, "synced thread's getppid: %d", tsync_result);
}

static volatile int own_ready, own_done;

static void *own_filter_thread(void *arg)
{
    (void)arg;
    on_nr(SYS_getuid, RET_ERRNO | EPERM, 0);
    own_ready = 1;
    while (!own_done)
        usleep(1000);
    return NULL;
}

static void case_tsync_fail(void)
{
    pthread_t th;
    nnp();
    T_EXPECT(pthread_create(&th, NULL, own_filter_thread, NULL) == 0, "pthread_create");
    while (!own_ready)
        usleep(1000);
    long r = on_nr(SYS_getppid, RET_ERRNO | EPERM, FLAG_TSYNC);
    T_EXPECT(r > 0 && r != getpid(), "TSYNC with a thread of another filter: %ld", r);
    EXPECT_ERR("TSYNC_ESRCH", on_nr(SYS_getppid, RET_ERRNO | EPERM, FLAG_TSYNC | FLAG_TSYNC_ESRCH),
               ESRCH);
    EXPECT_RET("getppid unfiltered", syscall(SYS_getppid), getppid());
    own_done = 1;
    pthread_join(th, NULL);
}

/* --- errors --------------------------------------------------------------- */

static void unprivileged(void)
{
    if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
        _exit(3);
    if (on_nr(SYS_getppid, RET_ERRNO | EPERM, 0) != -1 || errno != EACCES)
        _exit(4);
    struct insn p[] = {STMT(RET_K, RET_ALLOW)};
    struct fprog fp = {1, p};
    if (prctl(PR_SET_SECCOMP, MODE_FILTER, &fp, 0, 0) != -1 || errno != EACCES)
        _exit(5);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || on_nr(SYS_getppid, RET_ERRNO | EPERM, 0))
        _exit(6);
    _exit(syscall(SYS_getppid) == -1 && errno == EPERM ? 0 : 7);
}

static void case_eacces(void)
{
    EXPECT_RET("root without no_new_privs (CAP_SYS_ADMIN)",
               prctl(PR_SET_SECCOMP, MODE_FILTER,
                     &(struct fprog){1, (struct insn[]){STMT(RET_K, RET_ALLOW)}}, 0, 0),
               0);
    expect_exit(in_child(unprivileged), 0, "unprivileged");
}

static void case_einval(void)
{
    static struct insn big[4097];
    struct insn ok[] = {STMT(RET_K, RET_ALLOW)};
    struct insn back[] = {STMT(LD_W_ABS, 0), STMT(JMP_JA, 0xffffffffu), STMT(RET_K, RET_ALLOW)};
    struct insn far[] = {STMT(LD_W_ABS, 0), JUMP(JMP_JEQ_K, 1, 5, 0), STMT(RET_K, RET_ALLOW)};
    struct insn opc[] = {{0xffff, 0, 0, 0}, STMT(RET_K, RET_ALLOW)};
    struct insn byte[] = {STMT(LD_B_ABS, 0), STMT(RET_K, RET_ALLOW)};
    struct insn unal[] = {STMT(LD_W_ABS, 2), STMT(RET_K, RET_ALLOW)};
    struct insn past[] = {STMT(LD_W_ABS, 64), STMT(RET_K, RET_ALLOW)};
    struct insn noret[] = {STMT(LD_W_ABS, 0)};
    struct insn div0[] = {STMT(ALU_DIV_K, 0), STMT(RET_K, RET_ALLOW)};
    struct insn mem[] = {STMT(LD_MEM, 3), STMT(RET_K, RET_ALLOW)};
    nnp();
    EXPECT_ERR("backward jump", load(back, 3, 0), EINVAL);
    EXPECT_ERR("jump past the end", load(far, 3, 0), EINVAL);
    EXPECT_ERR("bad opcode", load(opc, 2, 0), EINVAL);
    EXPECT_ERR("byte load", load(byte, 2, 0), EINVAL);
    EXPECT_ERR("unaligned load", load(unal, 2, 0), EINVAL);
    EXPECT_ERR("load past seccomp_data", load(past, 2, 0), EINVAL);
    EXPECT_ERR("no return last", load(noret, 1, 0), EINVAL);
    EXPECT_ERR("division by 0", load(div0, 2, 0), EINVAL);
    struct insn mod[] = {STMT(0x94 /* MOD K */, 3), STMT(RET_K, RET_ALLOW)};
    EXPECT_ERR("MOD (not one of seccomp's)", load(mod, 2, 0), EINVAL);
    EXPECT_ERR("scratch slot read unwritten", load(mem, 2, 0), EINVAL);
    EXPECT_ERR("len 0", load(ok, 0, 0), EINVAL);
    for (int i = 0; i < 4097; i++)
        big[i] = (struct insn)STMT(RET_K, RET_ALLOW);
    EXPECT_ERR("len 4097", load(big, 4097, 0), EINVAL);
    EXPECT_ERR("unknown flag", load(ok, 1, 1u << 6), EINVAL);
    EXPECT_ERR("WAIT_KILLABLE_RECV alone", load(ok, 1, FLAG_WAIT_KILLABLE), EINVAL);
    EXPECT_ERR("TSYNC with NEW_LISTENER", load(ok, 1, FLAG_TSYNC | FLAG_NEW_LISTENER), EINVAL);
    EXPECT_ERR("unknown op", sc(7, 0, NULL), EINVAL);
    EXPECT_RET("Seccomp before any filter", status_field("Seccomp"), 0);
    EXPECT_RET("len 4096", load(big, 4096, 0), 0);
    EXPECT_ERR("strict after a filter", sc(SET_MODE_STRICT, 0, NULL), EINVAL);
    EXPECT_ERR("prctl strict after a filter", prctl(PR_SET_SECCOMP, MODE_STRICT, 0, 0, 0), EINVAL);
    if (t_uniplex())
        EXPECT_ERR("NEW_LISTENER (no listeners here)", load(ok, 1, FLAG_NEW_LISTENER), EINVAL);
}

static void divide_by_zero(void)
{
    syscall(SYS_getegid);
    _exit(0);
}

static void case_scratch(void)
{
    /* M[3] = getppid's number; A = M[3] + 0: ERRNO when nr matches */
    struct insn p[] = {
        STMT(LD_IMM, SYS_getppid),
        STMT(ST, 3),
        STMT(LD_W_ABS, OFF_NR),
        STMT(0x07 /* TAX */, 0),
        STMT(LD_MEM, 3),
        JUMP(0x1d /* JEQ X */, 0, 0, 1),
        STMT(RET_K, RET_ERRNO | ENOTTY),
        STMT(0x80 /* LD W LEN */, 0),
        JUMP(JMP_JEQ_K, 64, 1, 0),
        STMT(RET_K, RET_KILL_PROCESS),
        STMT(RET_K, RET_ALLOW),
    };
    nnp();
    EXPECT_RET("scratch filter", load(p, 11, 0), 0);
    EXPECT_ERR("getppid", syscall(SYS_getppid), ENOTTY);
    EXPECT_RET("getpid (LEN is 64)", syscall(SYS_getpid), getpid());
}

/* A filter for system call nr alone: body (n instructions) after the
 * check of the number, A and X back at 0. */
static long only_nr(long nr, const struct insn *body, unsigned n)
{
    struct insn p[32] = {
        STMT(LD_W_ABS, OFF_NR),
        JUMP(JMP_JEQ_K, nr, 1, 0),
        STMT(RET_K, RET_ALLOW),
        STMT(LD_IMM, 0),
    };
    memcpy(p + 4, body, n * sizeof(*body));
    return load(p, n + 4, 0);
}

static void case_alu(void)
{
    struct insn neg[] = {
        STMT(LD_W_ABS, OFF_ARG(0)),
        STMT(0x84 /* NEG */, 0x7b /* ignored */),
        STMT(0x54 /* AND K */, 0xff),
        STMT(0x44 /* OR K */, RET_ERRNO),
        STMT(RET_A, 0),
    };
    struct insn shift[] = {
        STMT(LD_W_ABS, OFF_ARG(0)), STMT(0x07 /* TAX */, 0),          STMT(LD_IMM, 1),
        STMT(0x6c /* LSH X */, 0),  STMT(0x74 /* RSH K */, 1),        STMT(0x24 /* MUL K */, 3),
        STMT(0x14 /* SUB K */, 2),  STMT(0x44 /* OR K */, RET_ERRNO), STMT(RET_A, 0),
    };
    struct insn jset[] = {
        STMT(LD_W_ABS, OFF_ARG(0)),
        JUMP(0x45 /* JSET K */, 0x10, 0, 1),
        STMT(RET_K, RET_ERRNO | 7),
        STMT(RET_K, RET_ERRNO | 8),
    };
    struct insn divx[] = {
        STMT(0x01 /* LDX IMM */, 0),
        STMT(LD_IMM, 9),
        STMT(0x3c /* DIV X */, 0), /* by 0: the program returns 0, KILL_THREAD */
        STMT(RET_K, RET_ALLOW),
    };
    nnp();
    EXPECT_RET("NEG filter", only_nr(SYS_getppid, neg, 5), 0);
    EXPECT_RET("shift filter", only_nr(SYS_getgid, shift, 9), 0);
    EXPECT_RET("JSET filter", only_nr(SYS_geteuid, jset, 4), 0);
    EXPECT_ERR("-3 & 0xff", syscall(SYS_getppid, 3), 253);
    EXPECT_ERR("(1 << 5 >> 1) * 3 - 2", syscall(SYS_getgid, 5), 46);
    EXPECT_ERR("JSET taken", syscall(SYS_geteuid, 0x30), 7);
    EXPECT_ERR("JSET not taken", syscall(SYS_geteuid, 0x20), 8);
    EXPECT_RET("DIV X filter", only_nr(SYS_getegid, divx, 4), 0);
    expect_signaled(in_child(divide_by_zero), SIGSYS, "division by X = 0");
}

static void case_enomem(void)
{
    static struct insn big[4096];
    big[0] = (struct insn)STMT(JMP_JA, 4094);
    for (int i = 1; i < 4096; i++)
        big[i] = (struct insn)STMT(RET_K, RET_ALLOW);
    nnp();
    /* Linux counts the instructions of its own translation (about twice
     * as many: 3 such filters fit there), Uniplex the program's (7 fit):
     * either way the chain's bound is reached within 8 */
    int n = 0;
    long r;
    while (n < 9 && (r = load(big, 4096, 0)) == 0)
        n++;
    T_EXPECT(n >= 1 && n <= 8 && r == -1 && errno == ENOMEM,
             "4096-instruction filters: %d loaded, then %ld/%s", n, r, t_errname(errno));
    EXPECT_RET("a 1-instruction filter still fits", load(big + 4095, 1, 0), 0);
}

static void case_efault(void)
{
    nnp();
    EXPECT_ERR("bad sock_fprog", sc(SET_MODE_FILTER, 0, (void *)1), EFAULT);
    struct fprog fp = {1, (struct insn *)8};
    EXPECT_ERR("bad filter pointer", sc(SET_MODE_FILTER, 0, &fp), EFAULT);
    EXPECT_ERR("prctl bad sock_fprog", prctl(PR_SET_SECCOMP, MODE_FILTER, (void *)1, 0, 0), EFAULT);
    EXPECT_ERR("GET_ACTION_AVAIL bad pointer", sc(GET_ACTION_AVAIL, 0, (void *)1), EFAULT);
    EXPECT_ERR("GET_NOTIF_SIZES bad pointer", sc(GET_NOTIF_SIZES, 0, (void *)1), EFAULT);
    EXPECT_RET("Seccomp", status_field("Seccomp"), 0);
}

static void case_action_avail(void)
{
    uint32_t acts[] = {RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO,
                       RET_USER_NOTIF,   RET_TRACE,       RET_LOG,  RET_ALLOW};
    for (unsigned i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
        EXPECT_RET("known action", sc(GET_ACTION_AVAIL, 0, &acts[i]), 0);
    uint32_t bad = 0x00010000u;
    EXPECT_ERR("unknown action", sc(GET_ACTION_AVAIL, 0, &bad), EOPNOTSUPP);
    EXPECT_ERR("flags", sc(GET_ACTION_AVAIL, 1, &acts[0]), EINVAL);
    uint16_t sizes[3] = {0, 0, 0};
    EXPECT_RET("GET_NOTIF_SIZES", sc(GET_NOTIF_SIZES, 0, sizes), 0);
    T_EXPECT(sizes[0] == 80 && sizes[1] == 24 && sizes[2] == 64, "sizes %u %u %u", sizes[0],
             sizes[1], sizes[2]);
    EXPECT_ERR("GET_NOTIF_SIZES flags", sc(GET_NOTIF_SIZES, 1, sizes), EINVAL);
}

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--helper-getppid"))
        return syscall(SYS_getppid) == -1 && errno == EPERM && status_field("Seccomp_filters") == 1
                   ? 0
                   : 1;
    static const struct t_case cases[] = {
        {"seccomp_strict", case_strict},
        {"seccomp_errno", case_errno},
        {"seccomp_errno_data", case_errno_data},
        {"seccomp_trap", case_trap},
        {"seccomp_trap_fatal", case_trap_fatal},
        {"seccomp_kill", case_kill},
        {"seccomp_kill_thread_only", case_kill_thread_only},
        {"seccomp_log_trace", case_log_trace},
        {"seccomp_arch", case_arch},
        {"seccomp_ip", case_ip},
        {"seccomp_args", case_args},
        {"seccomp_scratch", case_scratch},
        {"seccomp_alu", case_alu},
        {"seccomp_stacking", case_stacking},
        {"seccomp_fork", case_fork},
        {"seccomp_thread", case_thread},
        {"seccomp_exec", case_exec},
        {"seccomp_tsync", case_tsync},
        {"seccomp_tsync_fail", case_tsync_fail},
        {"seccomp_eacces", case_eacces},
        {"seccomp_einval", case_einval},
        {"seccomp_enomem", case_enomem},
        {"seccomp_efault", case_efault},
        {"seccomp_action_avail", case_action_avail},
    };
    return t_run_cases("seccomp", cases, sizeof(cases) / sizeof(cases[0]), ALARM_S, T_CASE_GROUP,
                       argc, argv);
}
