/* machine: whole-machine calls. reboot(2)'s argument checks and the
 * Ctrl-Alt-Del flag, the CPU-affinity calls of a one-CPU machine, the sync
 * family, the boot clocks and clock_nanosleep's flags, sysinfo's load
 * averages against /proc/loadavg, and membarrier(2). Inside Uniplex
 * (UNIPLEX=1) it ends with reboot(RB_POWER_OFF) when every case passed:
 * the runner checks that the machine then powers off with status 0, not
 * main's 3.
 *
 * Mode used when the suite execs itself (argv[1]):
 *   --membarrier-fresh   exit 0 if MEMBARRIER_CMD_PRIVATE_EXPEDITED is
 *                        EPERM (no registration survives exec) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "tproc.h"

#define MAGIC1 0xfee1deadL
#define MAGIC2 672274793L

static void check_reboot_args(void)
{
    CHECK_ERR("reboot-bad-magic1", syscall(SYS_reboot, 1L, MAGIC2, RB_POWER_OFF, 0L), EINVAL);
    CHECK_ERR("reboot-bad-magic2", syscall(SYS_reboot, MAGIC1, 2L, RB_POWER_OFF, 0L), EINVAL);
    CHECK_ERR("reboot-bad-cmd", syscall(SYS_reboot, MAGIC1, MAGIC2, 0x12345678L, 0L), EINVAL);
    if (!t_uniplex()) {
        t_skip_host("reboot-cad-off");
        t_skip_host("reboot-cad-on");
        return;
    }
    CHECK("reboot-cad-off", reboot(RB_DISABLE_CAD) == 0, "%s", strerror(errno));
    CHECK("reboot-cad-on", reboot(RB_ENABLE_CAD) == 0, "%s", strerror(errno));
}

/* Everything lives in memory: the sync family succeeds on files and
 * directories; devices and pipes have no fsync (EINVAL), as on Linux. */
static void check_sync(void)
{
    int p[2], dir = open("/", O_RDONLY | O_DIRECTORY), null = open("/dev/null", O_WRONLY);

    sync();
    t_ok("sync");
    errno = 0;
    t_check_sys("fsync-dir", fsync(dir), errno);
    errno = 0;
    t_check_sys("fdatasync-dir", fdatasync(dir), errno);
    errno = 0;
    t_check_sys("syncfs", syncfs(dir), errno);
    CHECK_ERR("fsync-null", fsync(null), EINVAL);
    CHECK_ERR("fsync-ebadf", fsync(999), EBADF);
    CHECK_ERR("syncfs-ebadf", syncfs(999), EBADF);
    if (pipe(p) == 0) {
        CHECK_ERR("fsync-pipe", fsync(p[0]), EINVAL);
        close(p[0]);
        close(p[1]);
    }
    close(dir);
    close(null);
}

static void check_affinity(void)
{
    cpu_set_t s;
    int r;

    CPU_ZERO(&s);
    r = sched_getaffinity(0, sizeof s, &s);
    CHECK("getaffinity", r == 0 && CPU_ISSET(0, &s) && (!t_uniplex() || CPU_COUNT(&s) == 1),
          "r %d, %d CPUs", r, CPU_COUNT(&s));
    CHECK_ERR("getaffinity-short", syscall(SYS_sched_getaffinity, 0, 4, &s), EINVAL);
    CHECK_ERR("getaffinity-efault", syscall(SYS_sched_getaffinity, 0, sizeof s, (void *)8), EFAULT);
    CHECK_ERR("getaffinity-esrch", syscall(SYS_sched_getaffinity, 999999, sizeof s, &s), ESRCH);
    CPU_ZERO(&s);
    CPU_SET(0, &s);
    errno = 0;
    r = sched_setaffinity(0, sizeof s, &s);
    t_check_sys("setaffinity-cpu0", r, errno);
    CHECK_ERR("setaffinity-efault", syscall(SYS_sched_setaffinity, 0, sizeof s, (void *)8), EFAULT);
    if (!t_uniplex()) {
        t_skip_host("setaffinity-no-cpu");
        return;
    }
    CPU_ZERO(&s);
    CPU_SET(1, &s);
    CHECK_ERR("setaffinity-no-cpu", sched_setaffinity(0, sizeof s, &s), EINVAL);
}

/* CLOCK_BOOTTIME and CLOCK_MONOTONIC count from boot, as on Linux: inside
 * Uniplex, from the kernel's first instruction, so init's main sees a few
 * milliseconds to seconds, not the firmware's time since power-on. */
