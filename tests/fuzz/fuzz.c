/* fuzz: a seeded random system-call fuzzer, run as init (pid 1).
 *
 *     fuzz SEED CALLS [WORKERS [SEEDS]]
 *
 * For each of SEEDS seeds (SEED, SEED+1, ...), pid 1 forks WORKERS workers
 * and waits; each worker issues CALLS/WORKERS random system calls in
 * batches of BATCH_CALLS, each batch in a fresh child of the worker so that
 * what a call does to its own address space (munmap of its stack, a bad
 * signal handler, a lowered rlimit) ends only that child. The calls, their
 * numbers and arguments come from a PRNG seeded with (seed, worker, batch):
 * a seed replays. Arguments: small and huge integers, flag bits, open,
 * closed and bogus descriptors, pointers into the worker's buffers (one
 * read-only, one followed by an unmapped page), NULL, unmapped, kernel
 * (direct map, kernel image) and non-canonical addresses.
 *
 * A batch that blocks is killed by its worker after BATCH_SECONDS; pid 1
 * wakes every second and reports a machine that stalled or stopped making
 * progress. Crashes of batches are counted by signal (they are expected: a
 * random munmap or mprotect can take the program's own text away); a
 * crash or hang logs the batch's last calls, so that a finding can be cut
 * down to one call. At the end: calls per second, free memory and the
 * process count before and after (the test kernel adds its own leak and
 * kernel-canary lines when init exits).
 *
 * Calls that would end the run for the wrong reason are left out or
 * narrowed: reboot; vfork; kill/tkill/tgkill at anything but the batch
 * itself; syslog's console-off and console-level actions (the report
 * lines the test kernel prints at the end would no longer reach the
 * console); execve of a real program; blocking waits are mostly WNOHANG and
 * pause/rt_sigsuspend rare. Names stay in the batch's own directory
 * (no rmdir, rename or chdir): what a call leaves elsewhere would read as
 * a leak at the end. FUZZ_ESCAPE=1 in the environment lets those calls
 * through too (the entry counts then tell nothing); see confined(). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS   16
#define BATCH_CALLS   1000
#define BATCH_SECONDS 2
#define RING          8 /* calls remembered per worker */
#define NSYS          451
#define PAGE          4096ul
#define RW_PAGES      4
#define SCRATCH_PAGES 16
#define LOG_MAX       12 /* crash/hang reports per seed */
#define STALL_MS      10000
#define NO_PROGRESS_S 60

/* ---- the shared page: what the batches tell pid 1 ------------------------ */

#define NO_RETURN (0xdeadull << 48)

struct call {
    uint64_t nr, a[6], ret;
};

struct wstats {
    uint64_t calls;    /* issued by this worker's batches */
    uint64_t batches;  /* batches run */
    uint64_t exited;   /* batches that ended themselves (exit, exit_group) */
    uint64_t hangs;    /* batches killed after BATCH_SECONDS */
    uint64_t sig[65];  /* batches killed by signal N */
    uint64_t done;     /* the last batch that ran to its end, plus one */
    uint64_t ring_pos; /* ring[ring_pos % RING] is the next slot */
    struct call ring[RING];
};

struct shared {
    struct wstats w[MAX_WORKERS];
    int logged; /* crash/hang reports printed this seed */
};

static struct shared *sh;
static int escape; /* FUZZ_ESCAPE=1 */
/* Minimising a finding: FUZZ_ONLY=W:FIRST-LAST runs only those batches of
 * worker W, FUZZ_STOP=N only the first N calls of each, FUZZ_TRACE=1 prints
 * every call before it is made. */
static unsigned only_w = ~0u;
static uint64_t only_first, only_last = ~0ull, stop_after = ~0ull;
static int trace_fd = -1;

/* ---- the PRNG: splitmix64, one stream per batch -------------------------- */

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t n)
{
    return rnd() % n;
}

static int chance(unsigned percent)
{
    return below(100) < percent;
}

static void seed_batch(uint64_t seed, unsigned worker, uint64_t batch)
{
    rng = seed * 0x100000001b3ull ^ ((uint64_t)worker << 48) ^ batch;
    rnd();
}

/* ---- raw system calls: no errno, no TLS (a call may change %fs) ---------- */

static long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* fork and clone: a child (0 in rax), on whatever stack it was given, exits
 * at once without touching memory. */
