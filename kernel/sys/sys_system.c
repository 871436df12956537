/* Whole-machine system calls: reboot(2) and the CPU-affinity calls of a
 * one-CPU machine (sched_getaffinity/sched_setaffinity). */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/printk.h"
#include "kernel/proc/proc.h"
#include "kernel/sys/sys.h"
#include "kernel/sys/syscall.h"
#include "drivers/power.h"

/* <linux/reboot.h> */
#define REBOOT_MAGIC1    0xfee1deadu
#define REBOOT_MAGIC2    672274793u
#define REBOOT_MAGIC2A   85072278u
#define REBOOT_MAGIC2B   369367448u
#define REBOOT_MAGIC2C   537993216u
#define REBOOT_RESTART   0x01234567u
#define REBOOT_HALT      0xcdef0123u
#define REBOOT_POWER_OFF 0x4321fedcu
#define REBOOT_CAD_ON    0x89abcdefu
#define REBOOT_CAD_OFF   0x00000000u

/* reboot(magic1, magic2, cmd, arg). Every process runs as root, so the
 * CAP_SYS_BOOT check always passes. HALT powers off too: a halted virtual
 * machine that never exits helps nobody. */
static int64_t sys_reboot(uint64_t magic1, uint64_t magic2, uint64_t cmd, uint64_t a3, uint64_t a4,
                          uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    uint32_t m2 = (uint32_t)magic2;

    if ((uint32_t)magic1 != REBOOT_MAGIC1 || (m2 != REBOOT_MAGIC2 && m2 != REBOOT_MAGIC2A &&
                                              m2 != REBOOT_MAGIC2B && m2 != REBOOT_MAGIC2C))
        return -EINVAL;
    switch ((uint32_t)cmd) {
    case REBOOT_CAD_ON:
    case REBOOT_CAD_OFF:
        return 0; /* no Ctrl-Alt-Del reaches the kernel: nothing to switch */
    case REBOOT_POWER_OFF:
    case REBOOT_HALT:
        printk("reboot: power off requested by pid %d\n", proc_current()->pid);
        printk("power-off: status 0\n");
        power_off(0);
    case REBOOT_RESTART:
        printk("reboot: restart requested by pid %d\n", proc_current()->pid);
        power_restart();
    default:
        return -EINVAL;
    }
}

/* The affinity calls name a thread by tid (a process's pid names its main
 * thread), 0 being the caller. */
static int affinity_target(uint64_t tid)
{
    return (int)tid == 0 || lwp_find((int)tid) || proc_find((int)tid) ? 0 : -ESRCH;
}

/* The mask holds one CPU. Linux answers the size of its own mask in bytes;
 * that is one long here, and a buffer smaller than a long is -EINVAL. */
static int64_t sys_sched_getaffinity(uint64_t pid, uint64_t len, uint64_t umask, uint64_t a3,
                                     uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    uint64_t mask = 1;
    int err = affinity_target(pid);

    if (err)
        return err;
    if (len < sizeof(mask) || len % sizeof(mask))
        return -EINVAL;
    if (copy_to_user((void *)umask, &mask, sizeof(mask)))
        return -EFAULT;
    return sizeof(mask);
}

/* Any mask that includes CPU 0 is accepted (bits beyond the first long
 * name CPUs that do not exist); one without it is -EINVAL, as on Linux
 * when the mask holds no online CPU. */
static int64_t sys_sched_setaffinity(uint64_t pid, uint64_t len, uint64_t umask, uint64_t a3,
                                     uint64_t a4, uint64_t a5)
{
    ARG(a3), ARG(a4), ARG(a5);
    uint8_t first = 0;
    int err = affinity_target(pid);

    if (err)
        return err;
    if (len == 0)
        return -EINVAL;
    if (copy_from_user(&first, (const void *)umask, 1))
        return -EFAULT;
    return (first & 1) ? 0 : -EINVAL;
}

void sys_system_register(void)
{
    syscall_register(SYS_reboot, sys_reboot);
    syscall_register(SYS_sched_setaffinity, sys_sched_setaffinity);
    syscall_register(SYS_sched_getaffinity, sys_sched_getaffinity);
}