static void check_clocks(const struct timespec *at_main)
{
    struct timespec b, m;
    clock_gettime(CLOCK_MONOTONIC, &m); /* first: BOOTTIME >= MONOTONIC then */
    clock_gettime(CLOCK_BOOTTIME, &b);
    double bs = (double)b.tv_sec + (double)b.tv_nsec / 1e9;
    double ms = (double)m.tv_sec + (double)m.tv_nsec / 1e9;
    double mains = (double)at_main->tv_sec + (double)at_main->tv_nsec / 1e9;
    CHECK("boottime-monotonic", bs >= ms && bs - ms < 1.0, "boot %.6f, monotonic %.6f", bs, ms);
    struct timespec tiny = {0, 1000};
    if (!t_uniplex()) { /* Linux's clock_nanosleep ignores unknown flag bits */
        t_skip_host("clock_nanosleep-bad-flag");
        t_skip_host("boottime-from-boot");
        return;
    }
    /* A raw call: the libc wrapper returns the error instead of setting errno. */
    CHECK_ERR("clock_nanosleep-bad-flag",
              syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 2, &tiny, NULL), EINVAL);
    CHECK("boottime-from-boot", mains > 0 && mains < 30.0, "%.6f s at main", mains);
}

/* /proc/loadavg's three averages in hundredths: 0, or -1. */
static int read_loadavg(long hundredths[3])
{
    char buf[128];
    int fd = open("/proc/loadavg", O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    long w[3], f[3];
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    if (sscanf(buf, "%ld.%ld %ld.%ld %ld.%ld", &w[0], &f[0], &w[1], &f[1], &w[2], &f[2]) != 6)
        return -1;
    for (int i = 0; i < 3; i++)
        hundredths[i] = w[i] * 100 + f[i];
    return 0;
}

/* sysinfo's loads (16 fraction bits) are /proc/loadavg's figures: equal
 * in hundredths within one step (Linux rounds the text, Uniplex cuts it).
 * Read back to back, and again if a 5-second sample fell in between. */
static void check_loadavg(void)
{
    struct sysinfo a, b;
    long h[3] = {0, 0, 0};
    int err = 0;
    for (int tries = 0; tries < 5; tries++) {
        err = sysinfo(&a) || read_loadavg(h) || sysinfo(&b);
        if (err || memcmp(a.loads, b.loads, sizeof a.loads) == 0)
            break;
    }
    int ok = !err;
    for (int i = 0; i < 3; i++) {
        long s = (long)(a.loads[i] * 100 / (1ul << SI_LOAD_SHIFT));
        ok = ok && (s - h[i] <= 1 && h[i] - s <= 1);
    }
    CHECK("sysinfo-loads-are-loadavg", ok,
          "sysinfo %lu %lu %lu, /proc/loadavg %ld %ld %ld hundredths", a.loads[0], a.loads[1],
          a.loads[2], h[0], h[1], h[2]);
    if (!t_uniplex()) {
        t_skip_host("sysinfo-loads-nonzero");
        return;
    }
    /* The first sample, at boot, counts the boot thread running. */
    CHECK("sysinfo-loads-nonzero", a.loads[0] > 0, "1-minute load %lu", a.loads[0]);
}

/* <linux/membarrier.h> */
#define MB_QUERY                0
#define MB_GLOBAL               (1 << 0)
#define MB_GLOBAL_EXPEDITED     (1 << 1)
#define MB_REGISTER_GLOBAL_EXP  (1 << 2)
#define MB_PRIVATE_EXPEDITED    (1 << 3)
#define MB_REGISTER_PRIVATE_EXP (1 << 4)
#define MB_PRIVATE_SYNC_CORE    (1 << 5)
#define MB_REGISTERS            0x154 /* the REGISTER_* commands: bits 2, 4, 6 and 8 */
#define MB_UNIPLEX              0x7f  /* all but the rseq commands and GET_REGISTRATIONS */

static long membarrier(int cmd, unsigned flags)
{
    return syscall(SYS_membarrier, cmd, flags, 0);
}

/* Every command QUERY lists is accepted once registered, and every one it
 * does not list is EINVAL: 0, or the first command that is not so. */
static int membarrier_listed_only(long q)
{
    for (int b = 0; b < 16; b++)
        if ((q & MB_REGISTERS & (1L << b)) && membarrier(1 << b, 0) != 0)
            return 1 << b;
    for (int b = 0; b < 16; b++) {
        errno = 0;
        long r = membarrier(1 << b, 0);
        if ((q & (1L << b)) ? r < 0 : r != -1 || errno != EINVAL)
            return 1 << b;
    }
    return 0;
}

static void check_membarrier(const char *self)
{
    long q = membarrier(MB_QUERY, 0);
    CHECK("membarrier-query", q >= 0 && (q & 0x1f) == 0x1f && (!t_uniplex() || q == MB_UNIPLEX),
          "QUERY returned %#lx", q);
    CHECK_ERR("membarrier-private-unregistered", membarrier(MB_PRIVATE_EXPEDITED, 0), EPERM);
    CHECK_ERR("membarrier-sync-core-unregistered", membarrier(MB_PRIVATE_SYNC_CORE, 0), EPERM);
    CHECK_ERR("membarrier-bad-cmd", membarrier(1 << 20, 0), EINVAL);
    CHECK_ERR("membarrier-negative-cmd", membarrier(-1, 0), EINVAL);
    CHECK_ERR("membarrier-flags", membarrier(MB_GLOBAL, 1), EINVAL);
    CHECK("membarrier-global",
          membarrier(MB_GLOBAL, 0) == 0 && membarrier(MB_GLOBAL_EXPEDITED, 0) == 0 &&
              membarrier(MB_REGISTER_GLOBAL_EXP, 0) == 0,
          "%s", strerror(errno));
    CHECK("membarrier-private-registered",
          membarrier(MB_REGISTER_PRIVATE_EXP, 0) == 0 && membarrier(MB_PRIVATE_EXPEDITED, 0) == 0,
          "%s", strerror(errno));
    int bad = q < 0 ? -1 : membarrier_listed_only(q);
    CHECK("membarrier-query-lists-only-accepted", bad == 0, "command %#x", bad);

    /* The registration is the address space's: fork copies it, exec drops it. */
    pid_t pid = fork();
    if (pid == 0)
        _exit(membarrier(MB_PRIVATE_EXPEDITED, 0) == 0 ? 0 : 1);
    check_exit("membarrier-fork-keeps-registration", pid, 0);
    pid = fork();
    if (pid == 0) {
        execl(self, self, "--membarrier-fresh", (char *)NULL);
        _exit(2);
    }
    check_exit("membarrier-exec-drops-registration", pid, 0);
}

/* /proc files have a position, as Linux's seq_file: reading from the start
 * again after lseek gives fresh text, pread reads at its own offset and
 * leaves the position alone, SEEK_END is EINVAL. /dev/null takes any
 * position and pread on it reads nothing. */
static void check_proc_seek(void)
{
    char a[64], b[64];
    int fd = open("/proc/self/status", O_RDONLY);
    ssize_t n1 = read(fd, a, sizeof a);
    off_t at = lseek(fd, 0, SEEK_CUR);
    ssize_t p = pread(fd, b, 5, 0);
    CHECK("proc_pread_at_offset",
          n1 == (ssize_t)sizeof a && at == (off_t)sizeof a && p == 5 &&
              memcmp(b, "Name:", 5) == 0 && lseek(fd, 0, SEEK_CUR) == at,
          "read %zd, at %lld, pread %zd", n1, (long long)at, p);
    off_t r = lseek(fd, 0, SEEK_SET);
    ssize_t n2 = read(fd, b, sizeof b);
    CHECK("proc_lseek_rewinds", r == 0 && n2 == n1 && memcmp(a, b, 5) == 0, "lseek %lld, read %zd",
          (long long)r, n2);
    errno = 0;
    CHECK("proc_seek_end_einval", lseek(fd, 0, SEEK_END) == -1 && errno == EINVAL, "errno %d",
          errno);
    close(fd);
    fd = open("/dev/null", O_RDWR);
    CHECK("dev_null_positions",
          lseek(fd, 100, SEEK_SET) == 0 && pread(fd, a, 1, 7) == 0 && pwrite(fd, "x", 1, 9) == 1,
          "errno %d", errno);
    close(fd);
}

int main(int argc, char **argv)
{
    struct timespec at_main;
    clock_gettime(CLOCK_BOOTTIME, &at_main);

    if (argc > 1 && strcmp(argv[1], "--membarrier-fresh") == 0)
        return membarrier(MB_PRIVATE_EXPEDITED, 0) == -1 && errno == EPERM ? 0 : 1;
    check_reboot_args();
    check_affinity();
    check_sync();
    check_clocks(&at_main);
    check_loadavg();
    check_proc_seek();
    check_membarrier(p_self_path("machine"));
    int failed = t_done("machine");
    if (failed || !t_uniplex())
        return failed;
    sync();
    reboot(RB_POWER_OFF);
    printf("machine: reboot returned: %s\n", strerror(errno));
    return 3;
}
