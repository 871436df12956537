/* System-call entry tests: programs issue `syscall` from the lower half. */
#include <stdint.h>
#include "errno.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/sched/progtest.h"
#include "kernel/sched/sched.h"
#include "kernel/sys/sys_test.h"
#include "sysnr.h"

#define NR_OUT_OF_RANGE 9999
#define BENCH_CALLS     1000000

extern const char testprog_sysloop[], testprog_sysregs[];

static const char *t_enosys(void)
{
    if (progtest_run(testprog_sysloop, NR_OUT_OF_RANGE, 1) != -ENOSYS)
        return "a number beyond the table did not return -ENOSYS";
    /* rseq: a real Linux call Uniplex does not implement yet */
    if (progtest_run(testprog_sysloop, SYS_rseq, 3) != -ENOSYS)
        return "an unimplemented call did not return -ENOSYS";
    return 0;
}

static const char *t_registers(void)
{
    int64_t r = progtest_run(testprog_sysregs, NR_OUT_OF_RANGE, 0);
    if (r == -ENOSYS)
        return 0;
    if (r >= 1001 && r <= 1012)
        return "a register the ABI preserves changed across the system call";
    if (r == 1100)
        return "the red zone below the program's stack changed across the system call";
    return "unexpected result";
}

static void bench(void)
{
    uint64_t t0 = clock_ns();
    progtest_run(testprog_sysloop, NR_OUT_OF_RANGE, BENCH_CALLS);
    uint64_t t1 = clock_ns();
    printk("bench: system call round trip (ENOSYS) %llu ns\n",
           (unsigned long long)((t1 - t0) / BENCH_CALLS));
}

int sys_selftest(void)
{
    const char *why = progtest_setup();
    if (why) {
        ktest_result("sys/setup", why);
        return ktest_end("sys");
    }
    ktest_result("sys/enosys", t_enosys());
    ktest_result("sys/registers-and-red-zone", t_registers());
    bench();
    progtest_teardown();
    return ktest_end("sys");
}
