/* machine: whole-machine calls. reboot(2)'s argument checks and the
 * Ctrl-Alt-Del flag, the CPU-affinity calls of a one-CPU machine, the sync
 * family, the boot clocks and clock_nanosleep's flags. Inside Uniplex
 * (UNIPLEX=1) it ends with reboot(RB_POWER_OFF) when every case passed:
 * the runner checks that the machine then powers off with status 0, not
 * main's 3. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

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

int main(void)
{
    struct timespec at_main;
    clock_gettime(CLOCK_BOOTTIME, &at_main);

    check_reboot_args();
    check_affinity();
    check_sync();
    check_clocks(&at_main);
    int failed = t_done("machine");
    if (failed || !t_uniplex())
        return failed;
    sync();
    reboot(RB_POWER_OFF);
    printf("machine: reboot returned: %s\n", strerror(errno));
    return 3;
}
