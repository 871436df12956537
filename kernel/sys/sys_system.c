/* Whole-machine system calls: reboot(2), and the CPU-affinity calls
 * (sched_getaffinity/sched_setaffinity) and membarrier(2) of a one-CPU
 * machine. */
#include <stdint.h>
#include "errno.h"
#include "string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/vmspace.h"
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

/* reboot(magic1, magic2, cmd, arg). No capability is checked yet (the
 * ids are kept, not checked: cred.c), so CAP_SYS_BOOT always passes. HALT powers off too: a halted virtual
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
        printk_console("power-off: status 0\n");
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

/* <linux/membarrier.h> */
#define MEMBARRIER_CMD_QUERY                                0
#define MEMBARRIER_CMD_GLOBAL                               (1 << 0)
#define MEMBARRIER_CMD_GLOBAL_EXPEDITED                     (1 << 1)
#define MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED            (1 << 2)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED                    (1 << 3)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED           (1 << 4)
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE          (1 << 5)
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE (1 << 6)
/* What QUERY answers: every command above, and only those. */
#define MEMBARRIER_CMDS 0x7f

/* membarrier(cmd, flags, cpu_id). One CPU and no preemption of kernel
 * code: while this runs no other thread is running at all, and each one
 * that runs later, on this same CPU, sees every store made before the call
 * in order. So every barrier asked for has already happened, and each
 * command only answers what Linux answers (which on one CPU returns at
 * once too). SYNC_CORE needs no more: there is no other core, and x86
 * keeps a core's instruction fetch coherent with its own stores. The
 * private commands are -EPERM until registered, so the registrations are
 * kept, with the address space (struct vmspace). The rseq commands are
 * -EINVAL, as from a Linux built without rseq (there is no rseq here);
 * so is MEMBARRIER_CMD_GET_REGISTRATIONS, which came after the 6.1
 * release uname reports. flags must be 0: MEMBARRIER_CMD_FLAG_CPU goes
 * only with an rseq command, and cpu_id only with that flag. */
static int64_t sys_membarrier(uint64_t cmd, uint64_t flags, uint64_t cpu_id, uint64_t a3,
                              uint64_t a4, uint64_t a5)
{
    ARG(cpu_id), ARG(a3), ARG(a4), ARG(a5);
    struct vmspace *vs = proc_current()->vm;
    if ((uint32_t)flags) /* cmd and flags are ints */
        return -EINVAL;
    switch ((int32_t)cmd) {
    case MEMBARRIER_CMD_QUERY:
        return MEMBARRIER_CMDS;
    case MEMBARRIER_CMD_GLOBAL:
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED: /* any process receives them */
        return 0;
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
        vs->membarrier |= (unsigned)cmd;
        return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
        return (vs->membarrier & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) ? 0 : -EPERM;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
        return (vs->membarrier & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE) ? 0 : -EPERM;
    default:
        return -EINVAL;
    }
}

void sys_system_register(void)
{
    syscall_register(SYS_membarrier, sys_membarrier);
    syscall_register(SYS_reboot, sys_reboot);
    syscall_register(SYS_sched_setaffinity, sys_sched_setaffinity);
    syscall_register(SYS_sched_getaffinity, sys_sched_getaffinity);
}