static long raw_forklike(long nr, long a, long b, long c, long d, long e)
{
    register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
    long ret;
    __asm__ volatile("syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "mov $60, %%eax\n\t"
                     "xor %%edi, %%edi\n\t"
                     "syscall\n\t"
                     "ud2\n"
                     "1:"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
}

/* A signal handler that returns, and the restorer it returns through. */
void fz_restorer(void);
__asm__(".text\n.globl fz_restorer\nfz_restorer:\n\tmov $15, %eax\n\tsyscall\n\tud2\n");

static int fault_signal(uint64_t sig);

/* For a fault it puts the default action back: the faulting instruction
 * runs again and the batch dies of the signal instead of looping. */
static void fz_handler(int sig)
{
    uint64_t dfl[4] = {0, 0x04000000, (uint64_t)&fz_restorer, 0};
    if (fault_signal(sig))
        raw6(SYS_rt_sigaction, sig, (long)dfl, 0, 8, 0, 0);
}

/* ---- the worker's playground: buffers, descriptors, paths ----------------- */

static uint8_t *rw;      /* RW_PAGES read-write pages, then an unmapped page */
static uint8_t *ro;      /* one read-only page */
static uint8_t *hole;    /* an unmapped page */
static uint8_t *scratch; /* SCRATCH_PAGES pages for the memory calls to play with */
static int fds[12];      /* open descriptors of every kind, and a closed one */
static unsigned nfds;
static char dir[64]; /* /tmp/fzW, the batch's cwd */
static char longpath[5000];

static void die(const char *what)
{
    printf("fuzz: %s: %s\n", what, strerror(errno));
    fflush(stdout);
    _exit(2);
}

static void make_buffers(void)
{
    uint8_t *m =
        mmap(0, (RW_PAGES + 3) * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        die("mmap");
    rw = m;
    hole = m + RW_PAGES * PAGE; /* the page after rw */
    ro = m + (RW_PAGES + 1) * PAGE;
    memset(ro, 0x5a, PAGE);
    if (munmap(hole, PAGE) || mprotect(ro, PAGE, PROT_READ) || munmap(ro + PAGE, PAGE))
        die("munmap/mprotect");
    scratch =
        mmap(0, SCRATCH_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (scratch == MAP_FAILED)
        die("mmap scratch");
    memset(longpath, 'a', sizeof(longpath) - 1);
    for (size_t i = 0; i + 1 < sizeof(longpath); i += 64)
        longpath[i] = '/';
}

static void put_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0 && write(fd, text, strlen(text)) >= 0)
        close(fd);
    else if (fd >= 0)
        close(fd);
}

/* /tmp/fzW with files, and directories that can never be empty ("keep" is
 * in no path pool), so that no call can remove a directory a batch sits in
 * or holds open (see confined()). Made again before every batch: the last
 * one may have removed or changed the files (what it did to them stays). */
static void make_tree(unsigned w)
{
    char d[80];
    snprintf(dir, sizeof(dir), "/tmp/fz%u", w);
    snprintf(d, sizeof(d), "%s/d", dir);
    if (mkdir(dir, 0755) && errno != EEXIST)
        die(dir);
    mkdir(d, 0755);
    put_file("keep", "keep\n");
    put_file("d/keep", "keep\n");
    put_file("a", "#!/nonexistent\nsome text in a file\n");
    put_file("d/f", "another file\n");
}

/* A descriptor, or -1 if the last batch left path unopenable. */
static int open_fd(const char *path, int flags)
{
    return open(path, flags, 0644);
}

/* The batch's descriptors: 0-2 on /dev/null (nothing a batch does reaches
 * the console), then one of each kind. */
static void open_fds(void)
{
    int p[2], n = open_fd("/dev/null", O_RDWR);
    for (int i = 0; i < 3; i++)
        dup2(n, i);
    close(n);
    nfds = 0;
    fds[nfds++] = open_fd("/dev/null", O_RDWR);
    fds[nfds++] = open_fd("a", O_RDWR);
    fds[nfds++] = open_fd("d", O_RDONLY | O_DIRECTORY);
    fds[nfds++] = open_fd("d/f", O_RDONLY);
    fds[nfds++] = open_fd("/dev/zero", O_RDONLY);
    fds[nfds++] = open_fd("/proc/meminfo", O_RDONLY);
    fds[nfds++] = open_fd("/dev/urandom", O_RDONLY);
    if (pipe2(p, O_NONBLOCK))
        die("pipe2");
    fds[nfds++] = p[0];
    fds[nfds++] = p[1];
    fds[nfds++] = open_fd("/tmp", O_RDONLY | O_DIRECTORY);
    int c = open_fd("/dev/null", O_RDONLY);
    close(c);
    fds[nfds++] = c; /* closed */
}

/* ---- argument generators ---------------------------------------------------- */

static uint64_t gen_int(void)
{
    static const uint64_t special[] = {0,
                                       1,
                                       2,
                                       3,
                                       4,
                                       7,
                                       8,
                                       16,
                                       255,
                                       4095,
                                       4096,
                                       4097,
                                       65536,
                                       0x7fffffff,
                                       0x80000000,
                                       0xffffffff,
                                       0x100000000ull,
                                       0x7fffffffffffffffull,
                                       0x8000000000000000ull,
                                       0xffffffffffffffffull,
                                       0xfffffffffffff000ull};
    switch (below(4)) {
    case 0:
        return special[below(sizeof(special) / sizeof(special[0]))];
    case 1:
        return below(64);
    case 2:
        return (uint32_t)rnd();
    default:
        return rnd();
    }
}

static uint64_t gen_flags(void)
{
    switch (below(5)) {
    case 0:
        return 0;
    case 1:
        return 1ull << below(32);
    case 2:
        return (1ull << below(32)) | (1ull << below(32));
    case 3:
        return (uint32_t)rnd();
    default:
        return rnd() & rnd() & 0xffffffff;
    }
}

static uint64_t gen_len(void)
{
    static const uint64_t special[] = {0,
                                       1,
                                       8,
                                       16,
                                       64,
                                       4095,
                                       4096,
                                       4097,
                                       8192,
                                       16384,
                                       RW_PAGES * 4096,
                                       0x7fffffff,
                                       0xffffffff,
                                       1ull << 40,
                                       0x7fffffffffffffffull,
                                       0xffffffffffffffffull};
    switch (below(3)) {
    case 0:
        return special[below(sizeof(special) / sizeof(special[0]))];
    case 1:
        return below(256);
    default:
        return below(RW_PAGES * PAGE + 64);
    }
}

/* An address the kernel must not read or write for a program. */
static uint64_t gen_kernel_addr(void)
{
    switch (below(6)) {
    case 0:
        return 0xffff800000000000ull + below(1 << 20); /* direct map, low */
    case 1:
        return 0xffff800000200000ull + below(8 << 20); /* the kernel, mapped again */
    case 2:
        return 0xffffffff80200000ull + below(8 << 20); /* kernel image */
    case 3:
        return 0x0000800000000000ull - below(2) * 8; /* first non-user */
    case 4:
        return 0x8000000000000000ull + below(2) * 0x1000; /* non-canonical */
    default:
        return 0x0000800000000000ull + (rnd() & 0x00007ffffffff000ull); /* non-canonical */
    }
}

/* A pointer for a buffer argument. */
static uint64_t gen_ptr(void)
{
    uint8_t local;
    switch (below(12)) {
    case 0:
        return 0;
    case 1:
    case 2:
    case 3:
        return (uint64_t)(rw + below(RW_PAGES * PAGE));
    case 4:
        return (uint64_t)(hole - 1 - below(64)); /* the next page is unmapped */
    case 5:
        return (uint64_t)(ro + below(PAGE));
    case 6:
        return (uint64_t)(hole + below(PAGE));
    case 7:
        return (uint64_t)&fz_handler; /* program text */
    case 8:
        return (uint64_t)(&local - 8192 - below(4096)); /* the unused stack */
    case 9:
    case 10:
        return gen_kernel_addr();
    default:
        return rnd();
    }
}

/* A user address the program owns, or NULL. */
static uint64_t gen_user_ptr(void)
{
    return chance(20) ? 0 : (uint64_t)(rw + below(RW_PAGES * PAGE / 8) * 8);
}

static uint64_t gen_fd(void)
{
    switch (below(8)) {
    case 0:
        return below(24);
    case 1:
        return gen_int();
    case 2:
        return (uint64_t)-100; /* AT_FDCWD */
    default:
        return fds[below(nfds)];
    }
}

static uint64_t gen_dirfd(void)
{
    return chance(50) ? (uint64_t)-100 : gen_fd();
}

/* Paths to read; to create (only under the batch's directory: no call may
 * create a name anywhere else, in /proc in particular, see confined()). */
static const char *const read_paths[] = {
    "/",
    "/tmp",
    "/dev/null",
    "/dev/zero",
    "/proc/meminfo",
    "/proc/self/stat",
    "/proc/self/status",
    "/proc/uptime",
    "/nonexistent",
    "/nonexistent/x",
    ".",
    "..",
    "a",
    "d",
    "d/f",
    "d/keep/x",
    "",
    "/dev/null/x",
    "///tmp//./",
};
static const char *const create_paths[] = {
    "a", "b", "c", "d/e", "d/f", "d/g", "x/y", "l", "d/", "n", "d/d2", "d/d2/e",
};

static uint64_t gen_path_from(const char *const *pool, size_t n)
{
    switch (below(10)) {
    case 0:
        return gen_ptr();
    case 1: { /* a long relative path (one from a '/' would be absolute) */
        uint64_t off = below(sizeof(longpath));
        return (uint64_t)longpath + (longpath[off] == '/' ? off + 1 : off);
    }
    case 2: { /* a name running into the unmapped page */
        char *p = (char *)hole - 1 - below(8);
        memset(p, 'z', (char *)hole - p);
        return (uint64_t)p;
    }
    default:
        return (uint64_t)pool[below(n)];
    }
}

static uint64_t gen_path(void)
{
    return gen_path_from(read_paths, sizeof(read_paths) / sizeof(read_paths[0]));
}

static uint64_t gen_create_path(void)
{
    return gen_path_from(create_paths, sizeof(create_paths) / sizeof(create_paths[0]));
}

/* A struct timespec (or timeval) of at most a millisecond, or any pointer. */
static uint64_t gen_timespec(void)
{
    if (chance(25))
        return gen_ptr();
    uint64_t *t = (uint64_t *)(rw + below(RW_PAGES * PAGE / 16 - 1) * 16);
    t[0] = 0;
    t[1] = below(1000000);
    return (uint64_t)t;
}

/* An iovec array in the read-write buffer. */
static uint64_t gen_iov(void)
{
    if (chance(20))
        return gen_ptr();
    uint64_t *v = (uint64_t *)(rw + below(RW_PAGES * PAGE / 16 - 8) * 16);
    for (int i = 0; i < 8; i++) {
        v[2 * i] = gen_ptr();
        v[2 * i + 1] = gen_len();
    }
    return (uint64_t)v;
}

static uint64_t gen_mode(void)
{
    return chance(70) ? below(010000) : gen_int();
}

static uint64_t gen_small(unsigned n)
{
    return chance(85) ? below(n) : gen_int();
}

static int fault_signal(uint64_t sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP ||
           sig == SIGSYS;
}

/* A signal for kill and friends: the batch has a handler for all but
 * SIGKILL, SIGSTOP and the faults (see catch_all()), which come rarely. */
static uint64_t gen_kill_sig(void)
{
    uint64_t sig = gen_small(66);
    return (sig == SIGKILL || sig == SIGSTOP || fault_signal(sig)) && !chance(5) ? 0 : sig;
}

static uint64_t self_pid(void)
{
    return raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
}

/* A page-aligned address for the memory calls: mostly the scratch area
 * (rarely the buffers the batch builds arguments in), or anywhere. */
static uint64_t gen_addr(void)
{
    switch (below(7)) {
    case 0:
        return 0;
    case 1:
    case 2:
    case 3:
        return (uint64_t)(scratch + below(SCRATCH_PAGES) * PAGE);
    case 4:
        return chance(10) ? (uint64_t)(rw + below(RW_PAGES + 3) * PAGE) : 0x10000000ull;
    case 5:
        return chance(50) ? 0x10000000ull + below(1 << 16) * PAGE : gen_kernel_addr() & ~(PAGE - 1);
    default:
        return chance(50) ? rnd() & ~(PAGE - 1) : rnd();
    }
}

/* A length for the memory calls: sometimes any integer (huge sparse
 * ranges once stopped the machine: issue 14 bug 4). */
static uint64_t gen_mlen(void)
{
    if (chance(10))
        return gen_int();
    switch (below(4)) {
    case 0:
        return below(4) * PAGE;
    case 1:
        return below(16 << 20);
    default:
        return below(64) * PAGE;
    }
}

/* ---- one call ----------------------------------------------------------------- */

/* Argument kinds, one letter per argument:
 * f fd, d dirfd, b pointer, p path, P path to create, l length, i int,
 * x flags, o mode, s signal, n small count, t timespec/timeval, v iovec,
 * a memory address, m memory length, w small (whence, how, which),
 * c clock id, r rlimit resource, k pid to look at, K self or 0,
 * u user pointer or NULL, T poll timeout. Numbers not listed get six
 * integers of any kind. Special cases are in special_args(). */
static const char *const spec[NSYS] = {
    [SYS_read] = "fbl",
    [SYS_write] = "fbl",
    [SYS_open] = "pxo",
    [SYS_close] = "f",
    [SYS_stat] = "pb",
    [SYS_fstat] = "fb",
    [SYS_lstat] = "pb",
    [SYS_poll] = "bnT",
    [SYS_lseek] = "fiw",
    [SYS_mmap] = "amwxfi",
    [SYS_mprotect] = "amw",
    [SYS_munmap] = "am",
    [SYS_brk] = "a",
    [SYS_rt_sigprocmask] = "wbbl",
    [SYS_ioctl] = "fib",
    [SYS_pread64] = "fbli",
    [SYS_pwrite64] = "fbli",
    [SYS_readv] = "fvn",
    [SYS_writev] = "fvn",
    [SYS_access] = "pw",
    [SYS_pipe] = "b",
    [SYS_select] = "nbbbt",
    [SYS_sched_yield] = "",
    [SYS_mremap] = "ammxa",
    [SYS_msync] = "amx",
    [SYS_mincore] = "amb",
    [SYS_madvise] = "amw",
    [SYS_dup] = "f",
    [SYS_dup2] = "ff",
    [SYS_nanosleep] = "tb",
    [SYS_getitimer] = "wb",
    [SYS_alarm] = "w",
    [SYS_getpid] = "",
    [SYS_exit] = "i",
    [SYS_uname] = "b",
    [SYS_fcntl] = "fwi",
    [SYS_flock] = "fx",
    [SYS_fsync] = "f",
    [SYS_fdatasync] = "f",
    [SYS_truncate] = "Pl",
    [SYS_ftruncate] = "fl",
    [SYS_getdents64] = "fbl",
    [SYS_getdents] = "fbl",
    [SYS_getcwd] = "bl",
    [SYS_mkdir] = "Po",
    [SYS_creat] = "Po",
    [SYS_link] = "pP",
    [SYS_unlink] = "P",
    [SYS_symlink] = "PP",
    [SYS_readlink] = "pbl",
    [SYS_chmod] = "Po",
    [SYS_fchmod] = "fo",
    [SYS_chown] = "Pii",
    [SYS_fchown] = "fii",
    [SYS_umask] = "o",
    [SYS_gettimeofday] = "bb",
    [SYS_getrlimit] = "rb",
    [SYS_getrusage] = "ib",
    [SYS_sysinfo] = "b",
    [SYS_times] = "b",
    [SYS_getuid] = "",
    [SYS_getgid] = "",
    [SYS_setuid] = "i",
    [SYS_setgid] = "i",
    [SYS_geteuid] = "",
    [SYS_getegid] = "",
    [SYS_setpgid] = "Kk",
    [SYS_getppid] = "",
    [SYS_getpgrp] = "",
    [SYS_setsid] = "",
    [SYS_getresuid] = "bbb",
    [SYS_getresgid] = "bbb",
    [SYS_getpgid] = "k",
    [SYS_getsid] = "k",
    [SYS_rt_sigpending] = "bl",
    [SYS_rt_sigtimedwait] = "bbtl",
    [SYS_utime] = "Pb",
    [SYS_mknod] = "Poi",
    [SYS_statfs] = "pb",
    [SYS_fstatfs] = "fb",
    [SYS_getpriority] = "wk",
    [SYS_setpriority] = "wKi",
    [SYS_sched_getparam] = "kb",
    [SYS_sched_getscheduler] = "k",
    [SYS_sched_setattr] = "Kbx",
    [SYS_sched_getattr] = "kblx",
    [SYS_mlock] = "am",
    [SYS_munlock] = "am",
    [SYS_prctl] = "wxxxx",
    [SYS_setrlimit] = "rb",
    [SYS_sync] = "",
    [SYS_gettid] = "",
    [SYS_time] = "b",
    [SYS_sched_setaffinity] = "Klb",
    [SYS_sched_getaffinity] = "klb",
    [SYS_exit_group] = "i",
    [SYS_clock_gettime] = "cb",
    [SYS_clock_getres] = "cb",
    [SYS_clock_nanosleep] = "cxtb",
    [SYS_clock_settime] = "ct",
    [SYS_clock_adjtime] = "cb",
    [SYS_adjtimex] = "b",
    [SYS_settimeofday] = "tb",
    [SYS_openat] = "dpxo",
    [SYS_mkdirat] = "dPo",
    [SYS_newfstatat] = "dpbx",
    [SYS_unlinkat] = "dPx",
    [SYS_symlinkat] = "PdP",
    [SYS_readlinkat] = "dpbl",
    [SYS_fchmodat] = "dPox",
    [SYS_faccessat] = "dpw",
    [SYS_faccessat2] = "dpwx",
    [SYS_pselect6] = "nbbbtb",
    [SYS_ppoll] = "bntbl",
    [SYS_dup3] = "ffx",
    [SYS_pipe2] = "bx",
    [SYS_prlimit64] = "Krbb",
    [SYS_getrandom] = "blx",
    [SYS_syncfs] = "f",
    [SYS_utimensat] = "dPbx",
    [SYS_fchdir] = "f",
    [SYS_chdir] = "p",
    [SYS_rmdir] = "P",
    [SYS_rename] = "PP",
    [SYS_renameat] = "dPdP",
    [SYS_renameat2] = "dPdPx",
    [SYS_linkat] = "dpdPx",
    [SYS_statx] = "dpxxb",
    [SYS_fadvise64] = "fiiw",
    [SYS_fallocate] = "fxil",
    [SYS_copy_file_range] = "fbfbli",
    [SYS_sendfile] = "ffbl",
    [SYS_splice] = "fbfblx",
    [SYS_tee] = "fflx",
    [SYS_mq_timedsend] = "fblnt",
    [SYS_mq_timedreceive] = "fblbt",
    [SYS_mq_notify] = "fb",
    [SYS_mq_getsetattr] = "fbb",
    [SYS_mq_open] = "", /* special_args(): names from mq_names */
    [SYS_mq_unlink] = "",
    /* argument lists of their own: special_args(), later_use_args() */
    [SYS_kill] = "",
    [SYS_tkill] = "",
    [SYS_tgkill] = "",
    [SYS_clone] = "",
    [SYS_fork] = "",
    [SYS_wait4] = "",
    [SYS_waitid] = "",
    [SYS_rt_sigaction] = "",
    [SYS_setitimer] = "",
    [SYS_execve] = "",
    [SYS_execveat] = "",
    [SYS_arch_prctl] = "",
    [SYS_sigaltstack] = "",
    [SYS_set_tid_address] = "",
    [SYS_set_robust_list] = "",
    [SYS_pause] = "",
    [SYS_rt_sigsuspend] = "",
    [SYS_rt_sigreturn] = "",
};

static uint64_t gen_arg(char kind)
{
    switch (kind) {
    case 'f':
        return gen_fd();
    case 'd':
        return gen_dirfd();
    case 'b':
        return gen_ptr();
    case 'p':
        return gen_path();
    case 'P':
        return gen_create_path();
    case 'l':
        return gen_len();
    case 'x':
        return gen_flags();
    case 'o':
        return gen_mode();
    case 's':
        return gen_small(66);
    case 'n':
        return gen_small(9);
    case 't':
        return gen_timespec();
    case 'v':
        return gen_iov();
    case 'a':
        return gen_addr();
    case 'm':
        return gen_mlen();
    case 'w':
        return gen_small(6);
    case 'c':
        return gen_small(12);
    case 'r':
        return gen_small(17);
    case 'k':
        return chance(70) ? (chance(50) ? 0 : self_pid()) : gen_int();
    case 'K':
        return chance(50) ? 0 : self_pid();
    case 'u':
        return gen_user_ptr();
    case 'T':
        return chance(97) ? below(2) : (uint64_t)-1;
    default:
        return gen_int();
    }
}

/* A struct sigaction for rt_sigaction: a handler of ours, SIG_DFL/SIG_IGN
 * or any address (handlers outside user space once ran at ring 0: issue
 * 14 bug 2). */
static uint64_t gen_sigaction(void)
{
    if (chance(15)) /* a struct of garbage: a handler anywhere */
        return gen_ptr();
    uint64_t *sa = (uint64_t *)(rw + below(RW_PAGES * PAGE / 32 - 1) * 32);
    static const uint64_t handlers[] = {0, 1, (uint64_t)&fz_handler};
    sa[0] = chance(20) ? gen_ptr() : handlers[below(3)];
    sa[1] = gen_flags() | (chance(97) ? 0x04000000 : 0); /* SA_RESTORER */
    sa[2] = chance(20) ? gen_ptr() : (uint64_t)&fz_restorer;
    sa[3] = rnd();
    return (uint64_t)sa;
}

/* struct itimerval: mostly at most a second, sometimes anything (a huge
 * interval once re-armed in the past: issue 14 bug 6). */
static uint64_t gen_itimerval(void)
{
    if (chance(30))
        return gen_ptr();
    uint64_t *t = (uint64_t *)(rw + below(RW_PAGES * PAGE / 32 - 1) * 32);
    t[0] = 0;
    t[1] = below(1000000);
    t[2] = 0;
    t[3] = below(1000000);
    return (uint64_t)t;
}

/* The exec calls: never a real program. */
static uint64_t gen_exec_path(void)
{
    static const char *const paths[] = {"/nonexistent",  "/tmp", "/dev/null", "a", "d",
                                        "/proc/meminfo", ""};
    return chance(70) ? (uint64_t)paths[below(7)] : gen_ptr();
}

#define CLONE_SETTLS         0x00080000ull
#define CLONE_PARENT_SETTID  0x00100000ull
#define CLONE_CHILD_CLEARTID 0x00200000ull
#define CLONE_CHILD_SETTID   0x01000000ull
#define SA_SIGSET            8

/* POSIX message queue names (one namespace for the whole machine): the
 * batches' queues are among these, so remove_ipc() can unlink them all. */
static const char *const mq_names[] = {"fz-a", "fz-b", "fz-c", "fz-d", "", "a/b"};

static uint64_t gen_mq_name(void)
{
    static const uint64_t bad[] = {0, 8};
    return chance(90) ? (uint64_t)mq_names[below(6)] : bad[below(2)];
}

/* Calls whose arguments need care; 0 when nr is not one, -1 to skip it. */
static int special_args(uint64_t nr, uint64_t *a)
{
    uint64_t self = self_pid();
    switch (nr) {
    case SYS_reboot:
    case SYS_vfork:
        return -1;
    case SYS_exit:
    case SYS_exit_group: /* the end of the batch: rarely */
        a[0] = gen_int();
        return chance(1) ? 1 : -1;
    case SYS_kill:
        a[0] = chance(50) ? self : chance(50) ? 0 : -self;
        a[1] = gen_kill_sig();
        return 1;
    case SYS_tkill:
        a[0] = self;
        a[1] = gen_kill_sig();
        return 1;
    case SYS_tgkill:
        a[0] = a[1] = self;
        a[2] = gen_kill_sig();
        return 1;
    case SYS_pause:
    case SYS_rt_sigsuspend:
        a[0] = gen_ptr();
        a[1] = chance(80) ? SA_SIGSET : gen_len();
        return chance(2) ? 1 : -1; /* blocks until a signal: rarely */
    case SYS_rt_sigreturn:         /* restores a frame of stack garbage: rarely */
        return chance(10) ? 1 : -1;
    case SYS_mq_open:
        a[0] = gen_mq_name();
        a[1] = gen_flags() | (chance(50) ? O_CREAT : 0);
        a[2] = gen_mode();
        a[3] = chance(30) ? 0 : gen_ptr();
        return 1;
    case SYS_mq_unlink:
        a[0] = gen_mq_name();
        return 1;
    case SYS_socket: /* families and types that exist, so the socket calls get sockets */
        a[0] = (uint64_t[]){1, 2, 16, 10}[below(4)];
        a[1] = (uint64_t[]){1, 2, 3, 5}[below(4)] | (chance(30) ? 04000 : 0);
        a[2] = chance(80) ? 0 : gen_int();
        return 1;
    case SYS_wait4:
        a[0] = chance(50) ? (uint64_t)-1 : gen_int();
        a[1] = gen_ptr();
        a[2] = gen_flags() | (chance(95) ? WNOHANG : 0);
        a[3] = gen_ptr();
        return 1;
    case SYS_waitid:
        a[0] = gen_small(4);
        a[1] = gen_int();
        a[2] = gen_ptr();
        a[3] = gen_flags() | (chance(95) ? WNOHANG : 0);
        a[4] = gen_ptr();
        return 1;
    case SYS_rt_sigaction:
        a[0] = gen_small(66);
        a[1] = gen_sigaction();
        a[2] = gen_ptr();
        a[3] = chance(80) ? SA_SIGSET : gen_len();
        return 1;
    case SYS_setitimer:
        a[0] = gen_small(4);
        a[1] = gen_itimerval();
        a[2] = gen_ptr();
        return 1;
    case SYS_execve:
        a[0] = gen_exec_path();
        a[1] = gen_ptr();
        a[2] = gen_ptr();
        return 1;
    case SYS_execveat:
        a[0] = gen_dirfd();
        a[1] = gen_exec_path();
        a[2] = gen_ptr();
        a[3] = gen_ptr();
        a[4] = gen_flags();
        return 1;
    case SYS_arch_prctl:
        a[0] = chance(80) ? 0x1001 + below(4) : gen_int();
        a[1] = chance(50) ? gen_ptr() : gen_user_ptr();
        return 1;
    }
    return 0;
}

/* The calls that take an address the kernel keeps and uses later: any
 * address (issue 14 bug 2: none was checked to be a user address). */
static int later_use_args(uint64_t nr, uint64_t *a)
{
    uint64_t (*ptr)(void) = chance(50) ? gen_ptr : gen_user_ptr;
    switch (nr) {
    case SYS_clone:
        a[0] = gen_flags() | (chance(50) ? SIGCHLD : below(65));
        a[1] = chance(50) ? 0 : (uint64_t)(rw + RW_PAGES * PAGE - 64);
        if (chance(20))
            a[1] = gen_ptr();
        a[2] = ptr();
        a[3] = ptr();
        a[4] = ptr();
        return 1;
    case SYS_sigaltstack:
        if (chance(50)) {
            uint64_t *ss = (uint64_t *)(rw + below(RW_PAGES * PAGE / 32 - 1) * 32);
            ss[0] = (uint64_t)rw;
            ss[1] = gen_flags();
            ss[2] = chance(50) ? RW_PAGES * PAGE : gen_len();
            a[0] = chance(80) ? (uint64_t)ss : 0;
        } else {
            a[0] = gen_ptr();
        }
        a[1] = gen_ptr();
        return 1;
    case SYS_set_tid_address:
        a[0] = ptr();
        return 1;
    case SYS_set_robust_list:
        a[0] = ptr();
        a[1] = chance(80) ? 24 : gen_len();
        return 1;
    }
    return 0;
}

/* Calls that could move names or the cwd out of the batch's directory
 * (then a name left in / reads as a leak): no rmdir, no rename (which can
 * replace an empty directory), no AT_REMOVEDIR, no chdir, unless
 * FUZZ_ESCAPE=1. (Creating in a removed directory once freed a directory
 * with entries, issue 14 bug 3: tests/apps/badaddr covers it.) */
static int confined(uint64_t nr, uint64_t *a)
{
    if (escape)
        return 0;
    switch (nr) {
    case SYS_rmdir:
    case SYS_rename:
    case SYS_renameat:
    case SYS_renameat2:
    case SYS_chdir:
    case SYS_fchdir:
        return 1;
    case SYS_unlinkat:
        a[2] &= ~0x200ull; /* AT_REMOVEDIR */
        return 0;
    }
    return 0;
}

/* Most calls are ones with a spec[] entry (the kernel implements most of
 * them); the rest are any number. */
static uint16_t listed[NSYS];
static unsigned nlisted;

static void list_specs(void)
{
    for (unsigned nr = 0; nr < NSYS; nr++)
        if (spec[nr])
            listed[nlisted++] = nr;
}

/* A call that makes a name relative to a directory descriptor makes it
 * relative to the cwd instead (the batch's directory): a descriptor of
 * "/" or ".." would put it anywhere (a name left in / reads as a leak). */
static void cwd_relative(uint64_t nr, uint64_t *a)
{
    const char *s = spec[nr];
    if (nr == SYS_openat)
        a[0] = (uint64_t)-100; /* AT_FDCWD */
    if (!s || !strchr(s, 'P'))
        return;
    for (int i = 0; s[i] && i < 6; i++)
        if (s[i] == 'd')
            a[i] = (uint64_t)-100;
}

static void gen_call(uint64_t *nr, uint64_t *a)
{
    for (;;) {
        *nr = chance(80) ? listed[below(nlisted)] : below(NSYS);
        int r = special_args(*nr, a);
        if (!r)
            r = later_use_args(*nr, a);
        if (r < 0)
            continue;
        if (!r) {
            const char *s = spec[*nr];
            for (int i = 0; i < 6; i++)
                a[i] = !s ? gen_int() : *s ? gen_arg(*s++) : 0;
            if (*nr == SYS_open || *nr == SYS_openat) {
                int at = *nr == SYS_openat;
                if (chance(30)) /* create: a name under the batch's directory */
                    a[at] = gen_create_path();
                else /* no O_CREAT on a path that may be anywhere */
                    a[at + 1] &= ~(uint64_t)O_CREAT;
            }
            if (!escape)
                cwd_relative(*nr, a);
            if (*nr == SYS_syslog && (a[0] == 6 || a[0] == 8))
                continue; /* SYSLOG_ACTION_CONSOLE_OFF, _CONSOLE_LEVEL */
        }
        if (!confined(*nr, a))
            return;
    }
}

/* A handler for the signals a batch may send itself, so that most do not
 * end it; not for the faults (a handler that returns would fault again
 * forever). */
static void catch_all(void)
{
    uint64_t sa[4] = {(uint64_t)&fz_handler, 0x04000000 | SA_RESTART, (uint64_t)&fz_restorer, 0};
    for (int sig = 1; sig < 65; sig++)
        if (sig != SIGKILL && sig != SIGSTOP && !fault_signal(sig))
            raw6(SYS_rt_sigaction, sig, (long)sa, 0, SA_SIGSET, 0, 0);
}

static void record(struct wstats *ws, uint64_t nr, const uint64_t *a)
{
    struct call *c = &ws->ring[ws->ring_pos % RING];
    c->nr = nr;
    memcpy(c->a, a, sizeof(c->a));
    c->ret = NO_RETURN;
    ws->calls++;
}

/* ---- a batch: one child of the worker ---------------------------------------- */

static void run_batch(unsigned w, uint64_t seed, uint64_t batch, uint64_t calls)
{
    struct wstats *ws = &sh->w[w];
    setsid(); /* kill(0, ...) reaches this batch and its children only */
    if (chdir(dir))
        die(dir);
    if (trace_fd >= 0)
        trace_fd = fcntl(1, F_DUPFD, 200);
    open_fds();
    catch_all();
    seed_batch(seed, w, batch);
    for (uint64_t i = 0; i < RW_PAGES * PAGE / 8; i++)
        ((uint64_t *)rw)[i] = rnd();
    for (uint64_t i = 0; i < calls && i < stop_after; i++) {
        uint64_t nr, a[6];
        gen_call(&nr, a);
        record(ws, nr, a);
        if (trace_fd >= 0) {
            char line[200];
            int n = snprintf(line, sizeof(line),
                             "fuzz: call %llu: %llu(%#llx, %#llx, %#llx, %#llx, "
                             "%#llx, %#llx)\n",
                             (unsigned long long)i, (unsigned long long)nr,
                             (unsigned long long)a[0], (unsigned long long)a[1],
                             (unsigned long long)a[2], (unsigned long long)a[3],
                             (unsigned long long)a[4], (unsigned long long)a[5]);
            raw6(SYS_write, trace_fd, (long)line, n, 0, 0, 0);
        }
        long r = nr == SYS_clone || nr == SYS_fork ? raw_forklike(nr, a[0], a[1], a[2], a[3], a[4])
                                                   : raw6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        ws->ring[ws->ring_pos++ % RING].ret = r;
    }
    ws->done = batch + 1;
    raw6(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

static void log_call(const struct call *c, const char *tag)
{
    char ret[24] = "(no return)";
    if (c->ret != NO_RETURN)
        snprintf(ret, sizeof(ret), "%lld", (long long)c->ret);
    printf("fuzz:   %s%llu(%#llx, %#llx, %#llx, %#llx, %#llx, %#llx) = %s\n", tag,
           (unsigned long long)c->nr, (unsigned long long)c->a[0], (unsigned long long)c->a[1],
           (unsigned long long)c->a[2], (unsigned long long)c->a[3], (unsigned long long)c->a[4],
           (unsigned long long)c->a[5], ret);
}

/* The last n calls that returned, then the one under way if there is one
 * (record() marks it NO_RETURN; the return value replaces the mark). */
static void log_calls(const struct wstats *ws, int n)
{
    for (int i = n; i >= 1; i--)
        if (ws->ring_pos >= (uint64_t)i)
            log_call(&ws->ring[(ws->ring_pos - i) % RING], "");
    const struct call *c = &ws->ring[ws->ring_pos % RING];
    if (c->ret == NO_RETURN)
        log_call(c, "in this call: ");
}

static void report_batch(unsigned w, uint64_t seed, uint64_t batch, const char *what, int n)
{
    if (__atomic_fetch_add(&sh->logged, 1, __ATOMIC_RELAXED) >= LOG_MAX)
        return;
    printf("fuzz: seed %llu worker %u batch %llu: %s; its last calls:\n", (unsigned long long)seed,
           w, (unsigned long long)batch, what);
    log_calls(&sh->w[w], n);
    fflush(stdout);
}

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
    (void)sig;
    timed_out = 1;
}

/* Wait for the batch, killing it after BATCH_SECONDS; count how it ended. */
static void reap_batch(unsigned w, uint64_t seed, uint64_t batch, pid_t pid)
{
    struct wstats *ws = &sh->w[w];
    int st;
    timed_out = 0;
    alarm(BATCH_SECONDS);
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
        if (timed_out) {
            kill(pid, SIGKILL);
            ws->hangs++;
            char what[48];
            snprintf(what, sizeof(what), "still running after %d s: killed", BATCH_SECONDS);
            report_batch(w, seed, batch, what, 4);
        }
    }
    alarm(0);
    char what[48];
    if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
        ws->sig[WTERMSIG(st) & 63]++;
        snprintf(what, sizeof(what), "killed by signal %d", WTERMSIG(st));
        if (WTERMSIG(st) != SIGSEGV && WTERMSIG(st) != SIGBUS && WTERMSIG(st) != SIGILL)
            return; /* a signal it sent itself, an alarm it set */
        report_batch(w, seed, batch, what, 2);
    } else if (WIFSIGNALED(st) && !timed_out) {
        ws->sig[SIGKILL]++;
    } else if (WIFEXITED(st) && ws->done != batch + 1) {
        ws->exited++;
        snprintf(what, sizeof(what), "exited with status %d", WEXITSTATUS(st));
        report_batch(w, seed, batch, what, 2);
    }
}

