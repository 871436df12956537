/* threads: pthreads, futexes, thread-local storage and the process
 * semantics of a multi-threaded program (issue 15), asserting what Linux
 * does. Built twice: with musl (build/apps/threads) and against glibc
 * (build/apps/threads-glibc); both pass natively on Linux.
 *
 * Each case runs in its own child (a process group of its own) under
 * alarm(): a hang is a FAIL with "killed by signal 14", never a stuck run,
 * and whatever the case left behind is killed with its group. A case says
 * why it failed through a pipe (t_die(), from any thread: _exit ends the
 * whole process) and passes when its child exits 0 having said nothing.
 * Cases about how a process ends (exit from a thread, a fault, exec...)
 * fork a process of their own and check its wait status.
 *
 * usage: threads [CASE...]           every case, or only those named
 *        threads --exec-check PID PPID
 *               (what exec_from_thread execs: exits EXEC_CODE if its pid is
 *               PID, its tid its pid, its parent PPID and it has one thread)
 *        threads --main-pthread-exit UP DOWN REPORT
 *               (what main_pthread_exit execs, given the fds it talks on)
 *        threads --exit  (exits 0: what robust_mutex_process execs)
 *
 * Linux facts the cases hold to, each verified natively (Linux 6.18):
 *   clone(CLONE_THREAD) without CLONE_SIGHAND, or CLONE_SIGHAND without
 *   CLONE_VM: EINVAL. clone with stack 0 runs the child on the caller's
 *   stack pointer. A tid pointer (CLONE_PARENT_SETTID, CLONE_CHILD_SETTID,
 *   CLONE_CHILD_CLEARTID) the kernel cannot write is skipped: the clone
 *   succeeds and the thread runs. A TLS base that is not a user address:
 *   EPERM, no thread made. When the main thread ends with exit(2) and the
 *   last thread with exit(2) too, the parent sees the last thread's code.
 *   A process-directed signal goes to the main thread when it does not
 *   block it, else to a thread that does not. FUTEX_WAIT interrupted by a
 *   handler: EINTR, except without a timeout under SA_RESTART, where it
 *   restarts. The futex word's address is checked (EFAULT, EINVAL) before
 *   its value. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tcase.h"

#define ALARM_S    60    /* a case's own limit: generous for an emulated machine */
#define WAIT_MS    10000 /* how long a case polls for something that must happen */
#define SLOW_MS    100   /* cases taking longer print their time */
#define EXEC_CODE  57    /* what --exec-check exits with when all holds */
#define STACK_SIZE (64 * 1024)

#define KERNEL_TEXT  0xffffffff80100000ul /* inside a kernel image */
#define NONCANONICAL 0x0000800000000000ul /* just past user space */

/* musl's headers have no <linux/futex.h>: the ABI's values. */
#define FUTEX_WAIT                       0
#define FUTEX_WAKE                       1
#define FUTEX_REQUEUE                    3
#define FUTEX_CMP_REQUEUE                4
#define FUTEX_WAKE_OP                    5
#define FUTEX_WAIT_BITSET                9
#define FUTEX_WAKE_BITSET                10
#define FUTEX_PRIVATE_FLAG               128
#define FUTEX_CLOCK_REALTIME             256
#define FUTEX_BITSET_ANY                 0xffffffffu
#define FUTEX_OP_ADD                     1
#define FUTEX_OP_CMP_EQ                  0
#define FUTEX_OP(op, oparg, cmp, cmparg) (((op) << 28) | ((cmp) << 24) | ((oparg) << 12) | (cmparg))
#define PRIV(op)                         ((op) | FUTEX_PRIVATE_FLAG)

#define THREAD_FLAGS                                                                               \
    (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

static const char *self; /* the path to exec this program by */

/* A pthread call returning 0 or an error number. */
#define PT(call)                                                                                   \
    do {                                                                                           \
        int pt_e_ = (call);                                                                        \
        if (pt_e_)                                                                                 \
            t_die("%s: %s", #call, t_errname(pt_e_));                                              \
    } while (0)

/* ---- helpers ---- */

static pid_t gettid_(void)
{
    return (pid_t)syscall(SYS_gettid);
}

static long futex(int *w, int op, int val, const struct timespec *ts, int *w2, int val3)
{
    return syscall(SYS_futex, w, op, val, ts, w2, val3);
}

static double ms_since(double t0_us)
{
    return (p_now_us() - t0_us) / 1000;
}

static pthread_t spawn(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    PT(pthread_create(&t, NULL, fn, arg));
    return t;
}

static void *join(pthread_t t)
{
    void *r;
    PT(pthread_join(t, &r));
    return r;
}

/* The tids in /proc/self/task (at most max into out, which may be NULL):
 * their number. Raw getdents64, so a forked child of a threaded process
 * may call it. */
static int task_list(pid_t *out, int max)
{
    struct ldirent {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[];
    };
    char buf[4096] __attribute__((aligned(8)));
    int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
    long got;

    if (fd < 0)
        t_die("open /proc/self/task: %s", t_errname(errno));
    while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            struct ldirent *d = (struct ldirent *)(buf + off);
            if (d->name[0] != '.') {
                if (out && n < max)
                    out[n] = atoi(d->name);
                n++;
            }
            off += d->reclen;
        }
    }
    if (got < 0)
        t_die("getdents64 /proc/self/task: %s", t_errname(errno));
    close(fd);
    return n;
}

static int task_count(void)
{
    return task_list(NULL, 0);
}

/* Polls until /proc/self/task has n entries (threads that were joined may
 * linger there a moment after the join). */
static void wait_task_count(int n)
{
    int now = 0;
    for (int ms = 0; ms < WAIT_MS; ms++) {
        if ((now = task_count()) == n)
            return;
        p_sleep_ms(1);
    }
    t_die("/proc/self/task has %d entries after %d ms, expected %d", now, WAIT_MS, n);
}

/* Polls until thread tid of this process is gone from /proc/self/task. */
static void wait_gone(pid_t tid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", (int)tid);
    for (int ms = 0; ms < WAIT_MS; ms++) {
        if (access(path, F_OK) != 0 && errno == ENOENT)
            return;
        p_sleep_ms(1);
    }
    t_die("thread %d still in /proc/self/task after %d ms", (int)tid, WAIT_MS);
}

/* The state letter of /proc/PID/task/TID/stat (of /proc/PID/stat for the
 * main thread), or 0. */
static char task_state(pid_t pid, pid_t tid)
{
    char path[64], buf[512];
    if (tid == pid)
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    buf[n > 0 ? n : 0] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : 0;
}

/* Polls until thread tid of process pid sleeps (state S): after it said it
 * is about to block, that is the block. */
static void wait_sleeping(pid_t pid, pid_t tid)
{
    for (int ms = 0; ms < WAIT_MS; ms++) {
        char st = task_state(pid, tid);
        if (st == 'S')
            return;
        T_EXPECT(st != 'Z', "thread %d of %d ended instead of blocking", (int)tid, (int)pid);
        p_sleep_ms(1);
    }
    t_die("thread %d of %d not sleeping after %d ms (state %c)", (int)tid, (int)pid, WAIT_MS,
          task_state(pid, tid) ? task_state(pid, tid) : '?');
}

/* Polls until *v == want. */
static void wait_value(volatile int *v, int want, const char *what)
{
    for (int ms = 0; ms < WAIT_MS; ms++) {
        if (__atomic_load_n(v, __ATOMIC_SEQ_CST) == want)
            return;
        p_sleep_ms(1);
    }
    t_die("%s is %d after %d ms, expected %d", what, *v, WAIT_MS, want);
}

/* Waits on the futex word *w (shared, as libcs wait on a tid word) until
 * it is 0: a tid word the kernel clears and wakes. A wait that times out
 * is a wake-up lost. */
static void wait_zero(int *w, const char *what)
{
    int v;
    while ((v = __atomic_load_n(w, __ATOMIC_SEQ_CST)) != 0) {
        struct timespec ts = {WAIT_MS / 1000, 0};
        errno = 0;
        long r = futex(w, FUTEX_WAIT, v, &ts, NULL, 0);
        T_EXPECT(r == 0 || errno == EAGAIN || errno == EINTR, "%s: %d, %s", what,
                 __atomic_load_n(w, __ATOMIC_SEQ_CST),
                 errno == ETIMEDOUT ? "cleared without a wake-up" : t_errname(errno));
    }
}

static void handle(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa = {0};
    sa.sa_handler = fn;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0)
        t_die("sigaction(%d): %s", sig, t_errname(errno));
}

static void mask(int how, int sig)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    PT(pthread_sigmask(how, &s, NULL));
}

static int blocked(int sig)
{
    sigset_t s;
    PT(pthread_sigmask(SIG_SETMASK, NULL, &s));
    return sigismember(&s, sig);
}

/* A gate threads wait at until it opens; the opener can wait for n of them
 * to have arrived. Mutex and condition variable, so that the cases about
 * barriers and semaphores do not lean on what they test. */
static struct gate {
    pthread_mutex_t m;
    pthread_cond_t c;
    int arrived, open;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static void gate_pass(void)
{
    pthread_mutex_lock(&gate.m);
    gate.arrived++;
    pthread_cond_broadcast(&gate.c);
    while (!gate.open)
        pthread_cond_wait(&gate.c, &gate.m);
    pthread_mutex_unlock(&gate.m);
}

static void gate_await(int n)
{
    pthread_mutex_lock(&gate.m);
    while (gate.arrived < n)
        pthread_cond_wait(&gate.c, &gate.m);
    pthread_mutex_unlock(&gate.m);
}

static void gate_open(void)
{
    pthread_mutex_lock(&gate.m);
    gate.open = 1;
    pthread_cond_broadcast(&gate.c);
    pthread_mutex_unlock(&gate.m);
}

/* ---- processes the cases judge by their end ---- */

/* Two pipes between a case and the process it forked. */
static struct link {
    int up[2], down[2];
} link_;

static void link_make(void)
{
    if (pipe(link_.up) != 0 || pipe(link_.down) != 0)
        t_die("pipe: %s", t_errname(errno));
}

static char link_recv(int fd)
{
    char c = 0;
    T_EXPECT(p_read_full(fd, &c, 1) == 1, "no byte from the other process");
    return c;
}

static void link_send(int fd, char c)
{
    T_EXPECT(write(fd, &c, 1) == 1, "write to the other process: %s", t_errname(errno));
}

/* fork, with the child under its own alarm (alarms are not inherited). */
static pid_t fork_proc(void)
{
    pid_t pid = fork();
    if (pid < 0)
        t_die("fork: %s", t_errname(errno));
    if (pid == 0)
        alarm(ALARM_S);
    return pid;
}

/* fork_proc with the link made and each side holding only its own ends, so
 * that a read sees the end of the pipe when the other side is gone. */
static pid_t link_fork(void)
{
    link_make();
    pid_t pid = fork_proc();
    close(pid == 0 ? link_.up[0] : link_.up[1]);
    close(pid == 0 ? link_.down[1] : link_.down[0]);
    return pid;
}

static int proc_status(pid_t pid)
{
    int st = 0;
    pid_t r = p_wait(pid, &st, 0);
    T_EXPECT(r == pid, "waitpid(%d): %d/%s", (int)pid, (int)r, t_errname(errno));
    return st;
}

static void expect_exit(pid_t pid, int code)
{
    int st = proc_status(pid);
    T_EXPECT(WIFEXITED(st) && WEXITSTATUS(st) == code, "expected the process to exit %d, it %s",
             code, p_status_str(st));
}

static void expect_killed(pid_t pid, int sig)
{
    int st = proc_status(pid);
    T_EXPECT(WIFSIGNALED(st) && WTERMSIG(st) == sig,
             "expected the process killed by signal %d (%s), it %s", sig, p_signame(sig),
             p_status_str(st));
}

/* The process is still there, not yet a zombie. */
static void expect_alive(pid_t pid)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, WNOHANG);
    T_EXPECT(r == 0, "waitpid(WNOHANG) returned %d (%s) while a thread still runs", (int)r,
             r > 0 ? p_status_str(st) : t_errname(errno));
    T_EXPECT(kill(pid, 0) == 0, "kill(%d, 0): %s", (int)pid, t_errname(errno));
}

/* ---- raw clone ----
 * raw_clone(flags, stack, ptid, ctid, tls) is the system call itself: the
 * kernel's result (a tid, or a negative errno). The child pops a function
 * and its argument off its new stack, calls it and ends with exit(2) and
 * the function's result. It shares the caller's TLS (unless CLONE_SETTLS),
 * so such functions touch no libc state. */
long raw_clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls);
__asm__(".text\n"
        ".globl raw_clone\n"
        "raw_clone:\n"
        "    mov %rcx, %r10\n"
        "    mov $56, %eax\n" /* SYS_clone: flags, stack, ptid, ctid, tls */
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 1f\n"
        "    pop %rax\n"
        "    pop %rdi\n"
        "    and $-16, %rsp\n"
        "    call *%rax\n"
        "    mov %eax, %edi\n"
        "    mov $60, %eax\n" /* SYS_exit */
        "    syscall\n"
        "    hlt\n"
        "1:  ret\n");

