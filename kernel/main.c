/* kmain: bring the subsystems up in order, one per line. */
#include <stdint.h>
#include "kernel/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/fs/vfs.h"
#include "kernel/ipc/ipc.h"
#include "kernel/mm/pmem.h"
#include "kernel/printk.h"
#include "kernel/net/net.h"
#include "kernel/proc/init.h"
#include "kernel/proc/proc.h"
#include "kernel/random.h"
#include "kernel/sched/prof.h"
#include "kernel/sched/sched.h"
#include "kernel/selftest.h"
#include "kernel/sys/syscall.h"
#include "drivers/acpi.h"
#include "drivers/irq.h"
#include "drivers/pci.h"
#include "drivers/pic.h"
#include "drivers/ps2kbd.h"
#include "drivers/power.h"
#include "drivers/screen.h"
#include "drivers/serial.h"

#define UNIPLEX_VERSION "0.1"

static void report_consoles(int serial_err)
{
    if (serial_err)
        printk("serial: no UART on COM1; serial console skipped\n");
    printk("consoles: %d\n", console_count());
}

static void report_boot_time(void)
{
    uint64_t hz = arch_cycles_hz();
    uint64_t cycles = arch_cycles() - arch_boot_cycles();
    printk("boot: %llu us (first instruction to end of kmain)\n",
           (unsigned long long)(cycles * 1000000 / hz));
}

/* Legacy FPU state (FXSAVE, no AVX) with fpu=fxsave, or when the CPU is
 * being emulated instruction by instruction: KVM's emulator, which nested
 * KVM uses for this kernel on some hosts, implements FXSAVE but not XSAVE
 * and stops the guest on the first XRSTOR. */
static int fpu_legacy(const char *cmdline)
{
    if (cmdline_is(cmdline, "fpu", "fxsave"))
        return 1;
    if (!arch_cpu_emulated())
        return 0;
    printk("cpu: instructions are being emulated one by one: FXSAVE state, no AVX "
           "(an SSE instruction the emulator lacks will stop the VM)\n");
    return 1;
}

/* selftest=NAME runs that self test instead of init: 1, and the status to
 * power off with. Only the test kernel (build/kernel-test.elf) has self
 * tests; the release kernel logs the word and boots on (0). */
static int self_test(const char *cmdline, int *status)
{
    const char *v;
    size_t n;

    if (!cmdline_find(cmdline, "selftest", &v, &n))
        return 0;
#ifdef KERNEL_TEST
    *status = selftest_run(v, n);
    return 1;
#else
    (void)status;
    printk("selftest: this kernel has no self tests (\"selftest=%.*s\" ignored)\n", (int)n, v);
    return 0;
#endif
}

/* The console's log level (printk.h): 4 with "quiet" (the boot summary
 * and kernel notices then only go to the log, dmesg), loglevel=N sets it
 * (a bare or out-of-range value is ignored). 1 when quiet was given. */
static int console_level_option(const char *cmdline)
{
    const char *v;
    size_t n;
    int quiet = cmdline_find(cmdline, "quiet", &v, &n);
    if (quiet)
        printk_console_level(4);
    if (cmdline_find(cmdline, "loglevel", &v, &n) && n == 1 && v[0] >= '0' && v[0] <= '8')
        printk_console_level(v[0] - '0');
    return quiet;
}

/* The initrd is the first boot module (docs/ARCHITECTURE.md, "Programs"). */
static uint64_t initrd_phys(void)
{
    return bootinfo.nmods ? bootinfo.mods[0].start : 0;
}

static uint64_t initrd_len(void)
{
    return bootinfo.nmods ? bootinfo.mods[0].end - bootinfo.mods[0].start : 0;
}

void kmain(uint32_t magic, uint32_t info_phys)
{
    arch_stack_guard_init();
    arch_clock_start();
    arch_early_init();
    int serial_err = serial_init();
    bootinfo_init(magic, info_phys);
    int quiet = console_level_option(bootinfo.cmdline);
    screen_init(&bootinfo);
    printk("Uniplex " UNIPLEX_VERSION " x86_64 library OS\n");
    bootinfo_print();
    acpi_init(&bootinfo);
    pic_init();
    pmem_init(&bootinfo);
    heap_init();
    pmem_print();
    arch_clock_init();
    arch_fpu_init(fpu_legacy(bootinfo.cmdline));
    clock_init();
    sched_init(bootinfo.cmdline);
    clock_refine_start();
    irq_init();
    pci_init();
    prof_init(bootinfo.cmdline);
    serial_input_init();
    ps2kbd_init();
    random_init();
    net_init(bootinfo.cmdline);
    tmpfs_init();
    devfs_init(bootinfo.cmdline);
    procfs_init();
    vfs_init();
    initrd_init(initrd_phys(), initrd_len());
    vfs_mount_boot();
    proc_init(bootinfo.cmdline);
    ipc_init(); /* registers its calls: before syscall_init counts them */
    syscall_init();
    int status;
    if (self_test(bootinfo.cmdline, &status)) {
        report_consoles(serial_err);
        report_boot_time();
    } else {
        report_consoles(serial_err); /* before init's output: stays on a small screen */
        report_boot_time();
        status = init_run(bootinfo.cmdline, bootinfo.nmods > 0, !quiet);
    }
    power_shutdown(status);
}