static void run_worker(unsigned w, uint64_t seed, uint64_t calls)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, 0); /* no SA_RESTART: waitpid returns EINTR */
    setpgid(0, 0);
    make_buffers();
    /* Batches until the calls are issued (one that dies early leaves more
     * for the next), with a bound in case every batch dies at once. */
    struct wstats *ws = &sh->w[w];
    for (uint64_t b = 0; ws->calls < calls && b < 4 * (calls / BATCH_CALLS) + 10; b++) {
        make_tree(w);
        uint64_t n = calls - ws->calls < BATCH_CALLS ? calls - ws->calls : BATCH_CALLS;
        if (only_w != ~0u && (w != only_w || b < only_first || b > only_last)) {
            ws->calls += n;
            continue;
        }
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            run_batch(w, seed, b, n);
        ws->batches++;
        reap_batch(w, seed, b, pid);
    }
    _exit(0);
}

/* ---- pid 1: the supervisor ------------------------------------------------------ */

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
    (void)sig;
    ticks++;
}

static uint64_t total_calls(unsigned workers)
{
    uint64_t n = 0;
    for (unsigned w = 0; w < workers; w++)
        n += sh->w[w].calls;
    return n;
}

/* Remove a tree the batches made (they may have taken permissions away:
 * everyone is root). */