/* raw_clone_sp0(flags): clone with stack 0; the child records its stack
 * pointer in sp0_child, sets sp0_done and exits, touching no stack. The
 * caller's stack pointer at the system call goes to sp0_parent. */
long raw_clone_sp0(unsigned long flags);
volatile unsigned long sp0_parent, sp0_child;
volatile int sp0_done;
__asm__(".text\n"
        ".globl raw_clone_sp0\n"
        "raw_clone_sp0:\n"
        "    xor %esi, %esi\n"
        "    xor %edx, %edx\n"
        "    xor %r10d, %r10d\n"
        "    xor %r8d, %r8d\n"
        "    mov %rsp, sp0_parent(%rip)\n"
        "    mov $56, %eax\n"
        "    syscall\n"
        "    test %rax, %rax\n"
        "    jnz 1f\n"
        "    mov %rsp, sp0_child(%rip)\n"
        "    movl $1, sp0_done(%rip)\n"
        "    xor %edi, %edi\n"
        "    mov $60, %eax\n"
        "    syscall\n"
        "    hlt\n"
        "1:  ret\n");

static long raw_syscall1(long n, long a)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
    return r;
}

/* The top of stack (a STACK_SIZE buffer) with fn and arg for raw_clone. */
static void *raw_stack(char *stack, int (*fn)(void *), void *arg)
{
    void **sp = (void **)(stack + STACK_SIZE) - 2;
    sp[0] = (void *)fn;
    sp[1] = arg;
    return sp;
}

static volatile int raw_ran;

static int raw_mark(void *arg)
{
    __atomic_store_n(&raw_ran, (int)(uintptr_t)arg, __ATOMIC_SEQ_CST);
    return 0;
}

/* ======== create and join ======== */

static void *plus_one(void *a)
{
    return (void *)((uintptr_t)a + 1);
}

static void case_create_join_one(void)
{
    pthread_t t = spawn(plus_one, (void *)0x1233);
    T_EXPECT(!pthread_equal(t, pthread_self()), "the new thread's id equals its creator's");
    void *r = join(t);
    T_EXPECT(r == (void *)0x1234, "joined %p, expected 0x1234", r);
}

static void case_create_join_1000_sequential(void)
{
    for (uintptr_t i = 0; i < 1000; i++) {
        void *r = join(spawn(plus_one, (void *)(i * 3)));
        T_EXPECT(r == (void *)(i * 3 + 1), "thread %d returned %p, expected %p", (int)i, r,
                 (void *)(i * 3 + 1));
    }
}

static void *gated_xor(void *a)
{
    gate_pass();
    return (void *)((uintptr_t)a ^ 0x5555);
}

/* 100 threads alive at once, each blocked until all exist. */
static void case_create_join_100_alive(void)
{
    pthread_t t[100];
    for (uintptr_t i = 0; i < 100; i++)
        t[i] = spawn(gated_xor, (void *)i);
    gate_await(100);
    int n = task_count();
    T_EXPECT(n == 101, "/proc/self/task lists %d threads, expected 101", n);
    gate_open();
    for (uintptr_t i = 0; i < 100; i++) {
        void *r = join(t[i]);
        T_EXPECT(r == (void *)(i ^ 0x5555), "thread %d returned %p", (int)i, r);
    }
}

/* 10,000 threads one after the other: nothing accumulates. */
static void case_create_join_10000_sequential(void)
{
    for (uintptr_t i = 0; i < 10000; i++) {
        void *r = join(spawn(plus_one, (void *)i));
        T_EXPECT(r == (void *)(i + 1), "thread %d returned %p", (int)i, r);
    }
    wait_task_count(1);
}

/* Threads count against RLIMIT_NPROC as Linux counts tasks: past it
 * pthread_create fails with EAGAIN, nothing is left half made, and once
 * the threads are joined a new one can be made. Root is exempt on Linux,
 * so on the host the case drops to an unused uid first. (The limit counts
 * every task of the user there, every LWP of the machine here: only the
 * bounds are asserted.) */
static void case_thread_rlimit_nproc(void)
{
    struct rlimit rl = {20, 20};
    pthread_t t[20], x;
    int n = 0, err = 0;
    if (!t_uniplex() && getuid() == 0)
        T_EXPECT(setgid(54321) == 0 && setuid(54321) == 0, "cannot drop to uid 54321");
    T_EXPECT(setrlimit(RLIMIT_NPROC, &rl) == 0, "setrlimit: %s", t_errname(errno));
    while (n < 20 && (err = pthread_create(&t[n], NULL, gated_xor, NULL)) == 0)
        n++;
    T_EXPECT(err == EAGAIN && n > 0 && n < 20,
             "made %d threads, then %s (expected EAGAIN below 20)", n, t_errname(err));
    gate_open();
    for (int i = 0; i < n; i++)
        join(t[i]);
    wait_task_count(1);
    err = pthread_create(&x, NULL, plus_one, NULL);
    T_EXPECT(err == 0, "after joining: pthread_create failed with %s", t_errname(err));
    join(x);
}

/* __WNOTHREAD: a thread waits only for the children it made itself. */
static volatile pid_t wnt_child;

static void *wnt_forker(void *a)
{
    (void)a;
    pid_t c = fork();
    if (c == 0)
        _exit(5);
    wnt_child = c;
    gate_pass(); /* until the main thread has looked */
    int st = 0;
    pid_t r = waitpid(c, &st, __WNOTHREAD);
    return (void *)(intptr_t)(r == c && WIFEXITED(st) && WEXITSTATUS(st) == 5);
}

static void case_wait_wnothread(void)
{
    pthread_t t = spawn(wnt_forker, NULL);
    gate_await(1);
    errno = 0;
    pid_t r = waitpid(-1, NULL, __WNOTHREAD | WNOHANG);
    T_EXPECT(r == -1 && errno == ECHILD, "main thread's __WNOTHREAD wait: %d/%s, expected ECHILD",
             (int)r, t_errname(errno));
    gate_open();
    T_EXPECT(join(t) == (void *)1, "the forking thread's __WNOTHREAD wait did not reap its child");
}

/* ======== identity and thread-local storage ======== */

#define ID_N 4
static pthread_barrier_t id_bar;
static pid_t id_pid[ID_N], id_tid[ID_N];

static void *id_worker(void *a)
{
    int i = (int)(uintptr_t)a;
    id_pid[i] = getpid();
    id_tid[i] = gettid_();
    pthread_barrier_wait(&id_bar);
    pthread_barrier_wait(&id_bar);
    return NULL;
}

/* getpid is the process's in every thread, gettid differs, and the main
 * thread's tid is the pid; each tid is in /proc/self/task. */
static void case_getpid_gettid(void)
{
    pthread_t t[ID_N];
    pid_t pid = getpid();
    T_EXPECT(gettid_() == pid, "the main thread's tid %d is not the pid %d", (int)gettid_(),
             (int)pid);
    PT(pthread_barrier_init(&id_bar, NULL, ID_N + 1));
    for (int i = 0; i < ID_N; i++)
        t[i] = spawn(id_worker, (void *)(uintptr_t)i);
    pthread_barrier_wait(&id_bar);
    for (int i = 0; i < ID_N; i++) {
        char path[64];
        T_EXPECT(id_pid[i] == pid, "thread %d: getpid %d, expected %d", i, (int)id_pid[i],
                 (int)pid);
        T_EXPECT(id_tid[i] > 0 && id_tid[i] != pid, "thread %d: gettid %d (pid %d)", i,
                 (int)id_tid[i], (int)pid);
        for (int j = 0; j < i; j++)
            T_EXPECT(id_tid[i] != id_tid[j], "threads %d and %d share tid %d", i, j,
                     (int)id_tid[i]);
        snprintf(path, sizeof path, "/proc/self/task/%d", (int)id_tid[i]);
        T_EXPECT(access(path, F_OK) == 0, "%s: %s", path, t_errname(errno));
    }
    pthread_barrier_wait(&id_bar);
    for (int i = 0; i < ID_N; i++)
        join(t[i]);
}

#define TLS_N 8
static __thread int tls_int = 7;
static __thread char tls_big[8192] __attribute__((aligned(64)));
static int *tls_addr[TLS_N];
static pthread_barrier_t tls_bar;

static void *tls_worker(void *a)
{
    int i = (int)(uintptr_t)a;
    T_EXPECT(tls_int == 7, "thread %d: __thread initial value %d, expected 7", i, tls_int);
    T_EXPECT(((uintptr_t)tls_big & 63) == 0, "thread %d: tls_big at %p, not 64-aligned", i,
             (void *)tls_big);
    for (size_t k = 0; k < sizeof tls_big; k++)
        T_EXPECT(tls_big[k] == 0, "thread %d: tls_big[%zu] is %d, not 0", i, k, tls_big[k]);
    tls_int = 100 + i;
    memset(tls_big, i + 1, sizeof tls_big);
    tls_addr[i] = &tls_int;
    pthread_barrier_wait(&tls_bar);
    T_EXPECT(tls_int == 100 + i, "thread %d: __thread now %d, expected %d", i, tls_int, 100 + i);
    for (size_t k = 0; k < sizeof tls_big; k++)
        T_EXPECT(tls_big[k] == i + 1, "thread %d: tls_big[%zu] changed to %d", i, k, tls_big[k]);
    return NULL;
}

/* __thread variables: initialised from the TLS image, aligned, distinct. */
static void case_tls_per_thread(void)
{
    pthread_t t[TLS_N];
    tls_int = 1;
    PT(pthread_barrier_init(&tls_bar, NULL, TLS_N));
    for (int i = 0; i < TLS_N; i++)
        t[i] = spawn(tls_worker, (void *)(uintptr_t)i);
    for (int i = 0; i < TLS_N; i++)
        join(t[i]);
    for (int i = 0; i < TLS_N; i++)
        for (int j = 0; j < i; j++)
            T_EXPECT(tls_addr[i] != tls_addr[j], "threads %d and %d share &tls_int %p", i, j,
                     (void *)tls_addr[i]);
    T_EXPECT(tls_int == 1, "the main thread's __thread changed to %d", tls_int);
}

static pthread_barrier_t errno_bar;

static void *errno_worker(void *a)
{
    int want = (int)(uintptr_t)a;
    if (want == EBADF)
        close(-1);
    else
        open("/nonexistent/threads", O_RDONLY);
    int got = errno;
    pthread_barrier_wait(&errno_bar);
    pthread_barrier_wait(&errno_bar);
    T_EXPECT(got == want && errno == want, "thread's errno %s then %s, expected %s", t_errname(got),
             t_errname(errno), t_errname(want));
    return NULL;
}

/* errno is per thread: each keeps its own across the others' failures. */
static void case_errno_per_thread(void)
{
    PT(pthread_barrier_init(&errno_bar, NULL, 3));
    pthread_t a = spawn(errno_worker, (void *)(uintptr_t)EBADF);
    pthread_t b = spawn(errno_worker, (void *)(uintptr_t)ENOENT);
    errno = ERANGE;
    pthread_barrier_wait(&errno_bar);
    pthread_barrier_wait(&errno_bar);
    T_EXPECT(errno == ERANGE, "the main thread's errno became %s", t_errname(errno));
    join(a);
    join(b);
}

/* ======== synchronisation under contention ======== */

#define MUTEX_THREADS 8
#define MUTEX_ITERS   10000
static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
static volatile long mx_count;

static void *mutex_worker(void *a)
{
    (void)a;
    for (int i = 0; i < MUTEX_ITERS; i++) {
        pthread_mutex_lock(&mx);
        long v = mx_count;
        mx_count = v + 1;
        pthread_mutex_unlock(&mx);
    }
    return NULL;
}

static void case_mutex_contention(void)
{
    pthread_t t[MUTEX_THREADS];
    for (int i = 0; i < MUTEX_THREADS; i++)
        t[i] = spawn(mutex_worker, NULL);
    for (int i = 0; i < MUTEX_THREADS; i++)
        join(t[i]);
    T_EXPECT(mx_count == MUTEX_THREADS * MUTEX_ITERS, "count %ld, expected %d", mx_count,
             MUTEX_THREADS * MUTEX_ITERS);
}

static pthread_mutex_t mx_check;

static void *errorcheck_other(void *a)
{
    (void)a;
    int u = pthread_mutex_unlock(&mx_check), t = pthread_mutex_trylock(&mx_check);
    T_EXPECT(u == EPERM && t == EBUSY, "another thread: unlock %s (EPERM), trylock %s (EBUSY)",
             t_errname(u), t_errname(t));
    return NULL;
}

/* An error-checking mutex knows its owner: relock EDEADLK, unlock by
 * another thread EPERM. */
static void case_mutex_errorcheck(void)
{
    pthread_mutexattr_t at;
    PT(pthread_mutexattr_init(&at));
    PT(pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK));
    PT(pthread_mutex_init(&mx_check, &at));
    PT(pthread_mutex_lock(&mx_check));
    int r = pthread_mutex_lock(&mx_check);
    T_EXPECT(r == EDEADLK, "relock by the owner: %s, expected EDEADLK", t_errname(r));
    join(spawn(errorcheck_other, NULL));
    PT(pthread_mutex_unlock(&mx_check));
    r = pthread_mutex_unlock(&mx_check);
    T_EXPECT(r == EPERM, "unlock of an unlocked mutex: %s, expected EPERM", t_errname(r));
}

