/* badaddr: addresses and states a program hands the kernel that the kernel
 * would later jump to, run on, or build on (issue 14). Programs run at
 * ring 0 here, so the CPU does not stop a jump into the kernel: the kernel
 * must refuse such a value, or end only the program, as Linux's outcome
 * is. Each case runs in its own child under alarm(); a case that brought
 * the kernel down would end the whole run instead.
 *
 *   clone(CLONE_SETTLS) with a kernel or non-canonical TLS base: EPERM
 *   a signal handler or restorer at a kernel or non-canonical address,
 *   a sigaltstack in the kernel, clone's stack in the kernel: SIGSEGV
 *   set_tid_address at a kernel address: exit is clean
 *   a program jumping to, or pushing on, a kernel address: SIGSEGV
 *   select's INT64_MAX timeout waits; one write moves at most 0x7ffff000
 *   creating in a removed cwd: ENOENT; mkdir/create under /proc: ENOENT
 *   an orphan made with another exit signal: init gets SIGCHLD, not it */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "tproc.h"

#define KERNEL_TEXT  0xffffffff80100000ull /* inside the kernel image */
#define DIRECT_MAP   0xffff800000100000ull /* the direct map of RAM */
#define NONCANONICAL 0x0000800000000000ull /* just past user space */

/* fn in a forked child under a 10 s alarm; its wait status through *st. */
static int in_child(const char *name, void (*fn)(void), int *st)
{
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        fn();
        _exit(0);
    }
    return reap_child(name, pid, st);
}

static void expect_segv(const char *name, void (*fn)(void))
{
    int st = 0;
    if (in_child(name, fn, &st))
        CHECK(name, WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
              "expected killed by SIGSEGV, got %s", p_status_str(st));
}

static void expect_exit0(const char *name, void (*fn)(void))
{
    int st = 0;
    if (in_child(name, fn, &st))
        CHECK(name, WIFEXITED(st) && WEXITSTATUS(st) == 0, "expected exit 0, got %s",
              p_status_str(st));
}

/* ---- TLS bases ---- */

static void tls_case(uint64_t tls)
{
    long r = syscall(SYS_clone, CLONE_SETTLS | SIGCHLD, 0, NULL, NULL, tls);
    if (r == 0)
        _exit(3); /* a child with that TLS must not exist */
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    _exit(r == -1 && errno == EPERM ? 0 : 1);
}

static void tls_direct_map(void)
{
    tls_case(DIRECT_MAP);
}

static void tls_noncanonical(void)
{
    tls_case(0x8000000000000000ull);
}

static void arch_prctl_kernel(void)
{
    _exit(syscall(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, KERNEL_TEXT) == -1 && errno == EPERM
              ? 0
              : 1);
}

/* ---- handlers, restorers, alternate stacks ---- */

/* rt_sigaction through the raw call, so the restorer is ours to choose. */
struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};

static void raise_with(uint64_t handler, uint64_t flags, uint64_t restorer)
{
    struct k_sigaction sa = {handler, flags | 0x04000000 /* SA_RESTORER */, restorer, 0};
    if (syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8) != 0)
        _exit(2);
    raise(SIGUSR1);
    _exit(0); /* the handler returned: nothing was delivered */
}

static void handler_ok(int sig)
{
    (void)sig;
}

static void handler_kernel(void)
{
    raise_with(KERNEL_TEXT, 0, 0);
}

static void handler_direct_map(void)
{
    raise_with(DIRECT_MAP, 0, 0);
}

static void handler_noncanonical(void)
{
    raise_with(NONCANONICAL, 0, 0);
}

static void restorer_kernel(void)
{
    raise_with((uint64_t)(uintptr_t)handler_ok, 0, KERNEL_TEXT);
}

static void altstack_kernel(void)
{
    stack_t ss = {.ss_sp = (void *)(uintptr_t)DIRECT_MAP, .ss_flags = 0, .ss_size = 65536};
    if (sigaltstack(&ss, NULL) != 0)
        _exit(0); /* refused outright is safe too */
    struct sigaction sa = {.sa_handler = handler_ok, .sa_flags = SA_ONSTACK};
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    _exit(1); /* the frame went into kernel memory */
}

/* ---- clone's stack and tid pointers ---- */

static void clone_stack_kernel(void)
{
    long r = syscall(SYS_clone, SIGCHLD, DIRECT_MAP, NULL, NULL, 0);
    if (r == 0)
        _exit(4); /* unreachable on a kernel stack: its first use faults */
    int st = 0;
    if (r < 0 || waitpid((pid_t)r, &st, 0) != r)
        _exit(1);
    _exit(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? 0 : 2);
}

static char tid_stack[64 * 1024] __attribute__((aligned(16)));

static int tid_child(void *arg)
{
    (void)arg;
    syscall(SYS_set_tid_address, DIRECT_MAP);
    return 0; /* exit: the word would be cleared, the address space being shared */
}

static void set_tid_address_kernel(void)
{
    pid_t pid = clone(tid_child, tid_stack + sizeof(tid_stack), CLONE_VM | SIGCHLD, NULL);
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        _exit(1);
    _exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 2);
}

static void ctid_kernel(void)
{
    long r = syscall(SYS_clone, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, NULL,
                     (void *)(uintptr_t)DIRECT_MAP, 0);
    if (r == 0)
        _exit(0);
    int st = 0;
    if (r < 0 || waitpid((pid_t)r, &st, 0) != r)
        _exit(1);
    _exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 2);
}