static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st))
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0755);
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[512];
            snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
            remove_tree(sub);
            rewinddir(d);
        }
        if (d)
            closedir(d);
        if (rmdir(path))
            printf("fuzz: cannot remove %s: %s\n", path, strerror(errno));
    } else if (unlink(path)) {
        printf("fuzz: cannot remove %s: %s\n", path, strerror(errno));
    }
}

/* Everything in /tmp (it starts empty: see main()). */
static void remove_tmp(void)
{
    DIR *d = opendir("/tmp");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char sub[512];
        snprintf(sub, sizeof(sub), "/tmp/%s", e->d_name);
        remove_tree(sub);
        rewinddir(d);
    }
    if (d)
        closedir(d);
}

struct totals {
    uint64_t calls, batches, exited, hangs, crashes, ms;
    uint64_t sig[65];
    int bad; /* something a run must not see: a stall, a stuck worker */
};

/* Wait for the workers, waking every second: a tick much later than a
 * second means the machine stopped; no call in NO_PROGRESS_S seconds means a
 * worker is stuck where even SIGKILL of its batch does not reach. */
static void supervise(const pid_t *pids, unsigned workers, struct totals *t)
{
    unsigned left = workers;
    uint64_t last_tick = now_ms(), last_calls = 0, still = 0;
    while (left) {
        int st;
        pid_t pid = waitpid(-1, &st, 0);
        if (pid > 0) {
            for (unsigned w = 0; w < workers; w++)
                if (pids[w] == pid) {
                    left--;
                    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
                        printf("fuzz: worker %u ended with status %#x\n", w, st);
                        t->bad = 1;
                    }
                }
            continue; /* else an orphan of a batch */
        }
        if (errno != EINTR)
            die("supervisor waitpid");
        uint64_t now = now_ms(), calls = total_calls(workers);
        if (now - last_tick > STALL_MS) {
            printf("fuzz: the supervisor's 1 s tick came after %llu ms: the machine stalled\n",
                   (unsigned long long)(now - last_tick));
            t->bad = 1;
        }
        last_tick = now;
        still = calls == last_calls ? still + 1 : 0;
        last_calls = calls;
        if (still == NO_PROGRESS_S) {
            printf("fuzz: no call in %d s: killing the workers\n", NO_PROGRESS_S);
            for (unsigned w = 0; w < workers; w++)
                kill(-pids[w], SIGKILL);
            t->bad = 1;
        }
    }
    while (waitpid(-1, 0, WNOHANG) > 0) /* orphans */
        ;
}