#define PC_ITEMS 5000
#define QCAP     8
static struct {
    pthread_mutex_t m;
    pthread_cond_t not_empty, not_full;
    int q[QCAP], head, count, done;
    long sum, got;
} pc = {.m = PTHREAD_MUTEX_INITIALIZER,
        .not_empty = PTHREAD_COND_INITIALIZER,
        .not_full = PTHREAD_COND_INITIALIZER};

static void *cond_producer(void *a)
{
    int base = (int)(uintptr_t)a * PC_ITEMS;
    for (int k = 1; k <= PC_ITEMS; k++) {
        pthread_mutex_lock(&pc.m);
        while (pc.count == QCAP)
            pthread_cond_wait(&pc.not_full, &pc.m);
        pc.q[(pc.head + pc.count++) % QCAP] = base + k;
        pthread_cond_signal(&pc.not_empty);
        pthread_mutex_unlock(&pc.m);
    }
    return NULL;
}

static void *cond_consumer(void *a)
{
    (void)a;
    pthread_mutex_lock(&pc.m);
    for (;;) {
        while (pc.count == 0 && !pc.done)
            pthread_cond_wait(&pc.not_empty, &pc.m);
        if (pc.count == 0)
            break;
        pc.sum += pc.q[pc.head];
        pc.head = (pc.head + 1) % QCAP;
        pc.count--;
        pc.got++;
        pthread_cond_signal(&pc.not_full);
    }
    pthread_mutex_unlock(&pc.m);
    return NULL;
}

/* Two producers, two consumers, a queue of 8: every item arrives once. */
static void case_cond_producer_consumer(void)
{
    pthread_t p0 = spawn(cond_producer, (void *)0), p1 = spawn(cond_producer, (void *)1);
    pthread_t c0 = spawn(cond_consumer, NULL), c1 = spawn(cond_consumer, NULL);
    long want = 0;
    for (long i = 1; i <= 2 * PC_ITEMS; i++)
        want += i;
    join(p0);
    join(p1);
    pthread_mutex_lock(&pc.m);
    pc.done = 1;
    pthread_cond_broadcast(&pc.not_empty);
    pthread_mutex_unlock(&pc.m);
    join(c0);
    join(c1);
    T_EXPECT(pc.got == 2 * PC_ITEMS && pc.sum == want,
             "consumed %ld items summing %ld, expected %d "
             "summing %ld",
             pc.got, pc.sum, 2 * PC_ITEMS, want);
}

static pthread_mutex_t bc_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bc_c = PTHREAD_COND_INITIALIZER;
static int bc_waiting, bc_go, bc_woken;

static void *bc_waiter(void *a)
{
    (void)a;
    pthread_mutex_lock(&bc_m);
    bc_waiting++;
    while (!bc_go)
        pthread_cond_wait(&bc_c, &bc_m);
    bc_woken++;
    pthread_mutex_unlock(&bc_m);
    return NULL;
}

/* One broadcast wakes all 8 waiters. */
static void case_cond_broadcast(void)
{
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        t[i] = spawn(bc_waiter, NULL);
    for (int ms = 0;; ms++) {
        pthread_mutex_lock(&bc_m);
        int n = bc_waiting;
        if (n == 8) { /* all 8 are in pthread_cond_wait: they let go of the mutex */
            bc_go = 1;
            pthread_cond_broadcast(&bc_c);
        }
        pthread_mutex_unlock(&bc_m);
        if (n == 8)
            break;
        T_EXPECT(ms < WAIT_MS, "only %d of 8 waiters after %d ms", n, WAIT_MS);
        p_sleep_ms(1);
    }
    for (int i = 0; i < 8; i++)
        join(t[i]);
    T_EXPECT(bc_woken == 8, "%d woken, expected 8", bc_woken);
}