/* ---- a program's own bad jumps and stacks ---- */

#define UNMAPPED_KERNEL 0xffff80f000000000ull /* direct-map range past any RAM */

static void jump_kernel(void)
{
    void (*fn)(void) = (void (*)(void))(uintptr_t)UNMAPPED_KERNEL;
    __asm__ volatile("" : "+r"(fn)); /* a pointer the compiler cannot see through */
    fn();
}

/* The stack pointer moved into the kernel half, then used. */
static void stack_kernel(void)
{
    __asm__ volatile("movq %0, %%rsp; pushq $0" : : "r"(UNMAPPED_KERNEL) : "memory");
}

/* ---- counts and times the kernel must not take at face value ---- */

static void on_alarm(int sig)
{
    (void)sig;
}

/* A timeout of INT64_MAX seconds must not wrap into a short one: select
 * waits until the alarm interrupts it (Linux: EINTR). */
static void select_huge_timeout(void)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    struct timeval tv = {.tv_sec = INT64_MAX, .tv_usec = 999999};
    alarm(1);
    int r = select(0, NULL, NULL, NULL, &tv);
    _exit(r == -1 && errno == EINTR ? 0 : 1);
}

/* One write moves at most 0x7ffff000 bytes (Linux's MAX_RW_COUNT). */
static void write_count_capped(void)
{
    size_t n = 3ull << 30;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    int fd = open("/dev/null", O_WRONLY);
    if (p == MAP_FAILED || fd < 0)
        _exit(2);
    _exit(write(fd, p, n) == 0x7ffff000 ? 0 : 1);
}

/* ---- directories that must stay empty ---- */

static void removed_cwd(void)
{
    mkdir("/tmp/badaddr.d", 0755);
    if (chdir("/tmp/badaddr.d") != 0 || rmdir("/tmp/badaddr.d") != 0)
        _exit(1);
    errno = 0;
    int fd = open("f", O_CREAT | O_WRONLY, 0644);
    if (fd >= 0 || errno != ENOENT)
        _exit(2);
    if (mkdir("d", 0755) == 0 || errno != ENOENT)
        _exit(3);
    if (symlink("x", "l") == 0 || errno != ENOENT)
        _exit(4);
    _exit(0);
}

static void proc_names(void)
{
    if (mkdir("/proc/self/x", 0755) == 0 || errno != ENOENT)
        _exit(1);
    if (open("/proc/self/f", O_CREAT | O_WRONLY, 0644) >= 0 || errno != ENOENT)
        _exit(2);
    if (mkdir("/proc/x", 0755) == 0 || errno != ENOENT)
        _exit(3);
    if (unlink("/proc/self/stat") == 0 || errno != EPERM)
        _exit(4);
    _exit(0); /* the exit removes /proc/<pid>: it must be as procfs made it */
}

/* ---- orphans ---- */

/* A child made with exit signal SIGUSR1 whose parent is gone: init (this
 * program, pid 1) must get it as an ordinary child. On Linux the exit
 * signal is reset to SIGCHLD when it is reparented; before the fix the
 * SIGUSR1 reached pid 1 and ended the run. */
static void check_orphan(void)
{
    const char *name = "orphan_exit_signal_reset";
    if (getpid() != 1) {
        t_skip_host(name);
        return;
    }
    int fds[2];
    if (pipe(fds) != 0) {
        t_fail(name, "pipe: %s", t_errname(errno));
        return;
    }
    pid_t c = fork();
    if (c == 0) {
        long g = syscall(SYS_clone, SIGUSR1, 0, NULL, NULL, 0);
        if (g == 0) {
            usleep(100 * 1000); /* until its parent has gone */
            _exit(5);
        }
        write(fds[1], &g, sizeof(g));
        _exit(0);
    }
    long g = 0;
    close(fds[1]);
    read(fds[0], &g, sizeof(g));
    close(fds[0]);
    waitpid(c, NULL, 0);
    int st = 0;
    pid_t r = waitpid((pid_t)g, &st, 0);
    CHECK(name, g > 0 && r == g && WIFEXITED(st) && WEXITSTATUS(st) == 5,
          "expected init to reap %ld (exit 5), got %d, %s", g, (int)r, p_status_str(st));
}

int main(void)
{
    expect_exit0("clone_settls_direct_map_eperm", tls_direct_map);
    expect_exit0("clone_settls_noncanonical_eperm", tls_noncanonical);
    expect_exit0("arch_prctl_set_fs_kernel_eperm", arch_prctl_kernel);
    expect_segv("handler_kernel_text_segv", handler_kernel);
    expect_segv("handler_direct_map_segv", handler_direct_map);
    expect_segv("handler_noncanonical_segv", handler_noncanonical);
    expect_segv("restorer_kernel_segv", restorer_kernel);
    expect_segv("altstack_kernel_segv", altstack_kernel);
    expect_exit0("clone_stack_kernel_child_segv", clone_stack_kernel);
    expect_exit0("set_tid_address_kernel_exit", set_tid_address_kernel);
    expect_exit0("clone_ctid_kernel", ctid_kernel);
    expect_segv("jump_to_kernel_address_segv", jump_kernel);
    expect_segv("stack_in_kernel_half_segv", stack_kernel);
    expect_exit0("select_huge_timeout_waits", select_huge_timeout);
    expect_exit0("write_count_capped", write_count_capped);
    expect_exit0("removed_cwd_create_enoent", removed_cwd);
    expect_exit0("proc_create_enoent", proc_names);
    check_orphan();
    return t_done("badaddr");
}