static void add_totals(struct totals *t, struct totals *s, unsigned workers)
{
    for (unsigned w = 0; w < workers; w++) {
        struct wstats *ws = &sh->w[w];
        s->calls += ws->calls;
        s->batches += ws->batches;
        s->exited += ws->exited;
        s->hangs += ws->hangs;
        for (int i = 0; i < 65; i++) {
            s->sig[i] += ws->sig[i];
            s->crashes += ws->sig[i];
        }
    }
    t->calls += s->calls;
    t->batches += s->batches;
    t->exited += s->exited;
    t->hangs += s->hangs;
    t->crashes += s->crashes;
    t->ms += s->ms;
    t->bad |= s->bad;
    for (int i = 0; i < 65; i++)
        t->sig[i] += s->sig[i];
}

static void print_sigs(const uint64_t *sig)
{
    int any = 0;
    for (int i = 1; i < 65; i++)
        if (sig[i]) {
            printf("%ssignal %d: %llu", any ? ", " : " (", i, (unsigned long long)sig[i]);
            any = 1;
        }
    printf("%s", any ? ")" : "");
}

static uint64_t per_second(uint64_t calls, uint64_t ms)
{
    return ms ? calls * 1000 / ms : 0;
}

/* System V IPC objects outlive the batches that made them (shmget,
 * semget and msgget with random keys and flags): remove every one, found
 * by index (SHM_STAT 13, SEM_STAT 18, MSG_STAT 11; IPC_INFO 3 gives the
 * highest index), as remove_tmp empties /tmp. POSIX message queues too,
 * by the names mq_open is given. */