/* pthread_cond_timedwait times out on the realtime and monotonic clocks. */
static void case_cond_timedwait(void)
{
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv[2];
    pthread_condattr_t at;
    PT(pthread_condattr_init(&at));
    PT(pthread_condattr_setclock(&at, CLOCK_MONOTONIC));
    PT(pthread_cond_init(&cv[0], NULL));
    PT(pthread_cond_init(&cv[1], &at));
    for (int i = 0; i < 2; i++) {
        struct timespec ts;
        clock_gettime(i ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        double t0 = p_now_us();
        pthread_mutex_lock(&m);
        int r = pthread_cond_timedwait(&cv[i], &m, &ts);
        pthread_mutex_unlock(&m);
        double ms = ms_since(t0);
        T_EXPECT(r == ETIMEDOUT && ms >= 90 && ms < 5000,
                 "%s clock: %s after %.0f ms, expected ETIMEDOUT after 100 ms",
                 i ? "monotonic" : "realtime", t_errname(r), ms);
    }
}

#define RW_WRITES 2000
#define RW_READS  2000
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static volatile long rw_a, rw_b;
static volatile int rw_torn;

static void *rw_writer(void *a)
{
    (void)a;
    for (int i = 0; i < RW_WRITES; i++) {
        pthread_rwlock_wrlock(&rw);
        rw_a++;
        for (volatile int k = 0; k < 20; k++)
            ;
        rw_b++;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_reader(void *a)
{
    (void)a;
    for (int i = 0; i < RW_READS; i++) {
        pthread_rwlock_rdlock(&rw);
        if (rw_a != rw_b)
            rw_torn = 1;
        pthread_rwlock_unlock(&rw);
    }
    return NULL;
}

static void *rw_try(void *a)
{
    int writer_holds = (int)(uintptr_t)a;
    int r = pthread_rwlock_tryrdlock(&rw);
    if (r == 0)
        pthread_rwlock_unlock(&rw);
    int w = pthread_rwlock_trywrlock(&rw);
    T_EXPECT(r == (writer_holds ? EBUSY : 0) && w == EBUSY,
             "with a %s held elsewhere: tryrdlock %s, trywrlock %s",
             writer_holds ? "writer" : "reader", t_errname(r), t_errname(w));
    return NULL;
}

/* Readers share, writers exclude: readers never see a half-done write. */
static void case_rwlock(void)
{
    pthread_t t[6];
    PT(pthread_rwlock_rdlock(&rw));
    join(spawn(rw_try, (void *)0));
    PT(pthread_rwlock_unlock(&rw));
    PT(pthread_rwlock_wrlock(&rw));
    join(spawn(rw_try, (void *)1));
    PT(pthread_rwlock_unlock(&rw));
    for (int i = 0; i < 6; i++)
        t[i] = spawn(i < 2 ? rw_writer : rw_reader, NULL);
    for (int i = 0; i < 6; i++)
        join(t[i]);
    T_EXPECT(!rw_torn && rw_a == 2 * RW_WRITES && rw_b == 2 * RW_WRITES,
             "a reader saw a torn write: %d; a %ld b %ld, expected %d", rw_torn, rw_a, rw_b,
             2 * RW_WRITES);
}

#define BAR_THREADS 8
#define BAR_ROUNDS  200
static pthread_barrier_t bar;
static int bar_arrived, bar_serial;

static void *bar_worker(void *a)
{
    (void)a;
    for (int r = 0; r < BAR_ROUNDS; r++) {
        __atomic_add_fetch(&bar_arrived, 1, __ATOMIC_SEQ_CST);
        int s = pthread_barrier_wait(&bar);
        T_EXPECT(s == 0 || s == PTHREAD_BARRIER_SERIAL_THREAD, "pthread_barrier_wait: %s",
                 t_errname(s));
        if (s == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&bar_serial, 1, __ATOMIC_SEQ_CST);
        int n = __atomic_load_n(&bar_arrived, __ATOMIC_SEQ_CST);
        T_EXPECT(n >= BAR_THREADS * (r + 1),
                 "round %d: passed the barrier with %d arrivals, "
                 "expected %d",
                 r, n, BAR_THREADS * (r + 1));
    }
    return NULL;
}

/* No thread passes a round before all arrive; one serial thread a round. */
static void case_barrier(void)
{
    pthread_t t[BAR_THREADS];
    PT(pthread_barrier_init(&bar, NULL, BAR_THREADS));
    for (int i = 0; i < BAR_THREADS; i++)
        t[i] = spawn(bar_worker, NULL);
    for (int i = 0; i < BAR_THREADS; i++)
        join(t[i]);
    T_EXPECT(bar_serial == BAR_ROUNDS, "%d serial threads in %d rounds", bar_serial, BAR_ROUNDS);
}

#define SEM_ITEMS 5000
static sem_t sem_items, sem_spaces;
static pthread_mutex_t sem_m = PTHREAD_MUTEX_INITIALIZER;
static int sem_q[QCAP], sem_head, sem_tail, sem_taken;
static long sem_sum;

static void *sem_producer(void *a)
{
    int base = (int)(uintptr_t)a * SEM_ITEMS;
    for (int k = 1; k <= SEM_ITEMS; k++) {
        while (sem_wait(&sem_spaces) != 0)
            T_EXPECT(errno == EINTR, "sem_wait: %s", t_errname(errno));
        pthread_mutex_lock(&sem_m);
        sem_q[sem_tail++ % QCAP] = base + k;
        pthread_mutex_unlock(&sem_m);
        sem_post(&sem_items);
    }
    return NULL;
}

static void *sem_consumer(void *a)
{
    (void)a;
    while (__atomic_fetch_add(&sem_taken, 1, __ATOMIC_SEQ_CST) < 2 * SEM_ITEMS) {
        while (sem_wait(&sem_items) != 0)
            T_EXPECT(errno == EINTR, "sem_wait: %s", t_errname(errno));
        pthread_mutex_lock(&sem_m);
        sem_sum += sem_q[sem_head++ % QCAP];
        pthread_mutex_unlock(&sem_m);
        sem_post(&sem_spaces);
    }
    return NULL;
}

/* Semaphores count exactly under contention; trywait and timedwait fail
 * as they should on an empty one. */
static void case_semaphore(void)
{
    pthread_t t[4];
    long want = 0;
    T_EXPECT(sem_init(&sem_items, 0, 0) == 0 && sem_init(&sem_spaces, 0, QCAP) == 0, "sem_init: %s",
             t_errname(errno));
    for (int i = 0; i < 4; i++)
        t[i] = spawn(i < 2 ? sem_producer : sem_consumer, (void *)(uintptr_t)i);
    for (int i = 0; i < 4; i++)
        join(t[i]);
    for (long i = 1; i <= 2 * SEM_ITEMS; i++)
        want += i;
    int v = -1;
    sem_getvalue(&sem_spaces, &v);
    T_EXPECT(sem_sum == want && v == QCAP, "sum %ld (expected %ld), %d spaces (expected %d)",
             sem_sum, want, v, QCAP);
    errno = 0;
    T_EXPECT(sem_trywait(&sem_items) == -1 && errno == EAGAIN, "sem_trywait on 0: %s",
             t_errname(errno));
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 50 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    double t0 = p_now_us();
    errno = 0;
    int r = sem_timedwait(&sem_items, &ts);
    double ms = ms_since(t0);
    T_EXPECT(r == -1 && errno == ETIMEDOUT && ms >= 40 && ms < 5000,
             "sem_timedwait on 0: %d/%s after %.0f ms, expected ETIMEDOUT after 50 ms", r,
             t_errname(errno), ms);
}

#define ONCE_THREADS 16
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_barrier_t once_bar;
static int once_runs;
static volatile int once_done;

static void once_init(void)
{
    __atomic_add_fetch(&once_runs, 1, __ATOMIC_SEQ_CST);
    p_sleep_ms(20); /* the others arrive meanwhile and must wait */
    once_done = 1;
}

static void *once_worker(void *a)
{
    (void)a;
    pthread_barrier_wait(&once_bar);
    PT(pthread_once(&once, once_init));
    T_EXPECT(once_done, "pthread_once returned before the routine finished");
    return NULL;
}

static void case_pthread_once(void)
{
    pthread_t t[ONCE_THREADS];
    PT(pthread_barrier_init(&once_bar, NULL, ONCE_THREADS));
    for (int i = 0; i < ONCE_THREADS; i++)
        t[i] = spawn(once_worker, NULL);
    for (int i = 0; i < ONCE_THREADS; i++)
        join(t[i]);
    T_EXPECT(once_runs == 1, "the once routine ran %d times", once_runs);
}

/* ======== thread ends ======== */

static volatile pid_t fin_tid;

static void *fin_quick(void *a)
{
    fin_tid = gettid_();
    return a;
}

/* Joining a thread long gone: the kernel cleared and woke its tid word
 * when it exited, with nobody waiting. */
static void case_join_finished_thread(void)
{
    fin_tid = 0;
    pthread_t t = spawn(fin_quick, (void *)77);
    for (int ms = 0; !fin_tid; ms++) {
        T_EXPECT(ms < WAIT_MS, "the thread never ran");
        p_sleep_ms(1);
    }
    wait_gone(fin_tid);
    void *r = join(t);
    T_EXPECT(r == (void *)77, "joined %p, expected 77", r);
}

static int detached_done;

static void *detached_worker(void *a)
{
    if (a)
        PT(pthread_detach(pthread_self()));
    __atomic_add_fetch(&detached_done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

/* 100 detached threads (half by attribute, half detaching themselves) run
 * and vanish; detaching a finished thread frees it. */
static void case_detach(void)
{
    pthread_attr_t at;
    pthread_t t;
    PT(pthread_attr_init(&at));
    PT(pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED));
    for (int i = 0; i < 100; i++) {
        if (i % 2)
            PT(pthread_create(&t, &at, detached_worker, NULL));
        else
            PT(pthread_create(&t, NULL, detached_worker, (void *)1));
    }
    wait_value(&detached_done, 100, "detached threads done");
    wait_task_count(1);
    fin_tid = 0;
    t = spawn(fin_quick, NULL);
    for (int ms = 0; !fin_tid; ms++) {
        T_EXPECT(ms < WAIT_MS, "the thread never ran");
        p_sleep_ms(1);
    }
    wait_gone(fin_tid);
    PT(pthread_detach(t));
}

static pthread_key_t pe_key;
static int pe_destructed, pe_cleaned, pe_after;

static void pe_destructor(void *v)
{
    if (v == (void *)5)
        pe_destructed++;
}

static void pe_cleanup(void *a)
{
    pe_cleaned += (int)(uintptr_t)a;
}

static __attribute__((noinline)) void pe_deeper(void)
{
    pthread_exit((void *)42);
}

static __attribute__((noinline)) void pe_deep(void)
{
    pe_deeper();
    pe_after = 1;
}

static void *pe_thread(void *a)
{
    (void)a;
    pthread_setspecific(pe_key, (void *)5);
    pthread_cleanup_push(pe_cleanup, (void *)3);
    pe_deep();
    pthread_cleanup_pop(0);
    return NULL;
}

/* pthread_exit deep in a thread's calls: cleanup handlers and key
 * destructors run, nothing after it does, the main thread goes on. */
static void case_pthread_exit(void)
{
    PT(pthread_key_create(&pe_key, pe_destructor));
    void *r = join(spawn(pe_thread, NULL));
    T_EXPECT(r == (void *)42 && pe_cleaned == 3 && pe_destructed == 1 && !pe_after,
             "joined %p (42), cleanup %d (3), destructor %d (1), ran past pthread_exit %d", r,
             pe_cleaned, pe_destructed, pe_after);
}

static void *last_thread(void *a)
{
    (void)a;
    link_recv(link_.down[0]);
    link_send(link_.up[1], 'd');
    return NULL;
}

/* --main-pthread-exit UP DOWN: the process of main_pthread_exit, freshly
 * exec'd because musl (1.2.3) gives a forked child's main thread no
 * clear-tid word, so its pthread_exit would keep musl's thread list locked. */
static int main_pthread_exit_mode(char **argv)
{
    link_.up[1] = atoi(argv[2]);
    link_.down[0] = atoi(argv[3]);
    t_report_fd = atoi(argv[4]);
    spawn(last_thread, NULL);
    link_send(link_.up[1], 'm');
    pthread_exit(NULL);
}

/* The main thread calls pthread_exit: the process lives on in its other
 * thread and exits 0 when that one returns. */
static void case_main_pthread_exit(void)
{
    pid_t pid = link_fork();
    if (pid == 0) {
        char up[16], down[16], rep[16];
        snprintf(up, sizeof up, "%d", link_.up[1]);
        snprintf(down, sizeof down, "%d", link_.down[0]);
        snprintf(rep, sizeof rep, "%d", t_report_fd);
        execl(self, "threads", "--main-pthread-exit", up, down, rep, (char *)NULL);
        t_die("execl %s: %s", self, t_errname(errno));
    }
    T_EXPECT(link_recv(link_.up[0]) == 'm', "bad byte");
    p_sleep_ms(50);
    expect_alive(pid);
    link_send(link_.down[1], 'g');
    T_EXPECT(link_recv(link_.up[0]) == 'd', "the last thread did not finish");
    expect_exit(pid, 0);
}

static void on_exit_write(void)
{
    char c = 'a';
    if (write(link_.up[1], &c, 1) != 1)
        _exit(3);
}

static void *exit_thread(void *a)
{
    exit((int)(uintptr_t)a);
}

/* exit() in a thread ends the process with its status, atexit handlers
 * run once, while the main thread waits in pthread_join. */
static void case_exit_from_thread(void)
{
    pid_t pid = link_fork();
    if (pid == 0) {
        atexit(on_exit_write);
        join(spawn(exit_thread, (void *)42));
        _exit(99);
    }
    expect_exit(pid, 42);
    char buf[4];
    ssize_t n = p_read_full(link_.up[0], buf, sizeof buf);
    T_EXPECT(n == 1 && buf[0] == 'a', "the atexit handler wrote %zd bytes, expected 1", n);
}

static volatile int spinning;

static void *exit_group_thread(void *a)
{
    while (!spinning)
        p_sleep_ms(1);
    p_sleep_ms(20);
    syscall(SYS_exit_group, (int)(uintptr_t)a);
    return NULL;
}

/* exit_group from a thread ends a main thread spinning in program code. */
static void case_exit_group_spinning_main(void)
{
    pid_t pid = fork_proc();
    if (pid == 0) {
        spawn(exit_group_thread, (void *)43);
        spinning = 1;
        for (;;)
            ;
    }
    expect_exit(pid, 43);
}

static void *outliving_thread(void *a)
{
    int how = (int)(uintptr_t)a;
    link_recv(link_.down[0]);
    syscall(how ? SYS_exit : SYS_exit_group, how ? 9 : 7);
    return NULL;
}

/* The main thread ends with exit(2), status 5; the process lives on until
 * its last thread ends: exit_group(7) gives 7, and exit(2) with 9 gives 9
 * (Linux reports the last thread's code). */
static void main_exits_first(int how, int want)
{
    pid_t pid = link_fork();
    if (pid == 0) {
        spawn(outliving_thread, (void *)(uintptr_t)how);
        link_send(link_.up[1], 'm');
        syscall(SYS_exit, 5);
    }
    T_EXPECT(link_recv(link_.up[0]) == 'm', "bad byte");
    p_sleep_ms(50);
    expect_alive(pid);
    link_send(link_.down[1], 'g');
    expect_exit(pid, want);
}

static void case_main_exit_then_exit_group(void)
{
    main_exits_first(0, 7);
}

static void case_main_exit_then_thread_exit(void)
{
    main_exits_first(1, 9);
}

static void *null_writer(void *a)
{
    (void)a;
    p_sleep_ms(20);
    *(volatile int *)0 = 1;
    return NULL;
}

/* A fault in a thread kills the whole process with SIGSEGV, whether the
 * main thread sleeps in pthread_join or spins in program code. */
static void case_fault_in_thread(void)
{
    for (int spin = 0; spin < 2; spin++) {
        pid_t pid = fork_proc();
        if (pid == 0) {
            pthread_t t = spawn(null_writer, NULL);
            if (spin)
                for (;;)
                    ;
            join(t);
            _exit(99);
        }
        expect_killed(pid, SIGSEGV);
    }
}

static void *term_unblocked(void *a)
{
    (void)a;
    mask(SIG_UNBLOCK, SIGTERM);
    link_send(link_.up[1], 'r');
    for (;;)
        p_sleep_ms(1000);
    return NULL;
}

/* A fatal signal the main thread blocks, sent to the process, reaches the
 * thread that does not block it and kills the whole process. */
static void case_fatal_signal_kills_all(void)
{
    pid_t pid = link_fork();
    if (pid == 0) {
        mask(SIG_BLOCK, SIGTERM);
        join(spawn(term_unblocked, NULL));
        _exit(99);
    }
    T_EXPECT(link_recv(link_.up[0]) == 'r', "bad byte");
    kill(pid, SIGTERM);
    expect_killed(pid, SIGTERM);
}

static void *spin_forever(void *a)
{
    (void)a;
    link_send(link_.up[1], 's');
    for (;;)
        ;
    return NULL;
}

static void *cond_forever(void *a)
{
    static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    (void)a;
    pthread_mutex_lock(&m);
    link_send(link_.up[1], 'c');
    for (;;)
        pthread_cond_wait(&c, &m);
    return NULL;
}

/* SIGKILL ends a process whose threads spin, wait on a futex and join. */
static void case_sigkill_kills_all(void)
{
    pid_t pid = link_fork();
    if (pid == 0) {
        spawn(spin_forever, NULL);
        join(spawn(cond_forever, NULL));
        _exit(99);
    }
    link_recv(link_.up[0]);
    link_recv(link_.up[0]);
    kill(pid, SIGKILL);
    expect_killed(pid, SIGKILL);
}

/* ======== fork, exec and wait with threads ======== */

static volatile int ticks, ticking = 1;

static void *ticker(void *a)
{
    (void)a;
    while (ticking) {
        __atomic_add_fetch(&ticks, 1, __ATOMIC_SEQ_CST);
        p_sleep_ms(1);
    }
    return NULL;
}

static void *forker(void *a)
{
    pid_t parent = getpid();
    (void)a;
    pid_t pid = fork();
    if (pid == 0) {
        int n = task_count();
        _exit(n != 1 ? 1 : getpid() == parent ? 2 : gettid_() != getpid() ? 3 : 21);
    }
    T_EXPECT(pid > 0, "fork in a thread: %s", t_errname(errno));
    expect_exit(pid, 21);
    return NULL;
}

/* fork in a thread: the child is a copy of that thread alone (one task,
 * its tid its pid); the parent's other threads run on. */
static void case_fork_from_thread(void)
{
    pthread_t tick = spawn(ticker, NULL);
    join(spawn(forker, NULL));
    int t0 = ticks;
    p_sleep_ms(20);
    T_EXPECT(ticks > t0, "the parent's other thread stopped ticking after the fork");
    ticking = 0;
    join(tick);
}

static void *wait_in_thread(void *a)
{
    expect_exit((pid_t)(uintptr_t)a, 33);
    errno = 0;
    T_EXPECT(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
             "waitpid(-1) with no children: %s", t_errname(errno));
    return NULL;
}

static void *fork_in_thread(void *a)
{
    (void)a;
    pid_t pid = fork();
    if (pid == 0)
        _exit(34);
    return (void *)(uintptr_t)pid;
}

/* A thread waits for a child the main thread forked, and the main thread
 * for one a thread forked: children belong to the process. */
static void case_wait_from_thread(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(33);
    T_EXPECT(pid > 0, "fork: %s", t_errname(errno));
    join(spawn(wait_in_thread, (void *)(uintptr_t)pid));
    pid = (pid_t)(uintptr_t)join(spawn(fork_in_thread, NULL));
    T_EXPECT(pid > 0, "fork in a thread failed");
    expect_exit(pid, 34);
}

static void *exec_thread(void *a)
{
    char pid[16], ppid[16];
    (void)a;
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    snprintf(ppid, sizeof ppid, "%d", (int)getppid());
    execl(self, "threads", "--exec-check", pid, ppid, (char *)NULL);
    t_die("execl %s: %s", self, t_errname(errno));
}

/* execve in a thread (not the main one, with a third thread running): the
 * other threads go, the new image keeps the pid, its one thread's tid is
 * the pid, the parent is the same. */
static void case_exec_from_thread(void)
{
    pid_t pid = fork_proc();
    if (pid == 0) {
        spawn(ticker, NULL);
        join(spawn(exec_thread, NULL));
        _exit(99);
    }
    expect_exit(pid, EXEC_CODE);
}

static int exec_check(char **argv)
{
    if (getpid() != atoi(argv[2]))
        return 1;
    if (gettid_() != getpid())
        return 2;
    if (getppid() != atoi(argv[3]))
        return 3;
    t_report_fd = 2;
    if (task_count() != 1)
        return 4;
    return EXEC_CODE;
}

/* ======== robust mutexes ======== */

static pthread_mutex_t robust;

static void robust_init(int pshared)
{
    pthread_mutexattr_t at;
    PT(pthread_mutexattr_init(&at));
    PT(pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST));
    if (pshared)
        PT(pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED));
    PT(pthread_mutex_init(&robust, &at));
}

static void *robust_holder(void *a)
{
    PT(pthread_mutex_lock(&robust));
    if (a)
        syscall(SYS_exit, 0); /* no libc clean-up: only the kernel's robust list walk */
    return NULL;
}

/* A thread returns holding a robust mutex: the next locker gets
 * EOWNERDEAD, makes it consistent and goes on; left inconsistent, the
 * mutex becomes unrecoverable. */
static void case_robust_mutex(void)
{
    robust_init(0);
    join(spawn(robust_holder, NULL));
    int r = pthread_mutex_lock(&robust);
    T_EXPECT(r == EOWNERDEAD, "lock after the owner died: %s, expected EOWNERDEAD", t_errname(r));
    PT(pthread_mutex_consistent(&robust));
    PT(pthread_mutex_unlock(&robust));
    PT(pthread_mutex_lock(&robust));
    PT(pthread_mutex_unlock(&robust));
    join(spawn(robust_holder, NULL));
    r = pthread_mutex_lock(&robust);
    T_EXPECT(r == EOWNERDEAD, "second owner's death: %s, expected EOWNERDEAD", t_errname(r));
    PT(pthread_mutex_unlock(&robust));
    r = pthread_mutex_lock(&robust);
    T_EXPECT(r == ENOTRECOVERABLE,
             "lock after an unlock without consistent: %s, expected "
             "ENOTRECOVERABLE",
             t_errname(r));
}

static volatile pid_t robust_tid;

static void *robust_raw_holder(void *a)
{
    (void)a;
    PT(pthread_mutex_lock(&robust));
    robust_tid = gettid_();
    wait_sleeping(getpid(), getpid()); /* the main thread blocks in the lock */
    syscall(SYS_exit, 0);              /* no libc clean-up: only the kernel's robust list walk */
    return NULL;
}

/* A thread holding a robust mutex ends with a raw exit(2), so only the
 * kernel's walk of its robust list can mark the mutex and wake the main
 * thread, blocked in the lock. Process-shared, because musl hands only
 * those to the kernel (it handles the others in pthread_exit) and waits on
 * them with the shared futex the kernel wakes. Not joined: musl joins on a
 * word its pthread_exit sets, which a raw exit never does. */
static void case_robust_mutex_raw_exit(void)
{
    robust_init(1);
    spawn(robust_raw_holder, NULL);
    while (!robust_tid) /* spinning, not sleeping: the first sleep is in the lock */
        ;
    int r = pthread_mutex_lock(&robust);
    T_EXPECT(r == EOWNERDEAD, "lock while the owner died: %s, expected EOWNERDEAD", t_errname(r));
    PT(pthread_mutex_consistent(&robust));
    PT(pthread_mutex_unlock(&robust));
    wait_gone(robust_tid);
}

/* The robust list itself, libc aside (musl waits on its robust mutexes
 * with a private futex, which the kernel's shared wake at a thread's death
 * does not reach): a raw thread registers a list of two words it owns,
 * one with FUTEX_WAITERS set, and exits while the main thread waits on
 * that one. The kernel marks both FUTEX_OWNER_DIED, clearing the owner,
 * and wakes the waiter. */
#define FUTEX_WAITERS    0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
struct rl_entry {
    struct rl_entry *next;
    int lock;
};
static struct {
    struct rl_entry *next;
    long futex_offset;
    struct rl_entry *pending;
} rl_head;
static struct rl_entry rl_entries[2];
static volatile int rl_go;

static long raw_syscall2(long n, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

static int rl_owner(void *arg)
{
    int tid = (int)raw_syscall2(SYS_gettid, 0, 0);
    (void)arg;
    rl_entries[0].lock = (int)((unsigned)tid | FUTEX_WAITERS);
    rl_entries[1].lock = tid;
    rl_head.next = &rl_entries[0];
    rl_entries[0].next = &rl_entries[1];
    rl_entries[1].next = (struct rl_entry *)&rl_head;
    rl_head.futex_offset = (long)offsetof(struct rl_entry, lock);
    if (raw_syscall2(SYS_set_robust_list, (long)&rl_head, sizeof rl_head) != 0)
        return 1;
    raw_ran = 1;
    while (!rl_go)
        ;
    return 0;
}

static void *rl_release(void *a)
{
    (void)a;
    wait_sleeping(getpid(), getpid()); /* the main thread waits on the word */
    rl_go = 1;
    return NULL;
}

static char rl_stk[STACK_SIZE] __attribute__((aligned(16)));

static void case_robust_list_kernel(void)
{
    raw_ran = 0;
    long tid = raw_clone(THREAD_FLAGS, raw_stack(rl_stk, rl_owner, NULL), NULL, NULL, 0);
    T_EXPECT(tid > 0, "clone: %s", t_errname((int)-tid));
    wait_value(&raw_ran, 1, "the robust list registered");
    pthread_t t = spawn(rl_release, NULL);
    int v = rl_entries[0].lock;
    struct timespec ts = {WAIT_MS / 1000, 0};
    errno = 0;
    long r = futex(&rl_entries[0].lock, FUTEX_WAIT, v, &ts, NULL, 0);
    T_EXPECT(r == 0, "the wait on the dead owner's word: %ld/%s, expected 0 (woken)", r,
             t_errname(errno));
    join(t);
    wait_gone((pid_t)tid);
    T_EXPECT((unsigned)rl_entries[0].lock == (FUTEX_WAITERS | FUTEX_OWNER_DIED) &&
                 (unsigned)rl_entries[1].lock == FUTEX_OWNER_DIED,
             "words %#x and %#x, expected %#x and %#x", (unsigned)rl_entries[0].lock,
             (unsigned)rl_entries[1].lock, FUTEX_WAITERS | FUTEX_OWNER_DIED, FUTEX_OWNER_DIED);
}

/* A robust process-shared mutex in shared memory, held by a child process
 * when it exits, or when it execs: EOWNERDEAD for the parent. */
static void case_robust_mutex_process(void)
{
    pthread_mutex_t *m =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(m != MAP_FAILED, "mmap: %s", t_errname(errno));
    for (int ex = 0; ex < 2; ex++) {
        robust_init(1);
        memcpy(m, &robust, sizeof robust);
        pid_t pid = fork_proc();
        if (pid == 0) {
            PT(pthread_mutex_lock(m));
            if (ex)
                execl(self, "threads", "--exit", (char *)NULL);
            _exit(ex ? 98 : 0);
        }
        expect_exit(pid, 0);
        int r = pthread_mutex_lock(m);
        T_EXPECT(r == EOWNERDEAD, "lock after the holding process %s: %s, expected EOWNERDEAD",
                 ex ? "exec'd" : "exited", t_errname(r));
        PT(pthread_mutex_consistent(m));
        PT(pthread_mutex_unlock(m));
    }
}

/* ======== preemption ======== */

#define SPIN_ROUNDS 5
static volatile int spin_flag;

static void *spinner(void *a)
{
    (void)a;
    for (int r = 0; r < SPIN_ROUNDS; r++) {
        while (spin_flag != 2 * r + 1)
            ;
        spin_flag = 2 * r + 2;
    }
    return NULL;
}

static void *setter(void *a)
{
    (void)a;
    p_sleep_ms(20); /* wakes while the spinner spins: only preemption lets it run */
    for (int r = 0; r < SPIN_ROUNDS; r++) {
        spin_flag = 2 * r + 1;
        while (spin_flag != 2 * r + 2)
            ;
    }
    return NULL;
}

/* Two threads hand a flag back and forth spinning, no system calls: each
 * must be preempted for the other to see its turn. */
static void case_spinner_setter(void)
{
    pthread_t s = spawn(spinner, NULL), t = spawn(setter, NULL);
    join(t);
    join(s);
    T_EXPECT(spin_flag == 2 * SPIN_ROUNDS, "flag %d", spin_flag);
}

/* ======== /proc, names, affinity, usage ======== */

static void case_proc_task_list(void)
{
    pthread_t t[4];
    pid_t got[8];
    for (int i = 0; i < 4; i++)
        t[i] = spawn(gated_xor, NULL);
    gate_await(4);
    int n = task_list(got, 8);
    T_EXPECT(n == 5, "/proc/self/task lists %d entries with 4 threads, expected 5", n);
    int main_seen = 0;
    for (int i = 0; i < n; i++) {
        main_seen += got[i] == getpid();
        for (int j = 0; j < i; j++)
            T_EXPECT(got[i] != got[j], "tid %d listed twice", (int)got[i]);
    }
    T_EXPECT(main_seen == 1, "the main thread's tid %d listed %d times", (int)getpid(), main_seen);
    gate_open();
    for (int i = 0; i < 4; i++)
        join(t[i]);
    wait_task_count(1);
    n = task_list(got, 8);
    T_EXPECT(n == 1 && got[0] == getpid(), "after the joins: %d entries, first %d", n, (int)got[0]);
}

#define NAME_N 4
static pthread_barrier_t name_bar;
static pid_t name_tid[NAME_N];

static void *name_worker(void *a)
{
    int i = (int)(uintptr_t)a;
    char want[16], got[17] = "";
    snprintf(want, sizeof want, "worker-%d", i);
    T_EXPECT(prctl(PR_SET_NAME, want, 0, 0, 0) == 0, "PR_SET_NAME: %s", t_errname(errno));
    name_tid[i] = gettid_();
    pthread_barrier_wait(&name_bar); /* all named */
    T_EXPECT(prctl(PR_GET_NAME, got, 0, 0, 0) == 0 && strcmp(got, want) == 0,
             "thread %d: PR_GET_NAME \"%s\", expected \"%s\"", i, got, want);
    pthread_barrier_wait(&name_bar); /* the main thread read the comm files */
    return NULL;
}

static void read_small(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    T_EXPECT(fd >= 0, "open %s: %s", path, t_errname(errno));
    ssize_t r = read(fd, buf, n - 1);
    T_EXPECT(r >= 0, "read %s: %s", path, t_errname(errno));
    buf[r] = 0;
    close(fd);
}

/* prctl(PR_SET_NAME) names only the calling thread, as
 * /proc/self/task/TID/comm shows; the main thread keeps its name. */
static void case_thread_names(void)
{
    pthread_t t[NAME_N];
    char before[17] = "", after[17] = "", comm[64], path[64], want[32];
    T_EXPECT(prctl(PR_GET_NAME, before, 0, 0, 0) == 0, "PR_GET_NAME: %s", t_errname(errno));
    PT(pthread_barrier_init(&name_bar, NULL, NAME_N + 1));
    for (int i = 0; i < NAME_N; i++)
        t[i] = spawn(name_worker, (void *)(uintptr_t)i);
    pthread_barrier_wait(&name_bar);
    for (int i = 0; i < NAME_N; i++) {
        snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)name_tid[i]);
        snprintf(want, sizeof want, "worker-%d\n", i);
        read_small(path, comm, sizeof comm);
        T_EXPECT(strcmp(comm, want) == 0, "%s: \"%s\", expected \"worker-%d\\n\"", path, comm, i);
    }
    pthread_barrier_wait(&name_bar);
    for (int i = 0; i < NAME_N; i++)
        join(t[i]);
    T_EXPECT(prctl(PR_GET_NAME, after, 0, 0, 0) == 0 && strcmp(before, after) == 0,
             "the main thread's name changed from \"%s\" to \"%s\"", before, after);
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)getpid());
    snprintf(want, sizeof want, "%s\n", before);
    read_small(path, comm, sizeof comm);
    T_EXPECT(strcmp(comm, want) == 0, "%s: \"%s\", expected \"%s\\n\"", path, comm, before);
}

