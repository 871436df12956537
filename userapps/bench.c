/* bench: the cost of processes and pipes. No checks; exit 0.
 *
 * Run as `bench` (about 10 s on a fast host) or `bench quick`
 * (about 8 times fewer iterations, for emulated guests). Each figure is the
 * median of 7 runs, one line each:
 *   bench: NAME: median X UNIT (7 runs)
 * fork_exit_wait         fork + _exit + waitpid of a tiny process (us)
 * fork_exit_wait_64m     the same with 64 MiB of touched heap in the parent
 * fork_child_writes_64m  fork, the child writes every page of the 64 MiB, exit, wait (ms)
 * fork_exec_wait         fork + execve(this program --exit) + waitpid (us)
 * pipe_throughput        256 MiB (32 quick) in 64 KiB writes to a reader child (MB/s)
 * pipe_pingpong          1-byte round trip between two processes over two pipes (us)
 * It execs itself as /bin/bench inside Uniplex (UNIPLEX=1), as
 * /proc/self/exe's real path on the host. `bench --exit` exits 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

#include "../tests/apps/proc.h"

#define RUNS     7
#define HEAP_MIB 64

static const char *self;
static unsigned char *heap; /* HEAP_MIB MiB mapped as malloc would, every page touched */
static size_t page;

static void die(const char *what)
{
    printf("bench: %s failed: %s\n", what, strerror(errno));
    fflush(stdout);
    exit(1);
}

static void reap(pid_t pid)
{
    int st;

    if (p_wait(pid, &st, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("bench: child %s\n", p_status_str(st));
        fflush(stdout);
        exit(1);
    }
}

/* us per fork+_exit+wait over n iterations. */
static double fork_exit_wait(long n)
{
    double t0 = p_now_us();

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid < 0)
            die("fork");
        reap(pid);
    }
    return (p_now_us() - t0) / (double)n;
}

/* ms per fork where the child writes every page of the heap. */
static double fork_child_writes(long n)
{
    double t0 = p_now_us();

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (size_t o = 0; o < (size_t)HEAP_MIB << 20; o += page)
                heap[o] = (unsigned char)i;
            _exit(0);
        }
        if (pid < 0)
            die("fork");
        reap(pid);
    }
    return (p_now_us() - t0) / (double)n / 1000;
}

static double fork_exec_wait(long n)
{
    char *args[] = {"bench", "--exit", NULL};
    char *env[] = {NULL};
    double t0 = p_now_us();

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            execve(self, args, env);
            _exit(127);
        }
        if (pid < 0)
            die("fork");
        reap(pid);
    }
    return (p_now_us() - t0) / (double)n;
}

/* MB/s (10^6 bytes) writing `total` bytes in 64 KiB writes to a reader child. */
static double pipe_throughput(long total)
{
    static unsigned char buf[64 << 10];
    int p[2];

    memset(buf, 'x', sizeof buf);
    if (pipe(p) != 0)
        die("pipe");
    double t0 = p_now_us();
    pid_t pid = fork();
    if (pid == 0) {
        long got = 0;
        ssize_t r;
        close(p[1]);
        while ((r = read(p[0], buf, sizeof buf)) > 0)
            got += r;
        _exit(got == total ? 0 : 1);
    }
    if (pid < 0)
        die("fork");
    close(p[0]);
    for (long put = 0; put < total; put += (long)sizeof buf)
        if (p_write_full(p[1], buf, sizeof buf) < 0)
            die("write");
    close(p[1]);
    reap(pid);
    return (double)total / (p_now_us() - t0);
}

/* us per 1-byte round trip. */
static double pipe_pingpong(long n)
{
    int ab[2], ba[2];
    char c = 0;

    if (pipe(ab) != 0 || pipe(ba) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(ab[1]);
        close(ba[0]);
        while (read(ab[0], &c, 1) == 1)
            if (write(ba[1], &c, 1) != 1)
                _exit(1);
        _exit(0);
    }
    if (pid < 0)
        die("fork");
    close(ab[0]);
    close(ba[1]);
    double t0 = p_now_us();
    for (long i = 0; i < n; i++)
        if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
            die("ping-pong");
    double us = (p_now_us() - t0) / (double)n;
    close(ab[1]);
    close(ba[0]);
    reap(pid);
    return us;
}

static void report(const char *name, const char *unit, double (*fn)(long), long arg)
{
    double v[RUNS];

    for (int r = 0; r < RUNS; r++)
        v[r] = fn(arg);
    qsort(v, RUNS, sizeof v[0], p_cmp_double);
    printf("bench: %s: median %.1f %s (%d runs)\n", name, v[RUNS / 2], unit, RUNS);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long div = 1;

    if (argc > 1 && strcmp(argv[1], "--exit") == 0)
        _exit(0);
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
        printf("usage: bench [quick]\nTimes fork+exit+wait (tiny, and with 64 MiB of heap), a "
               "child writing\nthose 64 MiB, fork+exec+wait, pipe throughput and ping-pong; "
               "medians of 7 runs.\n`quick` runs 8x fewer iterations.\n");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "quick") == 0) {
        div = 8;
    } else if (argc > 1) {
        fprintf(stderr, "usage: bench [quick]\n");
        return 2;
    }
    self = p_self_path("bench");
    page = (size_t)sysconf(_SC_PAGESIZE);

    report("fork_exit_wait", "us", fork_exit_wait, 200 / div);

    heap = mmap(NULL, (size_t)HEAP_MIB << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    if (heap == MAP_FAILED)
        die("mmap 64 MiB");
    memset(heap, 1, (size_t)HEAP_MIB << 20);
    report("fork_exit_wait_64m", "us", fork_exit_wait, 40 / div);
    report("fork_child_writes_64m", "ms", fork_child_writes, div > 1 ? 1 : 3);
    munmap(heap, (size_t)HEAP_MIB << 20);

    report("fork_exec_wait", "us", fork_exec_wait, 50 / div);
    report("pipe_throughput", "MB/s", pipe_throughput, (256L << 20) / div);
    report("pipe_pingpong", "us", pipe_pingpong, 10000 / div);
    return 0;
}