static void remove_ipc(void)
{
    static uint64_t buf[32];
    long max = syscall(SYS_shmctl, 0, 3, buf);
    for (long i = 0; i <= max; i++) {
        long id = syscall(SYS_shmctl, i, 13, buf);
        if (id >= 0)
            syscall(SYS_shmctl, id, 0, 0);
    }
    max = syscall(SYS_semctl, 0, 0, 3, buf);
    for (long i = 0; i <= max; i++) {
        long id = syscall(SYS_semctl, i, 0, 18, buf);
        if (id >= 0)
            syscall(SYS_semctl, id, 0, 0, 0);
    }
    max = syscall(SYS_msgctl, 0, 3, buf);
    for (long i = 0; i <= max; i++) {
        long id = syscall(SYS_msgctl, i, 11, buf);
        if (id >= 0)
            syscall(SYS_msgctl, id, 0, 0);
    }
    for (size_t i = 0; i < sizeof(mq_names) / sizeof(mq_names[0]); i++)
        syscall(SYS_mq_unlink, mq_names[i]);
}

static void run_seed(uint64_t seed, uint64_t calls, unsigned workers, struct totals *t)
{
    struct totals s = {0};
    pid_t pids[MAX_WORKERS];
    memset(sh, 0, sizeof(*sh));
    uint64_t start = now_ms();
    for (unsigned w = 0; w < workers; w++) {
        uint64_t n = calls / workers + (w < calls % workers);
        if ((pids[w] = fork()) < 0)
            die("fork");
        if (pids[w] == 0)
            run_worker(w, seed, n);
    }
    supervise(pids, workers, &s);
    s.ms = now_ms() - start;
    remove_tmp(); /* a descriptor of /tmp lets a batch create names there */
    remove_ipc();
    add_totals(t, &s, workers);
    printf("fuzz: seed %llu: %llu calls, %u workers, %llu batches, %llu ended early, %llu hung, "
           "%llu crashed",
           (unsigned long long)seed, (unsigned long long)s.calls, workers,
           (unsigned long long)s.batches, (unsigned long long)s.exited, (unsigned long long)s.hangs,
           (unsigned long long)s.crashes);
    print_sigs(s.sig);
    printf(", %llu calls/s\n", (unsigned long long)per_second(s.calls, s.ms));
    fflush(stdout);
}