/* The number after "Key:\t" in a /proc status text, or -1. */
static long status_field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* /proc/self/task/TID/{stat,status} describe the thread: its tid, the
 * process's tgid; /proc/self/status counts the threads. */
static void case_proc_task_files(void)
{
    pthread_t t[4];
    char path[64], buf[2048];
    pid_t tids[8], pid = getpid();
    for (int i = 0; i < 4; i++)
        t[i] = spawn(gated_xor, NULL);
    gate_await(4);
    int n = task_list(tids, 8);
    T_EXPECT(n == 5, "/proc/self/task lists %d entries, expected 5", n);
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tids[i]);
        read_small(path, buf, sizeof buf);
        T_EXPECT(status_field(buf, "\nPid:\t") == tids[i] && status_field(buf, "\nTgid:\t") == pid,
                 "%s: Pid %ld Tgid %ld, expected %d and %d", path, status_field(buf, "\nPid:\t"),
                 status_field(buf, "\nTgid:\t"), (int)tids[i], (int)pid);
        snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)tids[i]);
        read_small(path, buf, sizeof buf);
        T_EXPECT(atoi(buf) == tids[i], "%s starts \"%.20s\", expected %d", path, buf, (int)tids[i]);
    }
    read_small("/proc/self/status", buf, sizeof buf);
    T_EXPECT(status_field(buf, "\nThreads:\t") == 5, "/proc/self/status: Threads %ld, expected 5",
             status_field(buf, "\nThreads:\t"));
    gate_open();
    for (int i = 0; i < 4; i++)
        join(t[i]);
}

static volatile pid_t aff_tid;
static volatile int aff_go;
static cpu_set_t aff_seen;

static void *aff_worker(void *a)
{
    (void)a;
    aff_tid = gettid_();
    while (!aff_go)
        p_sleep_ms(1);
    PT(sched_getaffinity(0, sizeof aff_seen, &aff_seen) == 0 ? 0 : errno);
    return NULL;
}

/* sched_{get,set}affinity on a thread's tid act on that thread alone. */
static void case_affinity_per_thread(void)
{
    cpu_set_t mine, one, other;
    T_EXPECT(sched_getaffinity(0, sizeof mine, &mine) == 0, "sched_getaffinity: %s",
             t_errname(errno));
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &mine))
        first++;
    T_EXPECT(first < CPU_SETSIZE, "an empty affinity mask");
    pthread_t t = spawn(aff_worker, NULL);
    while (!aff_tid)
        p_sleep_ms(1);
    T_EXPECT(sched_getaffinity(aff_tid, sizeof other, &other) == 0 && CPU_EQUAL(&other, &mine),
             "sched_getaffinity(tid %d): %s, or not the creator's mask", (int)aff_tid,
             t_errname(errno));
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    T_EXPECT(sched_setaffinity(aff_tid, sizeof one, &one) == 0, "sched_setaffinity(tid): %s",
             t_errname(errno));
    aff_go = 1;
    join(t);
    T_EXPECT(CPU_EQUAL(&aff_seen, &one), "the thread sees %d CPUs, expected only CPU %d",
             CPU_COUNT(&aff_seen), first);
    T_EXPECT(sched_getaffinity(0, sizeof other, &other) == 0 && CPU_EQUAL(&other, &mine),
             "the main thread's mask changed");
    errno = 0;
    T_EXPECT(sched_getaffinity(0x3fffffff, sizeof other, &other) == -1 && errno == ESRCH,
             "sched_getaffinity(no such tid): %s, expected ESRCH", t_errname(errno));
}

static void *cpu_burner(void *a)
{
    struct rusage ru;
    double t0 = p_now_us();
    (void)a;
    while (ms_since(t0) < 100)
        ;
    T_EXPECT(getrusage(RUSAGE_THREAD, &ru) == 0, "getrusage(RUSAGE_THREAD): %s", t_errname(errno));
    return (void *)(uintptr_t)(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
                               ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec);
}

static long usage_us(int who)
{
    struct rusage ru;
    T_EXPECT(getrusage(who, &ru) == 0, "getrusage(%d): %s", who, t_errname(errno));
    return ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
           ru.ru_stime.tv_usec;
}

/* getrusage(RUSAGE_THREAD) is the calling thread's CPU time: a thread that
 * spun 100 ms has used some, the main thread waiting in join little; the
 * process's time (RUSAGE_SELF) includes the thread's. */
static void case_rusage_thread(void)
{
    long before = usage_us(RUSAGE_THREAD);
    long spun = (long)(uintptr_t)join(spawn(cpu_burner, NULL));
    long main_t = usage_us(RUSAGE_THREAD) - before, all = usage_us(RUSAGE_SELF);
    T_EXPECT(spun >= 20000 && main_t < spun && all >= spun,
             "thread %ld us (>= 20000), main thread %ld us (less), process %ld us (at least the "
             "thread's)",
             spun, main_t, all);
}

/* ======== signals and threads ======== */

static volatile pid_t handled_tid;
static volatile int handled_sig, handled_code, handled_value;
static volatile int sig_quit;

static void on_sig_tid(int sig)
{
    handled_tid = gettid_();
    handled_sig = sig;
}

static void on_sig_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    handled_code = si->si_code;
    handled_value = si->si_value.sival_int;
    on_sig_tid(sig);
}

static volatile pid_t target_tid;

/* Records its tid, then sleeps in short naps until told to stop. */
static void *sig_target(void *a)
{
    if (a)
        mask(SIG_UNBLOCK, (int)(uintptr_t)a);
    target_tid = gettid_();
    while (!sig_quit)
        p_sleep_ms(1);
    return NULL;
}

static void await_handled(int sig, pid_t tid, const char *how)
{
    for (int ms = 0; !handled_sig; ms++) {
        T_EXPECT(ms < WAIT_MS, "%s: no handler ran in %d ms", how, WAIT_MS);
        p_sleep_ms(1);
    }
    T_EXPECT(handled_sig == sig && handled_tid == tid,
             "%s: signal %d handled in thread %d, "
             "expected %d in %d",
             how, handled_sig, (int)handled_tid, sig, (int)tid);
    handled_sig = 0;
    handled_tid = 0;
}

static pthread_t start_target(void *unblock)
{
    target_tid = 0;
    sig_quit = 0;
    pthread_t t = spawn(sig_target, unblock);
    while (!target_tid)
        p_sleep_ms(1);
    return t;
}

/* pthread_kill, tgkill and tkill reach the thread named, not another. */
static void case_pthread_kill(void)
{
    handle(SIGUSR1, on_sig_tid, SA_RESTART);
    pthread_t t = start_target(NULL);
    PT(pthread_kill(t, 0));
    PT(pthread_kill(t, SIGUSR1));
    await_handled(SIGUSR1, target_tid, "pthread_kill");
    T_EXPECT(syscall(SYS_tgkill, getpid(), target_tid, SIGUSR1) == 0, "tgkill: %s",
             t_errname(errno));
    await_handled(SIGUSR1, target_tid, "tgkill");
    T_EXPECT(syscall(SYS_tkill, target_tid, SIGUSR1) == 0, "tkill: %s", t_errname(errno));
    await_handled(SIGUSR1, target_tid, "tkill");
    errno = 0;
    T_EXPECT(syscall(SYS_tgkill, getppid(), target_tid, SIGUSR1) == -1 && errno == ESRCH,
             "tgkill with another process's tgid: %s, expected ESRCH", t_errname(errno));
    sig_quit = 1;
    join(t);
}

static void *sigwaiter(void *a)
{
    sigset_t s;
    int sig = 0;
    (void)a;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    target_tid = gettid_();
    PT(sigwait(&s, &sig));
    return (void *)(uintptr_t)sig;
}

/* Every thread blocks SIGUSR1; one waits for it in sigwait; kill() to the
 * process lands there. sigtimedwait times out with EAGAIN. */
static void case_sigwait(void)
{
    mask(SIG_BLOCK, SIGUSR1);
    pthread_t by = start_target(NULL);
    target_tid = 0;
    pthread_t w = spawn(sigwaiter, NULL);
    while (!target_tid)
        p_sleep_ms(1);
    wait_sleeping(getpid(), target_tid);
    T_EXPECT(kill(getpid(), SIGUSR1) == 0, "kill: %s", t_errname(errno));
    int sig = (int)(uintptr_t)join(w);
    T_EXPECT(sig == SIGUSR1, "sigwait returned signal %d", sig);
    sig_quit = 1;
    join(by);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    struct timespec ts = {0, 50 * 1000000L};
    double t0 = p_now_us();
    errno = 0;
    int r = sigtimedwait(&s, NULL, &ts);
    double ms = ms_since(t0);
    T_EXPECT(r == -1 && errno == EAGAIN && ms >= 40 && ms < 5000,
             "sigtimedwait: %d/%s after %.0f ms, expected EAGAIN after 50 ms", r, t_errname(errno),
             ms);
}

/* A signal sent to the process goes to the one thread not blocking it;
 * when the main thread does not block it either, to the main thread. */
static void case_process_signal_routing(void)
{
    handle(SIGUSR2, on_sig_tid, SA_RESTART);
    mask(SIG_BLOCK, SIGUSR2);
    pthread_t by = start_target(NULL);
    pthread_t t = start_target((void *)(uintptr_t)SIGUSR2);
    T_EXPECT(kill(getpid(), SIGUSR2) == 0, "kill: %s", t_errname(errno));
    await_handled(SIGUSR2, target_tid, "kill() with only one thread unblocked");
    mask(SIG_UNBLOCK, SIGUSR2);
    T_EXPECT(kill(getpid(), SIGUSR2) == 0, "kill: %s", t_errname(errno));
    await_handled(SIGUSR2, getpid(), "kill() with the main thread unblocked");
    sig_quit = 1;
    join(t);
    join(by);
}

static void *sender(void *a)
{
    (void)a;
    wait_sleeping(getpid(), getpid()); /* the main thread sleeps in pthread_join */
    T_EXPECT(kill(getpid(), SIGUSR2) == 0, "kill: %s", t_errname(errno));
    return NULL;
}

/* A thread signalling its own process: the main thread, asleep in
 * pthread_join and not blocking the signal, takes it. */
static void case_process_signal_from_thread(void)
{
    handle(SIGUSR2, on_sig_tid, SA_RESTART);
    join(spawn(sender, NULL));
    await_handled(SIGUSR2, getpid(), "kill() from a thread");
}

/* rt_tgsigqueueinfo queues a value to one thread; rt_sigqueueinfo to the
 * process reaches the thread that does not block the signal. */
static void case_sigqueueinfo(void)
{
    struct sigaction sa = {0};
    siginfo_t si;
    sa.sa_sigaction = on_sig_info;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    mask(SIG_BLOCK, SIGUSR1);
    pthread_t t = start_target((void *)(uintptr_t)SIGUSR1);
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_QUEUE;
    si.si_pid = getpid();
    si.si_uid = getuid();
    si.si_value.sival_int = 1234;
    T_EXPECT(syscall(SYS_rt_tgsigqueueinfo, getpid(), target_tid, SIGUSR1, &si) == 0,
             "rt_tgsigqueueinfo: %s", t_errname(errno));
    await_handled(SIGUSR1, target_tid, "rt_tgsigqueueinfo");
    T_EXPECT(handled_code == SI_QUEUE && handled_value == 1234,
             "si_code %d value %d, expected %d "
             "and 1234",
             handled_code, handled_value, SI_QUEUE);
    si.si_value.sival_int = 99;
    T_EXPECT(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si) == 0, "rt_sigqueueinfo: %s",
             t_errname(errno));
    await_handled(SIGUSR1, target_tid, "rt_sigqueueinfo");
    T_EXPECT(handled_value == 99, "value %d, expected 99", handled_value);
    sig_quit = 1;
    join(t);
}

static void *mask_child(void *a)
{
    (void)a;
    return (void *)(uintptr_t)blocked(SIGUSR1);
}

static void *mask_blocker(void *a)
{
    sigset_t pend;
    (void)a;
    mask(SIG_BLOCK, SIGUSR1);
    int inherited = (int)(uintptr_t)join(spawn(mask_child, NULL));
    T_EXPECT(inherited, "a thread made by a thread blocking SIGUSR1 does not block it");
    target_tid = gettid_();
    while (!sig_quit)
        p_sleep_ms(1);
    sigpending(&pend);
    T_EXPECT(sigismember(&pend, SIGUSR1) && !handled_sig,
             "SIGUSR1 sent to this thread while it "
             "blocks it: pending %d, handled %d",
             sigismember(&pend, SIGUSR1), handled_sig);
    mask(SIG_UNBLOCK, SIGUSR1);
    T_EXPECT(handled_sig == SIGUSR1 && handled_tid == gettid_(),
             "unblocking did not deliver the pending SIGUSR1 here");
    return NULL;
}

/* Signal masks are per thread: one thread blocking a signal blocks it for
 * itself and the threads it creates, not for the others; a signal sent to
 * it stays pending for it alone until it unblocks. */
static void case_sigmask_per_thread(void)
{
    sigset_t pend;
    handle(SIGUSR1, on_sig_tid, SA_RESTART);
    handled_sig = 0;
    target_tid = 0;
    sig_quit = 0;
    pthread_t t = spawn(mask_blocker, NULL);
    while (!target_tid)
        p_sleep_ms(1);
    T_EXPECT(!blocked(SIGUSR1), "the main thread blocks SIGUSR1 too");
    T_EXPECT(!(uintptr_t)join(spawn(mask_child, NULL)),
             "a thread of the main thread blocks SIGUSR1");
    PT(pthread_kill(t, SIGUSR1));
    sigpending(&pend);
    T_EXPECT(!sigismember(&pend, SIGUSR1), "the other thread's pending SIGUSR1 shows here");
    sig_quit = 1;
    join(t);
}

static char *alt_lo, *alt_hi;
static volatile int alt_on_stack;

static void on_alt(int sig)
{
    char here;
    (void)sig;
    alt_on_stack = &here >= alt_lo && &here < alt_hi;
}

static void *alt_thread(void *a)
{
    stack_t old, ss;
    (void)a;
    T_EXPECT(sigaltstack(NULL, &old) == 0 && (old.ss_flags & SS_DISABLE),
             "a new thread inherited an alternate signal stack (flags %#x)", old.ss_flags);
    ss.ss_sp = alt_lo = malloc(SIGSTKSZ * 4);
    ss.ss_size = SIGSTKSZ * 4;
    ss.ss_flags = 0;
    alt_hi = alt_lo + ss.ss_size;
    T_EXPECT(alt_lo && sigaltstack(&ss, NULL) == 0, "sigaltstack: %s", t_errname(errno));
    PT(pthread_kill(pthread_self(), SIGUSR1));
    T_EXPECT(alt_on_stack, "the SA_ONSTACK handler did not run on the thread's own stack");
    return NULL;
}

/* A new thread starts with no alternate signal stack, whatever its
 * creator has; the one it sets is its own. */
static void case_sigaltstack_per_thread(void)
{
    static char main_alt[65536];
    stack_t ss = {.ss_sp = main_alt, .ss_size = sizeof main_alt, .ss_flags = 0};
    struct sigaction sa = {0};
    T_EXPECT(sigaltstack(&ss, NULL) == 0, "sigaltstack: %s", t_errname(errno));
    sa.sa_handler = on_alt;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR1, &sa, NULL);
    join(spawn(alt_thread, NULL));
}

/* ======== futexes ======== */

static void expect_futex_err(const char *what, long r, int want)
{
    T_EXPECT(r == -1 && errno == want, "%s: %ld/%s, expected -1/%s", what, r, t_errname(errno),
             t_errname(want));
}

#define FUTEX_ERR(what, call, want)                                                                \
    do {                                                                                           \
        errno = 0;                                                                                 \
        expect_futex_err(what, (call), want);                                                      \
    } while (0)

/* Errors: a word that differs (EAGAIN), a misaligned word (EINVAL), a
 * word or timeout the kernel cannot read (EFAULT, kernel addresses
 * included), a bad timeout or bitset (EINVAL), an unknown operation
 * (ENOSYS), a CMP_REQUEUE whose value differs (EAGAIN) or with a negative
 * count (EINVAL). */