/* MemFree of /proc/meminfo, in KiB. */
static long mem_free(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    long kb = -1;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* Entries of a directory (processes: /proc; files: /tmp). */
static int count_entries(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    int n = 0;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

/* The names in / before the run, to tell which seed left one behind. */
static char root_names[64][256];
static int nroot;

static int root_known(const char *name)
{
    for (int i = 0; i < nroot; i++)
        if (!strcmp(root_names[i], name))
            return 1;
    return 0;
}

static void remove_tree(const char *path);

/* Record / (first), or remove the names that appeared in it since: a call
 * may create one with an absolute path it found in memory (getcwd wrote
 * "/tmp/fz0" into a buffer; a pointer 4 bytes into it named "/fz0"), which
 * is no kernel leak. The kernel's own leak line still counts vnodes. */
static void root_scan(int record, uint64_t seed)
{
    DIR *d = opendir("/");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (record && nroot < 64) {
            snprintf(root_names[nroot++], sizeof(root_names[0]), "%s", e->d_name);
        } else if (!record && !root_known(e->d_name)) {
            char path[300];
            snprintf(path, sizeof(path), "/%s", e->d_name);
            printf("fuzz: seed %llu: removing %s, made by a call through an absolute path\n",
                   (unsigned long long)seed, path);
            remove_tree(path);
            rewinddir(d);
        }
    }
    if (d)
        closedir(d);
}

static uint64_t arg_num(int argc, char **argv, int i, uint64_t dflt)
{
    return argc > i ? strtoull(argv[i], 0, 0) : dflt;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: fuzz SEED CALLS [WORKERS [SEEDS]]\n");
        return 2;
    }
    uint64_t seed = arg_num(argc, argv, 1, 1), calls = arg_num(argc, argv, 2, 1000);
    unsigned workers = arg_num(argc, argv, 3, 2), seeds = arg_num(argc, argv, 4, 1);
    if (workers < 1 || workers > MAX_WORKERS)
        workers = workers < 1 ? 1 : MAX_WORKERS;
    list_specs();
    const char *v;
    if ((v = getenv("FUZZ_ONLY")) &&
        sscanf(v, "%u:%llu-%llu", &only_w, (unsigned long long *)&only_first,
               (unsigned long long *)&only_last) < 3)
        only_last = only_first;
    if ((v = getenv("FUZZ_STOP")))
        stop_after = strtoull(v, 0, 0);
    if ((v = getenv("FUZZ_TRACE")) && !strcmp(v, "1"))
        trace_fd = 0;
    escape = getenv("FUZZ_ESCAPE") && !strcmp(getenv("FUZZ_ESCAPE"), "1");
    setvbuf(stdout, 0, _IOLBF, 0);
    sh = mmap(0, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED)
        die("mmap shared");
    struct sigaction sa = {.sa_handler = on_tick};
    sigaction(SIGALRM, &sa, 0); /* no SA_RESTART: the supervisor's waitpid wakes */
    struct itimerval tick = {{1, 0}, {1, 0}};
    long free_before = mem_free();
    int procs_before = count_entries("/proc"), tmp_before = count_entries("/tmp");
    int root_before = count_entries("/");
    root_scan(1, 0);
    if (tmp_before) {
        printf("fuzz: /tmp is not empty: the fuzzer removes all it finds there\n");
        return 2;
    }
    printf("fuzz: seeds %llu..%llu, %llu calls each on %u workers%s\n", (unsigned long long)seed,
           (unsigned long long)(seed + seeds - 1), (unsigned long long)calls, workers,
           escape ? ", names may leave the batch's directory" : "");
    struct totals t = {0};
    for (unsigned i = 0; i < seeds; i++) {
        setitimer(ITIMER_REAL, &tick, 0);
        run_seed(seed + i, calls, workers, &t);
        setitimer(ITIMER_REAL, &(struct itimerval){{0, 0}, {0, 0}}, 0);
        if (count_entries("/") != root_before)
            root_scan(0, seed + i);
    }
    long free_after = mem_free();
    int procs_after = count_entries("/proc"), tmp_after = count_entries("/tmp");
    int root_after = count_entries("/");
    printf("fuzz: MemFree %ld kB before, %ld kB after; /proc entries %d before, %d after; "
           "/tmp entries %d before, %d after; / entries %d before, %d after\n",
           free_before, free_after, procs_before, procs_after, tmp_before, tmp_after, root_before,
           root_after);
    if (procs_after != procs_before || tmp_after != tmp_before || root_after != root_before)
        t.bad = 1; /* names in / were removed after each seed: one left here is new */
    printf("fuzz: %llu calls, %u seeds, %u workers, %llu hung, %llu crashed",
           (unsigned long long)t.calls, seeds, workers, (unsigned long long)t.hangs,
           (unsigned long long)t.crashes);
    print_sigs(t.sig);
    printf(", %llu calls/s: %s\n", (unsigned long long)per_second(t.calls, t.ms),
           t.bad ? "FAILED" : "ok");
    return t.bad ? 1 : 0;
}