static void case_futex_errors(void)
{
    static int w[2] = {1, 0};
    int *kern = (int *)KERNEL_TEXT, *nonc = (int *)NONCANONICAL;
    struct timespec bad_ns = {0, 1000000000L}, neg = {-1, 0}, t10 = {0, 10 * 1000000L};
    FUTEX_ERR("WAIT on a different value", futex(w, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EAGAIN);
    FUTEX_ERR("WAIT (shared) on a different value", futex(w, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN);
    FUTEX_ERR("WAIT misaligned", futex((int *)((char *)w + 1), PRIV(FUTEX_WAIT), 1, NULL, NULL, 0),
              EINVAL);
    FUTEX_ERR("WAKE misaligned", futex((int *)((char *)w + 2), PRIV(FUTEX_WAKE), 1, NULL, NULL, 0),
              EINVAL);
    FUTEX_ERR("WAIT on NULL+8", futex((int *)8, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EFAULT);
    FUTEX_ERR("WAIT on a kernel address", futex(kern, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EFAULT);
    FUTEX_ERR("WAIT non-canonical", futex(nonc, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EFAULT);
    FUTEX_ERR("WAIT with a bad timeout pointer",
              futex(&w[1], PRIV(FUTEX_WAIT), 0, (struct timespec *)8, NULL, 0), EFAULT);
    FUTEX_ERR("WAIT with a kernel timeout pointer",
              futex(&w[1], PRIV(FUTEX_WAIT), 0, (struct timespec *)KERNEL_TEXT, NULL, 0), EFAULT);
    FUTEX_ERR("WAIT with tv_nsec 1e9", futex(&w[1], PRIV(FUTEX_WAIT), 0, &bad_ns, NULL, 0), EINVAL);
    FUTEX_ERR("WAIT with tv_sec -1", futex(&w[1], PRIV(FUTEX_WAIT), 0, &neg, NULL, 0), EINVAL);
    FUTEX_ERR("WAIT_BITSET with bitset 0", futex(&w[1], PRIV(FUTEX_WAIT_BITSET), 0, &t10, NULL, 0),
              EINVAL);
    FUTEX_ERR("WAKE_BITSET with bitset 0", futex(&w[1], PRIV(FUTEX_WAKE_BITSET), 1, NULL, NULL, 0),
              EINVAL);
    FUTEX_ERR("operation 99", futex(&w[1], 99, 0, NULL, NULL, 0), ENOSYS);
    FUTEX_ERR("CMP_REQUEUE on a different value",
              futex(&w[1], PRIV(FUTEX_CMP_REQUEUE), 1, (struct timespec *)1, &w[0], 5), EAGAIN);
    FUTEX_ERR("CMP_REQUEUE with a negative count",
              futex(&w[1], PRIV(FUTEX_CMP_REQUEUE), -1, (struct timespec *)1, &w[0], 0), EINVAL);
    FUTEX_ERR("WAKE_OP with a bad second word",
              futex(&w[1], PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, (int *)8,
                    FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
              EFAULT);
    FUTEX_ERR("WAKE_OP with a kernel second word",
              futex(&w[1], PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, kern,
                    FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
              EFAULT);
    long r = futex(&w[1], PRIV(FUTEX_WAKE), 1, NULL, NULL, 0);
    T_EXPECT(r == 0, "WAKE with no waiters: %ld, expected 0", r);
}

static void timed_wait(const char *what, int op, const struct timespec *ts, double min_ms,
                       double max_ms)
{
    static int w;
    double t0 = p_now_us();
    errno = 0;
    long r = futex(&w, op, 0, ts, NULL, (int)FUTEX_BITSET_ANY);
    double ms = ms_since(t0);
    T_EXPECT(r == -1 && errno == ETIMEDOUT && ms >= min_ms && ms < max_ms,
             "%s: %ld/%s after %.1f ms, expected ETIMEDOUT after %.0f-%.0f ms", what, r,
             t_errname(errno), ms, min_ms, max_ms);
}

static struct timespec abs_in(clockid_t clk, long ms)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += ms % 1000 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* Timeouts: FUTEX_WAIT's is relative (private and shared); WAIT_BITSET's
 * is absolute, on CLOCK_MONOTONIC or with FUTEX_CLOCK_REALTIME on
 * CLOCK_REALTIME; a time already past times out at once. */
static void case_futex_timeouts(void)
{
    struct timespec rel = {0, 50 * 1000000L}, past = {0, 1};
    timed_wait("WAIT 50 ms", PRIV(FUTEX_WAIT), &rel, 45, 5000);
    timed_wait("WAIT (shared) 50 ms", FUTEX_WAIT, &rel, 45, 5000);
    struct timespec mono = abs_in(CLOCK_MONOTONIC, 50);
    timed_wait("WAIT_BITSET until monotonic +50 ms", PRIV(FUTEX_WAIT_BITSET), &mono, 45, 5000);
    struct timespec real = abs_in(CLOCK_REALTIME, 50);
    timed_wait("WAIT_BITSET|CLOCK_REALTIME until realtime +50 ms",
               PRIV(FUTEX_WAIT_BITSET) | FUTEX_CLOCK_REALTIME, &real, 40, 5000);
    timed_wait("WAIT_BITSET until monotonic 1 ns (past)", PRIV(FUTEX_WAIT_BITSET), &past, 0, 1000);
    timed_wait("WAIT_BITSET|CLOCK_REALTIME until 1970 + 1 ns",
               PRIV(FUTEX_WAIT_BITSET) | FUTEX_CLOCK_REALTIME, &past, 0, 1000);
}

/* Futex waiters for the wake-up cases: each records the result of one
 * wait on its word (with its bitset), then the order it woke in. */
#define FW_MAX 4
static struct fwaiter {
    pthread_t t;
    int *word, op, bitset, index;
    volatile pid_t tid;
    volatile long result;
    volatile int err;
} fw[FW_MAX];
static int fw_order[FW_MAX], fw_woken;

static void *fw_thread(void *a)
{
    struct fwaiter *f = a;
    f->tid = gettid_();
    long r = futex(f->word, f->op, 0, NULL, NULL, f->bitset);
    f->err = errno;
    f->result = r;
    fw_order[__atomic_fetch_add(&fw_woken, 1, __ATOMIC_SEQ_CST)] = f->index;
    return NULL;
}

/* Starts waiter i on word (private FUTEX_WAIT_BITSET with bitset, or
 * FUTEX_WAIT if bitset is 0) and returns once it sleeps in the wait. */
static void fw_start(int i, int *word, int bitset)
{
    struct fwaiter *f = &fw[i];
    f->word = word;
    f->op = bitset ? PRIV(FUTEX_WAIT_BITSET) : PRIV(FUTEX_WAIT);
    f->bitset = bitset;
    f->index = i;
    f->tid = 0;
    f->result = -2;
    f->t = spawn(fw_thread, f);
    while (!f->tid)
        p_sleep_ms(1);
    wait_sleeping(getpid(), f->tid);
}

static void fw_join(int n)
{
    for (int i = 0; i < n; i++) {
        join(fw[i].t);
        T_EXPECT(fw[i].result == 0, "waiter %d: %ld/%s, expected 0 (woken)", i, fw[i].result,
                 t_errname(fw[i].err));
    }
}

static void expect_woke(const char *what, long r, long want)
{
    T_EXPECT(r == want, "%s: %ld/%s, expected %ld", what, r, r < 0 ? t_errname(errno) : "", want);
}

/* FUTEX_WAKE wakes as many as asked and says how many; waiters of equal
 * priority wake in the order they began to wait. */
static void case_futex_wake_fifo(void)
{
    static int w;
    fw_woken = 0;
    for (int i = 0; i < FW_MAX; i++)
        fw_start(i, &w, 0);
    for (int i = 0; i < FW_MAX; i++) {
        expect_woke("WAKE 1", futex(&w, PRIV(FUTEX_WAKE), 1, NULL, NULL, 0), 1);
        wait_value(&fw_woken, i + 1, "waiters woken");
    }
    expect_woke("WAKE with nobody waiting", futex(&w, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 0);
    fw_join(FW_MAX);
    for (int i = 0; i < FW_MAX; i++)
        T_EXPECT(fw_order[i] == i, "waiter %d woke in place %d", fw_order[i], i);
}

/* Three waiters: WAKE 2 wakes two, WAKE INT_MAX the third. */
static void case_futex_wake_count(void)
{
    static int w;
    fw_woken = 0;
    for (int i = 0; i < 3; i++)
        fw_start(i, &w, 0);
    expect_woke("WAKE 2 of 3", futex(&w, PRIV(FUTEX_WAKE), 2, NULL, NULL, 0), 2);
    wait_value(&fw_woken, 2, "waiters woken");
    expect_woke("WAKE INT_MAX of 1", futex(&w, PRIV(FUTEX_WAKE), 0x7fffffff, NULL, NULL, 0), 1);
    fw_join(3);
}

/* CMP_REQUEUE wakes one of three and moves two to another word, returning
 * three; the moved ones wake from there. REQUEUE moves without a compare. */
static void case_futex_requeue(void)
{
    static int a, b;
    fw_woken = 0;
    for (int i = 0; i < 3; i++)
        fw_start(i, &a, 0);
    expect_woke("CMP_REQUEUE wake 1 move 2",
                futex(&a, PRIV(FUTEX_CMP_REQUEUE), 1, (struct timespec *)2, &b, 0), 3);
    wait_value(&fw_woken, 1, "waiters woken");
    expect_woke("WAKE on the first word", futex(&a, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 0);
    expect_woke("WAKE on the second word", futex(&b, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 2);
    fw_join(3);
    fw_woken = 0;
    for (int i = 0; i < 2; i++)
        fw_start(i, &a, 0);
    expect_woke("REQUEUE wake 0 move 2",
                futex(&a, PRIV(FUTEX_REQUEUE), 0, (struct timespec *)2, &b, 0), 2);
    expect_woke("WAKE on the second word", futex(&b, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 2);
    fw_join(2);
}

/* WAKE_OP: add 1 to the second word, wake one on the first, and one on
 * the second as its old value was 0: two woken. */
static void case_futex_wake_op(void)
{
    static int a, b;
    fw_woken = 0;
    fw_start(0, &a, 0);
    fw_start(1, &b, 0);
    expect_woke("WAKE_OP",
                futex(&a, PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, &b,
                      FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
                2);
    T_EXPECT(b == 1, "the second word is %d after the op, expected 1", b);
    fw_join(2);
    expect_woke("WAKE_OP, compare false",
                futex(&a, PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, &b,
                      FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)),
                0);
    T_EXPECT(b == 2, "the second word is %d after the op, expected 2", b);
}

/* WAKE_BITSET wakes only waiters whose bitset meets its own. */
static void case_futex_bitset(void)
{
    static int w;
    fw_woken = 0;
    fw_start(0, &w, 0x1);
    fw_start(1, &w, 0x2);
    expect_woke("WAKE_BITSET 0x2", futex(&w, PRIV(FUTEX_WAKE_BITSET), 10, NULL, NULL, 0x2), 1);
    wait_value(&fw_woken, 1, "waiters woken");
    T_EXPECT(fw_order[0] == 1, "WAKE_BITSET 0x2 woke the waiter with bitset 0x1");
    expect_woke("WAKE (any bitset)", futex(&w, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 1);
    fw_join(2);
}

static volatile int intr_handled;

static void on_intr(int sig)
{
    (void)sig;
    intr_handled++;
}

/* One waiter in FUTEX_WAIT without a timeout, interrupted by pthread_kill
 * and then woken: the result of its wait. */
static long interrupted_wait(int sa_flags, int *err)
{
    static int w;
    struct fwaiter *f = &fw[0];
    handle(SIGUSR1, on_intr, sa_flags);
    intr_handled = 0;
    w = 0;
    f->word = &w;
    f->op = PRIV(FUTEX_WAIT);
    f->tid = 0;
    f->result = -2;
    fw_woken = 0;
    f->t = spawn(fw_thread, f);
    while (!f->tid)
        p_sleep_ms(1);
    wait_sleeping(getpid(), f->tid);
    PT(pthread_kill(f->t, SIGUSR1));
    for (int ms = 0; !intr_handled; ms++) {
        T_EXPECT(ms < WAIT_MS, "the handler never ran");
        p_sleep_ms(1);
    }
    p_sleep_ms(20);
    __atomic_store_n(&w, 1, __ATOMIC_SEQ_CST);
    futex(&w, PRIV(FUTEX_WAKE), 1, NULL, NULL, 0);
    join(f->t);
    *err = f->err;
    return f->result;
}

static void *timed_fw_thread(void *a)
{
    struct fwaiter *f = a;
    struct timespec ts = {20, 0};
    f->tid = gettid_();
    long r = futex(f->word, PRIV(FUTEX_WAIT), 0, &ts, NULL, 0);
    f->err = errno;
    f->result = r;
    return NULL;
}

/* A signal handler interrupting FUTEX_WAIT: EINTR without SA_RESTART;
 * with SA_RESTART the wait restarts (woken later: 0) unless it has a
 * timeout, which makes it EINTR again. */
static void case_futex_eintr(void)
{
    int err;
    long r = interrupted_wait(0, &err);
    T_EXPECT(r == -1 && err == EINTR, "no SA_RESTART: %ld/%s, expected EINTR", r, t_errname(err));
    r = interrupted_wait(SA_RESTART, &err);
    T_EXPECT(r == 0, "SA_RESTART, no timeout: %ld/%s, expected a restart and 0", r, t_errname(err));
    static int w;
    struct fwaiter *f = &fw[0];
    handle(SIGUSR1, on_intr, SA_RESTART);
    intr_handled = 0;
    w = 0;
    f->word = &w;
    f->tid = 0;
    f->t = spawn(timed_fw_thread, f);
    while (!f->tid)
        p_sleep_ms(1);
    wait_sleeping(getpid(), f->tid);
    PT(pthread_kill(f->t, SIGUSR1));
    join(f->t);
    T_EXPECT(f->result == -1 && f->err == EINTR && intr_handled == 1,
             "SA_RESTART with a timeout: %ld/%s, expected EINTR", f->result, t_errname(f->err));
}

/* A private futex is the address space's: a forked child waking the same
 * address wakes nobody in the parent. */
static void case_futex_private_fork(void)
{
    static int w;
    fw_woken = 0;
    fw_start(0, &w, 0);
    pid_t pid = fork_proc();
    if (pid == 0) {
        long p = futex(&w, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0);
        long s = futex(&w, FUTEX_WAKE, 10, NULL, NULL, 0);
        _exit(p == 0 && s == 0 ? 0 : 1);
    }
    expect_exit(pid, 0);
    T_EXPECT(fw_woken == 0, "the child's wake reached the parent's waiter");
    expect_woke("the parent's WAKE", futex(&w, PRIV(FUTEX_WAKE), 10, NULL, NULL, 0), 1);
    fw_join(1);
}

/* A shared futex in MAP_SHARED memory joins processes: the parent's wake
 * reaches the child waiting on the same page. */
static void case_futex_shared_processes(void)
{
    int *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    T_EXPECT(w != MAP_FAILED, "mmap: %s", t_errname(errno));
    *w = 0;
    pid_t pid = fork_proc();
    if (pid == 0)
        _exit(futex(w, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
    wait_sleeping(pid, pid);
    expect_woke("WAKE across processes", futex(w, FUTEX_WAKE, 10, NULL, NULL, 0), 1);
    expect_exit(pid, 0);
}

/* ======== raw clone ======== */

static char raw_stk[STACK_SIZE] __attribute__((aligned(16)));

/* A raw clone of a thread that marks raw_ran and exits: its result. */
static long raw_thread(unsigned long flags, int *ptid, int *ctid, unsigned long tls)
{
    raw_ran = 0;
    return raw_clone(flags, raw_stack(raw_stk, raw_mark, (void *)1), ptid, ctid, tls);
}

/* Waits until the raw thread tid ran and is gone. */
static void raw_finish(long tid, const char *what)
{
    T_EXPECT(tid > 0, "%s: clone failed: %s", what, t_errname((int)-tid));
    wait_value(&raw_ran, 1, what);
    wait_gone((pid_t)tid);
}

/* CLONE_THREAD needs CLONE_SIGHAND, CLONE_SIGHAND needs CLONE_VM: EINVAL. */
static void case_clone_flag_errors(void)
{
    long r = raw_thread(CLONE_VM | CLONE_THREAD, NULL, NULL, 0);
    T_EXPECT(r == -EINVAL, "CLONE_THREAD without CLONE_SIGHAND: %ld, expected -EINVAL", r);
    r = raw_thread(CLONE_THREAD, NULL, NULL, 0);
    T_EXPECT(r == -EINVAL, "CLONE_THREAD alone: %ld, expected -EINVAL", r);
    r = raw_thread(CLONE_SIGHAND | SIGCHLD, NULL, NULL, 0);
    if (r > 0)
        waitpid((pid_t)r, NULL, 0);
    T_EXPECT(r == -EINVAL, "CLONE_SIGHAND without CLONE_VM: %ld, expected -EINVAL", r);
    T_EXPECT(task_count() == 1 && !raw_ran, "a refused clone left a thread behind");
}

/* The tid words: CLONE_PARENT_SETTID is written before clone returns,
 * CLONE_CHILD_SETTID before the child runs, CLONE_CHILD_CLEARTID (and
 * set_tid_address) cleared and woken at the thread's exit. */
static volatile int tw_go;
static int tw_clear = 77;

static int tw_child(void *arg)
{
    (void)arg;
    raw_ran = 1;
    while (!tw_go)
        ;
    return 0;
}

static int tw_set_address(void *arg)
{
    (void)arg;
    raw_syscall1(SYS_set_tid_address, (long)&tw_clear);
    raw_ran = 1;
    return 0;
}

static void case_clone_tid_words(void)
{
    static int ptid, ctid;
    raw_ran = 0;
    long r =
        raw_clone(THREAD_FLAGS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID,
                  raw_stack(raw_stk, tw_child, NULL), &ptid, &ctid, 0);
    T_EXPECT(r > 0, "clone: %s", t_errname((int)-r));
    T_EXPECT(ptid == r, "parent tid word %d, clone returned %ld", ptid, r);
    wait_value(&raw_ran, 1, "the raw thread ran");
    T_EXPECT(ctid == r, "child tid word %d, expected %ld", ctid, r);
    tw_go = 1;
    wait_zero(&ctid, "the CLONE_CHILD_CLEARTID word");
    wait_gone((pid_t)r);
    raw_ran = 0;
    r = raw_clone(THREAD_FLAGS, raw_stack(raw_stk, tw_set_address, NULL), NULL, NULL, 0);
    T_EXPECT(r > 0, "clone: %s", t_errname((int)-r));
    wait_zero(&tw_clear, "the set_tid_address word");
    wait_gone((pid_t)r);
}

/* Tid pointers the kernel cannot write (NULL+8, a kernel address, a
 * non-canonical one) are skipped, as Linux does: the clone succeeds, the
 * thread runs and exits, the process lives. */
static void case_clone_bad_tid_pointers(void)
{
    static const unsigned long bad[] = {8, KERNEL_TEXT, NONCANONICAL};
    for (int i = 0; i < 3; i++) {
        int *p = (int *)bad[i];
        raw_finish(raw_thread(THREAD_FLAGS | CLONE_PARENT_SETTID, p, NULL, 0),
                   "CLONE_PARENT_SETTID");
        raw_finish(raw_thread(THREAD_FLAGS | CLONE_CHILD_SETTID, NULL, p, 0), "CLONE_CHILD_SETTID");
        raw_finish(raw_thread(THREAD_FLAGS | CLONE_CHILD_CLEARTID, NULL, p, 0),
                   "CLONE_CHILD_CLEARTID");
    }
    T_EXPECT(task_count() == 1, "threads left behind");
}

/* A TLS base that is no user address: EPERM, no thread. */
static void case_clone_bad_tls(void)
{
    static const unsigned long bad[] = {NONCANONICAL, KERNEL_TEXT, 0x8000000000000000ul};
    for (int i = 0; i < 3; i++) {
        long r = raw_thread(THREAD_FLAGS | CLONE_SETTLS, NULL, NULL, bad[i]);
        T_EXPECT(r == -EPERM, "CLONE_SETTLS %#lx: %ld, expected -EPERM", bad[i], r);
    }
    p_sleep_ms(20);
    T_EXPECT(!raw_ran && task_count() == 1, "a refused clone ran a thread");
}

/* Stack 0: the thread starts on the caller's stack pointer (Linux). */
static void case_clone_stack_zero(void)
{
    sp0_done = 0;
    long r = raw_clone_sp0(THREAD_FLAGS);
    T_EXPECT(r > 0, "clone with stack 0: %s", t_errname((int)-r));
    wait_value(&sp0_done, 1, "the stack-0 thread ran");
    T_EXPECT(sp0_child == sp0_parent, "the thread's stack pointer %#lx, the caller's %#lx",
             sp0_child, sp0_parent);
    wait_gone((pid_t)r);
}

/* A thread whose stack is unmapped faults on its first push or pop: the
 * whole process dies with SIGSEGV. */
static void case_clone_bad_stack(void)
{
    pid_t pid = fork_proc();
    if (pid == 0) {
        raw_clone(THREAD_FLAGS, (void *)4096, NULL, NULL, 0);
        p_sleep_ms(5000);
        _exit(99);
    }
    expect_killed(pid, SIGSEGV);
}

/* ======== the runner ======== */

static const struct {
    const char *name;
    void (*fn)(void);
} cases[] = {
    {"create_join_one", case_create_join_one},
    {"create_join_1000_sequential", case_create_join_1000_sequential},
    {"create_join_100_alive", case_create_join_100_alive},
    {"create_join_10000_sequential", case_create_join_10000_sequential},
    {"thread_rlimit_nproc", case_thread_rlimit_nproc},
    {"wait_wnothread", case_wait_wnothread},
    {"getpid_gettid", case_getpid_gettid},
    {"tls_per_thread", case_tls_per_thread},
    {"errno_per_thread", case_errno_per_thread},
    {"mutex_contention", case_mutex_contention},
    {"mutex_errorcheck", case_mutex_errorcheck},
    {"cond_producer_consumer", case_cond_producer_consumer},
    {"cond_broadcast", case_cond_broadcast},
    {"cond_timedwait", case_cond_timedwait},
    {"rwlock", case_rwlock},
    {"barrier", case_barrier},
    {"semaphore", case_semaphore},
    {"pthread_once", case_pthread_once},
    {"join_finished_thread", case_join_finished_thread},
    {"detach", case_detach},
    {"pthread_exit", case_pthread_exit},
    {"main_pthread_exit", case_main_pthread_exit},
    {"exit_from_thread", case_exit_from_thread},
    {"exit_group_spinning_main", case_exit_group_spinning_main},
    {"main_exit_then_exit_group", case_main_exit_then_exit_group},
    {"main_exit_then_thread_exit", case_main_exit_then_thread_exit},
    {"fault_in_thread", case_fault_in_thread},
    {"fatal_signal_kills_all", case_fatal_signal_kills_all},
    {"sigkill_kills_all", case_sigkill_kills_all},
    {"fork_from_thread", case_fork_from_thread},
    {"wait_from_thread", case_wait_from_thread},
    {"exec_from_thread", case_exec_from_thread},
    {"robust_mutex", case_robust_mutex},
    {"robust_mutex_raw_exit", case_robust_mutex_raw_exit},
    {"robust_mutex_process", case_robust_mutex_process},
    {"robust_list_kernel", case_robust_list_kernel},
    {"spinner_setter", case_spinner_setter},
    {"proc_task_list", case_proc_task_list},
    {"proc_task_files", case_proc_task_files},
    {"thread_names", case_thread_names},
    {"affinity_per_thread", case_affinity_per_thread},
    {"rusage_thread", case_rusage_thread},
    {"pthread_kill", case_pthread_kill},
    {"sigwait", case_sigwait},
    {"process_signal_routing", case_process_signal_routing},
    {"process_signal_from_thread", case_process_signal_from_thread},
    {"sigqueueinfo", case_sigqueueinfo},
    {"sigmask_per_thread", case_sigmask_per_thread},
    {"sigaltstack_per_thread", case_sigaltstack_per_thread},
    {"futex_errors", case_futex_errors},
    {"futex_timeouts", case_futex_timeouts},
    {"futex_wake_fifo", case_futex_wake_fifo},
    {"futex_wake_count", case_futex_wake_count},
    {"futex_requeue", case_futex_requeue},
    {"futex_wake_op", case_futex_wake_op},
    {"futex_bitset", case_futex_bitset},
    {"futex_eintr", case_futex_eintr},
    {"futex_private_fork", case_futex_private_fork},
    {"futex_shared_processes", case_futex_shared_processes},
    {"clone_flag_errors", case_clone_flag_errors},
    {"clone_tid_words", case_clone_tid_words},
    {"clone_bad_tid_pointers", case_clone_bad_tid_pointers},
    {"clone_bad_tls", case_clone_bad_tls},
    {"clone_stack_zero", case_clone_stack_zero},
    {"clone_bad_stack", case_clone_bad_stack},
};

/* Runs case i in a child of its own process group: ok, or FAIL with what
 * the case said, or how its child ended. */
static void run(unsigned i)
{
    char why[600];
    int st = 0;
    double t0 = p_now_us();
    if (!t_case_run(cases[i].name, cases[i].fn, ALARM_S, T_CASE_GROUP, why, sizeof(why), &st))
        return;
    double ms = (p_now_us() - t0) / 1000;
    if (ms >= SLOW_MS)
        printf("time %s: %.0f ms\n", cases[i].name, ms);
    if (t_case_passed(cases[i].name, why, st))
        t_ok(cases[i].name);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--exec-check") == 0)
        return exec_check(argv);
    if (argc == 5 && strcmp(argv[1], "--main-pthread-exit") == 0)
        return main_pthread_exit_mode(argv);
    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        return 0;
    const char *base = strrchr(argv[0], '/');
    self = p_self_path(base ? base + 1 : argv[0]);
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (t_case_named(argc, argv, cases[i].name))
            run(i);
    }
    return t_done("threads");
}
